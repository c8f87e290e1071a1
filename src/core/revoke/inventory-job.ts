/**
 * The scheduled job that keeps the permission inventory: due at once after start-up while no complete
 * inventory exists, then on its schedule an incremental refresh (re-list every mailbox, scan the new,
 * changed and stale ones, drop the gone). One instance at a time runs it (the scheduler's claim).
 */
import type { ScheduledJob } from '../schedule/scheduler.js';
import type { PermissionInventory } from './permission-inventory.js';

export const inventoryJobName = 'revoke.inventory';

export function inventoryRefreshJob(
  inventory: Pick<PermissionInventory, 'refresh' | 'status'>,
  schedule: string,
  options: { startDelayMs?: number } = {},
): ScheduledJob {
  return {
    name: inventoryJobName,
    description: 'Refresh the inventory of rights on other mailboxes (FullAccess, calendar)',
    schedule,
    isDueAtStart: async () => !(await inventory.status()).isComplete,
    // Listing and queueing the first pages of a large tenant is a burst of work on the bot's thread:
    // the turns that come in right after a restart (a deploy) go first. Cards say the inventory is
    // being built either way.
    ...(options.startDelayMs !== undefined && { startDelayMs: options.startDelayMs }),
    // A first scan of a large tenant takes minutes: retry soon after a failure rather than next hour.
    retryAfterMs: 5 * 60_000,
    async run(signal) {
      const report = await inventory.refresh(signal);
      const failures = report.failures.length;
      return (
        `${report.listed} mailboxes listed, ${report.scanned} scanned (${report.added} new, ${report.dropped} gone)` +
        (failures > 0
          ? `, ${failures} could not be scanned (first: ${report.failures[0]?.mailbox ?? ''})`
          : '') +
        ` in ${Math.round(report.durationMs / 1000)} s`
      );
    },
  };
}

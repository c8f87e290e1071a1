/**
 * Joiners not yet synced to Entra ID wait in the durable work queue (kind `provision.pending`, one item
 * per UPN) and are retried with capped exponential backoff until the configured horizon, then reported.
 */
import type { QueueItem, WorkQueue } from '../ports/store.js';
import type { JoinerRow } from './provision-input.js';
import type { ProvisioningConfig } from './provision-mapping.js';

export const pendingKind = 'provision.pending';

export interface PendingPayload {
  row: JoinerRow;
  requestedBy: string;
  /** Epoch ms of the first attempt; the horizon counts from here. */
  firstSeenAt: number;
}

export async function enqueuePending(
  queue: WorkQueue,
  config: ProvisioningConfig,
  nowMs: number,
  item: { row: JoinerRow; requestedBy: string },
): Promise<QueueItem> {
  const key = item.row.userPrincipalName.toLowerCase();
  const existing = await queue.get(pendingKind, key);
  const prior =
    existing && (existing.status === 'pending' || existing.status === 'claimed')
      ? (existing.payload as Partial<PendingPayload>).firstSeenAt
      : undefined;
  const payload: PendingPayload = { ...item, firstSeenAt: prior ?? nowMs };
  return queue.enqueue({
    kind: pendingKind,
    key,
    payload,
    notBeforeMs: nowMs + config.pending.firstRetryMinutes * 60_000,
  });
}

/**
 * When to try again after `attempts` failed tries: first delay doubling up to the cap; null once the
 * next try would fall after the horizon (the item is then reported and dropped).
 */
export function nextPendingAttempt(
  config: ProvisioningConfig,
  attempts: number,
  firstSeenAt: number,
  nowMs: number,
): number | null {
  const { firstRetryMinutes, maxRetryMinutes, horizonHours } = config.pending;
  const delayMs = Math.min(maxRetryMinutes, firstRetryMinutes * 2 ** Math.max(0, attempts - 1)) * 60_000;
  const next = nowMs + delayMs;
  return next - firstSeenAt > horizonHours * 3_600_000 ? null : next;
}

/**
 * Retention for the triggers' records, run by the scheduler as the job `triggers.housekeeping`:
 *
 * - Replay records of the signed endpoints (work-queue items of kind `signed-endpoint.delivery`): each
 *   is claimed until twice the signature window (plus a minute) after its delivery; once that claim has
 *   ended the signed timestamp is outside the window, so a replay is refused as stale without the
 *   record and the record is deleted.
 * - Holds on ticket ids and HR persons (`trigger.key-lock` items) once released or lapsed.
 * - Drop-folder row records (`drop-folder:<name>:row:…` in the key-value store, each carrying the time
 *   of its fate) older than the configured days (default 90). Within that time, the same content
 *   dropped again is not applied again; after it, its rows are applied again as new rows (the
 *   appliers check what already exists: a provisioned joiner is reported with nothing to do, an HR
 *   leaver merges into the open request). The transient per-file records hold no `at` and are kept
 *   until their file is finished, as before.
 */
import type { Clock } from '../core/ports/clock.js';
import type { Store } from '../core/ports/store.js';
import type { ScheduledJob } from '../core/schedule/scheduler.js';
import { keyLockKind } from '../core/triggers/key-lock.js';
import { signedDeliveryKind } from './signed-endpoint.js';

export const triggerHousekeepingJobName = 'triggers.housekeeping';
export const defaultDropFolderRecordDays = 90;
/** Every drop folder's records start with this (see `DropFolder`'s row and file keys). */
export const dropFolderRecordPrefix = 'drop-folder:';

const dayMs = 86_400_000;

export interface TriggerHousekeepingResult {
  replayRecords: number;
  holds: number;
  dropFolderRows: number;
}

export interface TriggerHousekeepingDeps {
  store: Pick<Store, 'queue' | 'state'>;
  clock: Clock;
}

/** One clean-up pass at the clock's current time. */
export async function cleanUpTriggerRecords(
  deps: TriggerHousekeepingDeps,
  dropFolderRecordDays: number = defaultDropFolderRecordDays,
): Promise<TriggerHousekeepingResult> {
  const now = deps.clock.now();
  const replayRecords = await deps.store.queue.purge(signedDeliveryKind, now);
  const holds = await deps.store.queue.purge(keyLockKind, now);
  const cutoff = new Date(now - dropFolderRecordDays * dayMs).toISOString();
  const dropFolderRows = await deps.store.state.deleteOlderThan(dropFolderRecordPrefix, cutoff);
  return { replayRecords, holds, dropFolderRows };
}

export function triggerHousekeepingJob(
  deps: TriggerHousekeepingDeps,
  settings: { schedule: string; dropFolderRecordDays?: number },
): ScheduledJob {
  const days = settings.dropFolderRecordDays ?? defaultDropFolderRecordDays;
  return {
    name: triggerHousekeepingJobName,
    description: `Delete expired replay records and drop-folder row records older than ${days} days`,
    schedule: settings.schedule,
    run: async () => {
      const done = await cleanUpTriggerRecords(deps, days);
      return (
        `Deleted ${done.replayRecords} replay records, ${done.holds} released holds and ` +
        `${done.dropFolderRows} drop-folder row records older than ${days} days`
      );
    },
  };
}

/**
 * The HR leavers drop folder: a scheduled job (`hr-leavers.drop-folder`) reads every CSV HR leaves in
 * `HR_LEAVERS_DROP_FOLDER` with the drop-folder processor (claimed, each row applied once, the file
 * moved to `Processed/` with a report of every row, or to `Rejected/` with the reason) and hands each
 * row to the same intake as `POST /api/hr/leavers`.
 */
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../core/ports/clock.js';
import type { Store } from '../core/ports/store.js';
import type { ScheduledJob } from '../core/schedule/scheduler.js';
import { DropFolderProcessor } from '../core/triggers/drop-folder.js';
import { parseHrLeaversCsv } from '../core/triggers/hr-leavers-csv.js';
import type { HrLeaverIntake } from '../core/triggers/hr-leavers.js';

export const hrLeaversDropFolderJobName = 'hr-leavers.drop-folder';

/** The processor of the folder: each row goes to the intake; a refused row is a failed row. */
export function hrLeaversDropFolder(
  intake: HrLeaverIntake,
  folder: string,
  deps: { store: Pick<Store, 'queue' | 'state'>; logger: Logger; clock?: Clock; settleMs?: number },
): DropFolderProcessor<Record<string, string>> {
  return new DropFolderProcessor(
    { store: deps.store, clock: deps.clock ?? systemClock, log: deps.logger },
    {
      name: 'hr-leavers',
      folder,
      parse: (text) => parseHrLeaversCsv(text),
      apply: async (row, context) => {
        const result = await intake.handleOne(row, `drop folder ${context.file} line ${context.line}`);
        return {
          status: result.outcome,
          isFailure: !result.accepted,
          detail: result.requestId ? `${result.requestId}: ${result.message}` : result.message,
        };
      },
      ...(deps.settleMs !== undefined && { settleMs: deps.settleMs }),
    },
  );
}

export function hrLeaversDropFolderJob(
  intake: HrLeaverIntake,
  folder: { path: string; schedule: string },
  deps: { store: Pick<Store, 'queue' | 'state'>; logger: Logger },
): ScheduledJob {
  const processor = hrLeaversDropFolder(intake, folder.path, deps);
  return {
    name: hrLeaversDropFolderJobName,
    description: 'HR leavers drop folder: scheduled offboarding requests from HR files',
    schedule: folder.schedule,
    run: async (signal) => (await processor.run(signal)).summary,
  };
}

/** The run's final status from its steps' final statuses. */
import type { FinishedRunStatus, RunCounts, StepFinishStatus } from './events.js';

export function countSteps(statuses: Iterable<StepFinishStatus>): RunCounts {
  const counts: RunCounts = { done: 0, nothingToDo: 0, failed: 0, skipped: 0 };
  for (const status of statuses) {
    if (status === 'done') counts.done += 1;
    else if (status === 'nothing-to-do') counts.nothingToDo += 1;
    else if (status === 'failed') counts.failed += 1;
    else counts.skipped += 1;
  }
  return counts;
}

/**
 * cancelled: a cancel stopped steps; completed: every step verified or had nothing to do;
 * failed: no step succeeded; completed-with-errors: some succeeded, some failed or were skipped.
 */
export function decideRunStatus(counts: RunCounts, isCancelled: boolean): FinishedRunStatus {
  const succeeded = counts.done + counts.nothingToDo;
  const unfinished = counts.failed + counts.skipped;
  if (unfinished === 0) return 'completed';
  if (isCancelled) return 'cancelled';
  return succeeded === 0 ? 'failed' : 'completed-with-errors';
}

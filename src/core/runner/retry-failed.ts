/**
 * "Retry failed steps": re-opens the failed steps of a finished run, and those skipped because a
 * dependency failed (a step whose planning failed counts as failed), then puts the run back in the
 * queue, with a new plan when the caller planned those steps again. Verified steps stay untouched, and changes
 * already applied inside a failed step are not applied again.
 */
import { ConflictError, NotFoundError } from '../errors.js';
import type { AuditEvent } from '../model.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { Plan } from '../step.js';
import { foldJournal } from './journal-state.js';

export interface RetryFailedOptions {
  clock?: Clock;
  /** Who asked, for the audit log. */
  actor?: AuditEvent['actor'];
  /** The plan to run from now on (steps whose planning failed, planned again). */
  plan?: Plan;
}

/** Returns the re-opened step ids. Throws `NotFoundError`, or `ConflictError` when nothing can be retried. */
export async function retryFailedSteps(
  store: Pick<Store, 'runs' | 'journal' | 'audit'>,
  runId: string,
  options: RetryFailedOptions = {},
): Promise<{ stepIds: string[] }> {
  const clock = options.clock ?? systemClock;
  const run = await store.runs.get(runId);
  if (!run) throw new NotFoundError(`Run ${runId} does not exist`);
  if (run.status !== 'completed-with-errors' && run.status !== 'failed') {
    throw new ConflictError(
      `Run ${runId} is ${run.status}: only a run that finished with failures can be retried`,
    );
  }
  const states = foldJournal(await store.journal.list(runId));
  const stepIds = run.plan.steps
    .map((planned) => planned.stepId)
    .filter((stepId) => {
      const state = states.get(stepId);
      return state?.outcome === 'failed' || (state?.outcome === 'skipped' && state.skipKind === 'blocked');
    });
  if (stepIds.length === 0) throw new ConflictError(`Run ${runId} has no failed steps to retry`);
  const at = new Date(clock.now()).toISOString();
  for (const stepId of stepIds) {
    await store.journal.append({ runId, stepId, phase: 'planned', attempt: 0, after: { isRetry: true }, at });
  }
  await store.audit.append({
    at,
    type: 'run.retry-requested',
    requestId: run.requestId,
    runId,
    actor: options.actor,
    details: { stepIds },
  });
  await store.runs.requeue(runId, options.plan);
  return { stepIds };
}

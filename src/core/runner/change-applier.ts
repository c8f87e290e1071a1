/**
 * Applies one change with the runner's guarantees: `applying` is journaled before the call, `applied`
 * (with the after-state) or `failed` after it; retryable failures are retried; an audit event records
 * every applied change. Store failures are thrown: without a journal the run must stop.
 */
import { describeError } from '../errors.js';
import type { Change, PlannedStep, Step } from '../step.js';
import type { ChangeJournalState } from './journal-state.js';
import { retrying } from './retrying.js';
import type { RunSession } from './run-session.js';

export type ChangeOutcome = { kind: 'applied' } | { kind: 'failed'; error: unknown } | { kind: 'stopped' };

export async function applyChange(
  session: RunSession,
  planned: PlannedStep,
  step: Step,
  change: Change,
  prior: ChangeJournalState | undefined,
): Promise<ChangeOutcome> {
  const ctx = session.stepContext();
  let attempt = prior?.attempt ?? 0;
  const result = await retrying(
    async () => {
      attempt += 1;
      const current = attempt;
      const call = await session.limiter.run(
        planned.system,
        async () => {
          await session.journal({
            stepId: planned.stepId,
            changeKey: change.key,
            phase: 'applying',
            attempt: current,
            before: change.before,
          });
          try {
            return { ok: true as const, value: await step.apply(change, ctx) };
          } catch (error) {
            return { ok: false as const, error };
          }
        },
        'background',
        'write',
      );
      if (!call.ok) {
        await session.journal({
          stepId: planned.stepId,
          changeKey: change.key,
          phase: 'failed',
          attempt: current,
          error: describeError(call.error),
        });
        return call;
      }
      const after: unknown = call.value === undefined ? change.after : call.value;
      await recordApplied(session, planned, change, current, after, false);
      return call;
    },
    {
      policy: session.retry,
      clock: session.clock,
      random: session.random,
      signal: session.signal,
      onRetry: (error, _n, delayMs) => {
        session.emit({
          type: 'change-retrying',
          stepId: planned.stepId,
          changeKey: change.key,
          attempt,
          delayMs,
          error: describeError(error).message,
        });
      },
    },
  );
  if (result.ok) return { kind: 'applied' };
  if (session.signal.aborted) return { kind: 'stopped' };
  return { kind: 'failed', error: result.error };
}

/**
 * Applies several changes of a step in one `applyTogether` call, with the same guarantees per change as
 * `applyChange`: each is journaled `applying` before the call and `applied` (or `failed`) after it, and
 * audited. Retryable failures retry the whole call (the step's call is idempotent).
 */
export async function applyChangesTogether(
  session: RunSession,
  planned: PlannedStep,
  step: Step & Required<Pick<Step, 'applyTogether'>>,
  changes: readonly Change[],
  priors: ReadonlyMap<string, ChangeJournalState>,
): Promise<ChangeOutcome> {
  const ctx = session.stepContext();
  let attempt = Math.max(0, ...changes.map((c) => priors.get(c.key)?.attempt ?? 0));
  const result = await retrying(
    async () => {
      attempt += 1;
      const current = attempt;
      const call = await session.limiter.run(
        planned.system,
        async () => {
          for (const change of changes) {
            await session.journal({
              stepId: planned.stepId,
              changeKey: change.key,
              phase: 'applying',
              attempt: current,
              before: change.before,
            });
          }
          try {
            await step.applyTogether(changes, ctx);
            return { ok: true as const, value: undefined };
          } catch (error) {
            return { ok: false as const, error };
          }
        },
        'background',
        'write',
      );
      if (!call.ok) {
        for (const change of changes) {
          await session.journal({
            stepId: planned.stepId,
            changeKey: change.key,
            phase: 'failed',
            attempt: current,
            error: describeError(call.error),
          });
        }
        return call;
      }
      for (const change of changes) {
        await recordApplied(session, planned, change, current, change.after, false);
      }
      return call;
    },
    {
      policy: session.retry,
      clock: session.clock,
      random: session.random,
      signal: session.signal,
      onRetry: (error, _n, delayMs) => {
        session.emit({
          type: 'change-retrying',
          stepId: planned.stepId,
          changeKey: changes.map((c) => c.key).join(','),
          attempt,
          delayMs,
          error: describeError(error).message,
        });
      },
    },
  );
  if (result.ok) return { kind: 'applied' };
  if (session.signal.aborted) return { kind: 'stopped' };
  return { kind: 'failed', error: result.error };
}

/**
 * A change left `applying` by a crash that a fresh plan no longer lists was made before the crash:
 * record it as applied without calling `apply` again.
 */
export async function reconcileChange(
  session: RunSession,
  planned: PlannedStep,
  change: Change,
  prior: ChangeJournalState,
): Promise<void> {
  await recordApplied(session, planned, change, prior.attempt, { isReconciled: true }, true);
}

async function recordApplied(
  session: RunSession,
  planned: PlannedStep,
  change: Change,
  attempt: number,
  after: unknown,
  isReconciled: boolean,
): Promise<void> {
  // Audit first: a crash between the two leaves the change in doubt, and reconciling it audits again,
  // so an applied change is never missing from the audit log (it may appear twice, marked reconciled).
  await session.audit('step.applied', {
    stepId: planned.stepId,
    changeKey: change.key,
    description: change.description,
    attempt,
    before: change.before,
    after,
    isReconciled,
  });
  await session.journal({
    stepId: planned.stepId,
    changeKey: change.key,
    phase: 'applied',
    attempt,
    before: change.before,
    after,
  });
  session.emit({
    type: 'change-applied',
    stepId: planned.stepId,
    changeKey: change.key,
    attempt,
    isReconciled,
  });
}

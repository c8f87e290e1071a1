/**
 * Executes one planned step from where its journal left off: applied changes are not applied again,
 * in-doubt changes are reconciled against a fresh plan, then the step is verified. The step's final
 * journal entry (`verified`, `failed` or `skipped`) and its `step-finished` event are written here.
 */
import { describeError, VerificationError } from '../errors.js';
import type { JournalEntry } from '../ports/store.js';
import type { Change, PlannedStep, Step, VerifyResult } from '../step.js';
import { storedChanges } from './build-plan.js';
import { applyChange, applyChangesTogether, reconcileChange } from './change-applier.js';
import type { StepFinishStatus } from './events.js';
import type { ChangeJournalState, SkipKind, StepJournalState } from './journal-state.js';
import { attemptCall, retrying, type RetriedResult } from './retrying.js';
import type { RunSession } from './run-session.js';

/** `interrupted`: lease lost or store failed; nothing more is journaled, the next owner resumes the step. */
export type StepResult = { status: StepFinishStatus; error?: string } | { status: 'interrupted' };

export async function executeStep(
  session: RunSession,
  planned: PlannedStep,
  step: Step | undefined,
  state: StepJournalState | undefined,
): Promise<StepResult> {
  const startedMs = session.clock.now();
  session.emit({ type: 'step-started', stepId: planned.stepId });
  const result = await executeChanges(session, planned, step, state);
  if (result.status !== 'interrupted') {
    session.emit({
      type: 'step-finished',
      stepId: planned.stepId,
      status: result.status,
      elapsedMs: session.clock.now() - startedMs,
      error: result.error,
    });
  }
  return result;
}

async function executeChanges(
  session: RunSession,
  stored: PlannedStep,
  step: Step | undefined,
  state: StepJournalState | undefined,
): Promise<StepResult> {
  if (!step) {
    const message = `Unknown step ${stored.stepId}: this version cannot run it`;
    return failStep(session, stored, { code: 'unknown-step', name: 'UnknownStep', message });
  }
  const started = stored.isPlannedAtStart ? await planAtStart(session, stored, step) : { planned: stored };
  if ('status' in started) return started;
  const { planned } = started;
  if (planned.planError !== undefined) {
    // Nothing is known about what the step would change: a failure, re-planned by a retry.
    return failStep(session, planned, {
      code: 'plan-failed',
      name: 'PlanningError',
      message: planned.planError,
    });
  }
  if (planned.changes.some((c) => c.isPreviewOnly)) {
    // A card's line planned without reading the target: applying it would act on unread state.
    return failStep(session, planned, {
      code: 'plan-failed',
      name: 'PlanningError',
      message: 'The stored plan of this step comes from a quick preview; plan the run again',
    });
  }
  if (planned.changes.length === 0) {
    await session.journal({
      stepId: planned.stepId,
      phase: 'verified',
      attempt: 0,
      after: { isNothingToDo: true },
    });
    return { status: 'nothing-to-do' };
  }
  const together = await applyTogetherFirst(session, planned, step, state);
  if ('status' in together) return together;
  let stillPlanned: ReadonlySet<string> | undefined;
  for (const change of planned.changes) {
    if (together.applied.has(change.key)) continue;
    const prior = state?.changes.get(change.key);
    if (prior?.phase === 'applied') continue;
    await session.checkCancelRequested();
    if (session.stopReason) return stopStep(session, planned);
    if (prior?.phase === 'applying') {
      if (!stillPlanned) {
        const replanned = await planNow(session, planned, step);
        if (!replanned.ok) {
          if (session.stopReason) return stopStep(session, planned);
          const error = describeError(replanned.error);
          const message = `Could not check changes left in doubt: ${error.message}`;
          return failStep(session, planned, { ...error, message });
        }
        stillPlanned = new Set(replanned.value.map((c) => c.key));
      }
      if (!stillPlanned.has(change.key)) {
        await reconcileChange(session, planned, change, prior);
        continue;
      }
    }
    const outcome = await applyChange(session, planned, step, change, prior);
    if (outcome.kind === 'stopped') return stopStep(session, planned);
    if (outcome.kind === 'failed') {
      const error = describeError(outcome.error);
      return failStep(session, planned, { ...error, message: `${change.description}: ${error.message}` });
    }
  }
  return verifyStep(session, planned, step);
}

/**
 * A step that can make its changes in one call (`applyTogether`) gets every change not yet applied and
 * not left in doubt in one go; changes in doubt (a crash after `applying`) take the per-change path,
 * which reconciles them against a fresh plan first.
 */
async function applyTogetherFirst(
  session: RunSession,
  planned: PlannedStep,
  step: Step,
  state: StepJournalState | undefined,
): Promise<StepResult | { applied: ReadonlySet<string> }> {
  const none = { applied: new Set<string>() };
  const applyTogether = step.applyTogether?.bind(step);
  if (!applyTogether) return none;
  const priors = state?.changes ?? new Map<string, ChangeJournalState>();
  const pending = planned.changes.filter((c) => {
    const phase = priors.get(c.key)?.phase;
    return phase === undefined || phase === 'failed';
  });
  if (pending.length < 2) return none;
  await session.checkCancelRequested();
  if (session.stopReason) return stopStep(session, planned);
  const outcome = await applyChangesTogether(session, planned, { ...step, applyTogether }, pending, priors);
  if (outcome.kind === 'stopped') return stopStep(session, planned);
  if (outcome.kind === 'failed') {
    const error = describeError(outcome.error);
    const what = pending.map((c) => c.description).join('; ');
    return failStep(session, planned, { ...error, message: `${what}: ${error.message}` });
  }
  return { applied: new Set(pending.map((c) => c.key)) };
}

/**
 * Reads are eventually consistent (Graph, Exchange grants can take seconds to minutes to show), so a
 * negative read-back is retried like a transient error, over a longer window than calls get.
 */
const verificationWindow = { minAttempts: 8, minBaseDelayMs: 1000 };

async function verifyOnce(session: RunSession, planned: PlannedStep, step: Step): Promise<void> {
  const ctx = session.stepContext();
  const result: VerifyResult = await session.limiter.run(planned.system, () =>
    step.verify(planned.changes, ctx),
  );
  if (!result.ok) throw new VerificationError(result.reason);
}

async function verifyStep(session: RunSession, planned: PlannedStep, step: Step): Promise<StepResult> {
  const policy = {
    ...session.retry,
    maxAttempts: Math.max(session.retry.maxAttempts, verificationWindow.minAttempts),
    baseDelayMs: Math.max(session.retry.baseDelayMs, verificationWindow.minBaseDelayMs),
  };
  const result: RetriedResult<void> = await retrying(
    () => attemptCall(() => verifyOnce(session, planned, step)),
    {
      policy,
      clock: session.clock,
      random: session.random,
      signal: session.signal,
      onRetry: (error, attempt, delayMs) => {
        session.emit({
          type: 'change-retrying',
          stepId: planned.stepId,
          attempt,
          delayMs,
          error: describeError(error).message,
        });
      },
    },
  );
  if (!result.ok) {
    if (session.stopReason) return stopStep(session, planned);
    const error = describeError(result.error);
    return failStep(
      session,
      planned,
      { ...error, message: `Verification failed: ${error.message}` },
      result.attempts,
    );
  }
  await session.journal({ stepId: planned.stepId, phase: 'verified', attempt: result.attempts });
  return { status: 'done' };
}

/**
 * A step planned when it starts (`Step.isPlannedAtStart`) is planned now, against live state, and its
 * changes are stored in the run's plan before the first is applied (a restart finds them there).
 */
async function planAtStart(
  session: RunSession,
  planned: PlannedStep,
  step: Step,
): Promise<StepResult | { planned: PlannedStep }> {
  // The planning may wait minutes for an inventory scan that knows nothing of this run: a cancel or a
  // lost lease stops the step at once, and the planning's reads finish unobserved.
  const result = await unlessStopped(session.signal, planNow(session, planned, step));
  if (result === 'stopped') return stopStep(session, planned);
  const failure = (message: string): JournalError => ({
    code: 'plan-failed',
    name: 'PlanningError',
    message,
  });
  if (!result.ok) {
    if (session.stopReason) return stopStep(session, planned);
    const tries = result.attempts > 1 ? ` after ${result.attempts} attempts` : '';
    const message = `Planning failed${tries}: ${describeError(result.error).message}`;
    return failStep(session, planned, failure(message), result.attempts);
  }
  const checked = storedChanges(result.value);
  if ('error' in checked) return failStep(session, planned, failure(checked.error));
  const { isPlannedAtStart: _planned, ...rest } = planned;
  const next: PlannedStep = { ...rest, changes: checked.changes };
  return (await session.recordPlannedStep(next)) ? { planned: next } : { status: 'interrupted' };
}

/** `work`'s result, or 'stopped' as soon as `signal` aborts. */
async function unlessStopped<T>(signal: AbortSignal, work: Promise<T>): Promise<T | 'stopped'> {
  work.catch(() => undefined);
  if (signal.aborted) return 'stopped';
  let onAbort = (): void => undefined;
  const stopped = new Promise<'stopped'>((resolve) => {
    onAbort = () => {
      resolve('stopped');
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, stopped]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Plans the step against live state. A step planned at its start bounds its own calls (it may wait
 * minutes for a permission inventory): it holds no connection slot of its system meanwhile.
 */
function planNow(session: RunSession, planned: PlannedStep, step: Step): Promise<RetriedResult<Change[]>> {
  const ctx = session.stepContext();
  const plan = step.isPlannedAtStart
    ? () => step.plan(ctx)
    : () => session.limiter.run(planned.system, () => step.plan(ctx));
  return retrying(() => attemptCall(plan), {
    policy: session.retry,
    clock: session.clock,
    random: session.random,
    signal: session.signal,
  });
}

type JournalError = NonNullable<JournalEntry['error']>;

async function failStep(
  session: RunSession,
  planned: PlannedStep,
  error: JournalError,
  attempt = 0,
): Promise<StepResult> {
  await session.journal({ stepId: planned.stepId, phase: 'failed', attempt, error });
  return { status: 'failed', error: error.message };
}

async function stopStep(session: RunSession, planned: PlannedStep): Promise<StepResult> {
  if (session.stopReason === 'interrupted') return { status: 'interrupted' };
  return skipStep(session, planned, 'Cancelled before the step finished', 'cancelled');
}

export async function skipStep(
  session: RunSession,
  planned: PlannedStep,
  reason: string,
  skipKind: SkipKind,
): Promise<StepResult> {
  await session.journal({
    stepId: planned.stepId,
    phase: 'skipped',
    attempt: 0,
    after: { reason, skipKind },
  });
  return { status: 'skipped', error: reason };
}

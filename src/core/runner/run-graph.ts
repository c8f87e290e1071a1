/**
 * Schedules a run's steps as a dependency graph. A step starts once every dependency is verified or
 * had nothing to do; a dependency that failed or was skipped skips its dependents ("Blocked by …").
 * Steps already finished in the journal keep their outcome: a verified step is never run again.
 */
import type { Plan, PlannedStep, Step } from '../step.js';
import type { StepFinishStatus } from './events.js';
import { finishStatusOf, type SkipKind, type StepJournalState } from './journal-state.js';
import { RunInterruptedError, type RunSession } from './run-session.js';
import { executeStep, skipStep, type StepResult } from './step-executor.js';

type SlotStatus = 'pending' | 'running' | StepFinishStatus | 'interrupted';

/** Final status per step id; absent for steps an interruption left unfinished. */
export type FinalStatuses = Map<string, StepFinishStatus>;

const initialStatus = (state: StepJournalState | undefined): SlotStatus => finishStatusOf(state) ?? 'pending';

const isSatisfied = (status: SlotStatus | undefined): boolean =>
  status === 'done' || status === 'nothing-to-do';
const isBlocking = (status: SlotStatus | undefined): boolean =>
  status === undefined || status === 'failed' || status === 'skipped';

/** Resolves with every step's final status; rejects (after in-flight steps settle) when the store fails. */
export async function runGraph(
  session: RunSession,
  plan: Plan,
  steps: ReadonlyMap<string, Step>,
  states: ReadonlyMap<string, StepJournalState>,
): Promise<FinalStatuses> {
  const slots = new Map<string, SlotStatus>(
    plan.steps.map((p) => [p.stepId, initialStatus(states.get(p.stepId))]),
  );
  const inFlight = new Map<string, Promise<[string, StepResult]>>();
  try {
    for (;;) {
      // Repeat until nothing changes: a skip late in plan order can block a step earlier in it.
      for (let hasChanged = true; hasChanged;) {
        hasChanged = false;
        for (const planned of plan.steps) {
          if (slots.get(planned.stepId) !== 'pending' || session.stopReason) continue;
          const skip = skipReasonOf(planned, slots);
          if (skip) {
            slots.set(planned.stepId, (await skipAndReport(session, planned, skip.reason, skip.kind)).status);
            hasChanged = true;
          } else if (planned.dependsOn.every((id) => isSatisfied(slots.get(id)))) {
            slots.set(planned.stepId, 'running');
            const result = executeStep(
              session,
              planned,
              steps.get(planned.stepId),
              states.get(planned.stepId),
            );
            inFlight.set(
              planned.stepId,
              result.then((r): [string, StepResult] => [planned.stepId, r]),
            );
          }
        }
      }
      if (inFlight.size === 0) break;
      const [stepId, result] = await Promise.race(inFlight.values());
      inFlight.delete(stepId);
      slots.set(stepId, result.status);
    }
  } catch (error) {
    session.stop(new RunInterruptedError('The store failed during the run', { cause: error }));
    await Promise.allSettled(inFlight.values());
    throw error;
  }
  await skipLeftovers(session, plan, slots);
  return finalStatuses(slots);
}

function skipReasonOf(
  planned: PlannedStep,
  slots: ReadonlyMap<string, SlotStatus>,
): { reason: string; kind: SkipKind } | undefined {
  if (planned.skippedReason !== undefined) return { reason: planned.skippedReason, kind: 'not-planned' };
  const blocker = planned.dependsOn.find((id) => isBlocking(slots.get(id)));
  if (blocker === undefined) return undefined;
  const reason = slots.has(blocker)
    ? `Blocked by ${blocker}`
    : `Blocked by ${blocker}, which is not in the plan`;
  return { reason, kind: 'blocked' };
}

async function skipAndReport(
  session: RunSession,
  planned: PlannedStep,
  reason: string,
  kind: SkipKind,
): Promise<StepResult> {
  const result = await skipStep(session, planned, reason, kind);
  session.emit({
    type: 'step-finished',
    stepId: planned.stepId,
    status: 'skipped',
    elapsedMs: 0,
    error: reason,
  });
  return result;
}

/** After a cancel, or when a cycle left steps unreachable, every pending step is recorded as skipped. */
async function skipLeftovers(session: RunSession, plan: Plan, slots: Map<string, SlotStatus>): Promise<void> {
  if (session.stopReason === 'interrupted') return;
  for (const planned of plan.steps) {
    if (slots.get(planned.stepId) !== 'pending') continue;
    const [reason, kind]: [string, SkipKind] =
      session.stopReason === 'cancelled'
        ? ['Cancelled before the step started', 'cancelled']
        : ['Blocked by a dependency cycle', 'blocked'];
    slots.set(planned.stepId, (await skipAndReport(session, planned, reason, kind)).status);
  }
}

function finalStatuses(slots: ReadonlyMap<string, SlotStatus>): FinalStatuses {
  const statuses: FinalStatuses = new Map();
  for (const [stepId, status] of slots) {
    if (status !== 'pending' && status !== 'running' && status !== 'interrupted')
      statuses.set(stepId, status);
  }
  return statuses;
}

/** A pure fold of a plan and its journal into what the progress card, summary card and `status` show. */
import type { JournalEntry } from '../ports/store.js';
import type { Plan, PlannedStep, SystemId } from '../step.js';
import { finishStatusOf, foldJournal, type StepJournalState } from './journal-state.js';

export type StepProgressStatus = 'waiting' | 'running' | 'done' | 'failed' | 'skipped';

export interface StepSummary {
  stepId: string;
  title: string;
  system: SystemId;
  status: StepProgressStatus;
  /** Done without changing anything (the plan was empty). */
  isNothingToDo: boolean;
  changeCount: number;
  appliedCount: number;
  /** Highest attempt number of any of the step's changes (0 before the first apply). */
  attempts: number;
  /** From the first to the latest journal entry of the current execution. */
  elapsedMs?: number;
  /** Failure message or skip reason. */
  error?: string;
  warnings: string[];
  /** What `apply` returned for each applied change, in plan order (the delegate notice's channel). */
  results: unknown[];
}

export interface RunSummary {
  steps: StepSummary[];
  counts: Record<StepProgressStatus, number>;
  changes: { total: number; applied: number };
  /** No step is waiting or running. */
  isFinished: boolean;
}

function statusOf(planned: PlannedStep, state: StepJournalState | undefined): StepProgressStatus {
  const finished = finishStatusOf(state);
  if (finished !== undefined) return finished === 'nothing-to-do' ? 'done' : finished;
  if (state?.startedAt !== undefined) return 'running';
  return planned.skippedReason === undefined ? 'waiting' : 'skipped';
}

function lastChangeError(state: StepJournalState): string | undefined {
  let message: string | undefined;
  for (const change of state.changes.values()) if (change.phase === 'failed') message = change.error?.message;
  return message;
}

function errorOf(
  planned: PlannedStep,
  status: StepProgressStatus,
  state: StepJournalState | undefined,
): string | undefined {
  if (status === 'skipped') return state?.reason ?? planned.skippedReason;
  if (status === 'failed')
    return state?.reason ?? (state ? lastChangeError(state) : undefined) ?? planned.planError;
  if (status === 'running' && state) return lastChangeError(state);
  return undefined;
}

function summariseStep(planned: PlannedStep, state: StepJournalState | undefined): StepSummary {
  const status = statusOf(planned, state);
  const keys = new Set(planned.changes.map((change) => change.key));
  let appliedCount = 0;
  let attempts = 0;
  for (const [key, change] of state?.changes ?? []) {
    if (!keys.has(key)) continue;
    if (change.phase === 'applied') appliedCount += 1;
    attempts = Math.max(attempts, change.attempt);
  }
  const elapsedMs =
    state?.startedAt !== undefined && state.lastAt !== undefined
      ? Date.parse(state.lastAt) - Date.parse(state.startedAt)
      : undefined;
  return {
    stepId: planned.stepId,
    title: planned.title,
    system: planned.system,
    status,
    isNothingToDo: status === 'done' && (state?.isNothingToDo ?? false),
    changeCount: planned.changes.length,
    appliedCount,
    attempts,
    elapsedMs,
    error: errorOf(planned, status, state),
    warnings: planned.warnings ?? [],
    results: planned.changes.flatMap((change) => {
      const applied = state?.changes.get(change.key);
      return applied?.phase === 'applied' && applied.after !== undefined ? [applied.after] : [];
    }),
  };
}

export function summariseRun(plan: Plan, journal: readonly JournalEntry[]): RunSummary {
  const states = foldJournal(journal);
  const steps = plan.steps.map((planned) => summariseStep(planned, states.get(planned.stepId)));
  const counts: Record<StepProgressStatus, number> = {
    waiting: 0,
    running: 0,
    done: 0,
    failed: 0,
    skipped: 0,
  };
  for (const step of steps) counts[step.status] += 1;
  return {
    steps,
    counts,
    changes: {
      total: steps.reduce((sum, step) => sum + step.changeCount, 0),
      applied: steps.reduce((sum, step) => sum + step.appliedCount, 0),
    },
    isFinished: counts.waiting === 0 && counts.running === 0,
  };
}

/**
 * Folds a run's journal into per-step state. Used to resume after a crash, to retry failed steps and
 * to summarise progress. Conventions of the entries the runner writes:
 * - change entries carry `changeKey`: `applying` (before the call), then `applied` or `failed`;
 * - step entries have no `changeKey`: `planned` (a retry re-opens the step), `verified`, `failed`, `skipped`;
 * - a `verified` entry with `after.isNothingToDo` marks a step that had no changes;
 * - a `skipped` entry carries `after.reason` and `after.skipKind`;
 * - an `applied` entry with `after.isReconciled` was recorded from a fresh plan, without calling apply.
 */
import type { JournalEntry } from '../ports/store.js';
import type { StepFinishStatus } from './events.js';

export type StepOutcome = 'pending' | 'verified' | 'failed' | 'skipped';
export type SkipKind = 'blocked' | 'cancelled' | 'not-planned';

export interface ChangeJournalState {
  phase: 'applying' | 'applied' | 'failed';
  /** Attempt number of the latest entry (attempts count across executions). */
  attempt: number;
  error?: JournalEntry['error'];
  /** What `apply` returned, for an applied change (the notice's channel, …). */
  after?: unknown;
}

export interface StepJournalState {
  outcome: StepOutcome;
  isNothingToDo: boolean;
  skipKind?: SkipKind;
  /** Skip reason or failure message of the step's latest outcome. */
  reason?: string;
  changes: Map<string, ChangeJournalState>;
  /** First entry of the current execution (after the latest `planned`), and the latest entry. */
  startedAt?: string;
  lastAt?: string;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function isSkipKind(value: unknown): value is SkipKind {
  return value === 'blocked' || value === 'cancelled' || value === 'not-planned';
}

/** How the step finished, by its journal; undefined while it has not (pending, or never started). */
export function finishStatusOf(state: StepJournalState | undefined): StepFinishStatus | undefined {
  switch (state?.outcome) {
    case 'verified':
      return state.isNothingToDo ? 'nothing-to-do' : 'done';
    case 'failed':
      return 'failed';
    case 'skipped':
      return 'skipped';
    case 'pending':
    case undefined:
      return undefined;
  }
}

export function isReconciledEntry(entry: JournalEntry): boolean {
  return entry.phase === 'applied' && field(entry.after, 'isReconciled') === true;
}

function orderOf(entries: readonly JournalEntry[]): JournalEntry[] {
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => (a.entry.id ?? a.index) - (b.entry.id ?? b.index) || a.index - b.index)
    .map(({ entry }) => entry);
}

function emptyState(): StepJournalState {
  return { outcome: 'pending', isNothingToDo: false, changes: new Map() };
}

function foldStepEntry(state: StepJournalState, entry: JournalEntry): void {
  switch (entry.phase) {
    case 'planned':
      state.outcome = 'pending';
      state.isNothingToDo = false;
      state.skipKind = undefined;
      state.reason = undefined;
      state.startedAt = undefined;
      return;
    case 'verified':
      state.outcome = 'verified';
      state.isNothingToDo = field(entry.after, 'isNothingToDo') === true;
      return;
    case 'failed':
      state.outcome = 'failed';
      state.reason = entry.error?.message;
      return;
    case 'skipped': {
      state.outcome = 'skipped';
      const reason = field(entry.after, 'reason');
      const kind = field(entry.after, 'skipKind');
      state.reason = typeof reason === 'string' ? reason : undefined;
      state.skipKind = isSkipKind(kind) ? kind : undefined;
      return;
    }
    case 'applying':
    case 'applied':
    case 'undone':
      return;
  }
}

function foldChangeEntry(state: StepJournalState, key: string, entry: JournalEntry): void {
  if (entry.phase !== 'applying' && entry.phase !== 'applied' && entry.phase !== 'failed') return;
  state.changes.set(key, {
    phase: entry.phase,
    attempt: entry.attempt,
    error: entry.error,
    ...(entry.phase === 'applied' && entry.after !== undefined && { after: entry.after }),
  });
}

export function foldJournal(entries: readonly JournalEntry[]): Map<string, StepJournalState> {
  const states = new Map<string, StepJournalState>();
  for (const entry of orderOf(entries)) {
    let state = states.get(entry.stepId);
    if (!state) {
      state = emptyState();
      states.set(entry.stepId, state);
    }
    if (entry.changeKey === undefined) foldStepEntry(state, entry);
    else foldChangeEntry(state, entry.changeKey, entry);
    if (entry.phase !== 'planned') state.startedAt ??= entry.at;
    state.lastAt = entry.at;
  }
  return states;
}

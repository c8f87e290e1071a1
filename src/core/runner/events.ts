/** Progress events for the Teams surface. Listeners are synchronous and can never break a run. */
import { describeError } from '../errors.js';
import type { RunStatus } from '../ports/store.js';

export type StepFinishStatus = 'done' | 'failed' | 'skipped' | 'nothing-to-do';

/** Steps per final status; `done` counts verified steps that changed something. */
export interface RunCounts {
  done: number;
  nothingToDo: number;
  failed: number;
  skipped: number;
}

export type FinishedRunStatus = Extract<
  RunStatus,
  'completed' | 'completed-with-errors' | 'failed' | 'cancelled'
>;

export type RunEvent =
  | { type: 'run-started'; runId: string; at: string; stepCount: number; isResumed: boolean }
  | { type: 'step-started'; runId: string; at: string; stepId: string }
  | {
      type: 'change-applied';
      runId: string;
      at: string;
      stepId: string;
      changeKey: string;
      attempt: number;
      /** True when a crash left the change in doubt and a fresh plan showed it already made. */
      isReconciled: boolean;
    }
  | {
      type: 'change-retrying';
      runId: string;
      at: string;
      stepId: string;
      /** Absent when verification or planning is retried. */
      changeKey?: string;
      attempt: number;
      delayMs: number;
      error: string;
    }
  | {
      type: 'step-finished';
      runId: string;
      at: string;
      stepId: string;
      status: StepFinishStatus;
      elapsedMs: number;
      /** Failure message or skip reason. */
      error?: string;
    }
  | { type: 'run-finished'; runId: string; at: string; status: FinishedRunStatus; counts: RunCounts };

export type RunEventListener = (event: RunEvent) => void;

/** The subset of a structured logger (pino's `Logger` fits) the runner uses. */
export interface RunnerLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export const silentLogger: RunnerLogger = {
  warn: () => undefined,
};

/** Calls each listener; a throwing listener is logged and the others still run. */
export function emitSafely(
  listeners: readonly (RunEventListener | undefined)[],
  event: RunEvent,
  logger: RunnerLogger,
): void {
  for (const listener of listeners) {
    if (!listener) continue;
    try {
      listener(event);
    } catch (error) {
      logger.warn(
        { err: describeError(error), eventType: event.type, runId: event.runId },
        'Progress listener failed',
      );
    }
  }
}

/** Everything one execution of a run shares: store ports, clock, limits, stop signal, events. */
import { CancelledError, LifecycleError } from '../errors.js';
import type { AuditEvent } from '../model.js';
import type { Clock } from '../ports/clock.js';
import type { Ports } from '../ports/index.js';
import type { JournalEntry, RunRecord, Store } from '../ports/store.js';
import type { PlannedStep, StepContext } from '../step.js';
import { emitSafely, type RunEvent, type RunEventListener, type RunnerLogger } from './events.js';
import type { RandomSource, RetryPolicy } from './retry-policy.js';
import type { SystemLimiter } from './system-limits.js';

/**
 * The execution must stop without writing more: the lease went to another owner, or the store failed.
 * Whoever holds the run next resumes it from the journal.
 */
export class RunInterruptedError extends LifecycleError {
  readonly retryable = false;
  readonly code = 'interrupted';
}

export type RunStores = Pick<Store, 'runs' | 'journal' | 'audit'>;
export type StopReason = 'cancelled' | 'interrupted';

/** A journal entry before the session stamps its run id and time. */
export type NewJournalEntry = Omit<JournalEntry, 'runId' | 'at' | 'id'>;

export interface RunSessionOptions {
  run: RunRecord;
  owner: string;
  stores: RunStores;
  ports: Ports;
  clock: Clock;
  random: RandomSource;
  retry: RetryPolicy;
  limiter: SystemLimiter;
  listeners: readonly (RunEventListener | undefined)[];
  logger: RunnerLogger;
}

export class RunSession {
  readonly run: RunRecord;
  readonly owner: string;
  readonly stores: RunStores;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly retry: RetryPolicy;
  readonly limiter: SystemLimiter;
  readonly logger: RunnerLogger;
  private readonly ports: Ports;
  private readonly listeners: readonly (RunEventListener | undefined)[];
  private readonly controller = new AbortController();

  constructor(options: RunSessionOptions) {
    this.run = options.run;
    this.owner = options.owner;
    this.stores = options.stores;
    this.ports = options.ports;
    this.clock = options.clock;
    this.random = options.random;
    this.retry = options.retry;
    this.limiter = options.limiter;
    this.listeners = options.listeners;
    this.logger = options.logger;
  }

  get runId(): string {
    return this.run.id;
  }

  /** Aborted on cancel or when the lease is lost; steps see it as `ctx.signal`. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stopReason(): StopReason | undefined {
    if (!this.signal.aborted) return undefined;
    return this.signal.reason instanceof RunInterruptedError ? 'interrupted' : 'cancelled';
  }

  /** The first reason wins: a cancel after an interruption stays an interruption. */
  stop(reason: CancelledError | RunInterruptedError): void {
    if (!this.signal.aborted) this.controller.abort(reason);
  }

  /** Reads the store's cancel flag; called between changes so `requestCancel` from another instance works. */
  async checkCancelRequested(): Promise<void> {
    if (this.signal.aborted) return;
    const stored = await this.stores.runs.get(this.runId);
    if (stored?.isCancelRequested) this.stop(new CancelledError('Cancelled on request'));
  }

  stepContext(): StepContext {
    return { input: this.run.input, ports: this.ports, signal: this.signal };
  }

  nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  async journal(entry: NewJournalEntry): Promise<void> {
    await this.interruptOnFailure(
      this.stores.journal.append({ ...entry, runId: this.runId, at: this.nowIso() }),
    );
  }

  /**
   * Stores the changes of a step planned when it started, before any is applied. False when the lease
   * was lost: the run stops here and its next owner plans the step again.
   */
  async recordPlannedStep(planned: PlannedStep): Promise<boolean> {
    const index = this.run.plan.steps.findIndex((s) => s.stepId === planned.stepId);
    let isStored: boolean;
    try {
      isStored = index >= 0 && (await this.stores.runs.replaceStep(this.runId, this.owner, index, planned));
    } catch (error) {
      this.stop(new RunInterruptedError('The store failed during the run', { cause: error }));
      throw error;
    }
    if (!isStored) this.stop(new RunInterruptedError('The run lease was lost'));
    else this.run.plan.steps[index] = planned;
    return isStored;
  }

  async audit(type: string, details: Record<string, unknown>): Promise<void> {
    const event: AuditEvent = {
      at: this.nowIso(),
      type,
      requestId: this.run.requestId,
      runId: this.runId,
      actor: { system: `runner:${this.owner}` },
      details,
    };
    await this.interruptOnFailure(this.stores.audit.append(event));
  }

  /** Without its journal the run must not change anything more: every step stops at its next check. */
  private async interruptOnFailure(write: Promise<void>): Promise<void> {
    try {
      await write;
    } catch (error) {
      this.stop(new RunInterruptedError('The store failed during the run', { cause: error }));
      throw error;
    }
  }

  /** Distributive over the union, so callers pass an event without `runId` and `at`. */
  emit(event: DistributiveOmit<RunEvent, 'runId' | 'at'>): void {
    emitSafely(this.listeners, { ...event, runId: this.runId, at: this.nowIso() }, this.logger);
  }
}

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

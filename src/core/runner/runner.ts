/**
 * Executes stored runs. One Runner per process: it claims runs under its owner id, keeps their leases
 * alive, bounds calls per target system across all its runs, and resumes any run from its journal.
 */
import { CancelledError, InvalidInputError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Ports } from '../ports/index.js';
import type { RunRecord } from '../ports/store.js';
import type { Step, SystemId } from '../step.js';
import {
  silentLogger,
  type FinishedRunStatus,
  type RunCounts,
  type RunEventListener,
  type RunnerLogger,
} from './events.js';
import { foldJournal } from './journal-state.js';
import { keepLease } from './lease-keeper.js';
import { resolveRetryPolicy, type RandomSource, type RetryPolicy } from './retry-policy.js';
import { runGraph } from './run-graph.js';
import { RunInterruptedError, RunSession, type RunStores } from './run-session.js';
import { countSteps, decideRunStatus } from './run-status.js';
import { SystemLimiter } from './system-limits.js';

export interface RunnerOptions {
  /** The store; the runner uses its runs, journal and audit log. */
  store: RunStores;
  /** Every step this process can run, looked up by id from stored plans. */
  steps: readonly Step[];
  ports: Ports;
  /** Unique per process and stable across its restarts (e.g. host name), so a restart resumes its runs at once. */
  owner: string;
  /** Defaults to `ports.clock`. */
  clock?: Clock;
  /** Jitter source in [0, 1). Defaults to `Math.random`. */
  random?: RandomSource;
  /** Calls in flight per target system, over all runs of this Runner. Unset systems use the defaults. */
  systemLimits?: Partial<Record<SystemId, number>>;
  /** A limiter built beforehand (flows share it for plan reads); `systemLimits` is then ignored. */
  limiter?: SystemLimiter;
  retry?: Partial<RetryPolicy>;
  /** Lease length in milliseconds. Default 30 s. */
  leaseMs?: number;
  /** Heartbeat interval in milliseconds; must be under a third of the lease. Default a quarter of it. */
  heartbeatMs?: number;
  /** Receives every run's events. */
  onEvent?: RunEventListener;
  logger?: RunnerLogger;
}

export interface ExecuteOptions {
  /** Aborting it cancels the run like `requestCancel`: in-flight changes finish, the rest is skipped. */
  signal?: AbortSignal;
  /** Receives this run's events, after the Runner's own listener. */
  onEvent?: RunEventListener;
}

export type RunOutcome =
  | { kind: 'finished'; runId: string; status: FinishedRunStatus; counts: RunCounts }
  /** Another owner holds a live lease, or the run is not runnable (finished, unknown). */
  | { kind: 'not-claimed'; runId: string }
  /** The lease was lost mid-run; the new owner resumes from the journal. */
  | { kind: 'interrupted'; runId: string };

export class Runner {
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly retry: RetryPolicy;
  private readonly limiter: SystemLimiter;
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;
  private readonly logger: RunnerLogger;
  private readonly steps: ReadonlyMap<string, Step>;
  private readonly active = new Map<string, RunSession>();

  constructor(private readonly options: RunnerOptions) {
    this.clock = options.clock ?? options.ports.clock;
    this.random = options.random ?? Math.random;
    this.retry = resolveRetryPolicy(options.retry);
    this.limiter = options.limiter ?? new SystemLimiter(options.systemLimits);
    this.leaseMs = options.leaseMs ?? 30_000;
    this.heartbeatMs = options.heartbeatMs ?? Math.floor(this.leaseMs / 4);
    this.logger = options.logger ?? silentLogger;
    if (this.heartbeatMs <= 0 || this.heartbeatMs * 3 >= this.leaseMs) {
      throw new InvalidInputError(
        `heartbeatMs (${this.heartbeatMs}) must be positive and under a third of leaseMs`,
      );
    }
    const byId = new Map<string, Step>();
    for (const step of options.steps) {
      if (byId.has(step.id)) throw new InvalidInputError(`Step ${step.id} is registered twice`);
      byId.set(step.id, step);
    }
    this.steps = byId;
  }

  /** The per-system limiter, to share with `buildPlan`. */
  get systemLimiter(): SystemLimiter {
    return this.limiter;
  }

  /** Claims the run by id and executes it to the end (or until cancelled or the lease is lost). */
  async execute(runId: string, options: ExecuteOptions = {}): Promise<RunOutcome> {
    const run = await this.options.store.runs.claimById(
      runId,
      this.options.owner,
      this.leaseMs,
      this.clock.now(),
    );
    if (!run) return { kind: 'not-claimed', runId };
    return this.executeClaimed(run, options);
  }

  /** Claims any runnable run (queued, or abandoned by an owner whose lease expired); null when none. */
  async executeNext(options: ExecuteOptions = {}): Promise<RunOutcome | null> {
    const run = await this.options.store.runs.claim(this.options.owner, this.leaseMs, this.clock.now());
    return run ? this.executeClaimed(run, options) : null;
  }

  /** Cancels a run wherever it executes: through the store, and at once when it runs here. */
  async cancel(runId: string): Promise<void> {
    await this.options.store.runs.requestCancel(runId);
    this.active.get(runId)?.stop(new CancelledError('Cancelled on request'));
  }

  private async executeClaimed(run: RunRecord, options: ExecuteOptions): Promise<RunOutcome> {
    const { store, owner } = this.options;
    const session = new RunSession({
      run,
      owner,
      stores: store,
      ports: this.options.ports,
      clock: this.clock,
      random: this.random,
      retry: this.retry,
      limiter: this.limiter,
      listeners: [this.options.onEvent, options.onEvent],
      logger: this.logger,
    });
    const onAbort = (): void => {
      session.stop(new CancelledError('Cancelled on request'));
    };
    if (options.signal?.aborted || run.isCancelRequested) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const lease = keepLease({
      runs: store.runs,
      runId: run.id,
      owner,
      leaseMs: this.leaseMs,
      heartbeatMs: this.heartbeatMs,
      clock: this.clock,
      logger: this.logger,
      onLost: () => {
        session.stop(new RunInterruptedError('The run lease was lost'));
      },
    });
    this.active.set(run.id, session);
    try {
      return await this.drive(session);
    } finally {
      this.active.delete(run.id);
      options.signal?.removeEventListener('abort', onAbort);
      await lease.stop();
    }
  }

  private async drive(session: RunSession): Promise<RunOutcome> {
    const { run } = session;
    const runs = this.options.store.runs;
    if (run.status !== 'running' && !(await runs.setStatus(run.id, session.owner, 'running'))) {
      return { kind: 'interrupted', runId: run.id };
    }
    const entries = await this.options.store.journal.list(run.id);
    const isResumed = entries.length > 0;
    await session.audit('run.started', { isResumed, stepCount: run.plan.steps.length });
    session.emit({ type: 'run-started', stepCount: run.plan.steps.length, isResumed });

    const statuses = await runGraph(session, run.plan, this.steps, foldJournal(entries));
    if (session.stopReason === 'interrupted') return { kind: 'interrupted', runId: run.id };
    const counts = countSteps(statuses.values());
    const status = decideRunStatus(counts, session.stopReason === 'cancelled');
    if (!(await runs.setStatus(run.id, session.owner, status))) return { kind: 'interrupted', runId: run.id };
    await session.audit('run.finished', { status, counts });
    session.emit({ type: 'run-finished', status, counts });
    return { kind: 'finished', runId: run.id, status, counts };
  }
}

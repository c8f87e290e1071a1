/**
 * Paces the writes of one binding budget (Exchange destructive cmdlets: 120 per 60 s; Graph identity
 * writes: 3,000 per 150 s) so that they arrive under the service's limit instead of being sent, refused
 * with 429 and retried. A generic cell-rate algorithm: every write reserves the next free slot at the
 * budget's rate, in the order writers asked (FIFO, so one leaver's burst can't push another's writes
 * back indefinitely); up to `burst` writes pass at once (by default the budget less a 5 % cushion: the
 * service's bucket starts full, and `resume` carries over what an earlier process of the same app spent).
 * Each wait gets a random extra of up to `jitter` slot intervals, so writers that wait don't wake
 * together. A 429 on the budget pauses every writer until its Retry-After and empties the burst: after
 * the pause writes resume one interval apart, again jittered.
 *
 * Reads never call the pacer: only the budget's writes are paced.
 *
 * The runner's limiter takes a write's slot here before it takes a connection slot of the system
 * (`runPrepaid`): a write waiting for its turn in the budget then holds no slot that reads need.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { InvalidInputError } from '../../core/errors.js';
import type { Clock } from '../../core/ports/clock.js';
import { parseRetryAfterMs } from './retry-after.js';

export interface WriteBudget {
  /** For logs and progress ("exchange destructive cmdlets"). */
  name: string;
  /** Writes allowed per window. */
  limit: number;
  windowMs: number;
}

export interface WritePacerOptions {
  budget: WriteBudget;
  clock: Clock;
  /** Injected for tests; defaults to Math.random. */
  random?: () => number;
  /**
   * Share of the budget the pacer uses (default 0.97): the margin absorbs timing differences between
   * our clock and the service's and the odd write sent by another process of the same app.
   */
  utilisation?: number;
  /**
   * Writes that may pass at once when the budget is unspent. Default: the limit less a 5 % cushion (114
   * of 120), as the service's bucket starts full; the cushion absorbs writes that reach the service
   * closer together than they were let through (a slow first connection, then fast ones). What this app
   * spent before the process started comes from `resume`.
   */
  burst?: number;
  /** Largest random extra wait, in slot intervals (default 0.5). */
  jitter?: number;
}

export interface WritePacerStats {
  /** Writes admitted. */
  writes: number;
  /** Writes that had to wait for a slot. */
  waited: number;
  /** Sum of the waits, in milliseconds. */
  waitedMs: number;
  /** 429s reported on the budget. */
  throttled: number;
}

/**
 * Where a pacer stands, in the clock's epoch milliseconds: enough for another process of the same app
 * to start where this one stopped (see `WritePacer.resume`).
 */
export interface WritePacerState {
  /** The end of the last reserved slot (the GCRA's theoretical arrival time). */
  nextSlotAt: number;
  /** Nobody writes before this time (a 429's Retry-After). */
  pausedUntil: number;
}

const SLOT_ROUNDING_MS = 0.01;
/** Share of the limit the default burst keeps back. */
const BURST_CUSHION = 0.05;

export class WritePacer {
  readonly budget: WriteBudget;
  /** Milliseconds between two writes at the paced rate. */
  readonly intervalMs: number;
  /** Writes that pass at once when the budget is unspent. */
  readonly burst: number;
  private readonly toleranceMs: number;
  private readonly jitter: number;
  private readonly random: () => number;
  /** Theoretical arrival time of the next write (GCRA): the end of the last reserved slot. */
  private nextSlotAt: number;
  private pausedUntil = Number.NEGATIVE_INFINITY;
  private readonly counters: WritePacerStats = { writes: 0, waited: 0, waitedMs: 0, throttled: 0 };
  /** Writes reserved before the work that sends them started (see `runPrepaid`). */
  private readonly prepaid = new AsyncLocalStorage<{ count: number }>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly options: WritePacerOptions) {
    const { budget } = options;
    if (!Number.isInteger(budget.limit) || budget.limit < 1)
      throw new InvalidInputError(`A write budget needs a limit of at least 1, got ${budget.limit}`);
    if (!(budget.windowMs > 0)) throw new InvalidInputError('A write budget needs a positive window');
    const utilisation = options.utilisation ?? 0.97;
    if (!(utilisation > 0 && utilisation <= 1)) throw new InvalidInputError('utilisation must be in (0, 1]');
    this.budget = budget;
    this.intervalMs = budget.windowMs / (budget.limit * utilisation);
    const cushion = Math.ceil(budget.limit * BURST_CUSHION);
    this.burst = Math.min(budget.limit, Math.max(1, Math.floor(options.burst ?? budget.limit - cushion)));
    this.toleranceMs = (this.burst - 1) * this.intervalMs;
    this.jitter = Math.max(0, options.jitter ?? 0.5);
    this.random = options.random ?? Math.random;
    this.nextSlotAt = options.clock.now();
  }

  stats(): WritePacerStats {
    return { ...this.counters };
  }

  /** Where the pacer stands: what a later process needs to spend only what is left of the budget. */
  state(): WritePacerState {
    return { nextSlotAt: this.nextSlotAt, pausedUntil: this.pausedUntil };
  }

  /**
   * Starts from what an earlier process of the same app spent of the budget (its `state()`): slots it
   * reserved and a pause it was told to keep still count. A state from the past refills as the service's
   * bucket does; a field that is not a finite number is ignored.
   */
  resume(state: WritePacerState): void {
    const now = this.options.clock.now();
    if (Number.isFinite(state.pausedUntil))
      this.pausedUntil = Math.max(this.pausedUntil, Math.min(state.pausedUntil, now + this.budget.windowMs));
    if (!Number.isFinite(state.nextSlotAt)) return;
    // Slots reserved beyond a drained budget were writes still queued when that process stopped, never
    // sent: at most the whole budget counts as spent, from the end of a pause (this also bounds a clock
    // that jumped).
    const drainedAt = Math.max(now, this.pausedUntil) + this.toleranceMs + this.intervalMs;
    this.nextSlotAt = Math.max(this.nextSlotAt, Math.min(state.nextSlotAt, drainedAt));
  }

  /** Calls `listener` after every reservation and every 429 (to save `state()`); returns the unsubscriber. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  /**
   * Milliseconds until `count` more writes, queued behind those already reserved, would have passed
   * at the paced rate: the ETA of a batch whose remaining writes are known.
   */
  etaMs(count: number): number {
    const now = this.options.clock.now();
    const lastAt = Math.max(this.nextSlotAt, now) + Math.max(0, count - 1) * this.intervalMs;
    return Math.max(0, lastAt - this.toleranceMs - now, this.pausedUntil - now);
  }

  /**
   * Runs `work` with one write of this budget already reserved (by `acquire` just before): the first
   * write `work` sends does not wait again. Later writes of `work`, and a retry after a 429, wait.
   */
  runPrepaid<T>(work: () => Promise<T>): Promise<T> {
    return this.prepaid.run({ count: 1 }, work);
  }

  /** Resolves when `count` writes (a batch's write items) may be sent. Rejects when `signal` aborts. */
  async acquire(count = 1, signal?: AbortSignal): Promise<void> {
    const reserved = this.prepaid.getStore();
    if (reserved && reserved.count >= count) {
      reserved.count -= count;
      return;
    }
    const { clock } = this.options;
    const asked = clock.now();
    let slept = false;
    for (;;) {
      const now = clock.now();
      const tat = Math.max(this.nextSlotAt, now);
      const slotAt = Math.max(tat - this.toleranceMs, this.pausedUntil, now);
      this.nextSlotAt = Math.max(tat, slotAt) + count * this.intervalMs;
      // Epoch milliseconds carry ~0.0002 ms of rounding: a slot due within it is due now.
      if (slotAt - now <= SLOT_ROUNDING_MS) break;
      const extra = this.random() * this.jitter * this.intervalMs;
      slept = true;
      await clock.sleep(slotAt - now + extra, signal);
      // A 429 reported while this writer slept voids its slot: it queues again behind the pause.
      if (this.pausedUntil <= clock.now()) break;
    }
    this.counters.writes += count;
    if (slept) {
      this.counters.waited += count;
      this.counters.waitedMs += clock.now() - asked;
    }
    this.changed();
  }

  /**
   * The service refused a write of this budget (429): nobody writes until `retryAfterMs` has passed
   * (one slot interval when the service gave none), and the burst is spent.
   */
  throttled(retryAfterMs: number | undefined): void {
    const now = this.options.clock.now();
    const until = now + Math.max(retryAfterMs ?? this.intervalMs, 0);
    this.pausedUntil = Math.max(this.pausedUntil, until);
    this.nextSlotAt = Math.max(this.nextSlotAt, this.pausedUntil + this.toleranceMs);
    this.counters.throttled += 1;
    this.changed();
  }
}

/** The documented write budgets (docs/performance.md; src/sandbox/behaviours/config.ts). */
export const EXCHANGE_DESTRUCTIVE_BUDGET: WriteBudget = {
  name: 'exchange destructive cmdlets',
  limit: 120,
  windowMs: 60_000,
};
export const GRAPH_WRITE_BUDGET: WriteBudget = { name: 'graph writes', limit: 3000, windowMs: 150_000 };

/**
 * Sends one request under `pacer` (none: unpaced): waits for a slot first, and reports a 429 so the
 * pacer pauses every writer until the Retry-After.
 */
export async function paced(
  pacer: WritePacer | undefined,
  send: () => Promise<Response>,
  count = 1,
): Promise<Response> {
  if (!pacer || count < 1) return send();
  await pacer.acquire(count);
  const response = await send();
  if (response.status === 429) pacer.throttled(parseRetryAfterMs(response.headers.get('retry-after')));
  return response;
}

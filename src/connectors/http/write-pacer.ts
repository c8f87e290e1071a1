/**
 * Paces the writes of one binding budget (Exchange destructive cmdlets: 120 per 60 s; Graph identity
 * writes: 3,000 per 150 s) so that they arrive under the service's limit instead of being sent, refused
 * with 429 and retried. A generic cell-rate algorithm: every write reserves the next free slot at the
 * budget's rate, in the order writers asked (FIFO, so one leaver's burst can't push another's writes
 * back indefinitely); up to `burst` writes pass at once, as the service's bucket starts full. Each wait
 * gets a random extra of up to `jitter` slot intervals, so writers that wait don't wake together. A 429
 * on the budget pauses every writer until its Retry-After and empties the burst: after the pause writes
 * resume one interval apart, again jittered.
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
  /** Writes that may pass at once at the start (default: half the limit). */
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

export class WritePacer {
  readonly budget: WriteBudget;
  /** Milliseconds between two writes at the paced rate. */
  readonly intervalMs: number;
  private readonly toleranceMs: number;
  private readonly jitter: number;
  private readonly random: () => number;
  /** Theoretical arrival time of the next write (GCRA): the end of the last reserved slot. */
  private nextSlotAt: number;
  private pausedUntil = Number.NEGATIVE_INFINITY;
  private readonly counters: WritePacerStats = { writes: 0, waited: 0, waitedMs: 0, throttled: 0 };
  /** Writes reserved before the work that sends them started (see `runPrepaid`). */
  private readonly prepaid = new AsyncLocalStorage<{ count: number }>();

  constructor(private readonly options: WritePacerOptions) {
    const { budget } = options;
    if (!Number.isInteger(budget.limit) || budget.limit < 1)
      throw new InvalidInputError(`A write budget needs a limit of at least 1, got ${budget.limit}`);
    if (!(budget.windowMs > 0)) throw new InvalidInputError('A write budget needs a positive window');
    const utilisation = options.utilisation ?? 0.97;
    if (!(utilisation > 0 && utilisation <= 1)) throw new InvalidInputError('utilisation must be in (0, 1]');
    this.budget = budget;
    this.intervalMs = budget.windowMs / (budget.limit * utilisation);
    const burst = Math.min(budget.limit, Math.max(1, Math.floor(options.burst ?? budget.limit / 2)));
    this.toleranceMs = (burst - 1) * this.intervalMs;
    this.jitter = Math.max(0, options.jitter ?? 0.5);
    this.random = options.random ?? Math.random;
    this.nextSlotAt = options.clock.now();
  }

  stats(): WritePacerStats {
    return { ...this.counters };
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
    for (;;) {
      const now = clock.now();
      const tat = Math.max(this.nextSlotAt, now);
      const slotAt = Math.max(tat - this.toleranceMs, this.pausedUntil, now);
      this.nextSlotAt = Math.max(tat, slotAt) + count * this.intervalMs;
      if (slotAt <= now) break;
      const extra = this.random() * this.jitter * this.intervalMs;
      await clock.sleep(slotAt - now + extra, signal);
      // A 429 reported while this writer slept voids its slot: it queues again behind the pause.
      if (this.pausedUntil <= clock.now()) break;
    }
    const waitedMs = clock.now() - asked;
    this.counters.writes += count;
    if (waitedMs > 0) {
      this.counters.waited += count;
      this.counters.waitedMs += waitedMs;
    }
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

/**
 * A concurrency limiter for read-only fan-out (the permission inventory scan, candidate re-checks) that
 * adapts to the service's throttling the way TCP does (AIMD):
 * - additive increase: after `concurrency` consecutive successes the limit grows by one, up to `max`;
 * - multiplicative decrease: a `ThrottledError` multiplies the limit by `backoffFactor` (once per
 *   throttling episode, not once per rejected call) and pauses every caller until Retry-After passed.
 * Throttled and unavailable calls are retried here, bounded by `maxAttempts`, because these calls are
 * reads: repeating them is harmless. Steps' `apply` never goes through this limiter.
 */
import { CancelledError, ThrottledError, UnavailableError, retryAfterOf } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { LimiterPriority } from '../runner/system-limits.js';

export interface AdaptiveLimiterOptions {
  clock: Clock;
  /** Default 4 (the reference's 4–8 parallel calls per tenant). */
  initialConcurrency?: number;
  /** Default 1. */
  minConcurrency?: number;
  /** Default 16. */
  maxConcurrency?: number;
  /** Default 0.5. */
  backoffFactor?: number;
  /** Attempts per call, including the first. Default 8. */
  maxAttempts?: number;
  /** Backoff when the service gave no Retry-After: base × 2^attempt, capped. Defaults 500 ms and 30 s. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
}

export interface LimiterStats {
  calls: number;
  throttled: number;
  unavailable: number;
  retries: number;
  concurrency: number;
  lowestConcurrency: number;
  highestConcurrency: number;
}

export class AdaptiveLimiter {
  private limit: number;
  private active = 0;
  private successesSinceChange = 0;
  private pausedUntil = 0;
  /** Time of the last decrease: throttles that started before it belong to the same episode. */
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private readonly waiters: Record<LimiterPriority, (() => void)[]> = { interactive: [], background: [] };
  private readonly counters = { calls: 0, throttled: 0, unavailable: 0, retries: 0 };
  private lowest: number;
  private highest: number;
  private readonly min: number;
  private readonly max: number;

  constructor(private readonly options: AdaptiveLimiterOptions) {
    this.min = Math.max(1, options.minConcurrency ?? 1);
    this.max = Math.max(this.min, options.maxConcurrency ?? 16);
    this.limit = Math.min(this.max, Math.max(this.min, options.initialConcurrency ?? 4));
    this.lowest = this.limit;
    this.highest = this.limit;
  }

  get concurrency(): number {
    return this.limit;
  }

  stats(): LimiterStats {
    return {
      ...this.counters,
      concurrency: this.limit,
      lowestConcurrency: this.lowest,
      highestConcurrency: this.highest,
    };
  }

  /**
   * Runs `call` within the limit, retrying throttled and unavailable attempts. Interactive calls (a
   * preview someone waits for) take a free slot before background ones (inventory scans) that waited longer.
   */
  async run<T>(call: () => Promise<T>, priority: LimiterPriority = 'background'): Promise<T> {
    const maxAttempts = Math.max(1, this.options.maxAttempts ?? 8);
    for (let attempt = 1; ; attempt += 1) {
      await this.acquire(priority);
      const startedAt = this.options.clock.now();
      this.counters.calls += 1;
      let failure: unknown;
      try {
        const result = await call();
        this.onSuccess();
        return result;
      } catch (error) {
        failure = error;
      } finally {
        this.release();
      }
      const isThrottle = failure instanceof ThrottledError;
      if (!isThrottle && !(failure instanceof UnavailableError)) throw failure;
      if (attempt >= maxAttempts) throw failure;
      this.counters.retries += 1;
      if (isThrottle) {
        this.counters.throttled += 1;
        this.onThrottle(startedAt, retryAfterOf(failure) ?? this.backoffMs(attempt));
      } else {
        this.counters.unavailable += 1;
        await this.options.clock.sleep(retryAfterOf(failure) ?? this.backoffMs(attempt), this.options.signal);
      }
    }
  }

  private backoffMs(attempt: number): number {
    const base = this.options.baseDelayMs ?? 500;
    return Math.min(this.options.maxDelayMs ?? 30_000, base * 2 ** (attempt - 1));
  }

  private onSuccess(): void {
    this.successesSinceChange += 1;
    if (this.successesSinceChange >= this.limit && this.limit < this.max) {
      this.limit += 1;
      this.highest = Math.max(this.highest, this.limit);
      this.successesSinceChange = 0;
      this.wake();
    }
  }

  private onThrottle(startedAt: number, delayMs: number): void {
    const now = this.options.clock.now();
    this.pausedUntil = Math.max(this.pausedUntil, now + delayMs);
    if (startedAt > this.lastDecreaseAt) {
      this.limit = Math.max(this.min, Math.floor(this.limit * (this.options.backoffFactor ?? 0.5)));
      this.lowest = Math.min(this.lowest, this.limit);
      this.lastDecreaseAt = now;
      this.successesSinceChange = 0;
    }
  }

  private async acquire(priority: LimiterPriority): Promise<void> {
    for (;;) {
      if (this.options.signal?.aborted) throw new CancelledError('Permission scan cancelled');
      const now = this.options.clock.now();
      if (now < this.pausedUntil) {
        await this.options.clock.sleep(this.pausedUntil - now, this.options.signal);
        continue;
      }
      if (this.active < this.limit) {
        this.active += 1;
        return;
      }
      await new Promise<void>((resolve) => this.waiters[priority].push(resolve));
    }
  }

  private release(): void {
    this.active -= 1;
    this.wake();
  }

  private wake(): void {
    const free = this.limit - this.active;
    for (let i = 0; i < free; i += 1) {
      const next = this.waiters.interactive.shift() ?? this.waiters.background.shift();
      if (!next) return;
      next();
    }
  }
}

/** Runs `work` over `items` through the limiter; results keep the items' order. */
export async function mapLimited<T, R>(
  limiter: AdaptiveLimiter,
  items: readonly T[],
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  return Promise.all(items.map((item) => limiter.run(() => work(item))));
}

/** The runner's retry loop: retryable failures only, Retry-After first, then jittered backoff. */
import { isRetryable, ThrottledError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { retryDelayMs, type RandomSource, type RetryPolicy } from './retry-policy.js';

/** One attempt's outcome. Failures of the target are values; a thrown error (store down) is fatal. */
export type AttemptResult<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface RetryOptions {
  policy: RetryPolicy;
  clock: Clock;
  random: RandomSource;
  /** Stops waiting and retrying; the last failure is returned. */
  signal: AbortSignal;
  /** Told before each wait, e.g. to emit a progress event. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export type RetriedResult<T> = AttemptResult<T> & { attempts: number };

/**
 * Runs `attempt(1)`, `attempt(2)`, … until success, a non-retryable failure, the budget or the signal.
 * Throttling does not use up the attempt budget while its total wait stays within
 * `maxThrottledWaitMs`: several runs sharing one service budget are each told to wait again and again,
 * and that is pacing, not a failing call.
 */
export async function retrying<T>(
  attempt: (n: number) => Promise<AttemptResult<T>>,
  options: RetryOptions,
): Promise<RetriedResult<T>> {
  let failures = 0;
  let throttledWaitMs = 0;
  for (let n = 1; ; n += 1) {
    const result = await attempt(n);
    if (result.ok || !isRetryable(result.error) || options.signal.aborted) {
      return { ...result, attempts: n };
    }
    const delayMs = retryDelayMs(result.error, n, options.policy, options.random);
    const isPaced =
      result.error instanceof ThrottledError &&
      throttledWaitMs + delayMs <= options.policy.maxThrottledWaitMs;
    if (isPaced) throttledWaitMs += delayMs;
    else failures += 1;
    if (failures >= options.policy.maxAttempts) return { ...result, attempts: n };
    options.onRetry?.(result.error, n, delayMs);
    if (!(await sleepUnlessAborted(options.clock, delayMs, options.signal)))
      return { ...result, attempts: n };
  }
}

/** Sleeps on the clock; false when the signal aborted the sleep. Other sleep failures propagate. */
export async function sleepUnlessAborted(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await clock.sleep(ms, signal);
    return true;
  } catch (error) {
    if (signal.aborted) return false;
    throw error;
  }
}

/** Runs a call of the target system and turns its failure into a value. */
export async function attemptCall<T>(call: () => Promise<T>): Promise<AttemptResult<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** When and how long the runner waits before retrying a retryable failure. */
import { retryAfterOf } from '../errors.js';

export interface RetryPolicy {
  /** Attempts per call within one execution, the first included. */
  maxAttempts: number;
  /** Backoff ceiling before jitter for the first retry, in milliseconds; doubles per attempt. */
  baseDelayMs: number;
  /** Backoff ceiling, in milliseconds. Retry-After is honoured even when longer. */
  maxDelayMs: number;
  /**
   * Total wait, in milliseconds, that throttling (the service pacing us) may impose on one call without
   * using up `maxAttempts`; beyond it, throttled attempts count like any other failure.
   */
  maxThrottledWaitMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxThrottledWaitMs: 15 * 60_000,
};

/** A source of uniformly distributed numbers in [0, 1), injected so tests are reproducible. */
export type RandomSource = () => number;

/**
 * The delay before the retry that follows failed attempt `attempt` (1-based): the service's Retry-After
 * when it gave one, else capped exponential backoff with full jitter (a uniform pick in [0, ceiling)).
 */
export function retryDelayMs(
  error: unknown,
  attempt: number,
  policy: RetryPolicy,
  random: RandomSource,
): number {
  const retryAfterMs = retryAfterOf(error);
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return retryAfterMs;
  const ceilingMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceilingMs);
}

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> | undefined): RetryPolicy {
  const policy = { ...defaultRetryPolicy, ...overrides };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a whole number of at least 1, got ${policy.maxAttempts}`);
  }
  if (policy.baseDelayMs < 0 || policy.maxDelayMs < 0 || policy.maxThrottledWaitMs < 0)
    throw new RangeError('Retry delays must not be negative');
  return policy;
}

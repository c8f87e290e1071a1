import { UnavailableError } from '../../core/errors.js';
import { parseRetryAfterMs } from './retry-after.js';

/** Statuses that mean "not processed, try again later": throttled, unavailable, gateway timeout. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);

export interface RetryPolicy {
  /** Retries after the first attempt (0 disables retrying). */
  maxRetries: number;
  /** Backoff base when the service sends no Retry-After, in milliseconds. */
  baseDelayMs: number;
  /** Upper bound for any single wait, Retry-After included, in milliseconds. */
  maxDelayMs: number;
  /** Injected for tests; defaults to a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 4, baseDelayMs: 1_000, maxDelayMs: 60_000 };

export interface RetryNotice {
  attempt: number;
  delayMs: number;
  status?: number;
  reason: 'status' | 'network';
}

export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Exponential backoff with full jitter, capped. */
export function backoffDelayMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponential = policy.baseDelayMs * 2 ** Math.max(0, attempt - 1);
  return Math.min(policy.maxDelayMs, Math.round(exponential / 2 + random() * (exponential / 2)));
}

/**
 * Runs `send` until it returns a response whose status is not retryable, honouring `Retry-After`.
 * When retries are exhausted the last response is returned for the caller to translate; a network
 * failure on the last attempt becomes an UnavailableError with the original as cause.
 */
export async function fetchWithRetry(
  send: (attempt: number) => Promise<Response>,
  policy: RetryPolicy,
  onRetry?: (notice: RetryNotice) => void,
): Promise<Response> {
  const sleep = policy.sleep ?? sleepMs;
  for (let attempt = 1; ; attempt += 1) {
    let response: Response;
    try {
      response = await send(attempt);
    } catch (error) {
      if (!isNetworkError(error)) throw error;
      if (attempt > policy.maxRetries) {
        throw new UnavailableError('The service could not be reached', { cause: error });
      }
      const delayMs = backoffDelayMs(attempt, policy);
      onRetry?.({ attempt, delayMs, reason: 'network' });
      await sleep(delayMs);
      continue;
    }
    if (!RETRYABLE_STATUSES.has(response.status) || attempt > policy.maxRetries) return response;
    const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'));
    const delayMs = Math.min(policy.maxDelayMs, retryAfterMs ?? backoffDelayMs(attempt, policy));
    // Drain the body so the connection can be reused.
    await response.arrayBuffer();
    onRetry?.({ attempt, delayMs, status: response.status, reason: 'status' });
    await sleep(delayMs);
  }
}

/**
 * Node's fetch rejects with `TypeError('fetch failed')` (the socket error as cause) for DNS, connection
 * and socket failures, and with a TimeoutError when an AbortSignal.timeout fires. Other TypeErrors
 * (an invalid URL) are programming errors and are not retried.
 */
export function isNetworkError(error: unknown): boolean {
  if (error instanceof TypeError) return error.message === 'fetch failed';
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

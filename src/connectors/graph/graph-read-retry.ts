/**
 * Retries a Graph read (GET) whose connection failed before any response arrived (`fetch` rejects
 * with a TypeError: reset, refused, socket closed). The SDK's RetryHandler retries only on 429/503/504
 * responses, so one dropped connection failed the whole read, and a step's verification, which reads
 * several objects per attempt, could fail every attempt on a flaky network. Writes are never retried
 * here: whether a write without a response was applied is the runner's reconciliation to decide.
 * An aborted request (the run stopping) is not retried.
 */
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

export interface ReadRetryOptions {
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number;
  /** Wait before retry n (1-based): `baseDelayMs × 2^(n-1)`, jittered ±50 %. Default 250 ms. */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** A connection-level failure of `fetch` (undici): no response was received. */
export function isConnectionFailure(error: unknown): boolean {
  return error instanceof TypeError && /fetch failed|network|socket|ECONN|terminated/i.test(error.message);
}

export class ReadRetryMiddleware implements Middleware {
  private next: Middleware | undefined;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: ReadRetryOptions = {}) {
    this.maxRetries = options.maxRetries ?? 2;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (this.next === undefined) throw new Error('ReadRetryMiddleware has no next middleware');
    const method = (context.options?.method ?? 'GET').toUpperCase();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.next.execute(context);
        return;
      } catch (error) {
        const isRead = method === 'GET' || method === 'HEAD';
        const isAborted = context.options?.signal?.aborted === true;
        if (!isRead || isAborted || attempt >= this.maxRetries || !isConnectionFailure(error)) throw error;
        const delay = this.baseDelayMs * 2 ** attempt * (0.5 + this.random());
        await this.sleep(delay);
      }
    }
  }
}

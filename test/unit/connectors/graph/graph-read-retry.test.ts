import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';
import { ReadRetryMiddleware } from '../../../../src/connectors/graph/graph-read-retry.js';

/** The next link of the chain: fails the first `failures` attempts with `error`, then answers 200. */
class Flaky implements Middleware {
  attempts = 0;
  constructor(
    private readonly failures: number,
    private readonly error: Error,
  ) {}
  setNext(): void {}
  async execute(context: Context): Promise<void> {
    this.attempts += 1;
    if (this.attempts <= this.failures) throw this.error;
    context.response = new Response('{}', { status: 200 });
    await Promise.resolve();
  }
}

function chain(next: Flaky): { middleware: ReadRetryMiddleware; waits: number[] } {
  const waits: number[] = [];
  const middleware = new ReadRetryMiddleware({
    sleep: async (ms) => {
      waits.push(ms);
      await Promise.resolve();
    },
    random: () => 0.5,
  });
  middleware.setNext(next);
  return { middleware, waits };
}

const context = (method: string, signal?: AbortSignal): Context => ({
  request: 'https://graph.microsoft.com/v1.0/users/u1/manager',
  options: { method, ...(signal && { signal }) },
});

describe('ReadRetryMiddleware', () => {
  it('retries a read whose connection failed, with growing waits, and returns its answer', async () => {
    const next = new Flaky(2, new TypeError('fetch failed'));
    const { middleware, waits } = chain(next);
    const ctx = context('GET');
    await middleware.execute(ctx);
    expect(ctx.response?.status).toBe(200);
    expect(next.attempts).toBe(3);
    expect(waits).toEqual([250, 500]);
  });

  it('gives up after two retries with the connection error', async () => {
    const next = new Flaky(5, new TypeError('fetch failed'));
    const { middleware } = chain(next);
    await expect(middleware.execute(context('GET'))).rejects.toThrow('fetch failed');
    expect(next.attempts).toBe(3);
  });

  it('never retries a write: whether it was applied is for the runner to reconcile', async () => {
    for (const method of ['POST', 'PATCH', 'DELETE', 'PUT']) {
      const next = new Flaky(1, new TypeError('fetch failed'));
      const { middleware } = chain(next);
      await expect(middleware.execute(context(method))).rejects.toThrow('fetch failed');
      expect(next.attempts, method).toBe(1);
    }
  });

  it('does not retry an aborted read or an error that is not a connection failure', async () => {
    const controller = new AbortController();
    controller.abort();
    const aborted = new Flaky(1, new TypeError('fetch failed'));
    await expect(chain(aborted).middleware.execute(context('GET', controller.signal))).rejects.toThrow();
    expect(aborted.attempts).toBe(1);
    const other = new Flaky(1, new Error('invalid JSON'));
    await expect(chain(other).middleware.execute(context('GET'))).rejects.toThrow('invalid JSON');
    expect(other.attempts).toBe(1);
  });
});

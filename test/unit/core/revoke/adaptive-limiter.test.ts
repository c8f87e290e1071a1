import { describe, expect, it } from 'vitest';
import { NotFoundError, ThrottledError, UnavailableError } from '../../../../src/core/errors.js';
import { AdaptiveLimiter, mapLimited } from '../../../../src/core/revoke/index.js';
import { VirtualClock } from './virtual-clock.js';

/** A service that serves `capacity` calls at once, each taking `latencyMs`, and throttles beyond that. */
function service(clock: VirtualClock, capacity: number, latencyMs = 100, retryAfterMs = 1000) {
  let inFlight = 0;
  let peak = 0;
  let rejected = 0;
  return {
    get peak() {
      return peak;
    },
    get rejected() {
      return rejected;
    },
    async call(value: number): Promise<number> {
      if (inFlight >= capacity) {
        rejected += 1;
        throw new ThrottledError(retryAfterMs);
      }
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await clock.sleep(latencyMs);
      inFlight -= 1;
      return value * 2;
    },
  };
}

describe('AdaptiveLimiter (AIMD)', () => {
  it('grows concurrency additively while calls succeed, up to the maximum', async () => {
    const clock = new VirtualClock();
    const limiter = new AdaptiveLimiter({ clock, initialConcurrency: 2, maxConcurrency: 6 });
    const api = service(clock, 100);
    const results = await mapLimited(
      limiter,
      Array.from({ length: 200 }, (_, i) => i),
      (i) => api.call(i),
    );
    expect(results[199]).toBe(398);
    expect(limiter.concurrency).toBe(6);
    expect(api.peak).toBe(6);
    expect(limiter.stats().throttled).toBe(0);
  });

  it('halves concurrency once per throttling episode, waits for Retry-After, and finishes every call', async () => {
    const clock = new VirtualClock();
    const limiter = new AdaptiveLimiter({ clock, initialConcurrency: 8, maxConcurrency: 16 });
    const api = service(clock, 3, 100, 1000);
    const startedAt = clock.now();
    const results = await mapLimited(
      limiter,
      Array.from({ length: 60 }, (_, i) => i),
      (i) => api.call(i),
    );
    expect(results).toEqual(Array.from({ length: 60 }, (_, i) => i * 2));
    const stats = limiter.stats();
    expect(stats.throttled).toBe(api.rejected);
    expect(stats.lowestConcurrency).toBeLessThanOrEqual(4);
    // 8 at once against a capacity of 3 is one episode: 8 → 4, not 8 → 0.5^5.
    expect(stats.lowestConcurrency).toBeGreaterThanOrEqual(2);
    expect(clock.sleeps).toContain(1000);
    expect(clock.now() - startedAt).toBeGreaterThanOrEqual(1000);
  });

  it('retries unavailable calls with backoff and gives up after maxAttempts', async () => {
    const clock = new VirtualClock();
    const limiter = new AdaptiveLimiter({ clock, maxAttempts: 3, baseDelayMs: 200 });
    let attempts = 0;
    await expect(
      limiter.run(async () => {
        attempts += 1;
        throw new UnavailableError('Exchange backend unavailable');
      }),
    ).rejects.toBeInstanceOf(UnavailableError);
    expect(attempts).toBe(3);
    expect(clock.sleeps).toEqual([200, 400]);
  });

  it('passes non-retryable errors straight through', async () => {
    const clock = new VirtualClock();
    const limiter = new AdaptiveLimiter({ clock });
    let attempts = 0;
    await expect(
      limiter.run(async () => {
        attempts += 1;
        throw new NotFoundError('no such mailbox');
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(attempts).toBe(1);
  });

  it('never goes below the minimum concurrency', async () => {
    const clock = new VirtualClock();
    const limiter = new AdaptiveLimiter({ clock, initialConcurrency: 2, minConcurrency: 1, maxAttempts: 50 });
    const api = service(clock, 1, 50, 100);
    await mapLimited(
      limiter,
      Array.from({ length: 20 }, (_, i) => i),
      (i) => api.call(i),
    );
    expect(limiter.stats().lowestConcurrency).toBe(1);
    expect(api.peak).toBe(1);
  });
});

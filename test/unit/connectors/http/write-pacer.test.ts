import { describe, expect, it } from 'vitest';
import { WritePacer } from '../../../../src/connectors/http/write-pacer.js';
import { FakeClock } from '../../core/support/fake-clock.js';

const budget = { name: 'test writes', limit: 10, windowMs: 1_000 };

/** Starts `count` writers at once; resolves with each writer's admission time, in writer order. */
async function admitAll(pacer: WritePacer, clock: FakeClock, count: number): Promise<number[]> {
  const start = clock.now();
  return Promise.all(
    Array.from({ length: count }, async () => {
      await pacer.acquire();
      return clock.now() - start;
    }),
  );
}

/** The service's side: a token bucket of `limit` that refills at limit/window; counts refusals. */
function refusals(times: readonly number[], limit: number, windowMs: number): number {
  let tokens = limit;
  let last = 0;
  let refused = 0;
  for (const t of [...times].sort((a, b) => a - b)) {
    tokens = Math.min(limit, tokens + ((t - last) * limit) / windowMs);
    last = t;
    if (tokens >= 1 - 1e-9) tokens -= 1;
    else refused += 1;
  }
  return refused;
}

describe('WritePacer', () => {
  it('lets the burst pass at once, then one write per interval, never above the budget', async () => {
    const clock = new FakeClock();
    const pacer = new WritePacer({ budget, clock, utilisation: 1, burst: 5, jitter: 0 });
    const times = await admitAll(pacer, clock, 25);
    expect(times.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(times.slice(5, 8)).toEqual([100, 200, 300]);
    expect(times.at(-1)).toBe(2_000);
    expect(refusals(times, budget.limit, budget.windowMs)).toBe(0);
    expect(pacer.stats()).toMatchObject({ writes: 25, waited: 20 });
  });

  it('keeps a margin under the budget with the default utilisation, jitter included', async () => {
    const clock = new FakeClock();
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const pacer = new WritePacer({ budget, clock, random });
    const times = await admitAll(pacer, clock, 200);
    expect(refusals(times, budget.limit, budget.windowMs)).toBe(0);
    // The budget less its 5 % cushion passes at once (the service's bucket starts full), then 97 % of
    // its rate: the 191 writes after the burst of 9 take at least 191 intervals.
    expect(pacer.burst).toBe(9);
    expect(times.slice(0, 9).every((t) => t === 0)).toBe(true);
    expect(times[9]).toBeGreaterThan(0);
    expect(times.at(-1)).toBeGreaterThanOrEqual(191 * pacer.intervalMs);
  });

  it('admits writers in the order they asked (FIFO), jitter never reorders them', async () => {
    const clock = new FakeClock();
    const random = (() => {
      const values = [0.99, 0, 0.5, 0.1, 0.9, 0.3];
      let i = 0;
      return () => values[i++ % values.length] ?? 0;
    })();
    const pacer = new WritePacer({ budget, clock, random, burst: 1, jitter: 0.5 });
    const order: string[] = [];
    const writer = async (name: string) => {
      await pacer.acquire();
      order.push(name);
    };
    // Leaver A asks for four writes, then leaver B for one, then A again.
    await Promise.all([writer('a1'), writer('a2'), writer('a3'), writer('a4'), writer('b1'), writer('a5')]);
    expect(order).toEqual(['a1', 'a2', 'a3', 'a4', 'b1', 'a5']);
  });

  it('spreads waiting writers with jitter so they do not wake together', async () => {
    const clock = new FakeClock();
    const random = (() => {
      let i = 0;
      return () => [0.1, 0.4, 0.2, 0.3][i++ % 4] ?? 0;
    })();
    const pacer = new WritePacer({ budget, clock, random, utilisation: 1, burst: 1, jitter: 0.5 });
    const times = await admitAll(pacer, clock, 5);
    expect(new Set(times).size).toBe(5);
    // Each waiting writer wakes within half an interval after its slot.
    times.slice(1).forEach((t, i) => {
      expect(t).toBeGreaterThanOrEqual((i + 1) * 100);
      expect(t).toBeLessThan((i + 1) * 100 + 50);
    });
  });

  it('after a 429 pauses every writer until Retry-After, spends the burst, then resumes one interval apart', async () => {
    const clock = new FakeClock();
    const pacer = new WritePacer({ budget, clock, utilisation: 1, burst: 5, jitter: 0 });
    await admitAll(pacer, clock, 5);
    pacer.throttled(3_000);
    expect(await admitAll(pacer, clock, 4)).toEqual([3_000, 3_100, 3_200, 3_300]);
    expect(pacer.stats().throttled).toBe(1);
  });

  it('voids the slot of a writer already waiting when a 429 arrives', async () => {
    const clock = new FakeClock();
    const pacer = new WritePacer({ budget, clock, utilisation: 1, burst: 1, jitter: 0 });
    await pacer.acquire();
    const start = clock.now();
    const waiting = pacer.acquire().then(() => clock.now() - start);
    pacer.throttled(2_000);
    expect(await waiting).toBe(2_000);
  });

  it('gives the time the remaining writes need at the paced rate', async () => {
    const clock = new FakeClock();
    const pacer = new WritePacer({ budget, clock, utilisation: 1, burst: 5, jitter: 0 });
    expect(pacer.etaMs(5)).toBe(0);
    expect(pacer.etaMs(25)).toBe(2_000);
    await admitAll(pacer, clock, 5);
    expect(pacer.etaMs(1)).toBe(100);
    pacer.throttled(1_000);
    expect(pacer.etaMs(3)).toBe(1_200);
  });

  it('resumes where an earlier process of the same app stopped: its writes still count', async () => {
    const clock = new FakeClock();
    const first = new WritePacer({ budget, clock, utilisation: 1, jitter: 0 });
    const saved: unknown[] = [];
    first.onChange(() => saved.push(first.state()));
    // The first process spends 8 of its burst of 9, then stops; the next starts 300 ms later.
    const spent = await admitAll(first, clock, 8);
    expect(spent.every((t) => t === 0)).toBe(true);
    expect(saved).toHaveLength(8);
    await clock.sleep(300);

    const next = new WritePacer({ budget, clock, utilisation: 1, jitter: 0 });
    next.resume(first.state());
    const times = await admitAll(next, clock, 10);
    // 1 left + 3 refilled pass at once, then one per interval: the service never refuses.
    expect(times.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(times.slice(4)).toEqual([100, 200, 300, 400, 500, 600]);
    const all = [...spent.map((t) => t - 300), ...times];
    expect(
      refusals(
        all.map((t) => t + 300),
        budget.limit,
        budget.windowMs,
      ),
    ).toBe(0);
  });

  it('resumes a pause the service asked for, and counts at most the whole budget as spent', async () => {
    const clock = new FakeClock();
    const first = new WritePacer({ budget, clock, utilisation: 1, jitter: 0 });
    first.throttled(800);
    // A process killed with 50 writes queued had reserved slots it never used.
    const queued = { nextSlotAt: clock.now() + 5_000, pausedUntil: first.state().pausedUntil };
    const next = new WritePacer({ budget, clock, utilisation: 1, jitter: 0 });
    next.resume(queued);
    expect(await admitAll(next, clock, 2)).toEqual([900, 1_000]);

    const fresh = new WritePacer({ budget, clock, utilisation: 1, jitter: 0 });
    fresh.resume({ nextSlotAt: Number.NaN, pausedUntil: Number.NaN });
    expect(fresh.etaMs(fresh.burst)).toBe(0);
  });

  it('refuses a budget that cannot be paced', () => {
    const clock = new FakeClock();
    expect(() => new WritePacer({ budget: { ...budget, limit: 0 }, clock })).toThrow(/limit/);
    expect(() => new WritePacer({ budget: { ...budget, windowMs: 0 }, clock })).toThrow(/window/);
  });
});

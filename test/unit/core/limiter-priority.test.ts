import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/core/ports/clock.js';
import { AdaptiveLimiter } from '../../../src/core/revoke/index.js';
import { limiterRank, SystemLimiter } from '../../../src/core/runner/system-limits.js';

/** A call that finishes when the test releases it, recording when it started. */
function gate(started: string[], name: string): { work: () => Promise<string>; release: () => void } {
  let release = (): void => undefined;
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    work: async () => {
      started.push(name);
      await done;
      return name;
    },
    release: () => {
      release();
    },
  };
}

describe('limiter priority: a preview someone waits for goes before background work', () => {
  it('SystemLimiter hands a freed exchange slot to interactive waiters first', async () => {
    const limiter = new SystemLimiter({ exchange: 1 });
    const started: string[] = [];
    const holder = gate(started, 'holder');
    const bulk1 = gate(started, 'bulk-1');
    const bulk2 = gate(started, 'bulk-2');
    const preview = gate(started, 'preview');
    const running = [
      limiter.run('exchange', holder.work),
      limiter.run('exchange', bulk1.work),
      limiter.run('exchange', bulk2.work, 'background'),
      limiter.run('exchange', preview.work, 'interactive'),
    ];
    await Promise.resolve();
    expect(started).toEqual(['holder']);
    holder.release();
    await running[0];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['holder', 'preview']);
    preview.release();
    bulk1.release();
    bulk2.release();
    expect(await Promise.all(running)).toEqual(['holder', 'bulk-1', 'bulk-2', 'preview']);
    expect(started).toEqual(['holder', 'preview', 'bulk-1', 'bulk-2']);
  });

  it("serves a batch's earlier leavers first, work outside a batch before them, equal ranks in order", async () => {
    const limiter = new SystemLimiter({ exchange: 1 });
    const started: string[] = [];
    const holder = gate(started, 'holder');
    const calls = [
      { name: 'leaver-3', rank: 3 },
      { name: 'leaver-1a', rank: 1 },
      { name: 'single-run', rank: undefined },
      { name: 'leaver-2', rank: 2 },
      { name: 'leaver-1b', rank: 1 },
    ].map(({ name, rank }) => ({ name, rank, ...gate(started, name) }));
    const running = [
      limiter.run('exchange', holder.work),
      ...calls.map((c) =>
        c.rank === undefined
          ? limiter.run('exchange', c.work)
          : limiterRank.run(c.rank, () => limiter.run('exchange', c.work)),
      ),
    ];
    holder.release();
    for (let i = 0; i < calls.length; i += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      calls.find((x) => x.name === started.at(-1))?.release();
    }
    await Promise.all(running);
    expect(started).toEqual(['holder', 'single-run', 'leaver-1a', 'leaver-1b', 'leaver-2', 'leaver-3']);
  });

  it('AdaptiveLimiter serves interactive reads before queued inventory scans', async () => {
    const limiter = new AdaptiveLimiter({ clock: systemClock, initialConcurrency: 1, maxConcurrency: 1 });
    const started: string[] = [];
    const holder = gate(started, 'holder');
    const scan = gate(started, 'scan');
    const read = gate(started, 'read');
    const running = [limiter.run(holder.work), limiter.run(scan.work), limiter.run(read.work, 'interactive')];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['holder']);
    holder.release();
    await running[0];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['holder', 'read']);
    read.release();
    scan.release();
    await Promise.all(running);
    expect(started).toEqual(['holder', 'read', 'scan']);
  });
});

import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/core/ports/clock.js';
import { AdaptiveLimiter } from '../../../src/core/revoke/index.js';
import { SystemLimiter } from '../../../src/core/runner/system-limits.js';

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

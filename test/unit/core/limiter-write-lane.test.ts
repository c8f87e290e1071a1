import { describe, expect, it } from 'vitest';
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

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('limiter write lane: reads never starve a step’s writes', () => {
  it('keeps a quarter of the slots for writes: a flood of reads leaves them free', async () => {
    const limiter = new SystemLimiter({ exchange: 8 });
    const started: string[] = [];
    const reads = Array.from({ length: 20 }, (_, i) => gate(started, `read-${i}`));
    const running = reads.map((r, i) =>
      limiter.run('exchange', r.work, i % 2 ? 'interactive' : 'background'),
    );
    await settle();
    expect(started).toHaveLength(6);
    const write1 = gate(started, 'write-1');
    const write2 = gate(started, 'write-2');
    const writes = [
      limiter.run('exchange', write1.work, 'background', 'write'),
      limiter.run('exchange', write2.work, 'background', 'write'),
    ];
    await settle();
    expect(started.slice(6)).toEqual(['write-1', 'write-2']);
    expect(limiter.inFlight('exchange')).toBe(8);
    for (const g of [...reads, write1, write2]) g.release();
    await Promise.all([...running, ...writes]);
    expect(started).toHaveLength(22);
  });

  it('hands a freed slot to a waiting write before reads that queued earlier, never above the limit', async () => {
    const limiter = new SystemLimiter({ teams: 2 });
    const started: string[] = [];
    const holders = [gate(started, 'write-a'), gate(started, 'write-b')];
    const held = holders.map((h) => limiter.run('teams', h.work, 'background', 'write'));
    const read = gate(started, 'read');
    const preview = gate(started, 'preview');
    const write = gate(started, 'write-c');
    const queued = [
      limiter.run('teams', read.work),
      limiter.run('teams', preview.work, 'interactive'),
      limiter.run('teams', write.work, 'background', 'write'),
    ];
    await settle();
    expect(started).toEqual(['write-a', 'write-b']);
    holders[0]?.release();
    await settle();
    expect(started).toEqual(['write-a', 'write-b', 'write-c']);
    expect(limiter.inFlight('teams')).toBe(2);
    holders[1]?.release();
    await settle();
    expect(started.slice(3)).toEqual(['preview']);
    for (const g of [write, read, preview]) g.release();
    await Promise.all([...held, ...queued]);
    expect(started.at(-1)).toBe('read');
  });
});

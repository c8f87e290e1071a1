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

describe('limiter write gate: writes waiting for their turn in a write budget hold no slot', () => {
  it('lets reads run while paced writes wait, and the write does not wait twice in the connector', async () => {
    const { WritePacer } = await import('../../../src/connectors/http/write-pacer.js');
    const { FakeClock } = await import('./support/fake-clock.js');
    const clock = new FakeClock();
    const t0 = clock.now();
    // One write per second, no burst beyond the first.
    const pacer = new WritePacer({
      budget: { name: 'test writes', limit: 60, windowMs: 60_000 },
      clock,
      utilisation: 1,
      burst: 1,
      jitter: 0,
    });
    const limiter = new SystemLimiter({ exchange: 4 }, { exchange: pacer });
    const sent: string[] = [];
    // What a connector does: asks the pacer before sending (the prepaid turn is used here).
    const write = (name: string) => async () => {
      await pacer.acquire();
      sent.push(`${name}@${clock.now() - t0}`);
      return name;
    };
    const writes = Array.from({ length: 6 }, (_, i) =>
      limiter.run('exchange', write(`w${i}`), 'background', 'write'),
    );
    await settle();
    expect(sent).toEqual(['w0@0']);
    // Five writes wait for the budget and hold no slot: reads take every slot but the writes' reserve
    // (without the gate the five writes would hold all four slots and no read would start).
    const started: string[] = [];
    const reads = Array.from({ length: 4 }, (_, i) => gate(started, `r${i}`));
    const reading = reads.map((r) => limiter.run('exchange', r.work));
    await settle();
    expect(started).toEqual(['r0', 'r1', 'r2']);
    for (const r of reads) r.release();
    await Promise.all(reading);
    await Promise.all(writes);
    // The clock moves when everything waits. One write per second, each sent once its turn came: none
    // waited a second turn in the connector.
    expect(sent).toEqual(['w0@0', 'w1@1000', 'w2@2000', 'w3@3000', 'w4@4000', 'w5@5000']);
    expect(pacer.stats().writes).toBe(6);
  });
});

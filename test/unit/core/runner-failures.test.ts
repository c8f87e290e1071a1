import { describe, expect, it } from 'vitest';
import type { RunStore, Store } from '../../../src/core/ports/store.js';
import { createMemoryStore } from '../../support/memory-store.js';
import { describeJournal, harness, RecordingTarget, targetStep } from './support/runner-fixtures.js';

describe('Runner when the store fails', () => {
  it('keeps applying while heartbeats fail within the lease, and stops before the lease runs out', async () => {
    const target = new RecordingTarget();
    const memory = createMemoryStore();
    const runs: RunStore = Object.assign(Object.create(memory.runs) as RunStore, {
      heartbeat: () => Promise.reject(new Error('connection reset')),
    });
    const store: Store = { ...memory, runs };
    const warnings: string[] = [];
    const h = harness(
      [
        targetStep(target, 'a', ['slow', 'next'], {
          // A slow call: 10 s on the fake clock while the heartbeats fail.
          beforeApply: async (key) => {
            if (key === 'slow') await clockOf().sleep(10_000);
          },
        }),
      ],
      { store, leaseMs: 3_000, heartbeatMs: 500, logger: { warn: (_d, message) => warnings.push(message) } },
    );
    const clockOf = () => h.clock;
    const { runId } = await h.createRun();

    expect(await h.runner.execute(runId)).toEqual({ kind: 'interrupted', runId });

    // Beats at 0.5, 1, 1.5, 2 s keep the lease (the next beat is still inside it); at 2.5 s it is lost.
    expect(warnings).toEqual(Array.from({ length: 5 }, () => 'Run lease heartbeat failed'));
    expect(target.applied).toEqual(['a:slow']);
    expect(describeJournal(await h.journal())).toEqual(['a:slow applying 1', 'a:slow applied 1']);
  });

  it('stops the run and rejects when the journal cannot be written, leaving the run to be resumed', async () => {
    const target = new RecordingTarget();
    const memory = createMemoryStore();
    let appends = 0;
    const store: Store = {
      ...memory,
      journal: {
        append: async (entry) => {
          appends += 1;
          if (appends === 3) throw new Error('disk full');
          await memory.journal.append(entry);
        },
        list: (runId) => memory.journal.list(runId),
      },
    };
    const h = harness([targetStep(target, 'a', ['k1', 'k2']), targetStep(target, 'b', ['k1', 'k2'])], {
      store,
    });
    const { runId } = await h.createRun();

    await expect(h.runner.execute(runId)).rejects.toThrow('disk full');

    expect(await memory.runs.get(runId)).toMatchObject({ status: 'running', owner: 'runner-test' });
    // The change whose `applied` entry failed, and the one already in flight in the parallel step.
    expect(target.applied.sort()).toEqual(['a:k1', 'b:k1']);
    expect((await h.journal()).filter((e) => e.changeKey === undefined)).toEqual([]);
  });
});

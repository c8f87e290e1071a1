import { describe, expect, it } from 'vitest';
import type { JournalEntry, Store } from '../../../src/core/ports/store.js';
import { createMemoryStore } from '../../support/memory-store.js';
import {
  deferred,
  describeJournal,
  harness,
  RecordingTarget,
  targetStep,
} from './support/runner-fixtures.js';

const at = '2026-11-23T08:00:00.000Z';
const entry = (e: Omit<JournalEntry, 'runId' | 'at'>): JournalEntry => ({ ...e, runId: 'run-1', at });

/** Simulates a process that claimed the run, wrote `entries`, and died holding its lease. */
async function crashedRun(
  store: Store,
  nowMs: number,
  entries: Omit<JournalEntry, 'runId' | 'at'>[],
): Promise<void> {
  await store.runs.claimById('run-1', 'crashed-process', 1_000, nowMs - 5_000);
  for (const e of entries) await store.journal.append(entry(e));
}

describe('Runner resume after a crash', () => {
  it('records an in-doubt change that a fresh plan shows as made, without applying it again', async () => {
    const target = new RecordingTarget();
    const store = createMemoryStore();
    const h = harness([targetStep(target, 'a', ['k1', 'k2'])], { store });
    await h.createRun();
    // The crashed process made k1 on the target but died before journaling `applied`.
    target.state.add('a:k1');
    await crashedRun(store, h.clock.now(), [{ stepId: 'a', changeKey: 'k1', phase: 'applying', attempt: 1 }]);

    expect(await h.runner.executeNext()).toMatchObject({ kind: 'finished', status: 'completed' });

    expect(target.applied).toEqual(['a:k2']);
    const journal = await h.journal();
    expect(describeJournal(journal)).toEqual([
      'a:k1 applying 1',
      'a:k1 applied 1',
      'a:k2 applying 1',
      'a:k2 applied 1',
      'a verified',
    ]);
    expect(journal[1]!.after).toEqual({ isReconciled: true });
    expect(h.events).toContainEqual(
      expect.objectContaining({ type: 'change-applied', changeKey: 'k1', isReconciled: true }),
    );
  });

  it('applies an in-doubt change again when a fresh plan still lists it', async () => {
    const target = new RecordingTarget();
    const store = createMemoryStore();
    const h = harness([targetStep(target, 'a', ['k1'])], { store });
    const { runId } = await h.createRun();
    await crashedRun(store, h.clock.now(), [{ stepId: 'a', changeKey: 'k1', phase: 'applying', attempt: 1 }]);

    expect(await h.runner.execute(runId)).toMatchObject({ status: 'completed' });

    expect(target.applied).toEqual(['a:k1']);
    expect(describeJournal(await h.journal())).toEqual([
      'a:k1 applying 1',
      'a:k1 applying 2',
      'a:k1 applied 2',
      'a verified',
    ]);
  });

  it('never applies a journaled change again and never re-runs a verified step', async () => {
    const target = new RecordingTarget();
    const store = createMemoryStore();
    const h = harness(
      [targetStep(target, 'a', ['k1']), targetStep(target, 'b', ['k1', 'k2'], { dependsOn: ['a'] })],
      {
        store,
      },
    );
    const { runId } = await h.createRun();
    target.state.add('a:k1');
    target.state.add('b:k1');
    await crashedRun(store, h.clock.now(), [
      { stepId: 'a', changeKey: 'k1', phase: 'applying', attempt: 1 },
      { stepId: 'a', changeKey: 'k1', phase: 'applied', attempt: 1 },
      { stepId: 'a', phase: 'verified', attempt: 1 },
      { stepId: 'b', changeKey: 'k1', phase: 'applying', attempt: 1 },
      { stepId: 'b', changeKey: 'k1', phase: 'applied', attempt: 1 },
    ]);
    target.calls.length = 0;

    expect(await h.runner.execute(runId)).toMatchObject({ status: 'completed', counts: { done: 2 } });

    expect(target.calls).toEqual(['b.apply:k2', 'b.verify']);
    expect(target.applied).toEqual(['b:k2']);
  });

  it('waits for the crashed owner’s lease to expire before taking the run over', async () => {
    const target = new RecordingTarget();
    const store = createMemoryStore();
    const h = harness([targetStep(target, 'a', ['k1'])], { store });
    const { runId } = await h.createRun();
    await store.runs.claimById(runId, 'crashed-process', 30_000, h.clock.now());

    expect(await h.runner.executeNext()).toBeNull();
    await h.clock.sleep(30_000);
    expect(await h.runner.executeNext()).toMatchObject({ kind: 'finished', status: 'completed' });
  });

  it('stops applying when a heartbeat reports the lease lost, and leaves the run to the new owner', async () => {
    const target = new RecordingTarget();
    const store = createMemoryStore();
    const release = deferred();
    const started = deferred();
    const steps = [
      targetStep(target, 'a', ['k1', 'k2'], {
        beforeApply: async (key) => {
          if (key !== 'k1') return;
          started.resolve();
          await release.promise;
        },
      }),
      targetStep(target, 'b', ['k1'], { dependsOn: ['a'] }),
    ];
    const h = harness(steps, { store, leaseMs: 3_000, heartbeatMs: 500 });
    const { runId } = await h.createRun();

    const running = h.runner.execute(runId);
    await started.promise;
    // Another instance takes the run over (as if our heartbeats had not reached the store in time).
    await store.runs.setStatus(runId, 'runner-test', 'queued');
    await store.runs.claimById(runId, 'new-owner', 60_000, h.clock.now());
    await h.clock.sleep(1_000);
    release.resolve();

    expect(await running).toEqual({ kind: 'interrupted', runId });
    expect(target.applied).toEqual(['a:k1']);
    expect(describeJournal(await h.journal())).toEqual(['a:k1 applying 1', 'a:k1 applied 1']);
    expect(await store.runs.get(runId)).toMatchObject({ status: 'running', owner: 'new-owner' });
  });
});

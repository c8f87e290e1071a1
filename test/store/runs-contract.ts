import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../src/core/errors.js';
import type { RunRecord } from '../../src/core/ports/store.js';
import { openStore, type SqlStore } from '../../src/store/index.js';
import { aRun, samplePlan } from './fixtures.js';
import { instanceOptionsOf, type OpenedStore, type StoreTarget } from './store-target.js';

/** Far enough in the future that every lease has expired. */
const farFutureMs = 4_000_000_000_000;
const t0 = 1_800_000_000_000;

export function describeRunsContract(target: StoreTarget, shared: () => OpenedStore): void {
  let opened: OpenedStore;
  let runs: SqlStore['runs'];
  beforeAll(() => {
    opened = shared();
    runs = opened.store.runs;
  });
  // claim() takes any runnable run: start every test with none left over.
  beforeEach(async () => {
    for (
      let run = await runs.claim('sweeper', 1, farFutureMs);
      run;
      run = await runs.claim('sweeper', 1, farFutureMs)
    ) {
      await runs.setStatus(run.id, 'sweeper', 'cancelled');
    }
  });

  describe('runs', () => {
    it('stores a run and reads it back', async () => {
      const run = aRun({ progress: { activityId: 'act-1' } });
      await runs.create(run);
      const stored = await runs.get(run.id);
      expect(stored).toMatchObject({ ...run, isCancelRequested: false });
      expect(stored).not.toHaveProperty('owner');
      expect(stored).not.toHaveProperty('finishedAt');
      expect(await runs.get('RUN-unknown')).toBeNull();
    });

    it('records progress and cancellation requests', async () => {
      const run = aRun();
      await runs.create(run);
      await runs.setProgress(run.id, { conversationId: 'c1', activityId: 'a1' });
      await runs.requestCancel(run.id);
      expect(await runs.get(run.id)).toMatchObject({
        progress: { conversationId: 'c1', activityId: 'a1' },
        isCancelRequested: true,
      });
      await expect(runs.setProgress('RUN-unknown', {})).rejects.toBeInstanceOf(NotFoundError);
      await expect(runs.requestCancel('RUN-unknown')).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('run leases', () => {
    it('claims the oldest runnable run and gives it a lease', async () => {
      const first = aRun();
      const second = aRun();
      await runs.create(first);
      await runs.create(second);
      await runs.create(aRun({ status: 'completed' }));

      const claimed = await runs.claim('instance-a', 30_000, t0);
      expect(claimed).toMatchObject({
        id: first.id,
        status: 'running',
        owner: 'instance-a',
        leaseUntil: t0 + 30_000,
      });
      expect(await runs.claim('instance-b', 30_000, t0)).toMatchObject({
        id: second.id,
        owner: 'instance-b',
      });
      expect(await runs.claim('instance-c', 30_000, t0)).toBeNull();
    });

    it('keeps a live lease from everyone else and extends it for its owner only', async () => {
      const run = aRun();
      await runs.create(run);
      await runs.claim('instance-a', 10_000, t0);

      expect(await runs.claimById(run.id, 'instance-b', 10_000, t0 + 9_999)).toBeNull();
      expect(await runs.heartbeat(run.id, 'instance-b', 10_000, t0 + 5_000)).toBe(false);
      expect(await runs.setStatus(run.id, 'instance-b', 'completed')).toBe(false);

      expect(await runs.heartbeat(run.id, 'instance-a', 10_000, t0 + 5_000)).toBe(true);
      expect(await runs.claim('instance-b', 10_000, t0 + 12_000)).toBeNull();
      expect(await runs.get(run.id)).toMatchObject({ owner: 'instance-a', leaseUntil: t0 + 15_000 });
    });

    it('hands a run whose holder stopped heartbeating to another instance after the lease expires', async () => {
      const run = aRun();
      await runs.create(run);
      await runs.claim('instance-a', 10_000, t0);

      expect(await runs.claim('instance-b', 10_000, t0 + 9_999)).toBeNull();
      expect(await runs.claim('instance-b', 10_000, t0 + 10_000)).toMatchObject({
        id: run.id,
        owner: 'instance-b',
        status: 'running',
      });

      // The old holder learns it lost the run and can no longer change it.
      expect(await runs.heartbeat(run.id, 'instance-a', 10_000, t0 + 10_001)).toBe(false);
      expect(await runs.setStatus(run.id, 'instance-a', 'failed')).toBe(false);
      expect(await runs.setStatus(run.id, 'instance-b', 'completed')).toBe(true);
    });

    it('lets the owner keep an expired lease nobody took over', async () => {
      const run = aRun();
      await runs.create(run);
      await runs.claim('instance-a', 10_000, t0);
      expect(await runs.heartbeat(run.id, 'instance-a', 10_000, t0 + 20_000)).toBe(true);
      expect(await runs.claim('instance-b', 10_000, t0 + 25_000)).toBeNull();
    });

    it('ends the lease and the run on a terminal status', async () => {
      const run = aRun();
      await runs.create(run);
      await runs.claimById(run.id, 'instance-a', 10_000, t0);
      expect(await runs.setStatus(run.id, 'instance-a', 'completed-with-errors')).toBe(true);

      const finished = await runs.get(run.id);
      expect(finished).toMatchObject({ status: 'completed-with-errors' });
      expect(finished).not.toHaveProperty('owner');
      expect(finished).not.toHaveProperty('leaseUntil');
      expect(finished?.finishedAt).toEqual(expect.any(String));
      expect(await runs.setStatus(run.id, 'instance-a', 'completed')).toBe(false);
      expect(await runs.claimById(run.id, 'instance-b', 10_000, farFutureMs)).toBeNull();
      expect(await runs.claim('instance-b', 10_000, farFutureMs)).toBeNull();
    });

    it('hands a run released to the queue to the next claimer at once', async () => {
      const run = aRun();
      await runs.create(run);
      await runs.claim('instance-a', 60_000, t0);
      expect(await runs.setStatus(run.id, 'instance-a', 'queued')).toBe(true);
      expect(await runs.claim('instance-b', 60_000, t0 + 1)).toMatchObject({
        id: run.id,
        owner: 'instance-b',
      });
    });

    it('claims a given run only when it is runnable', async () => {
      const run = aRun();
      await runs.create(run);
      expect(await runs.claimById('RUN-unknown', 'instance-a', 10_000, t0)).toBeNull();
      expect(await runs.claimById(run.id, 'instance-a', 10_000, t0)).toMatchObject({
        id: run.id,
        owner: 'instance-a',
      });
      expect(await runs.claimById(run.id, 'instance-b', 10_000, t0 + 10_000)).toMatchObject({
        owner: 'instance-b',
      });
    });

    it('requeues a failed run with a new plan and refuses to requeue a live one', async () => {
      const run = aRun();
      await runs.create(run);
      await runs.claim('instance-a', 10_000, t0);
      await expect(runs.requeue(run.id)).rejects.toBeInstanceOf(ConflictError);
      await runs.setStatus(run.id, 'instance-a', 'failed');

      const retryPlan = { steps: samplePlan.steps.slice(1) };
      await runs.requeue(run.id, retryPlan);
      const requeued = await runs.get(run.id);
      expect(requeued).toMatchObject({ status: 'queued', plan: retryPlan });
      expect(requeued).not.toHaveProperty('finishedAt');
      expect(await runs.claim('instance-b', 10_000, t0)).toMatchObject({ id: run.id, plan: retryPlan });
      await expect(runs.requeue('RUN-unknown')).rejects.toBeInstanceOf(NotFoundError);
    });

    it("replaces one step of a running run's plan for its owner only", async () => {
      const atStart = { ...samplePlan.steps[1]!, changes: [], isPlannedAtStart: true };
      const run = aRun({ plan: { steps: [samplePlan.steps[0]!, atStart] } });
      await runs.create(run);
      const planned = {
        ...samplePlan.steps[1]!,
        changes: [{ key: 'shared', description: "Convert ada's mailbox", data: { type: 'Shared' } }],
      };
      // Not running yet, then another owner, then the wrong index: nothing changes.
      expect(await runs.replaceStep(run.id, 'instance-a', 1, planned)).toBe(false);
      await runs.claim('instance-a', 10_000, t0);
      expect(await runs.replaceStep(run.id, 'instance-b', 1, planned)).toBe(false);
      expect(await runs.replaceStep(run.id, 'instance-a', 0, planned)).toBe(false);
      expect((await runs.get(run.id))?.plan.steps[1]).toEqual(atStart);

      expect(await runs.replaceStep(run.id, 'instance-a', 1, planned)).toBe(true);
      const stored = await runs.get(run.id);
      expect(stored?.plan.steps).toEqual([samplePlan.steps[0], planned]);
      expect(await runs.replaceStep('RUN-unknown', 'instance-a', 1, planned)).toBe(false);
    });

    it('gives each run to exactly one of many instances claiming in parallel', async () => {
      const created: string[] = [];
      for (let i = 0; i < 60; i += 1) {
        const run = aRun();
        await runs.create(run);
        created.push(run.id);
      }
      // On PostgreSQL each instance has its own pool, like separate processes.
      const instances =
        target.driver === 'postgres'
          ? await Promise.all([1, 2, 3].map(() => openStore(instanceOptionsOf(opened))))
          : [];
      const stores = [opened.store, ...instances];
      try {
        const claimers = Array.from({ length: 12 }, (_, i) =>
          claimAll(stores[i % stores.length]!, `instance-${i}`),
        );
        const claimedBy = (await Promise.all(claimers)).flat();
        expect(claimedBy.map((run) => run.id).sort()).toEqual([...created].sort());
      } finally {
        await Promise.all(instances.map((store) => store.close()));
      }
    });
  });
}

async function claimAll(store: SqlStore, owner: string): Promise<RunRecord[]> {
  const claimed: RunRecord[] = [];
  for (
    let run = await store.runs.claim(owner, 60_000, t0);
    run;
    run = await store.runs.claim(owner, 60_000, t0)
  ) {
    claimed.push(run);
  }
  return claimed;
}

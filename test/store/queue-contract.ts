import { beforeAll, describe, expect, it } from 'vitest';
import type { QueueItem } from '../../src/core/ports/store.js';
import { keyLockKind, withKeyLock } from '../../src/core/triggers/key-lock.js';
import { openStore, type SqlStore } from '../../src/store/index.js';
import { uniqueId } from './fixtures.js';
import { instanceOptionsOf, type OpenedStore, type StoreTarget } from './store-target.js';

const t0 = 1_800_000_000_000;

export function describeQueueContract(_target: StoreTarget, shared: () => OpenedStore): void {
  let opened: OpenedStore;
  let queue: SqlStore['queue'];
  beforeAll(() => {
    opened = shared();
    queue = opened.store.queue;
  });

  describe('work queue', () => {
    it('keeps one item per kind and key, replacing its payload', async () => {
      const kind = uniqueId('provision.await-sync');
      const first = await queue.enqueue({
        kind,
        key: 'ada@contoso.com',
        payload: { sku: 'E3' },
        notBeforeMs: t0,
      });
      const second = await queue.enqueue({
        kind,
        key: 'ada@contoso.com',
        payload: { sku: 'E5' },
        notBeforeMs: t0 + 5,
      });
      await queue.enqueue({ kind: `${kind}.other`, key: 'ada@contoso.com', payload: {} });

      expect(second).toMatchObject({
        id: first.id,
        status: 'pending',
        attempts: 0,
        payload: { sku: 'E5' },
        nextAttemptAt: t0 + 5,
      });
      expect(await queue.list(kind)).toEqual([await queue.get(kind, 'ada@contoso.com')]);
      expect(await queue.get(kind, 'nobody@contoso.com')).toBeNull();
    });

    it('hands out only due items of the kind, oldest due first, up to the limit', async () => {
      const kind = uniqueId('provision.await-sync');
      await queue.enqueue({ kind, key: 'later', payload: 1, notBeforeMs: t0 + 60_000 });
      await queue.enqueue({ kind, key: 'b', payload: 2, notBeforeMs: t0 - 10 });
      await queue.enqueue({ kind, key: 'a', payload: 3, notBeforeMs: t0 - 20 });
      await queue.enqueue({ kind, key: 'c', payload: 4, notBeforeMs: t0 });

      const claimed = await queue.claimDue(kind, t0, 2, 30_000);
      expect(claimed.map((item) => item.key).sort()).toEqual(['a', 'b']);
      expect(claimed.every((item) => item.status === 'claimed' && item.attempts === 1)).toBe(true);
      expect(claimed.every((item) => item.nextAttemptAt === t0 + 30_000)).toBe(true);
      expect((await queue.claimDue(kind, t0, 10, 30_000)).map((item) => item.key)).toEqual(['c']);
      expect(await queue.claimDue(kind, t0 + 1_000, 10, 30_000)).toEqual([]);
    });

    it('retries an item whose claim expired, counting the attempt', async () => {
      const kind = uniqueId('provision.await-sync');
      await queue.enqueue({ kind, key: 'ada', payload: {}, notBeforeMs: t0 });
      await queue.claimDue(kind, t0, 1, 10_000);
      expect(await queue.claimDue(kind, t0 + 9_999, 1, 10_000)).toEqual([]);
      expect(await queue.claimDue(kind, t0 + 10_000, 1, 10_000)).toMatchObject([{ key: 'ada', attempts: 2 }]);
    });

    it('finishes completed items and reschedules or gives up failed ones', async () => {
      const kind = uniqueId('provision.await-sync');
      for (const key of ['done', 'retry', 'dead'])
        await queue.enqueue({ kind, key, payload: {}, notBeforeMs: t0 });
      const byKey = new Map((await queue.claimDue(kind, t0, 10)).map((item) => [item.key, item]));

      expect(await queue.complete(byKey.get('done')!.id)).toBe(true);
      expect(await queue.complete(byKey.get('done')!.id)).toBe(false);
      expect(await queue.fail(byKey.get('retry')!.id, 'User not yet synced to Entra', t0 + 900_000)).toBe(
        true,
      );
      expect(await queue.fail(byKey.get('dead')!.id, 'No licence left for SKU E5', null)).toBe(true);
      expect(await queue.fail(byKey.get('dead')!.id, 'again', t0)).toBe(false);

      expect(await queue.get(kind, 'done')).toMatchObject({ status: 'done', attempts: 1 });
      expect(await queue.get(kind, 'retry')).toMatchObject({
        status: 'pending',
        lastError: 'User not yet synced to Entra',
        nextAttemptAt: t0 + 900_000,
      });
      expect(await queue.get(kind, 'dead')).toMatchObject({
        status: 'dead',
        lastError: 'No licence left for SKU E5',
      });
      expect(await queue.claimDue(kind, t0 + 899_999, 10)).toEqual([]);
      expect((await queue.claimDue(kind, t0 + 900_000, 10)).map((item) => [item.key, item.attempts])).toEqual(
        [['retry', 2]],
      );
      expect((await queue.list(kind, ['dead', 'done'])).map((item) => item.key).sort()).toEqual([
        'dead',
        'done',
      ]);
    });

    it('starts a finished item afresh when it is enqueued again', async () => {
      const kind = uniqueId('provision.await-sync');
      await queue.enqueue({ kind, key: 'ada', payload: { n: 1 }, notBeforeMs: t0 });
      const [item] = await queue.claimDue(kind, t0, 1);
      await queue.fail(item!.id, 'gave up', null);
      const again = await queue.enqueue({ kind, key: 'ada', payload: { n: 2 }, notBeforeMs: t0 + 1 });
      expect(again).toMatchObject({ id: item!.id, status: 'pending', attempts: 0, payload: { n: 2 } });
      expect(again).not.toHaveProperty('lastError');
    });

    it('handles a payload enqueued while the item was being worked on', async () => {
      const kind = uniqueId('provision.await-sync');
      await queue.enqueue({ kind, key: 'ada', payload: { n: 1 }, notBeforeMs: t0 });
      const [item] = await queue.claimDue(kind, t0, 1, 60_000);
      const during = await queue.enqueue({ kind, key: 'ada', payload: { n: 2 }, notBeforeMs: t0 + 5 });
      expect(during).toMatchObject({ status: 'claimed', payload: { n: 2 } });
      expect(await queue.claimDue(kind, t0 + 10, 1)).toEqual([]);

      expect(await queue.complete(item!.id)).toBe(true);
      expect(await queue.get(kind, 'ada')).toMatchObject({
        status: 'pending',
        nextAttemptAt: t0 + 5,
        attempts: 0,
      });
      expect(await queue.claimDue(kind, t0 + 10, 1)).toMatchObject([{ key: 'ada', payload: { n: 2 } }]);
    });

    it('claims one item by key, and keeps a claim alive only for its holder', async () => {
      const kind = uniqueId('offboard.bulk');
      await queue.enqueue({ kind, key: 'REQ-1', payload: {}, notBeforeMs: t0 });
      await queue.enqueue({ kind, key: 'REQ-2', payload: {}, notBeforeMs: t0 });
      expect(await queue.claimKey(kind, 'REQ-1', t0 - 1, 1000)).toBeNull();
      const held = await queue.claimKey(kind, 'REQ-1', t0, 1000);
      expect(held).toMatchObject({ key: 'REQ-1', status: 'claimed', attempts: 1, nextAttemptAt: t0 + 1000 });
      // Held: nobody else gets it, by key or by due time, and the other item stays pending.
      expect(await queue.claimKey(kind, 'REQ-1', t0 + 500, 1000)).toBeNull();
      expect(await queue.claimDue(kind, t0 + 500, 5, 10_000)).toMatchObject([{ key: 'REQ-2' }]);
      expect(await queue.extendClaim(held!.id, held!.attempts, t0 + 5000)).toBe(true);
      expect(await queue.claimDue(kind, t0 + 4000, 5, 1000)).toEqual([]);
      // The claim lapses; a new holder takes it and the old one can no longer extend it.
      const taken = await queue.claimKey(kind, 'REQ-1', t0 + 5000, 1000);
      expect(taken).toMatchObject({ attempts: 2 });
      expect(await queue.extendClaim(held!.id, held!.attempts, t0 + 9000)).toBe(false);
      expect(await queue.complete(taken!.id)).toBe(true);
      expect(await queue.claimKey(kind, 'REQ-1', t0 + 9000, 1000)).toBeNull();
    });

    it('gives each due item to exactly one of many workers claiming in parallel', async () => {
      const kind = uniqueId('provision.await-sync');
      const keys = Array.from({ length: 50 }, (_, i) => `user-${i}@contoso.com`);
      for (const key of keys) await queue.enqueue({ kind, key, payload: { key }, notBeforeMs: t0 });
      const instances =
        opened.databaseUrl === undefined
          ? []
          : await Promise.all([1, 2].map(() => openStore(instanceOptionsOf(opened))));
      const queues = [queue, ...instances.map((store) => store.queue)];
      try {
        const workers = Array.from({ length: 9 }, (_, i) => drain(queues[i % queues.length]!, kind));
        const claimed = (await Promise.all(workers)).flat();
        expect(claimed.map((item) => item.key).sort()).toEqual([...keys].sort());
      } finally {
        await Promise.all(instances.map((store) => store.close()));
      }
    });

    it('gives a hold on a name to one of many callers at the same moment (instances too), then frees it', async () => {
      const name = uniqueId('ticket-revoke:t-1');
      const instances =
        opened.databaseUrl === undefined
          ? []
          : await Promise.all([1, 2].map(() => openStore(instanceOptionsOf(opened))));
      const queues = [queue, ...instances.map((store) => store.queue)];
      try {
        let inside = 0;
        let most = 0;
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            withKeyLock(queues[i % queues.length]!, name, t0, async () => {
              inside += 1;
              most = Math.max(most, inside);
              await queue.get(keyLockKind, name);
              inside -= 1;
              return i;
            }),
          ),
        );
        expect(most).toBe(1);
        expect(results.filter((r) => r.isHeld).length).toBeGreaterThanOrEqual(1);
        // Released: the next caller holds it.
        expect((await withKeyLock(queue, name, t0 + 1, () => Promise.resolve('again'))).isHeld).toBe(true);
      } finally {
        await Promise.all(instances.map((store) => store.close()));
      }
    });

    it('purges finished and lapsed items of a kind before a time, never pending ones', async () => {
      const kind = uniqueId('signed-endpoint.delivery');
      await queue.enqueue({ kind, key: 'lapsed', payload: {}, notBeforeMs: 0 });
      await queue.claimKey(kind, 'lapsed', t0, 1000);
      await queue.enqueue({ kind, key: 'live', payload: {}, notBeforeMs: 0 });
      await queue.claimKey(kind, 'live', t0, 60_000);
      await queue.enqueue({ kind, key: 'done', payload: {}, notBeforeMs: 0 });
      const done = await queue.claimKey(kind, 'done', t0, 1000);
      await queue.complete(done!.id);
      await queue.enqueue({ kind, key: 'pending', payload: {}, notBeforeMs: t0 });
      await queue.enqueue({ kind: `${kind}.other`, key: 'lapsed', payload: {}, notBeforeMs: 0 });
      await queue.claimKey(`${kind}.other`, 'lapsed', t0, 1000);

      expect(await queue.purge(kind, t0 + 2000)).toBe(2);
      expect((await queue.list(kind)).map((item) => item.key).sort()).toEqual(['live', 'pending']);
      expect(await queue.list(`${kind}.other`)).toHaveLength(1);
    });
  });
}

async function drain(queue: SqlStore['queue'], kind: string): Promise<QueueItem[]> {
  const claimed: QueueItem[] = [];
  for (
    let batch = await queue.claimDue(kind, t0, 3);
    batch.length > 0;
    batch = await queue.claimDue(kind, t0, 3)
  ) {
    claimed.push(...batch);
  }
  return claimed;
}

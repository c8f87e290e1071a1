import { beforeAll, describe, expect, it } from 'vitest';
import type { ChainVerdict } from '../../src/core/audit/hash-chain.js';
import { openStore, type SqlStore } from '../../src/store/index.js';
import type { SqlClient, SqlParam } from '../../src/store/sql-client.js';
import { aRun, uniqueId } from './fixtures.js';
import type { OpenedStore, StoreTarget } from './store-target.js';

/**
 * Edits evidence the way someone with direct database access would: the append-only triggers are
 * switched off for one transaction, then a plain UPDATE or DELETE runs.
 */
async function byHand(
  sql: SqlClient,
  table: string,
  statements: string | string[],
  params: SqlParam[],
): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    for (const statement of [statements].flat()) await tx.query(statement, params);
    await tx.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
  });
}

function brokenAt(verdict: ChainVerdict): Extract<ChainVerdict, { isIntact: false }>['break'] {
  if (verdict.isIntact) throw new Error(`Expected a break in ${verdict.chain}, the chain is intact`);
  return verdict.break;
}

export function describeChainContract(_target: StoreTarget, shared: () => OpenedStore): void {
  let opened: OpenedStore;
  let store: SqlStore;
  beforeAll(() => {
    opened = shared();
    store = opened.store;
  });

  /** A request with a run, three audit events and four journal entries, interleaved. */
  async function aChain(): Promise<{ requestId: string; runId: string }> {
    const requestId = uniqueId('REQ');
    const run = aRun({ requestId, status: 'completed' });
    await store.runs.create(run);
    const at = (minute: number): string => `2026-11-23T09:${String(minute).padStart(2, '0')}:00.000Z`;
    const actor = { aadObjectId: 'aad-operator', tenantId: '11111111-1111-4111-8111-111111111111' };
    await store.audit.append({ at: at(0), type: 'request.created', requestId, actor, details: {} });
    await store.audit.append({
      at: at(1),
      type: 'request.approved',
      requestId,
      runId: run.id,
      actor,
      details: { note: 'ok' },
    });
    const step = { runId: run.id, stepId: 'entra.block-sign-in', changeKey: 'block', attempt: 0 };
    await store.journal.append({ ...step, phase: 'planned', before: false, at: at(2) });
    await store.journal.append({ ...step, phase: 'applying', at: at(3) });
    await store.journal.append({ ...step, phase: 'applied', before: false, after: true, at: at(4) });
    await store.journal.append({ ...step, phase: 'verified', after: true, at: at(5) });
    await store.audit.append({
      at: at(6),
      type: 'run.completed',
      requestId,
      runId: run.id,
      actor: { system: 'runner' },
      details: { counts: { done: 1, failed: 0 } },
    });
    return { requestId, runId: run.id };
  }

  describe('hash chain', () => {
    it('links audit events and journal entries of a request into one intact chain', async () => {
      const { requestId } = await aChain();
      const stored = await store.chains.read(requestId);
      expect(stored.links.map((l) => [l.table, l.seq])).toEqual([
        ['audit', 1],
        ['audit', 2],
        ['journal', 3],
        ['journal', 4],
        ['journal', 5],
        ['journal', 6],
        ['audit', 7],
      ]);
      expect(stored.links[0]!.prevHash).toBe('0'.repeat(64));
      expect(stored.links[1]!.prevHash).toBe(stored.links[0]!.hash);
      const verdict = await store.chains.verify(requestId);
      expect(verdict).toMatchObject({ isIntact: true, length: 7, head: stored.head });
      expect(await store.chains.keys()).toContain(requestId);
    });

    it('keeps events without a request in a chain of their own', async () => {
      await store.audit.append({ at: new Date().toISOString(), type: 'action.refused', details: { n: 1 } });
      const verdict = await store.chains.verify('');
      expect(verdict.isIntact).toBe(true);
      expect(verdict.length).toBeGreaterThanOrEqual(1);
    });

    it('detects an audit row edited by hand', async () => {
      const { requestId } = await aChain();
      await byHand(
        opened.sql,
        'audit_events',
        `UPDATE audit_events SET details = '{"note":"approved by nobody"}'::jsonb WHERE request_id = $1 AND type = 'request.approved'`,
        [requestId],
      );
      const found = brokenAt(await store.chains.verify(requestId));
      expect(found).toMatchObject({ position: 2, field: 'hash', link: { table: 'audit', seq: 2 } });
      expect(found.message).toMatch(/edited/);
    });

    it('detects a journal entry deleted by hand, in the middle and at the end', async () => {
      const { requestId, runId } = await aChain();
      await byHand(
        opened.sql,
        'step_journal',
        `DELETE FROM step_journal WHERE run_id = $1 AND phase = 'applying'`,
        [runId],
      );
      expect(brokenAt(await store.chains.verify(requestId))).toMatchObject({
        position: 4,
        field: 'seq',
        expected: '4',
        found: '5',
      });

      const second = await aChain();
      await byHand(
        opened.sql,
        'audit_events',
        `DELETE FROM audit_events WHERE request_id = $1 AND type = 'run.completed'`,
        [second.requestId],
      );
      expect(brokenAt(await store.chains.verify(second.requestId))).toMatchObject({
        position: 7,
        field: 'head',
      });
    });

    it('detects a pair of journal entries swapped by hand, hashes and all', async () => {
      const { requestId, runId } = await aChain();
      const rows = await opened.sql.query(
        `SELECT id FROM step_journal WHERE run_id = $1 AND phase IN ('applying', 'applied') ORDER BY id`,
        [runId],
      );
      const [first, second] = rows.map((row) => Number(row['id']));
      // Every column but the id moves: the pair now lists in the other order. (The sign flip gets
      // the swap past the unique index on the chain position, as a person editing by hand would.)
      await byHand(
        opened.sql,
        'step_journal',
        [
          'UPDATE step_journal SET chain_seq = -chain_seq WHERE id IN ($1::bigint, $2::bigint)',
          `UPDATE step_journal j SET phase = o.phase, before = o.before, after = o.after, at = o.at,
             chain_seq = -o.chain_seq, prev_hash = o.prev_hash, hash = o.hash
           FROM step_journal o WHERE (j.id, o.id) IN (($1::bigint, $2::bigint), ($2::bigint, $1::bigint))`,
        ],
        [first!, second!],
      );
      expect((await store.journal.list(runId)).map((e) => e.phase)).toEqual([
        'planned',
        'applied',
        'applying',
        'verified',
      ]);
      expect(brokenAt(await store.chains.verify(requestId))).toMatchObject({
        position: 5,
        field: 'order',
        link: { table: 'journal', id: first },
      });
    });

    it('detects a link stripped from a row', async () => {
      const { requestId } = await aChain();
      await byHand(
        opened.sql,
        'audit_events',
        `UPDATE audit_events SET chain_seq = NULL, prev_hash = NULL, hash = NULL WHERE request_id = $1 AND type = 'request.created'`,
        [requestId],
      );
      expect(brokenAt(await store.chains.verify(requestId))).toMatchObject({ position: 1, found: 'none' });
    });

    it('never forks a chain when several instances append to it at once', async () => {
      const requestId = uniqueId('REQ');
      const run = aRun({ requestId, status: 'completed' });
      await store.runs.create(run);
      const instances =
        opened.databaseUrl === undefined
          ? []
          : await Promise.all([1, 2].map(() => openStore({ databaseUrl: opened.databaseUrl! })));
      const stores = [store, ...instances];
      try {
        await Promise.all(
          Array.from({ length: 30 }, (_, i) => {
            const target = stores[i % stores.length]!;
            const at = new Date(Date.UTC(2026, 10, 23, 9, 0, i)).toISOString();
            return i % 2 === 0
              ? target.audit.append({ at, type: 'step.applied', requestId, details: { i } })
              : target.journal.append({ runId: run.id, stepId: `s${i}`, phase: 'applied', attempt: 0, at });
          }),
        );
      } finally {
        await Promise.all(instances.map((instance) => instance.close()));
      }
      const verdict = await store.chains.verify(requestId);
      expect(verdict).toMatchObject({ isIntact: true, length: 30, head: { seq: 30 } });
    });
  });
}

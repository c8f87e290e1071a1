import { beforeAll, describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../src/core/ports/store.js';
import { aRequest, aRun, uniqueId } from './fixtures.js';
import type { OpenedStore, StoreTarget } from './store-target.js';

/** The trigger's refusal, or, for a least-privilege runtime role on PostgreSQL, the missing privilege. */
const appendOnly = /append-only|permission denied/;

export function describeRecordsContract(_target: StoreTarget, shared: () => OpenedStore): void {
  let opened: OpenedStore;
  beforeAll(() => {
    opened = shared();
  });

  describe('requests', () => {
    it('stores a request and reads it back unchanged', async () => {
      const request = aRequest({ ticketId: 'INC-42', runId: 'RUN-1' });
      await opened.store.requests.create(request);
      expect(await opened.store.requests.get(request.id)).toEqual(request);
      expect(await opened.store.requests.get('REQ-unknown')).toBeNull();
    });

    it('refuses a second request with the same id', async () => {
      const request = aRequest();
      await opened.store.requests.create(request);
      await expect(opened.store.requests.create(request)).rejects.toThrow();
    });

    it('updates on the expected version and refuses a stale one', async () => {
      const request = aRequest();
      await opened.store.requests.create(request);
      const approved = {
        ...request,
        state: 'approved' as const,
        approvals: [
          {
            approver: { aadObjectId: 'aad-approver', tenantId: request.requester.tenantId },
            decision: 'approved' as const,
            at: '2026-11-23T09:05:00.000Z',
          },
        ],
        updatedAt: '2026-11-23T09:05:00.000Z',
      };
      const stored = await opened.store.requests.update(approved, 0);
      expect(stored).toEqual({ ...approved, version: 1 });

      const stale = await opened.store.requests.update({ ...request, state: 'cancelled' }, 0);
      expect(stale).toBeNull();
      expect(await opened.store.requests.get(request.id)).toEqual({ ...approved, version: 1 });
    });

    it('lets exactly one of several concurrent updates on the same version win', async () => {
      const request = aRequest();
      await opened.store.requests.create(request);
      const results = await Promise.all(
        ['a', 'b', 'c', 'd', 'e'].map((who) =>
          opened.store.requests.update({ ...request, options: { decidedBy: who } }, request.version),
        ),
      );
      const winners = results.filter((result) => result !== null);
      expect(winners).toHaveLength(1);
      expect(await opened.store.requests.get(request.id)).toEqual(winners[0]);
    });

    it('lists requests about a subject case-insensitively, newest first', async () => {
      const upn = `${uniqueId('Grace')}@Contoso.com`;
      const subject = { ...aRequest().subject, userPrincipalName: upn };
      const older = aRequest({ subject, createdAt: '2026-11-20T10:00:00.000Z' });
      const newer = aRequest({ subject, createdAt: '2026-11-22T10:00:00.000Z' });
      await opened.store.requests.create(older);
      await opened.store.requests.create(newer);
      await opened.store.requests.create(aRequest());

      const found = await opened.store.requests.listBySubject(upn.toUpperCase());
      expect(found.map((r) => r.id)).toEqual([newer.id, older.id]);
      expect(await opened.store.requests.listBySubject(upn.toLowerCase(), 1)).toEqual([newer]);
    });

    it('lists requests by state', async () => {
      const kind = 'revoke' as const;
      const waiting = aRequest({ kind, state: 'awaiting-approval' });
      const failed = aRequest({ kind, state: 'failed' });
      await opened.store.requests.create(waiting);
      await opened.store.requests.create(failed);
      const found = await opened.store.requests.listByState(['awaiting-approval', 'failed'], 1000);
      expect(found.map((r) => r.id)).toEqual(expect.arrayContaining([waiting.id, failed.id]));
      expect(found.every((r) => r.state === 'awaiting-approval' || r.state === 'failed')).toBe(true);
    });
  });

  describe('step journal', () => {
    it('lists entries in append order with their before, after and error', async () => {
      const run = aRun();
      await opened.store.runs.create(run);
      const entries: JournalEntry[] = [
        {
          runId: run.id,
          stepId: 'exo.forwarding',
          changeKey: 'fwd',
          phase: 'planned',
          attempt: 0,
          before: null,
          at: '2026-11-23T09:00:00.000Z',
        },
        {
          runId: run.id,
          stepId: 'exo.forwarding',
          changeKey: 'fwd',
          phase: 'applying',
          attempt: 1,
          before: null,
          at: '2026-11-23T09:00:01.000Z',
        },
        {
          runId: run.id,
          stepId: 'exo.forwarding',
          changeKey: 'fwd',
          phase: 'failed',
          attempt: 1,
          error: { code: 'throttled', name: 'ThrottledError', message: 'Throttled by the service' },
          at: '2026-11-23T09:00:02.000Z',
        },
        {
          runId: run.id,
          stepId: 'exo.forwarding',
          changeKey: 'fwd',
          phase: 'applied',
          attempt: 2,
          after: ['grace@contoso.com'],
          at: '2026-11-23T09:00:03.000Z',
        },
        {
          runId: run.id,
          stepId: 'exo.forwarding',
          phase: 'verified',
          attempt: 2,
          at: '2026-11-23T09:00:04.000Z',
        },
      ];
      for (const entry of entries) await opened.store.journal.append(entry);
      await opened.store.journal.append({ ...entries[0]!, runId: (await createRun(opened)).id });

      const listed = await opened.store.journal.list(run.id);
      expect(listed.map(({ id: _id, ...rest }) => rest)).toEqual(entries);
      const ids = listed.map((entry) => entry.id ?? 0);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      // A JSON null before-state ("nothing was set") is not the same as no before-state.
      expect(listed[0]).toHaveProperty('before', null);
      expect(listed[4]).not.toHaveProperty('before');
    });

    it('refuses entries for an unknown run', async () => {
      await expect(
        opened.store.journal.append({
          runId: 'RUN-unknown',
          stepId: 's',
          phase: 'planned',
          attempt: 0,
          at: new Date().toISOString(),
        }),
      ).rejects.toThrow();
    });

    it('cannot be changed or deleted', async () => {
      const run = await createRun(opened);
      await opened.store.journal.append({
        runId: run.id,
        stepId: 's',
        phase: 'planned',
        attempt: 0,
        at: '2026-11-23T09:00:00.000Z',
      });
      await expect(
        opened.sql.query(`UPDATE step_journal SET phase = 'verified' WHERE run_id = $1`, [run.id]),
      ).rejects.toThrow(appendOnly);
      await expect(opened.sql.query('DELETE FROM step_journal WHERE run_id = $1', [run.id])).rejects.toThrow(
        appendOnly,
      );
      await expect(opened.sql.query('TRUNCATE step_journal CASCADE')).rejects.toThrow(appendOnly);
      expect((await opened.store.journal.list(run.id)).map((e) => e.phase)).toEqual(['planned']);
    });
  });

  describe('audit events', () => {
    it('lists events by request and by subject, newest first', async () => {
      const request = aRequest({
        subject: { ...aRequest().subject, userPrincipalName: `${uniqueId('Bob')}@contoso.com` },
      });
      await opened.store.requests.create(request);
      const actor = { aadObjectId: 'aad-operator', tenantId: request.requester.tenantId };
      const created = {
        at: '2026-11-23T09:00:00.000Z',
        type: 'request.created',
        requestId: request.id,
        actor,
        details: { kind: 'offboard' },
      };
      const approved = {
        at: '2026-11-23T09:01:00.000Z',
        type: 'request.approved',
        requestId: request.id,
        runId: 'RUN-9',
        actor: { system: 'policy' },
        details: {},
      };
      await opened.store.audit.append(created);
      await opened.store.audit.append(approved);
      await opened.store.audit.append({
        at: '2026-11-23T09:02:00.000Z',
        type: 'action.refused',
        details: { reason: 'stale' },
      });

      const byRequest = await opened.store.audit.list({ requestId: request.id });
      expect(byRequest.map(({ id: _id, ...rest }) => rest)).toEqual([approved, created]);
      const bySubject = await opened.store.audit.list({
        subject: request.subject.userPrincipalName.toUpperCase(),
        limit: 1,
      });
      expect(bySubject.map((e) => e.type)).toEqual(['request.approved']);
    });

    it('cannot be changed or deleted', async () => {
      const requestId = uniqueId('REQ');
      await opened.store.audit.append({
        at: '2026-11-23T09:00:00.000Z',
        type: 'request.created',
        requestId,
        details: { n: 1 },
      });
      await expect(
        opened.sql.query(`UPDATE audit_events SET type = 'forged' WHERE request_id = $1`, [requestId]),
      ).rejects.toThrow(appendOnly);
      await expect(
        opened.sql.query('DELETE FROM audit_events WHERE request_id = $1', [requestId]),
      ).rejects.toThrow(appendOnly);
      await expect(opened.sql.query('TRUNCATE audit_events')).rejects.toThrow(appendOnly);
      expect((await opened.store.audit.list({ requestId })).map((e) => [e.type, e.details])).toEqual([
        ['request.created', { n: 1 }],
      ]);
    });
  });

  describe('conversation references and bot state', () => {
    it('saves, replaces and reads conversation references', async () => {
      const key = uniqueId('user');
      expect(await opened.store.conversations.get(key)).toBeUndefined();
      await opened.store.conversations.save(key, {
        conversation: { id: 'a:1' },
        serviceUrl: 'https://smba.example/',
      });
      await opened.store.conversations.save(key, {
        conversation: { id: 'a:2' },
        serviceUrl: 'https://smba.example/',
      });
      expect(await opened.store.conversations.get(key)).toEqual({
        conversation: { id: 'a:2' },
        serviceUrl: 'https://smba.example/',
      });
    });

    it('sets, replaces and deletes state values', async () => {
      const key = uniqueId('cursor');
      expect(await opened.store.state.get(key)).toBeUndefined();
      await opened.store.state.set(key, [1, 2, 3]);
      expect(await opened.store.state.get(key)).toEqual([1, 2, 3]);
      await opened.store.state.set(key, null);
      expect(await opened.store.state.get(key)).toBeNull();
      await opened.store.state.set(key, 'text');
      expect(await opened.store.state.get(key)).toBe('text');
      await opened.store.state.delete(key);
      expect(await opened.store.state.get(key)).toBeUndefined();
    });

    it('deletes values under a prefix whose `at` is older than a time, and keeps the rest', async () => {
      const prefix = `${uniqueId('drop-folder')}:`;
      const { state } = opened.store;
      await state.set(`${prefix}old`, { phase: 'done', at: '2026-01-01T00:00:00.000Z' });
      await state.set(`${prefix}new`, { phase: 'done', at: '2026-06-01T00:00:00.000Z' });
      await state.set(`${prefix}no-at`, { report: { at: '2020-01-01T00:00:00.000Z' } });
      await state.set(`${prefix}text`, 'at');
      await state.set(`other:${prefix}old`, { at: '2026-01-01T00:00:00.000Z' });

      expect(await state.deleteOlderThan(prefix, '2026-03-01T00:00:00.000Z')).toBe(1);
      expect(await state.get(`${prefix}old`)).toBeUndefined();
      expect(await state.get(`${prefix}new`)).toBeDefined();
      expect(await state.get(`${prefix}no-at`)).toBeDefined();
      expect(await state.get(`${prefix}text`)).toBe('at');
      expect(await state.get(`other:${prefix}old`)).toBeDefined();
    });
  });
}

async function createRun(opened: OpenedStore): Promise<{ id: string }> {
  const run = aRun({ status: 'completed' });
  await opened.store.runs.create(run);
  return run;
}

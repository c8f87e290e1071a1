/**
 * A request's state change and its audit entry are one transaction: when the entry cannot be written
 * (here a trigger refuses it, as a crash between the two statements would lose it), the state change
 * is rolled back too, and the request can be claimed again once the audit trail accepts entries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal, Subject } from '../../../src/core/model.js';
import type { RequestService } from '../../../src/core/requests/request-service.js';
import { migrate } from '../../../src/store/migrate.js';
import { PgliteClient } from '../../../src/store/pglite-client.js';
import { SqlStore } from '../../../src/store/sql-store.js';
import { operator, requestService, tenantId } from '../core/runs/runs-fixtures.js';

const approver: Principal = { aadObjectId: 'ap-1', tenantId, displayName: 'Aaron Approver' };
const leaver: Subject = {
  id: 'leaver-1',
  userPrincipalName: 'leaver@contoso.com',
  displayName: 'Lee Leaver',
  isSynced: false,
};
const groups: Record<string, string[]> = { 'op-1': ['requesters'], 'ap-1': ['approvers'] };

describe('request state and audit entry: one transaction', () => {
  let client: PgliteClient;
  let store: SqlStore;
  let service: RequestService;

  /** The audit trail refuses entries of `type` until `allowAll` drops the trigger. */
  const refuse = async (type: string): Promise<void> => {
    await client.query(`
      CREATE FUNCTION refuse_entry() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.type = '${type}' THEN RAISE EXCEPTION 'audit trail unavailable'; END IF;
        RETURN NEW;
      END $$`);
    await client.query(
      'CREATE TRIGGER refuse_entry BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_entry()',
    );
  };
  const allowAll = async (): Promise<void> => {
    await client.query('DROP TRIGGER refuse_entry ON audit_events');
    await client.query('DROP FUNCTION refuse_entry()');
  };

  beforeAll(async () => {
    client = await PgliteClient.open();
    await migrate(client);
    store = new SqlStore(client);
    const clock = { now: () => Date.parse('2026-11-23T10:00:00Z'), sleep: () => Promise.resolve() };
    service = requestService(store, clock, groups);
  });
  afterAll(async () => {
    await store.close();
  });

  const newRequest = () =>
    service.create({
      kind: 'offboard',
      subject: leaver,
      options: {},
      requester: operator,
      approvalsRequired: 1,
    });

  it('rolls the claim back when its audit entry fails, then claims once the trail accepts it', async () => {
    const created = await newRequest();
    const confirmed = await service.confirm(operator, created.id, created.version);
    if (!confirmed.isDone) throw new Error(confirmed.message);
    const approved = await service.approve(approver, created.id, confirmed.request.version);
    if (!approved.isDone) throw new Error(approved.message);

    await refuse('request.running');
    await expect(service.claim(created.id, approved.request.version)).rejects.toThrow(
      /audit trail unavailable/,
    );
    const after = await store.requests.get(created.id);
    expect(after?.state).toBe('approved');
    expect(after?.version).toBe(approved.request.version);
    await allowAll();

    const claimed = await service.claim(created.id, approved.request.version);
    expect(claimed.isDone && claimed.request.state).toBe('running');
    const types = (await store.audit.list({ requestId: created.id })).map((e) => e.type).reverse();
    expect(types).toEqual([
      'request.created',
      'request.awaiting-approval',
      'request.approved',
      'request.running',
    ]);
    const running = (await store.audit.list({ requestId: created.id }))[0];
    expect(running?.details['version']).toBe(claimed.isDone ? claimed.request.version : -1);
    expect((await store.chains.verify(created.id)).isIntact).toBe(true);
  });

  it('stores no request when its creation cannot be audited', async () => {
    await refuse('request.created');
    await expect(newRequest()).rejects.toThrow(/audit trail unavailable/);
    await allowAll();
    expect(await store.requests.listBySubject(leaver.userPrincipalName)).toHaveLength(1);
  });

  it('rolls an approval back when its audit entry fails: the approver can click again', async () => {
    const created = await newRequest();
    const confirmed = await service.confirm(operator, created.id, created.version);
    if (!confirmed.isDone) throw new Error(confirmed.message);
    await refuse('request.approved');
    await expect(service.approve(approver, created.id, confirmed.request.version)).rejects.toThrow(
      /audit trail unavailable/,
    );
    expect((await store.requests.get(created.id))?.state).toBe('awaiting-approval');
    await allowAll();
    const approved = await service.approve(approver, created.id, confirmed.request.version);
    expect(approved.isDone && approved.request.state).toBe('approved');
    expect((await store.chains.verify(created.id)).isIntact).toBe(true);
  });
});

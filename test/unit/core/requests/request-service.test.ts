import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal, Subject } from '../../../../src/core/model.js';
import { Policy, type PolicyConfig } from '../../../../src/core/policy/policy.js';
import type { Clock } from '../../../../src/core/ports/clock.js';
import type { Store } from '../../../../src/core/ports/store.js';
import { RequestService } from '../../../../src/core/requests/request-service.js';
import { openMemoryStore } from '../../../../src/store/index.js';

const tenantId = '11111111-1111-4111-8111-111111111111';
const person = (id: string, name: string): Principal => ({ aadObjectId: id, tenantId, displayName: name });
const operator = person('op-1', 'Olga Operator');
const approver = person('ap-1', 'Aaron Approver');
const secondApprover = person('ap-2', 'Abby Approver');
const bystander = person('by-1', 'Bob Bystander');
const leaver: Subject = {
  id: 'leaver-1',
  userPrincipalName: 'leaver@contoso.com',
  displayName: 'Lee Leaver',
  isSynced: false,
};
const groups: Record<string, string[]> = {
  'op-1': ['requesters'],
  'ap-1': ['approvers'],
  'ap-2': ['approvers', 'requesters'],
  'vip-1': ['protected'],
};
const config: PolicyConfig = {
  requesterGroupIds: ['requesters'],
  approverGroupIds: ['approvers'],
  protectedGroupIds: ['protected'],
  protectedUserPrincipalNames: ['breakglass@contoso.com'],
  protectedAccountPolicy: 'second-approval',
  isApprovalRequired: { offboard: true, revoke: true, provision: false },
  incidentResponderGroupIds: [],
  maxUsersPerRequest: 10,
};
const clock: Clock = { now: () => Date.parse('2026-11-23T10:00:00Z'), sleep: () => Promise.resolve() };

describe('RequestService', () => {
  let store: Store;
  let service: RequestService;
  let policy: Policy;

  // One database for the file: every test works on its own request.
  beforeAll(async () => {
    store = await openMemoryStore();
    policy = new Policy(config, (id) => Promise.resolve(new Set(groups[id] ?? [])));
    service = new RequestService({ requests: store.requests, audit: store.audit, policy, clock, tenantId });
  });
  afterAll(async () => {
    await store.close();
  });

  async function awaitingApproval(approvalsRequired = 1) {
    const created = await service.create({
      kind: 'offboard',
      subject: leaver,
      options: {},
      requester: operator,
      approvalsRequired,
    });
    const confirmed = await service.confirm(operator, created.id, created.version);
    if (!confirmed.isDone) throw new Error(confirmed.message);
    return confirmed.request;
  }

  async function refusals(requestId: string) {
    return (await store.audit.list({ requestId })).filter((e) => e.type === 'action.refused');
  }

  it('walks a request from confirmation through approval and audits each decision', async () => {
    const request = await awaitingApproval();
    expect(request.state).toBe('awaiting-approval');
    const approved = await service.approve(approver, request.id, request.version);
    expect(approved.isDone && approved.request.state).toBe('approved');
    const types = (await store.audit.list({ requestId: request.id })).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['request.created', 'request.awaiting-approval', 'request.approved']),
    );
  });

  it('needs a second approver when the requester chooses to wipe corporate devices', async () => {
    const created = await service.create({
      kind: 'offboard',
      subject: leaver,
      options: {},
      requester: operator,
      approvalsRequired: 1,
    });
    const confirmed = await service.confirm(operator, created.id, created.version, () =>
      Promise.resolve({ wipeCorporateDevices: true }),
    );
    if (!confirmed.isDone) throw new Error(confirmed.message);
    expect(confirmed.request.approvalsRequired).toBe(2);
    const first = await service.approve(approver, created.id, confirmed.request.version);
    if (!first.isDone) throw new Error(first.message);
    expect(first.request.state).toBe('awaiting-approval');
    const second = await service.approve(secondApprover, created.id, first.request.version);
    expect(second.isDone && second.request.state).toBe('approved');
  });

  it('keeps one approver when the wipe is off', async () => {
    const created = await service.create({
      kind: 'offboard',
      subject: leaver,
      options: {},
      requester: operator,
      approvalsRequired: 1,
    });
    const confirmed = await service.confirm(operator, created.id, created.version, () =>
      Promise.resolve({ wipeCorporateDevices: false }),
    );
    expect(confirmed.isDone && confirmed.request.approvalsRequired).toBe(1);
  });

  it('refuses self-approval by the requester, changes nothing and audits it', async () => {
    const request = await awaitingApproval();
    const decision = await service.approve(operator, request.id, request.version);
    expect(decision).toMatchObject({ isDone: false, code: 'forbidden' });
    expect((await service.get(request.id))?.state).toBe('awaiting-approval');
    expect(await refusals(request.id)).toHaveLength(1);
  });

  it('refuses an approval by someone outside the approvers group', async () => {
    const request = await awaitingApproval();
    const decision = await service.approve(bystander, request.id, request.version);
    expect(decision).toMatchObject({ isDone: false, code: 'forbidden' });
    expect((await service.get(request.id))?.version).toBe(request.version);
  });

  it('refuses a stale version and a replayed approval', async () => {
    const request = await awaitingApproval();
    expect(await service.approve(approver, request.id, request.version - 1)).toMatchObject({ code: 'stale' });
    expect((await service.approve(approver, request.id, request.version)).isDone).toBe(true);
    expect(await service.approve(approver, request.id, request.version)).toMatchObject({
      isDone: false,
      code: 'stale',
    });
    expect(await refusals(request.id)).toHaveLength(2);
  });

  it('refuses actions from another tenant', async () => {
    const request = await awaitingApproval();
    const outsider = { ...approver, tenantId: '99999999-9999-4999-8999-999999999999' };
    expect(await service.approve(outsider, request.id, request.version)).toMatchObject({
      code: 'cross-tenant',
    });
  });

  it('refuses confirmation by anyone but the requester', async () => {
    const created = await service.create({
      kind: 'offboard',
      subject: leaver,
      options: {},
      requester: operator,
      approvalsRequired: 1,
    });
    expect(await service.confirm(approver, created.id, created.version)).toMatchObject({ code: 'forbidden' });
    expect((await service.get(created.id))?.state).toBe('awaiting-confirmation');
  });

  it('needs two distinct approvers when the policy asks for two', async () => {
    const request = await awaitingApproval(2);
    const first = await service.approve(approver, request.id, request.version);
    if (!first.isDone) throw new Error(first.message);
    expect(first.request.state).toBe('awaiting-approval');
    expect(await service.approve(approver, request.id, first.request.version)).toMatchObject({
      code: 'forbidden',
    });
    const second = await service.approve(secondApprover, request.id, first.request.version);
    expect(second.isDone && second.request.state).toBe('approved');
    expect(second.isDone && second.request.approvals.map((a) => a.approver.aadObjectId)).toEqual([
      'ap-1',
      'ap-2',
    ]);
  });

  it('does nothing after a cancel', async () => {
    const request = await awaitingApproval();
    const cancelled = await service.cancel(operator, request.id);
    expect(cancelled.isDone && cancelled.request.state).toBe('cancelled');
    const late = await service.approve(
      approver,
      request.id,
      cancelled.isDone ? cancelled.request.version : 0,
    );
    expect(late).toMatchObject({ isDone: false, code: 'wrong-state' });
  });

  it('lets only the requester or an approver cancel', async () => {
    const request = await awaitingApproval();
    expect(await service.cancel(bystander, request.id)).toMatchObject({ code: 'forbidden' });
    expect((await service.get(request.id))?.state).toBe('awaiting-approval');
  });

  it('records a rejection with its reason', async () => {
    const request = await awaitingApproval();
    const rejected = await service.reject(approver, request.id, request.version, 'Not leaving after all');
    expect(rejected.isDone && rejected.request.state).toBe('rejected');
    expect(rejected.isDone && rejected.request.approvals[0]?.reason).toBe('Not leaving after all');
  });
  it('reschedules a scheduled request only for its requester or an approver, at the current version', async () => {
    const request = await awaitingApproval();
    const approved = await service.approve(approver, request.id, request.version);
    if (!approved.isDone) throw new Error(approved.message);
    const scheduled = await service.setState(request.id, 'scheduled');
    if (!scheduled.isDone) throw new Error(scheduled.message);
    const later = { dueAt: '2026-12-31T16:00:00.000Z', timeZone: 'Europe/Paris', local: '2026-12-31 17:00' };

    const byBystander = await service.reschedule(bystander, request.id, scheduled.request.version, later);
    expect(byBystander.isDone ? null : byBystander.code).toBe('forbidden');
    const stale = await service.reschedule(operator, request.id, scheduled.request.version - 1, later);
    expect(stale.isDone ? null : stale.code).toBe('stale');
    const moved = await service.reschedule(operator, request.id, scheduled.request.version, later);
    expect(moved.isDone && moved.request.options['schedule']).toEqual(later);
    expect(moved.isDone && moved.request.approvals).toHaveLength(1);

    const back = await service.askApprovalAgain(request.id, scheduled.request.version, ['grew']);
    expect(back.isDone ? null : back.code).toBe('stale');
    const current = await service.get(request.id);
    const again = await service.askApprovalAgain(request.id, current?.version ?? 0, ['grew']);
    expect(again.isDone && again.request.state).toBe('awaiting-approval');
    expect(again.isDone && again.request.approvals).toEqual([]);
    const notScheduled = await service.reschedule(operator, request.id, undefined, later);
    expect(notScheduled.isDone ? null : notScheduled.code).toBe('wrong-state');
    expect((await refusals(request.id)).map((e) => String(e.details['action']))).toEqual([
      'reschedule',
      'reschedule',
      'reschedule',
    ]);
  });
});

describe('Policy', () => {
  const policy = new Policy(config, (id) => Promise.resolve(new Set(groups[id] ?? [])));

  it('refuses self-offboarding', async () => {
    const check = await policy.checkSubject(
      operator,
      { id: operator.aadObjectId, userPrincipalName: 'op@contoso.com' },
      'offboard',
    );
    expect(check.decision.isAllowed).toBe(false);
  });

  it('asks for a second approval for protected accounts, by group and by UPN', async () => {
    const byGroup = await policy.checkSubject(
      operator,
      { id: 'vip-1', userPrincipalName: 'vip@contoso.com' },
      'offboard',
    );
    const byUpn = await policy.checkSubject(
      operator,
      { id: 'x', userPrincipalName: 'BreakGlass@contoso.com' },
      'offboard',
    );
    expect(byGroup.approvalsRequired).toBe(2);
    expect(byUpn.approvalsRequired).toBe(2);
  });

  it('refuses protected accounts outright when configured to', async () => {
    const strict = new Policy({ ...config, protectedAccountPolicy: 'refuse' }, (id) =>
      Promise.resolve(new Set(groups[id] ?? [])),
    );
    const check = await strict.checkSubject(
      operator,
      { id: 'vip-1', userPrincipalName: 'vip@contoso.com' },
      'offboard',
    );
    expect(check.decision.isAllowed).toBe(false);
  });

  it('lets only requesters ask', async () => {
    expect((await policy.canRequest(operator, 'offboard')).isAllowed).toBe(true);
    expect((await policy.canRequest(bystander, 'offboard')).isAllowed).toBe(false);
  });
});

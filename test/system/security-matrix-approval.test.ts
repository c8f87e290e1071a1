/**
 * The security matrix, hardening round 2 (docs/security.md, "Hardening round 2: approvals and runs"):
 * approvals, protected accounts, retry and cancel, joiner batches. Each case runs the real bot
 * (TestAdapter, real connectors against the in-process sandbox, the real store) and asserts the
 * outcome, that nothing changed in the sandbox (no write in its request log) or the store, and the
 * `action.refused` audit entry of a refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports/store.js';
import { seeded, type Sandbox } from '../../src/sandbox/index.js';
import {
  actionsOf,
  cardIn,
  personas,
  startBotHarness,
  textOf,
  type BotHarness,
} from '../support/bot-harness.js';

const U = seeded.users;

/** Writes the sandbox answered after `mark` (token issuance is not a change). */
function writesAfter(sandbox: Sandbox, mark: number) {
  return sandbox.requestLog
    .all()
    .filter((e) => e.seq > mark && e.operation !== null && e.operation !== 'token.issue');
}
const lastSeq = (sandbox: Sandbox): number => sandbox.requestLog.all().at(-1)?.seq ?? 0;

async function refusals(store: Store): Promise<AuditEvent[]> {
  return (await store.audit.list({ limit: 10_000 })).filter((e) => e.type === 'action.refused');
}

const bodyText = (r: { body: { value?: unknown } | undefined }): string =>
  JSON.stringify(r.body?.value ?? '');

type Person = (typeof personas)[keyof typeof personas];

async function requestCard(bot: BotHarness, upn: string, from: Person = personas.operator) {
  const card = cardIn(await bot.say(from, `offboard ${upn}`));
  const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
  const cancel = actionsOf(card).find((a) => a.title === 'Cancel');
  if (!confirm || !cancel) throw new Error(`no request card for ${upn}: ${JSON.stringify(card)}`);
  return { confirm, cancel, requestId: String(confirm.data['requestId']) };
}

async function approvalFor(bot: BotHarness, upn: string) {
  const { confirm, cancel, requestId } = await requestCard(bot, upn);
  const confirmed = await bot.click(personas.operator, confirm.verb, confirm.data);
  const approve = actionsOf(cardIn(confirmed.replies)).find((a) => a.title === 'Approve');
  if (!approve) throw new Error(`no approval card: ${bodyText(confirmed)}`);
  return { requestId, approve, cancel };
}

/** The newest proactive card (progress or summary) of a request with an action titled `title`. */
function proactiveAction(bot: BotHarness, requestId: string, title: string) {
  for (const message of [...bot.gateway.messages].reverse()) {
    const latest = message.updates.at(-1) ?? message.activity;
    const action = actionsOf(cardIn([latest])).find(
      (a) => a.title === title && a.data['requestId'] === requestId,
    );
    if (action) return action;
  }
  throw new Error(`no ${title} button for ${requestId}`);
}

describe('runs: retry and cancel (issue 19, items 4 and 5)', () => {
  let bot: BotHarness;
  beforeAll(async () => {
    bot = await startBotHarness();
  });
  afterAll(async () => {
    await bot.close();
  });

  it('fails a step whose planning failed, and Retry plans it again and runs it with its dependants', async () => {
    const { requestId, approve } = await approvalFor(bot, 'adele.vance@contoso.com');
    // The OneDrive step reads the site's admins from SharePoint while the run is planned: refused.
    bot.sandbox.failNext('sharepoint', 403);
    await bot.click(personas.approver, approve.verb, approve.data);
    await bot.services.coordinator.idle();

    const failed = await bot.store.requests.get(requestId);
    expect(failed?.state).toBe('completed-with-errors');
    const summary = await bot.store.journal.list(failed?.runId ?? '');
    const onedrive = summary.filter((e) => e.stepId === 'spo.grant-delegate');
    expect(onedrive.map((e) => e.phase)).toEqual(['failed']);
    expect(onedrive[0]?.error?.message).toMatch(/^Planning failed/);
    // What depends on the OneDrive grant waited: the licences and the delegate's notice.
    expect(bot.sandbox.state.directory.getUser(U.adeleVance)?.assignedLicenses.length).toBeGreaterThan(0);
    const notices = () =>
      bot.gateway.messages.filter((m) =>
        JSON.stringify(m.activity).includes("You now look after Adele Vance's work"),
      );
    expect(notices()).toHaveLength(0);

    const retry = proactiveAction(bot, requestId, 'Retry failed steps');
    const mark = lastSeq(bot.sandbox);
    const retried = await bot.click(personas.operator, retry.verb, retry.data);
    expect(bodyText(retried)).toContain('Retrying the failed steps');
    await bot.services.coordinator.idle();

    const done = await bot.store.requests.get(requestId);
    expect(done?.state).toBe('completed');
    expect(writesAfter(bot.sandbox, mark).map((e) => e.operation)).toContain('spo.add-site-admin');
    expect(bot.sandbox.state.directory.getUser(U.adeleVance)?.assignedLicenses).toEqual([]);
    expect(notices()).toHaveLength(1);
  });

  it('refuses a replayed Retry: audited, the finished run stays finished, nothing runs', async () => {
    const requestId = (await bot.store.requests.listBySubject('adele.vance@contoso.com', 1))[0]?.id ?? '';
    const done = await bot.store.requests.get(requestId);
    expect(done?.state).toBe('completed');
    // The Retry of the first summary, clicked again: its version is from before the retry.
    const stale = [...bot.gateway.messages]
      .map((m) => actionsOf(cardIn([m.activity])))
      .flat()
      .find((a) => a.title === 'Retry failed steps' && a.data['requestId'] === requestId);
    if (!stale) throw new Error('no first summary');
    const mark = lastSeq(bot.sandbox);
    const before = (await refusals(bot.store)).length;
    const replay = await bot.click(personas.operator, stale.verb, stale.data);
    expect(bodyText(replay)).toContain('out of date');
    const current = await bot.click(personas.operator, stale.verb, { ...stale.data, version: done?.version });
    expect(bodyText(current)).toContain('nothing to retry');
    const unversioned = await bot.click(personas.operator, stale.verb, { requestId });
    expect(bodyText(unversioned)).toContain('no version');
    await bot.services.coordinator.idle();

    const after = await refusals(bot.store);
    expect(after.length).toBe(before + 3);
    expect(after.slice(0, 3).map((e) => e.details['code'] ?? null)).toEqual([null, 'wrong-state', 'stale']);
    expect(await bot.store.requests.get(requestId)).toEqual(done);
    expect(writesAfter(bot.sandbox, mark)).toEqual([]);
  });

  it('refuses a Cancel without a version or from an out-of-date card, audited, the request unchanged', async () => {
    const { requestId, cancel } = await approvalFor(bot, 'alex.johnson@contoso.com');
    const waiting = await bot.store.requests.get(requestId);
    expect(waiting?.state).toBe('awaiting-approval');
    const mark = lastSeq(bot.sandbox);
    const before = (await refusals(bot.store)).length;

    // The requester's own Cancel, from the card drawn before the confirmation.
    expect(bodyText(await bot.click(personas.operator, cancel.verb, cancel.data))).toContain('out of date');
    expect(bodyText(await bot.click(personas.operator, cancel.verb, { requestId }))).toContain('no version');

    expect(await bot.store.requests.get(requestId)).toEqual(waiting);
    expect((await refusals(bot.store)).length).toBe(before + 2);
    expect(writesAfter(bot.sandbox, mark)).toEqual([]);

    const current = await bot.click(personas.operator, cancel.verb, {
      ...cancel.data,
      version: waiting?.version,
    });
    expect(bodyText(current)).toContain('cancelled');
    expect((await bot.store.requests.get(requestId))?.state).toBe('cancelled');
  });
});

describe('protected accounts by default, transitive and fresh membership (issue 19, item 3)', () => {
  let bot: BotHarness;
  const G = seeded.groups;
  beforeAll(async () => {
    bot = await startBotHarness();
  });
  afterAll(async () => {
    await bot.close();
  });

  /** Offboards `upn` up to the approval card; returns the stored request after the confirmation. */
  async function confirmed(upn: string) {
    const { requestId, approve } = await approvalFor(bot, upn);
    const request = await bot.store.requests.get(requestId);
    if (!request) throw new Error('no request');
    return { request, approve };
  }

  it('protects the bot’s own mail sender, a privileged role holder and an approver: two approvals', async () => {
    // Nestor Wilke becomes an Exchange Administrator; he is in no configured protected group.
    bot.sandbox.state.directory.getUser(U.nestorWilke)?.directoryRoles.push('Exchange Administrator');
    for (const upn of ['lifecycle-bot@contoso.com', 'nestor.wilke@contoso.com', 'irvin.sayers@contoso.com']) {
      const { request, approve } = await confirmed(upn);
      expect({ upn, approvals: request.approvalsRequired }).toEqual({ upn, approvals: 2 });
      if (upn === 'irvin.sayers@contoso.com') continue;
      const mark = lastSeq(bot.sandbox);
      const first = await bot.click(personas.approver, approve.verb, approve.data);
      expect(bodyText(first)).toContain('Approvals');
      expect((await bot.store.requests.get(request.id))?.state).toBe('awaiting-approval');
      await bot.services.coordinator.idle();
      expect(writesAfter(bot.sandbox, mark)).toEqual([]);
    }
    expect(bot.sandbox.state.directory.getUser(U.lifecycleBot)?.accountEnabled).toBe(true);
  });

  it('counts nested groups: a member of a group inside the protected group is protected', async () => {
    bot.sandbox.state.directory.addMember(G.lifecycleProtected, G.retailSecurity);
    const { request } = await confirmed('christie.cline@contoso.com');
    expect(request.approvalsRequired).toBe(2);
  });

  it('reads protection again at approval: a subject protected since the confirmation needs a second approver', async () => {
    const { request, approve } = await confirmed('lynne.robbins@contoso.com');
    expect(request.approvalsRequired).toBe(1);
    bot.sandbox.state.directory.addMember(G.lifecycleProtected, U.lynneRobbins);
    const mark = lastSeq(bot.sandbox);
    await bot.click(personas.approver, approve.verb, approve.data);
    await bot.services.coordinator.idle();
    const after = await bot.store.requests.get(request.id);
    expect(after?.state).toBe('awaiting-approval');
    expect(after?.approvalsRequired).toBe(2);
    expect(writesAfter(bot.sandbox, mark)).toEqual([]);
    expect(bot.sandbox.state.directory.getUser(U.lynneRobbins)?.accountEnabled).toBe(true);
  });

  it('reads the approver’s membership at approval, not from a cache: a removed approver is refused', async () => {
    const { request, approve } = await confirmed('pradeep.gupta@contoso.com');
    // The approver reads the request (a cached role check), then leaves the approvers group.
    await bot.say(personas.approver2, `status ${request.id}`);
    bot.sandbox.state.directory.removeMember(G.lifecycleApprovers, personas.approver2.aadObjectId);
    const before = (await refusals(bot.store)).length;
    const mark = lastSeq(bot.sandbox);
    const result = await bot.click(personas.approver2, approve.verb, approve.data);
    expect(bodyText(result)).toContain('approvers group');
    expect(await bot.store.requests.get(request.id)).toEqual(request);
    const refused = await refusals(bot.store);
    expect(refused.length).toBe(before + 1);
    expect(refused[0]?.details['code']).toBe('forbidden');
    expect(writesAfter(bot.sandbox, mark)).toEqual([]);
  });
});

describe('protected accounts by default under the "refuse" policy (issue 19, item 3)', () => {
  let bot: BotHarness;
  beforeAll(async () => {
    bot = await startBotHarness({ PROTECTED_ACCOUNT_POLICY: 'refuse' });
  });
  afterAll(async () => {
    await bot.close();
  });

  it('refuses to offboard the bot’s own mail sender, audits it and creates nothing', async () => {
    const mark = lastSeq(bot.sandbox);
    const reply = await bot.say(personas.operator, 'offboard lifecycle-bot@contoso.com');
    // The refusal replaces the planning status card in place.
    expect(textOf(reply)).toContain('protected account');
    expect(await bot.store.requests.listBySubject('lifecycle-bot@contoso.com')).toHaveLength(0);
    expect((await refusals(bot.store)).length).toBe(1);
    expect(writesAfter(bot.sandbox, mark)).toEqual([]);
  });
});

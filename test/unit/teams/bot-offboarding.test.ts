import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seeded } from '../../../src/sandbox/index.js';
import {
  actionsOf,
  cardIn,
  personas,
  startBotHarness,
  textOf,
  type BotHarness,
} from '../../support/bot-harness.js';

const U = seeded.users;

describe('offboarding through the card verbs (TestAdapter, real connectors against the sandbox)', () => {
  let bot: BotHarness;

  beforeAll(async () => {
    bot = await startBotHarness();
  });
  afterAll(async () => {
    await bot.close();
  });

  async function requestCard(upn: string, conversationId?: string) {
    const replies = await bot.say(personas.operator, `offboard ${upn}`, conversationId);
    // The turn answers with a placeholder at once; the request card replaces it when the plan is ready.
    expect(JSON.stringify(replies[0]?.placeholder)).toContain(`Planning the offboarding of ${upn}`);
    const card = cardIn(replies);
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    const cancel = actionsOf(card).find((a) => a.title === 'Cancel');
    if (!confirm || !cancel) throw new Error(`no request card for ${upn}: ${JSON.stringify(card)}`);
    return { card, confirm, cancel, requestId: String(confirm.data['requestId']) };
  }

  async function approvalFor(upn: string, conversationId?: string) {
    const { confirm, requestId } = await requestCard(upn, conversationId);
    const confirmed = await bot.click(personas.operator, confirm.verb, confirm.data);
    const approvalCard = cardIn(confirmed.replies);
    const approve = actionsOf(approvalCard).find((a) => a.title === 'Approve');
    const reject = actionsOf(approvalCard).find((a) => a.title === 'Reject');
    if (!approve || !reject) throw new Error(`no approval card: ${JSON.stringify(confirmed)}`);
    return { requestId, approve, reject, confirmedBody: confirmed.body };
  }

  async function refusedCount(): Promise<number> {
    return (await bot.store.audit.list({ limit: 1000 })).filter((e) => e.type === 'action.refused').length;
  }

  it('offboards the cloud-only leaver: confirm, approve, progress, summary, notice', async () => {
    // Asked in the requester's 1:1 chat, approved in the group chat: progress goes to the requester.
    const { requestId, approve, confirmedBody } = await approvalFor(
      'adele.vance@contoso.com',
      'personal-isaiah',
    );
    expect(confirmedBody?.type).toBe('application/vnd.microsoft.card.adaptive');
    const approved = await bot.click(personas.approver, approve.verb, approve.data);
    expect(JSON.stringify(approved.body?.value)).toContain('Approvals');
    await bot.services.coordinator.idle();

    const request = await bot.store.requests.get(requestId);
    expect(request?.state).toMatch(/^completed/);
    const user = bot.sandbox.state.directory.getUser(U.adeleVance);
    expect(user?.accountEnabled).toBe(false);

    // Posted as a "starting" line, drawn as the progress card once its id is stored, then updated.
    const progress = bot.gateway.messages.find((m) =>
      JSON.stringify(m.updates[0] ?? {}).includes('Offboarding Adele Vance'),
    );
    expect(JSON.stringify(progress?.activity)).toContain('Offboarding of Adele Vance');
    expect(progress?.updates.length).toBeGreaterThan(1);
    expect(progress?.conversationId).toBe('personal-isaiah');
    const summary = bot.gateway.messages.find((m) => JSON.stringify(m.activity).includes('JSON export'));
    expect(summary?.conversationId).toBe('personal-isaiah');
    const summaryText = JSON.stringify(summary?.activity);
    expect(summaryText).toContain('Offboarding of Adele Vance: Completed');
    // The summary names the channel the delegate's notice went through.
    expect(summaryText).toContain('sent in a Teams 1:1 chat');
    const notice = bot.gateway.messages.find((m) =>
      JSON.stringify(m.activity).includes("You now look after Adele Vance's work"),
    );
    expect(notice?.conversationId).toBe(`personal-${U.meganBowen}`);
  });

  it('reports nothing to do for an already offboarded user', async () => {
    const text = textOf(await bot.say(personas.operator, 'offboard adele.vance@contoso.com'));
    expect(text).toContain('already offboarded');
  });

  it('refuses confirmation by someone other than the requester, and changes nothing', async () => {
    const { confirm, requestId } = await requestCard('alex.johnson@contoso.com');
    const before = await refusedCount();
    const { body } = await bot.click(personas.operator2, confirm.verb, confirm.data);
    expect(String(body?.value)).toContain('Only the requester');
    expect((await bot.store.requests.get(requestId))?.state).toBe('awaiting-confirmation');
    expect(await refusedCount()).toBe(before + 1);
  });

  it('refuses approval by the requester, by a non-approver, with a stale version and twice', async () => {
    const { requestId, approve } = await approvalFor('megan.bowen@contoso.com');
    const before = await refusedCount();
    expect(String((await bot.click(personas.operator, approve.verb, approve.data)).body?.value)).toContain(
      'Four eyes',
    );
    expect(String((await bot.click(personas.ordinary, approve.verb, approve.data)).body?.value)).toContain(
      'approvers group',
    );
    const stale = { ...approve.data, version: Number(approve.data['version']) - 1 };
    expect(String((await bot.click(personas.approver, approve.verb, stale)).body?.value)).toContain(
      'out of date',
    );
    expect((await bot.store.requests.get(requestId))?.state).toBe('awaiting-approval');
    expect(await refusedCount()).toBe(before + 3);

    const cancelled = await bot.click(personas.operator, 'request.cancel', {
      requestId,
      version: Number(approve.data['version']),
    });
    expect(String(cancelled.body?.value)).toContain('cancelled');
    const late = await bot.click(personas.approver, approve.verb, {
      ...approve.data,
      version: Number(approve.data['version']) + 1,
    });
    expect(String(late.body?.value)).toMatch(/cancelled/);
    expect((await bot.store.requests.get(requestId))?.state).toBe('cancelled');
    expect(bot.sandbox.state.directory.getUser(U.meganBowen)?.accountEnabled).toBe(true);
  });

  it('refuses tampered card data and oversized payloads', async () => {
    const { approve, requestId } = await approvalFor('johanna.lorenz@contoso.com');
    const before = await refusedCount();
    const forged = await bot.click(personas.approver, approve.verb, {
      requestId: 'REQ-00000000-FORGED',
      version: 2,
    });
    expect(String(forged.body?.value)).toContain('does not exist');
    const malformed = await bot.click(personas.approver, approve.verb, {
      requestId: '*)(objectClass=*)',
      version: 2,
    });
    expect(String(malformed.body?.value)).toContain('malformed');
    const huge = await bot.click(personas.approver, approve.verb, {
      ...approve.data,
      padding: 'x'.repeat(20_000),
    });
    expect(String(huge.body?.value)).toContain('too much data');
    const otherTenant = await bot.click(
      personas.approver,
      approve.verb,
      approve.data,
      'card-1',
      '99999999-9999-4999-8999-999999999999',
    );
    expect(String(otherTenant.body?.value)).toContain('could not tell who you are');
    expect((await bot.store.requests.get(requestId))?.state).toBe('awaiting-approval');
    expect(await refusedCount()).toBe(before + 4);
  });

  it('needs a reason to reject, then records it', async () => {
    const { reject, requestId } = await approvalFor('isabelle.dubois@contoso.com');
    expect(String((await bot.click(personas.approver, reject.verb, reject.data)).body?.value)).toContain(
      'reason',
    );
    const rejected = await bot.click(personas.approver, reject.verb, {
      ...reject.data,
      reason: 'Still employed',
    });
    expect(JSON.stringify(rejected.body?.value)).toContain('Still employed');
    expect((await bot.store.requests.get(requestId))?.state).toBe('rejected');
  });

  it('refuses a retry of a request that did not fail', async () => {
    const { requestId } = await requestCard('diego.siciliani@contoso.com');
    const { body } = await bot.click(personas.operator, 'run.retry-failed', { requestId, version: 1 });
    expect(String(body?.value)).toContain('nothing to retry');
  });

  it('shows status, the JSON export and history', async () => {
    const [request] = await bot.store.requests.listBySubject('adele.vance@contoso.com', 1);
    if (!request) throw new Error('no request');
    expect(textOf(await bot.say(personas.operator, `status ${request.id}`))).toContain(
      'Approved by Joni Sherman',
    );
    // Exports go only to a 1:1 chat.
    const exported = await bot.say(personas.operator, `status ${request.id} json`, 'personal-isaiah');
    expect(exported[0]?.attachments?.[0]?.contentType).toBe('application/json');
    expect(
      textOf(await bot.say(personas.operator, 'history adele.vance@contoso.com', 'personal-isaiah')),
    ).toContain(request.id);
  });

  it('shows the approval card again with status while a request awaits approval', async () => {
    const { requestId } = await approvalFor('nestor.wilke@contoso.com');
    const replies = await bot.say(personas.approver2, `status ${requestId}`);
    expect(textOf(replies)).toContain('Waiting for approval');
    const approve = actionsOf(cardIn(replies)).find((a) => a.title === 'Approve');
    expect(approve?.data['requestId']).toBe(requestId);
  });

  it('cancels by command', async () => {
    const { requestId } = await requestCard('joni.sherman@contoso.com');
    expect(textOf(await bot.say(personas.operator, `cancel ${requestId}`))).toContain('cancelled');
  });
});

/**
 * Approval cards per viewer (Universal Actions `refresh`) and the approvals channel's status line,
 * through the bot as wired in production (TestAdapter, real connectors against the sandbox, PGlite).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOf,
  cardIn,
  personas,
  startBotHarness,
  type BotHarness,
  type Persona,
} from '../../support/bot-harness.js';
import type { RecordedMessage } from '../../support/recording-gateway.js';

const channelId = 'approvals-channel';

describe('approval cards per viewer and the approvals status line', () => {
  let bot: BotHarness;

  beforeAll(async () => {
    bot = await startBotHarness({ CARD_VIEWS: 'per-user', APPROVALS_CONVERSATION_ID: channelId });
    // The app is installed in the approvals channel: its reference is stored by any turn there.
    await bot.say(personas.approver, 'help', channelId);
  });
  afterAll(async () => {
    await bot.close();
  });

  const titles = (card: unknown): string[] => actionsOf(card).map((a) => a.title);
  const refreshOf = (card: unknown) =>
    (card as { refresh?: { action: { verb: string; data: Record<string, unknown> }; userIds: string[] } })
      .refresh;

  async function confirmedRequest(upn: string) {
    const replies = await bot.say(personas.operator, `offboard ${upn}`);
    const confirm = actionsOf(cardIn(replies)).find((a) => a.title === 'Confirm');
    if (!confirm) throw new Error(`no request card for ${upn}`);
    const confirmed = await bot.click(personas.operator, confirm.verb, confirm.data);
    const requestId = String(confirm.data['requestId']);
    return { requestId, confirmed, posted: cardIn(confirmed.replies) };
  }

  async function view(who: Persona, requestId: string, conversationId?: string) {
    return bot.click(who, 'request.view', { requestId }, 'card-1', undefined, conversationId);
  }

  function channelMessage(requestId: string): RecordedMessage {
    const message = bot.gateway.messages.find(
      (m) => m.conversationId === channelId && JSON.stringify(m.activity).includes(requestId),
    );
    if (!message) throw new Error(`no approvals channel message for ${requestId}`);
    return message;
  }

  const textOfCard = (card: unknown): string => JSON.stringify((card as { body?: unknown }).body ?? []);

  it('posts a read-only card that refreshes for the requester; each viewer gets their own buttons', async () => {
    const { requestId, confirmed, posted } = await confirmedRequest('alex.johnson@contoso.com');

    // The card everyone sees: no buttons, a refresh naming the request and the requester's Teams id.
    expect(titles(posted)).toEqual([]);
    expect(refreshOf(posted)?.action.verb).toBe('request.view');
    expect(refreshOf(posted)?.action.data).toEqual({ requestId });
    expect(refreshOf(posted)?.userIds).toContain(personas.operator.id);
    // The same card went to the approvals channel.
    expect(titles(bot.gateway.cardOf(channelMessage(requestId)))).toEqual([]);
    // The requester's click on Confirm is answered with their own view: Cancel.
    expect(confirmed.body?.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(titles(confirmed.body?.value)).toEqual(['Cancel']);

    const asApprover = await view(personas.approver, requestId);
    expect(asApprover.body?.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(titles(asApprover.body?.value)).toEqual(['Approve', 'Reject']);
    const approve = actionsOf(asApprover.body?.value).find((a) => a.title === 'Approve');
    expect(approve?.data).toMatchObject({ requestId });

    const asRequester = await view(personas.operator, requestId);
    expect(titles(asRequester.body?.value)).toEqual(['Cancel']);
    // The approver who refreshed is now listed: their card refreshes by itself from now on.
    expect(refreshOf(asRequester.body?.value)?.userIds).toEqual([personas.operator.id, personas.approver.id]);

    const asOutsider = await view(personas.ordinary, requestId);
    expect(asOutsider.body?.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(titles(asOutsider.body?.value)).toEqual([]);
    expect(textOfCard(asOutsider.body?.value)).toContain('Waiting for approval');

    // The same refresh from a conversation the card was never posted to reads nothing.
    const elsewhere = await view(personas.ordinary, requestId, 'group-chat-elsewhere');
    expect(elsewhere.body?.value).toContain('is not one of yours');
  });

  it("refuses an outsider's forged Approve and changes nothing", async () => {
    const { requestId } = await confirmedRequest('isabelle.dubois@contoso.com');
    const before = await bot.store.requests.get(requestId);
    const forged = await bot.click(personas.ordinary, 'request.approve', {
      requestId,
      version: before?.version,
    });
    expect(forged.body?.type).toBe('application/vnd.microsoft.activity.message');
    expect(String(forged.body?.value)).toContain('Only members of the approvers group can approve');
    const after = await bot.store.requests.get(requestId);
    expect(after?.state).toBe('awaiting-approval');
    expect(after?.version).toBe(before?.version);
    const refused = await bot.store.audit.list({ requestId, limit: 50 });
    const byOutsider = refused.filter(
      (e) =>
        e.type === 'action.refused' &&
        e.actor !== undefined &&
        'aadObjectId' in e.actor &&
        e.actor.aadObjectId === personas.ordinary.aadObjectId,
    );
    expect(byOutsider.length).toBeGreaterThan(0);

    // An approver the cards do not list yet gets their own view from `status`.
    const status = await bot.say(personas.approver2, `status ${requestId}`);
    expect(titles(cardIn(status))).toEqual(['Approve', 'Reject']);
  });

  it('turns the channel card into a status line that follows the request to its end', async () => {
    const { requestId } = await confirmedRequest('johanna.lorenz@contoso.com');
    const approver = await view(personas.approver, requestId);
    const approve = actionsOf(approver.body?.value).find((a) => a.title === 'Approve');
    if (!approve) throw new Error('no Approve for the approver');
    const approved = await bot.click(personas.approver, approve.verb, approve.data);
    // The approver's own view after approving: nothing left for them to do.
    expect(titles(approved.body?.value)).toEqual([]);
    await bot.services.coordinator.idle();

    const request = await bot.store.requests.get(requestId);
    expect(request?.state).toMatch(/^completed/);
    const lines = channelMessage(requestId).updates.map((u) => textOfCard(u.attachments?.[0]?.content));
    expect(lines.some((l) => l.includes('Offboarding of Johanna Lorenz: Running'))).toBe(true);
    const last = lines.at(-1) ?? '';
    expect(last).toMatch(/Offboarding of Johanna Lorenz: Completed/);
    expect(last).toContain(`${requestId} · asked by Isaiah Langer · approved by Joni Sherman`);
    expect(last).toMatch(/\d+ steps done/);
    // Progress and the summary went to the requester's conversation, not to the channel.
    const summary = bot.gateway.messages.find((m) => JSON.stringify(m.activity).includes('JSON export'));
    expect(summary?.conversationId).toBe('group-chat-1');
    expect(bot.gateway.messages.filter((m) => m.conversationId === channelId)).toHaveLength(3);
  });

  it('shows a cancellation on the status line; the cancelled card stops refreshing', async () => {
    const { requestId } = await confirmedRequest('nestor.wilke@contoso.com');
    const mine = await view(personas.operator, requestId);
    const cancel = actionsOf(mine.body?.value).find((a) => a.title === 'Cancel');
    if (!cancel) throw new Error('no Cancel for the requester');
    const cancelled = await bot.click(personas.operator, cancel.verb, cancel.data);
    expect(cancelled.body?.value).toContain('is cancelled');
    const last = channelMessage(requestId).updates.at(-1);
    expect(textOfCard(last?.attachments?.[0]?.content)).toContain('Offboarding of Nestor Wilke: Cancelled');

    const after = await view(personas.operator, requestId);
    expect(titles(after.body?.value)).toEqual([]);
    expect(refreshOf(after.body?.value)).toBeUndefined();
  });
});

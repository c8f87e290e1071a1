/**
 * The security matrix, second round (docs/security.md, "Hardening round 2"): what approvers see,
 * who reads which request and where exports go, Markdown in user text, and refusals the audit trail
 * missed. The real bot (TestAdapter, real connectors against the in-process sandbox, the real store);
 * every case asserts the outcome, that nothing changed, and the audit entry where there is a refusal.
 */
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports/store.js';
import { newRequestId, requestIdPattern } from '../../src/core/requests/request-id.js';
import { seeded, type Sandbox } from '../../src/sandbox/index.js';
import {
  actionsOf,
  cardIn,
  personas,
  startBotHarness,
  tenantId,
  textOf,
  type BotHarness,
  type Persona,
} from '../support/bot-harness.js';

const U = seeded.users;
/** A link in Markdown: rendered by Teams as a link posted with the bot's identity. */
const hostileLink = '[Approve here](https://evil.example/phish)';
const hostile = `${hostileLink} **urgent** <at>Everyone</at>`;
/** Whether some shown text carries the hostile Markdown unescaped. */
const isRaw = (text: string): boolean =>
  text.includes('[Approve here](') || text.includes('**urgent**') || text.includes('<at>Everyone');

/** An auditor: Adele Vance, member of the group configured as auditors. */
const auditor: Persona = { id: '29:adele-vance', aadObjectId: U.adeleVance, name: 'Adele Vance' };

function writesAfter(sandbox: Sandbox, mark: number) {
  return sandbox.requestLog
    .all()
    .filter((e) => e.seq > mark && e.operation !== null && e.operation !== 'token.issue');
}
const lastSeq = (sandbox: Sandbox): number => sandbox.requestLog.all().at(-1)?.seq ?? 0;

async function refusals(store: Store): Promise<AuditEvent[]> {
  return (await store.audit.list({ limit: 10_000 })).filter((e) => e.type === 'action.refused');
}
async function newRefusals(store: Store, before: number): Promise<AuditEvent[]> {
  const all = await refusals(store);
  return all.slice(0, all.length - before);
}

/** Text and cards the user sees (not the activity envelope). */
const shown = (replies: Partial<Activity>[]): string =>
  replies.map((r) => `${r.text ?? ''}\n${JSON.stringify(r.attachments ?? [])}`).join('\n');

describe('reading, escaping and audit (TestAdapter, real connectors against the sandbox)', () => {
  let bot: BotHarness;
  const click = (from: Persona, verb: string, data: Record<string, unknown>) =>
    bot.click(from, verb, data, 'card-1');
  const bodyText = (r: { body: { value?: unknown } | undefined }): string =>
    JSON.stringify(r.body?.value ?? '');

  async function requestCard(upn: string, from: Persona = personas.operator) {
    const card = cardIn(await bot.say(from, `offboard ${upn}`));
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    if (!confirm) throw new Error(`no request card for ${upn}: ${JSON.stringify(card)}`);
    return { card, confirm, requestId: String(confirm.data['requestId']) };
  }
  async function approvalFor(upn: string, form: Record<string, unknown> = {}, from = personas.operator) {
    const { confirm, requestId } = await requestCard(upn, from);
    const confirmed = await click(from, confirm.verb, { ...confirm.data, ...form });
    const card = cardIn(confirmed.replies);
    const approve = actionsOf(card).find((a) => a.title === 'Approve');
    const reject = actionsOf(card).find((a) => a.title === 'Reject');
    if (!approve || !reject) throw new Error(`no approval card: ${bodyText(confirmed)}`);
    return { requestId, approve, reject, card };
  }

  beforeAll(async () => {
    bot = await startBotHarness({ AUDITOR_GROUP_IDS: seeded.groups.retailSecurity });
  });
  afterAll(async () => {
    await bot.close();
  });

  describe('7. the approval card shows every effect', () => {
    it('shows the staged deletion and the automatic reply (escaped) to approvers', async () => {
      const { requestId, card } = await approvalFor('megan.bowen@contoso.com', {
        deleteAfterDays: '30',
        autoReply: `I have left. ${hostile}`,
      });
      const json = JSON.stringify(card);
      expect(json).toContain('deleted 30 days after the run');
      expect(json).toContain('Automatic reply');
      expect(json).toContain('\\\\[Approve here\\\\](https://evil.example/phish)');
      expect(isRaw(json)).toBe(false);
      // The same card again through `status`, for an approver.
      const again = shown(await bot.say(personas.approver, `status ${requestId}`));
      expect(again).toContain('deleted 30 days after the run');
      await click(personas.operator, 'request.cancel', { requestId });
    });
  });

  describe('8. reading requests', () => {
    it('lets a requester read only their own requests: another requester is refused and audited', async () => {
      const { requestId } = await requestCard('christie.cline@contoso.com');
      const before = (await refusals(bot.store)).length;
      const replies = await bot.say(personas.operator2, `status ${requestId}`, 'personal-miriam');
      expect(textOf(replies)).toContain('not one of yours');
      expect(shown(replies)).not.toContain('christie.cline');
      const refused = await newRefusals(bot.store, before);
      expect(refused.map((e) => [e.requestId, e.details['action']])).toEqual([[requestId, 'status']]);
      const json = await bot.say(personas.operator2, `status ${requestId} json`, 'personal-miriam');
      expect(json.some((a) => (a.attachments ?? []).length > 0)).toBe(false);
      expect(shown(json)).not.toContain('christie.cline');
      // The requester, an approver and an auditor read it.
      expect(textOf(await bot.say(personas.operator, `status ${requestId}`))).toContain('christie.cline');
      expect(textOf(await bot.say(personas.approver, `status ${requestId}`))).toContain('christie.cline');
      expect(textOf(await bot.say(auditor, `status ${requestId}`, 'personal-adele'))).toContain(
        'christie.cline',
      );
      await click(personas.operator, 'request.cancel', { requestId });
    });

    it('lists only the requester’s own requests in history; approvers and auditors see all', async () => {
      const { requestId } = await requestCard('lee.gu@contoso.com');
      const own = textOf(await bot.say(personas.operator2, 'history lee.gu@contoso.com', 'personal-miriam'));
      expect(own).toContain('No requests of yours about lee.gu@contoso.com');
      expect(own).not.toContain(requestId);
      const all = textOf(await bot.say(auditor, 'history lee.gu@contoso.com', 'personal-adele'));
      expect(all).toContain(requestId);
      await click(personas.operator, 'request.cancel', { requestId });
    });

    it('sends an export asked for in a group chat only to a 1:1 chat, or refuses when there is none', async () => {
      const { requestId } = await requestCard('grady.archie@contoso.com');
      const sentBefore = bot.gateway.messages.length;
      const before = (await refusals(bot.store)).length;

      // No 1:1 chat with the bot is known yet: refused, audited, nothing posted anywhere.
      const refused = await bot.say(personas.approver2, `status ${requestId} json`, 'group-chat-1');
      expect(textOf(refused)).toContain('only in a 1:1 chat');
      expect(refused.some((a) => (a.attachments ?? []).length > 0)).toBe(false);
      const history = await bot.say(personas.approver2, 'history grady.archie@contoso.com', 'group-chat-1');
      expect(textOf(history)).toContain('only in a 1:1 chat');
      expect(shown(history)).not.toContain(requestId);
      expect(bot.gateway.messages.length).toBe(sentBefore);
      const audited = await newRefusals(bot.store, before);
      expect(audited.map((e) => e.details['action']).sort()).toEqual(['history', 'status']);

      // Once they have messaged the bot directly, the export goes there and the group gets a note.
      await bot.say(personas.approver2, 'help', 'personal-irvin');
      const sent = await bot.say(personas.approver2, `status ${requestId} json`, 'group-chat-1');
      expect(textOf(sent)).toContain('1:1 chat');
      expect(sent.some((a) => (a.attachments ?? []).length > 0)).toBe(false);
      const privately = bot.gateway.messages.slice(sentBefore);
      expect(privately.map((m) => m.conversationId)).toEqual(['personal-irvin']);
      expect(privately[0]?.activity.attachments?.[0]?.contentType).toBe('application/json');
      const exported = (await bot.store.audit.list({ requestId })).find((e) => e.type === 'request.exported');
      expect(exported?.details['delivery']).toBe('personal-chat');
      await click(personas.operator, 'request.cancel', { requestId });
    });

    it('draws request ids from the CSPRNG, not Math.random', () => {
      const random = vi.spyOn(Math, 'random').mockReturnValue(0);
      try {
        const ids = new Set(Array.from({ length: 50 }, () => newRequestId(Date.UTC(2026, 11, 4))));
        expect(ids.size).toBe(50);
        for (const id of ids) expect(id).toMatch(requestIdPattern);
        expect(random).not.toHaveBeenCalled();
      } finally {
        random.mockRestore();
      }
    });
  });

  describe('9. Markdown in user text', () => {
    it('escapes a reject reason on the card and in status', async () => {
      const { requestId, reject } = await approvalFor('johanna.lorenz@contoso.com');
      const result = await click(personas.approver, reject.verb, { ...reject.data, reason: hostile });
      expect(bodyText(result)).toContain('Rejected');
      expect(isRaw(bodyText(result))).toBe(false);
      const status = shown(await bot.say(personas.operator, `status ${requestId}`));
      expect(status).toContain('\\[Approve here\\]');
      expect(isRaw(status)).toBe(false);
      // Stored as given: only its display is escaped.
      expect((await bot.store.requests.get(requestId))?.approvals[0]?.reason).toBe(hostile);
    });

    it('escapes the requester’s Teams display name on the request and approval cards', async () => {
      const named: Persona = { ...personas.operator, name: hostile };
      const { requestId, card } = await approvalFor('joni.sherman@contoso.com', {}, named);
      expect(isRaw(JSON.stringify(card))).toBe(false);
      expect(JSON.stringify(card)).toContain('\\\\[Approve here\\\\]');
      await click(named, 'request.cancel', { requestId });
    });

    it('escapes the arguments of revoke, offboard and history in replies', async () => {
      for (const text of [
        `revoke Zebulon ${hostileLink}`,
        `offboard Zebulon ${hostileLink}`,
        `history ${hostileLink}@contoso.com`,
      ]) {
        const replies = await bot.say(personas.operator, text, 'personal-isaiah');
        expect(replies.length).toBeGreaterThan(0);
        expect({ text, isRaw: isRaw(shown(replies)) }).toEqual({ text, isRaw: false });
      }
    });
  });

  describe('10. audit gaps', () => {
    it('refuses and audits a forged legacy Action.Submit, against the request it names', async () => {
      const { requestId, approve } = await approvalFor('isabelle.dubois@contoso.com');
      const before = (await refusals(bot.store)).length;
      const mark = lastSeq(bot.sandbox);
      await bot.adapter.processActivity({
        type: 'message',
        channelId: 'msteams',
        serviceUrl: 'https://smba.example.test/teams/',
        from: {
          id: personas.approver.id,
          name: personas.approver.name,
          aadObjectId: personas.approver.aadObjectId,
        },
        recipient: { id: '28:lifecycle-bot', name: 'Lifecycle' },
        conversation: {
          id: 'group-chat-1',
          isGroup: true,
          conversationType: 'groupChat',
          tenantId,
          name: '',
        },
        channelData: { tenant: { id: tenantId } },
        value: { ...approve.data, verb: 'request.approve', action: 'approve' },
      });
      const replies = bot.adapter.activeQueue.splice(0);
      expect(textOf(replies)).toContain('not one I accept');
      const audited = await newRefusals(bot.store, before);
      expect(audited.map((e) => [e.requestId, e.details['code']])).toEqual([[requestId, 'legacy-submit']]);
      expect((await bot.store.requests.get(requestId))?.state).toBe('awaiting-approval');
      expect(writesAfter(bot.sandbox, mark)).toEqual([]);
      await click(personas.operator, 'request.cancel', { requestId });
    });

    it('refuses and audits an Action.Execute with an unknown verb', async () => {
      const { requestId, approve } = await approvalFor('pradeep.gupta@contoso.com');
      const before = (await refusals(bot.store)).length;
      const mark = lastSeq(bot.sandbox);
      const result = await click(personas.approver, 'request.force-approve', approve.data);
      expect(bodyText(result)).toContain('not one I know');
      const audited = await newRefusals(bot.store, before);
      expect(audited.map((e) => [e.requestId, e.details['code'], e.details['action']])).toEqual([
        [requestId, 'unknown-verb', 'card.unknown-verb'],
      ]);
      expect((await bot.store.requests.get(requestId))?.state).toBe('awaiting-approval');
      expect(writesAfter(bot.sandbox, mark)).toEqual([]);
      await click(personas.operator, 'request.cancel', { requestId });
    });

    it('shows refusals of malformed card data in status, against the request the card names', async () => {
      const { requestId, approve } = await approvalFor('sara.davis@contoso.com');
      const before = (await refusals(bot.store)).length;
      const malformed = await click(personas.approver, approve.verb, { ...approve.data, version: 0 });
      expect(bodyText(malformed)).toContain('malformed');
      const oversized = await click(personas.approver, approve.verb, {
        ...approve.data,
        padding: 'x'.repeat(20_000),
      });
      expect(bodyText(oversized)).toContain('too much data');
      const audited = await newRefusals(bot.store, before);
      expect(audited.map((e) => e.requestId)).toEqual([requestId, requestId]);
      expect(textOf(await bot.say(personas.operator, `status ${requestId}`))).toContain('action.refused');
      expect((await bot.store.requests.get(requestId))?.state).toBe('awaiting-approval');
      await click(personas.operator, 'request.cancel', { requestId });
    });

    it('counts only approved or running offboardings as "also leaving" for the delegate', async () => {
      // A draft of the manager's offboarding, never confirmed: the delegate stays the manager.
      const draft = await requestCard('lynne.robbins@contoso.com', personas.operator2);
      const { card, requestId } = await requestCard('pradeep.gupta@contoso.com');
      expect(JSON.stringify(card)).toContain('Delegate defaults to the manager, Lynne Robbins.');
      expect(JSON.stringify(card)).not.toContain('also leaving');
      await click(personas.operator, 'request.cancel', { requestId });
      // Approved (no run started): now the manager is leaving and the delegate goes up the chain.
      await click(personas.operator2, draft.confirm.verb, draft.confirm.data);
      await bot.services.deps.requestService.setState(draft.requestId, 'approved');
      const escalated = await requestCard('pradeep.gupta@contoso.com');
      expect(JSON.stringify(escalated.card)).toContain(
        'Lynne Robbins is also leaving: escalated to Sara Davis',
      );
      await click(personas.operator, 'request.cancel', { requestId: escalated.requestId });
      await click(personas.operator2, 'request.cancel', { requestId: draft.requestId });
    });
  });
});

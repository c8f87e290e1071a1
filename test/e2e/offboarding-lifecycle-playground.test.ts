/**
 * The offboarding's whole life end to end through the Microsoft 365 Agents Playground (its
 * HTTP/WebSocket API, no mocks in between), on the sandbox's dev clock (`clock +…`): the IT persona
 * schedules an offboarding at a leave time, the approver approves it ahead of time, the clock passes
 * the leave time and the run reports its progress and summary; 23 days later the delegate gets the
 * expiry notice in their 1:1 chat and clicks Extend, the extension request reaches the approvals
 * channel and an approver rejects it; 7 days after that the expiry stage removes the delegate's access;
 * then the offboarding is undone from its summary and every undoable attribute of the leaver is
 * compared with the state recorded before it. The delegate has their own playground (signed in as
 * them), as a person has their own Teams client: a playground streams only its persona's chats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expiryQueueKind, type ExpiryPayload } from '../../src/core/offboard/offboard-stages.js';
import { seeded } from '../../src/sandbox/index.js';
import { startDevStack, type DevStack } from '../support/dev-stack.js';
import {
  cardHasText,
  findAction,
  PlaygroundClient,
  type PlaygroundMessage,
} from '../support/playground-client.js';
import { changedAttributes, undoableState, type UndoableState } from '../support/undoable-state.js';

const group = 'lifecycle-group-chat';
const approvalsChannel = 'lifecycle-approvals-channel';
const operator = '29:isaiah-langer';
const approver = '29:joni-sherman';
const delegate = '29:megan-bowen';
/** The 1:1 chat of the delegate's playground (its `personalChat`) with the bot. */
const delegateChatId = 'lifecycle-personal-chat';
const U = seeded.users;
const hour = 3_600_000;

/** The values a Teams client sends with Action.Execute: every input of the card as shown. */
function inputValues(card: unknown): Record<string, string> {
  const found: Record<string, string> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) {
      const item = node as Record<string, unknown>;
      if (typeof item['id'] === 'string' && String(item['type']).startsWith('Input.')) {
        found[item['id']] = typeof item['value'] === 'string' ? item['value'] : '';
      }
      Object.values(item).forEach(visit);
    }
  };
  visit(card);
  return found;
}

const isLive = (r: { hiddenFrom?: number | null }): boolean =>
  r.hiddenFrom === null || r.hiddenFrom === undefined;

describe('offboarding lifecycle through the Agents Playground: schedule, stages, undo', () => {
  let stack: DevStack;
  let pg: PlaygroundClient;
  let delegatePg: PlaygroundClient;

  beforeAll(async () => {
    stack = await startDevStack({ env: { APPROVALS_CONVERSATION_ID: approvalsChannel } });
    pg = new PlaygroundClient(stack.playgroundUrl);
    await pg.connect();
    // The app installed in the approvals channel: the bot keeps that channel's conversation reference.
    await pg.install(approvalsChannel);
    // The delegate's own Teams client: a playground streams only the chats of its signed-in persona, and
    // the expiry notice goes to the delegate's 1:1 chat. The app is installed there, as for every user.
    delegatePg = new PlaygroundClient(await stack.startPlaygroundAs('megan.bowen@contoso.com'));
    await delegatePg.connect();
    await delegatePg.install(delegateChatId);
    for (const key of [`conversation:${approvalsChannel}`, `user:${U.meganBowen}`]) {
      while (((await stack.bot.store.conversations.get(key)) ?? null) === null) {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }, 180_000);
  afterAll(async () => {
    pg.close();
    delegatePg.close();
    await stack.close();
  });

  /** Types `text` in the group chat and waits for a new bot message that satisfies `predicate`. */
  async function say(
    text: string,
    predicate: (m: PlaygroundMessage) => boolean,
    timeoutMs = 60_000,
  ): Promise<PlaygroundMessage> {
    const seen = new Set(pg.messages.keys());
    await pg.send(group, operator, text, true);
    return pg.waitFor((m) => !seen.has(m.messageId) && predicate(m), timeoutMs);
  }

  /** Moves the sandbox clock and returns the bot's answer. */
  async function advance(by: string): Promise<string> {
    const reply = await say(
      `clock ${by}`,
      (m) => m.conversationId === group && (m.text ?? '').includes('Sandbox time'),
      120_000,
    );
    return reply.text ?? '';
  }

  async function statusText(requestId: string): Promise<string> {
    const reply = await say(
      `status ${requestId}`,
      (m) => m.conversationId === group && (m.text ?? '').includes(requestId),
    );
    return reply.text ?? '';
  }

  const delegateAccess = () => {
    const s = stack.sandbox.state;
    const drive = s.sharing.driveOfUser(U.adeleVance);
    return {
      mailbox: s.exchange
        .rightsOn(U.adeleVance)
        .filter(isLive)
        .filter((r) => r.trusteeId === U.meganBowen)
        .map((r) => r.kind)
        .sort(),
      oneDriveAdmin: drive
        ? s.sharing
            .siteAdmins(drive.siteUrl)
            .filter(isLive)
            .some((a) => a.userId === U.meganBowen)
        : false,
    };
  };

  it(
    'schedules, runs at the leave time, notifies the delegate, expires the access, and undoes it all',
    { timeout: 300_000 },
    async () => {
      const owned = stack.sandbox.state.checklist.ownedBy(U.adeleVance).map((o) => o.objectId);
      const before: UndoableState = undoableState(stack.sandbox, U.adeleVance, owned);
      expect(delegateAccess()).toEqual({ mailbox: [], oneDriveAdmin: false });

      // Schedule: the leave time an hour ahead, confirmed with the card's inputs, approved ahead of time.
      const leaveAt = new Date(Math.ceil((Date.now() + hour) / 60_000) * 60_000);
      const when = `${leaveAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      const request = await say(
        `offboard adele.vance@contoso.com --at "${when}"`,
        (m) => m.conversationId === group && m.cards.some((c) => cardHasText(c, 'Offboard Adele Vance')),
      );
      const card = request.cards[0];
      const confirm = findAction(card, 'Confirm');
      if (!confirm) throw new Error(`no Confirm button: ${JSON.stringify(card)}`);
      const requestId = String(confirm.data['requestId']);
      const inputs = inputValues(card);
      expect(inputs).toMatchObject({
        leaveDate: when.slice(0, 10),
        leaveTime: when.slice(11, 16),
        leaveTimeZone: 'UTC',
      });
      const confirmed = await pg.click(group, operator, request.messageId, confirm.verb, {
        ...confirm.data,
        ...inputs,
        forwardTo: 'megan.bowen@contoso.com',
        autoReply: 'Adele has left; please write to Megan.',
        litigationHold: 'true',
        appOwnership: 'add-delegate',
      });
      expect(confirmed.status).toBe(200);
      const approval = await pg.waitFor(
        (m) =>
          m.conversationId === group &&
          m.cards.some((c) => cardHasText(c, 'approval needed') && cardHasText(c, requestId)),
      );
      const approve = findAction(approval.cards[0], 'Approve');
      if (!approve) throw new Error('no Approve button');
      const approved = await pg.click(group, approver, approval.messageId, approve.verb, approve.data);
      expect(JSON.stringify(approved.body)).toContain(`Scheduled for ${when}`);
      expect((await stack.bot.store.requests.get(requestId))?.state).toBe('scheduled');
      expect(await statusText(requestId)).toContain(`Scheduled for ${when}`);
      expect(stack.sandbox.state.directory.getUser(U.adeleVance)?.accountEnabled).toBe(true);

      // Past the leave time: the run, its progress and its summary.
      expect(await advance('+2h')).toMatch(/\(2 h ahead of the real clock\); \d+ scheduled items? handled/);
      const progress = await pg.waitFor(
        (m) => m.conversationId === group && m.cards.some((c) => cardHasText(c, 'Offboarding Adele Vance')),
      );
      const summary = await pg.waitFor(
        (m) =>
          m.conversationId === group &&
          m.cards.some((c) => cardHasText(c, 'JSON export') && cardHasText(c, requestId)),
        120_000,
      );
      expect(JSON.stringify(summary.cards[0])).toContain('Offboarding of Adele Vance: Completed');
      expect(pg.messages.get(progress.messageId)?.versions).toBeGreaterThan(1);
      expect(stack.sandbox.state.directory.getUser(U.adeleVance)?.accountEnabled).toBe(false);
      expect(delegateAccess().mailbox).toContain('FullAccess');
      expect(delegateAccess().oneDriveAdmin).toBe(true);
      // The offboarding changed every attribute compared, so the comparison after the undo proves something.
      const offboarded = undoableState(stack.sandbox, U.adeleVance, owned);
      expect(changedAttributes(before, offboarded)).toEqual(
        expect.arrayContaining([
          'accountEnabled',
          'licences',
          'groups',
          'mailbox',
          'rightsOnMailbox',
          'rightsHeld',
          'calendarPermissionsHeld',
          'oneDriveAdmins',
          'owners',
          'registeredDevices',
          'mailProtocols',
        ]),
      );
      const scheduled = await statusText(requestId);
      expect(scheduled).toContain('Stages:');
      expect(scheduled).toMatch(/Notice to the delegate, with Extend · [^\n]* · scheduled/);

      // 23 days on: the delegate's notice with Extend goes to their own chat with the bot, in their playground.
      expect(await advance('+23d')).toMatch(/1 scheduled item handled/);
      const noticeSent = (await stack.bot.store.audit.list({ requestId })).find(
        (e) => e.type === 'stage.notice-sent',
      );
      expect(noticeSent?.details).toMatchObject({
        channel: 'teams',
        delegate: 'megan.bowen@contoso.com',
      });
      const delegateChat = (await stack.bot.store.conversations.get(`user:${U.meganBowen}`)) as
        { conversation?: { id?: string } } | undefined;
      expect(delegateChat?.conversation?.id).toBe(delegateChatId);
      const expiry = (await stack.bot.store.queue.get(expiryQueueKind, requestId))?.payload as ExpiryPayload;
      // The notice offered Extend: no extension used yet (the default policy allows two).
      expect(expiry.extensions).toEqual([]);
      const endsAt = `${new Date(expiry.dueMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

      // The notice in the delegate's chat names the mailbox and the end date and carries Extend.
      const notice = await delegatePg.waitFor(
        (m) =>
          m.conversationId === delegateChatId &&
          m.cards.some((c) => cardHasText(c, "Your access to Adele Vance's mailbox and OneDrive ends on")),
      );
      const noticeCard = notice.cards[0];
      expect(JSON.stringify(noticeCard)).toContain(`ends on ${endsAt}`);
      expect(JSON.stringify(noticeCard)).toContain('adele.vance@contoso.com');
      expect(JSON.stringify(noticeCard)).toContain(requestId);
      const extend = findAction(noticeCard, 'Extend');
      if (!extend) throw new Error(`no Extend button on the notice: ${JSON.stringify(noticeCard)}`);

      // The delegate clicks Extend: the request for more time reaches the approvals channel.
      const extendClicked = await delegatePg.click(
        delegateChatId,
        delegate,
        notice.messageId,
        extend.verb,
        extend.data,
      );
      expect(extendClicked.status).toBe(200);
      expect(JSON.stringify(extendClicked.body)).toContain('Asked an approver to extend your access');
      const extensionRequest = await pg.waitFor(
        (m) =>
          m.conversationId.startsWith(approvalsChannel) &&
          m.cards.some((c) => cardHasText(c, 'asks to keep access') && cardHasText(c, requestId)),
      );
      const extensionCard = extensionRequest.cards[0];
      expect(JSON.stringify(extensionCard)).toContain('Megan Bowen asks to keep access to Adele Vance');
      expect(JSON.stringify(extensionCard)).toContain(endsAt);
      const reject = findAction(extensionCard, 'Reject');
      expect(findAction(extensionCard, 'Approve')).toBeDefined();
      if (!reject)
        throw new Error(`no Reject button on the extension request: ${JSON.stringify(extensionCard)}`);

      // An approver rejects it with a reason: the delegate is told, the expiry date stays.
      const rejected = await pg.click(
        extensionRequest.postConversationId ?? extensionRequest.conversationId,
        approver,
        extensionRequest.messageId,
        reject.verb,
        {
          ...reject.data,
          reason: 'The handover is complete.',
        },
      );
      expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
      expect(JSON.stringify(rejected.body)).toContain('Extension rejected');
      const told = await delegatePg.waitFor(
        (m) =>
          m.conversationId === delegateChatId &&
          m.cards.some((c) => cardHasText(c, "did not extend your access to Adele Vance's mailbox")),
      );
      expect(JSON.stringify(told.cards[0])).toContain(`it ends on ${endsAt}`);
      expect(JSON.stringify(told.cards[0])).toContain('The handover is complete.');
      const audit = (await stack.bot.store.audit.list({ requestId })).map((e) => e.type);
      expect(audit).toEqual(
        expect.arrayContaining(['delegation.extension-requested', 'delegation.extension-rejected']),
      );
      const afterReject = (await stack.bot.store.queue.get(expiryQueueKind, requestId))
        ?.payload as ExpiryPayload;
      expect(afterReject.dueMs).toBe(expiry.dueMs);
      expect(afterReject.extensions).toEqual([]);
      expect(delegateAccess().mailbox).toContain('FullAccess');
      expect(await statusText(requestId)).toMatch(/Notice to the delegate, with Extend · [^\n]* · done/);

      // 7 days later, the extension rejected: the expiry stage runs as its own run
      // and the delegate's access is gone.
      expect(await advance('+7d')).toMatch(/1 scheduled item handled/);
      expect(delegateAccess()).toEqual({ mailbox: [], oneDriveAdmin: false });
      const expired = await statusText(requestId);
      expect(expired).toMatch(/access ends · [^\n]* · done \(\d+\/\d+ changes\) · run /);
      expect(expired).toContain(`${requestId}:delegation-expiry`);
      expect((await stack.bot.store.runs.get(`${requestId}:delegation-expiry`))?.status).toBe('completed');

      // The expiry put the delegate's side back as it was before the offboarding.
      const expiredState = undoableState(stack.sandbox, U.adeleVance, owned);
      expect(expiredState.rightsOnMailbox).toEqual(before.rightsOnMailbox);
      expect(expiredState.oneDriveAdmins).toEqual(before.oneDriveAdmins);

      // Undo from the summary's button: confirm, approve (second persona), the undo's summary.
      const undoButton = findAction(pg.messages.get(summary.messageId)?.cards[0], 'Undo');
      if (!undoButton) throw new Error('no Undo button on the summary');
      const seen = new Set(pg.messages.keys());
      const clicked = await pg.click(group, operator, summary.messageId, undoButton.verb, undoButton.data);
      expect(JSON.stringify(clicked.body)).toContain(`Preparing the undo of ${requestId}`);
      const undoCard = await pg.waitFor(
        (m) =>
          !seen.has(m.messageId) &&
          m.conversationId === group &&
          m.cards.some((c) => cardHasText(c, 'Undo the offboarding of Adele Vance')),
        120_000,
      );
      expect(JSON.stringify(undoCard.cards[0])).toContain("Can't be undone");
      const undoConfirm = findAction(undoCard.cards[0], 'Confirm');
      if (!undoConfirm) throw new Error('no Confirm button on the undo card');
      const undoId = String(undoConfirm.data['requestId']);
      await pg.click(group, operator, undoCard.messageId, undoConfirm.verb, undoConfirm.data);
      const undoApproval = await pg.waitFor(
        (m) =>
          m.conversationId === group &&
          m.cards.some((c) => cardHasText(c, 'approval needed') && cardHasText(c, undoId)),
      );
      const undoApprove = findAction(undoApproval.cards[0], 'Approve');
      if (!undoApprove) throw new Error('no Approve button for the undo');
      await pg.click(group, approver, undoApproval.messageId, undoApprove.verb, undoApprove.data);
      await pg.waitFor(
        (m) =>
          m.conversationId === group &&
          m.cards.some((c) => cardHasText(c, 'Undo of the offboarding of Adele Vance: Completed')),
        120_000,
      );
      // The summary is posted as the run ends; the request's state follows.
      await stack.bot.coordinator.idle();
      expect((await stack.bot.store.requests.get(undoId))?.state).toBe('completed');

      // Every undoable attribute is back as recorded before the offboarding.
      const undone = undoableState(stack.sandbox, U.adeleVance, owned);
      expect(changedAttributes(before, undone)).toEqual([]);
      expect(undone).toEqual(before);
      const journal = await stack.bot.store.journal.list(
        (await stack.bot.store.requests.get(requestId))?.runId ?? '',
      );
      expect(journal.filter((e) => e.phase === 'undone').length).toBeGreaterThan(5);
    },
  );
});

/**
 * End to end through the Microsoft 365 Agents Playground (its HTTP/WebSocket API, no mocks in
 * between): the IT persona offboards the seeded cloud-only leaver in the group chat, the approver
 * approves, the bot reports progress and the summary, and the sandbox shows every change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRequest } from '../../src/core/runs/run-export.js';
import { validateRevokeSummary } from '../../src/core/revoke/index.js';
import { seeded, skuIds } from '../../src/sandbox/index.js';
import { startDevStack, type DevStack } from '../support/dev-stack.js';
import { expectOffboarded } from '../support/offboard-assertions.js';
import { cardHasText, findAction, PlaygroundClient } from '../support/playground-client.js';

const group = 'lifecycle-group-chat';
const operator = '29:isaiah-langer';
const approver = '29:joni-sherman';
const ordinary = '29:diego-siciliani';
const U = seeded.users;

describe('offboarding through the Agents Playground', () => {
  let stack: DevStack;
  let pg: PlaygroundClient;

  beforeAll(async () => {
    stack = await startDevStack();
    pg = new PlaygroundClient(stack.playgroundUrl);
    await pg.connect();
  }, 180_000);
  afterAll(async () => {
    pg.close();
    await stack.close();
  });

  async function requestCard(upn: string, name: string) {
    await pg.send(group, operator, `offboard ${upn}`, true);
    const message = await pg.waitFor(
      (m) => m.conversationId === group && m.cards.some((c) => cardHasText(c, `Offboard ${name}`)),
    );
    const card = message.cards[0];
    const confirm = findAction(card, 'Confirm');
    if (!confirm) throw new Error('no Confirm button');
    return { message, confirm, requestId: String(confirm.data['requestId']) };
  }

  async function approvalCard(requestId: string) {
    const message = await pg.waitFor(
      (m) =>
        m.conversationId === group &&
        m.cards.some((c) => cardHasText(c, 'approval needed') && cardHasText(c, requestId)),
    );
    const approve = findAction(message.cards[0], 'Approve');
    if (!approve) throw new Error('no Approve button');
    return { message, approve };
  }

  async function auditTypes(requestId: string): Promise<string[]> {
    return (await stack.bot.store.audit.list({ requestId })).map((e) => e.type);
  }

  it('offboards the cloud-only leaver: confirm, approve, progress, summary, notice', async () => {
    const startedAt = new Date().toISOString();
    const { message, confirm, requestId } = await requestCard('adele.vance@contoso.com', 'Adele Vance');
    const confirmed = await pg.click(group, operator, message.messageId, confirm.verb, confirm.data);
    expect(confirmed.status).toBe(200);
    const { message: approvalMessage, approve } = await approvalCard(requestId);
    const approved = await pg.click(group, approver, approvalMessage.messageId, approve.verb, approve.data);
    expect(approved.status).toBe(200);

    const progress = await pg.waitFor(
      (m) => m.conversationId === group && m.cards.some((c) => cardHasText(c, 'Offboarding Adele Vance')),
    );
    const summary = await pg.waitFor(
      (m) =>
        m.conversationId === group &&
        m.cards.some((c) => cardHasText(c, 'JSON export') && cardHasText(c, requestId)),
      120_000,
    );
    expect(JSON.stringify(summary.cards[0])).toMatch(/Completed/);
    const updated = pg.messages.get(progress.messageId);
    expect(updated?.versions).toBeGreaterThan(1);

    expectOffboarded(stack.sandbox, {
      leaverId: U.adeleVance,
      delegateId: U.meganBowen,
      startedAt,
      directSkuIds: [skuIds.SPE_E3, skuIds.POWER_BI_PRO],
      isRevokeExpected: true,
    });
    const sent = stack.bot.store;
    expect(await sent.conversations.get(`notice-sent:${requestId}:${U.meganBowen}`)).toMatchObject({
      channel: 'teams',
    });
    const exported = await exportRequest(stack.bot.store, requestId);
    expect(validateRevokeSummary(exported?.mailboxPermissions)).toEqual({ isValid: true });
    expect(exported?.mailboxPermissions).toMatchObject({ verification: { all_permissions_cleared: true } });
    expect(await auditTypes(requestId)).toEqual(
      expect.arrayContaining(['request.created', 'request.approved', 'request.running']),
    );
  }, 240_000);

  it('refuses approval by the requester, by a non-approver, with a stale version, after cancel and twice', async () => {
    const { message, confirm, requestId } = await requestCard('megan.bowen@contoso.com', 'Megan Bowen');
    await pg.click(group, operator, message.messageId, confirm.verb, confirm.data);
    const { message: approvalMessage, approve } = await approvalCard(requestId);
    const refusedBefore = (await auditTypes(requestId)).filter((t) => t === 'action.refused').length;

    const self = await pg.click(group, operator, approvalMessage.messageId, approve.verb, approve.data);
    expect(JSON.stringify(self.body)).toContain('Four eyes');
    const stranger = await pg.click(group, ordinary, approvalMessage.messageId, approve.verb, approve.data);
    expect(JSON.stringify(stranger.body)).toContain('approvers group');
    const stale = await pg.click(group, approver, approvalMessage.messageId, approve.verb, {
      ...approve.data,
      version: Number(approve.data['version']) - 1,
    });
    expect(JSON.stringify(stale.body)).toContain('out of date');
    const tampered = await pg.click(group, approver, approvalMessage.messageId, approve.verb, {
      requestId: 'REQ-20261123-ZZZZZZ',
      version: 2,
    });
    expect(JSON.stringify(tampered.body)).toContain('does not exist');

    const cancel = await pg.click(group, operator, approvalMessage.messageId, 'request.cancel', {
      requestId,
      version: Number(approve.data['version']),
    });
    expect(JSON.stringify(cancel.body)).toContain('cancelled');
    const afterCancel = await pg.click(
      group,
      approver,
      approvalMessage.messageId,
      approve.verb,
      approve.data,
    );
    expect(JSON.stringify(afterCancel.body)).toMatch(/out of date|cancelled/);
    const twice = await pg.click(group, approver, approvalMessage.messageId, approve.verb, approve.data);
    expect(JSON.stringify(twice.body)).toMatch(/out of date|cancelled/);

    expect((await stack.bot.store.requests.get(requestId))?.state).toBe('cancelled');
    expect(stack.sandbox.state.directory.getUser(U.meganBowen)?.accountEnabled).toBe(true);
    const refusedAfter = (await auditTypes(requestId)).filter((t) => t === 'action.refused').length;
    expect(refusedAfter - refusedBefore).toBeGreaterThanOrEqual(5);
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOf,
  cardIn,
  personas,
  startBotHarness,
  textOf,
  type BotHarness,
} from '../../support/bot-harness.js';

describe('bot commands (TestAdapter, real connectors against the sandbox)', () => {
  let bot: BotHarness;

  beforeAll(async () => {
    bot = await startBotHarness();
  });
  afterAll(async () => {
    await bot.close();
  });

  it('answers help with the command list', async () => {
    const card = cardIn(await bot.say(personas.operator, 'help'));
    expect(JSON.stringify(card)).toContain('offboard <upn | name>');
  });

  it('answers unknown input with help, never silence', async () => {
    const card = cardIn(await bot.say(personas.ordinary, 'what can you do?'));
    expect(JSON.stringify(card)).toContain('What I can do');
  });

  it('welcomes a new conversation and says what to try', async () => {
    await bot.adapter.processActivity({
      type: 'conversationUpdate',
      channelId: 'msteams',
      from: { id: '29:isaiah-langer', aadObjectId: personas.operator.aadObjectId },
      recipient: { id: '28:lifecycle-bot', name: 'Lifecycle' },
      conversation: { id: 'personal-1', tenantId: '11111111-1111-4111-8111-111111111111' },
      membersAdded: [{ id: '28:lifecycle-bot', name: 'Lifecycle' }],
      channelData: { tenant: { id: '11111111-1111-4111-8111-111111111111' } },
    } as never);
    const card = cardIn(bot.adapter.activeQueue.splice(0));
    expect(JSON.stringify(card)).toContain('offboard adele.vance@contoso.com');
  });

  it('asks who is leaving when offboard has no argument', async () => {
    expect(textOf(await bot.say(personas.operator, 'offboard'))).toContain('Who is leaving?');
  });

  it('offers choices when a name is ambiguous', async () => {
    const card = cardIn(await bot.say(personas.operator, 'offboard Alex Johnson'));
    const actions = actionsOf(card);
    expect(actions).toHaveLength(2);
    expect(actions.every((a) => a.verb === 'offboard.choose')).toBe(true);
    expect(actions.map((a) => a.data['userPrincipalName'])).toEqual(
      expect.arrayContaining(['alex.johnson@contoso.com', 'alex.j.johnson@contoso.com']),
    );
  });

  it('prepares the request for a choice clicked on the choices card', async () => {
    const { body, replies } = await bot.click(personas.operator, 'offboard.choose', {
      userPrincipalName: 'alex.j.johnson@contoso.com',
    });
    expect(String(body?.value)).toContain('alex.j.johnson@contoso.com');
    expect(JSON.stringify(cardIn(replies))).toContain('Offboard Alex Johnson');
  });

  it('says so when nobody matches', async () => {
    const text = textOf(await bot.say(personas.operator, 'offboard Zebulon Nobody'));
    expect(text).toContain('Nobody matches');
  });

  it('refuses a requester outside the requesters group and audits it', async () => {
    const before = (await bot.store.audit.list({ limit: 500 })).filter(
      (e) => e.type === 'action.refused',
    ).length;
    const text = textOf(await bot.say(personas.ordinary, 'offboard adele.vance@contoso.com'));
    expect(text).toContain('requesters group');
    const after = (await bot.store.audit.list({ limit: 500 })).filter(
      (e) => e.type === 'action.refused',
    ).length;
    expect(after).toBe(before + 1);
  });

  it('refuses self-offboarding', async () => {
    const text = textOf(await bot.say(personas.operator, 'offboard isaiah.langer@contoso.com'));
    expect(text).toContain("can't offboard yourself");
  });

  it('asks for two approvers for a protected account', async () => {
    const card = cardIn(await bot.say(personas.operator, 'offboard patti.fernandez@contoso.com'));
    expect(JSON.stringify(card)).toContain('2 approvers after you confirm');
  });

  it('escalates the delegate up the chain when the manager is also leaving (approved offboarding)', async () => {
    const managerCard = cardIn(await bot.say(personas.operator, 'offboard lynne.robbins@contoso.com'));
    expect(JSON.stringify(managerCard)).toContain('Offboard Lynne Robbins');
    // Only an approved or running offboarding makes the manager "leaving": confirmed, then approved
    // (the system transition, so that no run starts and the state stays `approved`).
    const confirm = actionsOf(managerCard).find((a) => a.title === 'Confirm');
    if (!confirm) throw new Error('no Confirm on the request card');
    await bot.click(personas.operator, confirm.verb, confirm.data);
    await bot.services.deps.requestService.setState(String(confirm.data['requestId']), 'approved');
    const card = cardIn(await bot.say(personas.operator, 'offboard pradeep.gupta@contoso.com'));
    const json = JSON.stringify(card);
    expect(json).toContain('Lynne Robbins is also leaving: escalated to Sara Davis');
    expect(json).toContain('sara.davis@contoso.com');
  });

  it('asks for a delegate when the leaver has no manager', async () => {
    const card = cardIn(await bot.say(personas.operator, 'offboard nestor.wilke@contoso.com'));
    expect(JSON.stringify(card)).toContain('No manager is recorded');
  });

  it('refuses over-long input without reading it', async () => {
    const text = textOf(await bot.say(personas.operator, `offboard ${'x'.repeat(5000)}`));
    expect(text).toContain('too long');
  });

  it('shows usage for status, history and cancel without a valid argument', async () => {
    expect(textOf(await bot.say(personas.operator, 'status nonsense'))).toContain('status <request id>');
    expect(textOf(await bot.say(personas.operator, 'history'))).toContain('history <upn>');
    expect(textOf(await bot.say(personas.operator, 'cancel 42'))).toContain('cancel <request id>');
    expect(textOf(await bot.say(personas.operator, 'status REQ-20200101-AAAAAA'))).toContain(
      'does not exist',
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRequest } from '../../../src/core/runs/run-export.js';
import { validateRevokeSummary } from '../../../src/core/revoke/index.js';
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

describe('revoke through the card verbs (TestAdapter, real connectors against the sandbox)', () => {
  let bot: BotHarness;

  beforeAll(async () => {
    bot = await startBotHarness();
  });
  afterAll(async () => {
    await bot.close();
  });

  it('previews, confirms with a ticket, is approved, removes every kind and reports the seed JSON', async () => {
    const card = cardIn(await bot.say(personas.operator, 'revoke adele.vance@contoso.com'));
    const json = JSON.stringify(card);
    for (const label of [
      'Full Access',
      'Send As',
      'Send on Behalf',
      'Calendar delegates',
      'Shared mailboxes',
    ]) {
      expect(json).toContain(label);
    }
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    if (!confirm) throw new Error('no Confirm');
    expect(confirm.verb).toBe('revoke.confirm');
    const requestId = String(confirm.data['requestId']);
    const confirmed = await bot.click(personas.operator, confirm.verb, {
      ...confirm.data,
      ticketId: 'OFF-2026-015',
    });
    const approve = actionsOf(cardIn(confirmed.replies)).find((a) => a.title === 'Approve');
    if (!approve) throw new Error('no Approve');
    await bot.click(personas.approver, approve.verb, approve.data);
    await bot.services.coordinator.idle();

    expect((await bot.store.requests.get(requestId))?.state).toBe('completed');
    expect(bot.sandbox.state.exchange.rightsHeldBy(U.adeleVance)).toEqual([]);
    expect(bot.sandbox.state.exchange.folderPermissionsHeldBy(U.adeleVance)).toEqual([]);
    const summaryCard = bot.gateway.messages.find((m) =>
      JSON.stringify(m.activity).includes('Mailbox permissions of Adele Vance'),
    );
    expect(summaryCard).toBeDefined();
    const exported = await exportRequest(bot.store, requestId);
    expect(validateRevokeSummary(exported?.mailboxPermissions)).toEqual({ isValid: true });
    expect(exported?.mailboxPermissions).toMatchObject({
      success: true,
      ticket_id: 'OFF-2026-015',
      verification: { all_permissions_cleared: true, remaining_full_access: 0, remaining_send_as: 0 },
    });
  });

  it('reports nothing to do on a second run', async () => {
    expect(textOf(await bot.say(personas.operator, 'revoke adele.vance@contoso.com'))).toContain(
      'nothing to do',
    );
  });

  it('refuses a confirm card of one kind used on a request of another', async () => {
    const card = cardIn(await bot.say(personas.operator, 'offboard isabelle.dubois@contoso.com'));
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    if (!confirm) throw new Error('no Confirm');
    const { body } = await bot.click(personas.operator, 'revoke.confirm', confirm.data);
    expect(String(body?.value)).toContain('does not belong');
    expect((await bot.store.requests.get(String(confirm.data['requestId'])))?.state).toBe(
      'awaiting-confirmation',
    );
  });

  it('refuses a requester outside the requesters group', async () => {
    expect(textOf(await bot.say(personas.ordinary, 'revoke megan.bowen@contoso.com'))).toContain(
      'requesters group',
    );
  });

  it('offers choices for an ambiguous name and prepares the chosen one', async () => {
    const card = cardIn(await bot.say(personas.operator, 'revoke Alex Johnson'));
    const actions = actionsOf(card);
    expect(actions.every((a) => a.verb === 'revoke.choose')).toBe(true);
    const { body } = await bot.click(personas.operator, 'revoke.choose', {
      userPrincipalName: 'alex.johnson@contoso.com',
    });
    expect(String(body?.value)).toContain('alex.johnson@contoso.com');
  });

  it('rejects an invalid ticket id and unknown permission types on the card', async () => {
    const holder = Object.values(U).find(
      (id) => id !== U.adeleVance && bot.sandbox.state.exchange.rightsHeldBy(id).length > 0,
    );
    const upn = holder ? bot.sandbox.state.directory.getUser(holder)?.userPrincipalName : undefined;
    if (!upn) throw new Error('the seed has no other user holding mailbox rights');
    const card = cardIn(await bot.say(personas.operator, `revoke ${upn}`));
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    if (!confirm) throw new Error(`no Confirm for ${upn}`);
    const badTicket = await bot.click(personas.operator, confirm.verb, {
      ...confirm.data,
      ticketId: "x' or 1 eq 1",
    });
    expect(String(badTicket.body?.value)).toContain('ticket id');
    const badType = await bot.click(personas.operator, confirm.verb, {
      ...confirm.data,
      permissionTypes: 'full_access,drop_table',
    });
    expect(String(badType.body?.value)).toContain('Unknown permission type');
    expect((await bot.store.requests.get(String(confirm.data['requestId'])))?.state).toBe(
      'awaiting-confirmation',
    );
  });
});

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
import { changedAttributes, undoableState, type UndoableState } from '../../support/undoable-state.js';

const U = seeded.users;

describe('undo and restore of an offboarding (TestAdapter, real connectors against the sandbox)', () => {
  let bot: BotHarness;

  beforeAll(async () => {
    bot = await startBotHarness();
  });
  afterAll(async () => {
    await bot.close();
  });

  const ownedBy = (userId: string): string[] =>
    bot.sandbox.state.checklist.ownedBy(userId).map((o) => o.objectId);

  /** Offboards through the cards (confirm with `form`, approve) and returns the request id. */
  async function offboard(upn: string, form: Record<string, unknown> = {}): Promise<string> {
    const card = cardIn(await bot.say(personas.operator, `offboard ${upn}`));
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    if (!confirm) throw new Error(`no request card for ${upn}: ${JSON.stringify(card)}`);
    const confirmed = await bot.click(personas.operator, confirm.verb, { ...confirm.data, ...form });
    const approve = actionsOf(cardIn(confirmed.replies)).find((a) => a.title === 'Approve');
    if (!approve) throw new Error(`no approval card: ${JSON.stringify(confirmed)}`);
    await bot.click(personas.approver, approve.verb, approve.data);
    await bot.services.coordinator.idle();
    const requestId = String(confirm.data['requestId']);
    expect((await bot.store.requests.get(requestId))?.state).toBe('completed');
    return requestId;
  }

  /** Confirms an undo request card, approves it and waits for the run. */
  async function confirmAndApprove(
    card: Record<string, unknown> | undefined,
    approvals = 1,
  ): Promise<string> {
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    if (!confirm) throw new Error(`no undo request card: ${JSON.stringify(card)}`);
    expect(confirm.verb).toBe('undo.confirm');
    const confirmed = await bot.click(personas.operator, confirm.verb, confirm.data);
    const approvalCard = cardIn(confirmed.replies);
    const approve = actionsOf(approvalCard).find((a) => a.title === 'Approve');
    if (!approve) throw new Error(`no approval card: ${JSON.stringify(confirmed)}`);
    expect(JSON.stringify(approvalCard)).toContain("Can't be undone");
    // Four eyes, as for the offboarding: the requester can't approve the undo.
    expect(String((await bot.click(personas.operator, approve.verb, approve.data)).body?.value)).toContain(
      'Four eyes',
    );
    const approved = await bot.click(personas.approver, approve.verb, approve.data);
    const second = actionsOf(approved.body?.value).find((a) => a.title === 'Approve');
    if (approvals === 2) {
      if (!second) throw new Error(`no second approval asked: ${JSON.stringify(approved.body)}`);
      await bot.click(personas.approver2, second.verb, second.data);
    }
    await bot.services.coordinator.idle();
    return String(confirm.data['requestId']);
  }

  async function refusals(): Promise<number> {
    return (await bot.store.audit.list({ limit: 5000 })).filter((e) => e.type === 'action.refused').length;
  }

  let adeleOffboarding = '';
  let adeleBefore: UndoableState;
  let adeleOwned: string[] = [];

  it(
    'undoes a completed offboarding from the summary: every undoable attribute is back as before',
    { timeout: 300_000 },
    async () => {
      adeleOwned = ownedBy(U.adeleVance);
      adeleBefore = undoableState(bot.sandbox, U.adeleVance, adeleOwned);
      adeleOffboarding = await offboard('adele.vance@contoso.com', {
        forwardTo: 'megan.bowen@contoso.com',
        autoReply: 'Adele has left; please write to Megan.',
        litigationHold: 'true',
        appOwnership: 'add-delegate',
      });
      const offboarded = undoableState(bot.sandbox, U.adeleVance, adeleOwned);
      // The offboarding changed every attribute compared (so the comparison below proves something).
      expect(changedAttributes(adeleBefore, offboarded)).toEqual(
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

      const summary = bot.gateway.messages.find((m) =>
        JSON.stringify(m.activity).includes('Offboarding of Adele Vance: Completed'),
      );
      const undoButton = actionsOf(bot.gateway.cardOf(summary!)).find((a) => a.title === 'Undo');
      expect(undoButton?.verb).toBe('run.undo');
      const clicked = await bot.click(personas.operator, undoButton!.verb, undoButton!.data);
      expect(String(clicked.body?.value)).toContain(`Preparing the undo of ${adeleOffboarding}`);
      const undoCard = cardIn(clicked.replies);
      const undoText = JSON.stringify(undoCard);
      expect(undoText).toContain('Undo the offboarding of Adele Vance');
      expect(undoText).toContain('Undo: Block sign-in');
      expect(undoText).toContain("Can't be undone");
      expect(undoText).toContain('The password was reset');
      expect(undoText).toContain('Sign-in sessions were revoked');

      const undoId = await confirmAndApprove(undoCard);
      const undoRequest = await bot.store.requests.get(undoId);
      expect(undoRequest?.kind).toBe('undo');
      expect(undoRequest?.state).toBe('completed');
      const undone = undoableState(bot.sandbox, U.adeleVance, adeleOwned);
      expect(undone).toEqual(adeleBefore);

      // The offboarding's journal records `undone` for each reversed change, once.
      const journal = await bot.store.journal.list((await bot.store.requests.get(adeleOffboarding))!.runId!);
      const undoneEntries = journal.filter((e) => e.phase === 'undone');
      expect(undoneEntries.length).toBeGreaterThan(10);
      expect(undoneEntries.map((e) => e.stepId)).toEqual(
        expect.arrayContaining(['entra.block-sign-in', 'entra.remove-licences', 'exo.convert-to-shared']),
      );
      const keys = undoneEntries.map((e) => `${e.stepId}:${e.changeKey ?? ''}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(
        undoneEntries.every((e) => (e.after as { undoRequestId?: string }).undoRequestId === undoId),
      ).toBe(true);
      // The summary of the undo carries no Undo button of its own.
      const undoSummary = bot.gateway.messages.find((m) =>
        JSON.stringify(m.activity).includes('Undo of the offboarding of Adele Vance: Completed'),
      );
      expect(undoSummary).toBeDefined();
      expect(actionsOf(bot.gateway.cardOf(undoSummary!)).map((a) => a.title)).not.toContain('Undo');
    },
  );

  it('refuses a second undo of the same offboarding, and changes nothing', async () => {
    const before = await refusals();
    const text = textOf(await bot.say(personas.operator, `undo ${adeleOffboarding}`));
    expect(text).toContain('already has an undo');
    expect(await refusals()).toBe(before + 1);
    expect(undoableState(bot.sandbox, U.adeleVance, adeleOwned)).toEqual(adeleBefore);
    const undos = (await bot.store.requests.listBySubject('adele.vance@contoso.com')).filter(
      (r) => r.kind === 'undo',
    );
    expect(undos).toHaveLength(1);
  });

  it(
    'refuses people outside the requesters group, unknown ids and offboardings not finished',
    { timeout: 120_000 },
    async () => {
      const before = await refusals();
      const requests = (await bot.store.requests.listBySubject('adele.vance@contoso.com')).length;
      expect(textOf(await bot.say(personas.ordinary, `undo ${adeleOffboarding}`))).toContain(
        'requesters group',
      );
      expect(textOf(await bot.say(personas.operator, 'undo REQ-20261123-ZZZZZZ'))).toContain(
        'does not exist',
      );
      expect(textOf(await bot.say(personas.operator, 'undo adele.vance@contoso.com'))).toContain(
        'Which offboarding?',
      );

      const pending = cardIn(await bot.say(personas.operator, 'offboard pradeep.gupta@contoso.com'));
      const pendingId = String(actionsOf(pending).find((a) => a.title === 'Confirm')?.data['requestId']);
      expect(textOf(await bot.say(personas.operator, `undo ${pendingId}`))).toContain(
        'only a completed (or partly completed) offboarding can be undone',
      );
      expect((await bot.store.requests.get(pendingId))?.state).toBe('awaiting-confirmation');
      expect(await refusals()).toBe(before + 3);
      expect((await bot.store.requests.listBySubject('adele.vance@contoso.com')).length).toBe(requests);
      expect(undoableState(bot.sandbox, U.adeleVance, adeleOwned)).toEqual(adeleBefore);
    },
  );

  it(
    'restores a deleted user and undoes its offboarding; refuses when it cannot',
    { timeout: 300_000 },
    async () => {
      const owned = ownedBy(U.nestorWilke);
      const before = undoableState(bot.sandbox, U.nestorWilke, owned);
      const offboarding = await offboard('nestor.wilke@contoso.com');
      expect(textOf(await bot.say(personas.operator, 'restore nestor.wilke@contoso.com'))).toContain(
        `is not deleted: type \`undo ${offboarding}\``,
      );
      // The staged deletion's call, made through the same connector.
      await bot.services.ports.accounts.deleteUser(U.nestorWilke);
      expect(bot.sandbox.state.directory.getUser(U.nestorWilke)).toBeUndefined();

      expect(textOf(await bot.say(personas.operator, 'restore lee.gu@contoso.com'))).toContain(
        'No offboarding of lee.gu@contoso.com ran here',
      );
      expect(textOf(await bot.say(personas.operator, `undo ${offboarding}`))).toContain(
        'type `restore nestor.wilke@contoso.com`',
      );

      // Deleted more than 30 days ago: Entra no longer restores it.
      const deleted = bot.sandbox.state.directory.getDeletedUser(U.nestorWilke)!;
      const deletedAt = deleted.deletedDateTime;
      deleted.deletedDateTime = new Date(Date.now() - 31 * 86_400_000).toISOString();
      expect(textOf(await bot.say(personas.operator, 'restore nestor.wilke@contoso.com'))).toContain(
        'more than 30 days ago',
      );
      deleted.deletedDateTime = deletedAt;

      // Someone else now holds the UPN.
      const holderId = '10000000-0000-4000-8000-000000000999';
      bot.sandbox.state.directory.addUser({
        ...deleted.user,
        id: holderId,
        displayName: 'Nestor Wilke (new)',
        mail: null,
        proxyAddresses: [],
      });
      expect(textOf(await bot.say(personas.operator, 'restore nestor.wilke@contoso.com'))).toContain(
        'A live user (Nestor Wilke (new)) now holds nestor.wilke@contoso.com',
      );
      bot.sandbox.state.directory.deleteUser(holderId);
      expect(bot.sandbox.state.directory.getUser(U.nestorWilke)).toBeUndefined();

      const card = cardIn(await bot.say(personas.operator, 'restore nestor.wilke@contoso.com'));
      const text = JSON.stringify(card);
      expect(text).toContain('Restore and undo the offboarding of Nestor Wilke');
      expect(text).toContain('Restore the deleted user');
      // Its groups and roles can't be read while it is deleted: a restore needs two approvers.
      expect(text).toContain('2 approvers after you confirm');
      const undoId = await confirmAndApprove(card, 2);
      expect((await bot.store.requests.get(undoId))?.state).toBe('completed');
      expect(bot.sandbox.state.directory.getUser(U.nestorWilke)?.accountEnabled).toBe(true);
      expect(undoableState(bot.sandbox, U.nestorWilke, owned)).toEqual(before);
    },
  );

  it(
    'refuses Retry of an undone offboarding (card and server side), and changes nothing',
    { timeout: 300_000 },
    async () => {
      // Patti holds a privileged role: the tenant refuses the app to block or reset her in Entra, so
      // her offboarding completes with errors and its summary offers Retry.
      const card = cardIn(await bot.say(personas.operator, 'offboard patti.fernandez@contoso.com'));
      const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
      if (!confirm) throw new Error(`no request card: ${JSON.stringify(card)}`);
      const requestId = String(confirm.data['requestId']);
      const confirmed = await bot.click(personas.operator, confirm.verb, confirm.data);
      const approve = actionsOf(cardIn(confirmed.replies)).find((a) => a.title === 'Approve');
      if (!approve) throw new Error(`no approval card: ${JSON.stringify(confirmed)}`);
      const first = await bot.click(personas.approver, approve.verb, approve.data);
      const second = actionsOf(first.body?.value).find((a) => a.title === 'Approve');
      if (!second) throw new Error(`no second approval asked: ${JSON.stringify(first.body)}`);
      await bot.click(personas.approver2, second.verb, second.data);
      await bot.services.coordinator.idle();
      expect((await bot.store.requests.get(requestId))?.state).toBe('completed-with-errors');
      const summary = bot.gateway.messages.find((m) =>
        JSON.stringify(m.activity).includes('Offboarding of Patti Fernandez: Completed with errors'),
      );
      const retry = actionsOf(bot.gateway.cardOf(summary!)).find((a) => a.title === 'Retry failed steps');
      if (!retry) throw new Error(`no Retry on the summary: ${JSON.stringify(summary)}`);

      const undoId = await confirmAndApprove(
        cardIn(await bot.say(personas.operator, `undo ${requestId}`)),
        2,
      );
      expect((await bot.store.requests.get(undoId))?.state).toBe('completed');

      const offboarding = (await bot.store.requests.get(requestId))!;
      const journal = (await bot.store.journal.list(offboarding.runId!)).length;
      const writes = bot.sandbox.requestLog.all().length;
      const before = await refusals();
      const refused = await bot.click(personas.operator, retry.verb, retry.data);
      expect(String(refused.body?.value)).toContain(
        `The offboarding ${requestId} was undone (${undoId}): its failed steps are not retried; nothing was changed.`,
      );
      expect(await refusals()).toBe(before + 1);
      await bot.services.coordinator.idle();
      const after = (await bot.store.requests.get(requestId))!;
      expect(after.state).toBe('completed-with-errors');
      expect(after.version).toBe(offboarding.version);
      expect((await bot.store.journal.list(offboarding.runId!)).length).toBe(journal);
      expect(bot.sandbox.requestLog.all().length).toBe(writes);
      expect(bot.sandbox.state.directory.getUser(U.pattiFernandez)?.accountEnabled).toBe(true);
    },
  );
});

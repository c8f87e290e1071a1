/**
 * `restore <upn>` under PROTECTED_ACCOUNT_POLICY=refuse: a deleted user's groups and roles can't be
 * read, so protection is judged on the record. Deleted by the staged deletion (which found it disabled
 * and not protected just before): restorable with the usual approval. Deleted any other way: refused.
 */
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

describe('restore under the refuse policy (TestAdapter, real connectors against the sandbox)', () => {
  let bot: BotHarness;

  beforeAll(async () => {
    bot = await startBotHarness({ PROTECTED_ACCOUNT_POLICY: 'refuse' });
  });
  afterAll(async () => {
    await bot.close();
  });

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
    expect((await bot.store.requests.get(requestId))?.state).toMatch(/^completed/);
    return requestId;
  }

  const undoRequests = async (upn: string) =>
    (await bot.store.requests.listBySubject(upn)).filter((r) => r.kind === 'undo');

  it('restores a user the staged deletion deleted, with one approval', { timeout: 300_000 }, async () => {
    const wasEnabled = bot.sandbox.state.directory.getUser(U.christieCline)?.accountEnabled;
    const offboarding = await offboard('christie.cline@contoso.com', { deleteAfterDays: '2' });
    // The sandbox's dev clock passes the deletion stage; the command runs what fell due.
    expect(textOf(await bot.say(personas.operator, 'clock +3d'))).toMatch(/scheduled items? handled/);
    const stages = await bot.services.stages.stagesOf((await bot.store.requests.get(offboarding))!);
    expect(stages.find((st) => st.id === 'deletion')).toMatchObject({
      state: 'completed',
      detail: '1/1 changes',
    });
    expect(bot.sandbox.state.directory.getUser(U.christieCline)).toBeUndefined();

    const card = cardIn(await bot.say(personas.operator, 'restore christie.cline@contoso.com'));
    const text = JSON.stringify(card);
    expect(text).toContain('Restore and undo the offboarding of Christie Cline');
    expect(text).not.toContain('2 approvers');
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    if (!confirm) throw new Error(`no undo request card: ${text}`);
    const confirmed = await bot.click(personas.operator, confirm.verb, confirm.data);
    const approve = actionsOf(cardIn(confirmed.replies)).find((a) => a.title === 'Approve');
    if (!approve) throw new Error(`no approval card: ${JSON.stringify(confirmed)}`);
    await bot.click(personas.approver, approve.verb, approve.data);
    await bot.services.coordinator.idle();
    const undoId = String(confirm.data['requestId']);
    expect((await bot.store.requests.get(undoId))?.state).toBe('completed');
    expect((await bot.store.requests.get(undoId))?.options).toMatchObject({ targetRequestId: offboarding });
    // Back from deleted items, as it was before its offboarding.
    expect(bot.sandbox.state.directory.getUser(U.christieCline)?.accountEnabled).toBe(wasEnabled);
  });

  it(
    'refuses a user deleted outside the staged deletion, and changes nothing',
    { timeout: 300_000 },
    async () => {
      await offboard('nestor.wilke@contoso.com');
      // Deleted by hand (the same connector call), with no staged-deletion check behind it.
      await bot.services.ports.accounts.deleteUser(U.nestorWilke);
      const refusals = async () =>
        (await bot.store.audit.list({ limit: 5000 })).filter((e) => e.type === 'action.refused').length;
      const before = await refusals();
      const text = textOf(await bot.say(personas.operator, 'restore nestor.wilke@contoso.com'));
      expect(text).toContain(
        "nestor.wilke@contoso.com was not deleted by the staged deletion, so whether it was protected can't be read while it is deleted: the policy refuses this request.",
      );
      expect(await refusals()).toBe(before + 1);
      expect(await undoRequests('nestor.wilke@contoso.com')).toEqual([]);
      expect(bot.sandbox.state.directory.getUser(U.nestorWilke)).toBeUndefined();
      expect(bot.sandbox.state.directory.getDeletedUser(U.nestorWilke)).toBeDefined();
    },
  );
});

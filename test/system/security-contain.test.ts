/**
 * Security matrix, incident mode: `contain` from people outside the incident responders group, forged
 * as a message or a card verb, and a containment approved by someone who is not a responder. Each case
 * asserts the answer, that nothing changed (no write in the sandbox's request log, no request in the
 * store) and the `action.refused` audit entry, against the real bot (TestAdapter, real connectors
 * against the in-process sandbox, the real store).
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

const writesAfter = (sandbox: Sandbox, mark: number) =>
  sandbox.requestLog
    .all()
    .filter((e) => e.seq > mark && e.operation !== null && e.operation !== 'token.issue');
const lastSeq = (sandbox: Sandbox): number => sandbox.requestLog.all().at(-1)?.seq ?? 0;
const auditMark = async (store: Store): Promise<number> => (await store.audit.list({ limit: 1 }))[0]?.id ?? 0;
async function refusalsSince(store: Store, mark: number): Promise<AuditEvent[]> {
  return (await store.audit.list({ limit: 10_000 })).filter(
    (e) => (e.id ?? 0) > mark && e.type === 'action.refused',
  );
}

describe('security matrix: incident containment', () => {
  let bot: BotHarness;

  beforeAll(async () => {
    // Only the approvers group (Joni, Irvin) responds to incidents: requesters are not responders.
    bot = await startBotHarness({ INCIDENT_RESPONDER_GROUP_IDS: seeded.groups.lifecycleApprovers });
  });
  afterAll(async () => {
    await bot.close();
  });

  it.each([
    ['an ordinary member', personas.ordinary],
    ['a requester who is not a responder', personas.operator],
  ])('refuses `contain` from %s, audits it and changes nothing', async (_label, persona) => {
    const seq = lastSeq(bot.sandbox);
    const mark = await auditMark(bot.store);
    const text = textOf(await bot.say(persona, 'contain adele.vance@contoso.com'));
    expect(text).toContain('Only members of the incident responders group can contain an account.');
    const refusals = await refusalsSince(bot.store, mark);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]?.actor).toMatchObject({ aadObjectId: persona.aadObjectId });
    expect(refusals[0]?.details).toMatchObject({ action: 'contain' });
    expect(writesAfter(bot.sandbox, seq)).toEqual([]);
    expect(await bot.store.requests.listBySubject('adele.vance@contoso.com')).toEqual([]);
  });

  it('refuses a forged `contain` card verb and audits it', async () => {
    const seq = lastSeq(bot.sandbox);
    const mark = await auditMark(bot.store);
    const { body } = await bot.click(personas.ordinary, 'contain', {
      userPrincipalName: 'adele.vance@contoso.com',
    });
    expect(String(body?.value)).not.toContain('started');
    expect(await refusalsSince(bot.store, mark)).toHaveLength(1);
    expect(writesAfter(bot.sandbox, seq)).toEqual([]);
    expect(await bot.store.requests.listBySubject('adele.vance@contoso.com')).toEqual([]);
  });

  it('refuses an approval of a containment by someone outside the responders group', async () => {
    const card = cardIn(await bot.say(personas.approver, 'contain adele.vance@contoso.com'));
    const approve = actionsOf(card).find((a) => a.title === 'Approve');
    if (!approve) throw new Error(`no approval card: ${JSON.stringify(card)}`);
    const requestId = String(approve.data['requestId']);
    const seq = lastSeq(bot.sandbox);
    const mark = await auditMark(bot.store);
    for (const persona of [personas.operator, personas.ordinary]) {
      const { body } = await bot.click(persona, approve.verb, approve.data);
      expect(String(body?.value)).toContain('Only another member of the incident responders group');
    }
    const refusals = await refusalsSince(bot.store, mark);
    expect(refusals.map((e) => e.details['action'])).toEqual(['approve', 'approve']);
    expect((await bot.store.requests.get(requestId))?.state).toBe('awaiting-approval');
    expect(writesAfter(bot.sandbox, seq)).toEqual([]);
    expect(bot.sandbox.state.directory.getUser(U.adeleVance)?.accountEnabled).toBe(true);
  });
});

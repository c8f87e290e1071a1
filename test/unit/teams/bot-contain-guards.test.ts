import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/core/model.js';
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
const G = seeded.groups;

async function refusalsSince(bot: BotHarness, mark: number): Promise<AuditEvent[]> {
  return (await bot.store.audit.list({ limit: 10_000 })).filter(
    (e) => (e.id ?? 0) > mark && e.type === 'action.refused',
  );
}
const auditMark = async (bot: BotHarness): Promise<number> =>
  (await bot.store.audit.list({ limit: 1 }))[0]?.id ?? 0;

describe('incident containment: what still needs the usual guards (CONTAIN_REQUIRES_APPROVAL=false)', () => {
  let bot: BotHarness;

  beforeAll(async () => {
    // Isaiah and Miriam (requesters) respond to incidents; Joni and Irvin approve offboardings.
    bot = await startBotHarness({
      INCIDENT_RESPONDER_GROUP_IDS: G.lifecycleRequesters,
      CONTAIN_REQUIRES_APPROVAL: 'false',
    });
  });
  afterAll(async () => {
    await bot.close();
  });

  it('runs nothing on a protected account until a second responder approves', async () => {
    const card = cardIn(await bot.say(personas.operator, 'contain patti.fernandez@contoso.com'));
    const approve = actionsOf(card).find((a) => a.title === 'Approve');
    if (!approve) throw new Error(`no approval card: ${JSON.stringify(card)}`);
    const requestId = String(approve.data['requestId']);
    const request = await bot.store.requests.get(requestId);
    expect(request).toMatchObject({ state: 'awaiting-approval', approvalsRequired: 2 });
    expect(request?.runId).toBeUndefined();
    // The requester's own approval is refused (four eyes); a non-responder's is refused.
    const own = await bot.click(personas.operator, approve.verb, approve.data);
    expect(String(own.body?.value)).toContain('Four eyes');
    const other = await bot.click(personas.approver, approve.verb, approve.data);
    expect(String(other.body?.value)).toContain('incident responders group');
    // One other responder is not enough for a protected account: still nothing runs.
    await bot.click(personas.operator2, approve.verb, approve.data);
    await bot.services.coordinator.idle();
    const after = await bot.store.requests.get(requestId);
    expect(after?.state).toBe('awaiting-approval');
    expect(after?.runId).toBeUndefined();
    expect(bot.sandbox.state.directory.getUser(U.pattiFernandez)?.accountEnabled).toBe(true);
    await bot.click(personas.operator, 'request.cancel', { requestId, version: after?.version });
  });

  it('lets only the requester confirm the drafted offboarding, through the normal card, then an approver', async () => {
    expect(textOf(await bot.say(personas.operator, 'contain adele.vance@contoso.com'))).toContain(
      'Containment of Adele Vance started',
    );
    await bot.services.coordinator.idle();
    const requests = await bot.store.requests.listBySubject('adele.vance@contoso.com');
    expect(requests.find((r) => r.kind === 'contain')?.state).toBe('completed');
    const draft = requests.find((r) => r.kind === 'offboard');
    if (!draft) throw new Error('no drafted offboarding');
    expect(draft).toMatchObject({ state: 'awaiting-confirmation', approvalsRequired: 1 });
    expect(draft.requester.aadObjectId).toBe(personas.operator.aadObjectId);
    const data = { requestId: draft.id, version: draft.version };

    // Nobody else confirms it, nor approves it before it is confirmed; each refusal is audited.
    const mark = await auditMark(bot);
    const byOther = await bot.click(personas.operator2, 'offboard.confirm', data);
    expect(String(byOther.body?.value)).toContain('Only the requester');
    const byOrdinary = await bot.click(personas.ordinary, 'offboard.confirm', data);
    expect(String(byOrdinary.body?.value)).not.toContain('approval');
    const early = await bot.click(personas.approver, 'request.approve', data);
    expect(String(early.body?.value)).not.toMatch(/approved/i);
    expect((await refusalsSince(bot, mark)).length).toBeGreaterThanOrEqual(2);
    expect((await bot.store.requests.get(draft.id))?.state).toBe('awaiting-confirmation');
    // A contain card's verbs don't confirm it either.
    const wrongKind = await bot.click(personas.operator, 'revoke.confirm', data);
    expect(String(wrongKind.body?.value)).toContain('does not belong');
    expect((await bot.store.requests.get(draft.id))?.state).toBe('awaiting-confirmation');

    // Another requester's `status` shows no card to confirm; the requester's does.
    const foreign = await bot.say(personas.operator2, `status ${draft.id}`);
    expect(textOf(foreign)).toContain('not one of yours');
    expect(cardIn(foreign)).toBeUndefined();
    const card = cardIn(await bot.say(personas.operator, `status ${draft.id}`));
    expect(JSON.stringify(card)).toContain('Offboard Adele Vance');
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    if (!confirm) throw new Error(`no Confirm on the drafted offboarding: ${JSON.stringify(card)}`);
    expect(confirm.verb).toBe('offboard.confirm');

    // Confirmed, it waits for an approver even though the containment needed none.
    const confirmed = await bot.click(personas.operator, confirm.verb, confirm.data);
    const approvalCard = cardIn(confirmed.replies);
    const approve = actionsOf(approvalCard).find((a) => a.title === 'Approve');
    if (!approve) throw new Error(`no approval card: ${JSON.stringify(confirmed)}`);
    expect((await bot.store.requests.get(draft.id))?.state).toBe('awaiting-approval');
    const own = await bot.click(personas.operator, approve.verb, approve.data);
    expect(String(own.body?.value)).toContain('Four eyes');
    expect((await bot.store.requests.get(draft.id))?.runId).toBeUndefined();

    await bot.click(personas.approver, approve.verb, approve.data);
    await bot.services.coordinator.idle();
    const done = await bot.store.requests.get(draft.id);
    expect(done?.state).toMatch(/^completed/);
    expect(done?.approvals.map((a) => a.approver.aadObjectId)).toEqual([personas.approver.aadObjectId]);
    const run = await bot.store.runs.get(done?.runId ?? '');
    expect(run?.plan.steps.map((s) => s.stepId)).toEqual(
      expect.arrayContaining(['exo.convert-to-shared', 'entra.remove-licences']),
    );
  }, 240_000);
});

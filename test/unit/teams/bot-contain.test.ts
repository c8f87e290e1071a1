import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seeded } from '../../../src/sandbox/index.js';
import { seededDevices } from '../../../src/sandbox/seed/checklist-seed.js';
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

describe('incident containment through the bot (TestAdapter, real connectors against the sandbox)', () => {
  let bot: BotHarness;

  beforeAll(async () => {
    // Isaiah and Miriam (requesters) and Joni and Irvin (approvers) are the incident responders.
    bot = await startBotHarness({
      INCIDENT_RESPONDER_GROUP_IDS: `${G.lifecycleRequesters},${G.lifecycleApprovers}`,
    });
  });
  afterAll(async () => {
    await bot.close();
  });

  async function approvalFor(upn: string) {
    const replies = await bot.say(personas.operator, `contain ${upn}`);
    const card = cardIn(replies);
    const approve = actionsOf(card).find((a) => a.title === 'Approve');
    if (!approve) throw new Error(`no approval card for ${upn}: ${JSON.stringify(replies)}`);
    return { card, approve, requestId: String(approve.data['requestId']) };
  }

  const auditTypes = async (requestId: string): Promise<string[]> =>
    (await bot.store.audit.list({ requestId, limit: 100 })).map((e) => e.type);

  it('contains a user once another responder approves: every system cut off, timeline, offboarding drafted', async () => {
    const before = bot.sandbox.state.directory.getUser(U.adeleVance);
    expect(before?.accountEnabled).toBe(true);
    expect(bot.sandbox.state.exchange.rightsHeldBy(U.adeleVance).length).toBeGreaterThan(0);

    const { card, approve, requestId } = await approvalFor('adele.vance@contoso.com');
    expect(JSON.stringify(card)).toContain('Incident containment of Adele Vance');
    expect((await bot.store.requests.get(requestId))?.state).toBe('awaiting-approval');
    // The requester can't approve their own containment.
    const self = await bot.click(personas.operator, approve.verb, approve.data);
    expect(String(self.body?.value)).toContain('Four eyes');

    // A method registered after the approval card was drawn is still removed: the click plans it again.
    bot.sandbox.state.checklist.addAuthMethod({
      userId: U.adeleVance,
      id: 'b0000000-0000-4000-8000-0000000000aa',
      odataType: '#microsoft.graph.softwareOathAuthenticationMethod',
      properties: { secretKey: null },
      isDefault: false,
    });
    await bot.click(personas.operator2, approve.verb, approve.data);
    await bot.services.coordinator.idle();

    const request = await bot.store.requests.get(requestId);
    expect(request?.state).toBe('completed');
    expect(request?.approvals.map((a) => a.approver.aadObjectId)).toEqual([personas.operator2.aadObjectId]);

    const user = bot.sandbox.state.directory.getUser(U.adeleVance);
    expect(user?.accountEnabled).toBe(false);
    expect(user?.signInSessionsValidFromDateTime).not.toBe(before?.signInSessionsValidFromDateTime);
    expect(user?.lastPasswordChangeDateTime).not.toBe(before?.lastPasswordChangeDateTime);
    const checklist = bot.sandbox.state.checklist;
    expect(checklist.authMethods(U.adeleVance).map((m) => m.odataType)).toEqual([
      '#microsoft.graph.passwordAuthenticationMethod',
    ]);
    expect(checklist.casSettings(U.adeleVance)).toMatchObject({
      ActiveSyncEnabled: false,
      OWAEnabled: false,
      PopEnabled: false,
      ImapEnabled: false,
    });
    expect(checklist.getManagedDevice(seededDevices.personalPhone)?.managementState).toBe('retirePending');
    // No wipe unless asked for.
    expect(checklist.getManagedDevice(seededDevices.corporateLaptop)?.managementState).toBe('managed');
    expect(bot.sandbox.state.exchange.rightsHeldBy(U.adeleVance)).toEqual([]);
    expect(bot.sandbox.state.exchange.folderPermissionsHeldBy(U.adeleVance)).toEqual([]);

    // The steps that cut the user off, and nothing of the offboarding's handover.
    const run = await bot.store.runs.get(request?.runId ?? '');
    const stepIds = run?.plan.steps.map((s) => s.stepId) ?? [];
    expect(stepIds[0]).toBe('entra.revoke-sessions');
    expect(stepIds).toEqual(
      expect.arrayContaining([
        'entra.block-sign-in',
        'entra.reset-password',
        'entra.remove-sign-in-methods',
        'exo.block-mail-clients',
        'intune.retire-devices',
        'exo.revoke-full-access',
      ]),
    );
    expect(stepIds).not.toContain('exo.convert-to-shared');
    expect(stepIds).not.toContain('entra.remove-licences');

    const timeline = bot.gateway.messages.find((m) =>
      JSON.stringify(m.activity).includes('Containment timeline of Adele Vance'),
    );
    const timelineText = JSON.stringify(timeline?.activity);
    expect(timelineText).toContain('Cut off from every system');
    for (const system of ['Entra ID', 'Exchange Online', 'Intune', 'Other mailboxes']) {
      expect(timelineText).toContain(`**${system}**: cut off at`);
    }
    expect(timelineText).toContain('Took longest');

    // The normal offboarding is drafted for IT, delegate defaulting to the manager.
    const drafts = (await bot.store.requests.listBySubject('adele.vance@contoso.com')).filter(
      (r) => r.kind === 'offboard',
    );
    expect(drafts).toHaveLength(1);
    const draft = drafts[0];
    expect(draft?.state).toBe('awaiting-confirmation');
    expect((draft?.options as { delegate?: { id: string } }).delegate?.id).toBe(U.meganBowen);
    expect(draft?.options).toMatchObject({ convertToShared: true, removeLicences: true });
    expect(timelineText).toContain(`Offboarding ${draft?.id} drafted for IT`);
    expect(await auditTypes(requestId)).toEqual(
      expect.arrayContaining([
        'request.created',
        'request.awaiting-approval',
        'request.approved',
        'request.completed',
        'action.refused',
      ]),
    );
  });

  it('refuses contain from someone outside the incident responders group, and audits it', async () => {
    const refusedBefore = (await bot.store.audit.list({ limit: 1000 })).filter(
      (e) => e.type === 'action.refused',
    ).length;
    const text = textOf(await bot.say(personas.ordinary, 'contain megan.bowen@contoso.com'));
    expect(text).toContain('incident responders group');
    const refused = (await bot.store.audit.list({ limit: 1000 })).filter((e) => e.type === 'action.refused');
    expect(refused).toHaveLength(refusedBefore + 1);
    const byOrdinary = refused.filter(
      (e) => (e.actor as { aadObjectId?: string }).aadObjectId === personas.ordinary.aadObjectId,
    );
    expect(byOrdinary.map((e) => e.details['action'])).toContain('contain');
    expect(await bot.store.requests.listBySubject('megan.bowen@contoso.com')).toEqual([]);
    expect(bot.sandbox.state.directory.getUser(U.meganBowen)?.accountEnabled).toBe(true);
  });

  it('refuses an approval by a non-responder', async () => {
    const { approve, requestId } = await approvalFor('megan.bowen@contoso.com');
    const refused = await bot.click(personas.ordinary, approve.verb, approve.data);
    expect(String(refused.body?.value)).toContain('incident responders group');
    expect((await bot.store.requests.get(requestId))?.state).toBe('awaiting-approval');
    expect(bot.sandbox.state.directory.getUser(U.meganBowen)?.accountEnabled).toBe(true);
    await bot.click(personas.operator, 'request.cancel', {
      requestId,
      version: Number(approve.data['version']),
    });
  });

  it('needs a second responder for a protected account, and the timeline says what was not cut off', async () => {
    const { card, approve, requestId } = await approvalFor('patti.fernandez@contoso.com');
    expect((await bot.store.requests.get(requestId))?.approvalsRequired).toBe(2);
    expect(JSON.stringify(card)).toContain('Incident containment of Patti Fernandez');
    const first = await bot.click(personas.operator2, approve.verb, approve.data);
    const afterFirst = await bot.store.requests.get(requestId);
    expect(afterFirst?.state).toBe('awaiting-approval');
    expect(bot.sandbox.state.directory.getUser(U.pattiFernandez)?.accountEnabled).toBe(true);
    const again = actionsOf(first.body?.value).find((a) => a.title === 'Approve');
    if (!again) throw new Error('no Approve after the first approval');
    await bot.click(personas.approver, again.verb, again.data);
    await bot.services.coordinator.idle();
    // Patti holds a privileged role: the tenant refuses the app to block or reset her in Entra.
    expect((await bot.store.requests.get(requestId))?.state).toBe('completed-with-errors');
    const timeline = bot.gateway.messages.find((m) =>
      JSON.stringify(m.activity).includes('Containment timeline of Patti Fernandez'),
    );
    const text = JSON.stringify(timeline?.activity);
    expect(text).toContain('**Entra ID**: NOT cut off');
    expect(text).toContain('act on the others now');
    expect(text).toContain('Insufficient privileges');
  });
});

describe('incident containment without approval (CONTAIN_REQUIRES_APPROVAL=false)', () => {
  let bot: BotHarness;

  beforeAll(async () => {
    bot = await startBotHarness({
      INCIDENT_RESPONDER_GROUP_IDS: G.lifecycleRequesters,
      CONTAIN_REQUIRES_APPROVAL: 'false',
    });
  });
  afterAll(async () => {
    await bot.close();
  });

  it('starts at once, audited, and still needs a second responder for a protected account', async () => {
    const text = textOf(await bot.say(personas.operator, 'contain adele.vance@contoso.com'));
    expect(text).toContain('Containment of Adele Vance started');
    await bot.services.coordinator.idle();
    const request = (await bot.store.requests.listBySubject('adele.vance@contoso.com')).find(
      (r) => r.kind === 'contain',
    );
    expect(request?.state).toBe('completed');
    const types = (await bot.store.audit.list({ requestId: request?.id ?? '', limit: 100 })).map(
      (e) => e.type,
    );
    expect(types).toEqual(
      expect.arrayContaining(['request.created', 'request.approved', 'request.completed']),
    );
    expect(bot.sandbox.state.directory.getUser(U.adeleVance)?.accountEnabled).toBe(false);

    const replies = await bot.say(personas.operator, 'contain patti.fernandez@contoso.com');
    expect(actionsOf(cardIn(replies)).some((a) => a.title === 'Approve')).toBe(true);
    const [protectedRequest] = await bot.store.requests.listBySubject('patti.fernandez@contoso.com');
    expect(protectedRequest?.state).toBe('awaiting-approval');
    expect(protectedRequest?.approvalsRequired).toBe(2);
  });

  it('refuses arguments other than a UPN and the wipe option', async () => {
    const text = textOf(await bot.say(personas.operator, 'contain adele vance'));
    expect(text).toContain('Whom to contain?');
  });
});

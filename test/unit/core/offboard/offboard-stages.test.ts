import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { LifecycleRequest, Principal } from '../../../../src/core/model.js';
import { DelegationExtensions } from '../../../../src/core/offboard/delegation-extension.js';
import { offboardOptionsSchema } from '../../../../src/core/offboard/offboard-input.js';
import {
  expiryNoticeQueueKind,
  expiryQueueKind,
  expiryRunId,
  OffboardStages,
  type ExpiryPayload,
} from '../../../../src/core/offboard/offboard-stages.js';
import { defaultStagePolicy } from '../../../../src/core/offboard/stage-policy.js';
import type { Ports } from '../../../../src/core/ports/index.js';
import { Runner } from '../../../../src/core/runner/runner.js';
import { seeded } from '../../../../src/sandbox/index.js';
import { TeamsNotifier } from '../../../../src/teams/teams-notifier.js';
import { TeamsStageNotifier } from '../../../../src/teams/teams-stage-notifier.js';
import { personas, startBotHarness, tenantId, type BotHarness } from '../../../support/bot-harness.js';
import { FakeClock } from '../support/fake-clock.js';

const U = seeded.users;
const dayMs = 86_400_000;
const adele = 'adele.vance@contoso.com';
const megan = { id: U.meganBowen, userPrincipalName: 'megan.bowen@contoso.com', displayName: 'Megan Bowen' };
const meganActor: Principal = { aadObjectId: U.meganBowen, tenantId, displayName: 'Megan Bowen' };
const approver: Principal = {
  aadObjectId: personas.approver.aadObjectId,
  tenantId,
  displayName: personas.approver.name,
};

/** Moves the fake clock forward by `ms` (its time only moves through sleeps). */
async function advance(clock: FakeClock, ms: number): Promise<void> {
  await clock.sleep(ms);
}

describe('offboarding stages: delegation expiry (real connectors against the sandbox, fake clock)', () => {
  let bot: BotHarness;
  const clock = new FakeClock(Date.parse('2026-11-23T09:00:00Z'));
  let ports: Ports;
  let seq = 0;

  beforeAll(async () => {
    bot = await startBotHarness();
    ports = { ...bot.services.ports, clock };
    // A conversation reference to open 1:1 chats from (the bot has been talked to).
    await bot.say(personas.operator, 'help');
  });
  afterAll(async () => {
    await bot.close();
  });

  /** One instance of the stage services on the shared store: a restart is a new one. */
  function instance(owner: string) {
    const logger = pino({ level: 'silent' });
    const runner = new Runner({ store: bot.store, steps: bot.services.flows.steps(), ports, owner, clock });
    const notifier = new TeamsStageNotifier({
      notifier: new TeamsNotifier({
        gateway: bot.gateway,
        conversations: bot.store.conversations,
        messaging: ports.messaging,
        tenantId,
        teamsAppId: undefined,
        senderUserPrincipalName: undefined,
        logger,
      }),
      gateway: bot.gateway,
      conversations: bot.store.conversations,
      approvalsConversationKey: undefined,
      logger,
    });
    const inputFor = (request: LifecycleRequest) => bot.services.deps.offboard.inputFor(request);
    const stages = new OffboardStages({
      store: bot.store,
      runner,
      inputFor,
      ports,
      notifier,
      policy: defaultStagePolicy,
      protection: bot.services.deps.policy,
      clock,
      log: logger,
    });
    const extensions = new DelegationExtensions({
      store: bot.store,
      inputFor,
      policy: bot.services.deps.policy,
      stagePolicy: defaultStagePolicy,
      notifier,
      clock,
      tenantId,
    });
    return { stages, extensions };
  }

  /** Adele's offboarding, completed now, with Megan as delegate; its leave run is stored. */
  async function completedOffboarding(): Promise<LifecycleRequest> {
    seq++;
    const id = `REQ-20261123-STAGE${'ABCDEFGH'[seq] ?? 'Z'}`;
    const now = new Date(clock.now()).toISOString();
    const request: LifecycleRequest = {
      id,
      kind: 'offboard',
      subject: { id: U.adeleVance, userPrincipalName: adele, displayName: 'Adele Vance', isSynced: false },
      options: { ...offboardOptionsSchema.parse({}), delegate: megan },
      requester: {
        aadObjectId: personas.operator.aadObjectId,
        tenantId,
        displayName: personas.operator.name,
      },
      approvals: [],
      approvalsRequired: 1,
      state: 'completed',
      version: 5,
      runId: `${id}-leave`,
      createdAt: now,
      updatedAt: now,
    };
    await bot.store.requests.create(request);
    await bot.store.runs.create({
      id: `${id}-leave`,
      requestId: id,
      status: 'completed',
      plan: { steps: [] },
      input: bot.services.deps.offboard.inputFor(request),
    });
    return request;
  }

  /** What the offboarding gave Megan, made through the real connectors. */
  async function grantMeganEverything(): Promise<string> {
    await ports.mailbox.addFullAccess(adele, megan.userPrincipalName, true);
    await ports.mailbox.addSendAs(adele, megan.userPrincipalName);
    const drive = await ports.files.getOneDrive(U.adeleVance);
    if (!drive) throw new Error('Adele has no OneDrive in the sandbox');
    await ports.files.addSiteAdmin(drive.siteUrl, megan.userPrincipalName);
    return drive.siteUrl;
  }

  async function meganAccess(siteUrl: string) {
    const fullAccess = (await ports.mailbox.listFullAccess(adele)).some(
      (g) => !g.isDeny && g.trustee.toLowerCase() === megan.userPrincipalName,
    );
    const sendAs = (await ports.mailbox.listSendAsByTrustee(megan.userPrincipalName)).some(
      (g) => g.mailbox.toLowerCase() === adele,
    );
    const siteAdmin = (await ports.files.listSiteAdmins(siteUrl)).some(
      (a) => a.toLowerCase() === megan.userPrincipalName,
    );
    return { fullAccess, sendAs, siteAdmin };
  }

  const expiryNotices = (requestId: string) =>
    bot.gateway.messages.filter(
      (m) =>
        m.conversationId === `personal-${U.meganBowen}` &&
        JSON.stringify(m.activity.attachments ?? []).includes('delegation.extend') &&
        JSON.stringify(m.activity.attachments ?? []).includes(requestId),
    );

  it('removes the delegate’s FullAccess, SendAs and OneDrive access at the due time, not before, in a run of its own; the stage shows in status', async () => {
    const siteUrl = await grantMeganEverything();
    const request = await completedOffboarding();
    const first = instance('instance-a');
    await first.stages.schedule(request);

    await advance(clock, 30 * dayMs - 60_000);
    await first.stages.processDue();
    expect(await bot.store.runs.get(expiryRunId(request.id))).toBeNull();
    expect(await meganAccess(siteUrl)).toEqual({ fullAccess: true, sendAs: true, siteAdmin: true });

    await advance(clock, 60_000);
    await first.stages.processDue();
    const run = await bot.store.runs.get(expiryRunId(request.id));
    expect(run?.status).toBe('completed');
    expect(await meganAccess(siteUrl)).toEqual({ fullAccess: false, sendAs: false, siteAdmin: false });
    const applied = (await bot.store.journal.list(expiryRunId(request.id))).filter(
      (e) => e.phase === 'applied',
    );
    expect(applied.map((e) => `${e.stepId} ${e.changeKey ?? ''}`).sort()).toEqual([
      'exo.expire-delegate-access fullaccess:megan.bowen@contoso.com',
      'exo.expire-delegate-access sendas:megan.bowen@contoso.com',
      'spo.expire-delegate-access site-admin:megan.bowen@contoso.com',
    ]);
    // The offboarding's own run and state are untouched.
    expect((await bot.store.requests.get(request.id))?.state).toBe('completed');

    const replies = await bot.say(personas.operator, `status ${request.id}`);
    const text = replies.map((r) => r.text ?? '').join('\n');
    expect(text).toContain('Stages:');
    expect(text).toMatch(
      /Delegate's mailbox and OneDrive access ends · 2026-12-23 09:00 UTC · done \(3\/3 changes\)/,
    );
  });

  it('sends the delegate a notice with Extend 7 days before; Extend, then an approval, moves the expiry', async () => {
    const siteUrl = await grantMeganEverything();
    const request = await completedOffboarding();
    const { stages, extensions } = instance('instance-b');
    await stages.schedule(request);
    const dueMs = clock.now() + 30 * dayMs;

    await advance(clock, 23 * dayMs - 60_000);
    await stages.processDue();
    expect(expiryNotices(request.id)).toHaveLength(0);
    await advance(clock, 60_000);
    await stages.processDue();
    expect(expiryNotices(request.id)).toHaveLength(1);

    // Someone other than the delegate can't ask; the delegate can, once.
    const byOther = await extensions.request(approver, request.id, 1);
    expect(byOther).toMatchObject({ isDone: false, message: expect.stringContaining('Only the delegate') });
    expect(await extensions.request(meganActor, request.id, 1)).toMatchObject({ isDone: true });
    expect(await extensions.request(meganActor, request.id, 1)).toMatchObject({
      isDone: false,
      message: expect.stringContaining('already waiting'),
    });
    // The delegate can't approve their own extension.
    expect(await extensions.approve(meganActor, request.id, 1)).toMatchObject({ isDone: false });
    expect(await extensions.approve(approver, request.id, 1)).toMatchObject({ isDone: true });
    // A second click (or a replay) is refused: the card's version is gone.
    expect(await extensions.approve(approver, request.id, 1)).toMatchObject({ isDone: false });

    const expiry = await bot.store.queue.get(expiryQueueKind, request.id);
    const payload = expiry?.payload as ExpiryPayload;
    expect(payload.dueMs).toBe(dueMs + 30 * dayMs);
    expect(payload.version).toBe(2);
    expect(expiry?.nextAttemptAt).toBe(dueMs + 30 * dayMs);
    expect((await bot.store.queue.get(expiryNoticeQueueKind, request.id))?.nextAttemptAt).toBe(
      dueMs + 23 * dayMs,
    );
    const decided = bot.gateway.messages.filter(
      (m) =>
        m.conversationId === `personal-${U.meganBowen}` &&
        JSON.stringify(m.activity.attachments ?? []).includes('extended your access'),
    );
    expect(decided).toHaveLength(1);

    // At the old due time nothing ends; the old notice's Extend is stale.
    await advance(clock, 7 * dayMs);
    await stages.processDue();
    expect(await bot.store.runs.get(expiryRunId(request.id))).toBeNull();
    expect((await meganAccess(siteUrl)).fullAccess).toBe(true);
    expect(await extensions.request(meganActor, request.id, 1)).toMatchObject({
      isDone: false,
      message: expect.stringContaining('out of date'),
    });
    const types = (await bot.store.audit.list({ requestId: request.id })).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'delegation.extension-requested',
        'delegation.extension-approved',
        'action.refused',
      ]),
    );

    // The new notice comes 7 days before the new due time, then the expiry.
    await advance(clock, 23 * dayMs - 60_000);
    await stages.processDue();
    expect(expiryNotices(request.id)).toHaveLength(1);
    await advance(clock, 60_000);
    await stages.processDue();
    expect(expiryNotices(request.id)).toHaveLength(2);
    await advance(clock, 7 * dayMs);
    await stages.processDue();
    expect((await bot.store.runs.get(expiryRunId(request.id)))?.status).toBe('completed');
    expect(await meganAccess(siteUrl)).toEqual({ fullAccess: false, sendAs: false, siteAdmin: false });
  });

  it('a restart between stages loses nothing: a new instance takes the due expiry over once its holder’s claim lapses, and runs it once', async () => {
    const siteUrl = await grantMeganEverything();
    const request = await completedOffboarding();
    await instance('instance-d').stages.schedule(request);
    await advance(clock, 30 * dayMs);
    // An instance claims the due expiry and dies before doing anything.
    const held = await bot.store.queue.claimDue(expiryQueueKind, clock.now(), 10, 600_000);
    expect(held.map((i) => i.key)).toContain(request.id);

    const restarted = instance('instance-e');
    await restarted.stages.processDue();
    expect(await bot.store.runs.get(expiryRunId(request.id))).toBeNull();
    await advance(clock, 600_000);
    await restarted.stages.processDue();
    expect((await bot.store.runs.get(expiryRunId(request.id)))?.status).toBe('completed');
    expect(await meganAccess(siteUrl)).toEqual({ fullAccess: false, sendAs: false, siteAdmin: false });
    // Due again later: the stage is done and never runs a second time.
    await advance(clock, 600_000);
    await restarted.stages.processDue();
    const journal = await bot.store.journal.list(expiryRunId(request.id));
    expect(journal.filter((e) => e.phase === 'applied')).toHaveLength(3);
    expect((await bot.store.queue.get(expiryQueueKind, request.id))?.status).toBe('done');
  });

  it('a rejected extension leaves the expiry where it was', async () => {
    const request = await completedOffboarding();
    const { stages, extensions } = instance('instance-c');
    await stages.schedule(request);
    const dueMs = clock.now() + 30 * dayMs;
    expect(await extensions.request(meganActor, request.id, 1)).toMatchObject({ isDone: true });
    expect(await extensions.reject(approver, request.id, 1, 'The handover is done')).toMatchObject({
      isDone: true,
    });
    const expiry = await bot.store.queue.get(expiryQueueKind, request.id);
    expect((expiry?.payload as ExpiryPayload).dueMs).toBe(dueMs);
    expect(expiry?.nextAttemptAt).toBe(dueMs);
    const types = (await bot.store.audit.list({ requestId: request.id })).map((e) => e.type);
    expect(types).toContain('delegation.extension-rejected');
  });
  it('an expiry due while the offboarding runs again waits for it; a cancelled offboarding cancels the stage, audited', async () => {
    const request = await completedOffboarding();
    const { stages } = instance('instance-f');
    await stages.schedule(request);
    await bot.store.requests.update({ ...request, state: 'running', version: 6 }, 5);
    await advance(clock, 30 * dayMs);
    await stages.processDue();
    expect(await bot.store.runs.get(expiryRunId(request.id))).toBeNull();
    expect((await bot.store.queue.get(expiryQueueKind, request.id))?.status).toBe('pending');

    await bot.store.requests.update({ ...request, state: 'cancelled', version: 7 }, 6);
    await advance(clock, 600_000);
    await stages.processDue();
    expect(await bot.store.runs.get(expiryRunId(request.id))).toBeNull();
    const view = await stages.stagesOf({ ...request, state: 'cancelled' });
    expect(view.find((s) => s.id === 'delegation-expiry')?.state).toBe('cancelled');
    const cancelled = (await bot.store.audit.list({ requestId: request.id })).find(
      (e) => e.type === 'stage.cancelled',
    );
    expect(cancelled?.details['reason']).toBe('the offboarding is cancelled');
  });

  it('an offboarding with an undo refuses Extend and cancels its notice and expiry, audited', async () => {
    const request = await completedOffboarding();
    const { stages, extensions } = instance('instance-g');
    await stages.schedule(request);
    const undoId = `${request.id.slice(0, -1)}U`;
    await bot.store.requests.create({
      ...request,
      id: undoId,
      kind: 'undo',
      options: { targetRequestId: request.id },
      state: 'awaiting-approval',
      version: 1,
    });
    const expected = `The offboarding ${request.id} has an undo (${undoId}, awaiting-approval)`;
    expect(await extensions.request(meganActor, request.id, 1)).toEqual({
      isDone: false,
      message: `${expected}: its delegation has no expiry to extend.`,
    });
    await advance(clock, 30 * dayMs);
    await stages.processDue();
    expect(await bot.store.runs.get(expiryRunId(request.id))).toBeNull();
    expect(expiryNotices(request.id)).toHaveLength(0);
    const reasons = (await bot.store.audit.list({ requestId: request.id }))
      .filter((e) => e.type === 'stage.cancelled')
      .map((e) => e.details['reason']);
    expect(reasons).toEqual([expected, expected]);
  });
});

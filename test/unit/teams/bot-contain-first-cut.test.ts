import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../../src/sandbox/behaviours/request-log.js';
import { seeded } from '../../../src/sandbox/index.js';
import { SqlStore } from '../../../src/store/index.js';
import { actionsOf, cardIn, personas, startBotHarness, type BotHarness } from '../../support/bot-harness.js';

const U = seeded.users;
const G = seeded.groups;

const isRevoke = (e: RequestLogEntry): boolean => e.operation === 'user.revoke-sessions';
/** A read the containment plan makes (devices, sign-in methods, Exchange), or any write. */
const isPlanReadOrWrite = (e: RequestLogEntry): boolean =>
  e.operation !== null ||
  e.service !== 'graph' ||
  /\/(managedDevices|authentication|registeredDevices)/.test(e.path);

/** What the sandbox answered after `mark`, and the position of the first session revocation in it. */
function requestsSince(bot: BotHarness, mark: number): { log: RequestLogEntry[]; revokeAt: number } {
  const log = bot.sandbox.requestLog.all().filter((e) => e.seq > mark);
  return { log, revokeAt: log.findIndex(isRevoke) };
}

const lastSeq = (bot: BotHarness): number => bot.sandbox.requestLog.all().at(-1)?.seq ?? 0;

async function expectCutOnce(bot: BotHarness, requestId: string, subjectId: string): Promise<void> {
  const request = await bot.store.requests.get(requestId);
  expect(request?.state).toBe('completed');
  const runId = request?.runId ?? '';
  const journal = await bot.store.journal.list(runId);
  const changes = (stepId: string, key: string) =>
    journal.filter((e) => e.stepId === stepId && e.changeKey === key).map((e) => e.phase);
  // Journaled once, like any change, ahead of everything else of the run, then verified by the run.
  expect(changes('entra.revoke-sessions', 'revoke')).toEqual(['applying', 'applied']);
  expect(journal.slice(0, 2).map((e) => `${e.stepId} ${e.phase}`)).toEqual([
    'entra.revoke-sessions applying',
    'entra.revoke-sessions applied',
  ]);
  const verified = journal.filter((e) => e.changeKey === undefined && e.phase === 'verified');
  expect(verified.map((e) => e.stepId)).toContain('entra.revoke-sessions');
  // Blocking sign-in and the cloud password reset still run, once each.
  expect(changes('entra.block-sign-in', 'block')).toEqual(['applying', 'applied']);
  expect(changes('entra.reset-password', 'password')).toEqual(['applying', 'applied']);
  // Applied once against the tenant, audited once.
  const onSubject = (op: string) =>
    bot.sandbox.requestLog.applied(op).filter((e) => e.path.includes(subjectId)).length;
  expect(onSubject('user.revoke-sessions')).toBe(1);
  expect(onSubject('user.disable')).toBe(1);
  const audited = (await bot.store.audit.list({ requestId, limit: 500 })).filter(
    (e) => e.type === 'step.applied' && e.details['stepId'] === 'entra.revoke-sessions',
  );
  expect(audited).toHaveLength(1);
  expect(audited[0]?.runId).toBe(runId);
  // The request's hash chain holds the cut's audit event and journal entries, intact.
  const store = bot.store;
  if (!(store instanceof SqlStore)) throw new Error('the harness runs the SQL store');
  const auditCount = (await store.audit.list({ requestId, limit: 1000 })).length;
  const verdict = await store.chains.verify(requestId);
  expect(verdict).toMatchObject({ isIntact: true, length: auditCount + journal.length });
  // The run's plan lists the revocation first, with the rest.
  const run = await bot.store.runs.get(runId);
  expect(run?.plan.steps[0]?.changes.map((c) => c.key)).toEqual(['revoke']);
}

describe('containment: the first cut goes out at the approval that releases it', () => {
  let bot: BotHarness;

  beforeAll(async () => {
    bot = await startBotHarness({
      INCIDENT_RESPONDER_GROUP_IDS: `${G.lifecycleRequesters},${G.lifecycleApprovers}`,
    });
  });
  afterAll(async () => {
    await bot.close();
  });

  it('revokes the sessions before any other containment read or write, journals it once, lists every system', async () => {
    const replies = await bot.say(personas.operator, 'contain adele.vance@contoso.com');
    const approve = actionsOf(cardIn(replies)).find((a) => a.title === 'Approve');
    if (!approve) throw new Error(`no approval card: ${JSON.stringify(replies)}`);
    const requestId = String(approve.data['requestId']);
    // Nothing is cut while the request awaits its approval, nor by a refused approval.
    const own = await bot.click(personas.operator, approve.verb, approve.data);
    expect(String(own.body?.value)).toContain('Four eyes');
    expect(bot.sandbox.requestLog.all().some(isRevoke)).toBe(false);
    expect(bot.sandbox.state.directory.getUser(U.adeleVance)?.accountEnabled).toBe(true);

    const mark = lastSeq(bot);
    await bot.click(personas.operator2, approve.verb, approve.data);
    await bot.services.coordinator.idle();

    const { log, revokeAt } = requestsSince(bot, mark);
    expect(revokeAt).toBeGreaterThanOrEqual(0);
    expect(log[revokeAt]?.path).toBe(`/v1.0/users/${U.adeleVance}/revokeSignInSessions`);
    // Before it, only the approval's guards (the responder's groups, the protected-account check).
    for (const e of log.slice(0, revokeAt)) expect(e.path).toMatch(/\/transitiveMemberOf$/);
    // The plan's reads (devices, sign-in methods, Exchange) all come after it.
    expect(log.slice(revokeAt + 1).some(isPlanReadOrWrite)).toBe(true);

    await expectCutOnce(bot, requestId, U.adeleVance);

    const timeline = JSON.stringify(
      bot.gateway.messages.find((m) =>
        JSON.stringify(m.activity).includes('Containment timeline of Adele Vance'),
      )?.activity,
    );
    expect(timeline).toContain('Cut off from every system');
    expect(timeline).toContain('First session revocation');
    expect(timeline).not.toContain('not applied');
    for (const system of ['Entra ID', 'Exchange Online', 'Intune', 'Other mailboxes']) {
      expect(timeline).toContain(`**${system}**: cut off at`);
    }

    // A start resumed after a crash gets the recorded cut back and cuts nothing again.
    const request = await bot.store.requests.get(requestId);
    if (!request) throw new Error('request gone');
    const flow = bot.services.flows.flowFor(request);
    const before = lastSeq(bot);
    const again = await flow.applyAhead?.({ ...request, state: 'running' });
    expect(again?.map((e) => `${e.stepId} ${e.phase}`)).toEqual([
      'entra.revoke-sessions applying',
      'entra.revoke-sessions applied',
    ]);
    expect(lastSeq(bot)).toBe(before);
  });

  it('cuts nothing ahead for a request that is not claimed for its run', async () => {
    const replies = await bot.say(personas.operator, 'contain megan.bowen@contoso.com');
    const approve = actionsOf(cardIn(replies)).find((a) => a.title === 'Approve');
    if (!approve) throw new Error(`no approval card: ${JSON.stringify(replies)}`);
    const request = await bot.store.requests.get(String(approve.data['requestId']));
    if (!request) throw new Error('request gone');
    expect(request.state).toBe('awaiting-approval');
    const before = lastSeq(bot);
    expect(await bot.services.flows.flowFor(request).applyAhead?.(request)).toEqual([]);
    expect(lastSeq(bot)).toBe(before);
    expect(bot.sandbox.state.directory.getUser(U.meganBowen)?.accountEnabled).toBe(true);
    await bot.click(personas.operator, 'request.cancel', {
      requestId: request.id,
      version: Number(approve.data['version']),
    });
  });
});

describe('containment without approval: the first cut goes out at the command', () => {
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

  it('revokes the sessions right after the policy checks, before the plan reads anything', async () => {
    const mark = lastSeq(bot);
    await bot.say(personas.operator, 'contain adele.vance@contoso.com');
    await bot.services.coordinator.idle();
    const { log, revokeAt } = requestsSince(bot, mark);
    expect(revokeAt).toBeGreaterThanOrEqual(0);
    // Before it: the command's lookups of the user and the policy's group checks, all reads.
    expect(log.slice(0, revokeAt).filter(isPlanReadOrWrite)).toEqual([]);
    expect(log.slice(revokeAt + 1).some(isPlanReadOrWrite)).toBe(true);
    const [request] = (await bot.store.requests.listBySubject('adele.vance@contoso.com')).filter(
      (r) => r.kind === 'contain',
    );
    await expectCutOnce(bot, request?.id ?? '', U.adeleVance);
  });
});

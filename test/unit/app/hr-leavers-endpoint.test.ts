/**
 * The HR leavers feed through real HTTP: the bot as wired in production (real connectors against the
 * sandbox, the store on PGlite, TestAdapter for the Teams side), its HTTP app with the signed endpoint
 * listening on a loopback port, and the schedule on a fake clock.
 */
import { requesterConversation } from '../../../src/teams/requester-conversation.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/app/config.js';
import { createHttpApp, listen } from '../../../src/app/http-server.js';
import { hrLeaversDropFolder, hrLeaversDropFolderJobName } from '../../../src/app/hr-leavers-drop-folder.js';
import { signedEndpointsOf } from '../../../src/app/wiring.js';
import { signPayload } from '../../../src/connectors/webhook/webhook-signature.js';
import type { LifecycleRequest } from '../../../src/core/model.js';
import { scheduledOffboardKind } from '../../../src/core/offboard/scheduled-offboard.js';
import type { DropFileReport } from '../../../src/core/triggers/drop-folder.js';
import { HrLeaverIntake, type BatchResult } from '../../../src/core/triggers/hr-leavers.js';
import { TeamsHrOffboardings } from '../../../src/teams/hr-leaver-offboardings.js';
import {
  actionsOf,
  personas,
  startBotHarness,
  tenantId,
  textOf,
  type BotHarness,
} from '../../support/bot-harness.js';
import { FakeClock } from '../core/support/fake-clock.js';

const channelId = 'approvals-channel';
const itChannelId = 'it-channel';
const secret = 'hr-feed-secret-0123456789-abcdefghijklmnop';
/** The HR service identity: a member of the sandbox's requesters group. */
const serviceId = personas.operator2.aadObjectId;

describe('POST /api/hr/leavers (signed, through HTTP, against the bot harness)', () => {
  let bot: BotHarness;
  let server: Server;
  let url: string;
  let folder: string;
  const clock = new FakeClock();

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'hr-leavers-'));
    const secretFile = join(folder, 'secret');
    writeFileSync(secretFile, `${secret}\n`);
    const env = {
      HR_LEAVERS_SECRET_FILE: secretFile,
      HR_LEAVERS_SERVICE_ID: serviceId,
      APPROVALS_CONVERSATION_ID: channelId,
      IT_CHANNEL_CONVERSATION_ID: itChannelId,
    };
    bot = await startBotHarness(env, { scheduleClock: clock });
    // The app is installed in the approvals and IT channels: any turn there stores its reference.
    await bot.say(personas.approver, 'help', channelId);
    await bot.say(personas.operator, 'help', itChannelId);
    const config = loadConfig({
      LIFECYCLE_MODE: 'sandbox',
      SANDBOX_URL: bot.sandbox.baseUrl,
      PORT: '0',
      LOG_LEVEL: 'silent',
      ...env,
    });
    const http = createHttpApp({
      adapter: bot.services.adapter,
      handle: async () => undefined,
      isReady: async () => true,
      isAnonymous: true,
      logger: bot.services.logger,
      signedEndpoints: signedEndpointsOf(config, bot.services),
    });
    const started = await listen(http, 0, '127.0.0.1');
    server = started.server;
    url = `http://127.0.0.1:${started.port}/api/hr/leavers`;
  });

  afterAll(async () => {
    server.close();
    await bot.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const nowSeconds = (): string => String(Math.floor(Date.now() / 1000));

  async function send(
    body: string,
    headers: Record<string, string> = signedHeaders(body),
  ): Promise<{ status: number; json: BatchResult & { error?: string; message?: string } }> {
    const response = await fetch(url, { method: 'POST', body, headers });
    return { status: response.status, json: (await response.json()) as BatchResult };
  }

  function signedHeaders(body: string, timestamp = nowSeconds(), key = secret): Record<string, string> {
    return {
      'content-type': 'application/json',
      'x-lifecycle-timestamp': timestamp,
      'x-lifecycle-signature': signPayload(key, timestamp, body),
    };
  }

  const events = (...list: Record<string, unknown>[]): string => JSON.stringify({ events: list });

  async function allRequests(): Promise<LifecycleRequest[]> {
    return bot.store.requests.listByState(
      [
        'draft',
        'awaiting-confirmation',
        'awaiting-approval',
        'approved',
        'scheduled',
        'running',
        'completed',
        'completed-with-errors',
        'failed',
        'rejected',
        'cancelled',
      ],
      1000,
    );
  }

  function channelCard(requestId: string): unknown {
    const message = bot.gateway.messages.find(
      (m) => m.conversationId === channelId && JSON.stringify(m.activity).includes(requestId),
    );
    if (!message) throw new Error(`no approvals channel card for ${requestId}`);
    return bot.gateway.cardOf(message);
  }

  async function approveInChannel(requestId: string): Promise<void> {
    const approve = actionsOf(channelCard(requestId)).find((a) => a.title === 'Approve');
    if (!approve) throw new Error('no Approve button on the channel card');
    await bot.click(personas.approver, approve.verb, approve.data, undefined, undefined, channelId);
  }

  it('turns a leaver into a scheduled offboarding request in the approvals channel, approved there', async () => {
    const answer = await send(
      events({
        eventId: 'hr-1001',
        kind: 'leave',
        userPrincipalName: 'adele.vance@contoso.com',
        leaveAt: '2026-11-30 17:00',
        timeZone: 'Europe/Paris',
      }),
    );
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ accepted: 1, refused: 0 });
    const row = answer.json.rows[0];
    expect(row).toMatchObject({ row: 0, eventId: 'hr-1001', accepted: true, outcome: 'created' });
    const requestId = String(row?.requestId);

    const request = await bot.store.requests.get(requestId);
    expect(request).toMatchObject({
      kind: 'offboard',
      state: 'awaiting-approval',
      requester: { aadObjectId: serviceId, displayName: 'HR leavers feed' },
      subject: { userPrincipalName: 'adele.vance@contoso.com' },
    });
    expect(request?.approvalsRequired).toBeGreaterThanOrEqual(1);
    expect(request?.options['schedule']).toEqual({
      dueAt: '2026-11-30T16:00:00.000Z',
      timeZone: 'Europe/Paris',
      local: '2026-11-30 17:00',
    });
    // Nothing ran: the account is untouched until an approver approves and the leave time comes.
    const adeleEnabled = (): boolean | undefined =>
      bot.sandbox.state.directory.getUser('adele.vance@contoso.com')?.accountEnabled;
    expect(adeleEnabled()).toBe(true);

    // The card in the approvals channel; the requester (HR) can't approve, an approver does.
    expect(actionsOf(channelCard(requestId)).map((a) => a.title)).toContain('Approve');
    // The IT channel sees the request too, and is its conversation (progress and summary go there).
    expect(
      bot.gateway.messages.some(
        (m) => m.conversationId === itChannelId && JSON.stringify(m.activity).includes(requestId),
      ),
    ).toBe(true);
    const requesterChat = await requesterConversation(bot.services.deps, requestId, {});
    expect(requesterChat?.conversation?.id).toBe(itChannelId);
    await approveInChannel(requestId);
    expect((await bot.store.requests.get(requestId))?.state).toBe('scheduled');
    expect((await bot.store.queue.get(scheduledOffboardKind, requestId))?.nextAttemptAt).toBeLessThanOrEqual(
      Date.parse('2026-11-30T16:00:00Z'),
    );
    const status = await bot.say(personas.approver, `status ${requestId}`);
    expect(textOf(status)).toContain('Scheduled for 2026-11-30 17:00 Europe/Paris');

    // The audit names the HR service identity as the requester and the feed as the source.
    const audit = await bot.store.audit.list({ requestId, limit: 50 });
    expect(audit.find((e) => e.type === 'request.created')?.actor).toMatchObject({ aadObjectId: serviceId });
    expect(audit.find((e) => e.type === 'hr-leavers.event')).toMatchObject({
      actor: { system: 'hr-leavers' },
      details: { eventId: 'hr-1001', outcome: 'created', serviceIdentity: serviceId },
    });

    // The same event again, the same person and time under a new event id: merged, nothing new.
    const before = (await allRequests()).length;
    const repeat = await send(
      events(
        {
          eventId: 'hr-1001',
          kind: 'leave',
          userPrincipalName: 'adele.vance@contoso.com',
          leaveAt: '2026-11-30 17:00',
          timeZone: 'Europe/Paris',
        },
        {
          eventId: 'hr-1002',
          kind: 'leave',
          employeeId: 'E1001',
          leaveAt: '2026-11-30 17:00',
          timeZone: 'Europe/Paris',
        },
      ),
    );
    expect(repeat.status).toBe(200);
    expect(repeat.json.rows).toMatchObject([
      { eventId: 'hr-1001', outcome: 'created', requestId, isRepeat: true, accepted: true },
      { eventId: 'hr-1002', outcome: 'unchanged', requestId, accepted: true },
    ]);
    expect((await allRequests()).length).toBe(before);

    // A new leave time: the scheduled request moves (the approvals stand), its queue item with it.
    const moved = await send(
      events({
        eventId: 'hr-1003',
        kind: 'leave',
        userPrincipalName: 'Adele.Vance@contoso.com',
        leaveAt: '2026-12-02 12:00',
        timeZone: 'Europe/Paris',
      }),
    );
    expect(moved.json.rows[0]).toMatchObject({ outcome: 'rescheduled', requestId });
    const rescheduled = await bot.store.requests.get(requestId);
    expect(rescheduled?.state).toBe('scheduled');
    expect((rescheduled?.options['schedule'] as { dueAt: string }).dueAt).toBe('2026-12-02T11:00:00.000Z');

    // Rehired: the scheduled request is cancelled and its queue item dropped.
    const rehire = await send(
      events({ eventId: 'hr-1004', kind: 'rehire', userPrincipalName: 'adele.vance@contoso.com' }),
    );
    expect(rehire.json.rows[0]).toMatchObject({ outcome: 'cancelled', requestId });
    expect((await bot.store.requests.get(requestId))?.state).toBe('cancelled');
    expect((await bot.store.queue.get(scheduledOffboardKind, requestId))?.payload).toMatchObject({
      phase: 'drop',
    });
    await bot.services.schedule.poll();
    expect((await bot.store.queue.get(scheduledOffboardKind, requestId))?.status).toBe('done');
    expect(adeleEnabled()).toBe(true);
  });

  it('replaces a request not yet approved when the leave time changes, and cancels on a cancel event', async () => {
    const first = await send(
      events({
        eventId: 'hr-2001',
        kind: 'leave',
        employeeId: 'E1004',
        leaveAt: '2026-12-15 18:00',
        timeZone: 'America/New_York',
      }),
    );
    const firstId = String(first.json.rows[0]?.requestId);
    expect(first.json.rows[0]).toMatchObject({ outcome: 'created' });
    expect((await bot.store.requests.get(firstId))?.subject.userPrincipalName).toBe('lee.gu@contoso.com');

    const second = await send(
      events({
        eventId: 'hr-2002',
        kind: 'leave',
        userPrincipalName: 'lee.gu@contoso.com',
        leaveAt: '2026-12-16 18:00',
        timeZone: 'America/New_York',
      }),
    );
    const secondId = String(second.json.rows[0]?.requestId);
    expect(second.json.rows[0]).toMatchObject({ outcome: 'replaced' });
    expect(secondId).not.toBe(firstId);
    expect((await bot.store.requests.get(firstId))?.state).toBe('cancelled');
    expect((await bot.store.requests.get(secondId))?.state).toBe('awaiting-approval');

    const cancel = await send(events({ eventId: 'hr-2003', kind: 'cancel', employeeId: 'E1004' }));
    expect(cancel.json.rows[0]).toMatchObject({ outcome: 'cancelled', requestId: secondId });
    expect((await bot.store.requests.get(secondId))?.state).toBe('cancelled');
    // Nothing is waiting for Lee any more: a second cancel has nothing to do.
    const again = await send(events({ eventId: 'hr-2004', kind: 'cancel', employeeId: 'E1004' }));
    expect(again.json.rows[0]).toMatchObject({ outcome: 'nothing-to-cancel', accepted: true });
  });

  it('two events about one person handled at the same moment by two instances create one request', async () => {
    const instance = (): HrLeaverIntake =>
      new HrLeaverIntake({
        serviceIdentity: { aadObjectId: serviceId, tenantId, displayName: 'HR feed' },
        users: bot.services.ports.users,
        store: bot.store,
        offboardings: new TeamsHrOffboardings(bot.services.deps),
        clock,
        auditClock: clock,
      });
    const leave = (eventId: string, leaveAt: string): Record<string, unknown> => ({
      eventId,
      kind: 'leave',
      userPrincipalName: 'diego.siciliani@contoso.com',
      leaveAt,
      timeZone: 'Europe/Paris',
    });
    const [a, b] = await Promise.all([
      instance().handleBatch([leave('hr-race-1', '2026-12-20 17:00')], 'instance a'),
      instance().handleBatch([leave('hr-race-2', '2026-12-20 17:00')], 'instance b'),
    ]);
    const open = (await allRequests()).filter(
      (r) => r.subject.userPrincipalName === 'diego.siciliani@contoso.com' && r.state === 'awaiting-approval',
    );
    expect(open).toHaveLength(1);
    const rows = [a.rows[0], b.rows[0]];
    expect(rows.filter((r) => r?.outcome === 'created')).toHaveLength(1);
    expect(rows.find((r) => r?.outcome === 'refused')?.message).toMatch(/being handled right now/);
    // The refused event was not remembered: sent again, it merges into the open request.
    const again = await instance().handleBatch(
      [leave(rows.find((r) => r?.outcome === 'refused')?.eventId ?? '', '2026-12-20 17:00')],
      'instance b',
    );
    expect(again.rows[0]).toMatchObject({ outcome: 'unchanged', requestId: open[0]?.id });
  });

  it('keeps the protected-account guard: a protected leaver needs two approvals', async () => {
    const answer = await send(
      events({
        eventId: 'hr-3001',
        kind: 'leave',
        userPrincipalName: 'breakglass.admin@contoso.com',
        leaveAt: '2026-12-20 09:00',
        timeZone: 'UTC',
      }),
    );
    const requestId = String(answer.json.rows[0]?.requestId);
    expect(answer.json.rows[0]).toMatchObject({ outcome: 'created' });
    const request = await bot.store.requests.get(requestId);
    expect(request?.approvalsRequired).toBe(2);
    await approveInChannel(requestId);
    expect((await bot.store.requests.get(requestId))?.state).toBe('awaiting-approval');
  });

  it('handles the valid rows of a batch and refuses the malformed ones with their reasons', async () => {
    const before = (await allRequests()).length;
    const answer = await send(
      events(
        {
          eventId: 'hr-4001',
          kind: 'leave',
          userPrincipalName: 'not a upn',
          leaveAt: '2026-12-01 10:00',
          timeZone: 'UTC',
        },
        { eventId: 'hr-4002', kind: 'leave', userPrincipalName: 'megan.bowen@contoso.com', timeZone: 'UTC' },
        {
          eventId: 'hr-4003',
          kind: 'leave',
          userPrincipalName: 'megan.bowen@contoso.com',
          leaveAt: '2026-12-01 10:00',
          timeZone: 'Mars/Olympus',
        },
        {
          eventId: 'hr-4004',
          kind: 'leave',
          userPrincipalName: 'megan.bowen@contoso.com',
          leaveAt: '2026-11-01 10:00',
          timeZone: 'UTC',
        },
        { eventId: 'hr-4005', kind: 'fired', userPrincipalName: 'megan.bowen@contoso.com' },
        {
          eventId: 'hr-4006',
          kind: 'leave',
          userPrincipalName: 'nobody.here@contoso.com',
          leaveAt: '2026-12-01 10:00',
          timeZone: 'UTC',
        },
        {
          eventId: 'hr-4007',
          kind: 'leave',
          userPrincipalName: 'megan.bowen@contoso.com',
          leaveAt: '2026-12-01 10:00',
          timeZone: 'UTC',
        },
      ),
    );
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ accepted: 1, refused: 6 });
    const byId = Object.fromEntries(answer.json.rows.map((r) => [r.eventId, r]));
    expect(byId['hr-4001']?.message).toContain('userPrincipalName');
    expect(byId['hr-4002']?.message).toContain('leaveAt');
    expect(byId['hr-4003']?.message).toContain('not a time zone');
    expect(byId['hr-4004']?.message).toMatch(/past/);
    expect(byId['hr-4005']?.message).toContain('kind');
    expect(byId['hr-4006']?.message).toContain('nobody.here@contoso.com');
    expect(byId['hr-4007']).toMatchObject({ accepted: true, outcome: 'created' });
    expect((await allRequests()).length).toBe(before + 1);
    const refusals = (await bot.store.audit.list({ limit: 200 })).filter(
      (e) => e.type === 'hr-leavers.refused',
    );
    expect(refusals.map((e) => e.details['eventId'])).toEqual(
      expect.arrayContaining(['hr-4001', 'hr-4002', 'hr-4003', 'hr-4004', 'hr-4005', 'hr-4006']),
    );

    // Nothing valid at all: 422, nothing created.
    const none = await send(events({ eventId: 'hr-4100', kind: 'leave' }));
    expect(none.status).toBe(422);
    expect((await allRequests()).length).toBe(before + 1);
  });

  it('refuses a wrong signature, an old timestamp, a replay, an oversized body and a malformed body; nothing created, audited', async () => {
    const body = events({
      eventId: 'hr-5001',
      kind: 'leave',
      userPrincipalName: 'grady.archie@contoso.com',
      leaveAt: '2026-12-05 16:00',
      timeZone: 'Europe/London',
    });
    const before = (await allRequests()).length;
    const wrong = await send(
      body,
      signedHeaders(body, nowSeconds(), 'another-secret-0123456789-abcdefghijkl'),
    );
    expect([wrong.status, wrong.json.error]).toEqual([401, 'bad-signature']);
    const old = await send(body, signedHeaders(body, String(Math.floor(Date.now() / 1000) - 600)));
    expect([old.status, old.json.error]).toEqual([401, 'stale']);
    const huge = JSON.stringify({
      events: [{ eventId: 'x', kind: 'cancel', employeeId: 'x'.repeat(300_000) }],
    });
    const large = await send(huge);
    expect([large.status, large.json.error]).toEqual([413, 'too-large']);
    const shape = await send(JSON.stringify({ leavers: [] }));
    expect([shape.status, shape.json.error]).toEqual([400, 'malformed']);
    expect((await allRequests()).length).toBe(before);

    const headers = signedHeaders(body);
    const accepted = await send(body, headers);
    expect(accepted.json.rows[0]).toMatchObject({ outcome: 'created' });
    const replay = await send(body, headers);
    expect([replay.status, replay.json.error]).toEqual([409, 'replay']);
    expect((await allRequests()).length).toBe(before + 1);

    const refused = (await bot.store.audit.list({ limit: 300 })).filter(
      (e) => e.type === 'action.refused' && e.details['action'] === 'POST /api/hr/leavers',
    );
    expect(refused.map((e) => e.details['code'])).toEqual(
      expect.arrayContaining(['bad-signature', 'stale', 'too-large', 'malformed', 'replay']),
    );
    for (const event of refused) expect(event.details['remoteAddress']).toMatch(/127\.0\.0\.1/);
    expect(JSON.stringify(refused)).not.toContain(secret);
  });
});

describe('HR leavers settings', () => {
  const base = { LIFECYCLE_MODE: 'sandbox', LOG_LEVEL: 'silent', APPROVALS_CONVERSATION_ID: 'c' };

  function secretFile(content: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'hr-settings-'));
    const file = join(dir, 'secret');
    writeFileSync(file, content);
    return file;
  }

  it('is off until a secret file is set, and refuses settings that would weaken its guards', () => {
    expect(loadConfig(base).hrLeavers).toBeUndefined();
    const good = secretFile(`${secret}\n`);
    expect(
      loadConfig({ ...base, HR_LEAVERS_SECRET_FILE: good, HR_LEAVERS_SERVICE_ID: serviceId }).hrLeavers,
    ).toEqual({ secret, serviceId, serviceName: 'HR leavers feed' });

    const problems = (env: Record<string, string>): string => {
      try {
        loadConfig({ ...base, ...env });
      } catch (error) {
        return (error as Error).message;
      }
      return 'no problem';
    };
    expect(problems({ HR_LEAVERS_SECRET_FILE: good })).toContain('HR_LEAVERS_SERVICE_ID');
    const short = problems({
      HR_LEAVERS_SECRET_FILE: secretFile('short-secret'),
      HR_LEAVERS_SERVICE_ID: serviceId,
    });
    expect(short).toContain('at least 32 characters');
    expect(short).not.toContain('short-secret');
    expect(
      problems({
        HR_LEAVERS_SECRET_FILE: good,
        HR_LEAVERS_SERVICE_ID: serviceId,
        APPROVAL_REQUIRED_OFFBOARD: 'false',
      }),
    ).toContain('APPROVAL_REQUIRED_OFFBOARD');
    expect(
      problems({
        HR_LEAVERS_SECRET_FILE: good,
        HR_LEAVERS_SERVICE_ID: serviceId,
        APPROVALS_CONVERSATION_ID: '',
      }),
    ).toContain('APPROVALS_CONVERSATION_ID');
  });
});

describe('HR leavers drop folder (CSV rows into the same intake)', () => {
  let bot: BotHarness;
  let folder: string;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'hr-drop-'));
    bot = await startBotHarness(
      {
        HR_LEAVERS_DROP_FOLDER: folder,
        HR_LEAVERS_SERVICE_ID: serviceId,
        APPROVALS_CONVERSATION_ID: channelId,
      },
      { scheduleClock: new FakeClock() },
    );
    await bot.say(personas.approver, 'help', channelId);
  });

  afterAll(async () => {
    await bot.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('is a scheduled job whose rows become requests for approval, each row reported, the file moved', async () => {
    expect(bot.services.jobs.names).toContain(hrLeaversDropFolderJobName);
    const intake = bot.services.hrLeavers;
    if (!intake) throw new Error('the HR leavers intake is not wired');
    writeFileSync(
      join(folder, 'leavers-2026-11-23.csv'),
      [
        'eventId;kind;userPrincipalName;employeeId;leaveAt;timeZone',
        'F-1;leave;megan.bowen@contoso.com;;2026-12-10 17:30;Europe/Berlin',
        'F-2;leave;;E1005;2026-12-11 09:00;Mars/Olympus',
        'F-3;fired;grady.archie@contoso.com;;;',
        'F-4;leave;megan.bowen@contoso.com;;2026-12-10 17:30;Europe/Berlin',
      ].join('\n'),
    );
    const processor = hrLeaversDropFolder(intake, folder, {
      store: bot.store,
      logger: bot.services.logger,
      settleMs: 0,
    });
    const run = await processor.run();
    expect(run.files).toMatchObject([{ name: 'leavers-2026-11-23.csv', outcome: 'processed' }]);

    const processed = join(folder, 'Processed');
    const reportName = readdirSync(processed).find((n) => n.endsWith('.report.json'));
    const report = JSON.parse(readFileSync(join(processed, String(reportName)), 'utf8')) as DropFileReport;
    const fateOf = (line: number) => report.rows?.find((r) => r.line === line);
    expect(fateOf(2)).toMatchObject({ status: 'created', isFailure: false });
    expect(fateOf(3)).toMatchObject({ status: 'refused', isFailure: true });
    expect(fateOf(3)?.detail).toContain('not a time zone');
    expect(fateOf(4)?.isFailure).toBe(true);
    // F-4 repeats F-2's person and time under another event id: merged into the same request.
    expect(fateOf(5)).toMatchObject({ status: 'unchanged', isFailure: false });

    const megan = await bot.store.requests.listBySubject('megan.bowen@contoso.com');
    expect(megan).toHaveLength(1);
    expect(megan[0]).toMatchObject({
      state: 'awaiting-approval',
      requester: { aadObjectId: serviceId },
      options: { schedule: { dueAt: '2026-12-10T16:30:00.000Z', timeZone: 'Europe/Berlin' } },
    });
    const requestId = String(megan[0]?.id);
    expect(fateOf(2)?.detail).toContain(requestId);
    expect(
      bot.gateway.messages.some(
        (m) => m.conversationId === channelId && JSON.stringify(m.activity).includes(requestId),
      ),
    ).toBe(true);
    const audit = await bot.store.audit.list({ requestId, limit: 50 });
    const sources = audit.filter((e) => e.type === 'hr-leavers.event').map((e) => e.details['source']);
    expect(sources.sort()).toEqual([
      'drop folder leavers-2026-11-23.csv line 2',
      'drop folder leavers-2026-11-23.csv line 5',
    ]);

    // The same file dropped again: every row already has its fate; nothing new is created.
    writeFileSync(
      join(folder, 'again.csv'),
      'eventId,kind,userPrincipalName,leaveAt,timeZone\nF-1,leave,megan.bowen@contoso.com,2026-12-10 17:30,Europe/Berlin\n',
    );
    await processor.run();
    expect(await bot.store.requests.listBySubject('megan.bowen@contoso.com')).toHaveLength(1);

    // A file with an unknown column is rejected whole, nothing read from it.
    writeFileSync(join(folder, 'bad.csv'), 'eventId,kind,salary\nF-9,leave,100\n');
    const rejected = await processor.run();
    expect(rejected.files).toMatchObject([{ name: 'bad.csv', outcome: 'rejected' }]);
    expect(rejected.files[0]?.reason).toContain('Unknown column "salary"');
  });
});

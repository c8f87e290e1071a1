/**
 * A scheduled offboarding runs exactly once at its due time, with real bot processes (sandbox mode):
 * - one instance on PGlite SIGKILLed right around the due time and started again (same DATA_DIR and
 *   INSTANCE_ID);
 * - two instances on one PostgreSQL, both polling the schedule at the due time.
 * The leave time is the next UTC minute at least 70 s away, so each case waits for real time once.
 * Checks: the request `running` once, one run, its summary posted, the queue item done, the sandbox
 * wrote each change once.
 *
 * Then the same offboarding's delegation-expiry stage (the default policy gives Megan access for 30
 * days), reached with the sandbox's dev clock (`clock +30d`): on PGlite the bot is SIGKILLed as soon
 * as the stage's first change reached the sandbox and started again; on PostgreSQL both instances are
 * told `clock +30d` at once. Checks: one expiry run, each of its changes applied once in the journal,
 * `stage.started` and `stage.finished` audited once, the sandbox wrote each change once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expiryQueueKind, expiryRunId } from '../../src/core/offboard/offboard-stages.js';
import { scheduledOffboardKind } from '../../src/core/offboard/scheduled-offboard.js';
import type { Store } from '../../src/core/ports/store.js';
import { seeded, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import type { RequestLogEntry } from '../../src/sandbox/behaviours/request-log.js';
import { openStore } from '../../src/store/index.js';
import { BotProcess } from '../support/bot-process.js';
import {
  actionOf,
  cardText,
  ConnectorEndpoint,
  type ConnectorMessage,
} from '../support/connector-endpoint.js';
import { freePort } from '../support/free-port.js';
import { approverUser, operatorUser } from '../support/offboard-conversation.js';
import { startTestPostgres } from '../support/postgres.js';
import { checkRun, duplicateWrites } from '../support/soak-checks.js';

/**
 * Harmless to repeat (see bot-crash-restart.test.ts), and `licence.remove`: one call per direct SKU to
 * the same URL (Adele has two); the journal check proves each change was applied once.
 */
const repeatableOperations = new Set([
  'user.revoke-sessions',
  'user.reset-password',
  'mail.send',
  'token.issue',
  'licence.remove',
]);
const env = { RESUME_INTERVAL_MS: '500', RUN_LEASE_MS: '4000', SCHEDULE_REMINDER_MINUTES: '0' };

function inputValues(card: unknown): Record<string, string> {
  const found: Record<string, string> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) {
      const item = node as Record<string, unknown>;
      if (typeof item['id'] === 'string' && String(item['type']).startsWith('Input.')) {
        found[item['id']] = typeof item['value'] === 'string' ? item['value'] : '';
      }
      Object.values(item).forEach(visit);
    }
  };
  visit(card);
  return found;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** `offboard <upn> --at "<next minute> UTC"`, Confirm with the card's inputs, Approve: returns id and due time. */
async function scheduleOffboarding(
  endpoint: ConnectorEndpoint,
  botUrl: string,
  upn: string,
  conversationId: string,
): Promise<{ requestId: string; dueMs: number }> {
  const dueMs = Math.ceil((Date.now() + 70_000) / 60_000) * 60_000;
  const when = `${new Date(dueMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  expect(await endpoint.say(botUrl, operatorUser, conversationId, `offboard ${upn} --at "${when}"`)).toBe(
    200,
  );
  const requestCard = await endpoint.waitFor(
    (m) => m.conversationId === conversationId && actionOf(endpoint.cardOf(m) ?? {}, 'Confirm') !== undefined,
  );
  const card = endpoint.cardOf(requestCard) ?? {};
  const confirm = actionOf(card, 'Confirm');
  if (!confirm) throw new Error('no Confirm');
  const requestId = String(confirm.data['requestId']);
  const { leaveDate = '', leaveTime = '', leaveTimeZone = '' } = inputValues(card);
  const confirmed = await endpoint.click(botUrl, operatorUser, conversationId, requestCard.id, confirm.verb, {
    ...confirm.data,
    leaveDate,
    leaveTime,
    leaveTimeZone,
  });
  expect(confirmed.status).toBe(200);
  const approvalCard = await endpoint.waitFor(
    (m) =>
      m.conversationId === conversationId &&
      actionOf(endpoint.cardOf(m) ?? {}, 'Approve') !== undefined &&
      cardText(endpoint.cardOf(m)).includes(requestId),
  );
  const approve = actionOf(endpoint.cardOf(approvalCard) ?? {}, 'Approve');
  if (!approve) throw new Error('no Approve');
  const approved = await endpoint.click(
    botUrl,
    approverUser,
    conversationId,
    approvalCard.id,
    approve.verb,
    approve.data,
  );
  expect(approved.status).toBe(200);
  expect(JSON.stringify(approved.body)).toContain(`Scheduled for ${when}`);
  return { requestId, dueMs };
}

function summaryPosted(endpoint: ConnectorEndpoint, conversationId: string, requestId: string) {
  return (m: ConnectorMessage): boolean =>
    m.conversationId === conversationId && cardText(endpoint.cardOf(m)).includes(`status ${requestId} json`);
}

async function expectRanOnce(store: Store, sandbox: Sandbox, requestId: string): Promise<void> {
  const request = await store.requests.get(requestId);
  expect(request?.state).toMatch(/^completed/);
  const types = (await store.audit.list({ requestId, limit: 10_000 })).map((e) => e.type);
  expect(types.filter((t) => t === 'request.running')).toHaveLength(1);
  expect(types.filter((t) => t === 'request.scheduled')).toHaveLength(1);
  const check = await checkRun(store, request?.runId ?? '', [
    'request.created',
    'request.scheduled',
    'request.running',
  ]);
  expect(check.problems).toEqual([]);
  expect((await store.queue.get(scheduledOffboardKind, requestId))?.status).toBe('done');
  expect(duplicateWrites(sandbox.requestLog.all(), repeatableOperations)).toEqual([]);
}

/** The delegation expiry's writes: the delegate's FullAccess, SendAs and OneDrive admin removed. */
const expiryOperations = new Set([
  'exo.remove-mailbox-permission',
  'exo.remove-recipient-permission',
  'spo.remove-site-admin',
]);
const isExpiryWrite = (e: RequestLogEntry): boolean =>
  e.operation !== null && expiryOperations.has(e.operation) && e.status >= 200 && e.status < 300;

/** Says `text` and waits for the bot's next message in the conversation that contains `expected`. */
async function reply(
  endpoint: ConnectorEndpoint,
  botUrl: string,
  conversationId: string,
  text: string,
  expected: string,
): Promise<string> {
  const seen = new Set(endpoint.messages.keys());
  expect(await endpoint.say(botUrl, operatorUser, conversationId, text)).toBe(200);
  const found = await endpoint.waitFor(
    (m) =>
      !seen.has(m.id) && m.conversationId === conversationId && JSON.stringify(m.activity).includes(expected),
    120_000,
  );
  return JSON.stringify(found.activity);
}

/** Polls until `check` holds (every 250 ms), or fails after `timeoutMs`. */
async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** The expiry stage ran once: one run, each change applied once, audited once, written once. */
async function expectExpiryOnce(
  store: Store,
  sandbox: Sandbox,
  requestId: string,
  stageLog: readonly RequestLogEntry[],
): Promise<void> {
  const runId = expiryRunId(requestId);
  expect((await store.runs.get(runId))?.status).toBe('completed');
  const applied = (await store.journal.list(runId))
    .filter((e) => e.phase === 'applied')
    .map((e) => `${e.stepId} ${e.changeKey ?? ''}`);
  expect(applied.length).toBeGreaterThan(0);
  expect(new Set(applied).size).toBe(applied.length);
  const events = await store.audit.list({ requestId, limit: 10_000 });
  const stageEvents = (type: string) =>
    events.filter((e) => e.type === type && e.details['stage'] === 'delegation-expiry');
  expect(stageEvents('stage.started')).toHaveLength(1);
  expect(stageEvents('stage.finished')).toHaveLength(1);
  expect((await store.queue.get(expiryQueueKind, requestId))?.status).toBe('done');
  // The sandbox wrote each of the stage's changes once, and as many as the journal applied.
  expect(duplicateWrites(stageLog, repeatableOperations)).toEqual([]);
  expect(stageLog.filter(isExpiryWrite)).toHaveLength(applied.length);
  expect(sandbox.state.directory.getUser(seeded.users.adeleVance)?.accountEnabled).toBe(false);
}

describe('a scheduled offboarding whose bot is SIGKILLed around the due time', () => {
  let sandbox: Sandbox;
  let endpoint: ConnectorEndpoint;
  let bot: BotProcess;
  let dataDir: string;
  let store: Store | undefined;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    endpoint = await ConnectorEndpoint.start();
    dataDir = mkdtempSync(join(tmpdir(), 'lifecycle-scheduled-crash-'));
    bot = new BotProcess({
      port: await freePort(),
      sandboxUrl: sandbox.baseUrl,
      instanceId: 'lifecycle-scheduled-1',
      dataDir,
      env,
    });
    await bot.start(240_000);
  }, 300_000);

  afterAll(async () => {
    await bot.kill();
    await store?.close();
    await endpoint.close();
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  let offboarding = '';
  const conversationId = 'scheduled-crash-chat';

  it('runs once after the restart', async () => {
    const { requestId, dueMs } = await scheduleOffboarding(
      endpoint,
      bot.url,
      'adele.vance@contoso.com',
      conversationId,
    );
    // Killed while the due item is being claimed and the run started (polls every 500 ms).
    await sleep(dueMs + 700 - Date.now());
    await bot.kill();
    expect(sandbox.state.directory.getUser(seeded.users.adeleVance)).toBeDefined();
    await bot.start(240_000);
    await endpoint.waitFor(summaryPosted(endpoint, conversationId, requestId), 180_000);
    await bot.stop();
    store = await openStore({ dataDir });
    await expectRanOnce(store, sandbox, requestId);
    expect(sandbox.state.directory.getUser(seeded.users.adeleVance)?.accountEnabled).toBe(false);
    offboarding = requestId;
  }, 420_000);

  it('runs the delegation-expiry stage once though the bot is SIGKILLed while it runs', async () => {
    if (!offboarding) throw new Error('the offboarding above did not complete');
    await store?.close();
    store = undefined;
    await bot.start(240_000);
    const mark = sandbox.requestLog.all().length;
    // The turn handles what fell due (the notice, then the expiry run); killed at its first change.
    const said = endpoint.say(bot.url, operatorUser, conversationId, 'clock +30d').catch(() => 0);
    await until(() => sandbox.requestLog.all().slice(mark).some(isExpiryWrite), 120_000, 'the expiry');
    await bot.kill();
    await said;
    await bot.start(240_000);
    // The dev clock starts again at the real time: past the expiry and the dead worker's claim.
    await reply(endpoint, bot.url, conversationId, 'clock +31d', 'Sandbox time');
    await until(
      async () =>
        /OneDrive access ends · [^·]*· done/.test(
          await reply(endpoint, bot.url, conversationId, `status ${offboarding}`, 'Stages:'),
        ),
      120_000,
      'the expiry run',
    );
    // Records the stage if the resume poll, not the stage worker, finished the run.
    await reply(endpoint, bot.url, conversationId, 'clock +1d', 'Sandbox time');
    await bot.stop();
    store = await openStore({ dataDir });
    await expectExpiryOnce(store, sandbox, offboarding, sandbox.requestLog.all().slice(mark));
  }, 420_000);
});

const postgres = await startTestPostgres();

describe.skipIf(postgres === null)('a scheduled offboarding with two instances on one PostgreSQL', () => {
  let sandbox: Sandbox;
  let endpoint: ConnectorEndpoint;
  let bots: BotProcess[] = [];
  let store: Store | undefined;
  let offboarding = '';

  beforeAll(async () => {
    if (!postgres) return;
    const databaseUrl = await postgres.createDatabase('scheduled_once');
    sandbox = await startSandbox({ port: 0 });
    endpoint = await ConnectorEndpoint.start();
    bots = await Promise.all(
      ['scheduled-a', 'scheduled-b'].map(
        async (instanceId) =>
          new BotProcess({
            port: await freePort(),
            sandboxUrl: sandbox.baseUrl,
            instanceId,
            databaseUrl,
            env,
          }),
      ),
    );
    await Promise.all(bots.map((b) => b.start(240_000)));
    store = await openStore({ databaseUrl });
  }, 300_000);

  afterAll(async () => {
    await Promise.all(bots.map((b) => b.kill()));
    await store?.close();
    await endpoint?.close();
    await sandbox?.close();
    await postgres?.stop();
  });

  it('runs once though both instances poll at the due time', async () => {
    const [a] = bots;
    if (!a || !store) throw new Error('no bot');
    const conversationId = 'scheduled-pg-chat';
    const { requestId } = await scheduleOffboarding(
      endpoint,
      a.url,
      'adele.vance@contoso.com',
      conversationId,
    );
    await endpoint.waitFor(summaryPosted(endpoint, conversationId, requestId), 240_000);
    await Promise.all(bots.map((b) => b.stop()));
    await expectRanOnce(store, sandbox, requestId);
    offboarding = requestId;
  }, 420_000);

  it('runs the delegation-expiry stage once though both instances reach it at once', async () => {
    if (!offboarding || !store) throw new Error('the offboarding above did not complete');
    const db = store;
    await Promise.all(bots.map((b) => b.start(240_000)));
    const mark = sandbox.requestLog.all().length;
    // Both dev clocks pass the expiry together; each turn handles what fell due on its instance.
    await Promise.all(
      bots.map((b, n) =>
        reply(endpoint, b.url, `scheduled-pg-clock-${String(n)}`, 'clock +30d', 'Sandbox time'),
      ),
    );
    await until(
      async () => (await db.runs.get(expiryRunId(offboarding)))?.status === 'completed',
      120_000,
      'the expiry run',
    );
    // Records the stage if a resume poll, not the stage worker, finished the run.
    await Promise.all(
      bots.map((b, n) =>
        reply(endpoint, b.url, `scheduled-pg-clock-${String(n)}`, 'clock +1d', 'Sandbox time'),
      ),
    );
    await until(
      async () => (await db.queue.get(expiryQueueKind, offboarding))?.status === 'done',
      120_000,
      'the expiry stage',
    );
    await Promise.all(bots.map((b) => b.stop()));
    await expectExpiryOnce(db, sandbox, offboarding, sandbox.requestLog.all().slice(mark));
  }, 420_000);
});

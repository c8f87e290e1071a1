/**
 * The security matrix (docs/security.md): every hostile input against the real HTTP endpoint or the
 * real bot (TestAdapter, real connectors against the in-process sandbox, the real store). Each case
 * asserts the outcome, that nothing changed in the sandbox (no write in its request log) or the store,
 * and, where the design says so, that an `action.refused` audit entry exists.
 */
import { networkInterfaces } from 'node:os';
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/app/config.js';
import { createHttpApp, listen } from '../../src/app/http-server.js';
import { createLogger } from '../../src/app/logger.js';
import { createServices, startBot, type RunningBot } from '../../src/app/wiring.js';
import type { AuditEvent } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports/store.js';
import { parseRevokeInput } from '../../src/core/revoke/index.js';
import { seeded, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { sandboxCertificatePath, sandboxPrivateKeyPath } from '../../src/sandbox/seed/certificate.js';
import { openMemoryStore } from '../../src/store/index.js';
import {
  actionsOf,
  cardIn,
  personas,
  startBotHarness,
  tenantId,
  textOf,
  type BotHarness,
} from '../support/bot-harness.js';
import {
  newSigningKey,
  post,
  signJwt,
  startOpenIdMetadataStub,
  useLocalBotFrameworkMetadata,
  type OpenIdMetadataStub,
} from './security-http.js';

const U = seeded.users;
const otherTenant = '99999999-9999-4999-8999-999999999999';
const botId = '33333333-3333-4333-8333-333333333333';
const botPassword = 'bot-framework-password-for-tests-Zq8';

/** Writes the sandbox answered after `mark` (token issuance is not a change). */
function writesAfter(sandbox: Sandbox, mark: number) {
  return sandbox.requestLog
    .all()
    .filter((e) => e.seq > mark && e.operation !== null && e.operation !== 'token.issue');
}
const lastSeq = (sandbox: Sandbox): number => sandbox.requestLog.all().at(-1)?.seq ?? 0;

async function refusals(store: Store): Promise<AuditEvent[]> {
  return (await store.audit.list({ limit: 10_000 })).filter((e) => e.type === 'action.refused');
}

/** Secrets that must never appear in logs, cards, the journal, the audit trail or error messages. */
function secretFindings(text: string, secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const s of secrets) if (s.length >= 8 && text.includes(s)) found.push(`secret ${s.slice(0, 4)}…`);
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) found.push('private key block');
  const jwt = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/.exec(text);
  if (jwt) found.push(`JWT ${jwt[0].slice(0, 12)}…`);
  const password =
    /"(?:password|newPassword|unicodePwd|passwordProfile|clientSecret|client_secret)"\s*:\s*("[^"]+"|\{[^}]*\})/i.exec(
      text,
    );
  if (password && !password[1]?.includes('[redacted]'))
    found.push(`password field ${password[0].slice(0, 20)}…`);
  return found;
}

/** Lines of the private key body (any 40-character run of it would show a leak). */
function keyFragments(pem: string): string[] {
  return pem
    .split('\n')
    .filter((l) => l.length >= 40 && !l.startsWith('-----'))
    .map((l) => l.slice(0, 40));
}

describe('the /api/messages endpoint outside sandbox mode (Bot Framework JWT)', () => {
  let sandbox: Sandbox;
  let store: Store;
  let bot: RunningBot;
  let metadata: OpenIdMetadataStub;
  let restoreMetadata: () => void;
  const logLines: string[] = [];
  const botFrameworkKey = newSigningKey('bf-test-key');
  const attackerKey = newSigningKey('attacker-key');
  const serviceUrl = 'https://smba.trafficmanager.net/teams/';
  const now = (): number => Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    iss: 'https://api.botframework.com',
    aud: botId,
    serviceurl: serviceUrl,
    nbf: now() - 60,
    exp: now() + 3600,
    ...extra,
  });
  const activity = (conversationId: string): string =>
    JSON.stringify({
      type: 'message',
      id: 'a1',
      channelId: 'msteams',
      serviceUrl,
      text: 'offboard adele.vance@contoso.com',
      from: { id: personas.operator.id, aadObjectId: personas.operator.aadObjectId, name: 'Isaiah Langer' },
      recipient: { id: `28:${botId}`, name: 'Lifecycle' },
      conversation: { id: conversationId, conversationType: 'personal', tenantId },
      channelData: { tenant: { id: tenantId } },
    });
  const url = (): string => `http://127.0.0.1:${bot.port}/api/messages`;

  beforeAll(async () => {
    metadata = await startOpenIdMetadataStub(botFrameworkKey, ['msteams']);
    restoreMetadata = useLocalBotFrameworkMetadata(metadata.url);
    sandbox = await startSandbox({ port: 0 });
    store = await openMemoryStore();
    const config = loadConfig({
      LIFECYCLE_MODE: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'trace',
      BOT_ID: botId,
      BOT_PASSWORD: botPassword,
      BOT_TENANT_ID: tenantId,
      TENANT_ID: tenantId,
      // Production mode refuses SANDBOX_URL, so the connectors keep Microsoft's URLs: no case here
      // gets past authentication, and the sandbox's request log shows that nothing was called.
      CLIENT_ID: sandbox.credentials.clientId,
      CLIENT_SECRET: sandbox.credentials.clientSecret,
      // Outside sandbox mode SharePoint needs a certificate credential (it wins over the secret).
      CLIENT_CERT_FILE: sandboxCertificatePath,
      CLIENT_KEY_FILE: sandboxPrivateKeyPath,
      REQUESTERS_GROUP_IDS: seeded.groups.lifecycleRequesters,
      APPROVERS_GROUP_IDS: seeded.groups.lifecycleApprovers,
      // No background inventory: it would call Microsoft's URLs, and nothing may be called here.
      INVENTORY_REFRESH_SCHEDULE: 'off',
    });
    const logger = createLogger('trace', { write: (line: string) => logLines.push(line) });
    bot = await startBot(config, { store, logger, resumeIntervalMs: 3_600_000 });
  });
  afterAll(async () => {
    await bot.close();
    await store.close();
    await sandbox.close();
    await metadata.close();
    restoreMetadata();
  });

  const cases: [string, () => Record<string, string>][] = [
    ['no Authorization header', () => ({})],
    ['a malformed bearer token', () => ({ authorization: 'Bearer not-a-jwt' })],
    ['another scheme', () => ({ authorization: 'Basic aXNhaWFoOmxldG1laW4=' })],
    [
      'a token signed by a key that is not Bot Framework’s',
      () => ({ authorization: `Bearer ${signJwt(attackerKey, claims())}` }),
    ],
    [
      'a token that names the Bot Framework key id but is signed by another key',
      () => ({ authorization: `Bearer ${signJwt(attackerKey, claims(), botFrameworkKey.kid)}` }),
    ],
    [
      'a Bot Framework token for another bot',
      () => ({
        authorization: `Bearer ${signJwt(botFrameworkKey, claims({ aud: '44444444-0000-4000-8000-000000000000' }))}`,
      }),
    ],
    [
      'an expired Bot Framework token',
      () => ({
        authorization: `Bearer ${signJwt(botFrameworkKey, claims({ nbf: now() - 7200, exp: now() - 3600 }))}`,
      }),
    ],
    [
      'a token from another issuer',
      () => ({
        authorization: `Bearer ${signJwt(botFrameworkKey, claims({ iss: 'https://sts.windows.net/evil/' }))}`,
      }),
    ],
    [
      'a token for another service URL',
      () => ({
        authorization: `Bearer ${signJwt(botFrameworkKey, claims({ serviceurl: 'https://evil.example/' }))}`,
      }),
    ],
  ];

  it.each(cases)('answers 401 to %s and changes nothing', async (_name, headers) => {
    const mark = lastSeq(sandbox);
    const conversationId = `a:unauth-${Math.random().toString(36).slice(2)}`;
    const response = await post(url(), activity(conversationId), headers());
    expect(response.status).toBe(401);
    expect(await store.conversations.get(`conversation:${conversationId}`)).toBeFalsy();
    expect(await store.requests.listBySubject('adele.vance@contoso.com')).toHaveLength(0);
    expect(await store.audit.list({ limit: 100 })).toHaveLength(0);
    expect(writesAfter(sandbox, mark)).toEqual([]);
    expect(sandbox.requestLog.all().filter((e) => e.seq > mark)).toEqual([]);
  });

  it('accepts a token signed by the Bot Framework key (control: the 401s are about the token)', async () => {
    const conversationId = 'a:authenticated';
    const body = JSON.stringify({
      ...JSON.parse(activity(conversationId)),
      type: 'conversationUpdate',
      text: undefined,
    });
    const response = await post(url(), body, {
      authorization: `Bearer ${signJwt(botFrameworkKey, claims())}`,
    });
    expect(response.status).toBe(200);
    expect(await store.conversations.get(`conversation:${conversationId}`)).toBeTruthy();
    expect(metadata.fetches).toBeGreaterThan(0);
  });

  it('keeps tokens and the bot password out of the log', () => {
    const text = logLines.join('\n');
    expect(text.length).toBeGreaterThan(0);
    expect(secretFindings(text, [botPassword, sandbox.credentials.clientSecret])).toEqual([]);
  });
});

describe('anonymous (sandbox) mode and HTTP payload limits', () => {
  let sandbox: Sandbox;
  let store: Store;
  let close: () => Promise<void>;
  let port = 0;
  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && !i.internal && i.family === 'IPv4')?.address;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    store = await openMemoryStore();
    const config = loadConfig({
      LIFECYCLE_MODE: 'sandbox',
      SANDBOX_URL: sandbox.baseUrl,
      PORT: '0',
      LOG_LEVEL: 'silent',
    });
    const logger = createLogger('silent');
    const { app, adapter } = await createServices(config, { store, logger });
    // The same HTTP app startBot builds, but listening on every interface (which config refuses in
    // sandbox mode) so that a non-loopback caller can reach it at all.
    const http = createHttpApp({
      adapter,
      handle: async (context) => {
        await app.run(context);
      },
      isReady: () => Promise.resolve(true),
      isAnonymous: config.bot.isAnonymous,
      logger,
    });
    const listening = await listen(http, 0, '0.0.0.0');
    port = listening.port;
    close = () =>
      new Promise<void>((resolve) => {
        listening.server.close(() => {
          resolve();
        });
        listening.server.closeAllConnections();
      });
  });
  afterAll(async () => {
    await close();
    await store.close();
    await sandbox.close();
  });

  it('refuses to start in sandbox mode on a non-loopback address', () => {
    expect(() => loadConfig({ LIFECYCLE_MODE: 'sandbox', HOST: '0.0.0.0' })).toThrow(ConfigError);
  });

  it.skipIf(external === undefined)('answers 403 to a non-loopback caller and changes nothing', async () => {
    const mark = lastSeq(sandbox);
    const body = JSON.stringify({
      type: 'message',
      channelId: 'msteams',
      serviceUrl: 'http://127.0.0.1:9/',
      text: 'offboard adele.vance@contoso.com',
      from: { id: personas.operator.id, aadObjectId: personas.operator.aadObjectId },
      recipient: { id: 'bot' },
      conversation: { id: 'remote-conv', tenantId },
    });
    const response = await post(`http://${external ?? ''}:${port}/api/messages`, body, {}, external);
    expect(response.status).toBe(403);
    expect(await store.conversations.get('conversation:remote-conv')).toBeFalsy();
    expect(sandbox.requestLog.all().filter((e) => e.seq > mark)).toEqual([]);
  });

  it('answers 413 to a body over the limit and 400 to invalid JSON, changing nothing', async () => {
    const mark = lastSeq(sandbox);
    const big = JSON.stringify({
      type: 'message',
      text: 'x'.repeat(300 * 1024),
      conversation: { id: 'big' },
    });
    expect((await post(`http://127.0.0.1:${port}/api/messages`, big)).status).toBe(413);
    const broken = await post(`http://127.0.0.1:${port}/api/messages`, '{"type":"message","text":');
    expect(broken.status).toBe(400);
    expect(broken.body).not.toContain('SyntaxError');
    expect(await store.conversations.get('conversation:big')).toBeFalsy();
    expect(sandbox.requestLog.all().filter((e) => e.seq > mark)).toEqual([]);
  });
});

describe('activities and card actions (TestAdapter, real connectors against the sandbox)', () => {
  let bot: BotHarness;
  const logLines: string[] = [];
  /** Every activity the bot sent back in a turn, for the secrets scan. */
  const seen: Partial<Activity>[] = [];
  const say = async (from: (typeof personas)[keyof typeof personas], text: string) => {
    const replies = await bot.say(from, text);
    seen.push(...replies);
    return replies;
  };
  const click = async (
    from: (typeof personas)[keyof typeof personas],
    verb: string,
    data: Record<string, unknown>,
    tenant?: string,
  ) => {
    const result = await bot.click(from, verb, data, 'card-1', tenant);
    seen.push(...result.replies, { value: result.body });
    return result;
  };
  const bodyText = (r: { body: { value?: unknown } | undefined }): string =>
    JSON.stringify(r.body?.value ?? '');

  async function requestCard(upn: string, from = personas.operator) {
    const card = cardIn(await say(from, `offboard ${upn}`));
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    if (!confirm) throw new Error(`no request card for ${upn}: ${JSON.stringify(card)}`);
    return { confirm, requestId: String(confirm.data['requestId']) };
  }
  async function approvalFor(upn: string, form: Record<string, unknown> = {}) {
    const { confirm, requestId } = await requestCard(upn);
    const confirmed = await click(personas.operator, confirm.verb, { ...confirm.data, ...form });
    const approve = actionsOf(cardIn(confirmed.replies)).find((a) => a.title === 'Approve');
    const reject = actionsOf(cardIn(confirmed.replies)).find((a) => a.title === 'Reject');
    if (!approve || !reject) throw new Error(`no approval card: ${bodyText(confirmed)}`);
    return { requestId, approve, reject };
  }

  beforeAll(async () => {
    bot = await startBotHarness(
      {},
      { logger: createLogger('trace', { write: (l: string) => logLines.push(l) }) },
    );
  });
  afterAll(async () => {
    await bot.close();
  });

  it('refuses a command from another tenant, audits it and changes nothing', async () => {
    const mark = lastSeq(bot.sandbox);
    const before = (await refusals(bot.store)).length;
    await bot.adapter.processActivity({
      type: 'message',
      text: 'offboard adele.vance@contoso.com',
      channelId: 'msteams',
      serviceUrl: 'https://smba.example.test/teams/',
      from: { id: personas.operator.id, name: 'Isaiah Langer', aadObjectId: personas.operator.aadObjectId },
      recipient: { id: '28:lifecycle-bot', name: 'Lifecycle' },
      conversation: {
        id: 'foreign-chat',
        isGroup: false,
        conversationType: 'personal',
        tenantId: otherTenant,
        name: '',
      },
      channelData: { tenant: { id: otherTenant } },
    });
    const replies: Partial<Activity>[] = [];
    for (let next = bot.adapter.activeQueue.shift(); next; next = bot.adapter.activeQueue.shift())
      replies.push(next);
    expect(textOf(replies)).toContain('could not tell who you are');
    expect(await bot.store.requests.listBySubject('adele.vance@contoso.com')).toHaveLength(0);
    const refused = (await refusals(bot.store)).slice(0, (await refusals(bot.store)).length - before);
    expect(refused.some((e) => e.details['code'] === 'cross-tenant')).toBe(true);
    expect(writesAfter(bot.sandbox, mark)).toEqual([]);
  });

  it('refuses a card action from another tenant, audits it and changes nothing', async () => {
    const { requestId, approve } = await approvalFor('alex.j.johnson@contoso.com');
    const before = (await refusals(bot.store)).length;
    const mark = lastSeq(bot.sandbox);
    const result = await click(personas.approver, approve.verb, approve.data, otherTenant);
    expect(bodyText(result)).toContain('could not tell who you are');
    expect((await bot.store.requests.get(requestId))?.state).toBe('awaiting-approval');
    expect((await refusals(bot.store)).length).toBe(before + 1);
    expect(writesAfter(bot.sandbox, mark)).toEqual([]);
    await say(personas.operator, `cancel ${requestId}`);
  });

  it('refuses forged Action.Execute data: another request id, another user, tampered target, stale version', async () => {
    const mine = await requestCard('nestor.wilke@contoso.com');
    const theirs = await requestCard('isabelle.dubois@contoso.com', personas.operator2);
    const before = (await refusals(bot.store)).length;
    const mark = lastSeq(bot.sandbox);

    // My card's button with the other operator's request id.
    const otherId = await click(personas.operator, mine.confirm.verb, {
      ...mine.confirm.data,
      requestId: theirs.requestId,
      version: 1,
    });
    expect(bodyText(otherId)).toContain('Only the requester');
    // Someone else presses my Confirm.
    const otherUser = await click(personas.ordinary, mine.confirm.verb, mine.confirm.data);
    expect(bodyText(otherUser)).toContain('Only the requester');
    // A request id that does not exist, and one that is not a request id at all.
    expect(
      bodyText(
        await click(personas.operator, mine.confirm.verb, { requestId: 'REQ-20260101-ZZZZZZ', version: 1 }),
      ),
    ).toContain('does not exist');
    expect(
      bodyText(
        await click(personas.operator, mine.confirm.verb, { requestId: "REQ-1' OR '1'='1", version: 1 }),
      ),
    ).toContain('malformed');
    // Stale version.
    const stale = await click(personas.operator, mine.confirm.verb, { ...mine.confirm.data, version: 0 });
    expect(bodyText(stale)).toContain('malformed');
    const older = await click(personas.operator, mine.confirm.verb, { ...mine.confirm.data, version: 7 });
    expect(bodyText(older)).toContain('out of date');

    expect((await bot.store.requests.get(mine.requestId))?.state).toBe('awaiting-confirmation');
    expect((await bot.store.requests.get(theirs.requestId))?.state).toBe('awaiting-confirmation');
    expect((await refusals(bot.store)).length).toBe(before + 6);
    expect(writesAfter(bot.sandbox, mark)).toEqual([]);

    // Tampered target on the real Confirm: the subject, requester and approvals in the data are ignored.
    const tampered = await click(personas.operator, mine.confirm.verb, {
      ...mine.confirm.data,
      subject: { id: U.pattiFernandez, userPrincipalName: 'patti.fernandez@contoso.com' },
      userPrincipalName: 'patti.fernandez@contoso.com',
      requester: { aadObjectId: personas.approver.aadObjectId, tenantId },
      approvalsRequired: 0,
      state: 'approved',
      kind: 'revoke',
    });
    expect(bodyText(tampered)).toContain('Approvals');
    const stored = await bot.store.requests.get(mine.requestId);
    expect(stored?.subject.userPrincipalName).toBe('nestor.wilke@contoso.com');
    expect(stored?.requester.aadObjectId).toBe(personas.operator.aadObjectId);
    expect(stored?.approvalsRequired).toBe(1);
    expect(stored?.kind).toBe('offboard');
    expect(stored?.state).toBe('awaiting-approval');
    expect(writesAfter(bot.sandbox, mark)).toEqual([]);
    await say(personas.operator, `cancel ${mine.requestId}`);
    await say(personas.operator2, `cancel ${theirs.requestId}`);
  });

  it('refuses self-approval and approval by a non-approver', async () => {
    const { requestId, approve } = await approvalFor('pradeep.gupta@contoso.com');
    const before = (await refusals(bot.store)).length;
    const mark = lastSeq(bot.sandbox);
    expect(bodyText(await click(personas.operator, approve.verb, approve.data))).toContain('Four eyes');
    expect(bodyText(await click(personas.ordinary, approve.verb, approve.data))).toContain('approvers group');
    expect(bodyText(await click(personas.operator2, approve.verb, approve.data))).toContain(
      'approvers group',
    );
    expect((await bot.store.requests.get(requestId))?.state).toBe('awaiting-approval');
    expect((await bot.store.requests.get(requestId))?.approvals).toEqual([]);
    const refused = (await refusals(bot.store)).slice(0, 3);
    expect(refused.every((e) => e.details['code'] === 'forbidden')).toBe(true);
    expect((await refusals(bot.store)).length).toBe(before + 3);
    expect(writesAfter(bot.sandbox, mark)).toEqual([]);
    await say(personas.operator, `cancel ${requestId}`);
  });

  it('needs a second, different approver for a protected account', async () => {
    const { requestId, approve } = await approvalFor('patti.fernandez@contoso.com');
    expect((await bot.store.requests.get(requestId))?.approvalsRequired).toBe(2);
    const mark = lastSeq(bot.sandbox);
    const first = await click(personas.approver, approve.verb, approve.data);
    expect(bodyText(first)).toContain('Approvals');
    const afterFirst = await bot.store.requests.get(requestId);
    expect(afterFirst?.state).toBe('awaiting-approval');
    const again = await click(personas.approver, approve.verb, {
      ...approve.data,
      version: afterFirst?.version,
    });
    expect(bodyText(again)).toContain('already approved');
    expect((await bot.store.requests.get(requestId))?.state).toBe('awaiting-approval');
    expect(writesAfter(bot.sandbox, mark)).toEqual([]);
    expect(bot.sandbox.state.directory.getUser(U.pattiFernandez)?.accountEnabled).toBe(true);
    await say(personas.operator, `cancel ${requestId}`);
  });

  it('refuses card data that is too large and messages that are too long', async () => {
    const { requestId, approve } = await approvalFor('lynne.robbins@contoso.com');
    const mark = lastSeq(bot.sandbox);
    const before = (await refusals(bot.store)).length;
    expect(
      bodyText(
        await click(personas.approver, approve.verb, { ...approve.data, padding: 'x'.repeat(20_000) }),
      ),
    ).toContain('too much data');
    expect(textOf(await say(personas.operator, `offboard ${'a'.repeat(5000)}`))).toContain('too long');
    expect((await bot.store.requests.get(requestId))?.state).toBe('awaiting-approval');
    expect((await refusals(bot.store)).length).toBe(before + 1);
    expect(writesAfter(bot.sandbox, mark)).toEqual([]);
    await say(personas.operator, `cancel ${requestId}`);
  });

  const injections = [
    '*)(objectClass=*))(|(cn=*',
    "adele' or startswith(userPrincipalName,'a",
    "adele' or 'a' eq 'a",
    'Adele Vance OR displayName:a',
    'adele.vance@contoso.com; Remove-Mailbox -Identity * -Confirm:$false',
    '$(Remove-Mailbox *)',
    '`whoami`',
    '${$root.requester.aadObjectId}',
    '<at>x</at><script>alert(1)</script>',
    '../../../../etc/passwd',
    '{"requestId":"REQ-20260101-AAAA"}',
  ];

  it('treats injection strings in command arguments as data: nothing created, nothing changed', async () => {
    const mark = lastSeq(bot.sandbox);
    const requestsBefore = (await bot.store.requests.listByState(['awaiting-confirmation'], 1000)).length;
    for (const text of injections) {
      const replies = await say(personas.operator, `offboard ${text}`);
      // What the user sees (text and cards), not the activity envelope that names them.
      const reply = JSON.stringify(replies.map((r) => [r.text, r.attachments]));
      expect(reply).not.toContain(personas.operator.aadObjectId);
      expect(replies.length).toBeGreaterThan(0);
      expect(reply).not.toContain('Something went wrong');
    }
    for (const command of ['status', 'history', 'cancel']) {
      for (const text of injections) {
        const replies = await say(personas.operator, `${command} ${text}`);
        expect(JSON.stringify(replies)).not.toContain('Something went wrong');
      }
    }
    expect((await bot.store.requests.listByState(['awaiting-confirmation'], 1000)).length).toBe(
      requestsBefore,
    );
    expect(writesAfter(bot.sandbox, mark)).toEqual([]);
  });

  it('refuses injection strings in the delegate and forwarding inputs and changes nothing', async () => {
    const { confirm, requestId } = await requestCard('sara.davis@contoso.com');
    const mark = lastSeq(bot.sandbox);
    for (const value of injections) {
      const asDelegate = await click(personas.operator, confirm.verb, { ...confirm.data, delegate: value });
      expect(bodyText(asDelegate)).toMatch(/not found|invalid|malformed|must be/i);
      const asForward = await click(personas.operator, confirm.verb, { ...confirm.data, forwardTo: value });
      expect(bodyText(asForward)).toMatch(/invalid values|not a user/i);
    }
    const stored = await bot.store.requests.get(requestId);
    expect(stored?.state).toBe('awaiting-confirmation');
    expect(stored?.version).toBe(1);
    expect(writesAfter(bot.sandbox, mark)).toEqual([]);
    await say(personas.operator, `cancel ${requestId}`);
  });

  it('stores a hostile reject reason verbatim as data and changes nothing else', async () => {
    const { requestId, reject } = await approvalFor('diego.siciliani@contoso.com');
    const mark = lastSeq(bot.sandbox);
    const reason = injections.join(' | ');
    const result = await click(personas.approver, reject.verb, { ...reject.data, reason });
    expect(bodyText(result)).toContain('Rejected');
    const stored = await bot.store.requests.get(requestId);
    expect(stored?.state).toBe('rejected');
    expect(stored?.approvals[0]?.reason).toBe(reason.slice(0, 500));
    expect(writesAfter(bot.sandbox, mark)).toEqual([]);
    expect(bot.sandbox.state.directory.getUser(U.diegoSiciliani)?.accountEnabled).toBe(true);
  });

  it('passes a hostile auto-reply text to Exchange as data, applies only the planned changes, and refuses a replay after completion', async () => {
    const autoReply =
      "'; Set-Mailbox -Identity * -ForwardingSmtpAddress evil@example.com; ' ${$root} <script>x</script>";
    const { requestId, approve } = await approvalFor('johanna.lorenz@contoso.com', { autoReply });
    const forwardingBefore = [...bot.sandbox.state.exchange.mailboxes()].filter(
      (m) => m.forwardingSmtpAddress !== null,
    ).length;
    await click(personas.approver, approve.verb, approve.data);
    await bot.services.coordinator.idle();
    const done = await bot.store.requests.get(requestId);
    expect(done?.state).toMatch(/^completed/);
    const mailbox = bot.sandbox.state.exchange.getMailbox(U.johannaLorenz);
    expect(mailbox?.automaticReplies.internalReplyMessage).toContain(autoReply);
    expect(
      [...bot.sandbox.state.exchange.mailboxes()].filter((m) => m.forwardingSmtpAddress !== null).length,
    ).toBe(forwardingBefore);
    const targets = new Set(
      writesAfter(bot.sandbox, 0)
        .filter((e) => e.operation === 'mailbox.set-auto-reply')
        .map((e) => e.path),
    );
    expect(targets.size).toBe(1);

    // Replay the approval after completion: refused, audited, nothing applied.
    const mark = lastSeq(bot.sandbox);
    const before = (await refusals(bot.store)).length;
    const replay = await click(personas.approver, approve.verb, approve.data);
    expect(bodyText(replay)).toMatch(/out of date|completed/);
    const replayCurrent = await click(personas.approver, approve.verb, {
      ...approve.data,
      version: done?.version,
    });
    expect(bodyText(replayCurrent)).toMatch(/completed/);
    expect((await refusals(bot.store)).length).toBe(before + 2);
    expect(writesAfter(bot.sandbox, mark)).toEqual([]);
    expect((await bot.store.requests.get(requestId))?.version).toBe(done?.version);
  });

  it('refuses injection strings as a revoke ticket id (schema) before any service sees them', () => {
    for (const ticketId of injections) {
      expect(() => parseRevokeInput({ user: 'adele.vance@contoso.com', ticketId })).toThrow(/ticket id/);
    }
  });

  it('keeps secrets out of logs, cards, replies, the journal, the audit trail and error messages', async () => {
    const secrets = [
      bot.sandbox.credentials.clientSecret,
      bot.sandbox.credentials.readOnlyClientSecret,
      ...keyFragments(bot.sandbox.credentials.privateKeyPem),
    ];
    const audit = await bot.store.audit.list({ limit: 100_000 });
    const requests = await bot.store.requests.listByState(
      [
        'completed',
        'completed-with-errors',
        'failed',
        'rejected',
        'cancelled',
        'awaiting-approval',
        'awaiting-confirmation',
      ],
      1000,
    );
    const journals = await Promise.all(
      requests.flatMap((r) => (r.runId ? [bot.store.journal.list(r.runId)] : [])),
    );
    expect(journals.flat().length).toBeGreaterThan(0);
    const surfaces: Record<string, string> = {
      log: logLines.join('\n'),
      replies: JSON.stringify(seen),
      proactive: JSON.stringify(bot.gateway.messages),
      audit: JSON.stringify(audit),
      journal: JSON.stringify(journals),
      requests: JSON.stringify(requests),
    };
    expect(surfaces['log']?.length).toBeGreaterThan(1000);
    for (const [surface, text] of Object.entries(surfaces)) {
      expect({ surface, findings: secretFindings(text, secrets) }).toEqual({ surface, findings: [] });
    }
  });
});

describe('the protected-account policy "refuse"', () => {
  let bot: BotHarness;
  beforeAll(async () => {
    bot = await startBotHarness({ PROTECTED_ACCOUNT_POLICY: 'refuse' });
  });
  afterAll(async () => {
    await bot.close();
  });

  it('refuses protected accounts (by group and by UPN), audits it and creates nothing', async () => {
    const mark = lastSeq(bot.sandbox);
    for (const upn of ['patti.fernandez@contoso.com', 'breakglass.admin@contoso.com']) {
      const text = textOf(await bot.say(personas.operator, `offboard ${upn}`));
      expect(text).toContain('protected account');
      expect(await bot.store.requests.listBySubject(upn)).toHaveLength(0);
    }
    expect((await refusals(bot.store)).length).toBe(2);
    expect(writesAfter(bot.sandbox, mark)).toEqual([]);
  });
});

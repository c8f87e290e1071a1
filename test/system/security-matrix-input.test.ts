/**
 * The security matrix, hardening round 2 (input): hostile text, files and links against the real bot
 * (TestAdapter, real connectors against the in-process sandbox, the real store). Each case asserts the
 * answer, that nothing changed (no write in the sandbox's request log, no request in the store, no
 * request reached the attacker's listener) and, for refusals, the `action.refused` audit entry.
 * The time per hostile message is measured by `npm run bench:redos`, not here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/app/config.js';
import { downloadPolicyOf } from '../../src/app/download-policy.js';
import { createLogger } from '../../src/app/logger.js';
import { opathEquals } from '../../src/connectors/exchange/opath-filter.js';
import { userKeySegment } from '../../src/connectors/graph/odata-query.js';
import { offboardOptionsSchema } from '../../src/core/offboard/offboard-input.js';
import type { AuditEvent } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports/store.js';
import { joinerRowSchema } from '../../src/core/provision/provision-input.js';
import { parseMailboxFilter } from '../../src/sandbox/exchange/filter.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { isAllowedDownload } from '../../src/teams/actions/file-download.js';
import { createBotApplication } from '../../src/teams/bot-app.js';
import { ActorRateLimit } from '../../src/teams/rate-limit.js';
import { message } from '../../src/teams/route.js';
import { maxMessageLength } from '../../src/teams/route-guard.js';
import { routes } from '../../src/teams/routes.js';
import {
  actionsOf,
  botDriver,
  cardIn,
  settledReplies,
  personas,
  startBotHarness,
  tenantId,
  textOf,
  type BotHarness,
  type Persona,
} from '../support/bot-harness.js';

const writesAfter = (sandbox: Sandbox, mark: number) =>
  sandbox.requestLog
    .all()
    .filter((e) => e.seq > mark && e.operation !== null && e.operation !== 'token.issue');
const callsAfter = (sandbox: Sandbox, mark: number) =>
  sandbox.requestLog.all().filter((e) => e.seq > mark && e.operation !== 'token.issue');
const lastSeq = (sandbox: Sandbox): number => sandbox.requestLog.all().at(-1)?.seq ?? 0;

/** Audit entries appended after the mark (`auditMark`), oldest first. */
async function auditSince(store: Store, mark: number): Promise<AuditEvent[]> {
  return (await store.audit.list({ limit: 10_000 })).filter((e) => (e.id ?? 0) > mark).reverse();
}
const auditMark = async (store: Store): Promise<number> => (await store.audit.list({ limit: 1 }))[0]?.id ?? 0;

/** The pathological shape for `x@y.z` patterns whose domain part may hold dots: quadratic before round 2. */
const dottedFake = (length: number): string => `a@${'.'.repeat(length - 3)}@`;

/** A file attachment as Teams sends it in a 1:1 chat. */
function fileMessage(from: Persona, downloadUrl: string, text: string, name: string): Partial<Activity> {
  return {
    type: 'message',
    text,
    channelId: 'msteams',
    serviceUrl: 'https://smba.example.test/teams/',
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    recipient: { id: '28:lifecycle-bot', name: 'Lifecycle' },
    conversation: {
      id: `personal-${from.id}`,
      isGroup: false,
      conversationType: 'personal',
      tenantId,
      name: '',
    },
    channelData: { tenant: { id: tenantId } },
    attachments: [
      {
        contentType: 'application/vnd.microsoft.teams.file.download.info',
        name,
        content: { downloadUrl, fileType: 'csv' },
      },
    ],
  };
}

/** A listener standing in for whatever a hostile link points at; it counts what reaches it. */
interface Listener {
  base: string;
  port: number;
  hits: string[];
  close(): Promise<void>;
}
async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Listener> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

describe('hardening round 2: input', () => {
  let bot: BotHarness;
  let files: Listener;
  const logLines: string[] = [];
  const secretMarker = 'unparsed-secret-7f3a';

  const send = async (activity: Partial<Activity>): Promise<string> => {
    await bot.adapter.processActivity(activity);
    const replies: Partial<Activity>[] = [];
    for (let a = bot.adapter.activeQueue.shift(); a; a = bot.adapter.activeQueue.shift()) replies.push(a);
    // A bulk list is planned after the turn: its placeholder is replaced with the answer.
    return textOf(await settledReplies(bot.services.deps.background, bot.gateway)(replies));
  };

  beforeAll(async () => {
    bot = await startBotHarness(
      {},
      { logger: createLogger('trace', { write: (l: string) => logLines.push(l) }) },
    );
    files = await listen((req, res) => {
      if (req.url?.startsWith('/leavers.csv')) {
        res.setHeader('content-type', 'text/csv');
        res.end('upn\nadele.vance@contoso.com\n');
      } else if (req.url === '/status-500') {
        res.statusCode = 500;
        res.end(`internal ${secretMarker}`);
      } else if (req.url === '/redirect') {
        res.statusCode = 302;
        res.setHeader('location', 'http://127.0.0.1:1/');
        res.end();
      } else if (req.url === '/not-csv') {
        res.setHeader('content-type', 'text/csv');
        res.end(`upn\n"${secretMarker}\n`);
      } else if (req.url === '/endless') {
        // No Content-Length, and a body that never ends: only a cap while streaming stops it.
        res.setHeader('content-type', 'text/csv');
        const chunk = Buffer.alloc(64 * 1024, 'a');
        const pump = (): void => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
  });
  afterAll(async () => {
    await files.close();
    await bot.close();
  });

  describe('1. regular expressions on user input', () => {
    it('checks the UPN length before the pattern: a 300-character joiner UPN or forwarding address fails once, on length', () => {
      const joiner = joinerRowSchema.safeParse({ userPrincipalName: dottedFake(300) });
      expect(joiner.success).toBe(false);
      expect(joiner.error?.issues.map((i) => i.message)).toEqual(['is too long']);
      const forward = offboardOptionsSchema.safeParse({ forwardTo: dottedFake(300) });
      expect(forward.error?.issues.map((i) => i.message)).toEqual(['is too long']);
      // The linear pattern still takes ordinary addresses and refuses empty domain labels.
      expect(joinerRowSchema.safeParse({ userPrincipalName: 'ray.kim@contoso.com' }).success).toBe(true);
      expect(joinerRowSchema.safeParse({ userPrincipalName: 'ray@contoso..com' }).success).toBe(false);
    });

    it('applies the message cap before any route reads the text: no route matcher sees 256 KB', async () => {
      let looked = 0;
      const probe = message(
        'probe',
        (activity) => {
          looked += 1;
          return (activity.text ?? '').startsWith('probe');
        },
        'member',
        () => Promise.resolve(),
      );
      const driver = botDriver(createBotApplication(bot.services.deps, { routes: [probe, ...routes] }));
      const before = await auditMark(bot.store);
      const mark = lastSeq(bot.sandbox);
      for (const text of [`probe ${'x'.repeat(256 * 1024)}`, `provision ${dottedFake(256 * 1024)}`]) {
        const replies = await driver.say(personas.operator, text);
        expect(textOf(replies)).toBe('That message is too long for a command; nothing was changed.');
      }
      expect(looked).toBe(0);
      expect(callsAfter(bot.sandbox, mark)).toEqual([]);
      expect(await auditSince(bot.store, before)).toEqual([]);
      // Control: within the cap the matcher runs.
      await driver.say(personas.operator, 'probe');
      expect(looked).toBe(1);
    });

    it('checks the role before parsing: a fake UPN from someone who may not provision is refused on role, audited', async () => {
      const before = await auditMark(bot.store);
      const text = textOf(await bot.say(personas.ordinary, `provision ${dottedFake(maxMessageLength - 20)}`));
      expect(text).toBe('Only members of the requesters group can ask for a provisioning.');
      const refused = (await auditSince(bot.store, before)).filter((e) => e.type === 'action.refused');
      expect(refused.map((e) => e.details['action'])).toEqual(['provision']);
    });

    it('refuses a leavers file with a 256 KB cell before parsing it, and 12 KB fake addresses by line, nothing created', async () => {
      const cells = new Map([
        ['/huge.csv', `upn,delegate\n${dottedFake(256 * 1024)},${dottedFake(256 * 1024)}\n`],
        ['/long.csv', `upn,delegate\n${dottedFake(12 * 1024)},${dottedFake(12 * 1024)}\n`],
      ]);
      const big = await listen((req, res) => {
        res.setHeader('content-type', 'text/csv');
        res.end(cells.get(req.url ?? '') ?? '');
      });
      try {
        const mark = lastSeq(bot.sandbox);
        const huge = await send(
          fileMessage(personas.operator, `${big.base}/huge.csv`, 'offboard --from', 'huge.csv'),
        );
        expect(huge).toBe('huge.csv: Line 2 is longer than 32 KB. Nothing was changed.');
        const long = await send(
          fileMessage(personas.operator, `${big.base}/long.csv`, 'offboard --from', 'long.csv'),
        );
        expect(long).toContain('Nobody in the list can be offboarded; nothing was changed.');
        expect(long).toContain('not a user principal name');
        expect(long.length).toBeLessThan(2_000);
        expect(writesAfter(bot.sandbox, mark)).toEqual([]);
      } finally {
        await big.close();
      }
    });
  });

  describe('2. offboard --from and joiner files: downloads', () => {
    it('checks the role before fetching anything: a file from someone who may not offboard is never fetched', async () => {
      const before = await auditMark(bot.store);
      const hits = files.hits.length;
      const text = await send(
        fileMessage(personas.ordinary, `${files.base}/leavers.csv`, 'offboard --from', 'leavers.csv'),
      );
      expect(text).toBe('Only members of the requesters group can ask for an offboarding.');
      expect(files.hits.length).toBe(hits);
      const refused = (await auditSince(bot.store, before)).filter((e) => e.type === 'action.refused');
      expect(refused.map((e) => e.details['action'])).toEqual(['offboard.bulk']);
    });

    it('fetches only from the tenant’s SharePoint (and, in sandbox mode, the sandbox host): other links are refused unfetched and audited', async () => {
      const other = `http://localhost:${files.port}/leavers.csv`;
      for (const link of [
        other,
        `https://evil.example/leavers.csv`,
        `http://user:pw@127.0.0.1:${files.port}/leavers.csv`,
      ]) {
        const before = await auditMark(bot.store);
        const hits = files.hits.length;
        const mark = lastSeq(bot.sandbox);
        const text = await send(fileMessage(personas.operator, link, 'offboard --from', 'leavers.csv'));
        expect(text, link).toBe(
          'leavers.csv: The file link is not on this tenant’s SharePoint. Nothing was changed.',
        );
        expect(files.hits.length, link).toBe(hits);
        expect(writesAfter(bot.sandbox, mark)).toEqual([]);
        const events = await auditSince(bot.store, before);
        expect(events.map((e) => [e.type, e.details['action']])).toEqual([
          ['action.refused', 'offboard.bulk'],
        ]);
      }
      const joiner = await send(fileMessage(personas.operator, other, '', 'joiners.csv'));
      expect(joiner).toBe(
        'joiners.csv: The file link is not on this tenant’s SharePoint. Nothing was changed.',
      );
    });

    it('outside sandbox mode allows https on the tenant’s SharePoint hosts only (no loopback, no http, no port)', () => {
      const policy = downloadPolicyOf(
        loadConfig({
          LIFECYCLE_MODE: 'production',
          BOT_ID: '33333333-3333-4333-8333-333333333333',
          BOT_PASSWORD: 'x',
          TENANT_ID: tenantId,
          CLIENT_ID: '22222222-2222-4222-8222-222222222222',
          REQUESTERS_GROUP_IDS: '44444444-4444-4444-8444-444444444444',
          APPROVERS_GROUP_IDS: '55555555-5555-4555-8555-555555555555',
        }),
      );
      const allowed = (link: string): boolean => isAllowedDownload(new URL(link), policy);
      expect(allowed('https://contoso-my.sharepoint.com/personal/ada/_layouts/15/download.aspx?x=1')).toBe(
        true,
      );
      expect(allowed('https://contoso.sharepoint.com/sites/hr/leavers.csv')).toBe(true);
      for (const link of [
        'http://contoso-my.sharepoint.com/leavers.csv',
        'https://contoso-my.sharepoint.com:8443/leavers.csv',
        'https://contoso-admin.sharepoint.com/leavers.csv',
        'https://fabrikam-my.sharepoint.com/leavers.csv',
        'https://contoso-my.sharepoint.com.evil.example/leavers.csv',
        'http://127.0.0.1:3978/readyz',
        'http://localhost:4010/_control/state',
        'http://[::1]/x.csv',
      ])
        expect(allowed(link), link).toBe(false);
    });

    it('gives one text for every network failure and echoes no body', async () => {
      const closed = await listen(() => undefined);
      await closed.close();
      const answers = new Set<string>();
      for (const link of [
        `http://127.0.0.1:${closed.port}/leavers.csv`,
        `${files.base}/status-500`,
        `${files.base}/redirect`,
        `${files.base}/missing.csv`,
      ]) {
        const mark = lastSeq(bot.sandbox);
        answers.add(await send(fileMessage(personas.operator, link, 'offboard --from', 'leavers.csv')));
        expect(writesAfter(bot.sandbox, mark)).toEqual([]);
      }
      expect([...answers]).toEqual(['leavers.csv: The file could not be downloaded. Nothing was changed.']);
      const notCsv = await send(
        fileMessage(personas.operator, `${files.base}/not-csv`, 'offboard --from', 'leavers.csv'),
      );
      expect(notCsv).toMatch(
        /^leavers\.csv: The file is not valid CSV( \(line \d+\))?\. Nothing was changed\.$/,
      );
      expect(notCsv).not.toContain(secretMarker);
    });

    it('enforces the byte cap while the body streams: an endless body without Content-Length is cut off', async () => {
      const before = await auditMark(bot.store);
      const text = await send(
        fileMessage(personas.operator, `${files.base}/endless`, 'offboard --from', 'leavers.csv'),
      );
      expect(text).toBe('leavers.csv: The file is larger than 1 MB. Nothing was changed.');
      const events = await auditSince(bot.store, before);
      expect(events.map((e) => [e.type, e.details['outcome']])).toEqual([['file.downloaded', 'too-large']]);
    });

    it('audits each download: who, host and path, bytes, never the link’s query', async () => {
      const before = await auditMark(bot.store);
      const text = await send(
        fileMessage(
          personas.operator,
          `${files.base}/leavers.csv?tempauth=link-token-9b1c`,
          'offboard --from',
          'leavers.csv',
        ),
      );
      expect(text).not.toContain('could not');
      const downloads = (await auditSince(bot.store, before)).filter((e) => e.type === 'file.downloaded');
      expect(downloads).toHaveLength(1);
      expect(downloads[0]?.actor).toMatchObject({ aadObjectId: personas.operator.aadObjectId });
      expect(downloads[0]?.details).toEqual({
        host: `127.0.0.1:${files.port}`,
        path: '/leavers.csv',
        outcome: 'downloaded',
        bytes: Buffer.byteLength('upn\nadele.vance@contoso.com\n'),
      });
      expect(JSON.stringify(await bot.store.audit.list({ limit: 10_000 }))).not.toContain('link-token-9b1c');
    });
  });

  describe('12. SANDBOX_URL', () => {
    it('is a configuration error outside sandbox mode', () => {
      const production = {
        LIFECYCLE_MODE: 'production',
        BOT_ID: '33333333-3333-4333-8333-333333333333',
        BOT_PASSWORD: 'x',
        TENANT_ID: tenantId,
        CLIENT_ID: '22222222-2222-4222-8222-222222222222',
        REQUESTERS_GROUP_IDS: '44444444-4444-4444-8444-444444444444',
        APPROVERS_GROUP_IDS: '55555555-5555-4555-8555-555555555555',
      };
      expect(() => loadConfig({ ...production, SANDBOX_URL: 'http://127.0.0.1:4010' })).toThrow(ConfigError);
      expect(() => loadConfig({ ...production, SANDBOX_URL: 'http://127.0.0.1:4010' })).toThrow(
        /SANDBOX_URL is honoured in sandbox mode only/,
      );
      expect(loadConfig(production).urls.graph).toBe('https://graph.microsoft.com');
      expect(
        loadConfig({ LIFECYCLE_MODE: 'sandbox', SANDBOX_URL: 'http://127.0.0.1:4010' }).urls.sandbox,
      ).toBe('http://127.0.0.1:4010');
    });
  });

  describe('13. smaller findings', () => {
    it('escapes the typographic single quotes U+2018–U+201B in OPATH literals (the value comes back whole)', () => {
      // PowerShell reads each of them as a quote: each is doubled, like `'`.
      expect(opathEquals('Alias', 'o\u2019brien')).toBe("Alias -eq 'o\u2019\u2019brien'");
      for (const quote of ['\u2018', '\u2019', '\u201a', '\u201b', "'"]) {
        const value = `x${quote} -or Alias -eq ${quote}admin`;
        expect(parseMailboxFilter(opathEquals('Alias', value)), quote).toEqual({ property: 'Alias', value });
      }
    });

    it('refuses `.` and `..` as a user key path segment', () => {
      expect(() => userKeySegment('..')).toThrow('The user id or UPN is not a key');
      expect(() => userKeySegment('.')).toThrow('The user id or UPN is not a key');
      expect(userKeySegment('ada@contoso.com')).toBe('/ada@contoso.com');
    });

    it('checks the delegate as a UPN before any look-up: `..` and a fake address change nothing', async () => {
      const card = cardIn(await bot.say(personas.operator, 'offboard adele.vance@contoso.com'));
      const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
      if (!confirm) throw new Error('no request card');
      for (const delegate of ['..', '.', dottedFake(200)]) {
        const mark = lastSeq(bot.sandbox);
        const result = await bot.click(personas.operator, confirm.verb, { ...confirm.data, delegate });
        expect(JSON.stringify(result.body?.value), delegate).toContain(
          'The delegate must be a user principal name.',
        );
        // No look-up at all: the text never became a Graph path (the subject's protection is read again
        // at every confirm, before the choices are read).
        const lookups = callsAfter(bot.sandbox, mark).filter(
          (e) => e.path.includes('/users') && !e.path.endsWith('/transitiveMemberOf'),
        );
        expect(lookups).toEqual([]);
      }
      const [request] = await bot.store.requests.listBySubject('adele.vance@contoso.com');
      expect(request?.state).toBe('awaiting-confirmation');
    });

    it('limits the commands that read the tenant per person: a clear answer, audited, nothing read', async () => {
      const deps = { ...bot.services.deps, tenantReads: new ActorRateLimit(2, 60_000, { now: () => 0 }) };
      const driver = botDriver(createBotApplication(deps));
      for (let i = 0; i < 2; i += 1) {
        expect(
          textOf(await driver.say(personas.operator2, 'offboard nobody.at.all@contoso.com')),
        ).not.toContain('Wait a minute');
      }
      const before = await auditMark(bot.store);
      const mark = lastSeq(bot.sandbox);
      const third = textOf(await driver.say(personas.operator2, 'revoke nobody.at.all@contoso.com'));
      expect(third).toBe(
        'You have sent more than 2 requests that read the directory in the last minute. Wait a minute and try again; nothing was changed.',
      );
      expect(callsAfter(bot.sandbox, mark)).toEqual([]);
      const refused = await auditSince(bot.store, before);
      expect(refused.map((e) => [e.type, e.details['action'], e.details['code']])).toEqual([
        ['action.refused', 'revoke', 'rate-limited'],
      ]);
      // Per person: another requester, and commands that read only the store, go on.
      expect(textOf(await driver.say(personas.operator, 'offboard nobody.at.all@contoso.com'))).not.toContain(
        'Wait a minute',
      );
      expect(textOf(await driver.say(personas.operator2, 'status REQ-20200101-AAAAAA'))).not.toContain(
        'Wait a minute',
      );
    });

    it('answers an unexpected failure of a provisioning route with a reference id; the detail goes to the log only', async () => {
      const provision = bot.services.deps.provision;
      if (!provision) throw new Error('provisioning is not configured in the harness');
      const failing = {
        ...provision,
        flow: Object.assign(Object.create(provision.flow) as typeof provision.flow, {
          prepare: () => Promise.reject(new TypeError(`connection to db.internal:5432 ${secretMarker}`)),
        }),
      };
      const deps = { ...bot.services.deps, provision: failing };
      const driver = botDriver(createBotApplication(deps), settledReplies(deps.background, bot.gateway));
      const text = textOf(await driver.say(personas.operator, 'provision ray.kim@contoso.com'));
      expect(text).toMatch(
        /^Something went wrong \(reference [0-9a-f]{8}\)\. Nothing further was changed\.$/,
      );
      expect(text).not.toContain('TypeError');
      expect(text).not.toContain(secretMarker);
      expect(logLines.some((l) => l.includes(secretMarker))).toBe(true);
    });
  });
});

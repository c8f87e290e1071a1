import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors.js';
import type { AuditEvent } from '../../../src/core/model.js';
import { systemClock } from '../../../src/core/ports/clock.js';
import { requestData } from '../../../src/teams/actions/action-data.js';
import { fileDownloadInfoType } from '../../../src/teams/actions/provision-file.js';
import { createBotApplication } from '../../../src/teams/bot-app.js';
import type { BotDeps } from '../../../src/teams/bot-deps.js';
import { message, verb, type Route } from '../../../src/teams/route.js';
import { maxMessageLength } from '../../../src/teams/route-guard.js';
import { routes } from '../../../src/teams/routes.js';
import {
  botDriver,
  personas,
  settledReplies,
  startBotHarness,
  tenantId,
  textOf,
  type BotHarness,
  type Persona,
} from '../../support/bot-harness.js';

const otherTenant = '99999999-9999-4999-8999-999999999999';
const clockTime = '2031-02-03T04:05:06.000Z';
const tooLong = 'That message is too long for a command; nothing was changed.';
const referenceReply = /^Something went wrong \(reference ([0-9a-f]{8})\)\. Nothing further was changed\.$/;

/** A message with a joiners file attached, as Teams sends it in a 1:1 chat. */
function fileMessage(from: Persona, downloadUrl: string, text = ''): Partial<Activity> {
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
    attachments: [{ contentType: fileDownloadInfoType, name: 'joiners.csv', content: { downloadUrl } }],
  };
}

describe('the route guard', () => {
  let bot: BotHarness;
  let files: Server;
  let fileRequests = 0;
  let filesUrl = '';
  const logLines: string[] = [];
  /** The bot's own deps, but with a clock stopped at `clockTime` and a log the test reads. */
  let deps: BotDeps;

  const refusalsAtClockTime = async (): Promise<AuditEvent[]> =>
    (await bot.store.audit.list({ limit: 10_000 })).filter(
      (e) => e.type === 'action.refused' && e.at === clockTime,
    );

  beforeAll(async () => {
    bot = await startBotHarness();
    deps = {
      ...bot.services.deps,
      clock: { ...systemClock, now: () => Date.parse(clockTime) },
      logger: pino({ level: 'info' }, { write: (line: string) => logLines.push(line) }),
    };
    files = createServer((_req, res) => {
      fileRequests += 1;
      res.setHeader('content-type', 'text/csv');
      res.end('CN,UserPrincipalName,EmployeeType\nRay Kim,ray.kim@contoso.com,E\n');
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/joiners.csv`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) =>
      files.close(() => {
        resolve();
      }),
    );
    await bot.close();
  });

  it('audits refusals with the time of the injected clock: role, tenant, card data and flow refusals', async () => {
    const driver = botDriver(createBotApplication(deps), settledReplies(deps.background, bot.gateway));
    expect(await refusalsAtClockTime()).toEqual([]);

    const notReader = textOf(await driver.say(personas.ordinary, 'status REQ-20200101-AAAAAA'));
    expect(notReader).toBe('Only requesters, approvers and auditors can read requests.');
    const foreign = await driver.click(
      personas.approver,
      'request.approve',
      { requestId: 'REQ-20200101-AAAAAA', version: 1 },
      'card-1',
      otherTenant,
    );
    expect(String(foreign.body?.value)).toContain('could not tell who you are');
    const malformed = await driver.click(personas.operator, 'request.cancel', { requestId: 'nope' });
    expect(String(malformed.body?.value)).toContain('malformed');
    const self = textOf(await driver.say(personas.operator, 'offboard isaiah.langer@contoso.com'));
    expect(self).toContain("can't offboard yourself");

    const refused = await refusalsAtClockTime();
    expect(refused.map((e) => e.details['action']).sort()).toEqual([
      'offboard',
      'request.approve',
      'request.cancel',
      'status',
    ]);
    expect(refused.find((e) => e.details['action'] === 'request.approve')?.details['code']).toBe(
      'cross-tenant',
    );
  });

  it('answers an unexpected error with a reference id the log carries, and a typed error with its message', async () => {
    const failing: Route[] = [
      message(
        'test.fail',
        (a) => a.text === 'fail',
        'member',
        () => {
          throw new Error('connection to db.internal:5432 failed for user lifecycle');
        },
      ),
      message(
        'test.typed',
        (a) => a.text === 'typed',
        'member',
        () => {
          throw new InvalidInputError('The delegate must be a user principal name.');
        },
      ),
      verb('test.fail', 'member', requestData, () => {
        throw new TypeError('secret=abc is not iterable');
      }),
    ];
    const driver = botDriver(createBotApplication(deps, { routes: failing }));

    const text = textOf(await driver.say(personas.operator, 'fail'));
    const reference = referenceReply.exec(text)?.[1];
    expect(reference, text).toBeDefined();
    const logged = logLines.find((l) => l.includes(`"reference":"${reference ?? '-'}"`));
    expect(logged).toContain('connection to db.internal:5432');
    expect(logged).toContain('"what":"test.fail"');

    const clicked = await driver.click(personas.operator, 'test.fail', { requestId: 'REQ-20200101-AAAAAA' });
    expect(String(clicked.body?.value)).toMatch(referenceReply);
    expect(String(clicked.body?.value)).not.toContain('secret');

    expect(textOf(await driver.say(personas.operator, 'typed'))).toBe(
      'Something went wrong (The delegate must be a user principal name.). Nothing further was changed.',
    );
  });

  it('answers a failed download in a provisioning route with one text, not the error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) =>
      closed.close(() => {
        resolve();
      }),
    );
    await bot.adapter.processActivity(fileMessage(personas.operator, `http://127.0.0.1:${port}/joiners.csv`));
    const replies = bot.adapter.activeQueue.splice(0);
    const text = textOf(replies);
    expect(text).toBe('joiners.csv: The file could not be downloaded. Nothing was changed.');
    expect(text).not.toContain('fetch failed');
    expect(text).not.toContain('TypeError');
  });

  it('checks the role before reading any input: a file from someone who may not provision is not downloaded', async () => {
    const before = fileRequests;
    await bot.adapter.processActivity(fileMessage(personas.ordinary, filesUrl));
    expect(textOf(bot.adapter.activeQueue.splice(0))).toBe(
      'Only members of the requesters group can ask for a provisioning.',
    );
    expect(fileRequests).toBe(before);
    expect(textOf(await bot.say(personas.ordinary, 'provision not a upn at all'))).toBe(
      'Only members of the requesters group can ask for a provisioning.',
    );
  });

  /** For each route of the table, an input that it (and only it) takes, over the size cap. */
  const oversized = 'x'.repeat(maxMessageLength + 1);
  const leavers = Array.from({ length: 300 }, (_, i) => `leaver${i}@contoso.com`).join(', ');
  const messageSamples: Record<string, () => Partial<Activity>> = {
    'offboard.bulk': () => ({ text: `offboard ${leavers}` }),
    'provision.file': () => fileMessage(personas.operator, filesUrl, oversized),
    provision: () => ({ text: `provision ${oversized}` }),
    offboard: () => ({ text: `offboard ${oversized}` }),
    revoke: () => ({ text: `revoke ${oversized}` }),
    contain: () => ({ text: `contain ${oversized}` }),
    undo: () => ({ text: `undo ${oversized}` }),
    restore: () => ({ text: `restore ${oversized}` }),
    status: () => ({ text: `status ${oversized}` }),
    history: () => ({ text: `history ${oversized}` }),
    cancel: () => ({ text: `cancel ${oversized}` }),
    reschedule: () => ({ text: `reschedule ${oversized}` }),
    jobs: () => ({ text: `jobs ${oversized}` }),
    'dev.clock': () => ({ text: `clock ${oversized}` }),
    help: () => ({ text: `help ${oversized}` }),
    'card.submit': () => ({
      text: '',
      value: { requestId: 'REQ-20200101-AAAAAA', padding: oversized.repeat(5) },
    }),
  };

  it('caps the size of the input on every route of the table, before its handler runs', async () => {
    const before = fileRequests;
    for (const route of routes) {
      const driver = botDriver(createBotApplication(deps, { routes: [route] }));
      if (route.kind === 'verb') {
        const { body, replies } = await driver.click(personas.operator, route.name, {
          requestId: 'REQ-20200101-AAAAAA',
          version: 1,
          padding: oversized.repeat(5),
        });
        expect(body?.value, route.name).toBe('This card sent too much data; nothing was changed.');
        expect(replies, route.name).toEqual([]);
        continue;
      }
      const sample = messageSamples[route.name];
      if (!sample) throw new Error(`no oversized sample for the route ${route.name}`);
      const base = fileMessage(personas.operator, filesUrl);
      await driver.adapter.processActivity({ ...base, attachments: [], ...sample() });
      const replies = driver.adapter.activeQueue.splice(0);
      expect(
        replies.map((r) => r.text),
        route.name,
      ).toEqual([tooLong]);
    }
    expect(fileRequests).toBe(before);
  });
});

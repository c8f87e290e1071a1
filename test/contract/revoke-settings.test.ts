/**
 * The organisation's revoke settings against the sandbox, through the bot wired as in production
 * (real connectors, PGlite in memory): the default scope of a request naming no types and of an
 * offboarding's revoke, the notification recipients (Teams channel and e-mail) told when a revoke
 * completes, and the ticket webhook also receiving an offboarding's revoke summary.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../src/app/config.js';
import { verifySignature } from '../../src/connectors/webhook/index.js';
import type { RevokeSummary } from '../../src/core/revoke/index.js';
import { seeded } from '../../src/sandbox/index.js';
import {
  actionsOf,
  cardIn,
  personas,
  startBotHarness,
  tenantId,
  type BotHarness,
} from '../support/bot-harness.js';

const U = seeded.users;
const notifyChannel = '19:revoke-notices@thread.tacv2';
const webhookSecret = 'whsec-revoke-settings-0123456789';

/** The kinds of right a user still holds on other mailboxes, as the sandbox's Exchange knows them. */
function kindsHeld(bot: BotHarness, userId: string): string[] {
  const names = { FullAccess: 'full_access', SendAs: 'send_as', SendOnBehalf: 'send_on_behalf' } as const;
  const kinds = new Set<string>(
    bot.sandbox.state.exchange.rightsHeldBy(userId).map((right) => names[right.kind]),
  );
  if (bot.sandbox.state.exchange.folderPermissionsHeldBy(userId).length > 0) kinds.add('calendar');
  return [...kinds].sort();
}

async function confirmAndApprove(bot: BotHarness, command: string): Promise<string> {
  const card = cardIn(await bot.say(personas.operator, command));
  const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
  if (!confirm) throw new Error(`no Confirm for ${command}: ${JSON.stringify(card)}`);
  const confirmed = await bot.click(personas.operator, confirm.verb, confirm.data);
  const approve = actionsOf(cardIn(confirmed.replies)).find((a) => a.title === 'Approve');
  if (!approve) throw new Error(`no Approve for ${command}`);
  await bot.click(personas.approver, approve.verb, approve.data);
  await bot.services.coordinator.idle();
  await bot.services.revoke.finisher.idle();
  return String(confirm.data['requestId']);
}

async function saveChannel(bot: BotHarness, id: string): Promise<void> {
  await bot.store.conversations.save(`conversation:${id}`, {
    conversation: { id, isGroup: true, conversationType: 'channel', tenantId },
    serviceUrl: 'https://smba.example.test/teams/',
    channelId: 'msteams',
  });
}

describe('revoke settings: default scope and notification recipients', () => {
  let bot: BotHarness;

  beforeAll(async () => {
    bot = await startBotHarness({
      REVOKE_DEFAULT_PERMISSION_TYPES: 'send_as, send_on_behalf',
      REVOKE_NOTIFY_CHANNEL_ID: notifyChannel,
      REVOKE_NOTIFY_EMAILS: 'it-security@contoso.com,Service.Desk@contoso.com',
    });
    await saveChannel(bot, notifyChannel);
  }, 60_000);
  afterAll(async () => {
    await bot.close();
  });

  it('a revoke naming no types removes the default scope only, and the recipients are told', async () => {
    expect(kindsHeld(bot, U.adeleVance)).toEqual(['calendar', 'full_access', 'send_as', 'send_on_behalf']);
    const mailBefore = bot.sandbox.state.teams.sentMail().length;
    const requestId = await confirmAndApprove(bot, 'revoke adele.vance@contoso.com');
    const request = await bot.store.requests.get(requestId);
    expect(request?.state).toBe('completed');
    expect(request?.options['permissionTypes']).toEqual(['send_as', 'send_on_behalf']);
    // Only SendAs and SendOnBehalf went; FullAccess and the calendar delegations are kept.
    expect(kindsHeld(bot, U.adeleVance)).toEqual(['calendar', 'full_access']);

    const posted = bot.gateway.messages.filter((m) => m.conversationId === notifyChannel);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.activity.text).toContain('Mailbox permissions of Adele Vance');
    expect(posted[0]?.activity.text).toContain(requestId);
    const mails = bot.sandbox.state.teams.sentMail().slice(mailBefore);
    expect(mails).toHaveLength(1);
    const mail = JSON.stringify(mails[0]);
    expect(mail).toContain('it-security@contoso.com');
    expect(mail).toContain('service.desk@contoso.com');
    expect(mail).toContain('Mailbox permissions removed: Adele Vance');
    const audit = await bot.store.audit.list({ requestId });
    expect(audit.find((e) => e.type === 'revoke.notified')?.details).toMatchObject({
      status: 'completed',
      isPostedToChannel: true,
      mailedTo: 2,
    });
  });

  it("an offboarding's revoke removes the default scope too", async () => {
    const holder = [U.meganBowen, U.diegoSiciliani, U.leeGu, U.nestorWilke, U.pattiFernandez].find(
      (id) =>
        kindsHeld(bot, id).some((k) => k === 'send_as' || k === 'send_on_behalf') &&
        kindsHeld(bot, id).some((k) => k === 'full_access' || k === 'calendar'),
    );
    if (!holder) throw new Error('the seed has no second user with rights of both scopes');
    const upn = bot.sandbox.state.directory.getUser(holder)?.userPrincipalName ?? '';
    const kept = kindsHeld(bot, holder).filter((k) => k === 'full_access' || k === 'calendar');
    const requestId = await confirmAndApprove(bot, `offboard ${upn}`);
    expect((await bot.store.requests.get(requestId))?.state).toMatch(/^completed/);
    expect(kindsHeld(bot, holder)).toEqual(kept);
    expect(bot.gateway.messages.filter((m) => m.conversationId === notifyChannel)).toHaveLength(2);
  });

  it('the recipients are told when a revoke fails', async () => {
    const candidates = [
      U.meganBowen,
      U.diegoSiciliani,
      U.leeGu,
      U.nestorWilke,
      U.gradyArchie,
      U.lynneRobbins,
    ];
    const holder = candidates.find((id) =>
      kindsHeld(bot, id).some((k) => k === 'send_as' || k === 'send_on_behalf'),
    );
    if (!holder) throw new Error('the seed has no other holder of SendAs or SendOnBehalf');
    const upn = bot.sandbox.state.directory.getUser(holder)?.userPrincipalName ?? '';
    const card = cardIn(await bot.say(personas.operator, `revoke ${upn}`));
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    if (!confirm) throw new Error(`no Confirm for ${upn}`);
    const requestId = String(confirm.data['requestId']);
    const confirmed = await bot.click(personas.operator, confirm.verb, confirm.data);
    const approve = actionsOf(cardIn(confirmed.replies)).find((a) => a.title === 'Approve');
    if (!approve) throw new Error('no Approve');
    // From now on Exchange refuses every call: the run can neither plan nor verify.
    bot.sandbox.failNext('exchange', 403, 10_000);
    const mailBefore = bot.sandbox.state.teams.sentMail().length;
    let mails: unknown[];
    try {
      await bot.click(personas.approver, approve.verb, approve.data);
      await bot.services.coordinator.idle();
      await bot.services.revoke.finisher.idle();
      mails = bot.sandbox.state.teams.sentMail().slice(mailBefore);
    } finally {
      bot.sandbox.reset();
    }
    // The steps outside the default scope had nothing to do; the others failed.
    expect((await bot.store.requests.get(requestId))?.state).toBe('completed-with-errors');
    const posted = bot.gateway.messages.filter((m) => m.conversationId === notifyChannel).at(-1);
    expect(posted?.activity.text).toContain('failed');
    expect(posted?.activity.text).toContain(requestId);
    expect(mails).toHaveLength(1);
    expect(JSON.stringify(mails)).toContain('Mailbox permission removal needs attention');
    const audit = await bot.store.audit.list({ requestId });
    expect(audit.find((e) => e.type === 'revoke.notified')?.details).toMatchObject({ status: 'failed' });
  });
});

describe('revoke settings: the ticket webhook for offboardings', () => {
  let bot: BotHarness;
  let server: Server;
  const received: { body: string; signature: string; timestamp: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          body: Buffer.concat(chunks).toString('utf8'),
          signature: String(req.headers['x-lifecycle-signature']),
          timestamp: String(req.headers['x-lifecycle-timestamp']),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    bot = await startBotHarness({
      TICKET_WEBHOOK_URL: `http://127.0.0.1:${port}/tickets`,
      TICKET_WEBHOOK_SECRET: webhookSecret,
      TICKET_WEBHOOK_FOR_OFFBOARDING: 'true',
    });
  }, 60_000);
  afterEach(() => {
    received.length = 0;
  });
  afterAll(async () => {
    await bot.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  });

  it("sends the offboarding's revoke summary, signed, and audits the delivery", async () => {
    const requestId = await confirmAndApprove(bot, 'offboard adele.vance@contoso.com');
    expect((await bot.store.requests.get(requestId))?.state).toMatch(/^completed/);
    await expect
      .poll(async () => (await bot.store.audit.list({ requestId })).some((e) => e.type === 'ticket.updated'))
      .toBe(true);
    expect(received).toHaveLength(1);
    const summary = JSON.parse(received[0]!.body) as RevokeSummary;
    expect(summary.removal_summary.user_email).toBe('adele.vance@contoso.com');
    expect(summary.verification.all_permissions_cleared).toBe(true);
    expect(
      verifySignature({
        secret: webhookSecret,
        rawBody: received[0]!.body,
        signature: received[0]!.signature,
        timestamp: received[0]!.timestamp,
        nowSeconds: Math.floor(Date.now() / 1000),
      }).isValid,
    ).toBe(true);
  });
});

describe('revoke settings: validation', () => {
  const base = { LIFECYCLE_MODE: 'sandbox', SANDBOX_URL: 'http://127.0.0.1:4010' };

  it('refuses unknown permission types, bad addresses and settings missing what they need', () => {
    const problems = (env: Record<string, string>): string[] => {
      try {
        loadConfig({ ...base, ...env });
        return [];
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
    };
    expect(problems({ REVOKE_DEFAULT_PERMISSION_TYPES: 'send_as,drop_table' }).join()).toContain(
      'REVOKE_DEFAULT_PERMISSION_TYPES',
    );
    expect(problems({ REVOKE_NOTIFY_EMAILS: 'it@contoso.com,<script>' }).join()).toContain(
      'REVOKE_NOTIFY_EMAILS',
    );
    expect(problems({ TICKET_WEBHOOK_FOR_OFFBOARDING: 'true' }).join()).toContain('needs TICKET_WEBHOOK_URL');
    const config = loadConfig({ ...base, REVOKE_DEFAULT_PERMISSION_TYPES: 'calendar,full_access' });
    expect(config.revoke.defaultPermissionTypes).toEqual(['full_access', 'calendar']);
    expect(loadConfig(base).revoke.defaultPermissionTypes).toEqual([
      'full_access',
      'send_as',
      'send_on_behalf',
      'calendar',
    ]);
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTerminal, type LifecycleRequest } from '../../../src/core/model.js';
import { seeded } from '../../../src/sandbox/index.js';
import {
  actionsOf,
  cardIn,
  personas,
  settledReplies,
  startBotHarness,
  tenantId,
  textOf,
  type BotHarness,
} from '../../support/bot-harness.js';

const U = seeded.users;

async function settled(bot: BotHarness, requestId: string): Promise<LifecycleRequest> {
  for (let i = 0; i < 600; i++) {
    const request = await bot.store.requests.get(requestId);
    if (request && isTerminal(request.state)) {
      await bot.services.coordinator.idle();
      return request;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`batch ${requestId} did not finish`);
}

describe('bulk offboarding from Teams (TestAdapter, real connectors against the sandbox)', () => {
  let bot: BotHarness;
  let files: Server;
  let filesUrl = '';

  beforeAll(async () => {
    bot = await startBotHarness({ MAX_USERS_PER_REQUEST: '5' });
    files = createServer((_req, res) => {
      res.setHeader('content-type', 'text/csv');
      res.end('upn;delegate\nalex.j.johnson@contoso.com;sara.davis@contoso.com\nnot a upn\n');
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/leavers.csv`;
  });
  afterAll(async () => {
    await bot.close();
    await new Promise<void>((resolve) =>
      files.close(() => {
        resolve();
      }),
    );
  });

  it('previews a typed list, needs two approvers for a protected leaver, runs every child and reports', async () => {
    const card = cardIn(
      await bot.say(
        personas.operator,
        'offboard adele.vance@contoso.com, nestor.wilke@contoso.com, patti.fernandez@contoso.com, nobody@contoso.com',
      ),
    );
    const text = JSON.stringify(card);
    expect(text).toContain('Bulk offboarding: 3 leavers');
    expect(text).toContain('Protected or privileged accounts (1)');
    expect(text).toContain('patti.fernandez@contoso.com');
    expect(text).toContain('nobody@contoso.com: not-found');
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    if (!confirm) throw new Error('no Confirm');
    const requestId = String(confirm.data['requestId']);

    const confirmed = await bot.click(personas.operator, confirm.verb, confirm.data);
    const approval = cardIn(confirmed.replies);
    expect(JSON.stringify(approval)).toContain('0 of 2');
    const approve = actionsOf(approval).find((a) => a.title === 'Approve');
    if (!approve) throw new Error('no Approve');

    expect(
      JSON.stringify((await bot.click(personas.operator, approve.verb, approve.data)).body?.value),
    ).toContain('Four eyes');
    const first = await bot.click(personas.approver, approve.verb, approve.data);
    expect(JSON.stringify(first.body?.value)).toContain('1 of 2');
    expect((await bot.store.requests.get(requestId))?.state).toBe('awaiting-approval');
    expect(bot.sandbox.state.directory.getUser(U.adeleVance)?.accountEnabled).toBe(true);
    const version = (await bot.store.requests.get(requestId))?.version;
    await bot.click(personas.approver2, approve.verb, { ...approve.data, version });

    const done = await settled(bot, requestId);
    expect(done.state).toBe('completed-with-errors');
    for (const id of [U.adeleVance, U.nestorWilke]) {
      expect(bot.sandbox.state.directory.getUser(id)?.accountEnabled).toBe(false);
    }
    // Patti holds a directory role: the sandbox, like Entra, refuses to block her without a privileged
    // role on the app, so her child request ends with errors (to retry after an admin acts).
    const patti = await bot.store.requests.listBySubject('patti.fernandez@contoso.com');
    expect(patti.map((r) => r.state)).toEqual(['completed-with-errors']);
    const children = await bot.store.requests.listBySubject('nestor.wilke@contoso.com');
    expect(children).toHaveLength(1);
    expect(children[0]?.state).toMatch(/^completed/);
    const childAudit = await bot.store.audit.list({ requestId: children[0]?.id ?? '' });
    expect(
      childAudit.some((e) => e.type === 'bulk.child-approved' && e.details['parentRequestId'] === requestId),
    ).toBe(true);
    const progress = bot.gateway.messages.find((m) => JSON.stringify(m.activity).includes(requestId));
    expect(progress?.updates.length).toBeGreaterThan(0);
    expect(JSON.stringify(progress?.updates.at(-1))).toContain('3 of 3 finished, 1 with errors');
    expect(
      bot.gateway.messages.some((m) =>
        m.activity.text?.includes(`Bulk offboarding ${requestId} completed-with-errors: 2 of 3`),
      ),
    ).toBe(true);
  });

  it('refuses approval by a leaver of the batch, and lists beyond the cap', async () => {
    const card = cardIn(
      await bot.say(personas.operator, 'offboard joni.sherman@contoso.com, diego.siciliani@contoso.com'),
    );
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    if (!confirm) throw new Error('no Confirm');
    const approve = actionsOf(
      cardIn((await bot.click(personas.operator, confirm.verb, confirm.data)).replies),
    ).find((a) => a.title === 'Approve');
    if (!approve) throw new Error('no Approve');
    const refused = await bot.click(personas.approver, approve.verb, approve.data);
    expect(JSON.stringify(refused.body?.value)).toContain('part of');
    expect((await bot.store.requests.get(String(confirm.data['requestId'])))?.state).toBe(
      'awaiting-approval',
    );
    await bot.click(personas.operator, 'request.cancel', {
      requestId: confirm.data['requestId'],
      version: approve.data['version'],
    });

    const many = Array.from({ length: 6 }, (_, i) => `user${i}@contoso.com`).join(', ');
    expect(textOf(await bot.say(personas.operator, `offboard ${many}`))).toContain(
      'the policy allows 5 per request',
    );
    expect(bot.sandbox.state.directory.getUser(U.joniSherman)?.accountEnabled).toBe(true);
  });

  it('takes --option for every leaver: the card shows them, the batch stores them, a bad one changes nothing', async () => {
    const card = cardIn(
      await bot.say(
        personas.operator,
        'offboard joni.sherman@contoso.com, diego.siciliani@contoso.com --option shareOneDrive=false --option autoReply="Left the company; write to hr@contoso.com"',
      ),
    );
    const text = JSON.stringify(card);
    expect(text).toContain('Bulk offboarding: 2 leavers');
    expect(text).toContain(
      'autoReply=\\"Left the company; write to hr@contoso.com\\", shareOneDrive=false; the others the checklist\'s defaults',
    );
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    if (!confirm) throw new Error('no Confirm');
    const stored = await bot.store.requests.get(String(confirm.data['requestId']));
    expect((stored?.options['bulk'] as { options?: unknown }).options).toEqual({
      shareOneDrive: false,
      autoReply: 'Left the company; write to hr@contoso.com',
    });
    await bot.click(personas.operator, 'request.cancel', {
      requestId: confirm.data['requestId'],
      version: confirm.data['version'],
    });

    const open = () => bot.store.requests.listByState(['awaiting-confirmation']);
    const before = await open();
    for (const [option, why] of [
      ['wipeCorporateDevices=true', 'chosen per leaver in Teams'],
      ['shareOneDrive=maybe', 'expected boolean'],
      ['removeGroup=false', 'no such option'],
    ] as const) {
      const reply = textOf(
        await bot.say(
          personas.operator,
          `offboard joni.sherman@contoso.com, diego.siciliani@contoso.com --option ${option}`,
        ),
      );
      expect(reply).toContain(why);
      expect(reply).toContain('nothing was changed');
    }
    expect(
      textOf(
        await bot.say(
          personas.operator,
          'offboard joni.sherman@contoso.com, diego.siciliani@contoso.com --option',
        ),
      ),
    ).toContain('--option name=value');
    expect(await open()).toEqual(before);
  });

  it('reads a leavers CSV sent in a 1:1 chat with `offboard --from`', async () => {
    await bot.adapter.processActivity({
      type: 'message',
      text: 'offboard --from',
      channelId: 'msteams',
      serviceUrl: 'https://smba.example.test/teams/',
      from: {
        id: personas.operator.id,
        name: personas.operator.name,
        aadObjectId: personas.operator.aadObjectId,
      },
      recipient: { id: '28:lifecycle-bot', name: 'Lifecycle' },
      conversation: { id: 'personal-op', isGroup: false, conversationType: 'personal', tenantId, name: '' },
      channelData: { tenant: { id: tenantId } },
      attachments: [
        {
          contentType: 'application/vnd.microsoft.teams.file.download.info',
          name: 'leavers.csv',
          content: { downloadUrl: filesUrl, fileType: 'csv' },
        },
      ],
    });
    const sent: Partial<Activity>[] = [];
    for (let a = bot.adapter.activeQueue.shift(); a; a = bot.adapter.activeQueue.shift()) sent.push(a);
    // The turn answers with a placeholder; the preview replaces it when it is ready.
    expect(JSON.stringify(cardIn(sent))).toContain('Planning the offboarding of 2 leavers');
    const replies = await settledReplies(bot.services.deps.background, bot.gateway)(sent);
    const card = JSON.stringify(cardIn(replies));
    expect(card).toContain('Bulk offboarding: 1 leavers');
    expect(card).toContain('Teams file leavers.csv');
    expect(card).toContain('Sara Davis');
    expect(card).toContain('line 3 not a upn: invalid');
  });
});

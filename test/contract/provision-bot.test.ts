import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pendingKind } from '../../src/core/provision/index.js';
import { skuIds } from '../../src/sandbox/index.js';
import { makeUser } from '../../src/sandbox/seed/builders.js';
import { provisionVerbs } from '../../src/teams/cards/provision-request.data.js';
import { fileDownloadInfoType } from '../../src/teams/actions/provision-file.js';
import {
  actionsOf,
  cardIn,
  personas,
  startBotHarness,
  tenantId,
  textOf,
  type BotHarness,
} from '../support/bot-harness.js';
import { itChannelId, simulateMailboxProvisioning, writeTestMapping } from './provision-harness.js';

const files = new Map<string, string>();

describe('provision through the bot (TestAdapter, sandbox, real connectors and store)', () => {
  let bot: BotHarness;
  let stopMailboxes: () => void;
  let fileServer: Server;
  let fileBase = '';

  const addJoiner = (alias: string, extra: { department?: string; employeeType?: string } = {}): void => {
    bot.sandbox.state.seed((t) => {
      t.directory.addUser(
        makeUser(t.info, { id: crypto.randomUUID(), alias, displayName: alias.replace('.', ' '), ...extra }),
      );
    });
  };
  const licences = (upn: string): string[] =>
    (bot.sandbox.state.directory.getUser(upn)?.assignedLicenses ?? []).map((l) => l.skuId.toLowerCase());
  const sendFile = async (
    name: string,
    path: string,
    conversationId = 'personal-isaiah',
  ): Promise<Partial<Activity>[]> => {
    await bot.adapter.processActivity({
      type: 'message',
      channelId: 'msteams',
      serviceUrl: 'https://smba.example.test/teams/',
      from: {
        id: personas.operator.id,
        name: personas.operator.name,
        aadObjectId: personas.operator.aadObjectId,
      },
      recipient: { id: '28:lifecycle-bot', name: 'Lifecycle' },
      conversation: { id: conversationId, isGroup: false, conversationType: 'personal', tenantId, name: '' },
      channelData: { tenant: { id: tenantId } },
      attachments: [
        {
          contentType: fileDownloadInfoType,
          name,
          content: { downloadUrl: `${fileBase}${path}`, uniqueId: 'f-1', fileType: 'csv' },
        },
      ],
    });
    const out: Partial<Activity>[] = [];
    for (let next = bot.adapter.activeQueue.shift(); next; next = bot.adapter.activeQueue.shift())
      out.push(next);
    return out;
  };

  beforeAll(async () => {
    bot = await startBotHarness({
      PROVISIONING_CONFIG_FILE: writeTestMapping(),
      IT_CHANNEL_CONVERSATION_ID: itChannelId,
    });
    stopMailboxes = simulateMailboxProvisioning(bot.sandbox, 0);
    fileServer = createServer((req, res) => {
      const body = files.get(req.url ?? '');
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/csv' });
      res.end(body ?? 'not found');
    });
    await new Promise<void>((resolve) => fileServer.listen(0, '127.0.0.1', resolve));
    fileBase = `http://127.0.0.1:${(fileServer.address() as AddressInfo).port}`;
    await bot.store.conversations.save(`conversation:${itChannelId}`, {
      conversation: { id: itChannelId, isGroup: true, conversationType: 'channel', tenantId },
      serviceUrl: 'https://smba.example.test/teams/',
      channelId: 'msteams',
    });
  }, 60_000);
  afterAll(async () => {
    stopMailboxes();
    await bot.services.provisioning?.background.idle();
    fileServer.close();
    await bot.close();
  });
  beforeEach(() => {
    bot.sandbox.reset();
  });

  it('asks for a UPN when none is given and refuses anything that is not one', async () => {
    expect(textOf(await bot.say(personas.operator, 'provision'))).toContain('Whom should I provision?');
    expect(textOf(await bot.say(personas.operator, 'provision ray kim please'))).toContain(
      'takes one user principal name',
    );
  });

  it('refuses people outside the requesters group', async () => {
    const replies = await bot.say(personas.ordinary, 'provision ray.kim@contoso.com');
    expect(textOf(replies)).toBe('Only members of the requesters group can ask for a provisioning.');
    expect(licences('ray.kim@contoso.com')).toEqual([]);
  });

  it('previews licence, reason, usage location and mailbox, then provisions on Confirm', async () => {
    const card = cardIn(await bot.say(personas.operator, 'provision sofia.rossi@contoso.com'));
    const text = JSON.stringify(card);
    expect(text).toContain('Joiner provisioning: Sofia Rossi');
    expect(text).toContain('EXCHANGESTANDARD');
    expect(text).toContain('extensionAttribute1 is EXO (rule 2)');
    expect(text).toContain('US (from default)');
    expect(text).toContain('mailbox expected');
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    expect(confirm?.verb).toBe(provisionVerbs.confirm);
    expect(licences('sofia.rossi@contoso.com')).toEqual([]);

    const other = await bot.click(personas.operator2, provisionVerbs.confirm, confirm?.data ?? {});
    expect(other.body?.value).toBe('Only the requester can confirm this request.');

    const { body } = await bot.click(personas.operator, provisionVerbs.confirm, confirm?.data ?? {});
    expect(body?.type).toBe('application/vnd.microsoft.card.adaptive');
    await bot.services.coordinator.idle();
    expect(licences('sofia.rossi@contoso.com')).toEqual([skuIds.EXCHANGESTANDARD]);
    expect(bot.sandbox.state.directory.getUser('sofia.rossi@contoso.com')?.usageLocation).toBe('US');
    const summary = bot.gateway.messages.map((m) => JSON.stringify(bot.gateway.cardOf(m))).join('\n');
    expect(summary).toContain('Check the mailbox is ready');
    const request = await bot.store.requests.get(String(confirm?.data['requestId']));
    expect(request?.state).toBe('completed');
  });

  it('offers a rehire’s disabled account for reactivation, and says so', async () => {
    const card = cardIn(await bot.say(personas.operator, 'provision christie.cline@contoso.com'));
    const text = JSON.stringify(card);
    expect(text).toContain('Rehire: Christie Cline');
    expect(text).toContain('disabled: will be reactivated');
    expect(text).toContain('Reactivate the former account (rehire)');
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    await bot.click(personas.operator, provisionVerbs.confirm, confirm?.data ?? {});
    await bot.services.coordinator.idle();
    expect(bot.sandbox.state.directory.getUser('christie.cline@contoso.com')?.accountEnabled).toBe(true);
    expect(licences('christie.cline@contoso.com')).toEqual([skuIds.ENTERPRISEPACK]);
  });

  it('queues a joiner who is not in Entra ID yet', async () => {
    const replies = await bot.say(personas.operator, 'provision late.joiner@contoso.com');
    expect(textOf(replies)).toContain('not in Entra ID yet');
    expect((await bot.store.queue.get(pendingKind, 'late.joiner@contoso.com'))?.status).toBe('pending');
  });

  it('refuses when the mapped SKU has no free seats', async () => {
    addJoiner('first.analyst', { department: 'Analytics' });
    addJoiner('second.analyst', { department: 'Analytics' });
    const card = cardIn(await bot.say(personas.operator, 'provision first.analyst@contoso.com'));
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    await bot.click(personas.operator, provisionVerbs.confirm, confirm?.data ?? {});
    await bot.services.coordinator.idle();
    expect(licences('first.analyst@contoso.com')).toEqual([skuIds.POWER_BI_PRO]);
    const replies = await bot.say(personas.operator, 'provision second.analyst@contoso.com');
    expect(textOf(replies)).toContain('No free seats of POWER_BI_PRO (20 of 20 used)');
    // The refusal replaces the "Planning…" card: a status card with nothing to confirm.
    expect(actionsOf(cardIn(replies))).toEqual([]);
  });

  it('reads a CSV sent in a 1:1 chat: dry-run report, Confirm runs it and reports to the IT channel', async () => {
    files.set(
      '/joiners.csv',
      'CN,UserPrincipalName,EmployeeType\nRay Kim,ray.kim@contoso.com,E\nBad,nope,E\n',
    );
    const replies = await sendFile('joiners.csv', '/joiners.csv');
    const card = cardIn(replies);
    expect(JSON.stringify(card)).toContain('Provisioning dry run: 1 of 2 would be provisioned');
    expect(JSON.stringify(card)).toContain('line 3: userPrincipalName is not a user principal name');
    expect(licences('ray.kim@contoso.com')).toEqual([]);
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    expect(confirm?.verb).toBe(provisionVerbs.batchConfirm);

    const stranger = await bot.click(personas.operator2, provisionVerbs.batchConfirm, confirm?.data ?? {});
    expect(String(stranger.body?.value)).toContain('Only the requester can confirm');
    const sent = bot.gateway.messages.length;
    const confirmed = await bot.click(personas.operator, provisionVerbs.batchConfirm, confirm?.data ?? {});
    // Confirming sends the file to the approvers: nothing runs yet.
    const approvalCard = cardIn(confirmed.replies);
    const approve = actionsOf(approvalCard).find((a) => a.title === 'Approve');
    expect(approve?.verb).toBe(provisionVerbs.batchApprove);
    await bot.services.provisioning?.background.idle();
    expect(licences('ray.kim@contoso.com')).toEqual([]);
    const own = await bot.click(personas.operator, provisionVerbs.batchApprove, approve?.data ?? {});
    expect(String(own.body?.value)).toContain('Four eyes');

    await bot.click(personas.approver, provisionVerbs.batchApprove, approve?.data ?? {});
    await bot.services.provisioning?.background.idle();
    await bot.services.coordinator.idle();
    expect(licences('ray.kim@contoso.com')).toEqual([skuIds.SPE_E3]);
    const reports = bot.gateway.messages.slice(sent);
    expect(reports.map((m) => m.conversationId)).toContain(itChannelId);
    const itCard = JSON.stringify(
      bot.gateway.cardOf(reports.find((m) => m.conversationId === itChannelId) ?? reports[0]!),
    );
    expect(itCard).toContain('Provisioning report: 1 of 1 provisioned');
    expect(itCard).toContain('Ray Kim');
    const requestId = String(approve?.data['requestId']);
    expect((await bot.store.requests.get(requestId))?.state).toBe('completed');

    const replay = await bot.click(personas.operator, provisionVerbs.batchConfirm, confirm?.data ?? {});
    expect(String(replay.body?.value)).toContain('out of date');
  });

  it('a joiners file is a request: a second approval click, a replayed confirm and an expired file change nothing and are audited (issue 19, item 6)', async () => {
    const refusals = async () =>
      (await bot.store.audit.list({ limit: 10_000 })).filter((e) => e.type === 'action.refused').length;
    files.set('/tomas.csv', 'CN,UserPrincipalName,EmployeeType\nTomas Novak,tomas.novak@contoso.com,E\n');
    const confirm = actionsOf(cardIn(await sendFile('tomas.csv', '/tomas.csv'))).find(
      (a) => a.title === 'Confirm',
    );
    const requestId = String(confirm?.data['requestId']);
    expect((await bot.store.requests.get(requestId))?.state).toBe('awaiting-confirmation');
    const confirmed = await bot.click(personas.operator, provisionVerbs.batchConfirm, confirm?.data ?? {});
    const approve = actionsOf(cardIn(confirmed.replies)).find((a) => a.title === 'Approve');
    const before = await refusals();
    // Two quick clicks: the first claims the batch, the second is refused.
    await bot.click(personas.approver, provisionVerbs.batchApprove, approve?.data ?? {});
    const second = await bot.click(personas.approver2, provisionVerbs.batchApprove, approve?.data ?? {});
    expect(String(second.body?.value)).toContain('out of date');
    const replay = await bot.click(personas.operator, provisionVerbs.batchConfirm, confirm?.data ?? {});
    expect(String(replay.body?.value)).toContain('out of date');
    await bot.services.provisioning?.background.idle();
    await bot.services.coordinator.idle();
    expect(licences('tomas.novak@contoso.com')).toEqual([skuIds.SPE_E3]);
    const children = await bot.store.requests.listBySubject('tomas.novak@contoso.com');
    expect(children).toHaveLength(1);
    expect(await refusals()).toBe(before + 2);

    // A file left a day undecided expires: refused, audited and cancelled.
    files.set('/late.csv', 'CN,UserPrincipalName,EmployeeType\nRay Kim,ray.kim@contoso.com,E\n');
    bot.sandbox.state.directory.getUser('ray.kim@contoso.com')!.assignedLicenses = [];
    const late = actionsOf(cardIn(await sendFile('late.csv', '/late.csv'))).find(
      (a) => a.title === 'Confirm',
    );
    const lateId = String(late?.data['requestId']);
    const stored = await bot.store.requests.get(lateId);
    if (!stored) throw new Error('no batch request');
    const joiners = stored.options['joiners'] as Record<string, unknown>;
    const aged = {
      ...stored,
      options: {
        ...stored.options,
        joiners: { ...joiners, expiresAt: new Date(Date.now() - 1000).toISOString() },
      },
    };
    expect(
      await bot.store.requests.update({ ...aged, version: stored.version + 1 }, stored.version),
    ).toBeTruthy();
    const mark = await refusals();
    const expired = await bot.click(personas.operator, provisionVerbs.batchConfirm, {
      ...late?.data,
      version: stored.version + 1,
    });
    expect(String(expired.body?.value)).toContain('expired');
    expect((await bot.store.requests.get(lateId))?.state).toBe('cancelled');
    expect(await refusals()).toBe(mark + 1);
    expect(licences('ray.kim@contoso.com')).toEqual([]);
  });

  it('answers files it cannot use with a clear message and changes nothing', async () => {
    files.set('/empty.csv', 'Name,Department\nRay,Sales\n');
    expect(textOf(await sendFile('empty.csv', '/empty.csv'))).toContain('The header has no UPN column');
    expect(textOf(await sendFile('photo.png', '/photo.png'))).toContain('I can read CSV files');
    // One text for every network failure: the status is not echoed.
    expect(textOf(await sendFile('gone.csv', '/gone.csv'))).toBe(
      'gone.csv: The file could not be downloaded. Nothing was changed.',
    );
    expect(bot.sandbox.requestLog.find({ appliedOnly: true })).toHaveLength(0);
  });
});

describe('provision when the policy requires approval', () => {
  let bot: BotHarness;
  let stopMailboxes: () => void;
  beforeAll(async () => {
    bot = await startBotHarness({
      PROVISIONING_CONFIG_FILE: writeTestMapping(),
      APPROVAL_REQUIRED_PROVISION: 'true',
    });
    stopMailboxes = simulateMailboxProvisioning(bot.sandbox, 0);
  }, 60_000);
  afterAll(async () => {
    stopMailboxes();
    await bot.close();
  });

  it('waits for an approver (never the requester) before anything changes', async () => {
    const card = cardIn(await bot.say(personas.operator, 'provision tomas.novak@contoso.com'));
    expect(JSON.stringify(card)).toContain('One approver after you confirm');
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    const confirmed = await bot.click(personas.operator, provisionVerbs.confirm, confirm?.data ?? {});
    const approval = cardIn(confirmed.replies);
    expect(JSON.stringify(approval)).toContain('Joiner provisioning of Tomas Novak: approval needed');
    const approve = actionsOf(approval).find((a) => a.title === 'Approve');
    expect(approve).toBeDefined();

    const self = await bot.click(personas.operator, approve?.verb ?? '', approve?.data ?? {});
    expect(self.body?.value).toContain('Four eyes');
    expect(licences(bot, 'tomas.novak@contoso.com')).toEqual([]);

    await bot.click(personas.approver, approve?.verb ?? '', approve?.data ?? {});
    await bot.services.coordinator.idle();
    expect(licences(bot, 'tomas.novak@contoso.com')).toEqual([skuIds.SPE_E3]);
    expect(bot.sandbox.state.directory.getUser('tomas.novak@contoso.com')?.usageLocation).toBe('US');
  });
});

function licences(bot: BotHarness, upn: string): string[] {
  return (bot.sandbox.state.directory.getUser(upn)?.assignedLicenses ?? []).map((l) => l.skuId.toLowerCase());
}

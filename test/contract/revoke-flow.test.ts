/**
 * The revoke flow end to end against the sandbox's seeded organisation, through the real
 * ExchangeMailbox connector, the PGlite store and the plan runner. Adele Vance is the seeded cloud-only
 * leaver: FullAccess on Megan's and Diego's mailboxes, membership (FullAccess) of the shared mailboxes
 * support@ and billing@, SendAs on support@, SendOnBehalf on Megan's mailbox, Editor delegate on Johanna's
 * German calendar (`Kalender`) and Reviewer on Isabelle's French one (`Calendrier`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  discoverPermissions,
  parseRevokeInput,
  revokeSteps,
  type FoundPermission,
} from '../../src/core/revoke/index.js';
import {
  toRevokePreviewCardData,
  toRevokeSummaryCardData,
} from '../../src/teams/cards/revoke-summary.data.js';
import { reportRevokeRun, validateRevokeSummary } from '../../src/core/revoke/index.js';
import { TicketWebhook, verifySignature } from '../../src/connectors/webhook/index.js';
import { runRevoke, startRevokeHarness, type RevokeHarness } from './revoke-harness.js';

const adele = 'adele.vance@contoso.com';
const company = 'Contoso';

let h: RevokeHarness;
let initial: ReturnType<RevokeHarness['sandbox']['snapshot']>;

beforeAll(async () => {
  h = await startRevokeHarness();
  initial = h.sandbox.snapshot();
});

afterAll(async () => {
  await h.close();
});

beforeEach(async () => {
  h.sandbox.restore(initial);
  h.sandbox.requestLog.clear();
  // The restore changed Exchange behind the inventory's back: each test starts from a cold inventory.
  await h.resetInventory();
});

const keys = (permissions: readonly FoundPermission[]): string[] =>
  permissions.map((p) => `${p.category}:${p.mailbox}`).sort();

const adeleRights = [
  'calendar_delegates:isabelle.dubois@contoso.com',
  'calendar_delegates:johanna.lorenz@contoso.com',
  'full_access:diego.siciliani@contoso.com',
  'full_access:megan.bowen@contoso.com',
  'send_as:support@contoso.com',
  'send_on_behalf:megan.bowen@contoso.com',
  'shared_mailboxes:billing@contoso.com',
  'shared_mailboxes:support@contoso.com',
];

describe('revoke against the sandbox', () => {
  it('finds all five kinds of rights of the seeded leaver, including localized calendars', async () => {
    const discovery = await discoverPermissions(parseRevokeInput({ user: adele }), h.deps);
    expect(keys(discovery.permissions)).toEqual(adeleRights);
    const kalender = discovery.permissions.find((p) => p.mailbox === 'johanna.lorenz@contoso.com');
    expect(kalender).toMatchObject({
      folder: 'johanna.lorenz@contoso.com:\\Kalender',
      accessLevel: 'Editor',
    });
    expect(discovery.warnings).toEqual([]);
    const preview = toRevokePreviewCardData(discovery);
    expect(preview.headline).toBe('8 rights on 6 mailboxes will be removed.');
    expect(preview.groups.map((g) => g.count)).toEqual([2, 1, 1, 2, 2]);
  });

  it('removes everything, verifies zero remaining, emits a schema-valid summary, and a re-run has nothing to do', async () => {
    const input = parseRevokeInput({ user: adele, ticketId: 'OFF-2026-015' });
    const run = await runRevoke(h, input);
    expect(run.status).toBe('completed');
    // The five steps ask who Adele is once between them, and the SendOnBehalf filter reuses the DN that
    // answer carried: the inventory's listing, one identity read and the filter at plan and read-back
    // (17 Get-Mailbox calls when each step and each filter read the identity again).
    const mailboxReads = h.sandbox.requestLog.all().filter((e) => e.action === 'Get-Mailbox');
    expect(mailboxReads.length).toBeLessThanOrEqual(6);
    const report = await reportRevokeRun({
      input,
      deps: h.deps,
      plan: run.plan,
      journal: run.journal,
      user: { email: adele, displayName: 'Adele Vance' },
      company,
    });
    const { summary } = report;
    expect(validateRevokeSummary(summary)).toEqual({ isValid: true });
    expect(summary.success).toBe(true);
    expect(summary.removal_summary).toEqual({
      user_email: adele,
      user_display_name: 'Adele Vance',
      company,
      total_permissions_removed: 8,
    });
    expect(summary.permissions_removed.shared_mailboxes).toEqual([
      { mailbox: 'billing@contoso.com', removed: true },
      { mailbox: 'support@contoso.com', removed: true },
    ]);
    expect(summary.permissions_removed.calendar_delegates).toContainEqual({
      mailbox: 'johanna.lorenz@contoso.com',
      permission: 'CalendarDelegate',
      access_level: 'Editor',
      removed: true,
    });
    expect(summary.verification).toEqual({
      remaining_full_access: 0,
      remaining_send_as: 0,
      remaining_send_on_behalf: 0,
      remaining_calendar_delegates: 0,
      remaining_shared_mailboxes: 0,
      all_permissions_cleared: true,
    });
    expect(summary.ticket_id).toBe('OFF-2026-015');
    expect(toRevokeSummaryCardData(report.summary).headline).toBe(
      '8 rights removed; verification found none left.',
    );

    // Others' rights on the same mailboxes are untouched.
    const supportAccess = await h.mailbox.listFullAccess('support@contoso.com');
    expect(supportAccess.map((g) => g.trustee).sort()).toEqual(
      expect.arrayContaining(['diego.siciliani@contoso.com', 'isaiah.langer@contoso.com']),
    );

    // Each removal went through the API exactly once.
    const writes = h.sandbox.requestLog.find({ service: 'exchange', appliedOnly: true });
    expect(writes.map((w) => w.operation).sort()).toEqual(
      [
        ...Array<string>(4).fill('exo.remove-mailbox-permission'),
        'exo.remove-recipient-permission',
        'exo.set-mailbox',
        ...Array<string>(2).fill('exo.remove-folder-permission'),
      ].sort(),
    );

    const again = await runRevoke(h, input);
    expect(again.plan.steps.every((step) => step.changes.length === 0)).toBe(true);
    expect(again.status).toBe('completed');
  });

  it('honours the type and target-mailbox filters', async () => {
    const onlySendAs = await runRevoke(h, parseRevokeInput({ user: adele, permissionTypes: ['send_as'] }));
    expect(onlySendAs.plan.steps.flatMap((s) => s.changes.map((c) => c.key))).toEqual([
      'send_as:support@contoso.com',
    ]);
    const left = await discoverPermissions(parseRevokeInput({ user: adele }), h.deps);
    expect(keys(left.permissions)).toEqual(adeleRights.filter((k) => !k.startsWith('send_as')));

    const targeted = parseRevokeInput({
      user: adele,
      targetMailboxes: ['megan.bowen@contoso.com', 'johanna.lorenz@contoso.com'],
    });
    const run = await runRevoke(h, targeted);
    expect(run.plan.steps.flatMap((s) => s.changes.map((c) => c.key)).sort()).toEqual([
      'calendar_delegates:johanna.lorenz@contoso.com',
      'full_access:megan.bowen@contoso.com',
      'send_on_behalf:megan.bowen@contoso.com',
    ]);
    const remaining = await discoverPermissions(parseRevokeInput({ user: adele }), h.deps);
    expect(keys(remaining.permissions)).toEqual([
      'calendar_delegates:isabelle.dubois@contoso.com',
      'full_access:diego.siciliani@contoso.com',
      'shared_mailboxes:billing@contoso.com',
      'shared_mailboxes:support@contoso.com',
    ]);
  });

  it('leaves every right on shared mailboxes alone when removeFromShared is false', async () => {
    const run = await runRevoke(h, parseRevokeInput({ user: adele, removeFromShared: false }));
    const planned = run.plan.steps.flatMap((s) => s.changes.map((c) => c.key)).sort();
    expect(planned).toEqual(
      adeleRights.filter((k) => !k.endsWith('support@contoso.com') && !k.endsWith('billing@contoso.com')),
    );
    const after = await discoverPermissions(parseRevokeInput({ user: adele }), h.deps);
    expect(keys(after.permissions)).toEqual([
      'send_as:support@contoso.com',
      'shared_mailboxes:billing@contoso.com',
      'shared_mailboxes:support@contoso.com',
    ]);
  });

  it('undoes a removal from the recorded before-state', async () => {
    const input = parseRevokeInput({ user: adele, targetMailboxes: ['johanna.lorenz@contoso.com'] });
    const run = await runRevoke(h, input);
    const calendarStep = run.plan.steps.find((s) => s.stepId === 'exo.revoke-calendar');
    const change = calendarStep?.changes[0];
    expect(change?.key).toBe('calendar_delegates:johanna.lorenz@contoso.com');
    const step = revokeSteps({ inventory: h.inventory }).find((s) => s.id === 'exo.revoke-calendar');
    await step?.undo?.(change!, { input, ports: h.ports, signal: new AbortController().signal });
    const back = await h.mailbox.listFolderPermissions(
      'johanna.lorenz@contoso.com:\\Kalender',
      'johanna.lorenz@contoso.com',
      adele,
    );
    expect(back.map((p) => p.accessRights)).toEqual([['Editor']]);
  });

  it('sends the summary to the ticket hook in the background; a failing receiver never fails the run', async () => {
    const secret = 'ticket-hook-secret-0123456789';
    const bodies: { body: string; signature: string; timestamp: string }[] = [];
    let answered = 0;
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        bodies.push({
          body: Buffer.concat(chunks).toString('utf8'),
          signature: String(req.headers['x-lifecycle-signature']),
          timestamp: String(req.headers['x-lifecycle-timestamp']),
        });
        answered += 1;
        res.writeHead(answered === 1 ? 502 : 200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/tickets`;
      const webhook = new TicketWebhook({ url, secret, logger: pino({ level: 'silent' }), baseDelayMs: 50 });
      const input = parseRevokeInput({ user: adele, permissionTypes: ['send_as'], ticketId: 'OFF-2026-015' });
      const run = await runRevoke(h, input);
      const report = await reportRevokeRun({
        input,
        deps: h.deps,
        plan: run.plan,
        journal: run.journal,
        user: { email: adele, displayName: 'Adele Vance' },
        company,
        webhook,
      });
      expect(run.status).toBe('completed');
      expect(report.summary.success).toBe(true);
      expect(await report.ticket).toEqual({ isDelivered: true, attempts: 2, status: 200 });
      const last = bodies.at(-1)!;
      expect(JSON.parse(last.body)).toEqual(report.summary);
      const nowSeconds = Math.floor(Date.now() / 1000);
      expect(
        verifySignature({
          secret,
          rawBody: last.body,
          signature: last.signature,
          timestamp: last.timestamp,
          nowSeconds,
        }),
      ).toEqual({ isValid: true });
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => {
        receiver.close(() => {
          resolve();
        });
      });
    }
  });
});

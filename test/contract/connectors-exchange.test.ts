/**
 * The Mailbox port on ExchangeMailbox, through msal-node and the Exchange admin client (v2.0 where
 * whitelisted, else InvokeCommand) against the sandbox, every operation with read-back.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
} from '../../src/core/errors.js';
import { seeded, type TenantSnapshot } from '../../src/sandbox/index.js';
import { findLeaks, settle, startConnectorHarness, type ConnectorHarness } from './connectors-harness.js';

const U = seeded.users;
const ADELE = 'adele.vance@contoso.com';
const MEGAN = 'megan.bowen@contoso.com';
const SUPPORT = 'support@contoso.com';
const JOHANNA = 'johanna.lorenz@contoso.com';
let h: ConnectorHarness;
let initial: TenantSnapshot;

beforeAll(async () => {
  h = await startConnectorHarness();
  initial = h.sandbox.snapshot();
});
afterAll(async () => h.close());
beforeEach(() => {
  h.sandbox.restore(initial);
  h.sandbox.behaviours.disableAll();
  h.sandbox.requestLog.clear();
});

const exchangePaths = () => h.sandbox.requestLog.find({ service: 'exchange' }).map((e) => e.path);

describe('ExchangeMailbox: mailboxes', () => {
  it('gets a mailbox, null when absent, and reports synced mailboxes', async () => {
    expect(await h.mailbox.getMailbox(ADELE)).toMatchObject({
      id: U.adeleVance,
      primarySmtpAddress: ADELE,
      recipientTypeDetails: 'UserMailbox',
      isDirSynced: false,
    });
    expect(await h.mailbox.getMailbox('nobody@contoso.com')).toBeNull();
    expect((await h.mailbox.getMailbox('grady.archie@contoso.com'))?.isDirSynced).toBe(true);
    expect(exchangePaths().every((p) => p.includes('/adminapi/v2.0/'))).toBe(true);
  });

  it('pages through every mailbox by POSTing to the nextLink', async () => {
    const seen: string[] = [];
    let page: string | undefined;
    let pages = 0;
    do {
      const result = await h.mailbox.listMailboxes(page, 5);
      seen.push(...result.items.map((m) => m.primarySmtpAddress));
      page = result.next;
      pages += 1;
    } while (page !== undefined);
    const expected = [...h.sandbox.state.exchange.mailboxes()]
      .filter((m) => m.whenSoftDeleted === null)
      .map((m) => m.primarySmtpAddress);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(expected.sort());
    expect(pages).toBeGreaterThan(1);
  });

  it('refuses a nextLink to another host without sending anything', async () => {
    const before = h.sandbox.requestLog.all().length;
    await expect(
      h.exchange.invokePage(
        'Get-Mailbox',
        { ResultSize: 'Unlimited' },
        {},
        'https://evil.example/adminapi/beta/x/InvokeCommand?$skiptoken=1',
      ),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(
      h.mailbox.listMailboxes('https://evil.example/adminapi/v2.0/x/Mailbox'),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
    expect(h.sandbox.requestLog.all().length).toBe(before);
  });

  it('converts to shared and back, idempotently', async () => {
    await h.mailbox.convertToShared(ADELE);
    await h.mailbox.convertToShared(ADELE);
    expect((await h.mailbox.getMailbox(ADELE))?.recipientTypeDetails).toBe('SharedMailbox');
    await h.mailbox.convertToRegular(ADELE);
    expect((await h.mailbox.getMailbox(ADELE))?.recipientTypeDetails).toBe('UserMailbox');
    expect(exchangePaths().some((p) => p.endsWith('/InvokeCommand'))).toBe(true);
  });

  it('sets litigation hold, and refuses it without the licence', async () => {
    await h.mailbox.setLitigationHold(ADELE, true, 2555);
    expect((await h.mailbox.getMailbox(ADELE))?.litigationHoldEnabled).toBe(true);
    expect(h.sandbox.state.exchange.getMailbox(U.adeleVance)?.litigationHold.duration).toBe(2555);
    await h.mailbox.setLitigationHold(ADELE, false);
    expect((await h.mailbox.getMailbox(ADELE))?.litigationHoldEnabled).toBe(false);
    await expect(h.mailbox.setLitigationHold('lifecycle-bot@contoso.com', true)).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('hides from address lists; a synced mailbox is refused (out of write scope)', async () => {
    await h.mailbox.setHiddenFromAddressLists(ADELE, true);
    expect((await h.mailbox.getMailbox(ADELE))?.hiddenFromAddressListsEnabled).toBe(true);
    await expect(
      h.mailbox.setHiddenFromAddressLists('grady.archie@contoso.com', true),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await h.mailbox.getMailbox('grady.archie@contoso.com'))?.hiddenFromAddressListsEnabled).toBe(
      false,
    );
  });

  it('sets and clears forwarding', async () => {
    await h.mailbox.setForwarding(ADELE, { smtpAddress: MEGAN, deliverToMailboxAndForward: true });
    expect(await h.mailbox.getMailbox(ADELE)).toMatchObject({
      forwardingSmtpAddress: MEGAN,
      deliverToMailboxAndForward: true,
    });
    await h.mailbox.setForwarding(ADELE, { smtpAddress: null, deliverToMailboxAndForward: false });
    expect(await h.mailbox.getMailbox(ADELE)).toMatchObject({
      forwardingSmtpAddress: null,
      deliverToMailboxAndForward: false,
    });
    await expect(
      h.mailbox.setForwarding(ADELE, {
        smtpAddress: 'megan; Remove-Mailbox x',
        deliverToMailboxAndForward: true,
      }),
    ).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('ExchangeMailbox: FullAccess and SendAs', () => {
  it('lists, adds and removes FullAccess, each idempotently', async () => {
    const trustees = async () =>
      (await h.mailbox.listFullAccess(SUPPORT)).map((g) => g.trustee.toLowerCase());
    expect((await h.mailbox.listFullAccess(SUPPORT)).length).toBeGreaterThanOrEqual(3);
    await h.mailbox.addFullAccess(SUPPORT, MEGAN, false);
    await h.mailbox.addFullAccess(SUPPORT, MEGAN, false);
    expect(h.sandbox.state.exchange.hasRight('FullAccess', U.support, U.meganBowen)).toBe(true);
    const withMegan = await trustees();
    await h.mailbox.removeFullAccess(SUPPORT, MEGAN);
    await h.mailbox.removeFullAccess(SUPPORT, MEGAN);
    expect(h.sandbox.state.exchange.hasRight('FullAccess', U.support, U.meganBowen)).toBe(false);
    expect((await trustees()).length).toBe(withMegan.length - 1);
  });

  it('lists SendAs by trustee tenant-wide, removes and re-adds it', async () => {
    const held = await h.mailbox.listSendAsByTrustee(ADELE);
    expect(held).toHaveLength(1);
    const [grant] = held;
    await h.mailbox.removeSendAs(grant!.mailbox, ADELE);
    await h.mailbox.removeSendAs(grant!.mailbox, ADELE);
    expect(await h.mailbox.listSendAsByTrustee(ADELE)).toEqual([]);
    expect(h.sandbox.state.exchange.hasRight('SendAs', U.support, U.adeleVance)).toBe(false);
    await h.mailbox.addSendAs(SUPPORT, ADELE);
    await h.mailbox.addSendAs(SUPPORT, ADELE);
    expect(h.sandbox.state.exchange.hasRight('SendAs', U.support, U.adeleVance)).toBe(true);
  });
});

describe('ExchangeMailbox: SendOnBehalf', () => {
  it('finds the mailboxes by the trustee DN and changes the list incrementally', async () => {
    expect((await h.mailbox.listSendOnBehalfByTrustee(ADELE)).map((m) => m.primarySmtpAddress)).toEqual([
      MEGAN,
    ]);
    await h.mailbox.addSendOnBehalf(MEGAN, 'nestor.wilke@contoso.com');
    await h.mailbox.removeSendOnBehalf(MEGAN, ADELE);
    await h.mailbox.removeSendOnBehalf(MEGAN, ADELE);
    expect(await h.mailbox.listSendOnBehalfByTrustee(ADELE)).toEqual([]);
    // The other delegate stays: the change was an {add}/{remove} hashtable, never an overwrite.
    expect(h.sandbox.state.exchange.hasRight('SendOnBehalf', U.meganBowen, U.nestorWilke)).toBe(true);
    expect(exchangePaths().filter((p) => p.endsWith('/Mailbox')).length).toBeGreaterThan(0);
  });

  it("escapes a quote in the trustee's DN for the OPATH filter", async () => {
    h.sandbox.state.exchange.updateMailbox(U.adeleVance, {
      distinguishedName: "CN=O'Brien\\, Adele,OU=contoso.onmicrosoft.com,DC=PROD",
    });
    expect((await h.mailbox.listSendOnBehalfByTrustee(ADELE)).map((m) => m.primarySmtpAddress)).toEqual([
      MEGAN,
    ]);
  });

  it('returns nothing for a trustee without a mailbox', async () => {
    expect(await h.mailbox.listSendOnBehalfByTrustee('ray.kim@contoso.com')).toEqual([]);
  });

  it('uses the DN a getMailbox already answered, in one call', async () => {
    const self = await h.mailbox.getMailbox(ADELE);
    const before = exchangePaths().length;
    const found = await h.mailbox.listSendOnBehalfByTrustee(ADELE, self?.distinguishedName);
    expect(found.map((m) => m.primarySmtpAddress)).toEqual([MEGAN]);
    expect(exchangePaths().length - before).toBe(1);
  });
});

describe('ExchangeMailbox: calendar folders', () => {
  it('finds the localized calendar folder', async () => {
    expect(await h.mailbox.getCalendarFolder(JOHANNA)).toBe(`${JOHANNA}:\\Kalender`);
    expect(await h.mailbox.getCalendarFolder('isabelle.dubois@contoso.com')).toBe(
      'isabelle.dubois@contoso.com:\\Calendrier',
    );
    expect(await h.mailbox.getCalendarFolder(MEGAN)).toBe(`${MEGAN}:\\Calendar`);
  });

  it('lists, removes and re-adds a delegate on a localized calendar', async () => {
    const folder = await h.mailbox.getCalendarFolder(JOHANNA);
    const all = await h.mailbox.listFolderPermissions(folder, JOHANNA);
    expect(all.find((p) => p.user === 'Adele Vance')).toMatchObject({
      accessRights: ['Editor'],
      isDelegate: true,
    });
    expect(await h.mailbox.listFolderPermissions(folder, JOHANNA, ADELE)).toHaveLength(1);
    await h.mailbox.removeFolderPermission(folder, JOHANNA, ADELE);
    await h.mailbox.removeFolderPermission(folder, JOHANNA, ADELE);
    expect(await h.mailbox.listFolderPermissions(folder, JOHANNA, ADELE)).toEqual([]);
    await h.mailbox.addFolderPermission(folder, JOHANNA, MEGAN, ['Reviewer']);
    await h.mailbox.addFolderPermission(folder, JOHANNA, MEGAN, ['Editor']);
    expect((await h.mailbox.listFolderPermissions(folder, JOHANNA, MEGAN))[0]?.accessRights).toEqual([
      'Editor',
    ]);
    expect(exchangePaths().some((p) => p.endsWith('/MailboxFolderPermission'))).toBe(true);
  });

  it('adds a calendar delegate back as a delegate (SharingPermissionFlags Delegate)', async () => {
    const folder = await h.mailbox.getCalendarFolder(JOHANNA);
    await h.mailbox.removeFolderPermission(folder, JOHANNA, ADELE);
    await h.mailbox.addFolderPermission(folder, JOHANNA, ADELE, ['Editor'], { isDelegate: true });
    expect((await h.mailbox.listFolderPermissions(folder, JOHANNA, ADELE))[0]).toMatchObject({
      accessRights: ['Editor'],
      isDelegate: true,
    });
  });

  it("refuses a folder that isn't the mailbox's", async () => {
    await expect(h.mailbox.listFolderPermissions(`${MEGAN}:\\Calendar`, JOHANNA)).rejects.toBeInstanceOf(
      InvalidInputError,
    );
  });
});

const HOSTILE = [
  '*)(objectClass=*)',
  'a\\,b',
  "O'Brien",
  "x' or 1 eq 1",
  'a@b.com; Remove-Mailbox x',
  `${ADELE}:\\Calendar`,
  'x'.repeat(300),
];

describe('ExchangeMailbox: hostile input', () => {
  it('sends hostile values only as data (or refuses them) and changes nothing', async () => {
    for (const value of HOSTILE) {
      const outcomes = [
        await settle(h.mailbox.getMailbox(value)),
        await settle(h.mailbox.listSendAsByTrustee(value)),
        await settle(h.mailbox.listSendOnBehalfByTrustee(value)),
        await settle(h.mailbox.removeFullAccess(SUPPORT, value)),
        await settle(h.mailbox.removeSendAs(SUPPORT, value)),
        await settle(h.mailbox.addFullAccess(SUPPORT, value, false)),
      ];
      for (const outcome of outcomes) {
        if (outcome instanceof Error)
          expect(
            [InvalidInputError, NotFoundError].some((type) => outcome instanceof type),
            `${value}: ${outcome.message}`,
          ).toBe(true);
        else if (Array.isArray(outcome)) expect(outcome, value).toEqual([]);
      }
    }
    expect(h.sandbox.snapshot()).toEqual(initial);
  });

  it('refuses NUL before any request', async () => {
    const before = h.sandbox.requestLog.all().length;
    await expect(h.mailbox.removeFullAccess(SUPPORT, 'adele\u0000')).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(h.mailbox.getMailbox('adele.vance@contoso.com\u0000')).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(h.sandbox.requestLog.all().length).toBe(before);
  });
});

describe('Exchange connector logs', () => {
  it('carry request ids and never a token, assertion or secret', async () => {
    await h.mailbox.getMailbox(ADELE);
    const lines = h.logLines.filter((line) => line.includes('"exchange cmdlet"'));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.includes('"requestId"') && line.includes('"clientRequestId"'))).toBe(
      true,
    );
    expect(findLeaks(h.logLines, h.secrets())).toEqual([]);
  });
});

describe('ExchangeMailbox without the v2.0 API', () => {
  it('runs the v2.0 operations on InvokeCommand alone', async () => {
    const beta = await startConnectorHarness({ v2Mode: 'never' });
    try {
      expect((await beta.mailbox.getMailbox(ADELE))?.id).toBe(U.adeleVance);
      await beta.mailbox.removeSendOnBehalf(MEGAN, ADELE);
      expect(await beta.mailbox.listSendOnBehalfByTrustee(ADELE)).toEqual([]);
      const folder = await beta.mailbox.getCalendarFolder(JOHANNA);
      await beta.mailbox.removeFolderPermission(folder, JOHANNA, ADELE);
      expect(await beta.mailbox.listFolderPermissions(folder, JOHANNA, ADELE)).toEqual([]);
      const paths = beta.sandbox.requestLog.find({ service: 'exchange' }).map((e) => e.path);
      expect(paths.every((p) => p.endsWith('/InvokeCommand'))).toBe(true);
    } finally {
      await beta.close();
    }
  });
});

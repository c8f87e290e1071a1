import { describe, expect, it } from 'vitest';
import type { MailboxInfo } from '../../../../src/core/ports/mailbox.js';
import {
  applyLocalChange,
  candidateRecords,
  chunkOf,
  needsScan,
  recordFromScan,
} from '../../../../src/core/revoke/inventory-records.js';

const info = (address: string, type = 'UserMailbox'): MailboxInfo => ({
  id: `id-${address}`,
  primarySmtpAddress: address,
  userPrincipalName: address,
  displayName: address,
  recipientTypeDetails: type,
  isDirSynced: false,
  litigationHoldEnabled: false,
  hiddenFromAddressListsEnabled: false,
  grantSendOnBehalfTo: [],
});

const t0 = Date.parse('2026-11-23T09:00:00Z');

describe('permission inventory records', () => {
  const record = recordFromScan(
    info('CEO@contoso.com'),
    [
      {
        mailbox: 'ceo@contoso.com',
        trustee: 'NT AUTHORITY\\SELF',
        accessRights: ['FullAccess'],
        isInherited: false,
        isDeny: false,
      },
      {
        mailbox: 'ceo@contoso.com',
        trustee: 'Ada@contoso.com',
        accessRights: ['FullAccess'],
        isInherited: false,
        isDeny: false,
      },
      {
        mailbox: 'ceo@contoso.com',
        trustee: 'admins@contoso.com',
        accessRights: ['FullAccess'],
        isInherited: true,
        isDeny: false,
      },
      {
        mailbox: 'ceo@contoso.com',
        trustee: 'bob@contoso.com',
        accessRights: ['FullAccess'],
        isInherited: false,
        isDeny: true,
      },
      {
        mailbox: 'ceo@contoso.com',
        trustee: 'eve@contoso.com',
        accessRights: ['ReadPermission'],
        isInherited: false,
        isDeny: false,
      },
    ],
    'ceo@contoso.com:\\Kalender',
    [
      {
        mailbox: 'ceo@contoso.com',
        folder: 'ceo@contoso.com:\\Kalender',
        user: 'Default',
        accessRights: ['AvailabilityOnly'],
      },
      {
        mailbox: 'ceo@contoso.com',
        folder: 'ceo@contoso.com:\\Kalender',
        user: 'Anonymous',
        accessRights: ['None'],
      },
      {
        mailbox: 'ceo@contoso.com',
        folder: 'ceo@contoso.com:\\Kalender',
        user: 'ada@contoso.com',
        accessRights: ['Editor'],
        isDelegate: true,
      },
      {
        mailbox: 'ceo@contoso.com',
        folder: 'ceo@contoso.com:\\Kalender',
        user: 'carl@contoso.com',
        accessRights: ['None'],
      },
    ],
    t0,
  );

  it('keeps only explicit FullAccess grants and real calendar grants, keyed by lower-case address', () => {
    expect(record.mailbox).toBe('ceo@contoso.com');
    expect(record.fullAccess).toEqual([{ trustee: 'ada@contoso.com', accessRights: ['FullAccess'] }]);
    expect(record.calendar).toEqual([
      { user: 'ada@contoso.com', accessRights: ['Editor'], isDelegate: true },
    ]);
    expect(record.calendarFolder).toBe('ceo@contoso.com:\\Kalender');
  });

  it('finds candidates by any of the user identities', () => {
    const other = recordFromScan(info('finance@contoso.com', 'SharedMailbox'), [], undefined, [], t0);
    const found = candidateRecords([record, other], {
      identities: ['id-ada', 'ada@contoso.com'],
      displayName: 'Ada',
    });
    expect(found.fullAccess.map((r) => r.mailbox)).toEqual(['ceo@contoso.com']);
    expect(found.calendar.map((r) => r.mailbox)).toEqual(['ceo@contoso.com']);
    expect(candidateRecords([record], { identities: ['bob@contoso.com'], displayName: 'Bob' })).toEqual({
      fullAccess: [],
      calendar: [],
    });
  });

  it('applies our own removals and re-grants at once', () => {
    const removed = applyLocalChange(
      applyLocalChange(record, { kind: 'full-access', op: 'remove', trustee: 'ADA@contoso.com' }),
      {
        kind: 'calendar',
        op: 'remove',
        user: 'ada@contoso.com',
      },
    );
    expect(candidateRecords([removed], { identities: ['ada@contoso.com'], displayName: 'Ada' })).toEqual({
      fullAccess: [],
      calendar: [],
    });
    const regranted = applyLocalChange(removed, {
      kind: 'full-access',
      op: 'add',
      trustee: 'ada@contoso.com',
      accessRights: ['FullAccess'],
    });
    expect(
      candidateRecords([regranted], { identities: ['ada@contoso.com'], displayName: 'Ada' }).fullAccess,
    ).toHaveLength(1);
    expect(record.fullAccess).toHaveLength(1);
  });

  it('re-scans records that are unknown, older than the maximum age, or changed type', () => {
    const day = 24 * 60 * 60 * 1000;
    expect(needsScan(undefined, info('ceo@contoso.com'), t0, day)).toBe(true);
    expect(needsScan(record, info('ceo@contoso.com'), t0 + day - 1, day)).toBe(false);
    expect(needsScan(record, info('ceo@contoso.com'), t0 + day + 1, day)).toBe(true);
    expect(needsScan(record, info('ceo@contoso.com', 'SharedMailbox'), t0 + 1, day)).toBe(true);
    expect(needsScan({ ...record, scannedAt: 0 }, info('ceo@contoso.com'), t0, day)).toBe(true);
  });

  it('spreads mailboxes over the chunks stably', () => {
    const chunks = new Set(Array.from({ length: 1000 }, (_, i) => chunkOf(`user${i}@contoso.com`, 64)));
    expect(chunks.size).toBe(64);
    expect(chunkOf('ceo@contoso.com', 64)).toBe(chunkOf('ceo@contoso.com', 64));
  });
});

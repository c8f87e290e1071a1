import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../../src/core/errors.js';
import { stripSmtpPrefix, toMailboxInfo } from '../../../../src/connectors/exchange/exchange-schemas.js';
import {
  assertFolderOfMailbox,
  assertMailboxIdentity,
  assertPrincipal,
  folderIdentity,
} from '../../../../src/connectors/exchange/mailbox-identity.js';
import { opathEquals, opathStringLiteral } from '../../../../src/connectors/exchange/opath-filter.js';

describe('OPATH filter literals', () => {
  it("doubles single quotes so a DN can't end the literal", () => {
    expect(opathStringLiteral("CN=O'Brien,OU=x")).toBe("'CN=O''Brien,OU=x'");
    expect(opathEquals('GrantSendOnBehalfTo', "x' -or Name -like '*")).toBe(
      "GrantSendOnBehalfTo -eq 'x'' -or Name -like ''*'",
    );
  });

  it('refuses control characters and odd property names', () => {
    expect(() => opathStringLiteral('a\u0000')).toThrow(InvalidInputError);
    expect(() => opathEquals('Name -or 1', 'x')).toThrow(InvalidInputError);
  });
});

describe('mailbox identities', () => {
  it('accepts addresses and GUIDs only for mailboxes acted on', () => {
    expect(assertMailboxIdentity(' ada@contoso.com ')).toBe('ada@contoso.com');
    expect(assertMailboxIdentity('9f1c2b3a-0000-4000-8000-000000000001')).toBe(
      '9f1c2b3a-0000-4000-8000-000000000001',
    );
    for (const bad of [
      'a@b.com; Remove-Mailbox x',
      '*)(objectClass=*)',
      "x' or 1 eq 1",
      'ada@contoso.com:\\Calendar',
    ]) {
      expect(() => assertMailboxIdentity(bad)).toThrow(InvalidInputError);
    }
  });

  it('accepts printable principals and refuses NUL or very long ones', () => {
    expect(assertPrincipal('Lee Leaver')).toBe('Lee Leaver');
    expect(() => assertPrincipal('a\u0000b')).toThrow(InvalidInputError);
    expect(() => assertPrincipal('x'.repeat(257))).toThrow(InvalidInputError);
  });

  it('builds localized folder identities and checks they belong to the mailbox', () => {
    expect(folderIdentity('ada@contoso.com', '/Kalender')).toBe('ada@contoso.com:\\Kalender');
    expect(assertFolderOfMailbox('ADA@contoso.com:\\Kalender', 'ada@contoso.com')).toBe(
      'ADA@contoso.com:\\Kalender',
    );
    expect(() => assertFolderOfMailbox('eve@contoso.com:\\Calendar', 'ada@contoso.com')).toThrow(
      InvalidInputError,
    );
  });
});

describe('mailbox rows', () => {
  it('maps Get-Mailbox output to MailboxInfo', () => {
    const info = toMailboxInfo({
      ExternalDirectoryObjectId: 'u1',
      PrimarySmtpAddress: 'user@contoso.com',
      DisplayName: 'User',
      RecipientTypeDetails: 'UserMailbox',
      IsDirSynced: false,
      LitigationHoldEnabled: false,
      HiddenFromAddressListsEnabled: false,
      ForwardingSmtpAddress: 'smtp:someone@example.net',
      DeliverToMailboxAndForward: true,
      GrantSendOnBehalfTo: ['leaver'],
      DistinguishedName: 'CN=user,DC=x',
    });
    expect(info).toMatchObject({
      id: 'u1',
      forwardingSmtpAddress: 'someone@example.net',
      grantSendOnBehalfTo: ['leaver'],
      distinguishedName: 'CN=user,DC=x',
    });
    expect(stripSmtpPrefix(null)).toBeNull();
  });
});

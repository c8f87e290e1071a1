import { describe, expect, it } from 'vitest';
import { categoriesFor, parseRevokeInput } from '../../../../src/core/revoke/index.js';
import { isMailboxInScope, revokeUserFrom } from '../../../../src/core/revoke/permissions.js';

const user = revokeUserFrom('ada@contoso.com', {
  id: '0b7f2c1e-0000-4000-8000-000000000001',
  primarySmtpAddress: 'Ada@contoso.com',
  userPrincipalName: 'ada@contoso.com',
  displayName: 'Ada Lovelace',
  recipientTypeDetails: 'UserMailbox',
  distinguishedName: 'CN=ada,OU=contoso.onmicrosoft.com,DC=EURP1,DC=PROD,DC=OUTLOOK,DC=COM',
  isDirSynced: false,
  litigationHoldEnabled: false,
  hiddenFromAddressListsEnabled: false,
  grantSendOnBehalfTo: [],
});

const mailbox = (address: string, type = 'UserMailbox') => ({
  id: `id-${address}`,
  primarySmtpAddress: address,
  userPrincipalName: address,
  recipientTypeDetails: type,
});

describe('revoke scope', () => {
  it('recognises the user by UPN, address, object id and DN but never by display name', () => {
    expect(user.identities).toContain('ada@contoso.com');
    expect(user.identities).toContain('0b7f2c1e-0000-4000-8000-000000000001');
    expect(user.identities.some((identity) => identity.startsWith('cn=ada'))).toBe(true);
    expect(user.identities).not.toContain('ada lovelace');
  });

  it('covers shared memberships only with full_access and removeFromShared', () => {
    expect(categoriesFor(parseRevokeInput({ user: 'ada@contoso.com' }))).toEqual([
      'full_access',
      'send_as',
      'send_on_behalf',
      'calendar_delegates',
      'shared_mailboxes',
    ]);
    expect(
      categoriesFor(parseRevokeInput({ user: 'ada@contoso.com', removeFromShared: false })),
    ).not.toContain('shared_mailboxes');
    expect(
      categoriesFor(parseRevokeInput({ user: 'ada@contoso.com', permissionTypes: ['send_as'] })),
    ).toEqual(['send_as']);
  });

  it("never touches the user's own mailbox", () => {
    const input = parseRevokeInput({ user: 'ada@contoso.com' });
    expect(isMailboxInScope(input, user, mailbox('ada@contoso.com'))).toBe(false);
    expect(isMailboxInScope(input, user, mailbox('ceo@contoso.com'))).toBe(true);
  });

  it('keeps every right on shared mailboxes when removeFromShared is false', () => {
    const input = parseRevokeInput({ user: 'ada@contoso.com', removeFromShared: false });
    expect(isMailboxInScope(input, user, mailbox('support@contoso.com', 'SharedMailbox'))).toBe(false);
    expect(isMailboxInScope(input, user, mailbox('ceo@contoso.com'))).toBe(true);
  });

  it('honours target mailboxes by address, UPN or id', () => {
    const input = parseRevokeInput({ user: 'ada@contoso.com', targetMailboxes: ['finance@contoso.com'] });
    expect(isMailboxInScope(input, user, mailbox('finance@contoso.com', 'SharedMailbox'))).toBe(true);
    expect(isMailboxInScope(input, user, mailbox('ceo@contoso.com'))).toBe(false);
  });
});

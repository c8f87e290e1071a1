import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../../src/core/errors.js';
import { parseRevokeInput, revokeInputOf } from '../../../../src/core/revoke/index.js';

describe('parseRevokeInput', () => {
  it('applies the defaults: every permission type, every mailbox, shared mailboxes included', () => {
    expect(parseRevokeInput({ user: ' Ada.Lovelace@Contoso.com ' })).toEqual({
      user: 'ada.lovelace@contoso.com',
      permissionTypes: ['full_access', 'send_as', 'send_on_behalf', 'calendar'],
      removeFromShared: true,
    });
  });

  it('keeps the chosen types in canonical order without duplicates and lower-cases target mailboxes', () => {
    const input = parseRevokeInput({
      user: 'ada@contoso.com',
      permissionTypes: ['calendar', 'send_as', 'calendar'],
      targetMailboxes: ['CEO@contoso.com', 'ceo@contoso.com', 'finance@contoso.com'],
      removeFromShared: false,
      ticketId: 'OFF-2026-015',
    });
    expect(input).toEqual({
      user: 'ada@contoso.com',
      permissionTypes: ['send_as', 'calendar'],
      targetMailboxes: ['ceo@contoso.com', 'finance@contoso.com'],
      removeFromShared: false,
      ticketId: 'OFF-2026-015',
    });
  });

  it.each([
    [{ user: 'not an address' }, 'user: must be an address'],
    [{ user: 'ada@contoso.com', permissionTypes: ['mailbox_owner'] }, 'permissionTypes.0'],
    [{ user: 'ada@contoso.com', permissionTypes: [] }, 'choose at least one permission type'],
    [{ user: 'ada@contoso.com', targetMailboxes: [] }, 'list at least one mailbox'],
    [{ user: 'ada@contoso.com', ticketId: 'OFF 2026; drop' }, 'ticket id may hold'],
    [{ user: 'ada@contoso.com', ticketId: 'T'.repeat(65) }, 'at most 64 characters'],
    [{ user: 'ada@contoso.com', removeFromShared: 'yes' }, 'removeFromShared'],
    [{ user: 'ada@contoso.com', extra: 1 }, 'extra'],
    [{ user: 'ada@contoso.com', targetMailboxes: ['ADA@contoso.com'] }, "the user's own mailbox"],
    [null, 'input'],
  ])('rejects %j with a clear message', (raw, fragment) => {
    expect(() => parseRevokeInput(raw)).toThrow(InvalidInputError);
    expect(() => parseRevokeInput(raw)).toThrow(fragment);
  });

  it('refuses more target mailboxes than the cap', () => {
    const targetMailboxes = Array.from({ length: 501 }, (_, i) => `m${i}@contoso.com`);
    expect(() => parseRevokeInput({ user: 'ada@contoso.com', targetMailboxes })).toThrow(/targetMailboxes/);
  });
});

describe('revokeInputOf', () => {
  it('reads a stored revoke request back unchanged', () => {
    const stored = parseRevokeInput({
      user: 'ada@contoso.com',
      permissionTypes: ['send_as'],
      ticketId: 'T-1',
    });
    expect(revokeInputOf(JSON.parse(JSON.stringify(stored)))).toEqual(stored);
  });

  it("turns an offboarding input into a request for all of the leaver's rights", () => {
    const offboarding = {
      requestId: 'REQ-1',
      leaver: { id: 'x', userPrincipalName: 'Ada@Contoso.com' },
      options: {},
    };
    expect(revokeInputOf(offboarding)).toEqual({
      user: 'ada@contoso.com',
      permissionTypes: ['full_access', 'send_as', 'send_on_behalf', 'calendar'],
      removeFromShared: true,
    });
  });

  it('refuses anything else with a clear message', () => {
    expect(() => revokeInputOf({ leaver: {} })).toThrow(InvalidInputError);
    expect(() => revokeInputOf('ada@contoso.com')).toThrow(/Invalid revoke request/);
  });
});

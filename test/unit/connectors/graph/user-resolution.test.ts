import { describe, expect, it } from 'vitest';
import type { IdentityUser } from '../../../../src/core/ports/identity.js';
import {
  decideDisplayNameResult,
  queryShape,
  suggestionPrefix,
} from '../../../../src/connectors/graph/user-resolution.js';

const user = (id: string, displayName: string): IdentityUser => ({
  id,
  displayName,
  userPrincipalName: `${id}@contoso.com`,
  accountEnabled: true,
  isSynced: false,
});

describe('user query resolution', () => {
  it('tells ids, addresses and names apart', () => {
    expect(queryShape('9f1c2b3a-0000-4000-8000-000000000001')).toBe('object-id');
    expect(queryShape('ada@contoso.com')).toBe('address');
    expect(queryShape('a@b.com; Remove-Mailbox x')).toBe('display-name');
    expect(queryShape('Ada Lovelace')).toBe('display-name');
  });

  it('finds a single exact display-name match', () => {
    expect(
      decideDisplayNameResult('ada lovelace', [user('1', 'Ada Lovelace'), user('2', 'Ada Lovelace-Byron')]),
    ).toEqual({ kind: 'found', user: user('1', 'Ada Lovelace') });
  });

  it('offers choices for namesakes and for partial matches', () => {
    const twins = [user('1', 'Alex Wilber'), user('2', 'Alex Wilber')];
    expect(decideDisplayNameResult('Alex Wilber', twins)).toEqual({ kind: 'ambiguous', choices: twins });
    expect(decideDisplayNameResult('Ada', [user('1', 'Ada Lovelace')])).toEqual({
      kind: 'ambiguous',
      choices: [user('1', 'Ada Lovelace')],
    });
    expect(decideDisplayNameResult('Nobody', [])).toBeNull();
  });

  it('derives the suggestion prefix from the first word', () => {
    expect(suggestionPrefix('Ada Lovelase')).toBe('Ada');
    expect(suggestionPrefix('ada.lovelace@contoso.com')).toBe('ada');
    expect(suggestionPrefix('x')).toBeNull();
  });
});

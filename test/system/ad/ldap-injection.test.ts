import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError, NotFoundError } from '../../../src/core/errors.js';
import { SEED, SEED_USERS } from '../../support/samba-seed.js';
import {
  type TestUser,
  connectorFor,
  createTestUser,
  dcOrThrow,
  deleteTestUsers,
  readAttributes,
  snapshotDirectory,
  started,
} from './ad-fixtures.js';

/** Values that would change a filter, a DN or a command line if anything spliced them into text. */
const HOSTILE_VALUES = [
  '*',
  '*)(objectClass=*)',
  'grady.archie)(|(sAMAccountName=*)',
  '*)(|(userPrincipalName=*',
  'a\\,b',
  'a\\2a',
  "O'Brien",
  "x' or 1 eq 1",
  'a@b.com; Remove-Mailbox x',
  '$(Remove-Mailbox x)',
  'grady*',
  'x'.repeat(1000),
];

/** Test users of parallel test files come and go; everything else must stay exactly as it was. */
function stableObjects(snapshot: Map<string, string>): Map<string, string> {
  const testUser = /^CN=(?:[^,\\]|\\.)* [0-9a-f]{8},/;
  return new Map([...snapshot].filter(([dn]) => !testUser.test(dn) && !dn.includes(',OU=Groups,')));
}

describe.skipIf(started.dc === undefined)('LdapDirectory keeps hostile input as data', () => {
  const created: TestUser[] = [];
  afterAll(async () => {
    if (started.dc) await deleteTestUsers(started.dc, created);
  });

  it('finds nobody for hostile lookup values and changes nothing', async () => {
    const dc = dcOrThrow();
    const before = stableObjects(await snapshotDirectory(dc));
    const { directory } = connectorFor(dc);
    for (const value of HOSTILE_VALUES) {
      expect(await directory.findUser({ userPrincipalName: value }), value).toBeNull();
      expect(await directory.findUser({ sAMAccountName: value }), value).toBeNull();
      expect(await directory.findUser({ employeeId: value }), value).toBeNull();
    }
    expect(stableObjects(await snapshotDirectory(dc))).toEqual(before);
  });

  it('refuses empty and over-long lookup values before sending anything', async () => {
    const { directory } = connectorFor(dcOrThrow());
    await expect(directory.findUser({ sAMAccountName: '' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(directory.findUser({ sAMAccountName: '   ' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(directory.findUser({ userPrincipalName: 'x'.repeat(5000) })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    // Samba ends a value at NUL, so these would match grady.archie if they were sent.
    for (const value of ['grady.archie\u0000', 'grady.archie\u0000*)(x=*', 'grady.archie\n']) {
      await expect(directory.findUser({ sAMAccountName: value })).rejects.toBeInstanceOf(InvalidInputError);
      await expect(directory.findUser({ userPrincipalName: value })).rejects.toBeInstanceOf(
        InvalidInputError,
      );
    }
    await expect(
      directory.findUser({ dn: `CN=Grady Archie\u0000,${SEED.usersOuDn}` }),
    ).rejects.toBeInstanceOf(InvalidInputError);
    await expect(directory.stamp(SEED_USERS[0]!.dn, { description: 'x\u0000y' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
  });

  it('treats DNs as names: wildcards match nothing, malformed DNs are refused, escaped DNs hit exactly one user', async () => {
    const dc = dcOrThrow();
    const before = stableObjects(await snapshotDirectory(dc));
    const { directory } = connectorFor(dc);
    expect(await directory.findUser({ dn: `CN=*,${dc.usersOuDn}` })).toBeNull();
    expect(await directory.findUser({ dn: `CN=O'Brien,${dc.usersOuDn}` })).toBeNull();
    const pat = SEED_USERS[1]!;
    expect((await directory.findUser({ dn: pat.dn }))?.sAMAccountName).toBe('pat.obrien');
    for (const dn of [
      '*)(objectClass=*)',
      'CN=a\\',
      'CN=x,,DC=test',
      "x' or 1 eq 1",
      'a@b.com; Remove-Mailbox x',
    ]) {
      await expect(directory.findUser({ dn }), dn).rejects.toBeInstanceOf(InvalidInputError);
      await expect(directory.disable(dn), dn).rejects.toBeInstanceOf(InvalidInputError);
      await expect(directory.removeFromGroup(dn, SEED.salesGroupDn), dn).rejects.toBeInstanceOf(
        InvalidInputError,
      );
      await expect(directory.move(dn, dc.disabledOuDn), dn).rejects.toBeInstanceOf(InvalidInputError);
    }
    await expect(directory.move('CN=Solo', dc.disabledOuDn)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(directory.disable(`CN=*,${dc.usersOuDn}`)).rejects.toBeInstanceOf(NotFoundError);
    await expect(directory.setRandomPassword(`CN=*,${dc.usersOuDn}`)).rejects.toBeInstanceOf(NotFoundError);
    await expect(directory.stamp(`CN=*,${dc.usersOuDn}`, { description: 'x' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(stableObjects(await snapshotDirectory(dc))).toEqual(before);
  });

  it('stores hostile stamp text verbatim on the one target user', async () => {
    const dc = dcOrThrow();
    const user = await createTestUser(dc);
    created.push(user);
    const before = stableObjects(await snapshotDirectory(dc));
    const { directory } = connectorFor(dc);
    const text = '*)(objectClass=*) x\' or 1 eq 1; Remove-Mailbox x $(whoami) `id` \\,"<>#+';
    await directory.stamp(user.dn, { description: text, info: 'y'.repeat(1024) });
    expect(await readAttributes(dc, user.dn, ['description', 'info'])).toEqual({
      description: [text],
      info: ['y'.repeat(1024)],
    });
    expect(stableObjects(await snapshotDirectory(dc))).toEqual(before);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidInputError, NotFoundError } from '../../../src/core/errors.js';
import { SEED, SEED_USERS } from '../../support/samba-seed.js';
import {
  DONT_EXPIRE_PASSWORD,
  NORMAL_ACCOUNT,
  type TestUser,
  adminModify,
  canBind,
  connectorFor,
  createTestUser,
  dcOrThrow,
  deleteTestUsers,
  readAttributes,
  started,
  withAdmin,
} from './ad-fixtures.js';

const created: TestUser[] = [];
async function newUser(options: Parameters<typeof createTestUser>[1] = {}): Promise<TestUser> {
  const user = await createTestUser(dcOrThrow(), options);
  created.push(user);
  return user;
}

describe.skipIf(started.dc === undefined)('LdapDirectory against a Samba AD DC', () => {
  afterAll(async () => {
    if (started.dc) await deleteTestUsers(started.dc, created);
  });

  it('finds the seeded synced leaver by UPN, sAMAccountName, employeeId and DN', async () => {
    const { directory } = connectorFor(dcOrThrow());
    const grady = SEED_USERS[0]!;
    const byUpn = await directory.findUser({ userPrincipalName: 'grady.archie@contoso.com' });
    expect(byUpn).toMatchObject({
      dn: grady.dn,
      sAMAccountName: 'grady.archie',
      userPrincipalName: 'grady.archie@contoso.com',
      employeeId: '100042',
      primaryGroupId: 513,
    });
    expect(byUpn?.memberOf.map((g) => g.toLowerCase()).sort()).toEqual(
      [SEED.largeGroupDn, SEED.salesGroupDn, SEED.vpnGroupDn].map((g) => g.toLowerCase()).sort(),
    );
    expect((byUpn?.userAccountControl ?? 0) & DONT_EXPIRE_PASSWORD).toBe(DONT_EXPIRE_PASSWORD);
    expect(await directory.findUser({ sAMAccountName: 'grady.archie' })).toEqual(byUpn);
    expect(await directory.findUser({ employeeId: '100042' })).toEqual(byUpn);
    expect(await directory.findUser({ dn: grady.dn })).toEqual(byUpn);
  });

  it('returns extra attributes by name and null for absent users', async () => {
    const { directory } = connectorFor(dcOrThrow());
    const grady = await directory.findUser({ sAMAccountName: 'grady.archie' }, ['mail', 'givenName']);
    expect(grady?.attributes).toEqual({ mail: 'grady.archie@contoso.com', givenName: 'Grady' });
    expect(await directory.findUser({ userPrincipalName: 'nobody@contoso.com' })).toBeNull();
    expect(await directory.findUser({ dn: `CN=Nobody,${dcOrThrow().usersOuDn}` })).toBeNull();
    expect(await directory.findUser({ dn: 'CN=Someone,DC=elsewhere,DC=test' })).toBeNull();
    await expect(directory.findUser({ sAMAccountName: 'x' }, ['mail)(x'])).rejects.toBeInstanceOf(
      InvalidInputError,
    );
  });

  it('finds users whose names need DN escaping, by their escaped DN', async () => {
    const { directory } = connectorFor(dcOrThrow());
    for (const seeded of SEED_USERS.slice(1)) {
      const found = await directory.findUser({ sAMAccountName: seeded.sAMAccountName });
      expect(found?.dn).toBe(seeded.dn);
      expect(await directory.findUser({ dn: seeded.dn })).toEqual(found);
    }
  });

  it('throws ConflictError when a lookup matches two users', async () => {
    const dc = dcOrThrow();
    const a = await newUser();
    const b = await newUser();
    await adminModify(dc, b.dn, 'employeeID', [a.employeeId]);
    const { directory } = connectorFor(dc);
    await expect(directory.findUser({ employeeId: a.employeeId })).rejects.toBeInstanceOf(ConflictError);
  });

  it('disables by setting only ACCOUNTDISABLE, keeps DONT_EXPIRE_PASSWORD, and enables again', async () => {
    const user = await newUser();
    const { directory } = connectorFor(dcOrThrow());
    await directory.disable(user.dn);
    const disabled = await directory.findUser({ dn: user.dn });
    expect(disabled).toMatchObject({
      isEnabled: false,
      userAccountControl: NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD | 0x2,
    });
    await directory.disable(user.dn); // idempotent
    expect((await directory.findUser({ dn: user.dn }))?.userAccountControl).toBe(66050);
    await directory.enable(user.dn);
    expect(await directory.findUser({ dn: user.dn })).toMatchObject({
      isEnabled: true,
      userAccountControl: 66048,
    });
  });

  it('resets the password to an unknown value: pwdLastSet moves and the old password stops working', async () => {
    const dc = dcOrThrow();
    const user = await newUser();
    expect(await canBind(dc, user.dn, user.password)).toBe(true);
    const [before] = (await readAttributes(dc, user.dn, ['pwdLastSet']))['pwdLastSet']!;
    const { directory } = connectorFor(dc);
    await directory.setRandomPassword(user.dn);
    const [after] = (await readAttributes(dc, user.dn, ['pwdLastSet']))['pwdLastSet']!;
    expect(BigInt(after!)).toBeGreaterThan(BigInt(before!));
    expect(await canBind(dc, user.dn, user.password)).toBe(false);
  });

  it('stamps description and info, and clears them with empty strings', async () => {
    const user = await newUser();
    const { directory } = connectorFor(dcOrThrow());
    const info = 'Offboarded 2026-07-30 by the lifecycle bot\r\nTicket INC123, manager Megan Bowen';
    await directory.stamp(user.dn, { description: 'Disabled 2026-07-30 (INC123)', info });
    expect(await directory.findUser({ dn: user.dn })).toMatchObject({
      description: 'Disabled 2026-07-30 (INC123)',
      info,
    });
    await directory.stamp(user.dn, { info: '' });
    const after = await directory.findUser({ dn: user.dn });
    expect(after?.info).toBeUndefined();
    expect(after?.description).toBe('Disabled 2026-07-30 (INC123)');
    await expect(directory.stamp(user.dn, {})).rejects.toBeInstanceOf(InvalidInputError);
    await expect(directory.stamp(user.dn, { description: 'x'.repeat(1025) })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
  });

  it('hides from and shows in address lists through msExchHideFromAddressLists', async () => {
    const user = await newUser();
    const { directory } = connectorFor(dcOrThrow());
    expect((await directory.findUser({ dn: user.dn }))?.isHiddenFromAddressLists).toBe(false);
    await directory.setHiddenFromAddressLists(user.dn, true);
    expect((await directory.findUser({ dn: user.dn }))?.isHiddenFromAddressLists).toBe(true);
    expect(
      (await readAttributes(dcOrThrow(), user.dn, ['msExchHideFromAddressLists']))[
        'msExchHideFromAddressLists'
      ],
    ).toEqual(['TRUE']);
    await directory.setHiddenFromAddressLists(user.dn, false);
    expect((await directory.findUser({ dn: user.dn }))?.isHiddenFromAddressLists).toBe(false);
  });

  it('removes memberships, including from a group larger than 1500 members, and treats non-members as done', async () => {
    const dc = dcOrThrow();
    const user = await newUser();
    const { directory } = connectorFor(dc);
    const largeBefore = await countMembers(dc, SEED.largeGroupDn);
    expect(largeBefore).toBeGreaterThan(1500);
    for (const group of [SEED.salesGroupDn, SEED.vpnGroupDn, SEED.largeGroupDn]) {
      await directory.removeFromGroup(user.dn, group);
    }
    expect((await directory.findUser({ dn: user.dn }))?.memberOf).toEqual([]);
    expect(await countMembers(dc, SEED.largeGroupDn)).toBe(largeBefore - 1);
    await directory.removeFromGroup(user.dn, SEED.salesGroupDn); // not a member any more: no-op
    await directory.addToGroup(user.dn, SEED.largeGroupDn);
    await directory.addToGroup(user.dn, SEED.largeGroupDn); // already a member: no-op
    expect((await directory.findUser({ dn: user.dn }))?.memberOf).toEqual([SEED.largeGroupDn]);
  });

  it('never removes the primary group', async () => {
    const user = await newUser();
    const { directory } = connectorFor(dcOrThrow());
    const domainUsers = `CN=Domain Users,CN=Users,${dcOrThrow().baseDn}`;
    await expect(directory.removeFromGroup(user.dn, domainUsers)).rejects.toBeInstanceOf(ConflictError);
    expect((await directory.findUser({ dn: user.dn }))?.primaryGroupId).toBe(513);
    await expect(
      directory.removeFromGroup(user.dn, `CN=No Such Group,${SEED.groupsOuDn}`),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('moves users with names that need escaping to the Disabled OU and returns the new DN', async () => {
    const dc = dcOrThrow();
    const { directory } = connectorFor(dc);
    for (const cn of ["O'Brien, Pat", 'a\\,b', '#Lead+Plus <x>; "q"']) {
      const user = await newUser({ cn });
      const newDn = await directory.moveToDisabledOu(user.dn);
      expect(newDn.toLowerCase().endsWith(`,${dc.disabledOuDn}`.toLowerCase())).toBe(true);
      const moved = await directory.findUser({ dn: newDn });
      expect(moved?.sAMAccountName).toBe(user.sAMAccountName);
      expect((await readAttributes(dc, newDn, ['cn']))['cn']).toEqual([user.cn]);
      expect(await directory.findUser({ dn: user.dn })).toBeNull();
      expect(await directory.move(newDn, dc.disabledOuDn)).toBe(newDn); // already there
      // Undo: back to the Staff OU (the service account may move in both directions).
      const back = await directory.move(newDn, dc.usersOuDn);
      expect((await directory.findUser({ dn: back }))?.sAMAccountName).toBe(user.sAMAccountName);
    }
  });

  it('runs a whole on-premises offboarding of a synced leaver and every change reads back', async () => {
    const dc = dcOrThrow();
    const user = await newUser({ cn: 'Grady Archie Clone' });
    const { directory } = connectorFor(dc);
    const account = (await directory.findUser({ userPrincipalName: user.userPrincipalName }))!;
    await directory.disable(account.dn);
    await directory.setRandomPassword(account.dn);
    await directory.stamp(account.dn, { description: 'Offboarded 2026-07-30 (REQ-1)' });
    await directory.setHiddenFromAddressLists(account.dn, true);
    for (const group of account.memberOf) await directory.removeFromGroup(account.dn, group);
    const newDn = await directory.moveToDisabledOu(account.dn);
    expect(await directory.findUser({ employeeId: user.employeeId })).toMatchObject({
      dn: newDn,
      isEnabled: false,
      userAccountControl: 66050,
      description: 'Offboarded 2026-07-30 (REQ-1)',
      isHiddenFromAddressLists: true,
      memberOf: [],
      primaryGroupId: 513,
    });
    expect(await canBind(dc, newDn, user.password)).toBe(false);
  });
});

async function countMembers(dc: ReturnType<typeof dcOrThrow>, groupDn: string): Promise<number> {
  return withAdmin(dc, async (client) => {
    // Ranged retrieval, as AD returns at most MaxValRange (1500) values per read.
    let total = 0;
    for (let low = 0; ;) {
      const { searchEntries } = await client.search(groupDn, {
        scope: 'base',
        attributes: [`member;range=${low}-*`],
      });
      const entry = searchEntries[0]!;
      const key = Object.keys(entry).find((k) => k.toLowerCase().startsWith('member;range='));
      if (key === undefined) return total + [entry['member'] ?? []].flat().length;
      const values = [entry[key]].flat();
      total += values.length;
      if (key.endsWith('-*')) return total;
      low += values.length;
    }
  });
}

import { spawnSync } from 'node:child_process';
import { rootCertificates } from 'node:tls';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError, PermissionDeniedError, UnavailableError } from '../../../src/core/errors.js';
import { LdapDirectory } from '../../../src/connectors/ldap/index.js';
import { encodeUnicodePwd, generateRandomPassword } from '../../../src/connectors/ldap/unicode-pwd.js';
import { SEED } from '../../support/samba-seed.js';
import {
  type TestUser,
  connectorFor,
  createTestUser,
  dcOrThrow,
  deleteTestUsers,
  readAttributes,
  started,
} from './ad-fixtures.js';

describe.skipIf(started.dc === undefined)('LdapDirectory security against a Samba AD DC', () => {
  const created: TestUser[] = [];
  async function newUser(): Promise<TestUser> {
    const user = await createTestUser(dcOrThrow());
    created.push(user);
    return user;
  }
  afterAll(async () => {
    if (started.dc) await deleteTestUsers(started.dc, created);
  });

  it('refuses a DC whose certificate is not signed by the configured CA', async () => {
    const { directory } = connectorFor(dcOrThrow(), { tlsCa: rootCertificates[0]! });
    const error: unknown = await directory
      .findUser({ sAMAccountName: 'grady.archie' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect((error as Error).message).toMatch(/TLS certificate is not trusted/);
    expect((error as Error).cause).toBeDefined();
  });

  it('refuses a DC whose certificate names another host, and uses the system trust store by default', async () => {
    const wrongName = connectorFor(dcOrThrow(), { tlsServerName: 'dc.elsewhere.example' }).directory;
    await expect(wrongName.findUser({ sAMAccountName: 'grady.archie' })).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
    const dc = dcOrThrow();
    const systemTrust = new LdapDirectory({
      url: dc.url,
      bindDn: dc.bindDn,
      bindPassword: dc.bindPassword,
      baseDn: dc.baseDn,
      tlsServerName: dc.tlsServerName,
      logger: pino({ level: 'silent' }),
    });
    await expect(systemTrust.findUser({ sAMAccountName: 'grady.archie' })).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
  });

  it('refuses plain ldap:// and reports unreachable DCs and wrong credentials as typed errors', async () => {
    const dc = dcOrThrow();
    expect(() => connectorFor(dc, { url: 'ldap://127.0.0.1:389' })).toThrow(InvalidInputError);
    const unreachable = connectorFor(dc, { url: 'ldaps://127.0.0.1:1', connectTimeoutMs: 2_000 }).directory;
    await expect(unreachable.findUser({ sAMAccountName: 'grady.archie' })).rejects.toBeInstanceOf(
      UnavailableError,
    );
    const wrongPassword = connectorFor(dc, { bindPassword: 'Not-the-password-1!' }).directory;
    await expect(wrongPassword.findUser({ sAMAccountName: 'grady.archie' })).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
  });

  it('gives an account without delegated rights PermissionDeniedError on every write, changing nothing', async () => {
    const dc = dcOrThrow();
    const user = await newUser();
    const { directory } = connectorFor(dc, {
      bindDn: dc.unprivilegedDn,
      bindPassword: dc.unprivilegedPassword,
    });
    expect((await directory.findUser({ dn: user.dn }))?.sAMAccountName).toBe(user.sAMAccountName);
    const attributes = [
      'userAccountControl',
      'pwdLastSet',
      'description',
      'msExchHideFromAddressLists',
      'memberOf',
    ];
    const before = await readAttributes(dc, user.dn, attributes);
    const writes: [string, () => Promise<unknown>][] = [
      ['disable', () => directory.disable(user.dn)],
      ['setRandomPassword', () => directory.setRandomPassword(user.dn)],
      ['stamp', () => directory.stamp(user.dn, { description: 'x' })],
      ['hide', () => directory.setHiddenFromAddressLists(user.dn, true)],
      ['removeFromGroup', () => directory.removeFromGroup(user.dn, SEED.salesGroupDn)],
      ['move', () => directory.move(user.dn, dc.disabledOuDn)],
    ];
    for (const [name, write] of writes) {
      await expect(write(), name).rejects.toBeInstanceOf(PermissionDeniedError);
    }
    expect(await readAttributes(dc, user.dn, attributes)).toEqual(before);
  });

  it('keeps the least-privileged service account out of objects it was not delegated', async () => {
    const dc = dcOrThrow();
    const user = await newUser();
    const { directory } = connectorFor(dc);
    const administrator = dc.adminDn;
    await expect(directory.disable(administrator)).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(directory.setRandomPassword(administrator)).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(directory.stamp(dc.bindDn, { description: 'x' })).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
    const domainAdmins = `CN=Domain Admins,CN=Users,${dc.baseDn}`;
    await expect(directory.addToGroup(user.dn, domainAdmins)).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(directory.move(user.dn, `CN=Users,${dc.baseDn}`)).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
    expect((await directory.findUser({ dn: administrator }))?.isEnabled).toBe(true);
  });

  it('never writes a password, the bind password or the unicodePwd payload to the log', async () => {
    const dc = dcOrThrow();
    const user = await newUser();
    const generated: string[] = [];
    const { directory, logLines } = connectorFor(dc, {
      generatePassword: () => {
        const password = generateRandomPassword();
        generated.push(password);
        return password;
      },
    });
    const account = (await directory.findUser({ userPrincipalName: user.userPrincipalName }))!;
    await directory.disable(account.dn);
    await directory.setRandomPassword(account.dn);
    await directory.setRandomPassword(account.dn);
    await directory.stamp(account.dn, { description: 'Offboarded', info: 'by the lifecycle bot' });
    await directory.setHiddenFromAddressLists(account.dn, true);
    for (const group of account.memberOf) await directory.removeFromGroup(account.dn, group);
    await directory.addToGroup(account.dn, SEED.salesGroupDn);
    const newDn = await directory.moveToDisabledOu(account.dn);
    await directory.enable(newDn);
    await expect(
      connectorFor(dc, { bindPassword: 'Wrong-Pa55word!' }).directory.disable(newDn),
    ).rejects.toThrow();
    const failing = connectorFor(dc, { bindDn: dc.unprivilegedDn, bindPassword: dc.unprivilegedPassword });
    await expect(failing.directory.setRandomPassword(newDn)).rejects.toThrow();

    expect(generated).toHaveLength(2);
    const log = [...logLines, ...failing.logLines].join('\n');
    expect(logLines.length).toBeGreaterThan(10);
    const secrets = [dc.bindPassword, dc.unprivilegedPassword, ...generated];
    for (const secret of secrets) {
      const payload = encodeUnicodePwd(secret);
      for (const form of [
        secret,
        payload.toString('latin1'),
        payload.toString('base64'),
        payload.toString('hex'),
        JSON.stringify(secret).slice(1, -1),
      ]) {
        expect(log.includes(form)).toBe(false);
      }
    }
    expect(log).not.toMatch(/unicodePwd"\s*:/);
  });

  it('leaves no LDAPS socket open after successful and failed operations', async () => {
    const dc = dcOrThrow();
    const { directory } = connectorFor(dc);
    await directory.findUser({ sAMAccountName: 'grady.archie' });
    await expect(directory.disable(dc.adminDn)).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(
      connectorFor(dc, { tlsCa: rootCertificates[0]! }).directory.findUser({ sAMAccountName: 'x' }),
    ).rejects.toThrow();
    await expect(
      connectorFor(dc, { bindPassword: 'Wrong-Pa55word!' }).directory.findUser({ sAMAccountName: 'x' }),
    ).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sockets = spawnSync('ss', ['-tnpH', 'dport = :636'], { encoding: 'utf8' });
    expect(sockets.status).toBe(0);
    expect(sockets.stdout.split('\n').filter((line) => line.includes(`pid=${process.pid},`))).toEqual([]);
  });
});

/**
 * Shared helpers of the Active Directory system tests: an administrator connection for arranging and
 * inspecting state behind the connector's back, throw-away users with unique names (so test files can
 * run in parallel and again against the same cached DC), and a connector whose pino log is captured.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Attribute, Change, Client, EqualityFilter } from 'ldapts';
import pino from 'pino';
import { LdapDirectory, type LdapDirectoryOptions } from '../../../src/connectors/ldap/index.js';
import { escapeDnValue } from '../../../src/connectors/ldap/dn.js';
import { type SambaDc, tryStartSambaDc } from '../../support/samba.js';
import { SEED, createUser } from '../../support/samba-seed.js';

export const started = await tryStartSambaDc();

export function dcOrThrow(): SambaDc {
  if (started.dc === undefined) throw new Error(started.skipReason);
  return started.dc;
}

export function clientFor(
  dc: SambaDc,
  overrides: Partial<ConstructorParameters<typeof Client>[0]> = {},
): Client {
  return new Client({
    url: dc.url,
    timeout: 20_000,
    connectTimeout: 5_000,
    tlsOptions: { ca: [dc.caPem], servername: dc.tlsServerName, minVersion: 'TLSv1.2' },
    ...overrides,
  });
}

export async function withAdmin<T>(dc: SambaDc, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = clientFor(dc);
  try {
    await client.bind(dc.adminDn, dc.adminPassword);
    return await fn(client);
  } finally {
    await client.unbind();
  }
}

/** Tries a simple bind; true when the credentials are accepted. */
export async function canBind(dc: SambaDc, dn: string, password: string): Promise<boolean> {
  const client = clientFor(dc);
  try {
    await client.bind(dn, password);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 49) return false;
    throw error;
  } finally {
    await client.unbind();
  }
}

export interface TestUser {
  dn: string;
  cn: string;
  sAMAccountName: string;
  userPrincipalName: string;
  employeeId: string;
  password: string;
}

export const DONT_EXPIRE_PASSWORD = 0x10000;
export const NORMAL_ACCOUNT = 0x200;

/** A fresh enabled user in the Staff OU, member of Sales, VPN Users and the large group. */
export async function createTestUser(
  dc: SambaDc,
  options: { cn?: string; groupDns?: readonly string[]; userAccountControl?: number } = {},
): Promise<TestUser> {
  const id = randomBytes(4).toString('hex');
  const cn = options.cn === undefined ? `Test User ${id}` : `${options.cn} ${id}`;
  const user: TestUser = {
    cn,
    dn: `CN=${escapeDnValue(cn)},${dc.usersOuDn}`,
    sAMAccountName: `t-${id}`,
    userPrincipalName: `t-${id}@contoso.com`,
    employeeId: `9${parseInt(id, 16) % 10_000_000}`,
    password: `Tt1!${randomBytes(12).toString('base64url')}`,
  };
  await withAdmin(dc, (client) =>
    createUser(client, {
      ...user,
      userAccountControl: options.userAccountControl ?? NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD,
      groupDns: options.groupDns ?? [SEED.salesGroupDn, SEED.vpnGroupDn, SEED.largeGroupDn],
      description: 'Account Executive',
    }),
  );
  return user;
}

/** Deletes test users wherever they are now (found by sAMAccountName, since moves change the DN). */
export async function deleteTestUsers(dc: SambaDc, users: readonly TestUser[]): Promise<void> {
  await withAdmin(dc, async (client) => {
    for (const user of users) {
      const { searchEntries } = await client.search(dc.baseDn, {
        filter: new EqualityFilter({ attribute: 'sAMAccountName', value: user.sAMAccountName }),
        attributes: ['1.1'],
      });
      for (const entry of searchEntries) await client.del(entry.dn);
    }
  });
}

export async function readAttributes(
  dc: SambaDc,
  dn: string,
  attributes: string[],
): Promise<Record<string, string[]>> {
  return withAdmin(dc, async (client) => {
    const { searchEntries } = await client.search(dn, { scope: 'base', attributes });
    const entry = searchEntries[0];
    if (entry === undefined) throw new Error(`no entry ${dn}`);
    return Object.fromEntries(
      attributes.map((name) => {
        const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
        const raw = key === undefined ? [] : entry[key];
        const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
        return [name, list.map(String)];
      }),
    );
  });
}

export async function adminModify(dc: SambaDc, dn: string, type: string, values: string[]): Promise<void> {
  await withAdmin(dc, (client) =>
    client.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type, values }) })),
  );
}

/** Relevant attributes of every user and group in the domain, to prove that nothing else changed. */
export async function snapshotDirectory(dc: SambaDc): Promise<Map<string, string>> {
  const attributes = [
    'userAccountControl',
    'description',
    'info',
    'msExchHideFromAddressLists',
    'pwdLastSet',
    'memberOf',
    'whenChanged',
  ];
  return withAdmin(dc, async (client) => {
    const { searchEntries } = await client.search(dc.baseDn, {
      filter: '(|(objectClass=user)(objectClass=group))',
      attributes,
      paged: { pageSize: 500 },
    });
    return new Map(searchEntries.map((e) => [e.dn, JSON.stringify(attributes.map((a) => e[a] ?? null))]));
  });
}

/** A connector bound as the least-privileged service account, with its log captured as text lines. */
export function connectorFor(
  dc: SambaDc,
  overrides: Partial<LdapDirectoryOptions> = {},
): { directory: LdapDirectory; logLines: string[] } {
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  const directory = new LdapDirectory({
    url: dc.url,
    bindDn: dc.bindDn,
    bindPassword: dc.bindPassword,
    baseDn: dc.baseDn,
    disabledOuDn: dc.disabledOuDn,
    tlsCa: dc.caPem,
    tlsServerName: dc.tlsServerName,
    timeoutMs: 20_000,
    logger: pino({ level: 'debug' }, sink),
    ...overrides,
  });
  return { directory, logLines };
}

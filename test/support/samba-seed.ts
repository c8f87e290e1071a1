/**
 * Seed content of the Samba test domain: the Exchange attribute msExchHideFromAddressLists, the UPN
 * suffix contoso.com, OUs, the connector's service account, an unprivileged account, groups (one with
 * more members than AD's MaxValRange of 1500) and users, among them the synced leaver grady.archie and
 * users whose names need DN escaping. Everything goes over LDAPS as the domain administrator.
 */
import { Attribute, Change, Client, EqualityFilter } from 'ldapts';

const BASE = 'DC=lifecycle,DC=test';
const SCHEMA = `CN=Schema,CN=Configuration,${BASE}`;

export const SEED = {
  usersOuDn: `OU=Staff,${BASE}`,
  disabledOuDn: `OU=Disabled Users,${BASE}`,
  groupsOuDn: `OU=Groups,${BASE}`,
  serviceOuDn: `OU=Service Accounts,${BASE}`,
  bulkOuDn: `OU=Bulk Contacts,${BASE}`,
  serviceAccountDn: `CN=svc-lifecycle,OU=Service Accounts,${BASE}`,
  unprivilegedDn: `CN=svc-unprivileged,OU=Service Accounts,${BASE}`,
  largeGroupDn: `CN=All Staff,OU=Groups,${BASE}`,
  salesGroupDn: `CN=Sales,OU=Groups,${BASE}`,
  vpnGroupDn: `CN=VPN Users,OU=Groups,${BASE}`,
  /** Members of the large group besides the seeded users; more than AD's MaxValRange (1500). */
  largeGroupContacts: 1600,
  /** Exchange's schemaIDGUID for ms-Exch-Hide-From-Address-Lists. */
  hideFromAddressListsGuid: 'a21c0b96-b093-11d2-aa06-00c04f8eedd8',
} as const;

/** UAC values used by the seed. */
const NORMAL_ACCOUNT = 0x200;
const DONT_EXPIRE_PASSWORD = 0x10000;

export interface UserSpec {
  /** The raw (unescaped) common name. */
  cn: string;
  /** The escaped DN of the new user. */
  dn: string;
  sAMAccountName: string;
  userPrincipalName: string;
  password: string;
  employeeId?: string;
  givenName?: string;
  sn?: string;
  mail?: string;
  description?: string;
  userAccountControl?: number;
  groupDns?: readonly string[];
}

export interface SeedCredentials {
  adminDn: string;
  adminPassword: string;
  bindPassword: string;
  unprivilegedPassword: string;
}

/** Passwords of seeded people: public test data, these accounts have no rights. */
export const SEED_USER_PASSWORD = 'Seed-User-Pa55word!';

export const SEED_USERS: readonly Omit<UserSpec, 'password'>[] = [
  {
    cn: 'Grady Archie',
    dn: `CN=Grady Archie,${SEED.usersOuDn}`,
    sAMAccountName: 'grady.archie',
    userPrincipalName: 'grady.archie@contoso.com',
    employeeId: '100042',
    givenName: 'Grady',
    sn: 'Archie',
    mail: 'grady.archie@contoso.com',
    description: 'Sales representative',
    userAccountControl: NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD,
    groupDns: [SEED.salesGroupDn, SEED.vpnGroupDn, SEED.largeGroupDn],
  },
  {
    cn: "O'Brien, Pat",
    dn: `CN=O'Brien\\, Pat,${SEED.usersOuDn}`,
    sAMAccountName: 'pat.obrien',
    userPrincipalName: 'pat.obrien@contoso.com',
    employeeId: '100043',
    givenName: 'Pat',
    sn: "O'Brien",
    userAccountControl: NORMAL_ACCOUNT,
    groupDns: [SEED.salesGroupDn],
  },
  {
    cn: 'a\\,b',
    // The server's own spelling of the DN (it escapes the backslash as \\).
    dn: `CN=a\\\\\\,b,${SEED.usersOuDn}`,
    sAMAccountName: 'ab.escape',
    userPrincipalName: 'ab.escape@lifecycle.test',
    employeeId: '100044',
    userAccountControl: NORMAL_ACCOUNT,
  },
];

export async function seedDomain(
  clientOptions: ConstructorParameters<typeof Client>[0],
  credentials: SeedCredentials,
): Promise<{ serviceAccountSid: string }> {
  const client = new Client(clientOptions);
  try {
    await client.bind(credentials.adminDn, credentials.adminPassword);
    await extendSchemaWithHideFromAddressLists(client);
    await client.modify(
      `CN=Partitions,CN=Configuration,${BASE}`,
      new Change({
        operation: 'add',
        modification: new Attribute({ type: 'uPNSuffixes', values: ['contoso.com'] }),
      }),
    );
    for (const ou of [SEED.usersOuDn, SEED.disabledOuDn, SEED.groupsOuDn, SEED.serviceOuDn, SEED.bulkOuDn]) {
      await client.add(ou, { objectClass: ['top', 'organizationalUnit'] });
    }
    for (const group of [SEED.salesGroupDn, SEED.vpnGroupDn, SEED.largeGroupDn]) {
      await client.add(group, {
        objectClass: ['top', 'group'],
        sAMAccountName: /^CN=([^,]+)/.exec(group)?.[1]?.replace(/ /g, '-') ?? 'group',
      });
    }
    await createUser(client, {
      cn: 'svc-lifecycle',
      dn: SEED.serviceAccountDn,
      sAMAccountName: 'svc-lifecycle',
      userPrincipalName: 'svc-lifecycle@lifecycle.test',
      password: credentials.bindPassword,
      userAccountControl: NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD,
    });
    await createUser(client, {
      cn: 'svc-unprivileged',
      dn: SEED.unprivilegedDn,
      sAMAccountName: 'svc-unprivileged',
      userPrincipalName: 'svc-unprivileged@lifecycle.test',
      password: credentials.unprivilegedPassword,
      userAccountControl: NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD,
    });
    await addBulkMembers(client, SEED.largeGroupDn, SEED.largeGroupContacts);
    for (const user of SEED_USERS) await createUser(client, { ...user, password: SEED_USER_PASSWORD });
    return { serviceAccountSid: await readSid(client, SEED.serviceAccountDn) };
  } finally {
    await client.unbind();
  }
}

/**
 * Puts the seeded people back as provisioned (enabled, original groups, OU, attributes and password):
 * for tests that offboard grady.archie and friends. Deletes each wherever it is now and recreates it.
 */
export async function resetSeedUsers(client: Client): Promise<void> {
  for (const user of SEED_USERS) {
    const { searchEntries } = await client.search(BASE, {
      filter: new EqualityFilter({ attribute: 'sAMAccountName', value: user.sAMAccountName }),
      attributes: ['1.1'],
    });
    for (const entry of searchEntries) await client.del(entry.dn);
    await createUser(client, { ...user, password: SEED_USER_PASSWORD });
  }
}

/** Creates an enabled user with a password (LDAPS) and adds it to its groups. */
export async function createUser(client: Client, spec: UserSpec): Promise<void> {
  const attributes: Attribute[] = [
    new Attribute({ type: 'objectClass', values: ['top', 'person', 'organizationalPerson', 'user'] }),
    new Attribute({ type: 'cn', values: [spec.cn] }),
    new Attribute({ type: 'sAMAccountName', values: [spec.sAMAccountName] }),
    new Attribute({ type: 'userPrincipalName', values: [spec.userPrincipalName] }),
    new Attribute({ type: 'displayName', values: [spec.cn] }),
    new Attribute({ type: 'unicodePwd', values: [Buffer.from(`"${spec.password}"`, 'utf16le')] }),
    new Attribute({
      type: 'userAccountControl',
      values: [String(spec.userAccountControl ?? NORMAL_ACCOUNT)],
    }),
  ];
  const optional: [string, string | undefined][] = [
    ['employeeID', spec.employeeId],
    ['givenName', spec.givenName],
    ['sn', spec.sn],
    ['mail', spec.mail],
    ['description', spec.description],
  ];
  for (const [type, value] of optional) {
    if (value !== undefined) attributes.push(new Attribute({ type, values: [value] }));
  }
  await client.add(spec.dn, attributes);
  for (const group of spec.groupDns ?? []) {
    await client.modify(
      group,
      new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [spec.dn] }) }),
    );
  }
}

/**
 * Adds ms-Exch-Hide-From-Address-Lists (Boolean, single-valued, Exchange's schemaIDGUID) and allows
 * it on users through the mailRecipient auxiliary class, as the Exchange schema update does. The
 * attributeID comes from Microsoft's documented arc for custom extensions (1.2.840.113556.1.8000.2554),
 * since the test domain doesn't carry the Exchange schema.
 */
async function extendSchemaWithHideFromAddressLists(client: Client): Promise<void> {
  await client.add(`CN=ms-Exch-Hide-From-Address-Lists,${SCHEMA}`, [
    new Attribute({ type: 'objectClass', values: ['top', 'attributeSchema'] }),
    new Attribute({ type: 'cn', values: ['ms-Exch-Hide-From-Address-Lists'] }),
    new Attribute({ type: 'lDAPDisplayName', values: ['msExchHideFromAddressLists'] }),
    new Attribute({
      type: 'attributeID',
      values: ['1.2.840.113556.1.8000.2554.41500.2963.4562.43526.192.20366.60888'],
    }),
    new Attribute({ type: 'attributeSyntax', values: ['2.5.5.8'] }),
    new Attribute({ type: 'oMSyntax', values: ['1'] }),
    new Attribute({ type: 'isSingleValued', values: ['TRUE'] }),
    new Attribute({ type: 'schemaIDGUID', values: [guidToBytes(SEED.hideFromAddressListsGuid)] }),
    new Attribute({ type: 'searchFlags', values: ['0'] }),
  ]);
  await refreshSchema(client);
  await client.modify(
    `CN=Mail-Recipient,${SCHEMA}`,
    new Change({
      operation: 'add',
      modification: new Attribute({ type: 'mayContain', values: ['msExchHideFromAddressLists'] }),
    }),
  );
  await refreshSchema(client);
}

async function refreshSchema(client: Client): Promise<void> {
  await client.modify(
    '',
    new Change({ operation: 'add', modification: new Attribute({ type: 'schemaUpdateNow', values: ['1'] }) }),
  );
}

async function readSid(client: Client, dn: string): Promise<string> {
  const { searchEntries } = await client.search(dn, {
    scope: 'base',
    attributes: ['objectSid'],
    explicitBufferAttributes: ['objectSid'],
  });
  const raw = searchEntries[0]?.['objectSid'];
  if (!Buffer.isBuffer(raw)) throw new Error(`no objectSid on ${dn}`);
  return sidToString(raw);
}

/** Binary SID (MS-DTYP 2.4.2.2) to its S-1-… text form. */
export function sidToString(sid: Buffer): string {
  const revision = sid.readUInt8(0);
  const count = sid.readUInt8(1);
  const authority = sid.readUIntBE(2, 6);
  const parts = [`S-${revision}-${authority}`];
  for (let i = 0; i < count; i++) parts.push(String(sid.readUInt32LE(8 + 4 * i)));
  return parts.join('-');
}

/** Microsoft GUID text to its on-the-wire byte order (first three fields little-endian). */
export function guidToBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  const bytes = Buffer.from(hex, 'hex');
  return Buffer.concat([
    Buffer.from(bytes.subarray(0, 4)).reverse(),
    Buffer.from(bytes.subarray(4, 6)).reverse(),
    Buffer.from(bytes.subarray(6, 8)).reverse(),
    bytes.subarray(8),
  ]);
}

/** Creates `count` contacts in parallel batches and adds them to the group in a few large modifies. */
async function addBulkMembers(client: Client, groupDn: string, count: number): Promise<void> {
  const dns = Array.from(
    { length: count },
    (_, i) => `CN=Contact ${String(i).padStart(4, '0')},${SEED.bulkOuDn}`,
  );
  const batch = 100;
  for (let i = 0; i < dns.length; i += batch) {
    await Promise.all(
      dns
        .slice(i, i + batch)
        .map((dn) => client.add(dn, { objectClass: ['top', 'person', 'organizationalPerson', 'contact'] })),
    );
  }
  for (let i = 0; i < dns.length; i += 500) {
    await client.modify(
      groupDn,
      new Change({
        operation: 'add',
        modification: new Attribute({ type: 'member', values: dns.slice(i, i + 500) }),
      }),
    );
  }
}

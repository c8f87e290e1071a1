/**
 * Generates a larger organisation on top of the named seed: N users with mailboxes, OneDrives, managers,
 * groups, licences, shared mailboxes and cross-mailbox rights. Deterministic for a seed; 10 000 users take
 * well under a few seconds (every write goes through the indexed stores, no O(N²) scans).
 */
import { mulberry32, pick, randomInt, type Random } from '../behaviours/prng.js';
import type { Tenant } from '../state/tenant.js';
import { guidFrom, makeDrive, makeGroup, makeMailbox, makeUser, type GroupSpec } from './builders.js';
import { skuIds } from './skus.js';

export interface GeneratorOptions {
  /** Number of generated people (shared mailboxes come on top). */
  users: number;
  /** PRNG seed; the same seed gives the same organisation. Default 1. */
  seed?: number;
  /** One shared mailbox per this many users. Default 20. */
  usersPerSharedMailbox?: number;
  /** One group per this many users. Default 50. */
  usersPerGroup?: number;
}

export interface GeneratedOrg {
  userIds: string[];
  sharedMailboxIds: string[];
  groupIds: string[];
}

const firstNames = [
  'Ava',
  'Ben',
  'Chloe',
  'Daniel',
  'Elena',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'Jonas',
  'Kira',
  'Liam',
  'Maya',
  'Noah',
  'Olga',
  'Pablo',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
  'Umar',
  'Vera',
  'Wen',
  'Xavier',
  'Yara',
  'Zoe',
];
const lastNames = [
  'Anders',
  'Brook',
  'Castillo',
  'Dietrich',
  'Eklund',
  'Fischer',
  'Garcia',
  'Horvat',
  'Ito',
  'Jensen',
  'Kowalski',
  'Larsen',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Quispe',
  'Rossi',
  'Silva',
  'Tanaka',
  'Ueda',
  'Varga',
  'Weber',
  'Xu',
  'Yilmaz',
  'Zhang',
];
const departments = ['Sales', 'Finance', 'Engineering', 'HR', 'Operations', 'Marketing', 'Legal', 'Support'];
const calendarNames: readonly (readonly [string, string, string])[] = [
  ['Calendar', 'en-US', 'W. Europe Standard Time'],
  ['Calendar', 'en-GB', 'GMT Standard Time'],
  ['Kalender', 'de-DE', 'W. Europe Standard Time'],
  ['Calendrier', 'fr-FR', 'Romance Standard Time'],
  ['Calendario', 'es-ES', 'Romance Standard Time'],
];

export function generateOrg(tenant: Tenant, options: GeneratorOptions): GeneratedOrg {
  if (!Number.isInteger(options.users) || options.users < 0)
    throw new Error('users must be a non-negative integer');
  const seed = options.seed ?? 1;
  const random = mulberry32(seed);
  const info = tenant.info;
  const n = options.users;
  const userIds: string[] = [];
  const managers: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const id = guidFrom(`generated-user:${seed}:${i}`);
    const first = pick(random, firstNames);
    const last = pick(random, lastNames);
    const isManager = i < Math.max(1, Math.ceil(n / 25));
    const managerId =
      i === 0
        ? null
        : isManager
          ? (managers[Math.floor(random() * Math.min(managers.length, 5))] ?? null)
          : (managers[Math.floor(random() * managers.length)] ?? null);
    const [folder, locale, tz] = pick(random, calendarNames);
    const hasLicence = random() < 0.9;
    const user = makeUser(info, {
      id,
      alias: `${first.toLowerCase()}.${last.toLowerCase()}.${i}`,
      displayName: `${first} ${last}`,
      jobTitle: isManager ? 'Manager' : 'Specialist',
      department: pick(random, departments),
      managerId,
      employeeId: `G${seed}-${i}`,
      employeeType: random() < 0.85 ? 'Employee' : 'Contractor',
      preferredLanguage: locale,
      licences: hasLicence ? [{ skuId: skuIds.SPE_E3, disabledPlans: [] }] : [],
    });
    tenant.directory.addUser(user);
    tenant.exchange.addMailbox(
      makeMailbox(info, user, {
        calendarFolderName: folder,
        timeZone: tz,
        locale: { locale, displayName: locale },
      }),
    );
    const drive = makeDrive(info, user);
    tenant.sharing.addDrive(drive);
    tenant.sharing.setSiteAdmin(drive.siteUrl, id, true, true);
    tenant.exchange.setFolderPermission(id, { kind: 'default' }, ['AvailabilityOnly'], []);
    userIds.push(id);
    if (isManager) managers.push(id);
  }
  growSku(tenant, skuIds.SPE_E3, n);
  const sharedMailboxIds = addSharedMailboxes(
    tenant,
    random,
    seed,
    userIds,
    options.usersPerSharedMailbox ?? 20,
  );
  addUserMailboxRights(tenant, random, userIds);
  const groupIds = addGroups(tenant, random, seed, userIds, options.usersPerGroup ?? 50);
  return { userIds, sharedMailboxIds, groupIds };
}

function growSku(tenant: Tenant, skuId: string, extra: number): void {
  const sku = tenant.getSku(skuId);
  if (sku)
    tenant.addSku({
      ...sku,
      prepaidUnits: { ...sku.prepaidUnits, enabled: sku.prepaidUnits.enabled + extra },
    });
}

function addSharedMailboxes(
  tenant: Tenant,
  random: Random,
  seed: number,
  userIds: string[],
  per: number,
): string[] {
  const ids: string[] = [];
  if (userIds.length === 0) return ids;
  const count = Math.floor(userIds.length / per);
  for (let i = 0; i < count; i += 1) {
    const id = guidFrom(`generated-shared:${seed}:${i}`);
    const user = makeUser(tenant.info, {
      id,
      alias: `shared-${i}`,
      displayName: `Shared mailbox ${i}`,
      givenName: null,
      surname: null,
      accountEnabled: false,
    });
    tenant.directory.addUser(user);
    tenant.exchange.addMailbox(makeMailbox(tenant.info, user, { type: 'SharedMailbox' }));
    tenant.exchange.setFolderPermission(id, { kind: 'default' }, ['AvailabilityOnly'], []);
    for (let k = 0; k < 3; k += 1) tenant.exchange.grantRight('FullAccess', id, pick(random, userIds));
    tenant.exchange.grantRight('SendAs', id, pick(random, userIds));
    tenant.exchange.grantRight('SendOnBehalf', id, pick(random, userIds));
    tenant.exchange.setFolderPermission(
      id,
      { kind: 'recipient', recipientId: pick(random, userIds) },
      ['Editor'],
      ['Delegate'],
    );
    ids.push(id);
  }
  return ids;
}

function addUserMailboxRights(tenant: Tenant, random: Random, userIds: string[]): void {
  for (const owner of userIds) {
    const roll = random();
    const trustee = pick(random, userIds);
    if (trustee === owner) continue;
    if (roll < 0.05) tenant.exchange.grantRight('FullAccess', owner, trustee);
    else if (roll < 0.08) tenant.exchange.grantRight('SendOnBehalf', owner, trustee);
    else if (roll < 0.13)
      tenant.exchange.setFolderPermission(
        owner,
        { kind: 'recipient', recipientId: trustee },
        ['Editor'],
        ['Delegate'],
      );
    else if (roll < 0.2)
      tenant.exchange.setFolderPermission(
        owner,
        { kind: 'recipient', recipientId: trustee },
        ['Reviewer'],
        [],
      );
  }
}

function addGroups(tenant: Tenant, random: Random, seed: number, userIds: string[], per: number): string[] {
  const ids: string[] = [];
  const kinds: GroupSpec['kind'][] = [
    'security',
    'team',
    'microsoft365',
    'dynamic',
    'synced',
    'distribution',
    'mail-enabled-security',
  ];
  const count = Math.floor(userIds.length / per);
  for (let i = 0; i < count; i += 1) {
    const id = guidFrom(`generated-group:${seed}:${i}`);
    tenant.directory.addGroup(
      makeGroup(tenant.info, {
        id,
        displayName: `Generated group ${i}`,
        kind: kinds[i % kinds.length] ?? 'security',
        mailNickname: `gen-group-${i}`,
      }),
    );
    ids.push(id);
  }
  if (ids.length === 0) return ids;
  for (const userId of userIds) {
    const memberships = randomInt(random, 1, 3);
    for (let k = 0; k < memberships; k += 1) tenant.directory.addMember(pick(random, ids), userId);
  }
  return ids;
}

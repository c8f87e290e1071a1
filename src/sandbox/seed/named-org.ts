/**
 * The named seed organisation: fixed ids for the hard cases the product must handle. docs/sandbox.md lists
 * every user; tests and other components rely on these ids and UPNs, so change them only with the doc.
 */
import type { Tenant } from '../state/tenant.js';
import {
  makeDrive,
  makeGroup,
  makeMailbox,
  makeUser,
  type GroupSpec,
  type MailboxSpec,
  type UserSpec,
} from './builders.js';
import { skuIds } from './skus.js';

const u = (n: number): string => `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const g = (n: number): string => `20000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Ids of the seeded people and groups, by role. */
export const seeded = {
  users: {
    adeleVance: u(1),
    meganBowen: u(2),
    gradyArchie: u(3),
    leeGu: u(4),
    nestorWilke: u(5),
    lynneRobbins: u(6),
    pradeepGupta: u(7),
    saraDavis: u(8),
    alexJohnsonSales: u(9),
    alexJohnsonFinance: u(10),
    pattiFernandez: u(11),
    breakGlass: u(12),
    isaiahLanger: u(13),
    miriamGraham: u(14),
    joniSherman: u(15),
    irvinSayers: u(16),
    johannaLorenz: u(17),
    diegoSiciliani: u(18),
    isabelleDubois: u(19),
    christieCline: u(20),
    rayKim: u(21),
    sofiaRossi: u(22),
    tomasNovak: u(23),
    lifecycleBot: u(24),
    support: u(30),
    billing: u(31),
    finance: u(32),
  },
  groups: {
    salesTeam: g(1),
    retailSecurity: g(2),
    allSalesDynamic: g(3),
    salesSynced: g(4),
    salesDistribution: g(5),
    licensingEms: g(6),
    engineeringSynced: g(7),
    lifecycleProtected: g(8),
    lifecycleRequesters: g(9),
    lifecycleApprovers: g(10),
    financeMailSecurity: g(11),
  },
  teamsApp: {
    catalogId: '55555555-5555-4555-8555-555555555555',
    manifestId: '44444444-4444-4444-8444-444444444444',
  },
} as const;

const U = seeded.users;
const G = seeded.groups;
const e3 = { skuId: skuIds.SPE_E3, disabledPlans: [] };
const leaveDate = '2026-12-31T17:00:00Z';

type Person = UserSpec & { mailbox?: MailboxSpec | false; drive?: boolean };

const people: Person[] = [
  {
    id: U.adeleVance,
    alias: 'adele.vance',
    displayName: 'Adele Vance',
    jobTitle: 'Retail Manager',
    department: 'Sales',
    officeLocation: '18/2111',
    managerId: U.meganBowen,
    employeeId: 'E1001',
    employeeType: 'Employee',
    employeeLeaveDateTime: leaveDate,
    licences: [e3, { skuId: skuIds.POWER_BI_PRO, disabledPlans: [] }],
  },
  {
    id: U.meganBowen,
    alias: 'megan.bowen',
    displayName: 'Megan Bowen',
    jobTitle: 'Marketing Manager',
    department: 'Sales',
    managerId: U.saraDavis,
    employeeId: 'E1002',
    licences: [e3],
  },
  {
    id: U.gradyArchie,
    alias: 'grady.archie',
    displayName: 'Grady Archie',
    jobTitle: 'Designer',
    department: 'Engineering',
    managerId: U.leeGu,
    employeeId: 'E1003',
    licences: [e3],
    synced: { samAccountName: 'grady.archie', ou: 'OU=Staff' },
  },
  {
    id: U.leeGu,
    alias: 'lee.gu',
    displayName: 'Lee Gu',
    jobTitle: 'Director of Engineering',
    department: 'Engineering',
    managerId: U.saraDavis,
    employeeId: 'E1004',
    licences: [e3],
    synced: { samAccountName: 'lee.gu', ou: 'OU=Staff' },
  },
  {
    id: U.nestorWilke,
    alias: 'nestor.wilke',
    displayName: 'Nestor Wilke',
    jobTitle: 'Operations Lead',
    department: 'Operations',
    employeeId: 'E1005',
    licences: [e3],
  },
  {
    id: U.lynneRobbins,
    alias: 'lynne.robbins',
    displayName: 'Lynne Robbins',
    jobTitle: 'Finance Manager',
    department: 'Finance',
    managerId: U.saraDavis,
    employeeId: 'E1006',
    employeeLeaveDateTime: leaveDate,
    licences: [e3],
  },
  {
    id: U.pradeepGupta,
    alias: 'pradeep.gupta',
    displayName: 'Pradeep Gupta',
    jobTitle: 'Accountant',
    department: 'Finance',
    managerId: U.lynneRobbins,
    employeeId: 'E1007',
    employeeLeaveDateTime: leaveDate,
    licences: [e3],
  },
  {
    id: U.saraDavis,
    alias: 'sara.davis',
    displayName: 'Sara Davis',
    jobTitle: 'Finance VP',
    department: 'Finance',
    employeeId: 'E1008',
    licences: [e3],
  },
  {
    id: U.alexJohnsonSales,
    alias: 'alex.johnson',
    displayName: 'Alex Johnson',
    jobTitle: 'Account Executive',
    department: 'Sales',
    managerId: U.meganBowen,
    employeeId: 'E1009',
    licences: [e3],
  },
  {
    id: U.alexJohnsonFinance,
    alias: 'alex.j.johnson',
    displayName: 'Alex Johnson',
    jobTitle: 'Controller',
    department: 'Finance',
    managerId: U.saraDavis,
    employeeId: 'E1010',
    licences: [e3],
  },
  {
    id: U.pattiFernandez,
    alias: 'patti.fernandez',
    displayName: 'Patti Fernandez',
    jobTitle: 'IT Director',
    department: 'IT',
    managerId: U.saraDavis,
    employeeId: 'E1011',
    directoryRoles: ['Global Administrator'],
    licences: [e3],
  },
  {
    id: U.breakGlass,
    alias: 'breakglass.admin',
    displayName: 'Break Glass Admin',
    givenName: null,
    surname: null,
    department: 'IT',
    directoryRoles: ['Global Administrator'],
    mailbox: false,
    drive: false,
  },
  {
    id: U.isaiahLanger,
    alias: 'isaiah.langer',
    displayName: 'Isaiah Langer',
    jobTitle: 'IT Operator',
    department: 'IT',
    managerId: U.pattiFernandez,
    employeeId: 'E1013',
    licences: [e3],
  },
  {
    id: U.miriamGraham,
    alias: 'miriam.graham',
    displayName: 'Miriam Graham',
    jobTitle: 'IT Operator',
    department: 'IT',
    managerId: U.pattiFernandez,
    employeeId: 'E1014',
    licences: [e3],
  },
  {
    id: U.joniSherman,
    alias: 'joni.sherman',
    displayName: 'Joni Sherman',
    jobTitle: 'IT Manager',
    department: 'IT',
    managerId: U.pattiFernandez,
    employeeId: 'E1015',
    licences: [e3],
  },
  {
    id: U.irvinSayers,
    alias: 'irvin.sayers',
    displayName: 'Irvin Sayers',
    jobTitle: 'Security Manager',
    department: 'IT',
    managerId: U.pattiFernandez,
    employeeId: 'E1016',
    licences: [e3],
  },
  {
    id: U.johannaLorenz,
    alias: 'johanna.lorenz',
    displayName: 'Johanna Lorenz',
    jobTitle: 'Sales Director DACH',
    department: 'Sales',
    managerId: U.meganBowen,
    usageLocation: 'DE',
    preferredLanguage: 'de-DE',
    employeeId: 'E1017',
    licences: [e3],
    mailbox: {
      calendarFolderName: 'Kalender',
      timeZone: 'W. Europe Standard Time',
      locale: { locale: 'de-DE', displayName: 'Deutsch (Deutschland)' },
    },
  },
  {
    id: U.diegoSiciliani,
    alias: 'diego.siciliani',
    displayName: 'Diego Siciliani',
    jobTitle: 'HR Manager',
    department: 'HR',
    managerId: U.saraDavis,
    employeeId: 'E1018',
    licences: [e3],
  },
  {
    id: U.isabelleDubois,
    alias: 'isabelle.dubois',
    displayName: 'Isabelle Dubois',
    jobTitle: 'Sales Manager France',
    department: 'Sales',
    managerId: U.meganBowen,
    usageLocation: 'FR',
    preferredLanguage: 'fr-FR',
    employeeId: 'E1019',
    licences: [e3],
    mailbox: {
      calendarFolderName: 'Calendrier',
      timeZone: 'Romance Standard Time',
      locale: { locale: 'fr-FR', displayName: 'français (France)' },
    },
  },
  {
    id: U.christieCline,
    alias: 'christie.cline',
    displayName: 'Christie Cline',
    jobTitle: 'Buyer',
    department: 'Retail',
    accountEnabled: false,
    employeeId: 'E0999',
    employeeType: 'Employee',
    mailbox: false,
    drive: false,
  },
  {
    id: U.rayKim,
    alias: 'ray.kim',
    displayName: 'Ray Kim',
    jobTitle: 'Sales Associate',
    department: 'Sales',
    employeeType: 'Employee',
    extensionAttribute1: 'E3',
    employeeId: 'E2001',
    managerId: U.meganBowen,
    mailbox: false,
    drive: false,
  },
  {
    id: U.sofiaRossi,
    alias: 'sofia.rossi',
    displayName: 'Sofia Rossi',
    jobTitle: 'Contractor',
    department: 'Operations',
    employeeType: 'Contractor',
    extensionAttribute1: 'EXO',
    employeeId: 'E2002',
    usageLocation: null,
    managerId: U.nestorWilke,
    mailbox: false,
    drive: false,
  },
  {
    id: U.tomasNovak,
    alias: 'tomas.novak',
    displayName: 'Tomas Novak',
    jobTitle: 'Analyst',
    department: 'Finance',
    employeeType: 'Employee',
    extensionAttribute1: 'E3',
    employeeId: 'E2003',
    usageLocation: null,
    managerId: U.saraDavis,
    mailbox: false,
    drive: false,
  },
  {
    id: U.lifecycleBot,
    alias: 'lifecycle-bot',
    displayName: 'Lifecycle Bot',
    givenName: null,
    surname: null,
    department: 'IT',
    licences: [{ skuId: skuIds.EXCHANGESTANDARD, disabledPlans: [] }],
    drive: false,
  },
  {
    id: U.support,
    alias: 'support',
    displayName: 'Support',
    givenName: null,
    surname: null,
    accountEnabled: false,
    mailbox: { type: 'SharedMailbox' },
    drive: false,
  },
  {
    id: U.billing,
    alias: 'billing',
    displayName: 'Billing',
    givenName: null,
    surname: null,
    accountEnabled: false,
    mailbox: { type: 'SharedMailbox' },
    drive: false,
  },
  {
    id: U.finance,
    alias: 'finance',
    displayName: 'Finance',
    givenName: null,
    surname: null,
    accountEnabled: false,
    mailbox: { type: 'SharedMailbox', calendarFolderName: 'Calendar' },
    drive: false,
  },
];

const groups: (GroupSpec & { members: string[] })[] = [
  {
    id: G.salesTeam,
    displayName: 'Sales Team',
    kind: 'team',
    mailNickname: 'salesteam',
    members: [U.adeleVance, U.meganBowen, U.alexJohnsonSales, U.johannaLorenz, U.isabelleDubois],
  },
  {
    id: G.retailSecurity,
    displayName: 'Retail Security',
    kind: 'security',
    mailNickname: 'retailsecurity',
    members: [U.adeleVance, U.christieCline],
  },
  {
    id: G.allSalesDynamic,
    displayName: 'All Sales (dynamic)',
    kind: 'dynamic',
    mailNickname: 'allsales',
    members: [U.adeleVance, U.meganBowen, U.alexJohnsonSales, U.johannaLorenz, U.isabelleDubois, U.rayKim],
  },
  {
    id: G.salesSynced,
    displayName: 'GS-Sales',
    kind: 'synced',
    mailNickname: 'gs-sales',
    members: [U.adeleVance],
  },
  {
    id: G.salesDistribution,
    displayName: 'Sales DL',
    kind: 'distribution',
    mailNickname: 'sales-dl',
    members: [U.adeleVance, U.meganBowen],
  },
  {
    id: G.licensingEms,
    displayName: 'Licensing - EMS E5',
    kind: 'security',
    mailNickname: 'licensing-ems',
    licences: [{ skuId: skuIds.EMSPREMIUM, disabledPlans: [] }],
    members: [U.adeleVance, U.meganBowen],
  },
  {
    id: G.engineeringSynced,
    displayName: 'GS-Engineering',
    kind: 'synced',
    mailNickname: 'gs-engineering',
    members: [U.gradyArchie, U.leeGu],
  },
  {
    id: G.lifecycleProtected,
    displayName: 'Lifecycle Protected',
    kind: 'security',
    mailNickname: 'lifecycle-protected',
    members: [U.pattiFernandez, U.breakGlass],
  },
  {
    id: G.lifecycleRequesters,
    displayName: 'Lifecycle Requesters',
    kind: 'security',
    mailNickname: 'lifecycle-requesters',
    members: [U.isaiahLanger, U.miriamGraham],
  },
  {
    id: G.lifecycleApprovers,
    displayName: 'Lifecycle Approvers',
    kind: 'security',
    mailNickname: 'lifecycle-approvers',
    members: [U.joniSherman, U.irvinSayers],
  },
  {
    id: G.financeMailSecurity,
    displayName: 'Finance Mail Security',
    kind: 'mail-enabled-security',
    mailNickname: 'finance-sec',
    members: [U.lynneRobbins, U.pradeepGupta, U.alexJohnsonFinance],
  },
];

export function seedNamedOrg(tenant: Tenant): void {
  const info = tenant.info;
  for (const p of people) {
    const user = makeUser(info, p);
    tenant.directory.addUser(user);
    if (p.mailbox !== false) tenant.exchange.addMailbox(makeMailbox(info, user, p.mailbox ?? {}));
    if (p.drive !== false && p.mailbox !== false) tenant.sharing.addDrive(makeDrive(info, user));
  }
  for (const spec of groups) {
    tenant.directory.addGroup(makeGroup(info, spec));
    for (const m of spec.members) tenant.directory.addMember(spec.id, m);
  }
  for (const d of [...tenant.sharing.drives()])
    tenant.sharing.setSiteAdmin(d.siteUrl, d.ownerUserId, true, true);
  seedMailboxRights(tenant);
  tenant.teams.addCatalogApp({
    id: seeded.teamsApp.catalogId,
    externalId: seeded.teamsApp.manifestId,
    displayName: 'Lifecycle',
    distributionMethod: 'organization',
    version: '1.0.0',
  });
}

function seedMailboxRights(tenant: Tenant): void {
  const x = tenant.exchange;
  for (const m of [...x.mailboxes()])
    x.setFolderPermission(m.userId, { kind: 'default' }, ['AvailabilityOnly'], []);
  // Adele (cloud-only leaver): FullAccess on two user mailboxes and two shared mailboxes, SendAs on one,
  // SendOnBehalf on one, Editor delegate on Johanna's localized 'Kalender'.
  for (const mbx of [U.meganBowen, U.diegoSiciliani, U.support, U.billing])
    x.grantRight('FullAccess', mbx, U.adeleVance);
  x.grantRight('SendAs', U.support, U.adeleVance);
  x.grantRight('SendOnBehalf', U.meganBowen, U.adeleVance);
  x.setFolderPermission(
    U.johannaLorenz,
    { kind: 'recipient', recipientId: U.adeleVance },
    ['Editor'],
    ['Delegate'],
  );
  x.setFolderPermission(U.isabelleDubois, { kind: 'recipient', recipientId: U.adeleVance }, ['Reviewer'], []);
  // Shared mailboxes with the other kinds of rights.
  for (const t of [U.diegoSiciliani, U.isaiahLanger]) x.grantRight('FullAccess', U.support, t);
  x.grantRight('SendOnBehalf', U.support, U.nestorWilke);
  x.setFolderPermission(U.support, { kind: 'recipient', recipientId: U.meganBowen }, ['Reviewer'], []);
  x.grantRight('FullAccess', U.billing, U.meganBowen);
  x.grantRight('SendAs', U.billing, U.meganBowen);
  for (const t of [U.saraDavis, U.lynneRobbins, G.financeMailSecurity])
    x.grantRight('FullAccess', U.finance, t);
  x.grantRight('SendAs', U.finance, U.lynneRobbins);
  x.grantRight('SendOnBehalf', U.finance, U.gradyArchie);
  x.setFolderPermission(
    U.finance,
    { kind: 'recipient', recipientId: U.pradeepGupta },
    ['Editor'],
    ['Delegate'],
  );
  // Grady (synced leaver) and Pradeep (leaver whose manager also leaves) hold rights too.
  x.grantRight('FullAccess', U.leeGu, U.gradyArchie);
  x.grantRight('FullAccess', U.saraDavis, U.pradeepGupta);
  x.grantRight('SendOnBehalf', U.saraDavis, U.lynneRobbins);
}

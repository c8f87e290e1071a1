/** Record builders shared by the named organisation and the generator (defaults for every field). */
import { createHash } from 'node:crypto';
import type {
  AssignedLicense,
  GroupRecord,
  OnPremisesExtensionAttributes,
  UserRecord,
} from '../state/directory-types.js';
import type { DriveRecord, MailboxRecord, RecipientTypeDetails } from '../state/exchange-types.js';
import type { TenantInfo } from '../state/tenant-data.js';

/** Fixed creation time of seeded objects, so snapshots of two runs are identical. */
export const seedTime = '2024-01-15T09:00:00Z';

export function emptyExtensionAttributes(): OnPremisesExtensionAttributes {
  const out: Partial<OnPremisesExtensionAttributes> = {};
  for (let i = 1; i <= 15; i += 1)
    out[`extensionAttribute${i}` as keyof OnPremisesExtensionAttributes] = null;
  return out as OnPremisesExtensionAttributes;
}

export interface UserSpec {
  id: string;
  /** Local part of the UPN (and mail). */
  alias: string;
  displayName: string;
  givenName?: string | null;
  surname?: string | null;
  accountEnabled?: boolean;
  jobTitle?: string | null;
  department?: string | null;
  officeLocation?: string | null;
  usageLocation?: string | null;
  preferredLanguage?: string | null;
  employeeId?: string | null;
  employeeType?: string | null;
  employeeLeaveDateTime?: string | null;
  managerId?: string | null;
  licences?: AssignedLicense[];
  directoryRoles?: string[];
  hasMail?: boolean;
  extensionAttribute1?: string | null;
  phone?: string;
  city?: string;
  postalCode?: string;
  /** AD-synced: sAMAccountName and the OU part of the DN under DC=lifecycle,DC=test. */
  synced?: { samAccountName: string; ou: string };
}

export function makeUser(info: TenantInfo, s: UserSpec): UserRecord {
  const upn = `${s.alias}@${info.domain}`;
  const hasMail = s.hasMail ?? true;
  const ext = emptyExtensionAttributes();
  ext.extensionAttribute1 = s.extensionAttribute1 ?? null;
  const [first, ...rest] = s.displayName.split(' ');
  return {
    id: s.id,
    userPrincipalName: upn,
    displayName: s.displayName,
    givenName: s.givenName === undefined ? (first ?? null) : s.givenName,
    surname: s.surname === undefined ? rest.join(' ') || null : s.surname,
    mail: hasMail ? upn : null,
    mailNickname: s.alias,
    proxyAddresses: hasMail ? [`SMTP:${upn}`, `smtp:${s.alias}@${info.initialDomain}`] : [],
    accountEnabled: s.accountEnabled ?? true,
    userType: 'Member',
    jobTitle: s.jobTitle ?? null,
    department: s.department ?? null,
    companyName: 'Contoso',
    officeLocation: s.officeLocation ?? null,
    city: s.city ?? null,
    country: null,
    postalCode: s.postalCode ?? null,
    businessPhones: s.phone ? [s.phone] : [],
    mobilePhone: s.phone ?? null,
    preferredLanguage: s.preferredLanguage ?? 'en-US',
    usageLocation: s.usageLocation === undefined ? 'US' : s.usageLocation,
    employeeId: s.employeeId ?? null,
    employeeType: s.employeeType ?? null,
    employeeHireDate: null,
    employeeLeaveDateTime: s.employeeLeaveDateTime ?? null,
    onPremisesSyncEnabled: s.synced ? true : null,
    onPremisesSamAccountName: s.synced?.samAccountName ?? null,
    onPremisesDistinguishedName: s.synced ? `CN=${s.displayName},${s.synced.ou},DC=lifecycle,DC=test` : null,
    onPremisesImmutableId: s.synced ? createHash('md5').update(s.id).digest('base64') : null,
    onPremisesDomainName: s.synced ? 'lifecycle.test' : null,
    onPremisesExtensionAttributes: ext,
    managerId: s.managerId ?? null,
    assignedLicenses: s.licences ?? [],
    createdDateTime: seedTime,
    signInSessionsValidFromDateTime: seedTime,
    lastPasswordChangeDateTime: seedTime,
    forceChangePasswordNextSignIn: false,
    directoryRoles: s.directoryRoles ?? [],
  };
}

export interface MailboxSpec {
  type?: RecipientTypeDetails;
  calendarFolderName?: string;
  timeZone?: string;
  locale?: { locale: string; displayName: string };
  litigationHold?: boolean;
  sizeBytes?: number;
}

export function makeMailbox(info: TenantInfo, user: UserRecord, spec: MailboxSpec = {}): MailboxRecord {
  const alias = user.mailNickname;
  const primary = user.mail ?? user.userPrincipalName;
  return {
    userId: user.id,
    exchangeGuid: guidFrom(`exchange:${user.id}`),
    name: alias,
    alias,
    displayName: user.displayName,
    primarySmtpAddress: primary,
    emailAddresses: user.proxyAddresses.length > 0 ? [...user.proxyAddresses] : [`SMTP:${primary}`],
    distinguishedName: `CN=${alias},OU=${info.initialDomain},OU=Microsoft Exchange Hosted Organizations,DC=EURPR05A001,DC=PROD,DC=OUTLOOK,DC=COM`,
    recipientTypeDetails: spec.type ?? 'UserMailbox',
    isDirSynced: user.onPremisesSyncEnabled === true,
    litigationHold: {
      enabled: spec.litigationHold ?? false,
      duration: spec.litigationHold ? 'Unlimited' : null,
      owner: null,
      date: spec.litigationHold ? seedTime : null,
    },
    hiddenFromAddressListsEnabled: false,
    forwardingAddress: null,
    forwardingSmtpAddress: null,
    deliverToMailboxAndForward: false,
    calendarFolderName: spec.calendarFolderName ?? 'Calendar',
    automaticReplies: {
      status: 'disabled',
      externalAudience: 'all',
      internalReplyMessage: '',
      externalReplyMessage: '',
      scheduledStartDateTime: { dateTime: '2024-01-15T09:00:00.0000000', timeZone: 'UTC' },
      scheduledEndDateTime: { dateTime: '2024-01-16T09:00:00.0000000', timeZone: 'UTC' },
    },
    timeZone: spec.timeZone ?? 'Pacific Standard Time',
    language: spec.locale ?? { locale: 'en-US', displayName: 'English (United States)' },
    totalItemSizeBytes: spec.sizeBytes ?? 2_147_483_648,
    archiveStatus: 'None',
    whenCreated: seedTime,
    whenSoftDeleted: null,
  };
}

export function makeDrive(info: TenantInfo, user: UserRecord): DriveRecord {
  const slug = user.userPrincipalName.toLowerCase().replace(/[.@]/g, '_');
  const siteUrl = `https://${info.sharePointTenantName}-my.sharepoint.com/personal/${slug}`;
  const total = 1_099_511_627_776;
  const used = 5_368_709_120;
  return {
    id: `b!${createHash('sha256').update(`drive:${user.id}`).digest('base64url').slice(0, 64)}`,
    ownerUserId: user.id,
    siteUrl,
    webUrl: `${siteUrl}/Documents`,
    createdDateTime: seedTime,
    quota: { total, used, deleted: 0, remaining: total - used, state: 'normal' },
  };
}

export interface GroupSpec {
  id: string;
  displayName: string;
  kind:
    'security' | 'microsoft365' | 'team' | 'dynamic' | 'synced' | 'distribution' | 'mail-enabled-security';
  mailNickname: string;
  licences?: AssignedLicense[];
  membershipRule?: string;
}

export function makeGroup(info: TenantInfo, s: GroupSpec): GroupRecord {
  const isUnified = s.kind === 'microsoft365' || s.kind === 'team';
  const isMail = isUnified || s.kind === 'distribution' || s.kind === 'mail-enabled-security';
  return {
    id: s.id,
    displayName: s.displayName,
    description: null,
    mail: isMail ? `${s.mailNickname}@${info.domain}` : null,
    mailNickname: s.mailNickname,
    mailEnabled: isMail,
    securityEnabled: s.kind !== 'distribution' && !isUnified,
    groupTypes: isUnified ? ['Unified'] : s.kind === 'dynamic' ? ['DynamicMembership'] : [],
    membershipRule: s.kind === 'dynamic' ? (s.membershipRule ?? '(user.department -eq "Sales")') : null,
    membershipRuleProcessingState: s.kind === 'dynamic' ? 'On' : null,
    onPremisesSyncEnabled: s.kind === 'synced' ? true : null,
    resourceProvisioningOptions: s.kind === 'team' ? ['Team'] : [],
    isAssignableToRole: false,
    visibility: isUnified ? 'Private' : null,
    assignedLicenses: s.licences ?? [],
    createdDateTime: seedTime,
  };
}

/** A GUID derived from a label (for ids that must be stable but need not be memorable). */
export function guidFrom(label: string): string {
  const h = createHash('sha256').update(label).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

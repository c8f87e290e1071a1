/**
 * The whole mutable state of the simulated tenant as plain data (Maps of records). It is what a snapshot
 * clones (structuredClone) and what a restore puts back; indexes live in the stores and are rebuilt from it.
 */
import type {
  AppRegistration,
  DeletedUserRecord,
  GroupRecord,
  MembershipRecord,
  SkuRecord,
  UserRecord,
} from './directory-types.js';
import type {
  DrivePermissionRecord,
  DriveRecord,
  FolderPermissionRecord,
  MailboxRecord,
  MailboxRight,
  SiteAdminRecord,
} from './exchange-types.js';
import type {
  AuthMethodRecord,
  CalendarEventRecord,
  CasSettingsRecord,
  DirectoryAppRecord,
  MobileDeviceRecord,
  EntraDeviceRecord,
  ManagedDeviceRecord,
  MeetingCancellationRecord,
  OwnerRecord,
} from './checklist-types.js';
import type { CatalogAppRecord, InstalledAppRecord, SentMailRecord } from './teams-types.js';

export interface TenantInfo {
  tenantId: string;
  /** Default verified domain, e.g. contoso.com. */
  domain: string;
  /** Initial domain, e.g. contoso.onmicrosoft.com. */
  initialDomain: string;
  /** SharePoint tenant name: contoso → contoso-admin.sharepoint.com, contoso-my.sharepoint.com. */
  sharePointTenantName: string;
  displayName: string;
  /**
   * Whether Graph accepts `accountEnabled` writes for AD-synced users ('accept', what Microsoft's runbook
   * relies on) or refuses them as on-premises mastered ('reject', seen in some tenants).
   */
  syncedAccountEnabledWrites: 'accept' | 'reject';
  /**
   * Days a deleted user's OneDrive is kept before deletion (SharePoint OrphanedPersonalSitesRetentionPeriod,
   * 30–3650). Absent: 30, Microsoft's default.
   */
  deletedUserPersonalSiteRetentionPeriodInDays?: number;
}

export interface TenantData {
  info: TenantInfo;
  users: Map<string, UserRecord>;
  deletedUsers: Map<string, DeletedUserRecord>;
  groups: Map<string, GroupRecord>;
  /** Key `${groupId}|${memberId}`. */
  memberships: Map<string, MembershipRecord>;
  skus: Map<string, SkuRecord>;
  apps: Map<string, AppRegistration>;
  /** Key: the mailbox's user id. */
  mailboxes: Map<string, MailboxRecord>;
  /** Key `${kind}|${mailboxId}|${trusteeId}`. */
  mailboxRights: Map<string, MailboxRight>;
  /** Key `${mailboxId}|${folder}|${trusteeKey}`. */
  folderPermissions: Map<string, FolderPermissionRecord>;
  drives: Map<string, DriveRecord>;
  /** Key: permission id. */
  drivePermissions: Map<string, DrivePermissionRecord>;
  /** Key `${siteUrl lower-case}|${userId}`. */
  siteAdmins: Map<string, SiteAdminRecord>;
  catalogApps: Map<string, CatalogAppRecord>;
  /** Key `${userId}|${teamsAppId}`. */
  installedApps: Map<string, InstalledAppRecord>;
  sentMail: SentMailRecord[];
  /** Key `${userId}|${methodId}`. */
  authMethods: Map<string, AuthMethodRecord>;
  /** Key `${objectId}|${ownerId}`: owners of groups, applications and service principals. */
  owners: Map<string, OwnerRecord>;
  /** Applications and service principals (directory objects), by object id. */
  directoryApps: Map<string, DirectoryAppRecord>;
  /** Intune managed devices, by id. */
  managedDevices: Map<string, ManagedDeviceRecord>;
  /** Entra ID device objects, by object id. */
  entraDevices: Map<string, EntraDeviceRecord>;
  /** Exchange ActiveSync partnerships, by guid. */
  mobileDevices: Map<string, MobileDeviceRecord>;
  /** Client access protocols, by the mailbox's user id (absent: all on). */
  casSettings: Map<string, CasSettingsRecord>;
  /** Meetings, by event id (the series id for a recurring meeting). */
  calendarEvents: Map<string, CalendarEventRecord>;
  /** Cancellations sent to attendees, by event id. */
  meetingCancellations: Map<string, MeetingCancellationRecord>;
  /** Seed and counter of deterministic ids for objects created at run time. */
  idSeed: number;
  idCounter: number;
}

export function createTenantData(info: TenantInfo, idSeed: number): TenantData {
  return {
    info,
    users: new Map(),
    deletedUsers: new Map(),
    groups: new Map(),
    memberships: new Map(),
    skus: new Map(),
    apps: new Map(),
    mailboxes: new Map(),
    mailboxRights: new Map(),
    folderPermissions: new Map(),
    drives: new Map(),
    drivePermissions: new Map(),
    siteAdmins: new Map(),
    catalogApps: new Map(),
    installedApps: new Map(),
    sentMail: [],
    authMethods: new Map(),
    owners: new Map(),
    directoryApps: new Map(),
    managedDevices: new Map(),
    entraDevices: new Map(),
    mobileDevices: new Map(),
    casSettings: new Map(),
    calendarEvents: new Map(),
    meetingCancellations: new Map(),
    idSeed,
    idCounter: 0,
  };
}

/**
 * A copy that shares the records: valid because the stores never change a record in place (they replace it).
 * O(number of records) pointer copies, unlike a deep clone.
 */
export function copyTenantData(d: TenantData): TenantData {
  return {
    info: { ...d.info },
    users: new Map(d.users),
    deletedUsers: new Map(d.deletedUsers),
    groups: new Map(d.groups),
    memberships: new Map(d.memberships),
    skus: new Map(d.skus),
    apps: new Map(d.apps),
    mailboxes: new Map(d.mailboxes),
    mailboxRights: new Map(d.mailboxRights),
    folderPermissions: new Map(d.folderPermissions),
    drives: new Map(d.drives),
    drivePermissions: new Map(d.drivePermissions),
    siteAdmins: new Map(d.siteAdmins),
    catalogApps: new Map(d.catalogApps),
    installedApps: new Map(d.installedApps),
    sentMail: [...d.sentMail],
    authMethods: new Map(d.authMethods),
    owners: new Map(d.owners),
    directoryApps: new Map(d.directoryApps),
    managedDevices: new Map(d.managedDevices),
    entraDevices: new Map(d.entraDevices),
    mobileDevices: new Map(d.mobileDevices),
    casSettings: new Map(d.casSettings),
    calendarEvents: new Map(d.calendarEvents),
    meetingCancellations: new Map(d.meetingCancellations),
    idSeed: d.idSeed,
    idCounter: d.idCounter,
  };
}

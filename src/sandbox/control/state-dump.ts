/** A JSON view of the whole tenant state (Maps become arrays of records) for `GET /_sandbox/state`. */
import type { Tenant } from '../state/tenant.js';
import type { TenantData } from '../state/tenant-data.js';

/** The collections of the tenant data that are maps of records. */
type RecordMapName = {
  [K in keyof TenantData]: TenantData[K] extends ReadonlyMap<string, unknown> ? K : never;
}[keyof TenantData];

export function dumpTenant(tenant: Tenant): Record<string, unknown> {
  const d = tenant.data;
  const records = (...names: RecordMapName[]): Record<string, unknown[]> =>
    Object.fromEntries(names.map((name) => [name, [...d[name].values()]]));
  return {
    info: d.info,
    ...records('users', 'deletedUsers', 'groups', 'memberships', 'skus'),
    // Registrations without their credentials.
    apps: [...d.apps.values()].map((a) => ({
      appId: a.appId,
      displayName: a.displayName,
      roles: a.roles,
      directoryRoles: a.directoryRoles,
    })),
    ...records(
      'mailboxes',
      'mailboxRights',
      'folderPermissions',
      'drives',
      'drivePermissions',
      'siteAdmins',
      'catalogApps',
      'installedApps',
    ),
    sentMail: d.sentMail,
    ...records(
      'authMethods',
      'owners',
      'directoryApps',
      'managedDevices',
      'entraDevices',
      'mobileDevices',
      'casSettings',
      'calendarEvents',
      'meetingCancellations',
    ),
  };
}

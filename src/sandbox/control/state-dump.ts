/** A JSON view of the whole tenant state (Maps become arrays of records) for `GET /_sandbox/state`. */
import type { Tenant } from '../state/tenant.js';

export function dumpTenant(tenant: Tenant): Record<string, unknown> {
  const d = tenant.data;
  return {
    info: d.info,
    users: [...d.users.values()],
    deletedUsers: [...d.deletedUsers.values()],
    groups: [...d.groups.values()],
    memberships: [...d.memberships.values()],
    skus: [...d.skus.values()],
    apps: [...d.apps.values()].map((a) => ({
      appId: a.appId,
      displayName: a.displayName,
      roles: a.roles,
      directoryRoles: a.directoryRoles,
    })),
    mailboxes: [...d.mailboxes.values()],
    mailboxRights: [...d.mailboxRights.values()],
    folderPermissions: [...d.folderPermissions.values()],
    drives: [...d.drives.values()],
    drivePermissions: [...d.drivePermissions.values()],
    siteAdmins: [...d.siteAdmins.values()],
    catalogApps: [...d.catalogApps.values()],
    installedApps: [...d.installedApps.values()],
    sentMail: d.sentMail,
  };
}

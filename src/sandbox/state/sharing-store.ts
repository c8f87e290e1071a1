/** OneDrive drives, their sharing permissions and site collection administrators. */
import type { StateEnvironment } from './environment.js';
import type { DriveGrantee, DrivePermissionRecord, DriveRecord, SiteAdminRecord } from './exchange-types.js';
import { IndexedStore } from './indexed-store.js';
import type { TenantData } from './tenant-data.js';
import { isRemovalPending } from './visibility.js';

export class SharingStore extends IndexedStore {
  private readonly driveOfOwner = this.lookup();
  private readonly driveOfSite = this.lookup();
  private readonly permissionsOfDrive = this.keyIndex();
  private readonly adminsOfSite = this.keyIndex();
  private readonly sitesOfAdmin = this.keyIndex();

  constructor(data: TenantData, env: StateEnvironment) {
    super(data, env);
    this.rebuild();
  }

  protected indexAll(): void {
    for (const d of this.data.drives.values()) this.indexDrive(d);
    for (const p of this.data.drivePermissions.values()) this.permissionsOfDrive.add(p.driveId, p.id);
    for (const [key, a] of this.data.siteAdmins) this.indexAdmin(key, a);
  }

  getDrive(id: string): DriveRecord | undefined {
    return this.data.drives.get(id);
  }

  driveOfUser(userId: string): DriveRecord | undefined {
    const id = this.driveOfOwner.get(userId);
    return id === undefined ? undefined : this.data.drives.get(id);
  }

  /** The OneDrive whose personal site URL this is (case-insensitive, trailing slash ignored). */
  driveBySiteUrl(siteUrl: string): DriveRecord | undefined {
    const id = this.driveOfSite.get(normalizeSiteUrl(siteUrl));
    return id === undefined ? undefined : this.data.drives.get(id);
  }

  drives(): IterableIterator<DriveRecord> {
    return this.data.drives.values();
  }

  addDrive(d: DriveRecord): void {
    if (this.data.drives.has(d.id)) throw new Error(`drive ${d.id} already exists`);
    this.data.drives.set(d.id, d);
    this.indexDrive(d);
  }

  // ---- sharing permissions -------------------------------------------------------------------------------

  /** Visible, unexpired grants on the item. */
  permissions(driveId: string, itemId: string): DrivePermissionRecord[] {
    const now = this.env.now();
    return this.visible(
      this.data.drivePermissions,
      this.permissionsOfDrive.get(driveId),
      (p) =>
        p.itemId === itemId &&
        (p.expirationDateTime === undefined ||
          p.expirationDateTime === null ||
          Date.parse(p.expirationDateTime) > now),
    );
  }

  /** Grants roles; an existing live grant to the same grantee on the item is updated (roles merged). */
  grant(
    driveId: string,
    itemId: string,
    grantee: DriveGrantee,
    roles: string[],
    invitationEmail: string | null,
    signInRequired: boolean,
    expirationDateTime: string | null = null,
  ): DrivePermissionRecord {
    for (const id of this.permissionsOfDrive.get(driveId)) {
      const p = this.data.drivePermissions.get(id);
      if (p && p.itemId === itemId && !isRemovalPending(p) && sameGrantee(p.grantee, grantee)) {
        const merged = {
          ...p,
          roles: [...new Set([...p.roles, ...roles])],
          ...(expirationDateTime === null ? {} : { expirationDateTime }),
        };
        this.data.drivePermissions.set(id, merged);
        return merged;
      }
    }
    const record: DrivePermissionRecord = {
      id: this.env.newId(),
      driveId,
      itemId,
      roles: [...roles],
      grantee,
      invitationEmail,
      signInRequired,
      ...(expirationDateTime === null ? {} : { expirationDateTime }),
      ...this.visibleAfterDelay('sharing', undefined),
    };
    this.data.drivePermissions.set(record.id, record);
    this.permissionsOfDrive.add(driveId, record.id);
    return record;
  }

  removePermission(driveId: string, permissionId: string): 'removed' | 'absent' {
    if (this.data.drivePermissions.get(permissionId)?.driveId !== driveId) return 'absent';
    return this.removeEntry('sharing', this.data.drivePermissions, permissionId, () => {
      this.permissionsOfDrive.delete(driveId, permissionId);
    });
  }

  // ---- site collection admins ----------------------------------------------------------------------------

  siteAdmins(siteUrl: string): SiteAdminRecord[] {
    return this.visible(this.data.siteAdmins, this.adminsOfSite.get(normalizeSiteUrl(siteUrl)));
  }

  /** Sites (URLs) where the user is a visible site collection admin. */
  sitesAdministeredBy(userId: string): SiteAdminRecord[] {
    return this.visible(this.data.siteAdmins, this.sitesOfAdmin.get(userId));
  }

  /** Adds or removes a site collection admin. Returns whether anything changed (write-side). */
  setSiteAdmin(
    siteUrl: string,
    userId: string,
    isAdmin: boolean,
    isPrimaryOwner = false,
  ): 'changed' | 'unchanged' {
    const site = normalizeSiteUrl(siteUrl);
    const key = `${site}|${userId}`;
    if (!isAdmin) {
      const outcome = this.removeEntry('sharing', this.data.siteAdmins, key, () => {
        this.adminsOfSite.delete(site, key);
        this.sitesOfAdmin.delete(userId, key);
      });
      return outcome === 'removed' ? 'changed' : 'unchanged';
    }
    const existing = this.data.siteAdmins.get(key);
    if (existing && !isRemovalPending(existing)) return 'unchanged';
    const record: SiteAdminRecord = {
      id: existing?.id ?? this.env.newId(),
      siteUrl: site,
      userId,
      isPrimaryOwner,
      ...this.visibleAfterDelay('sharing', existing),
    };
    this.data.siteAdmins.set(key, record);
    this.indexAdmin(key, record);
    return 'changed';
  }

  private indexDrive(d: DriveRecord): void {
    this.driveOfOwner.set(d.ownerUserId, d.id);
    this.driveOfSite.set(normalizeSiteUrl(d.siteUrl), d.id);
  }

  private indexAdmin(key: string, a: SiteAdminRecord): void {
    this.adminsOfSite.add(a.siteUrl, key);
    this.sitesOfAdmin.add(a.userId, key);
  }
}

export function normalizeSiteUrl(url: string): string {
  return url.trim().replace(/\/+$/, '').toLowerCase();
}

function sameGrantee(a: DriveGrantee, b: DriveGrantee): boolean {
  if (a.kind === 'user' && b.kind === 'user') return a.userId === b.userId;
  if (a.kind === 'email' && b.kind === 'email') return a.email.toLowerCase() === b.email.toLowerCase();
  // Each sharing link is its own permission: links are never merged.
  return false;
}

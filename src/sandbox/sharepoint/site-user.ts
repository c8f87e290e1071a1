/** SP.User entities for the users of a OneDrive site, and claims login names (`i:0#.f|membership|<upn>`). */
import { createHash } from 'node:crypto';
import type { UserRecord } from '../state/directory-types.js';
import type { Tenant } from '../state/tenant.js';
import type { EntityMeta, SpEntity } from './odata-format.js';

const MEMBERSHIP_PREFIX = 'i:0#.f|membership|';

export function loginNameOf(user: UserRecord): string {
  return `${MEMBERSHIP_PREFIX}${user.userPrincipalName.toLowerCase()}`;
}

/** A user from a claims login name or a bare UPN/e-mail; undefined when it names no user. */
export function userFromLoginName(tenant: Tenant, loginName: string): UserRecord | undefined {
  const trimmed = loginName.trim();
  if (trimmed === '' || trimmed.length > 512) return undefined;
  const lower = trimmed.toLowerCase();
  if (lower.startsWith(MEMBERSHIP_PREFIX))
    return tenant.directory.getUser(trimmed.slice(MEMBERSHIP_PREFIX.length));
  if (trimmed.includes('|')) return undefined; // other claim types (groups, guests) are not modelled
  return /^[^\s@]+@[^\s@]+$/.test(trimmed) ? tenant.directory.getUser(trimmed) : undefined;
}

/** The per-site user id: SharePoint numbers users per site; the sandbox derives a stable number. */
export function siteUserId(siteUrl: string, userId: string): number {
  const digest = createHash('sha256').update(`${siteUrl.toLowerCase()}|${userId}`).digest();
  return 7 + (digest.readUInt32BE(0) % 100_000);
}

export function siteUserEntity(
  siteUrl: string,
  apiBase: string,
  user: UserRecord,
  isSiteAdmin: boolean,
): { entity: SpEntity; meta: EntityMeta } {
  const id = siteUserId(siteUrl, user.id);
  const puid = createHash('sha256').update(user.id).digest('hex').slice(0, 16);
  return {
    entity: {
      Id: id,
      IsHiddenInUI: false,
      LoginName: loginNameOf(user),
      Title: user.displayName,
      PrincipalType: 1,
      Email: user.mail ?? '',
      Expiration: '',
      IsEmailAuthenticationGuestUser: false,
      IsShareByEmailGuestUser: false,
      IsSiteAdmin: isSiteAdmin,
      UserId: { NameId: puid, NameIdIssuer: 'urn:federation:microsoftonline' },
      UserPrincipalName: user.userPrincipalName,
    },
    meta: { uri: `${apiBase}/Web/GetUserById(${id})`, editLink: `Web/GetUserById(${id})`, type: 'SP.User' },
  };
}

import { InvalidInputError } from '../../core/errors.js';
import { parseHttpsUrl } from '../http/service-url.js';

/** The tenant's SharePoint host names, from its admin URL (`https://contoso-admin.sharepoint.com`). */
export interface SharePointHosts {
  tenantName: string;
  admin: string;
  my: string;
  root: string;
}

export function sharePointHostsOf(adminUrl: string): SharePointHosts {
  const url = parseHttpsUrl(adminUrl);
  const match = /^([a-z0-9-]+)-admin\.sharepoint\.(com|us|cn|de)$/i.exec(url.hostname);
  if (match === null || url.pathname.replace(/\/+$/, '') !== '') {
    throw new InvalidInputError(
      'The SharePoint admin URL must look like https://contoso-admin.sharepoint.com',
    );
  }
  const tenantName = (match[1] ?? '').toLowerCase();
  const suffix = `sharepoint.${(match[2] ?? 'com').toLowerCase()}`;
  return {
    tenantName,
    admin: `${tenantName}-admin.${suffix}`,
    my: `${tenantName}-my.${suffix}`,
    root: `${tenantName}.${suffix}`,
  };
}

/**
 * A site collection URL of this tenant, normalised (https, lower-case host, no trailing slash, no
 * query). Any other host is refused: the SharePoint token must never be sent elsewhere.
 */
export function assertTenantSiteUrl(siteUrl: string, hosts: SharePointHosts): string {
  const url = parseHttpsUrl(siteUrl.trim());
  const host = url.hostname.toLowerCase();
  if (host !== hosts.my && host !== hosts.root) {
    throw new InvalidInputError(
      `Site ${url.origin} is not a site of this tenant (${hosts.my} or ${hosts.root})`,
    );
  }
  if (url.search !== '' || url.hash !== '' || url.port !== '')
    throw new InvalidInputError('A site URL has no query, fragment or port');
  const path = url.pathname.replace(/\/+$/, '');
  if (!/^(\/(sites|teams|personal)\/[A-Za-z0-9._-]+)?$/.test(path))
    throw new InvalidInputError(`Not a site collection URL: ${url.pathname}`);
  const normalised = `https://${host}${path}`;
  // Dot segments and other forms the URL parser rewrites are refused rather than silently resolved.
  if (siteUrl.trim().replace(/\/+$/, '').toLowerCase() !== normalised.toLowerCase()) {
    throw new InvalidInputError(`Not a canonical site URL: ${JSON.stringify(siteUrl.slice(0, 200))}`);
  }
  return normalised;
}

/**
 * The OneDrive site collection from the drive's webUrl:
 * `https://contoso-my.sharepoint.com/personal/ada_contoso_com/Documents` → `…/personal/ada_contoso_com`.
 */
export function oneDriveSiteUrl(driveWebUrl: string): string {
  const url = parseHttpsUrl(driveWebUrl);
  const match = /^\/personal\/[^/]+/i.exec(url.pathname);
  if (match === null) throw new InvalidInputError(`Not a OneDrive URL: ${url.origin}${url.pathname}`);
  return `https://${url.host.toLowerCase()}${match[0]}`;
}

const MEMBERSHIP_PREFIX = 'i:0#.f|membership|';

/** `i:0#.f|membership|ada@contoso.com`, the claims login name SetSiteAdmin expects for a member. */
export function membershipLoginName(userPrincipalName: string): string {
  return `${MEMBERSHIP_PREFIX}${userPrincipalName.toLowerCase()}`;
}

/** The UPN of a site user: its UserPrincipalName, else from a membership claim; null for groups. */
export function upnOfSiteUser(user: { LoginName: string; UserPrincipalName?: string | null }): string | null {
  if (
    user.UserPrincipalName !== undefined &&
    user.UserPrincipalName !== null &&
    user.UserPrincipalName !== ''
  )
    return user.UserPrincipalName;
  return user.LoginName.toLowerCase().startsWith(MEMBERSHIP_PREFIX)
    ? user.LoginName.slice(MEMBERSHIP_PREFIX.length)
    : null;
}

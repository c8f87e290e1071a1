/** Maps a client-credentials `scope` (`<resource>/.default`) to the token audience and permission set. */
import type { ResourceName } from '../state/directory-types.js';
import type { TenantInfo } from '../state/tenant-data.js';

export interface ResolvedResource {
  resource: ResourceName;
  audience: string;
}

export const graphAudiences = [
  'https://graph.microsoft.com',
  '00000003-0000-0000-c000-000000000000',
] as const;
export const exchangeAudiences = [
  'https://outlook.office365.com',
  'https://outlook.office.com',
  '00000002-0000-0ff1-ce00-000000000000',
] as const;

export function sharePointHosts(info: TenantInfo): string[] {
  const name = info.sharePointTenantName;
  return [`${name}-admin.sharepoint.com`, `${name}-my.sharepoint.com`, `${name}.sharepoint.com`];
}

/** Undefined when the scope is not `<known resource>/.default`. */
export function resolveScope(scope: string, info: TenantInfo): ResolvedResource | undefined {
  const parts = scope
    .trim()
    .split(/\s+/)
    .filter((s) => s !== 'offline_access' && s !== 'openid' && s !== 'profile');
  if (parts.length !== 1) return undefined;
  const only = parts[0] ?? '';
  if (!only.toLowerCase().endsWith('/.default')) return undefined;
  const resource = only.slice(0, -'/.default'.length).replace(/\/+$/, '').toLowerCase();
  if ((graphAudiences as readonly string[]).includes(resource))
    return { resource: 'graph', audience: 'https://graph.microsoft.com' };
  if ((exchangeAudiences as readonly string[]).includes(resource)) {
    return { resource: 'exchange', audience: 'https://outlook.office365.com' };
  }
  for (const host of sharePointHosts(info)) {
    if (resource === `https://${host}`) return { resource: 'sharepoint', audience: `https://${host}` };
  }
  return undefined;
}

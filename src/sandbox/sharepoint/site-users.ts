/**
 * `GET https://{tenant}-my.sharepoint.com/personal/{site}/_api/web/siteusers[?$filter=IsSiteAdmin eq true]`:
 * the users of a OneDrive site — its site collection admins (IsSiteAdmin true) and the people its drive is
 * shared with (false). `$filter` accepts only `IsSiteAdmin eq true|false`; `$select` trims properties.
 */
import type { UserRecord } from '../state/directory-types.js';
import type { RouteContext, SandboxResponse } from '../http/service.js';
import { SP_CODES, SpError } from './errors.js';
import { collectionBody, contentType, type SpFormat } from './odata-format.js';
import { siteUserEntity } from './site-user.js';

function parseFilter(raw: string | null): boolean | null {
  if (raw === null || raw.trim() === '') return null;
  const m = /^\s*IsSiteAdmin\s+eq\s+(true|false)\s*$/i.exec(raw);
  if (!m) {
    throw new SpError(
      400,
      SP_CODES.invalidQuery,
      `The expression "${raw}" is not valid: the sandbox supports only $filter=IsSiteAdmin eq true|false.`,
    );
  }
  return (m[1] ?? '').toLowerCase() === 'true';
}

export function listSiteUsers(rc: RouteContext, format: SpFormat): SandboxResponse {
  const siteSegment = rc.request.params['site'] ?? '';
  const siteUrl = `https://${rc.request.host}/personal/${siteSegment}`;
  const drive = rc.tenant.sharing.driveBySiteUrl(siteUrl);
  if (!drive) throw new SpError(404, SP_CODES.notFound, `The site ${siteUrl} was not found.`);
  const wantAdmins = parseFilter(rc.request.query.get('$filter'));
  const users = new Map<string, { user: UserRecord; isAdmin: boolean }>();
  for (const admin of rc.tenant.sharing.siteAdmins(drive.siteUrl)) {
    const user = rc.tenant.directory.getUser(admin.userId);
    if (user) users.set(user.id, { user, isAdmin: true });
  }
  for (const p of rc.tenant.sharing.permissions(drive.id, 'root')) {
    if (p.grantee.kind !== 'user' || users.has(p.grantee.userId)) continue;
    const user = rc.tenant.directory.getUser(p.grantee.userId);
    if (user) users.set(user.id, { user, isAdmin: false });
  }
  const apiBase = `${rc.request.baseUrl}/${drive.siteUrl.slice('https://'.length)}/_api`;
  const select = rc.request.query.get('$select');
  const selected = select === null ? null : new Set(select.split(',').map((s) => s.trim().toLowerCase()));
  const items = [...users.values()]
    .filter((u) => wantAdmins === null || u.isAdmin === wantAdmins)
    .map((u) => siteUserEntity(drive.siteUrl, apiBase, u.user, u.isAdmin))
    .sort((a, b) => Number(a.entity['Id']) - Number(b.entity['Id']))
    .map(({ entity, meta }) => ({
      meta,
      entity:
        selected === null
          ? entity
          : Object.fromEntries(Object.entries(entity).filter(([k]) => selected.has(k.toLowerCase()))),
    }));
  return {
    status: 200,
    headers: { 'content-type': contentType(format) },
    body: collectionBody(items, format, `${apiBase}/$metadata#SP.ApiData.Users`),
  };
}

/** Users: get (by id or UPN, `$select`, `$expand=manager`), list (OData queries), update, revoke sessions, delete. */
import type { RouteContext, RouteDefinition, SandboxResponse } from '../http/service.js';
import type { UserRecord } from '../state/directory-types.js';
import { directoryBadRequest, fail, insufficientPrivileges, noContent, ok } from './errors.js';
import { runListQuery } from './list-query.js';
import { requireUser } from './lookup.js';
import { onPremMasteredMessage, patchUser } from './user-update.js';
import {
  fullUserJson,
  mentionsLicences,
  parseSelect,
  project,
  SelectError,
  userReference,
} from './user-view.js';

export const userRead = [
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
const contextBase = 'https://graph.microsoft.com/v1.0/$metadata';

/** Every property name `$select` accepts on a user (the sandbox's full user JSON). */
function userPropertyNames(rc: RouteContext): string[] {
  const first = rc.tenant.directory.users().next();
  return first.done === true ? ['id'] : Object.keys(fullUserJson(rc.tenant, first.value, false));
}

function selectFrom(rc: RouteContext, raw: string | null): string[] | null {
  return selectFor(rc, userPropertyNames(rc), raw);
}

function selectFor(
  rc: RouteContext,
  known: readonly string[],
  raw: string | null = [...rc.request.query].find(([k]) => k.toLowerCase() === '$select')?.[1] ?? null,
): string[] | null {
  try {
    return parseSelect(raw, known);
  } catch (e) {
    if (e instanceof SelectError) return directoryBadRequest(rc.request, e.message);
    throw e;
  }
}

interface ManagerExpand {
  levels: number;
  select: string[] | null;
}

function parseExpand(rc: RouteContext): ManagerExpand | null {
  const raw = [...rc.request.query].find(([k]) => k.toLowerCase() === '$expand')?.[1];
  if (raw === undefined) return null;
  const m = /^\s*manager\s*(?:\((.*)\))?\s*$/i.exec(raw);
  if (!m)
    return directoryBadRequest(
      rc.request,
      `Could not find a property named '${raw.split('(')[0] ?? raw}' on type 'microsoft.graph.user'.`,
    );
  let levels = 1;
  let hasLevels = false;
  let select: string[] | null = null;
  for (const option of (m[1] ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [name = '', value = ''] = option.split('=');
    if (name.toLowerCase() === '$levels') {
      hasLevels = true;
      levels = value.toLowerCase() === 'max' ? 1000 : Number(value);
      if (!Number.isInteger(levels) || levels < 1 || levels > 1000)
        directoryBadRequest(rc.request, `Invalid $levels value '${value}'.`);
    } else if (name.toLowerCase() === '$select') {
      select = selectFrom(rc, value);
    } else {
      directoryBadRequest(rc.request, `Query option '${name}' is not allowed in $expand of manager.`);
    }
  }
  if (hasLevels) requireAdvancedQuery(rc, '$levels');
  return { levels, select };
}

function isEventual(rc: RouteContext): boolean {
  return (rc.request.headers['consistencylevel'] ?? '').toLowerCase() === 'eventual';
}

function wantsCount(rc: RouteContext): boolean {
  const raw = [...rc.request.query].find(([k]) => k.toLowerCase() === '$count')?.[1];
  return raw?.toLowerCase() === 'true';
}

/**
 * `$levels` is an advanced query: `ConsistencyLevel: eventual` and `$count=true` (user-list-manager,
 * "Get manager chain up to the root level"); `$count=true` itself needs the header ("Required when the
 * request includes the `$count=true` query string").
 */
function requireAdvancedQuery(rc: RouteContext, what: string): void {
  if (!isEventual(rc) || !wantsCount(rc)) {
    fail(
      rc.request,
      400,
      'Request_UnsupportedQuery',
      `${what} is only supported with the header 'ConsistencyLevel: eventual' and $count=true.`,
    );
  }
}

function expandManager(
  rc: RouteContext,
  user: UserRecord,
  expand: ManagerExpand,
  depth: number,
): Record<string, unknown> | null {
  const manager = user.managerId ? rc.tenant.directory.getUser(user.managerId) : undefined;
  if (!manager) return null;
  const full = fullUserJson(rc.tenant, manager);
  const view: Record<string, unknown> = {
    '@odata.type': '#microsoft.graph.user',
    ...(expand.select ? project(full, expand.select) : userReference(manager)),
  };
  if (depth < expand.levels) {
    const next = expandManager(rc, manager, expand, depth + 1);
    if (next) view['manager'] = next;
  }
  return view;
}

function getUser(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  if (wantsCount(rc) && !isEventual(rc))
    fail(
      rc.request,
      400,
      'Request_BadRequest',
      "$count is only supported with the header 'ConsistencyLevel: eventual'.",
    );
  const full = fullUserJson(rc.tenant, user);
  const select = selectFor(rc, Object.keys(full));
  const expand = parseExpand(rc);
  const body: Record<string, unknown> = {
    '@odata.context': select
      ? `${contextBase}#users(${select.join(',')})/$entity`
      : `${contextBase}#users/$entity`,
    ...project(full, select),
  };
  if (expand) {
    const manager = expandManager(rc, user, expand, 1);
    if (manager) body['manager'] = manager;
  }
  return ok(body);
}

function listUsers(rc: RouteContext): SandboxResponse {
  const users = [...rc.tenant.directory.users()];
  const first = users[0];
  const select = selectFor(rc, first ? Object.keys(fullUserJson(rc.tenant, first, false)) : ['id']);
  const q = (name: string): string | null =>
    [...rc.request.query].find(([k]) => k.toLowerCase() === name)?.[1] ?? null;
  const queryNeedsLicences = mentionsLicences(q('$filter'), q('$search'), q('$orderby'));
  const selectNeedsLicences = select !== null && mentionsLicences(select.join(','));
  const page = runListQuery(
    rc.request,
    users,
    {
      typeName: 'microsoft.graph.user',
      defaultPageSize: 100,
      maxPageSize: 999,
      collectionPath: '/v1.0/users',
    },
    (u) => fullUserJson(rc.tenant, u, queryNeedsLicences),
  );
  const body: Record<string, unknown> = {
    '@odata.context': select ? `${contextBase}#users(${select.join(',')})` : `${contextBase}#users`,
  };
  if (page.count !== null) body['@odata.count'] = page.count;
  if (page.nextLink) body['@odata.nextLink'] = page.nextLink;
  body['value'] = page.items.map((u) => project(fullUserJson(rc.tenant, u, selectNeedsLicences), select));
  return ok(body);
}

function queryValue(rc: RouteContext, name: string): string | null {
  return [...rc.request.query].find(([k]) => k.toLowerCase() === name)?.[1] ?? null;
}

function revokeSessions(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  rc.tenant.directory.updateUser(user.id, { signInSessionsValidFromDateTime: rc.tenant.nowIso() });
  return ok({ '@odata.context': `${contextBase}#Edm.Boolean`, value: true });
}

function deleteUser(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  const app = rc.tenant.getApp(rc.request.caller?.appId ?? '');
  if (
    user.directoryRoles.length > 0 &&
    !app?.directoryRoles.includes('Privileged Authentication Administrator')
  ) {
    insufficientPrivileges(rc.request);
  }
  if (user.onPremisesSyncEnabled === true) directoryBadRequest(rc.request, onPremMasteredMessage);
  rc.tenant.directory.deleteUser(user.id);
  const mailbox = rc.tenant.exchange.getMailbox(user.id);
  // A mailbox on litigation hold outlives its user as an inactive mailbox.
  if (mailbox)
    rc.tenant.exchange.updateMailbox(user.id, {
      whenSoftDeleted: rc.tenant.nowIso(),
      isInactiveMailbox: mailbox.litigationHold.enabled,
    });
  return noContent;
}

function getManager(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  const manager = user.managerId ? rc.tenant.directory.getUser(user.managerId) : undefined;
  if (!manager)
    return fail(
      rc.request,
      404,
      'Request_ResourceNotFound',
      "Resource 'manager' does not exist or one of its queried reference-property objects are not present.",
    );
  // $select applies to the manager as to any user: unselected properties are not returned.
  const select = selectFrom(rc, queryValue(rc, '$select'));
  const view = select
    ? { '@odata.type': '#microsoft.graph.user', ...project(fullUserJson(rc.tenant, manager), select) }
    : userReference(manager);
  return ok({ '@odata.context': `${contextBase}#directoryObjects/$entity`, ...view });
}

function directReports(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  const select = selectFrom(rc, queryValue(rc, '$select'));
  const needsLicences = select !== null && mentionsLicences(select.join(','));
  const reports = rc.tenant.directory.directReports(user.id).map((u) =>
    select
      ? {
          '@odata.type': '#microsoft.graph.user',
          ...project(fullUserJson(rc.tenant, u, needsLicences), select),
        }
      : userReference(u),
  );
  const page = runListQuery(
    rc.request,
    reports,
    {
      typeName: 'microsoft.graph.directoryObject',
      defaultPageSize: 100,
      maxPageSize: 999,
      collectionPath: `/v1.0/users/${encodeURIComponent(user.id)}/directReports`,
    },
    (r) => r,
  );
  const body: Record<string, unknown> = { '@odata.context': `${contextBase}#directoryObjects` };
  if (page.nextLink) body['@odata.nextLink'] = page.nextLink;
  body['value'] = page.items;
  return ok(body);
}

export const userRoutes: RouteDefinition[] = [
  { method: 'GET', path: '/v1.0/users', permissions: userRead, handler: listUsers },
  { method: 'GET', path: '/v1.0/users/:id', permissions: userRead, handler: getUser },
  {
    method: 'PATCH',
    path: '/v1.0/users/:id',
    permissions: [
      'User.EnableDisableAccount.All',
      'User-PasswordProfile.ReadWrite.All',
      'User-LifeCycleInfo.ReadWrite.All',
      'User.ReadUpdate.All',
      'User.ReadWrite.All',
      'Directory.ReadWrite.All',
    ],
    operation: 'user.update',
    handler: patchUser,
  },
  {
    method: 'POST',
    path: '/v1.0/users/:id/revokeSignInSessions',
    permissions: ['User.RevokeSessions.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
    operation: 'user.revoke-sessions',
    handler: revokeSessions,
  },
  {
    method: 'DELETE',
    path: '/v1.0/users/:id',
    permissions: ['User.DeleteRestore.All', 'User.ReadWrite.All'],
    operation: 'user.delete',
    handler: deleteUser,
  },
  { method: 'GET', path: '/v1.0/users/:id/manager', permissions: userRead, handler: getManager },
  { method: 'GET', path: '/v1.0/users/:id/directReports', permissions: userRead, handler: directReports },
];

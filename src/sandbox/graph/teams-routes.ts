/** Teams: the org app catalog and per-user app installation (proactive install for the manager). */
import type { RouteContext, RouteDefinition, SandboxResponse } from '../http/service.js';
import type { CatalogAppRecord } from '../state/teams-types.js';
import { fail, ok } from './errors.js';
import { evaluateFilter } from './odata-evaluate.js';
import { ODataFilterError, parseFilter } from './odata-filter.js';
import { requireUser } from './lookup.js';

function appJson(a: CatalogAppRecord): Record<string, unknown> {
  return {
    id: a.id,
    externalId: a.externalId,
    displayName: a.displayName,
    distributionMethod: a.distributionMethod,
  };
}

function filterParam(rc: RouteContext): string | null {
  return [...rc.request.query].find(([k]) => k.toLowerCase() === '$filter')?.[1] ?? null;
}

function applyFilter(
  rc: RouteContext,
  items: Record<string, unknown>[],
  typeName: string,
): Record<string, unknown>[] {
  const raw = filterParam(rc);
  if (raw === null) return items;
  try {
    const expr = parseFilter(raw);
    return items.filter((o) => evaluateFilter(expr, o, typeName));
  } catch (e) {
    if (e instanceof ODataFilterError)
      return fail(rc.request, 400, 'BadRequest', `Invalid filter clause: ${e.message}`);
    throw e;
  }
}

function listCatalog(rc: RouteContext): SandboxResponse {
  const value = applyFilter(rc, rc.tenant.teams.catalogApps().map(appJson), 'microsoft.graph.teamsApp');
  return ok({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#appCatalogs/teamsApps', value });
}

function listInstalled(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  const expand = [...rc.request.query].find(([k]) => k.toLowerCase() === '$expand')?.[1];
  const items = rc.tenant.teams.installedApps(user.id).map((i) => {
    const app = rc.tenant.teams.getCatalogApp(i.teamsAppId);
    return { id: i.id, teamsApp: app ? appJson(app) : { id: i.teamsAppId } };
  });
  const value = applyFilter(rc, items, 'microsoft.graph.userScopeTeamsAppInstallation').map((o) =>
    expand?.toLowerCase().includes('teamsapp') ? o : { id: o['id'] },
  );
  return ok({
    '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${user.id}')/teamwork/installedApps`,
    value,
  });
}

function install(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  const body = (rc.request.body ?? {}) as Record<string, unknown>;
  const bind = body['teamsApp@odata.bind'];
  if (typeof bind !== 'string')
    return fail(rc.request, 400, 'BadRequest', "The request body must contain 'teamsApp@odata.bind'.");
  const appId = bind.replace(/\/+$/, '').split('/').pop() ?? '';
  const app = rc.tenant.teams.getCatalogApp(decodeURIComponent(appId));
  if (!app)
    return fail(rc.request, 404, 'NotFound', `The app with id '${appId}' was not found in the catalog.`);
  const { result } = rc.tenant.teams.install(user.id, app.id);
  if (result === 'exists')
    return fail(rc.request, 409, 'Conflict', 'The app is already installed for this user.');
  return { status: 201 };
}

function installationChat(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  const inst = rc.tenant.teams
    .installedApps(user.id)
    .find((i) => i.id === rc.request.params['installationId']);
  if (!inst) return fail(rc.request, 404, 'NotFound', 'The installation was not found.');
  return ok({
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#chats/$entity',
    id: inst.chatId,
    chatType: 'oneOnOne',
  });
}

const installRead = [
  'TeamsAppInstallation.ReadForUser.All',
  'TeamsAppInstallation.ReadWriteSelfForUser.All',
  'TeamsAppInstallation.ReadWriteForUser.All',
];
export const teamsRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    path: '/v1.0/appCatalogs/teamsApps',
    permissions: ['AppCatalog.Read.All', 'AppCatalog.ReadWrite.All'],
    handler: listCatalog,
  },
  {
    method: 'GET',
    path: '/v1.0/users/:id/teamwork/installedApps',
    permissions: installRead,
    handler: listInstalled,
  },
  {
    method: 'GET',
    path: '/v1.0/users/:id/teamwork/installedApps/:installationId/chat',
    permissions: installRead,
    handler: installationChat,
  },
  {
    method: 'POST',
    path: '/v1.0/users/:id/teamwork/installedApps',
    permissions: [
      'TeamsAppInstallation.ReadWriteSelfForUser.All',
      'TeamsAppInstallation.ReadWriteForUser.All',
      'TeamsAppInstallation.ReadWriteAndConsentSelfForUser.All',
      'TeamsAppInstallation.ReadWriteAndConsentForUser.All',
    ],
    operation: 'teams.install-app',
    handler: install,
  },
];

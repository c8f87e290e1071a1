/** Microsoft Graph v1.0 as a sandbox service: routes, error dialect, headers and resource-unit costs. */
import { graphAudiences } from '../auth/resource-scope.js';
import type { SandboxRequest, ServiceDefinition } from '../http/service.js';
import { authMethodRoutes } from './auth-method-routes.js';
import { batchRoutes } from './batch.js';
import { betaRoutes } from './beta-routes.js';
import { delegatedOnlyRoutes } from './delegated-only-routes.js';
import { deletedItemsRoutes } from './deleted-items-routes.js';
import { deviceRoutes } from './device-routes.js';
import { driveRoutes } from './drive-routes.js';
import { graphErrors } from './errors.js';
import { groupRoutes } from './groups-routes.js';
import { transitiveMemberOfRoutes } from './transitive-member-of-routes.js';
import { licenceRoutes } from './licence-routes.js';
import { rewriteKeySyntax } from './lookup.js';
import { calendarRoutes } from './calendar-routes.js';
import { calendarViewRoutes } from './calendar-view-routes.js';
import { mailRoutes } from './mail-routes.js';
import { ownershipRoutes } from './ownership-routes.js';
import { sharePointSettingsRoutes } from './sharepoint-settings-routes.js';
import { teamsRoutes } from './teams-routes.js';
import { userRoutes } from './users-routes.js';

/** Resource-unit cost from the identity & access throttling table (learn.microsoft.com/graph/throttling-limits). */
export function graphCost(req: SandboxRequest): number {
  if (req.method !== 'GET') return 1;
  const path = req.path.toLowerCase();
  let cost = 1;
  if (/^\/(?:v1\.0|beta)\/users\/?$/.test(path)) cost = 2;
  else if (path.endsWith('/subscribedskus')) cost = 3;
  else if (/\/groups\/[^/]+\/members$/.test(path)) cost = 3;
  else if (path.endsWith('/memberof') || path.includes('/memberof/') || path.endsWith('/licensedetails'))
    cost = 2;
  const has = (name: string): boolean => [...req.query.keys()].some((k) => k.toLowerCase() === name);
  if (has('$select')) cost -= 1;
  if (has('$expand')) cost += 1;
  const top = Number([...req.query].find(([k]) => k.toLowerCase() === '$top')?.[1]);
  if (Number.isFinite(top) && top < 20) cost -= 1;
  return Math.max(1, cost);
}

const v1Routes = [
  ...userRoutes,
  ...groupRoutes,
  ...transitiveMemberOfRoutes,
  ...licenceRoutes,
  ...mailRoutes,
  ...calendarRoutes,
  ...calendarViewRoutes,
  ...driveRoutes,
  ...teamsRoutes,
  ...deletedItemsRoutes,
  ...sharePointSettingsRoutes,
  ...authMethodRoutes,
  ...ownershipRoutes,
  ...deviceRoutes,
  ...delegatedOnlyRoutes,
  ...batchRoutes,
];

export function createGraphService(): ServiceDefinition {
  return {
    name: 'graph',
    hosts: ['graph.microsoft.com'],
    audiences: [...graphAudiences],
    resource: 'graph',
    errors: graphErrors,
    rewritePath: rewriteKeySyntax,
    cost: graphCost,
    responseHeaders: (req) => ({
      'request-id': req.requestId,
      'client-request-id': req.clientRequestId ?? req.requestId,
      'x-ms-ags-diagnostic': JSON.stringify({
        ServerInfo: {
          DataCenter: 'Sandbox',
          Slice: 'E',
          Ring: '0',
          ScaleUnit: '000',
          RoleInstance: 'SANDBOX',
        },
      }),
      'Cache-Control': 'no-cache',
      'Strict-Transport-Security': 'max-age=31536000',
      'x-ms-resource-unit': String(graphCost(req)),
    }),
    routes: [...v1Routes, ...betaRoutes(v1Routes)],
  };
}

/**
 * SharePoint of the sandbox: OneDrive site collection admins.
 * - `POST https://{t}-admin.sharepoint.com/_api/SPO.Tenant/SetSiteAdmin` (and the long type-name alias)
 * - `GET  https://{t}-my.sharepoint.com/personal/{site}/_api/web/siteusers[?$filter=IsSiteAdmin eq true]`
 * Tokens: certificate credentials only (as SharePoint Online); audience any of the tenant's SharePoint hosts;
 * app role Sites.FullControl.All (reads also accept Sites.Read.All / Sites.ReadWrite.All / Sites.Manage.All).
 */
import { sharePointHosts } from '../auth/resource-scope.js';
import type { RouteContext, SandboxResponse, ServiceDefinition, ServiceFactory } from '../http/service.js';
import { isSecretCredential } from './app-only-credential.js';
import { SP_CODES, SpError, sharePointErrors, spErrorResponse } from './errors.js';
import { formatFromAccept, type SpFormat } from './odata-format.js';
import { setSiteAdmin } from './set-site-admin.js';
import { listSiteUsers } from './site-users.js';

export const FULL_CONTROL = 'Sites.FullControl.All';
const READ_ROLES = [FULL_CONTROL, 'Sites.Manage.All', 'Sites.ReadWrite.All', 'Sites.Read.All'];

type SpHandler = (rc: RouteContext, format: SpFormat) => SandboxResponse;

/** Checks the host and the Accept header, and renders SpError in SharePoint's error shape. */
function sharePointRoute(host: string, tenantId: string, handler: SpHandler) {
  const errors = sharePointErrors(tenantId);
  return (rc: RouteContext): SandboxResponse => {
    const req = rc.request;
    if (isSecretCredential(req.headers['authorization']))
      return errors.unauthorized(req, 'Unsupported app only token.');
    if (req.host !== host)
      return spErrorResponse(
        req,
        404,
        SP_CODES.notFound,
        `The resource '/${req.host}${req.path}' was not found.`,
      );
    const format = formatFromAccept(req.headers['accept']);
    if (format === null) {
      return spErrorResponse(
        req,
        406,
        SP_CODES.invalidQuery,
        'The sandbox answers SharePoint REST in JSON only: send Accept: application/json;odata=nometadata (SharePoint would answer Atom XML).',
      );
    }
    try {
      return handler(rc, format);
    } catch (e) {
      if (e instanceof SpError) return spErrorResponse(req, e.status, e.code, e.message);
      throw e;
    }
  };
}

export const createSharePointService: ServiceFactory = ({ tenant }): ServiceDefinition => {
  const hosts = sharePointHosts(tenant.info);
  const name = tenant.info.sharePointTenantName;
  const adminHost = `${name}-admin.sharepoint.com`;
  const myHost = `${name}-my.sharepoint.com`;
  const setAdmin = sharePointRoute(adminHost, tenant.tenantId, setSiteAdmin);
  return {
    name: 'sharepoint',
    hosts,
    audiences: hosts.map((h) => `https://${h}`),
    resource: 'sharepoint',
    errors: sharePointErrors(tenant.tenantId),
    responseHeaders: (req) => ({
      'request-id': req.requestId,
      sprequestguid: req.requestId,
      'x-sharepointhealthscore': '0',
    }),
    routes: [
      {
        method: 'POST',
        path: '/_api/SPO.Tenant/SetSiteAdmin',
        permissions: [FULL_CONTROL],
        isWrite: () => true,
        handler: setAdmin,
      },
      {
        method: 'POST',
        path: '/_api/Microsoft.Online.SharePoint.TenantAdministration.Tenant/SetSiteAdmin',
        permissions: [FULL_CONTROL],
        isWrite: () => true,
        handler: setAdmin,
      },
      {
        method: 'GET',
        path: '/personal/:site/_api/web/siteusers',
        permissions: READ_ROLES,
        handler: sharePointRoute(myHost, tenant.tenantId, listSiteUsers),
      },
    ],
  };
};

/**
 * `POST https://{tenant}-admin.sharepoint.com/_api/SPO.Tenant/SetSiteAdmin` (alias
 * `/_api/Microsoft.Online.SharePoint.TenantAdministration.Tenant/SetSiteAdmin`), the REST form of CSOM
 * `Tenant.SetSiteAdmin(siteUrl, loginName, isSiteAdmin)`. Body `{"siteUrl","loginName","isSiteAdmin"}`
 * (names case-insensitive). Answers the user's SP.User entity. Only OneDrive (personal) sites are modelled.
 */
import type { RouteContext, SandboxResponse } from '../http/service.js';
import { normalizeSiteUrl } from '../state/sharing-store.js';
import { SP_CODES, SpError } from './errors.js';
import { contentType, entityBody, type SpFormat } from './odata-format.js';
import { siteUserEntity, userFromLoginName } from './site-user.js';
import { toRealSiteUrl } from './site-url.js';

interface SetSiteAdminInput {
  siteUrl: string;
  loginName: string;
  isSiteAdmin: boolean;
}

function field(body: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : body[key];
}

function readInput(body: unknown): SetSiteAdminInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SpError(
      400,
      SP_CODES.invalidQuery,
      'The request body must be a JSON object with siteUrl, loginName and isSiteAdmin.',
    );
  }
  const record = body as Record<string, unknown>;
  const siteUrl = field(record, 'siteUrl');
  const loginName = field(record, 'loginName');
  const isSiteAdmin = field(record, 'isSiteAdmin');
  if (typeof siteUrl !== 'string' || siteUrl.trim() === '') {
    throw new SpError(400, SP_CODES.invalidQuery, 'The parameter siteUrl is required and must be a string.');
  }
  if (typeof loginName !== 'string' || loginName.trim() === '') {
    throw new SpError(
      400,
      SP_CODES.invalidQuery,
      'The parameter loginName is required and must be a string.',
    );
  }
  if (typeof isSiteAdmin !== 'boolean') {
    throw new SpError(
      400,
      SP_CODES.invalidQuery,
      'The parameter isSiteAdmin is required and must be a boolean.',
    );
  }
  return { siteUrl, loginName, isSiteAdmin };
}

export function setSiteAdmin(rc: RouteContext, format: SpFormat): SandboxResponse {
  const input = readInput(rc.request.body);
  const siteUrl = toRealSiteUrl(input.siteUrl, rc.request.baseUrl);
  const drive = siteUrl === null ? undefined : rc.tenant.sharing.driveBySiteUrl(siteUrl);
  if (siteUrl === null || !drive) {
    throw new SpError(404, SP_CODES.notFound, `Cannot get site ${input.siteUrl}.`);
  }
  const user = userFromLoginName(rc.tenant, input.loginName);
  if (!user) throw new SpError(400, SP_CODES.spException, 'The user does not exist or is not unique.');
  const existing = rc.tenant.data.siteAdmins.get(`${normalizeSiteUrl(drive.siteUrl)}|${user.id}`);
  if (!input.isSiteAdmin && existing?.isPrimaryOwner === true && existing.hiddenFrom === null) {
    throw new SpError(
      400,
      SP_CODES.spException,
      `${user.displayName} is the primary site collection administrator of ${drive.siteUrl} and can't be removed.`,
    );
  }
  const outcome = rc.tenant.sharing.setSiteAdmin(drive.siteUrl, user.id, input.isSiteAdmin);
  // A call that changes nothing is not an applied write in the request log.
  if (outcome === 'changed')
    rc.setOperation(input.isSiteAdmin ? 'spo.add-site-admin' : 'spo.remove-site-admin');
  const adminApi = `${rc.request.baseUrl}/${rc.request.host}/_api`;
  const { entity, meta } = siteUserEntity(
    drive.siteUrl,
    `${rc.request.baseUrl}/${drive.siteUrl.slice('https://'.length)}/_api`,
    user,
    input.isSiteAdmin,
  );
  return {
    status: 200,
    headers: { 'content-type': contentType(format) },
    body: entityBody(entity, meta, format, `${adminApi}/$metadata#SP.ApiData.Users`),
  };
}

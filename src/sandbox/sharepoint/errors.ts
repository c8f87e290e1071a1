/**
 * SharePoint REST errors: `{"odata.error":{"code":"<hresult>, <.NET type>","message":{"lang":"en-US","value":…}}}`
 * (verbose: `{"error":{…}}`). 401 answers carry the `x-ms-diagnostics` reason and a Bearer challenge.
 */
import type { SandboxRequest, SandboxResponse, ServiceErrors } from '../http/service.js';
import { formatFromAccept } from './odata-format.js';

export const SP_CODES = {
  argument: '-2147024809, System.ArgumentException',
  spException: '-2146232832, Microsoft.SharePoint.SPException',
  invalidQuery: '-1, Microsoft.SharePoint.Client.InvalidClientQueryException',
  accessDenied: '-2147024891, System.UnauthorizedAccessException',
  notFound: '-2130575338, Microsoft.SharePoint.SPException',
  throttled: '-2147024860, Microsoft.SharePoint.SPThrottledException',
  unavailable: '-2147024809, Microsoft.SharePoint.SPServerUnavailableException',
} as const;

/** Thrown by SharePoint handlers; rendered in the request's JSON flavour. */
export class SpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SpError';
  }
}

export function spErrorResponse(
  req: SandboxRequest,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): SandboxResponse {
  const error = { code, message: { lang: 'en-US', value: message } };
  const isVerbose = formatFromAccept(req.headers['accept']) === 'verbose';
  return {
    status,
    headers: { 'content-type': 'application/json;odata=minimalmetadata;charset=utf-8', ...headers },
    body: isVerbose ? { error } : { 'odata.error': error },
  };
}

export function sharePointErrors(tenantId: string): ServiceErrors {
  return {
    badRequest: (req, message) => spErrorResponse(req, 400, SP_CODES.invalidQuery, message),
    unauthorized: (_req, reason) => ({
      status: 401,
      headers: {
        'www-authenticate':
          `Bearer realm="${tenantId}",client_id="00000003-0000-0ff1-ce00-000000000000",` +
          `trusted_issuers="00000001-0000-0000-c000-000000000000@*,https://sts.windows.net/*/",` +
          `authorization_uri="https://login.windows.net/common/oauth2/authorize"`,
        'x-ms-diagnostics': `3000003;reason="${reason.replace(/"/g, "'")}";category="invalid_client"`,
      },
      body: { error_description: reason },
    }),
    forbidden: (req, requiredPermissions) =>
      spErrorResponse(
        req,
        403,
        SP_CODES.accessDenied,
        `Attempted to perform an unauthorized operation. The application needs ${requiredPermissions.join(' or ')}.`,
      ),
    notFound: (req) =>
      spErrorResponse(req, 404, SP_CODES.notFound, `The resource '/${req.host}${req.path}' was not found.`),
    throttled: (req, retryAfterSeconds) =>
      spErrorResponse(
        req,
        429,
        SP_CODES.throttled,
        `The request has been throttled. Retry after ${retryAfterSeconds} seconds.`,
        { 'retry-after': String(retryAfterSeconds) },
      ),
    fault: (req, status) =>
      spErrorResponse(
        req,
        status,
        SP_CODES.unavailable,
        'The server is busy or unavailable. Please try again later.',
      ),
  };
}

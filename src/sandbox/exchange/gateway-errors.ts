/**
 * How the Exchange admin gateway answers generic failures. 401 and 403 carry no body; the reason is in the
 * `x-ms-diagnostics` header (as observed by client authors). 429 carries `Retry-After` in seconds.
 */
import type { SandboxRequest, SandboxResponse, ServiceErrors } from '../http/service.js';
import { badRequest } from './errors.js';

const AUTHORIZATION_URI = 'https://login.microsoftonline.com/common/oauth2/authorize';

function diagnostics(code: number, reason: string, category: string): string {
  return `${code};reason="${reason.replace(/"/g, "'")}";error_category="${category}"`;
}

function simpleError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): SandboxResponse {
  return { status, headers, body: { error: { code, message } } };
}

export const exchangeErrors: ServiceErrors = {
  badRequest(_req: SandboxRequest, message: string): SandboxResponse {
    return { status: 400, body: badRequest(message).toBody() };
  },
  unauthorized(_req: SandboxRequest, reason: string): SandboxResponse {
    return {
      status: 401,
      headers: {
        'www-authenticate':
          `Bearer client_id="00000002-0000-0ff1-ce00-000000000000", ` +
          `authorization_uri="${AUTHORIZATION_URI}", error="invalid_token"`,
        'x-ms-diagnostics': diagnostics(2000001, reason, 'invalid_token'),
      },
    };
  },
  forbidden(_req: SandboxRequest, requiredPermissions: readonly string[]): SandboxResponse {
    return {
      status: 403,
      headers: {
        'x-ms-diagnostics': diagnostics(
          2000008,
          `The token does not contain the permission required to access this resource (${requiredPermissions.join(' or ')}), ` +
            'or the application has no RBAC role assignment (Recipient Management) in this organization.',
          'insufficient_auth',
        ),
      },
    };
  },
  notFound(req: SandboxRequest): SandboxResponse {
    return simpleError(
      404,
      'NotFound',
      `The resource '${req.method} /${req.host}${req.path}' was not found.`,
    );
  },
  throttled(_req: SandboxRequest, retryAfterSeconds: number): SandboxResponse {
    return simpleError(
      429,
      'TooManyRequests',
      `The request was throttled because the application exceeded its budget. Retry after ${retryAfterSeconds} seconds.`,
      { 'retry-after': String(retryAfterSeconds) },
    );
  },
  fault(_req: SandboxRequest, status: number): SandboxResponse {
    const code =
      status === 503
        ? 'ServiceUnavailable'
        : status === 504
          ? 'GatewayTimeout'
          : status === 502
            ? 'BadGateway'
            : 'InternalServerError';
    return simpleError(
      status,
      code,
      'The server encountered an error processing the request. Please try again later.',
    );
  },
};

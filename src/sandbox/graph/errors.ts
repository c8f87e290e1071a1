/** Graph's error envelope, success content type, and the service-level error dialect. */
import {
  RouteError,
  type SandboxRequest,
  type SandboxResponse,
  type ServiceErrors,
} from '../http/service.js';

export const graphJsonType =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

function innerDate(): string {
  return new Date().toISOString().slice(0, 19);
}

export function graphError(
  req: SandboxRequest,
  status: number,
  code: string,
  message: string,
): SandboxResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json' },
    body: {
      error: {
        code,
        message,
        innerError: {
          date: innerDate(),
          'request-id': req.requestId,
          'client-request-id': req.clientRequestId ?? req.requestId,
        },
      },
    },
  };
}

/** Throws a Graph error out of a handler. */
export function fail(req: SandboxRequest, status: number, code: string, message: string): never {
  throw new RouteError(graphError(req, status, code, message), message);
}

export function ok(body: unknown, status = 200): SandboxResponse {
  return { status, headers: { 'Content-Type': graphJsonType, 'OData-Version': '4.0' }, body };
}

export const noContent: SandboxResponse = { status: 204 };

export function notFoundResource(req: SandboxRequest, id: string): never {
  return fail(
    req,
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

/** Throws a 400 in the directory dialect (`Request_BadRequest`): users, groups, licences and their lists. */
export function directoryBadRequest(req: SandboxRequest, message: string): never {
  return fail(req, 400, 'Request_BadRequest', message);
}

export function insufficientPrivileges(req: SandboxRequest): never {
  return fail(req, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

export const graphErrors: ServiceErrors = {
  badRequest: (req, message) => graphError(req, 400, 'BadRequest', message),
  unauthorized: (req, reason) =>
    graphError(
      req,
      401,
      'InvalidAuthenticationToken',
      reason.startsWith('Authentication failed') ? 'Access token is empty.' : reason,
    ),
  forbidden: (req) =>
    graphError(req, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
  notFound: (req, segment) => {
    const named = segment ?? decodeURIComponentSafe(req.path.split('/').filter(Boolean).pop() ?? '');
    return graphError(req, 400, 'BadRequest', `Resource not found for the segment '${named}'.`);
  },
  methodNotAllowed: (req) =>
    graphError(
      req,
      405,
      'Request_BadRequest',
      'Specified HTTP method is not allowed for the request target.',
    ),
  throttled: (req, seconds) => ({
    status: 429,
    headers: {
      'Content-Type': 'application/json',
      'Retry-After': String(seconds),
      'x-ms-throttle-scope': `Tenant_Application/ReadWrite/${req.caller?.appId ?? ''}/${req.caller?.tenantId ?? ''}`,
      'x-ms-throttle-information': 'ResourceUnitLimitExceeded',
    },
    body: {
      error: {
        code: 'TooManyRequests',
        innerError: {
          code: '429',
          date: innerDate(),
          message: 'Please retry after',
          'request-id': req.requestId,
          status: '429',
        },
        message: 'Please retry again later.',
      },
    },
  }),
  fault: (req, status) =>
    status === 503
      ? {
          ...graphError(req, 503, 'serviceNotAvailable', 'Service unavailable.'),
          headers: { 'Content-Type': 'application/json', 'Retry-After': '1' },
        }
      : status === 504
        ? graphError(req, 504, 'gatewayTimeout', 'The gateway did not receive a response in time.')
        : graphError(req, status, 'generalException', 'An internal server error occurred.'),
};

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Routes that exist in Graph only for a signed-in user. The sandbox issues application tokens only, so it
 * answers them as Graph answers an app-only token, not as unknown segments:
 * - `/me` and everything under it → 400 BadRequest "/me request is only valid with delegated authentication
 *   flow." [observed: the message app-only callers get; /me has no signed-in user to resolve];
 * - authentication-method `resetPassword` (permissions table: "Application: Not supported") → 403
 *   `accessDenied` "Request Authorization failed." [observed for the authentication-methods API with
 *   app-only tokens, MicrosoftDocs/azure-docs#114024].
 */
import type { HttpMethod, RouteContext, RouteDefinition, SandboxResponse } from '../http/service.js';
import { fail } from './errors.js';

const methods: readonly HttpMethod[] = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];

export const meAppOnlyMessage = '/me request is only valid with delegated authentication flow.';

function meAppOnly(rc: RouteContext): SandboxResponse {
  return fail(rc.request, 400, 'BadRequest', meAppOnlyMessage);
}

function resetPasswordAppOnly(rc: RouteContext): SandboxResponse {
  return fail(rc.request, 403, 'accessDenied', 'Request Authorization failed.');
}

const mePaths = ['/v1.0/me', '/v1.0/me/*rest'];
const resetPasswordPaths = [
  '/v1.0/users/:id/authentication/methods/:methodId/resetPassword',
  '/v1.0/users/:id/authentication/passwordMethods/:methodId/resetPassword',
];

export const delegatedOnlyRoutes: RouteDefinition[] = [
  ...mePaths.flatMap((path) =>
    methods.map((method) => ({ method, path, permissions: [], handler: meAppOnly })),
  ),
  ...resetPasswordPaths.map((path): RouteDefinition => ({
    method: 'POST',
    path,
    permissions: [],
    handler: resetPasswordAppOnly,
  })),
];

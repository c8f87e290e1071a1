/**
 * Authentication methods (`/users/{id}/authentication/...`): list every method, delete one by its type's
 * collection. Application permission UserAuthenticationMethod.ReadWrite.All (Read.All to list).
 */
import type { RouteContext, RouteDefinition, SandboxResponse } from '../http/service.js';
import type { AuthMethodRecord } from '../state/checklist-types.js';
import { fail, noContent, ok } from './errors.js';
import { requireUser } from './lookup.js';

/** Collection segment → the `@odata.type` its items have (authenticationmethods-overview.md). */
const collectionTypes: Record<string, string> = {
  phonemethods: '#microsoft.graph.phoneAuthenticationMethod',
  microsoftauthenticatormethods: '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod',
  fido2methods: '#microsoft.graph.fido2AuthenticationMethod',
  softwareoathmethods: '#microsoft.graph.softwareOathAuthenticationMethod',
  temporaryaccesspassmethods: '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
  emailmethods: '#microsoft.graph.emailAuthenticationMethod',
  windowshelloforbusinessmethods: '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod',
};

const passwordType = '#microsoft.graph.passwordAuthenticationMethod';

function methodJson(m: AuthMethodRecord): Record<string, unknown> {
  return { '@odata.type': m.odataType, id: m.id, ...m.properties };
}

function listMethods(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  return ok({
    '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${user.id}')/authentication/methods`,
    value: rc.tenant.checklist.authMethods(user.id).map(methodJson),
  });
}

function deleteMethod(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  const collection = (rc.request.params['collection'] ?? '').toLowerCase();
  const methodId = rc.request.params['methodId'] ?? '';
  const type = collectionTypes[collection];
  if (type === undefined)
    return fail(rc.request, 400, 'BadRequest', `Resource not found for the segment '${collection}'.`);
  const methods = rc.tenant.checklist.authMethods(user.id);
  const method = methods.find((m) => m.id === methodId && m.odataType === type);
  if (!method)
    return fail(rc.request, 404, 'itemNotFound', 'The specified authentication method was not found.');
  const others = methods.filter((m) => m !== method && m.odataType !== passwordType);
  if (method.isDefault && others.length > 0) {
    // Observed string (learn.microsoft.com/answers/questions/1337439): the default method goes last.
    return fail(
      rc.request,
      400,
      'badRequest',
      'Cannot delete default method with other methods configured. Please change default method before deletion.',
    );
  }
  rc.tenant.checklist.removeAuthMethod(user.id, method.id);
  return noContent;
}

export const authMethodRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    path: '/v1.0/users/:id/authentication/methods',
    permissions: ['UserAuthenticationMethod.Read.All', 'UserAuthenticationMethod.ReadWrite.All'],
    handler: listMethods,
  },
  {
    method: 'DELETE',
    path: '/v1.0/users/:id/authentication/:collection/:methodId',
    permissions: ['UserAuthenticationMethod.ReadWrite.All'],
    operation: 'user.delete-auth-method',
    handler: deleteMethod,
  },
];

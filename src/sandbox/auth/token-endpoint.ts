/**
 * The Entra ID token endpoint (client credentials only) and the metadata msal-node may fetch:
 * `POST /{tenant}/oauth2/v2.0/token`, `GET /{tenant}/v2.0/.well-known/openid-configuration`,
 * `GET /common/discovery/instance`, `GET /{tenant}/discovery/v2.0/keys`.
 */
import type {
  RouteContext,
  SandboxRequest,
  SandboxResponse,
  ServiceDefinition,
  ServiceErrors,
} from '../http/service.js';
import type { Tenant } from '../state/tenant.js';
import { accessTokenLifetimeSeconds, issueAccessToken } from './access-token.js';
import { aadError } from './aad-errors.js';
import { checkClientCredentials } from './client-credentials.js';
import { instanceDiscovery, openIdConfiguration } from './metadata.js';
import { resolveScope } from './resource-scope.js';
import type { SigningKey } from './signing-key.js';

const json = (body: unknown): SandboxResponse => ({
  status: 200,
  headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store, no-cache' },
  body,
});

function isThisTenant(segment: string, tenant: Tenant): boolean {
  const s = segment.toLowerCase();
  const info = tenant.info;
  return s === info.tenantId || s === info.domain.toLowerCase() || s === info.initialDomain.toLowerCase();
}

function token(rc: RouteContext, key: SigningKey): SandboxResponse {
  const req = rc.request;
  const tenantSegment = req.params['tenant'] ?? '';
  if (!isThisTenant(tenantSegment, rc.tenant)) {
    return aadError(
      req,
      400,
      'invalid_request',
      90002,
      `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
  // Only a form body carries parameters: any other body is answered like a missing grant_type.
  const isForm = (req.headers['content-type'] ?? '')
    .toLowerCase()
    .startsWith('application/x-www-form-urlencoded');
  const form = new URLSearchParams(isForm ? req.rawBody : '');
  const grantType = form.get('grant_type');
  if (!grantType) {
    return aadError(
      req,
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  }
  if (grantType !== 'client_credentials') {
    return aadError(
      req,
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grantType}'.`,
    );
  }
  const clientId = form.get('client_id') ?? '';
  const app = rc.tenant.getApp(clientId.toLowerCase());
  if (!app) {
    return aadError(
      req,
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${rc.tenant.info.displayName}'.`,
    );
  }
  const scope = form.get('scope') ?? '';
  const resolved = resolveScope(scope, rc.tenant.info);
  if (!resolved) {
    return aadError(
      req,
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const calledUrl = `${req.baseUrl}/login.microsoftonline.com/${tenantSegment}/oauth2/v2.0/token`;
  const acceptedAudiences = [
    calledUrl,
    `https://login.microsoftonline.com/${tenantSegment}/oauth2/v2.0/token`,
    `https://login.microsoftonline.com/${rc.tenant.tenantId}/oauth2/v2.0/token`,
  ];
  const check = checkClientCredentials(app, {
    clientSecret: form.get('client_secret'),
    assertionType: form.get('client_assertion_type'),
    assertion: form.get('client_assertion'),
    acceptedAudiences,
    nowMs: rc.tenant.now(),
  });
  if (!check.ok) return aadError(req, check.status, check.error, check.code, check.description);
  rc.setOperation('token.issue');
  const accessToken = issueAccessToken(key, {
    app,
    tenantId: rc.tenant.tenantId,
    audience: resolved.audience,
    roles: app.roles[resolved.resource],
    credentialKind: check.kind,
    nowMs: rc.tenant.now(),
  });
  return json({
    token_type: 'Bearer',
    expires_in: accessTokenLifetimeSeconds,
    ext_expires_in: accessTokenLifetimeSeconds,
    access_token: accessToken,
  });
}

function tenantMetadata(rc: RouteContext): SandboxResponse {
  const segment = rc.request.params['tenant'] ?? '';
  if (!isThisTenant(segment, rc.tenant) && segment !== 'organizations' && segment !== 'common') {
    return aadError(rc.request, 400, 'invalid_tenant', 90002, `Tenant '${segment}' not found.`);
  }
  return json(openIdConfiguration(rc.request.baseUrl, rc.tenant.info));
}

const errors: ServiceErrors = {
  badRequest: (req, message) => aadError(req, 400, 'invalid_request', 900144, message),
  unauthorized: (req, reason) => aadError(req, 401, 'invalid_client', 7000215, reason),
  forbidden: (req) =>
    aadError(req, 403, 'access_denied', 50105, 'The signed in user is not assigned to a role.'),
  notFound: (req: SandboxRequest) => ({
    status: 404,
    headers: { 'Content-Type': 'text/html' },
    body: `Not found: ${req.path}`,
  }),
  throttled: (req, seconds) => ({
    ...aadError(
      req,
      429,
      'temporarily_unavailable',
      50196,
      'The server is temporarily unable to handle the request.',
    ),
    headers: { 'Retry-After': String(seconds), 'Content-Type': 'application/json; charset=utf-8' },
  }),
  fault: (req, status) =>
    aadError(req, status, 'temporarily_unavailable', 50001, 'The service is temporarily unavailable.'),
};

export function createLoginService(key: SigningKey): ServiceDefinition {
  return {
    name: 'login',
    hosts: ['login.microsoftonline.com'],
    audiences: [],
    resource: 'graph',
    errors,
    responseHeaders: (req) => ({ 'x-ms-request-id': req.requestId }),
    routes: [
      { method: 'POST', path: '/:tenant/oauth2/v2.0/token', handler: (rc) => token(rc, key) },
      { method: 'GET', path: '/:tenant/v2.0/.well-known/openid-configuration', handler: tenantMetadata },
      { method: 'GET', path: '/:tenant/.well-known/openid-configuration', handler: tenantMetadata },
      {
        method: 'GET',
        path: '/common/discovery/instance',
        handler: (rc) => json(instanceDiscovery(rc.request.baseUrl, rc.tenant.info)),
      },
      {
        method: 'GET',
        path: '/:tenant/discovery/instance',
        handler: (rc) => json(instanceDiscovery(rc.request.baseUrl, rc.tenant.info)),
      },
      { method: 'GET', path: '/:tenant/discovery/v2.0/keys', handler: () => json({ keys: [key.jwk] }) },
    ],
  };
}

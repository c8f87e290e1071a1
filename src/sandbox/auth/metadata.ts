/** OpenID configuration, instance discovery and JWKS documents of the sandbox's login host. */
import type { TenantInfo } from '../state/tenant-data.js';

const loginHost = 'login.microsoftonline.com';

export function openIdConfiguration(baseUrl: string, info: TenantInfo): Record<string, unknown> {
  const root = `${baseUrl}/${loginHost}/${info.tenantId}`;
  return {
    token_endpoint: `${root}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${baseUrl}/${loginHost}/${info.tenantId}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `https://login.microsoftonline.com/${info.tenantId}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${root}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${root}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'tid', 'ver', 'oid'],
    kerberos_endpoint: `${root}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** `GET /common/discovery/instance` (msal's cloud discovery). */
export function instanceDiscovery(baseUrl: string, info: TenantInfo): Record<string, unknown> {
  return {
    tenant_discovery_endpoint: `${baseUrl}/${loginHost}/${info.tenantId}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [
      {
        preferred_network: loginHost,
        preferred_cache: 'login.windows.net',
        aliases: [loginHost, 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'],
      },
    ],
  };
}

/**
 * The OpenID and instance-discovery documents msal would otherwise download from the internet. Passing
 * them as `authorityMetadata` / `cloudDiscoveryMetadata` (JSON strings) with `knownAuthorities` makes
 * msal-node start without any discovery call, which is what lets it run offline against the sandbox
 * and saves two round trips in production.
 */
export interface AuthorityConfig {
  /** `https://login.microsoftonline.com/{tenantId}` */
  authority: string;
  authorityMetadata: string;
  cloudDiscoveryMetadata: string;
  knownAuthorities: string[];
}

const PUBLIC_CLOUD_ALIASES = [
  'login.microsoftonline.com',
  'login.windows.net',
  'login.microsoft.com',
  'sts.windows.net',
];

const TENANT_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^[a-z0-9][a-z0-9.-]{0,250}[a-z0-9]$/i;

export function isValidTenant(tenant: string): boolean {
  return TENANT_PATTERN.test(tenant);
}

/** `authorityHostName` is a bare host name such as `login.microsoftonline.com`. */
export function buildAuthorityConfig(authorityHostName: string, tenantId: string): AuthorityConfig {
  if (!isValidTenant(tenantId)) throw new Error(`Invalid tenant id or domain: ${JSON.stringify(tenantId)}`);
  if (!/^[a-z0-9.-]+$/i.test(authorityHostName)) {
    throw new Error(`Invalid authority host name: ${JSON.stringify(authorityHostName)}`);
  }
  const host = authorityHostName.toLowerCase();
  const base = `https://${host}/${tenantId}`;
  const authorityMetadata = {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    issuer: `${base}/v2.0`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
  };
  const aliases = PUBLIC_CLOUD_ALIASES.includes(host) ? PUBLIC_CLOUD_ALIASES : [host];
  const cloudDiscoveryMetadata = {
    tenant_discovery_endpoint: `${base}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases }],
  };
  return {
    authority: base,
    authorityMetadata: JSON.stringify(authorityMetadata),
    cloudDiscoveryMetadata: JSON.stringify(cloudDiscoveryMetadata),
    knownAuthorities: [host],
  };
}

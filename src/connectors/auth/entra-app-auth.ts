import { ConfidentialClientApplication, LogLevel, type Configuration } from '@azure/msal-node';
import type { Logger } from 'pino';
import { InvalidInputError } from '../../core/errors.js';
import { toLifecycleAuthError } from './auth-errors.js';
import { buildAuthorityConfig, isValidTenant } from './authority-metadata.js';
import type { AppCredential } from './certificate-credential.js';
import { SandboxAuthorityNetworkClient } from './sandbox-authority-network-client.js';
import type { CredentialKind, TokenProvider, TokenSource } from './token-provider.js';

export const PUBLIC_AUTHORITY_HOST = 'https://login.microsoftonline.com';

export interface EntraAppAuthOptions {
  tenantId: string;
  clientId: string;
  /** Certificate (preferred; required by SharePoint) or secret. */
  credential: AppCredential;
  /**
   * `https://login.microsoftonline.com` (default, or another cloud's https host), or in sandbox mode
   * the sandbox's `${baseUrl}/login.microsoftonline.com`.
   */
  authorityHost?: string;
  /** Must be true for a non-https authority host: only the sandbox may be reached over plain http. */
  isSandbox?: boolean;
  logger: Logger;
}

/**
 * App-only (client-credentials) tokens from msal-node's ConfidentialClientApplication. One
 * application and one token cache serve every resource; each resource gets its own TokenProvider.
 * msal starts from built-in authority metadata (no discovery calls); in sandbox mode a rewriting
 * network client sends its https token requests to the sandbox.
 */
/** A token is used until this long before it expires (msal itself renews five minutes ahead). */
const tokenReuseMarginMs = 5 * 60_000;

export class EntraAppAuth implements TokenSource {
  readonly credentialKind: CredentialKind;
  private readonly app: ConfidentialClientApplication;
  private readonly logger: Logger;
  private readonly inFlight = new Map<string, Promise<string>>();
  /** The last token per scope, reused until `reuseUntilMs`. */
  private readonly tokens = new Map<string, { token: string; reuseUntilMs: number }>();

  constructor(options: EntraAppAuthOptions) {
    if (!isValidTenant(options.tenantId))
      throw new InvalidInputError('tenantId is not a tenant id or domain');
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(options.clientId)) {
      throw new InvalidInputError('clientId must be the application (client) id GUID');
    }
    this.logger = options.logger.child({ component: 'entra-auth' });
    this.credentialKind = options.credential.kind;
    const { hostName, sandboxBase } = parseAuthorityHost(
      options.authorityHost ?? PUBLIC_AUTHORITY_HOST,
      options.isSandbox === true,
    );
    const authority = buildAuthorityConfig(hostName, options.tenantId);
    const credential = options.credential;
    const configuration: Configuration = {
      auth: {
        clientId: options.clientId,
        authority: authority.authority,
        authorityMetadata: authority.authorityMetadata,
        cloudDiscoveryMetadata: authority.cloudDiscoveryMetadata,
        knownAuthorities: authority.knownAuthorities,
        ...(credential.kind === 'certificate'
          ? {
              clientCertificate: {
                thumbprintSha256: credential.thumbprintSha256,
                privateKey: credential.privateKey,
                ...(credential.x5c === undefined ? {} : { x5c: credential.x5c }),
              },
            }
          : { clientSecret: credential.clientSecret }),
      },
      system: {
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Warning,
          loggerCallback: (level, message, containsPii) => {
            if (containsPii) return;
            if (level === LogLevel.Error) this.logger.error({ msal: message }, 'msal error');
            else this.logger.warn({ msal: message }, 'msal warning');
          },
        },
        ...(sandboxBase === undefined
          ? {}
          : { networkClient: new SandboxAuthorityNetworkClient(hostName, sandboxBase) }),
      },
    };
    this.app = new ConfidentialClientApplication(configuration);
  }

  tokenProvider(scope: string): TokenProvider {
    if (!/^https:\/\/[^/\s]+\/\.default$/.test(scope))
      throw new InvalidInputError(`Not an app-only scope: ${scope}`);
    return {
      scope,
      credentialKind: this.credentialKind,
      getToken: (options) => this.acquire(scope, options?.forceRefresh === true),
    };
  }

  private acquire(scope: string, forceRefresh: boolean): Promise<string> {
    // msal answers from its cache too, but each answer costs a cache search and URL parsing: with fifty
    // previews at once that was ~7 % of the bot's CPU. Its token is kept here until five minutes
    // before it expires; a forced refresh (after a 401) drops it.
    const memo = this.tokens.get(scope);
    if (forceRefresh) this.tokens.delete(scope);
    else if (memo !== undefined && Date.now() < memo.reuseUntilMs) return Promise.resolve(memo.token);
    const key = `${scope}|${forceRefresh}`;
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending;
    const request = this.app
      .acquireTokenByClientCredential({ scopes: [scope], skipCache: forceRefresh })
      .then(
        (result) => {
          if (result === null || result.accessToken === '') throw new Error('msal returned no access token');
          this.logger.debug(
            { scope, fromCache: result.fromCache, expiresOn: result.expiresOn },
            'token acquired',
          );
          const expiresMs = result.expiresOn?.getTime();
          if (expiresMs !== undefined && expiresMs - tokenReuseMarginMs > Date.now()) {
            this.tokens.set(scope, {
              token: result.accessToken,
              reuseUntilMs: expiresMs - tokenReuseMarginMs,
            });
          }
          return result.accessToken;
        },
        (error: unknown) => {
          const mapped = toLifecycleAuthError(error, scope);
          this.logger.warn(
            { scope, err: { name: mapped.name, message: mapped.message } },
            'token request failed',
          );
          throw mapped;
        },
      )
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, request);
    return request;
  }
}

/**
 * `https://login.microsoftonline.com` → msal talks to that host directly.
 * `http://127.0.0.1:4010/login.microsoftonline.com` (sandbox only) → msal believes it talks to
 * `https://login.microsoftonline.com` and the network client rewrites to the sandbox.
 */
export function parseAuthorityHost(
  authorityHost: string,
  isSandbox: boolean,
): { hostName: string; sandboxBase?: string } {
  let url: URL;
  try {
    url = new URL(authorityHost);
  } catch (error) {
    throw new InvalidInputError(`authorityHost is not a URL: ${authorityHost}`, { cause: error });
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (url.protocol === 'https:' && path === '' && !isSandbox) return { hostName: url.hostname };
  if (!isSandbox) {
    throw new InvalidInputError(
      'authorityHost must be an https origin such as https://login.microsoftonline.com',
    );
  }
  const hostName = path.split('/').pop() ?? '';
  if (!/^login\.[a-z0-9.-]+$/i.test(hostName)) {
    throw new InvalidInputError(
      'A sandbox authorityHost must end with the real authority host, e.g. /login.microsoftonline.com',
    );
  }
  return { hostName, sandboxBase: `${url.origin}${path}` };
}

/**
 * The real connectors' libraries against the sandbox: msal-node (certificate assertion, PS256 + x5t#S256,
 * and client secret) and @microsoft/microsoft-graph-client with its default middleware.
 */
import { ConfidentialClientApplication } from '@azure/msal-node';
import { Client, MiddlewareFactory, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seeded, startSandbox, type Sandbox } from '../../src/sandbox/index.js';

let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sb.close();
});

function msalApp(credentials: 'certificate' | 'secret' | 'sha1-certificate'): ConfidentialClientApplication {
  const tenantId = sb.tenant.tenantId;
  const authority = `https://login.microsoftonline.com/${tenantId}`;
  const c = sb.credentials;
  const clientCredential =
    credentials === 'secret'
      ? { clientSecret: c.clientSecret }
      : credentials === 'certificate'
        ? { clientCertificate: { thumbprintSha256: c.thumbprintSha256, privateKey: c.privateKeyPem } }
        : { clientCertificate: { thumbprint: c.thumbprintSha1, privateKey: c.privateKeyPem } };
  return new ConfidentialClientApplication({
    auth: {
      clientId: c.clientId,
      authority,
      ...clientCredential,
      authorityMetadata: JSON.stringify({
        token_endpoint: sb.urls.tokenEndpoint,
        issuer: `https://login.microsoftonline.com/${tenantId}/v2.0`,
        authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
        jwks_uri: `${sb.urls.authority}/discovery/v2.0/keys`,
      }),
      cloudDiscoveryMetadata: JSON.stringify({
        tenant_discovery_endpoint: `${sb.urls.authority}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [
          {
            preferred_network: 'login.microsoftonline.com',
            preferred_cache: 'login.windows.net',
            aliases: ['login.microsoftonline.com'],
          },
        ],
      }),
    },
  });
}

async function acquire(app: ConfidentialClientApplication, scope: string): Promise<string> {
  const result = await app.acquireTokenByClientCredential({ scopes: [scope] });
  if (!result?.accessToken) throw new Error('no token');
  return result.accessToken;
}

/**
 * The client's own AuthenticationHandler only attaches tokens to https URLs, so over the plain-http sandbox
 * the chain starts with a bearer middleware; the rest is the client's default chain (Retry, Redirect, …).
 */
class BearerMiddleware implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly token: string) {}
  async execute(context: Context): Promise<void> {
    const headers: Record<string, string> = {};
    new Headers(context.options?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    headers['authorization'] = `Bearer ${this.token}`;
    context.options = { ...context.options, headers };
    await this.next?.execute(context);
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

function graphClient(token: string): Client {
  const [, ...rest] = MiddlewareFactory.getDefaultMiddlewareChain({
    getAccessToken: () => Promise.resolve(token),
  });
  return Client.initWithMiddleware({
    baseUrl: `${sb.baseUrl}/graph.microsoft.com/`,
    defaultVersion: 'v1.0',
    middleware: [new BearerMiddleware(token), ...rest],
  });
}

describe('msal-node and the Graph JS client against the sandbox', () => {
  it('gets a Graph token with a certificate assertion (PS256, x5t#S256) and reads a user', async () => {
    const token = await acquire(msalApp('certificate'), 'https://graph.microsoft.com/.default');
    const user = (await graphClient(token)
      .api(`/users/${seeded.users.adeleVance}`)
      .select('id,displayName,onPremisesSyncEnabled')
      .get()) as Record<string, unknown>;
    expect(user['displayName']).toBe('Adele Vance');
    expect(user['onPremisesSyncEnabled']).toBeNull();
  });

  it('gets a token with an RS256 assertion carrying the SHA-1 thumbprint (x5t)', async () => {
    const token = await acquire(msalApp('sha1-certificate'), 'https://outlook.office365.com/.default');
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      aud: string;
      roles: string[];
      appidacr: string;
    };
    expect(payload.aud).toBe('https://outlook.office365.com');
    expect(payload.roles).toContain('Exchange.ManageAsApp');
    expect(payload.appidacr).toBe('2');
  });

  it('gets a SharePoint token for the admin host with a client secret', async () => {
    const token = await acquire(msalApp('secret'), 'https://contoso-admin.sharepoint.com/.default');
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      aud: string;
      roles: string[];
      tid: string;
    };
    expect(payload).toMatchObject({ aud: 'https://contoso-admin.sharepoint.com', tid: sb.tenant.tenantId });
    expect(payload.roles).toEqual(['Sites.FullControl.All']);
  });

  it('pages through users with the client following @odata.nextLink', async () => {
    const token = await acquire(msalApp('certificate'), 'https://graph.microsoft.com/.default');
    const client = graphClient(token);
    let page = (await client.api('/users').select('id').top(5).get()) as {
      value: { id: string }[];
      '@odata.nextLink'?: string;
    };
    const ids = [...page.value.map((u) => u.id)];
    while (page['@odata.nextLink']) {
      // The client parses only https:// links as absolute: follow the link relative to the Graph base URL.
      const next = page['@odata.nextLink'];
      expect(next.startsWith(sb.urls.graph)).toBe(true);
      page = (await client.api(next.slice(sb.urls.graph.length)).get()) as typeof page;
      ids.push(...page.value.map((u) => u.id));
    }
    expect(new Set(ids).size).toBe(sb.state.directory.userCount);
  });
});

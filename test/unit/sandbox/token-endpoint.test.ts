import { createPrivateKey, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../../../src/sandbox/auth/jwt.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sb.close();
});

function assertion(
  overrides: {
    header?: Record<string, unknown>;
    payload?: Record<string, unknown>;
    alg?: 'RS256' | 'PS256';
  } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const x5t = Buffer.from(sb.credentials.thumbprintSha256, 'hex').toString('base64url');
  return signJwt(
    { 'x5t#S256': x5t, ...overrides.header },
    {
      aud: sb.urls.tokenEndpoint,
      iss: sb.credentials.clientId,
      sub: sb.credentials.clientId,
      exp: now + 600,
      nbf: now,
      jti: randomUUID(),
      ...overrides.payload,
    },
    createPrivateKey(sb.credentials.privateKeyPem),
    overrides.alg ?? 'PS256',
  );
}

async function token(
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(sb.urls.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: sb.credentials.clientId,
      scope: 'https://graph.microsoft.com/.default',
      ...form,
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const withAssertion = (jwt: string): Record<string, string> => ({
  client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  client_assertion: jwt,
});

describe('token endpoint', () => {
  it('issues a token for a valid certificate assertion', async () => {
    const res = await token(withAssertion(assertion()));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
  });

  it.each([
    ['an unknown thumbprint', { header: { 'x5t#S256': 'AAAA' } }, 700027],
    [
      'iss different from the client id',
      { payload: { iss: '33333333-3333-4333-8333-333333333333' } },
      700021,
    ],
    ['a wrong audience', { payload: { aud: 'https://example.com/token' } }, 700212],
    ['an expired assertion', { payload: { exp: Math.floor(Date.now() / 1000) - 3600 } }, 700024],
  ])('refuses %s', async (_name, overrides, code) => {
    const res = await token(withAssertion(assertion(overrides)));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'invalid_client', error_codes: [code] });
  });

  it('refuses an assertion whose signature does not verify', async () => {
    const [h, p, s] = assertion().split('.');
    const payload = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
    payload['exp'] = Number(payload['exp']) + 1;
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    const res = await token(withAssertion(forged));
    expect(res.body).toMatchObject({ error: 'invalid_client', error_codes: [700027] });
  });

  it('refuses unknown apps, bad scopes and other tenants', async () => {
    expect(
      (await token({ client_id: '99999999-9999-4999-8999-999999999999', client_secret: 'x' })).body,
    ).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });
    expect(
      (await token({ client_secret: sb.credentials.clientSecret, scope: 'User.Read' })).body,
    ).toMatchObject({ error: 'invalid_scope' });
    const other = await fetch(sb.urls.tokenEndpoint.replace(sb.tenant.tenantId, 'fabrikam.com'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(other.status).toBe(400);
  });

  it('serves OpenID metadata and instance discovery', async () => {
    const oidc = (await (
      await fetch(`${sb.urls.authority}/v2.0/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(oidc['token_endpoint']).toBe(sb.urls.tokenEndpoint);
    const disco = (await (
      await fetch(`${sb.urls.authorityHost}/common/discovery/instance?api-version=1.1`)
    ).json()) as Record<string, unknown>;
    expect(disco['tenant_discovery_endpoint']).toContain('/v2.0/.well-known/openid-configuration');
  });
});

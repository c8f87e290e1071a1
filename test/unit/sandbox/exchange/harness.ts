/**
 * An in-process sandbox for the Exchange and SharePoint route tests: the real pipeline, HTTP server, token
 * endpoint and services over a fixture tenant (see fixture-tenant.ts), with tokens fetched over HTTP.
 */
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { createLoginService } from '../../../../src/sandbox/auth/token-endpoint.js';
import { createSigningKey } from '../../../../src/sandbox/auth/signing-key.js';
import { Behaviours } from '../../../../src/sandbox/behaviours/behaviours.js';
import { defaultBehaviours } from '../../../../src/sandbox/behaviours/config.js';
import { RequestLog } from '../../../../src/sandbox/behaviours/request-log.js';
import { createExchangeService } from '../../../../src/sandbox/exchange/routes.js';
import { Pipeline } from '../../../../src/sandbox/http/pipeline.js';
import { startHttpServer, type HttpServerHandle } from '../../../../src/sandbox/http/server.js';
import { createSharePointService } from '../../../../src/sandbox/sharepoint/routes.js';
import { Tenant } from '../../../../src/sandbox/state/tenant.js';
import { fixtureTenant, FULL_APP, TENANT_ID } from './fixture-tenant.js';

export interface TestSandbox {
  baseUrl: string;
  tenant: Tenant;
  behaviours: Behaviours;
  log: RequestLog;
  /** Client-credentials token (secret) for a resource, e.g. `https://outlook.office365.com`. */
  token(appId: string, secret: string, resource: string): Promise<string>;
  /** Token from the full app's certificate (what SharePoint requires). */
  certificateToken(resource: string): Promise<string>;
  close(): Promise<void>;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function startTestSandbox(): Promise<TestSandbox> {
  const fixture = fixtureTenant();
  const tenant = new Tenant(fixture.data);
  const behaviours = new Behaviours(defaultBehaviours(), 7);
  const log = new RequestLog();
  const signingKey = createSigningKey();
  const pipeline = new Pipeline({ tenant, behaviours, log, signingKey }, [
    createLoginService(signingKey),
    createExchangeService({ tenant }),
    createSharePointService({ tenant }),
  ]);
  const server: HttpServerHandle = await startHttpServer(pipeline, () => Promise.resolve({ status: 404 }), {
    host: '127.0.0.1',
    port: 0,
  });
  const tokenUrl = `${server.baseUrl}/login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/token`;
  const requestToken = async (form: Record<string, string>): Promise<string> => {
    const res = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...form }).toString(),
    });
    const body = (await res.json()) as { access_token?: string; error_description?: string };
    if (!body.access_token)
      throw new Error(`token request failed: ${res.status} ${body.error_description ?? ''}`);
    return body.access_token;
  };
  return {
    baseUrl: server.baseUrl,
    tenant,
    behaviours,
    log,
    token: (appId, secret, resource) =>
      requestToken({ client_id: appId, client_secret: secret, scope: `${resource}/.default` }),
    certificateToken: (resource) => {
      const now = Math.floor(Date.now() / 1000);
      const header = Buffer.from(
        JSON.stringify({ alg: 'RS256', typ: 'JWT', x5t: fixture.certificate.thumbprintSha1 }),
      );
      const payload = Buffer.from(
        JSON.stringify({
          aud: tokenUrl,
          iss: FULL_APP.id,
          sub: FULL_APP.id,
          jti: randomUUID(),
          nbf: now,
          exp: now + 600,
        }),
      );
      const input = `${header.toString('base64url')}.${payload.toString('base64url')}`;
      const signature = sign(
        'sha256',
        Buffer.from(input),
        createPrivateKey(fixture.certificate.privateKeyPem),
      );
      return requestToken({
        client_id: FULL_APP.id,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: `${input}.${signature.toString('base64url')}`,
        scope: `${resource}/.default`,
      });
    },
    close: () => server.close(),
  };
}

/** POSTs a cmdlet envelope (or any JSON) and returns status, headers and parsed body. */
export async function postJson(
  url: string,
  token: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text === '' ? null : (JSON.parse(text) as unknown),
  };
}

export async function getJson(
  url: string,
  token: string,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, ...headers } });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text === '' ? null : (JSON.parse(text) as unknown),
  };
}

export function cmdlet(name: string, parameters?: Record<string, unknown>): unknown {
  return {
    CmdletInput:
      parameters === undefined ? { CmdletName: name } : { CmdletName: name, Parameters: parameters },
  };
}

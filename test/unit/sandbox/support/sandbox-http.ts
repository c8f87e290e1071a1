/** Small HTTP helpers for sandbox tests: tokens by client secret, and JSON calls to Graph. */
import type { Sandbox } from '../../../../src/sandbox/index.js';

export interface CallResult {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function tokenFor(
  sb: Sandbox,
  opts: { clientId?: string; secret?: string; scope?: string } = {},
): Promise<string> {
  const res = await fetch(sb.urls.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: opts.clientId ?? sb.credentials.clientId,
      client_secret: opts.secret ?? sb.credentials.clientSecret,
      scope: opts.scope ?? 'https://graph.microsoft.com/.default',
    }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token) throw new Error(`token request failed: ${res.status}`);
  return body.access_token;
}

export async function call(
  sb: Sandbox,
  token: string | null,
  method: string,
  pathAndQuery: string,
  opts: { body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { ...opts.headers };
  if (token) headers['authorization'] = `Bearer ${token}`;
  let payload: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const url = pathAndQuery.startsWith('http') ? pathAndQuery : `${sb.urls.graph}${pathAndQuery}`;
  const res = await fetch(url, { method, headers, body: payload });
  const text = await res.text();
  let body: unknown = null;
  if (text.length > 0) {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = text;
    }
  }
  return { status: res.status, headers: res.headers, body };
}

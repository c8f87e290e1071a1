/**
 * `POST /adminapi/beta/{tenant}/$batch`: OData JSON batch of InvokeCommand calls, as the module sends them to
 * fan out Get-MailboxPermission. Each item runs through the normal pipeline (auth, faults, throttling, log).
 * Without `Prefer: odata.continue-on-error` processing stops after the first failed item.
 */
import type { InternalRequest, RouteContext, SandboxResponse } from '../http/service.js';
import { isJsonObject, type JsonValue } from './envelope.js';
import { badRequest, ExoCmdletError } from './errors.js';
import { ODATA_JSON } from './invoke.js';

/** The sub-request limit is not documented (Graph's is 20); the sandbox enforces 20. */
export const MAX_BATCH_REQUESTS = 20;

const INVOKE_PATH = /^\/adminapi\/beta\/[^/?#]+\/InvokeCommand(?:\?[^#]*)?$/i;

function subPath(rc: RouteContext, url: string): string | null {
  const real = 'https://outlook.office365.com';
  const sandbox = `${rc.request.baseUrl}/outlook.office365.com`;
  let path: string;
  if (url.toLowerCase().startsWith(real)) path = url.slice(real.length);
  else if (url.toLowerCase().startsWith(sandbox.toLowerCase())) path = url.slice(sandbox.length);
  else if (url.startsWith('/')) path = url;
  else return null;
  return INVOKE_PATH.test(path) ? path : null;
}

interface BatchItem {
  id: string;
  request: InternalRequest | null;
  error: string | null;
}

function readItems(rc: RouteContext, body: unknown): BatchItem[] {
  if (!isJsonObject(body) || !Array.isArray(body['requests'])) {
    throw badRequest('The batch body must be an object with a "requests" array.');
  }
  const requests: JsonValue[] = body['requests'];
  if (requests.length === 0 || requests.length > MAX_BATCH_REQUESTS) {
    throw badRequest(`A batch must hold between 1 and ${MAX_BATCH_REQUESTS} requests.`);
  }
  const ids = new Set<string>();
  return requests.map((r, index) => {
    if (!isJsonObject(r)) throw badRequest(`Batch request ${index} must be an object.`);
    const id = r['id'];
    if (typeof id !== 'string' || id === '' || ids.has(id)) {
      throw badRequest(`Batch request ${index} needs a unique string id.`);
    }
    ids.add(id);
    const method = r['method'];
    const url = r['url'];
    if (method !== 'POST' || typeof url !== 'string') {
      return { id, request: null, error: 'Only POST requests to InvokeCommand can be batched.' };
    }
    const path = subPath(rc, url);
    if (path === null)
      return { id, request: null, error: `The url '${url}' is not an InvokeCommand URL of this service.` };
    const headers: Record<string, string> = {};
    const rawHeaders = r['headers'];
    if (isJsonObject(rawHeaders)) {
      for (const [k, v] of Object.entries(rawHeaders))
        if (typeof v === 'string') headers[k.toLowerCase()] = v;
    }
    return { id, request: { method: 'POST', path, headers, body: r['body'] ?? null }, error: null };
  });
}

export async function invokeBatch(rc: RouteContext): Promise<SandboxResponse> {
  let items: BatchItem[];
  try {
    items = readItems(rc, rc.request.body);
  } catch (e) {
    if (e instanceof ExoCmdletError) return { status: e.status, body: e.toBody() };
    throw e;
  }
  const continueOnError = /odata\.continue-on-error/i.test(rc.request.headers['prefer'] ?? '');
  const responses: { id: string; status: number; headers: Record<string, string>; body: unknown }[] = [];
  for (const item of items) {
    let response: SandboxResponse;
    if (item.request === null)
      response = { status: 400, body: badRequest(item.error ?? 'Invalid request.').toBody() };
    else response = await rc.dispatch(item.request);
    responses.push({
      id: item.id,
      status: response.status,
      headers: response.headers ?? {},
      body: response.body ?? null,
    });
    if (response.status >= 400 && !continueOnError) break;
  }
  return {
    status: 200,
    headers: { 'content-type': ODATA_JSON, 'odata-version': '4.0' },
    body: { responses },
  };
}

/**
 * JSON batching (`POST /$batch`): at most 20 requests, unique ids, `dependsOn` ordering with 424 for
 * dependents of failed requests, each item through the full pipeline (permissions, throttling, faults),
 * so a throttled item carries its own 429 and Retry-After while the batch itself is 200.
 */
import type { HttpMethod, RouteContext, RouteDefinition, SandboxResponse } from '../http/service.js';
import { fail, ok } from './errors.js';

const maxRequests = 20;
const methods: readonly string[] = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];
const forwardedHeaders = [
  'content-type',
  'retry-after',
  'location',
  'cache-control',
  'x-ms-resource-unit',
  'odata-version',
];

interface BatchItem {
  id: string;
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

export interface BatchItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

function parseItems(rc: RouteContext): BatchItem[] {
  const req = rc.request;
  const body = req.body as Record<string, unknown> | undefined;
  const requests = body?.['requests'];
  if (!Array.isArray(requests)) return fail(req, 400, 'BadRequest', 'Invalid batch payload format.');
  if (requests.length === 0)
    return fail(req, 400, 'BadRequest', 'Invalid batch payload format: the batch contains no requests.');
  if (requests.length > maxRequests)
    return fail(
      req,
      400,
      'BadRequest',
      `The number of batch requests exceeds the maximum of ${maxRequests}.`,
    );
  const items: BatchItem[] = [];
  for (const raw of requests as unknown[]) {
    const o = (raw ?? {}) as Record<string, unknown>;
    const id = o['id'];
    const method = typeof o['method'] === 'string' ? o['method'].toUpperCase() : '';
    const url = o['url'];
    if (typeof id !== 'string' || id === '' || typeof url !== 'string' || !methods.includes(method)) {
      return fail(
        req,
        400,
        'BadRequest',
        'Invalid batch payload format: each request needs id, method and url.',
      );
    }
    if (items.some((i) => i.id === id))
      return fail(req, 400, 'BadRequest', `Batch request id '${id}' is duplicated.`);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((o['headers'] ?? {}) as Record<string, unknown>))
      if (typeof v === 'string') headers[k.toLowerCase()] = v;
    const dependsOn = Array.isArray(o['dependsOn'])
      ? (o['dependsOn'] as unknown[]).filter((d): d is string => typeof d === 'string')
      : [];
    items.push({ id, method: method as HttpMethod, url, headers, body: o['body'], dependsOn });
  }
  for (const item of items) {
    for (const dep of item.dependsOn) {
      if (!items.some((i) => i.id === dep))
        return fail(
          req,
          400,
          'BadRequest',
          `Batch request '${item.id}' depends on unknown request '${dep}'.`,
        );
    }
  }
  return items;
}

function itemError(status: number, code: string, message: string): SandboxResponse {
  return { status, headers: { 'Content-Type': 'application/json' }, body: { error: { code, message } } };
}

async function runItem(rc: RouteContext, item: BatchItem): Promise<SandboxResponse> {
  if (/^https?:/i.test(item.url))
    return itemError(400, 'BadRequest', 'Batch request urls must be relative (no host or version).');
  if (item.body !== undefined && item.headers['content-type'] === undefined) {
    return itemError(400, 'BadRequest', 'Content-Type header is required for a batch request with a body.');
  }
  const rel = item.url.startsWith('/') ? item.url : `/${item.url}`;
  // Items run against the version the batch was posted to (`/v1.0/$batch` or `/beta/$batch`).
  const version = rc.request.path.toLowerCase().startsWith('/beta/') ? '/beta' : '/v1.0';
  return rc.dispatch({
    method: item.method,
    path: `${version}${rel}`,
    headers: item.headers,
    body: item.body,
  });
}

function toItemResponse(id: string, r: SandboxResponse): BatchItemResponse {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers ?? {}))
    if (forwardedHeaders.includes(k.toLowerCase())) headers[k] = v;
  const out: BatchItemResponse = { id, status: r.status, headers };
  if (r.body !== undefined && r.body !== null) out.body = r.body;
  return out;
}

async function batch(rc: RouteContext): Promise<SandboxResponse> {
  const items = parseItems(rc);
  const results = new Map<string, SandboxResponse>();
  const pending = new Set(items.map((i) => i.id));
  while (pending.size > 0) {
    const ready = items.filter((i) => pending.has(i.id) && i.dependsOn.every((d) => results.has(d)));
    if (ready.length === 0)
      return fail(rc.request, 400, 'BadRequest', 'The batch contains a circular dependsOn chain.');
    await Promise.all(
      ready.map(async (item) => {
        const failedDep = item.dependsOn.find((d) => (results.get(d)?.status ?? 500) >= 400);
        const response =
          failedDep !== undefined
            ? itemError(424, 'FailedDependency', `Dependent request '${failedDep}' failed.`)
            : await runItem(rc, item);
        results.set(item.id, response);
        pending.delete(item.id);
      }),
    );
  }
  const responses = items.map((i) =>
    toItemResponse(i.id, results.get(i.id) ?? itemError(500, 'generalException', 'missing')),
  );
  return ok({ responses });
}

export const batchRoutes: RouteDefinition[] = [
  { method: 'POST', path: '/v1.0/$batch', permissions: [], handler: batch },
];

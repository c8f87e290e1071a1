/**
 * Graph `/beta`: every v1.0 route is served under `/beta` too (beta is a superset for the APIs the product
 * calls; Microsoft's docs show the Teams app catalog and installedApps calls in beta). The handler is the
 * v1.0 one; links it returns (`@odata.context`, `@odata.nextLink`) name `/beta`, as beta answers do.
 */
import type { RouteDefinition, RouteHandler, SandboxResponse } from '../http/service.js';

function rewriteLink(value: unknown): unknown {
  return typeof value === 'string'
    ? value.replace('graph.microsoft.com/v1.0/', 'graph.microsoft.com/beta/')
    : value;
}

function asBeta(response: SandboxResponse): SandboxResponse {
  const body = response.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Buffer.isBuffer(body))
    return response;
  const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const key of ['@odata.context', '@odata.nextLink']) if (key in out) out[key] = rewriteLink(out[key]);
  return { ...response, body: out };
}

function betaHandler(handler: RouteHandler): RouteHandler {
  return async (rc) => asBeta(await handler(rc));
}

/** The `/beta` copies of v1.0 routes. */
export function betaRoutes(v1: readonly RouteDefinition[]): RouteDefinition[] {
  return v1
    .filter((r) => r.path.startsWith('/v1.0/'))
    .map((r) => ({ ...r, path: `/beta/${r.path.slice('/v1.0/'.length)}`, handler: betaHandler(r.handler) }));
}

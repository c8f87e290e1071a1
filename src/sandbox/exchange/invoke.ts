/**
 * Runs one cmdlet request on either surface: checks the URL tenant and routing hint, parses the envelope,
 * resolves the cmdlet against the surface's whitelist, binds parameters, runs the cmdlet against the tenant
 * state and shapes the page of output (with `@odata.nextLink` when more remains).
 */
import type { RouteContext, SandboxResponse } from '../http/service.js';
import { checkAnchor } from './anchor.js';
import { bindParameters } from './binding.js';
import { resolveCmdlet } from './catalog.js';
import type { CmdletResult } from './cmdlet.js';
import { parseEnvelope } from './envelope.js';
import { badRequest, ExoCmdletError } from './errors.js';
import {
  decodeSkipToken,
  encodeSkipToken,
  pageSizeFromPrefer,
  requestFingerprint,
  takePage,
} from './paging.js';
import { parseSelect, selectProperties, successBody } from './response.js';
import type { RetentionSettingsStore } from './retention-settings.js';

export type Surface = { kind: 'beta' } | { kind: 'v2'; endpoint: string };

export interface ExchangeRuntime {
  retention: RetentionSettingsStore;
}

export const ODATA_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

function jsonResponse(status: number, body: unknown): SandboxResponse {
  return { status, headers: { 'content-type': ODATA_JSON, 'odata-version': '4.0' }, body };
}

/** The tenant segment of the URL: beta takes the tenant id or a domain, v2.0 the tenant id only. */
function checkTenantSegment(rc: RouteContext, surface: Surface): void {
  const segment = (rc.request.params['tenant'] ?? '').toLowerCase();
  const info = rc.tenant.info;
  const names = surface.kind === 'beta' ? [info.tenantId, info.domain, info.initialDomain] : [info.tenantId];
  if (!names.some((n) => n.toLowerCase() === segment)) {
    throw badRequest(
      surface.kind === 'beta'
        ? `The organization '${segment}' in the URL isn't the organization of the access token.`
        : `The tenant '${segment}' in the URL must be the tenant id (GUID) of the access token's organization.`,
    );
  }
}

function contextUrl(rc: RouteContext, surface: Surface): string {
  const tenant = rc.request.params['tenant'] ?? rc.tenant.tenantId;
  // Captured beta responses point the context at outlook.office.com; v2.0 at the request host. Like Graph's
  // contexts, it names the real https host (a metadata URL, not a link back into the sandbox).
  const host = surface.kind === 'beta' ? 'outlook.office.com' : rc.request.host;
  const version = surface.kind === 'beta' ? 'beta' : 'v2.0';
  return `https://${host}/adminapi/${version}/${tenant}/$metadata#Collection(Exchange.GenericHashTable)`;
}

function nextLink(rc: RouteContext, token: string): string {
  const query = new URLSearchParams();
  const select = rc.request.query.get('$select');
  if (select !== null) query.set('$select', select);
  query.set('$skiptoken', token);
  return `${rc.request.baseUrl}/${rc.request.host}${rc.request.path}?${query.toString()}`;
}

export function invokeCmdlet(rc: RouteContext, runtime: ExchangeRuntime, surface: Surface): SandboxResponse {
  // Set by write cmdlets through recordWrite (held in an object: it is assigned inside a callback).
  const write: { operation: string | null } = { operation: null };
  try {
    checkTenantSegment(rc, surface);
    const anchorError = checkAnchor(
      rc.request.headers['x-anchormailbox'],
      rc.tenant.info,
      surface.kind === 'v2',
    );
    if (anchorError) return anchorError;
    const request = parseEnvelope(rc.request.body);
    const { cmdlet, specs } = resolveCmdlet(surface, request.cmdletName);
    const fingerprint = requestFingerprint(request);
    const skipToken = rc.request.query.get('$skiptoken');
    const offset = skipToken === null ? 0 : decodeSkipToken(skipToken, fingerprint, rc.tenant.now());
    const params = bindParameters(request, cmdlet.name, specs);
    const result: CmdletResult = cmdlet.run(
      {
        tenant: rc.tenant,
        callerName: rc.request.caller?.appDisplayName ?? 'Sandbox application',
        retention: runtime.retention,
        recordWrite: (op) => {
          write.operation = op;
        },
      },
      params,
    );
    if (write.operation !== null && !result.isNoop) rc.setOperation(write.operation);
    const page = takePage(
      result.objects,
      offset,
      pageSizeFromPrefer(rc.request.headers['prefer']),
      result.limit,
    );
    const select = parseSelect(rc.request.query.get('$select'));
    const link =
      page.nextOffset === null
        ? null
        : nextLink(rc, encodeSkipToken({ offset: page.nextOffset, fingerprint, issuedAt: rc.tenant.now() }));
    return jsonResponse(
      200,
      successBody({
        contextUrl: contextUrl(rc, surface),
        alwaysIncludeWarnings: surface.kind === 'beta',
        // Warnings belong to the whole result: report them once, with the first page.
        warnings: offset === 0 ? result.warnings : [],
        value: page.items.map((o) => selectProperties(o, select)),
        nextLink: link,
      }),
    );
  } catch (e) {
    if (!(e instanceof ExoCmdletError)) throw e;
    if (write.operation !== null) rc.setOperation(write.operation);
    return jsonResponse(e.status, e.toBody());
  }
}

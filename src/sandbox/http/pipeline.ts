/**
 * The request pipeline shared by every service: faults → latency → route → authentication → permission →
 * throttling → handler → request log. Transport-free, so `$batch` items go through it as well.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyAccessToken } from '../auth/access-token.js';
import type { SigningKey } from '../auth/signing-key.js';
import type { Behaviours } from '../behaviours/behaviours.js';
import type { RequestLog, RequestOutcome } from '../behaviours/request-log.js';
import type { Tenant } from '../state/tenant.js';
import { Router } from './router.js';
import {
  RouteError,
  type HttpMethod,
  type InternalRequest,
  type RouteContext,
  type SandboxRequest,
  type SandboxResponse,
  type ServiceDefinition,
} from './service.js';

export type Outcome =
  { kind: 'response'; response: SandboxResponse } | { kind: 'timeout'; afterMs: number } | { kind: 'reset' };

/** A request as it arrives, before routing and authentication. */
export interface IncomingSandboxRequest {
  method: HttpMethod;
  host: string;
  path: string;
  rawQuery: string;
  headers: Record<string, string>;
  rawBody: string;
  /** Already-parsed body (internal dispatch); otherwise JSON bodies are parsed here. */
  body?: unknown;
  baseUrl: string;
}

export interface PipelineDeps {
  tenant: Tenant;
  behaviours: Behaviours;
  log: RequestLog;
  signingKey: SigningKey;
  /** Reports unexpected handler exceptions (answered as 500). */
  onError?: (error: unknown, req: SandboxRequest) => void;
}

interface CompiledService {
  definition: ServiceDefinition;
  router: Router;
}

export class Pipeline {
  private readonly byHost = new Map<string, CompiledService>();

  constructor(
    private readonly deps: PipelineDeps,
    services: readonly ServiceDefinition[],
  ) {
    for (const definition of services) {
      const compiled = { definition, router: new Router(definition.routes) };
      for (const host of definition.hosts) this.byHost.set(host.toLowerCase(), compiled);
    }
  }

  hasHost(host: string): boolean {
    return this.byHost.has(host.toLowerCase());
  }

  async handle(incoming: IncomingSandboxRequest, batchRequestId: string | null = null): Promise<Outcome> {
    const service = this.byHost.get(incoming.host.toLowerCase());
    if (!service) throw new Error(`no service for host ${incoming.host}`);
    const def = service.definition;
    const started = performance.now();
    const time = this.deps.tenant.nowIso();
    const req = toSandboxRequest(incoming);
    if (def.rewritePath) req.path = def.rewritePath(req.path);
    let operation: string | null = null;
    const finish = (outcome: Outcome, kind: RequestOutcome): Outcome => {
      if (outcome.kind === 'response') {
        outcome.response.headers = { ...def.responseHeaders?.(req), ...outcome.response.headers };
      }
      this.deps.log.add({
        time,
        method: req.method,
        host: req.host,
        path: req.path,
        query: req.rawQuery,
        service: def.name,
        status: outcome.kind === 'response' ? outcome.response.status : 0,
        outcome: outcome.kind === 'response' ? kind : outcome.kind,
        appId: req.caller?.appId ?? null,
        operation,
        target: operation === null ? null : writeTarget(req),
        action: def.describe?.(req) ?? null,
        requestId: req.requestId,
        batchRequestId,
        durationMs: Math.round(performance.now() - started),
      });
      return outcome;
    };
    const respond = (response: SandboxResponse, kind: RequestOutcome): Outcome =>
      finish({ kind: 'response', response }, kind);

    const fault = this.deps.behaviours.faults.decide(def.name);
    if (fault.kind === 'reset') return finish({ kind: 'reset' }, 'reset');
    if (fault.kind === 'timeout') return finish({ kind: 'timeout', afterMs: fault.afterMs }, 'timeout');
    const latency = this.deps.behaviours.latencyMs(def.name);
    if (latency > 0) await sleep(latency);
    if (fault.kind === 'status') return respond(injectedFault(def, req, fault.status), 'fault');

    const matched = service.router.match(req.method, req.path);
    const route = matched.kind === 'match' ? matched.route : null;
    if (matched.kind === 'match') req.params = matched.params;
    const permissions = route ? route.permissions : def.audiences.length > 0 ? [] : undefined;
    if (permissions !== undefined) {
      const check = verifyAccessToken(req.headers['authorization'], this.deps.signingKey, {
        audiences: def.audiences,
        tenantId: this.deps.tenant.tenantId,
        nowMs: this.deps.tenant.now(),
      });
      if (!check.ok) return respond(def.errors.unauthorized(req, check.reason), 'unauthorized');
      req.caller = check.caller;
      if (permissions.length > 0 && !permissions.some((p) => check.caller.roles.includes(p))) {
        return respond(def.errors.forbidden(req, permissions), 'forbidden');
      }
    }
    if (!route) {
      const notFound =
        matched.kind === 'method-not-allowed' && def.errors.methodNotAllowed
          ? def.errors.methodNotAllowed(req)
          : def.errors.notFound(req, service.router.firstUnknownSegment(req.path));
      return respond(notFound, 'error');
    }
    if (req.body === undefined && req.rawBody.length > 0 && isJson(req.headers['content-type'])) {
      return respond(
        def.errors.badRequest(
          req,
          'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
        ),
        'error',
      );
    }

    const isWrite = route.isWrite?.(req) ?? route.operation !== undefined;
    const decision = this.deps.behaviours.throttle.take(
      def.name,
      req.caller?.appId ?? 'anonymous',
      def.cost?.(req) ?? 1,
      isWrite,
      this.deps.tenant.now(),
    );
    if (!decision.allowed) return respond(def.errors.throttled(req, decision.retryAfterSeconds), 'throttled');

    operation = route.operation ?? null;
    const rc: RouteContext = {
      request: req,
      tenant: this.deps.tenant,
      setOperation: (op) => {
        operation = op;
      },
      dispatch: (sub) => this.dispatch(incoming, req, sub),
    };
    let response: SandboxResponse;
    try {
      response = await route.handler(rc);
    } catch (e) {
      if (e instanceof RouteError) {
        response = e.response;
      } else {
        this.deps.onError?.(e, req);
        response = def.errors.fault(req, 500);
      }
    }
    if (response.status >= 400 && route.operation !== undefined) operation = operation ?? route.operation;
    return respond(response, response.status >= 400 ? 'error' : 'ok');
  }

  private async dispatch(
    parent: IncomingSandboxRequest,
    parentReq: SandboxRequest,
    sub: InternalRequest,
  ): Promise<SandboxResponse> {
    const q = sub.path.indexOf('?');
    const headers: Record<string, string> = { authorization: parent.headers['authorization'] ?? '' };
    for (const [k, v] of Object.entries(sub.headers ?? {})) headers[k.toLowerCase()] = v;
    const outcome = await this.handle(
      {
        method: sub.method,
        host: parent.host,
        path: q < 0 ? sub.path : sub.path.slice(0, q),
        rawQuery: q < 0 ? '' : sub.path.slice(q + 1),
        headers,
        rawBody: sub.body === undefined ? '' : JSON.stringify(sub.body),
        body: sub.body,
        baseUrl: parent.baseUrl,
      },
      parentReq.requestId,
    );
    if (outcome.kind === 'response') return outcome.response;
    // A transport failure inside a batch surfaces as a gateway timeout of that item.
    return { status: 504, body: { error: { code: 'GatewayTimeout', message: 'The request timed out.' } } };
  }
}

/** A write's target from its body (Exchange, SharePoint) or its path (Graph names objects in the path). */
function writeTarget(req: SandboxRequest): string {
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
  const cmdlet = body['CmdletInput'];
  const parameters =
    typeof cmdlet === 'object' && cmdlet !== null
      ? (cmdlet as Record<string, unknown>)['Parameters']
      : undefined;
  if (typeof parameters === 'object' && parameters !== null) {
    const p = Object.fromEntries(
      Object.entries(parameters as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const objects = ['identity', 'user', 'trustee']
      .map((k) => p[k])
      .filter((v) => v !== undefined)
      .map((v) => (typeof v === 'string' ? v.toLowerCase() : JSON.stringify(v)));
    // Set-Mailbox changes different settings of one mailbox in separate calls: name the settings too.
    const settings = Object.keys(p)
      .filter((k) => !['identity', 'user', 'trustee', 'confirm'].includes(k))
      .sort();
    return [...objects, settings.join(',')].join('|');
  }
  if (typeof body['siteUrl'] === 'string') {
    return `${body['siteUrl'].toLowerCase()}|${String(body['loginName']).toLowerCase()}`;
  }
  return req.path.toLowerCase();
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /json/i.test(contentType);
}

function injectedFault(def: ServiceDefinition, req: SandboxRequest, status: number): SandboxResponse {
  if (status === 429) return def.errors.throttled(req, 1);
  if (status === 401) return def.errors.unauthorized(req, 'Injected authentication failure.');
  if (status === 403) return def.errors.forbidden(req, []);
  if (status === 404) return def.errors.notFound(req);
  if (status < 500) return { ...def.errors.badRequest(req, 'Injected client error.'), status };
  return def.errors.fault(req, status);
}

function toSandboxRequest(incoming: IncomingSandboxRequest): SandboxRequest {
  let body = incoming.body;
  if (body === undefined && incoming.rawBody.length > 0 && isJson(incoming.headers['content-type'])) {
    try {
      body = JSON.parse(incoming.rawBody) as unknown;
    } catch {
      body = undefined;
    }
  }
  let query: URLSearchParams;
  try {
    query = new URLSearchParams(incoming.rawQuery);
  } catch {
    query = new URLSearchParams();
  }
  return {
    method: incoming.method,
    host: incoming.host.toLowerCase(),
    path: incoming.path,
    params: {},
    rawQuery: incoming.rawQuery,
    query,
    headers: incoming.headers,
    body,
    rawBody: incoming.rawBody,
    requestId: randomUUID(),
    clientRequestId: incoming.headers['client-request-id'] ?? null,
    caller: null,
    baseUrl: incoming.baseUrl,
  };
}

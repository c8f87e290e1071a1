/**
 * Route registration for the sandbox: how a simulated Microsoft service plugs into the HTTP server.
 *
 * ## URL scheme
 * A real URL maps to the sandbox by replacing `https://` with the sandbox base URL:
 * `https://graph.microsoft.com/v1.0/users/x` → `http://127.0.0.1:4010/graph.microsoft.com/v1.0/users/x`.
 * The first path segment is the **host**; the server picks the {@link ServiceDefinition} whose `hosts`
 * contain it and matches the rest of the path (the route **path**, starting with `/`) against its routes.
 *
 * ## Writing a service (e.g. `src/sandbox/exchange/index.ts`)
 * ```ts
 * export function createExchangeService(ctx: ServiceFactoryContext): ServiceDefinition {
 *   return {
 *     name: 'exchange',
 *     hosts: ['outlook.office365.com'],
 *     audiences: ['https://outlook.office365.com', '00000002-0000-0ff1-ce00-000000000000'],
 *     resource: 'exchange',
 *     errors: exchangeErrors,                       // how 400/401/403/404/429/5xx look in this service
 *     routes: [
 *       { method: 'POST', path: '/adminapi/beta/:tenant/InvokeCommand',
 *         permissions: ['Exchange.ManageAsApp'], operation: 'exo.invoke',
 *         handler: (rc) => invokeCommand(rc) },
 *     ],
 *   };
 * }
 * ```
 * and add the factory to the list in `src/sandbox/services.ts` (a one-line edit).
 *
 * ## What the server does around a handler (in this order)
 * 1. request log entry opened (method, host, path, service), `request-id` generated, `client-request-id` kept;
 * 2. injected faults for the service (`failNext`, random 5xx, timeouts, resets) — rendered with `errors.fault`;
 * 3. latency for the service;
 * 4. authentication when the route has `permissions`: a sandbox-signed bearer token, valid signature and
 *    lifetime, `aud` in `audiences`, `tid` = the tenant → else `errors.unauthorized`; at least one of the
 *    route's `permissions` among the token's `roles` → else `errors.forbidden`;
 * 5. throttling per (service, app) token bucket → `errors.throttled` with `Retry-After`;
 * 6. the handler. A thrown {@link RouteError} becomes its response; any other exception a 500 (`errors.fault`).
 * JSON request bodies are parsed before step 4 (invalid JSON → `errors.badRequest`).
 *
 * Handlers must not sleep, must treat every input as data (never evaluate it), and mutate the tenant only
 * through its stores (`rc.tenant.directory`, `.exchange`, `.sharing`, `.teams`) so indexes stay right.
 */
import type { Tenant } from '../state/tenant.js';
import type { ResourceName } from '../state/directory-types.js';

export type ServiceName = 'login' | 'graph' | 'exchange' | 'sharepoint';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** The application that called, from a verified sandbox token. */
export interface CallerIdentity {
  appId: string;
  appDisplayName: string;
  tenantId: string;
  /** The token's `aud`. */
  audience: string;
  /** Application permissions in the token (`roles`). */
  roles: readonly string[];
}

export interface SandboxRequest {
  method: HttpMethod;
  /** Lower-case host, e.g. `outlook.office365.com`. */
  host: string;
  /** Path after the host, not decoded (e.g. `/v1.0/users/a%40b.com`). */
  path: string;
  /** Route parameters, percent-decoded. `*rest` parameters hold the decoded remainder (with `/`). */
  params: Readonly<Record<string, string>>;
  /** The raw query string without `?` (not decoded; OData parsers decode it themselves). */
  rawQuery: string;
  /** Decoded query parameters. */
  query: URLSearchParams;
  /** Lower-case header names; repeated headers joined with `, `. */
  headers: Readonly<Record<string, string>>;
  /** Parsed JSON body, or undefined when there was none or it was not JSON. */
  body: unknown;
  /** The body as text ('' when none). */
  rawBody: string;
  /** Generated per request; services echo it as `request-id`. */
  requestId: string;
  /** The caller's `client-request-id` header, if any. */
  clientRequestId: string | null;
  /** Set for routes with `permissions`, after the token was verified. */
  caller: CallerIdentity | null;
  /** The sandbox base URL, e.g. `http://127.0.0.1:4010`, for building links back to the sandbox. */
  baseUrl: string;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serialised unless it is a string or Buffer (then sent as is; set Content-Type yourself). */
  body?: unknown;
}

/** A request made from inside a handler through the same pipeline (used by `$batch`). */
export interface InternalRequest {
  method: HttpMethod;
  /** Path after the host, may include `?query`. */
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface RouteContext {
  request: SandboxRequest;
  tenant: Tenant;
  /** Overrides the route's `operation` in the request log (e.g. `exo.Remove-MailboxPermission`). */
  setOperation(operation: string): void;
  /** Runs another request of the same service with the same credentials, through faults/throttling/auth. */
  dispatch(sub: InternalRequest): Promise<SandboxResponse>;
}

export type RouteHandler = (rc: RouteContext) => SandboxResponse | Promise<SandboxResponse>;

export interface RouteDefinition {
  method: HttpMethod;
  /**
   * Path pattern after the host. Literal segments match case-insensitively; `:name` captures one segment;
   * a final `*name` captures the rest. Captures are whole segments (parse OData key syntax such as
   * `users('x')` in the handler).
   */
  path: string;
  /** Application permissions; the token needs at least one. Omit only for anonymous routes. */
  permissions?: readonly string[];
  /** Short name of the write for the request log (e.g. `user.disable`); omit for reads. */
  operation?: string;
  /**
   * Whether a request counts as a write for throttling when that depends on the body (e.g. Exchange
   * InvokeCommand: the cmdlet decides). Defaults to "the route has an `operation`".
   */
  isWrite?: (req: SandboxRequest) => boolean;
  handler: RouteHandler;
}

/** How generic failures look in a service's own dialect. */
export interface ServiceErrors {
  badRequest(req: SandboxRequest, message: string): SandboxResponse;
  unauthorized(req: SandboxRequest, reason: string): SandboxResponse;
  forbidden(req: SandboxRequest, requiredPermissions: readonly string[]): SandboxResponse;
  /** No route matched; `segment` is the first path segment no route accepts. */
  notFound(req: SandboxRequest, segment?: string): SandboxResponse;
  /** The path exists but not for this method; defaults to `notFound`. */
  methodNotAllowed?(req: SandboxRequest): SandboxResponse;
  throttled(req: SandboxRequest, retryAfterSeconds: number): SandboxResponse;
  /** Injected or unexpected server errors (500, 502, 503, 504). */
  fault(req: SandboxRequest, status: number): SandboxResponse;
}

export interface ServiceDefinition {
  name: ServiceName;
  hosts: readonly string[];
  /** Token audiences (`aud`) this service accepts. */
  audiences: readonly string[];
  /** Which app-role set of the registration the token carries. */
  resource: ResourceName;
  errors: ServiceErrors;
  routes: readonly RouteDefinition[];
  /** Headers on every response of the service (e.g. `request-id`, `client-request-id`). */
  responseHeaders?(req: SandboxRequest): Record<string, string>;
  /** Rewrites a raw path before routing (e.g. OData key syntax `users('x')` → `users/x`). */
  rewritePath?(path: string): string;
  /** What the request does, for the request log when the path doesn't say (an Exchange cmdlet's name). */
  describe?(req: SandboxRequest): string | null;
  /** Throttling cost of a request in the service's units (Graph resource units); default 1. */
  cost?(req: SandboxRequest): number;
}

/** What a service factory gets to build its definition. */
export interface ServiceFactoryContext {
  tenant: Tenant;
}

export type ServiceFactory = (ctx: ServiceFactoryContext) => ServiceDefinition;

/** Throw from a handler to answer with this response. */
export class RouteError extends Error {
  constructor(
    readonly response: SandboxResponse,
    message = `HTTP ${response.status}`,
  ) {
    super(message);
    this.name = 'RouteError';
  }
}

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { InvalidInputError, PermissionDeniedError, UnavailableError } from '../../core/errors.js';
import type { TokenProvider } from '../auth/token-provider.js';
import { isValidTenant } from '../auth/authority-metadata.js';
import { fetchWithFreshTokenOn401 } from '../http/fresh-token-fetch.js';
import { DEFAULT_RETRY_POLICY, fetchWithRetry, type RetryPolicy } from '../http/retrying-fetch.js';
import { paced, type WritePacer } from '../http/write-pacer.js';
import { routeCmdlet, type ExchangeRoute } from './exchange-endpoint-routing.js';
import {
  exchangeFailureOf,
  isNoOpWarning,
  parseExchangeFailure,
  toLifecycleExchangeError,
} from './exchange-errors.js';
import { anchorHeader, type Anchor } from './exchange-anchor.js';

export const EXCHANGE_PUBLIC_BASE_URL = 'https://outlook.office365.com';

/** JSON values a cmdlet parameter may carry (PowerShell types map onto these, exchange-online.md §2.4). */
export type CmdletValue = string | number | boolean | null | CmdletValue[] | { [key: string]: CmdletValue };
export type CmdletParameters = Record<string, CmdletValue>;
export type CmdletObject = Record<string, unknown>;

export interface ExchangeAdminClientOptions {
  /** `https://outlook.office365.com` (default) or the sandbox's `${baseUrl}/outlook.office365.com`. */
  baseUrl?: string;
  /** Must be true for a plain-http base URL (the sandbox). */
  isSandbox?: boolean;
  /** Tenant id (GUID) used in the URL and the app-only anchor. */
  tenantId: string;
  /** Token provider for EXCHANGE_SCOPE. */
  tokenProvider: TokenProvider;
  logger: Logger;
  /** `auto` (default): prefer v2.0 where whitelisted, fall back to InvokeCommand if v2.0 is not enabled. */
  v2Mode?: 'auto' | 'never';
  retry?: RetryPolicy;
  /**
   * Paces write cmdlets (Add-, Remove-, Set-, New-, Enable-, Disable-, Clear-) under the
   * destructive-cmdlet budget; reads are never paced. A 429 on a write pauses the pacer.
   */
  writePacer?: WritePacer;
}

/** Cmdlets Exchange counts against its destructive-cmdlet budget (PowerShellMaxDestructiveCmdlets). */
export const WRITE_CMDLET = /^(add|remove|set|new|enable|disable|clear)-/i;

export interface InvokeOptions {
  /** Routing hint; defaults to the tenant's system mailbox (org-wide app-only calls). */
  anchor?: Anchor;
  /** `$select` property names. */
  select?: readonly string[];
  /** Page size via `Prefer: odata.maxpagesize` (max 1000). */
  pageSize?: number;
  /** Stop after this many objects across pages (default 100,000). */
  maxItems?: number;
}

export interface InvokeResult {
  value: CmdletObject[];
  warnings: string[];
  /** True when every warning reports an idempotent no-op ("no settings … modified", "ACE doesn't exist"). */
  isNoOp: boolean;
}

export interface InvokePage extends InvokeResult {
  nextLink?: string;
}

const successSchema = z.object({
  value: z.array(z.record(z.string(), z.unknown())).nullish(),
  '@adminapi.warnings': z.array(z.string()).nullish(),
  '@adminapi.errors': z.array(z.unknown()).nullish(),
  '@odata.nextLink': z.string().nullish(),
});

/**
 * One client for both Exchange Online admin surfaces. Parameters travel as JSON in
 * `CmdletInput.Parameters` (never a command string); v2.0 is used where its whitelist allows, else the
 * beta InvokeCommand gateway. Paging POSTs the same body to `@odata.nextLink`, only on the same host.
 */
export class ExchangeAdminClient {
  private readonly baseUrl: string;
  private readonly logger: Logger;
  private isV2Enabled: boolean;

  constructor(private readonly options: ExchangeAdminClientOptions) {
    this.baseUrl = (options.baseUrl ?? EXCHANGE_PUBLIC_BASE_URL).replace(/\/+$/, '');
    let url: URL;
    try {
      url = new URL(this.baseUrl);
    } catch (error) {
      throw new InvalidInputError(`Exchange baseUrl is not a URL: ${this.baseUrl}`, { cause: error });
    }
    if (url.protocol !== 'https:' && options.isSandbox !== true)
      throw new InvalidInputError('Exchange baseUrl must be https outside sandbox mode');
    if (!isValidTenant(options.tenantId))
      throw new InvalidInputError('Exchange tenantId is not a tenant id or domain');
    this.logger = options.logger.child({ component: 'exchange' });
    this.isV2Enabled = options.v2Mode !== 'never';
  }

  /** Runs a cmdlet and collects every page. */
  async invoke(
    cmdlet: string,
    parameters: CmdletParameters,
    options: InvokeOptions = {},
  ): Promise<InvokeResult> {
    const maxItems = options.maxItems ?? 100_000;
    const value: CmdletObject[] = [];
    const warnings: string[] = [];
    let page = await this.invokePage(cmdlet, parameters, options);
    const seen = new Set<string>();
    for (;;) {
      value.push(...page.value);
      warnings.push(...page.warnings);
      if (page.nextLink === undefined || value.length >= maxItems) break;
      if (seen.has(page.nextLink)) throw new UnavailableError(`${cmdlet}: the nextLink did not advance`);
      seen.add(page.nextLink);
      page = await this.invokePage(cmdlet, parameters, options, page.nextLink);
    }
    return {
      value: value.slice(0, maxItems),
      warnings,
      isNoOp: warnings.length > 0 && warnings.every(isNoOpWarning),
    };
  }

  /** One page; pass the previous page's `nextLink` to continue (validated to be on our host). */
  async invokePage(
    cmdlet: string,
    parameters: CmdletParameters,
    options: InvokeOptions = {},
    nextLink?: string,
  ): Promise<InvokePage> {
    if (!/^[A-Za-z]{2,40}-[A-Za-z]{2,80}$/.test(cmdlet))
      throw new InvalidInputError(`Not a cmdlet name: ${cmdlet}`);
    const route =
      nextLink === undefined
        ? routeCmdlet(cmdlet, Object.keys(parameters), this.isV2Enabled)
        : this.routeOfLink(nextLink);
    try {
      return await this.send(cmdlet, parameters, options, route, nextLink);
    } catch (error) {
      if (route.surface === 'v2' && nextLink === undefined && this.isV2Unavailable(error)) {
        this.logger.warn(
          { cmdlet },
          'Exchange Admin API v2.0 unavailable for this call; using InvokeCommand',
        );
        return this.send(cmdlet, parameters, options, { surface: 'beta' }, undefined);
      }
      throw error;
    }
  }

  private url(route: ExchangeRoute): string {
    const tenant = encodeURIComponent(this.options.tenantId);
    return route.surface === 'v2'
      ? `${this.baseUrl}/adminapi/v2.0/${tenant}/${route.endpoint}`
      : `${this.baseUrl}/adminapi/beta/${tenant}/InvokeCommand`;
  }

  /** A nextLink must stay under our admin API root: the bearer token never goes to another host. */
  private routeOfLink(link: string): ExchangeRoute {
    const root = `${this.baseUrl}/adminapi/`;
    if (!link.startsWith(root))
      throw new PermissionDeniedError('Refusing to follow an Exchange nextLink to another host');
    return link.startsWith(`${root}v2.0/`) ? { surface: 'v2', endpoint: 'nextLink' } : { surface: 'beta' };
  }

  /**
   * v2.0 is Preview and may be off for a tenant, or the app may hold only Exchange.ManageAsApp: then
   * the call is repeated on InvokeCommand. "Not enabled" answers carry no cmdlet error (a cmdlet's own
   * 404/400 does) and switch v2.0 off for this client's lifetime.
   */
  private isV2Unavailable(error: unknown): boolean {
    const facts = exchangeFailureOf(error);
    if (facts === undefined) return false;
    const isNotEnabled = (facts.status === 404 || facts.status === 400) && facts.exceptionType === undefined;
    if (isNotEnabled) this.isV2Enabled = false;
    return isNotEnabled || facts.status === 401 || facts.status === 403;
  }

  private async send(
    cmdlet: string,
    parameters: CmdletParameters,
    options: InvokeOptions,
    route: ExchangeRoute,
    nextLink: string | undefined,
  ): Promise<InvokePage> {
    let url = nextLink ?? this.url(route);
    if (nextLink === undefined && options.select !== undefined && options.select.length > 0) {
      for (const name of options.select)
        if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new InvalidInputError(`Invalid $select name ${name}`);
      url += `?$select=${options.select.join(',')}`;
    }
    const body = JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } });
    const clientRequestId = randomUUID();
    const anchor = anchorHeader(options.anchor ?? { kind: 'app' }, this.options.tenantId);
    const pageSize = Math.min(1000, Math.max(1, options.pageSize ?? 1000));
    const started = performance.now();
    const pacer = nextLink === undefined && WRITE_CMDLET.test(cmdlet) ? this.options.writePacer : undefined;
    const response = await fetchWithFreshTokenOn401(this.options.tokenProvider, (token) =>
      fetchWithRetry(
        () =>
          paced(pacer, () =>
            fetch(url, {
              method: 'POST',
              headers: {
                Authorization: `Bearer ${token}`,
                'Content-Type': 'application/json',
                Accept: 'application/json',
                'X-AnchorMailbox': anchor,
                Prefer: `odata.maxpagesize=${pageSize}`,
                'X-CmdletName': cmdlet,
                'client-request-id': clientRequestId,
              },
              body,
              signal: AbortSignal.timeout(120_000),
            }),
          ),
        this.options.retry ?? DEFAULT_RETRY_POLICY,
        (notice) => {
          this.logger.warn({ cmdlet, surface: route.surface, clientRequestId, ...notice }, 'exchange retry');
        },
      ),
    );
    const text = await response.text();
    const entry = {
      cmdlet,
      surface: route.surface,
      status: response.status,
      requestId: response.headers.get('request-id') ?? undefined,
      clientRequestId,
      durationMs: Math.round(performance.now() - started),
    };
    if (!response.ok) {
      this.logger.warn(entry, 'exchange cmdlet failed');
      throw toLifecycleExchangeError(parseExchangeFailure(response.status, text, response.headers), cmdlet);
    }
    const parsed = successSchema.safeParse(parseJson(text));
    if (!parsed.success)
      throw new UnavailableError(`${cmdlet}: unexpected response shape`, { cause: parsed.error });
    const warnings = parsed.data['@adminapi.warnings'] ?? [];
    const errors = parsed.data['@adminapi.errors'] ?? [];
    // Reads at debug, as Graph GETs: an inventory scan reads every mailbox, which at info made a log
    // line per mailbox per refresh. Changes stay at info.
    const level = /^Get-/i.test(cmdlet) ? 'debug' : 'info';
    this.logger[level]({ ...entry, warnings: warnings.length }, 'exchange cmdlet');
    if (errors.length > 0) {
      throw toLifecycleExchangeError(
        { status: 400, text: JSON.stringify(errors).slice(0, 500), requestId: entry.requestId },
        cmdlet,
      );
    }
    const value = (parsed.data.value ?? []).map(withoutAnnotations);
    const link = parsed.data['@odata.nextLink'] ?? undefined;
    if (link !== undefined) this.routeOfLink(link);
    return { value, warnings, isNoOp: warnings.length > 0 && warnings.every(isNoOpWarning), nextLink: link };
  }
}

/** Drops `Prop@odata.type` / `Prop@data.type` annotations from a cmdlet object. */
export function withoutAnnotations(row: Record<string, unknown>): CmdletObject {
  const out: CmdletObject = {};
  for (const [key, value] of Object.entries(row)) if (!key.includes('@')) out[key] = value;
  return out;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UnavailableError('The Exchange admin API returned a body that is not JSON', { cause: error });
  }
}

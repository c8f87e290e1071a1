import { LifecycleError } from '../../core/errors.js';
import { type FailureKind, toFailureError } from '../http/failure-kind.js';
import { parseRetryAfterMs } from '../http/retry-after.js';

/** What an Exchange admin API failure says, parsed from the OData error envelope and headers. */
export interface ExchangeFailure {
  status: number;
  /** Error id from `details[0].message` (`Ex6F9304`). */
  errorId?: string;
  /** .NET exception type, e.g. `…ManagementObjectNotFoundException`. */
  exceptionType?: string;
  /** Human-readable text. */
  text: string;
  /** Top-level `error.code` (`InternalServerError`, `TooManyRequests`, `ErrorIncorrectRoutingHint`). */
  code?: string;
  requestId?: string;
  /** `x-ms-diagnostics`: the real reason behind a bodyless 403. */
  diagnostics?: string;
  retryAfterMs?: number;
}

/** The original failure, kept as `cause` of the core error. */
export class ExchangeApiError extends Error {
  constructor(readonly failure: ExchangeFailure) {
    super(
      `HTTP ${failure.status}${failure.exceptionType === undefined ? '' : ` ${shortType(failure.exceptionType)}`}: ${failure.text}`,
    );
    this.name = 'ExchangeApiError';
  }
}

function shortType(type: string): string {
  return type.split('.').pop() ?? type;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Parses a failed response. The readable error is `error.details[0].message`, formatted
 * `<ErrorId>|<.NET type>|<text>`; fallbacks are `innererror.internalexception.message` and
 * `error.message` (the order CIPP uses). A 403 body is often empty or NUL-padded.
 */
export function parseExchangeFailure(status: number, bodyText: string, headers: Headers): ExchangeFailure {
  let body: unknown;
  const trimmed = bodyText.replace(/\0/g, '').trim();
  if (trimmed !== '') {
    try {
      body = JSON.parse(trimmed);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      body = undefined;
    }
  }
  const envelope = record(record(body)?.['error']);
  const detail = record(
    Array.isArray(envelope?.['details']) ? (envelope['details'] as unknown[])[0] : undefined,
  );
  const detailMessage = text(detail?.['message']);
  const inner = record(envelope?.['innererror']);
  const internal = record(inner?.['internalexception'] ?? inner?.['internalException']);
  const failure: ExchangeFailure = {
    status,
    text:
      text(internal?.['message']) ??
      text(envelope?.['message']) ??
      (trimmed === '' ? `HTTP ${status}` : trimmed.slice(0, 300)),
    code: text(envelope?.['code']),
    requestId: headers.get('request-id') ?? undefined,
    diagnostics: headers.get('x-ms-diagnostics') ?? undefined,
    retryAfterMs: parseRetryAfterMs(headers.get('retry-after')),
  };
  if (detailMessage !== undefined) {
    const parts = detailMessage.split('|');
    if (parts.length >= 3) {
      failure.errorId = parts[0];
      failure.exceptionType = parts[1];
      failure.text = parts.slice(2).join('|');
    } else failure.text = detailMessage;
  }
  return failure;
}

const TRANSIENT_TYPES =
  /CmdletProxyException|MapiNetworkErrorException|MapiExceptionNetworkError|TransientException|ServerBusyException|ConnectionFailedTransientException/i;

/** Maps a parsed failure to the core's typed error, keeping the ExchangeApiError as cause. */
export function toLifecycleExchangeError(failure: ExchangeFailure, what: string): LifecycleError {
  const cause = new ExchangeApiError(failure);
  const reason = failure.text + (failure.diagnostics === undefined ? '' : ` [${failure.diagnostics}]`);
  const suffix = failure.requestId === undefined ? '' : ` (request-id ${failure.requestId})`;
  const message = `${what} failed: ${reason}${suffix}`;
  return toFailureError(exchangeFailureKind(failure), message, { cause, retryAfterMs: failure.retryAfterMs });
}

/** In this order: the first rule that matches decides. */
function exchangeFailureKind(failure: ExchangeFailure): FailureKind {
  const type = failure.exceptionType ?? '';
  if (failure.status === 429 || /Micro delay|throttl/i.test(failure.code ?? '')) return 'throttled';
  if (TRANSIENT_TYPES.test(type) || failure.status >= 500) return 'unavailable';
  if (failure.status === 401 || failure.status === 403) return 'permission-denied';
  if (/ManagementObjectNotFoundException/.test(type) || failure.status === 404) return 'not-found';
  if (/out of the current user's write scope|synchroni[sz]ed from your on-premises/i.test(failure.text)) {
    return 'conflict';
  }
  if (/license|licence/i.test(failure.text) && /InvalidOperation/i.test(type)) return 'conflict';
  if (
    /ManagementObjectAmbiguousException|ParameterBinding|CommandNotFound|ODataServiceException/.test(type)
  ) {
    return 'invalid-input';
  }
  if (/InvalidOperation|AlreadyExists|NotFoundInPermissionEntry/i.test(type)) return 'conflict';
  return 'invalid-input';
}

/** The Exchange failure behind a core error, if it came from this connector. */
export function exchangeFailureOf(error: unknown): ExchangeFailure | undefined {
  const cause = error instanceof LifecycleError ? error.cause : error;
  return cause instanceof ExchangeApiError ? cause.failure : undefined;
}

/** Warnings that report an idempotent no-op: the desired state already holds. */
export function isNoOpWarning(warning: string): boolean {
  return /no settings of .* have been modified|ACE isn't present|ACE doesn't exist|already (exists|has|present)/i.test(
    warning,
  );
}

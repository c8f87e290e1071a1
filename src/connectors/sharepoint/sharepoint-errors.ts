import type { LifecycleError } from '../../core/errors.js';
import { failureKindOfStatus, toFailureError } from '../http/failure-kind.js';
import { parseRetryAfterMs } from '../http/retry-after.js';

/** A failed SharePoint REST call, kept as `cause`. */
export class SharePointApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
    readonly requestId: string | undefined,
  ) {
    super(message);
    this.name = 'SharePointApiError';
  }
}

/**
 * SharePoint errors: `{"odata.error":{"code":"-2147024891, System.UnauthorizedAccessException","message":{"lang","value"}}}`
 * (nometadata) or `{"error":{"code","message":{…}}}` (verbose). 401/403 with "Unsupported app only token"
 * means the token came from a secret: SharePoint accepts only certificate app-only tokens.
 */
export function toLifecycleSharePointError(
  status: number,
  bodyText: string,
  headers: Headers,
  what: string,
): LifecycleError {
  let code: string | undefined;
  let text = '';
  try {
    const body = JSON.parse(bodyText) as Record<string, unknown>;
    const envelope = (body['odata.error'] ?? body['error']) as Record<string, unknown> | undefined;
    code = typeof envelope?.['code'] === 'string' ? envelope['code'] : undefined;
    const message = envelope?.['message'];
    text =
      typeof message === 'string'
        ? message
        : typeof (message as Record<string, unknown> | undefined)?.['value'] === 'string'
          ? String((message as Record<string, unknown>)['value'])
          : '';
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    text = bodyText.slice(0, 200);
  }
  const requestId = headers.get('request-id') ?? headers.get('sprequestguid') ?? undefined;
  const cause = new SharePointApiError(status, code, text, requestId);
  const message = `${what} failed: HTTP ${status}${text === '' ? '' : ` ${text}`}${requestId === undefined ? '' : ` (request-id ${requestId})`}`;
  const retryAfterMs = parseRetryAfterMs(headers.get('retry-after'));
  return toFailureError(failureKindOfStatus(status) ?? 'invalid-input', message, { cause, retryAfterMs });
}

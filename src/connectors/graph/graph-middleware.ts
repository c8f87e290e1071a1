import { randomUUID } from 'node:crypto';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { Logger } from 'pino';
import type { TokenProvider } from '../auth/token-provider.js';
import { logSafeUrl } from '../http/log-safe-url.js';

function requestUrl(context: Context): string {
  // RequestInfo is a DOM type this project does not load; the SDK passes a string URL.
  const request: unknown = context.request;
  if (typeof request === 'string') return request;
  if (request instanceof Request) return request.url;
  throw new Error('Unsupported Graph request object');
}

function requestHeaders(context: Context): Record<string, string> {
  context.options ??= {};
  const headers = context.options.headers;
  if (headers === undefined || headers instanceof Headers || Array.isArray(headers)) {
    const copy: Record<string, string> = {};
    new Headers(headers).forEach((value, key) => {
      copy[key] = value;
    });
    context.options.headers = copy;
    return copy;
  }
  return headers as Record<string, string>;
}

/**
 * Adds the bearer token, but only to URLs under the configured Graph base. The SDK's own
 * AuthenticationHandler recognises Graph only by `https://` host names, so it would strip the token
 * for the http sandbox; this handler checks the configured prefix instead, which is also stricter
 * (a foreign nextLink never receives the token). A 401 refreshes the token once.
 */
export class BearerTokenMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly tokenProvider: TokenProvider,
    private readonly allowedPrefix: string,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (this.next === undefined) throw new Error('BearerTokenMiddleware has no next middleware');
    const headers = requestHeaders(context);
    if (!requestUrl(context).startsWith(this.allowedPrefix)) {
      delete headers['Authorization'];
      delete headers['authorization'];
      await this.next.execute(context);
      return;
    }
    headers['Authorization'] = `Bearer ${await this.tokenProvider.getToken()}`;
    await this.next.execute(context);
    if (context.response?.status === 401) {
      headers['Authorization'] = `Bearer ${await this.tokenProvider.getToken({ forceRefresh: true })}`;
      await this.next.execute(context);
    }
  }
}

/**
 * Logs every HTTP attempt (retries included) with `request-id` and `client-request-id`, the ids
 * Microsoft support asks for. Never logs headers, bodies or the query string.
 */
export class RequestLoggingMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly logger: Logger) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (this.next === undefined) throw new Error('RequestLoggingMiddleware has no next middleware');
    const headers = requestHeaders(context);
    const clientRequestId = headers['client-request-id'] ?? randomUUID();
    headers['client-request-id'] = clientRequestId;
    const method = context.options?.method ?? 'GET';
    const url = logSafeUrl(requestUrl(context));
    const started = performance.now();
    try {
      await this.next.execute(context);
    } catch (error) {
      this.logger.warn(
        {
          method,
          url,
          clientRequestId,
          err: { name: (error as Error).name, message: (error as Error).message },
        },
        'graph request failed without a response',
      );
      throw error;
    }
    const response = context.response;
    const status = response?.status;
    const entry = {
      method,
      url,
      status,
      requestId: response?.headers.get('request-id') ?? undefined,
      clientRequestId,
      retryAfter: response?.headers.get('retry-after') ?? undefined,
      durationMs: Math.round(performance.now() - started),
    };
    if (status !== undefined && (status === 429 || status >= 500)) this.logger.warn(entry, 'graph request');
    else if (method === 'GET') this.logger.debug(entry, 'graph request');
    else this.logger.info(entry, 'graph request');
  }
}

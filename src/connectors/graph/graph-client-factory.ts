import {
  Client,
  HTTPMessageHandler,
  RetryHandler,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';
import type { Logger } from 'pino';
import { InvalidInputError } from '../../core/errors.js';
import type { TokenProvider } from '../auth/token-provider.js';
import type { WritePacer } from '../http/write-pacer.js';
import { BearerTokenMiddleware, RequestLoggingMiddleware } from './graph-middleware.js';
import { ReadRetryMiddleware } from './graph-read-retry.js';
import { WritePacerMiddleware } from './graph-write-pacer.js';

export const GRAPH_PUBLIC_BASE_URL = 'https://graph.microsoft.com';
export const GRAPH_VERSION = 'v1.0';

export interface GraphClientOptions {
  /** `https://graph.microsoft.com` (default) or the sandbox's `${baseUrl}/graph.microsoft.com`. */
  baseUrl?: string;
  /** Must be true for a plain-http base URL (the sandbox). */
  isSandbox?: boolean;
  /** Token provider for GRAPH_SCOPE. */
  tokenProvider: TokenProvider;
  logger: Logger;
  /** RetryHandler settings: retries of 429/503/504 (honouring Retry-After) inside one call. */
  maxRetries?: number;
  /** Backoff in seconds when the response has no Retry-After (SDK default 3). */
  retryDelaySeconds?: number;
  /** Paces writes under the identity-and-access write budget (every attempt takes a slot). */
  writePacer?: WritePacer;
}

/** A configured Graph client and the facts the helpers need (base URL for nextLink checks). */
export interface GraphConnection {
  client: Client;
  /** `${baseUrl}/v1.0`, without a trailing slash. */
  versionedBaseUrl: string;
  logger: Logger;
}

/**
 * Builds the Graph client with an explicit middleware chain:
 * bearer token → read retry (a GET whose connection failed) → RetryHandler (429/503/504, Retry-After)
 * → write pacer (when given) → request log (one line per attempt) → fetch.
 */
export function createGraphConnection(options: GraphClientOptions): GraphConnection {
  const baseUrl = (options.baseUrl ?? GRAPH_PUBLIC_BASE_URL).replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch (error) {
    throw new InvalidInputError(`Graph baseUrl is not a URL: ${baseUrl}`, { cause: error });
  }
  if (parsed.protocol !== 'https:' && options.isSandbox !== true) {
    throw new InvalidInputError('Graph baseUrl must be https outside sandbox mode');
  }
  const logger = options.logger.child({ component: 'graph' });
  const versionedBaseUrl = `${baseUrl}/${GRAPH_VERSION}`;
  const auth = new BearerTokenMiddleware(options.tokenProvider, `${versionedBaseUrl}/`);
  const retry = new RetryHandler(
    new RetryHandlerOptions(options.retryDelaySeconds ?? 3, options.maxRetries ?? 5),
  );
  const log = new RequestLoggingMiddleware(logger);
  const http = new HTTPMessageHandler();
  const readRetry = new ReadRetryMiddleware();
  auth.setNext(readRetry);
  readRetry.setNext(retry);
  if (options.writePacer) {
    const pacer = new WritePacerMiddleware(options.writePacer);
    retry.setNext(pacer);
    pacer.setNext(log);
  } else {
    retry.setNext(log);
  }
  log.setNext(http);
  const client = Client.initWithMiddleware({
    middleware: auth,
    baseUrl,
    defaultVersion: GRAPH_VERSION,
  });
  return { client, versionedBaseUrl, logger };
}

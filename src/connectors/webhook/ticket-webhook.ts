/**
 * The optional ticket hook: POSTs the revoke summary JSON to a configured URL, signed with a shared
 * secret (see webhook-signature.ts). Retries 5xx, 408, 429, timeouts and network errors with capped
 * exponential backoff (Retry-After first), a bounded number of times. It never throws: the outcome is
 * returned, so a ticket system that is down never blocks or fails a revoke run. The secret and the body
 * are never logged.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { InvalidInputError } from '../../core/errors.js';
import { systemClock, type Clock } from '../../core/ports/clock.js';
import {
  validateRevokeSummary,
  type RevokeSummary,
  type SummaryDelivery,
  type WebhookDelivery,
} from '../../core/revoke/index.js';
import { deliveryHeader, signPayload, signatureHeader, timestampHeader } from './webhook-signature.js';

export interface TicketWebhookOptions {
  url: string;
  secret: string;
  logger: Logger;
  clock?: Clock;
  /** Per attempt. Default 10 s. */
  timeoutMs?: number;
  /** Including the first. Default 4. */
  maxAttempts?: number;
  /** Backoff base and cap. Defaults 1 s and 30 s. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

type Attempt =
  | { kind: 'done'; status: number }
  | { kind: 'retry' | 'fatal'; status?: number; error: string; waitMs?: number };

export type { WebhookDelivery };

export class TicketWebhook implements SummaryDelivery {
  private readonly url: URL;
  private readonly clock: Clock;

  constructor(private readonly options: TicketWebhookOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch (error) {
      throw new InvalidInputError('Ticket webhook URL is not a valid URL', { cause: error });
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
      throw new InvalidInputError('Ticket webhook URL must use https (plain http only on loopback)');
    }
    if (url.username !== '' || url.password !== '') {
      throw new InvalidInputError(
        'Ticket webhook URL must not carry credentials; the shared secret signs requests',
      );
    }
    if (options.secret.length < 16)
      throw new InvalidInputError('Ticket webhook secret must be at least 16 characters');
    this.url = url;
    this.clock = options.clock ?? systemClock;
  }

  /** Delivers the summary; resolves with the outcome, never rejects. */
  async deliver(summary: RevokeSummary): Promise<WebhookDelivery> {
    const validation = validateRevokeSummary(summary);
    if (!validation.isValid) {
      const error = `summary does not match its schema: ${validation.errors.join('; ')}`;
      this.options.logger.error({ host: this.url.host }, 'Ticket webhook not sent: invalid summary');
      return { isDelivered: false, attempts: 0, error };
    }
    const body = JSON.stringify(summary);
    // Same id on every attempt: a receiver that saw a delivery whose answer got lost can drop the repeat.
    const deliveryId = randomUUID();
    const maxAttempts = Math.max(1, this.options.maxAttempts ?? 4);
    let last: Attempt = { kind: 'fatal', error: 'not attempted' };
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      last = await this.attempt(body, deliveryId);
      const log = { host: this.url.host, attempt, status: last.status };
      if (last.kind === 'done') {
        this.options.logger.info(log, 'Ticket webhook delivered');
        return { isDelivered: true, attempts: attempt, status: last.status };
      }
      this.options.logger.warn({ ...log, error: last.error }, 'Ticket webhook attempt failed');
      if (last.kind === 'fatal' || attempt === maxAttempts) {
        const delivery: WebhookDelivery = { isDelivered: false, attempts: attempt, error: last.error };
        if (last.status !== undefined) delivery.status = last.status;
        return delivery;
      }
      const backoff = Math.min(
        this.options.maxDelayMs ?? 30_000,
        (this.options.baseDelayMs ?? 1000) * 2 ** (attempt - 1),
      );
      await this.clock.sleep(Math.min(this.options.maxDelayMs ?? 30_000, last.waitMs ?? backoff));
    }
    return { isDelivered: false, attempts: maxAttempts, error: 'not delivered' };
  }

  private async attempt(body: string, deliveryId: string): Promise<Attempt> {
    const timestamp = String(Math.floor(this.clock.now() / 1000));
    let status: number;
    let retryAfter: string | null;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          [timestampHeader]: timestamp,
          [signatureHeader]: signPayload(this.options.secret, timestamp, body),
          [deliveryHeader]: deliveryId,
        },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      // The receiver's answer is not used; reading it releases the connection.
      await response.arrayBuffer();
      status = response.status;
      retryAfter = response.headers.get('retry-after');
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'network error';
      return { kind: 'retry', error: `${reason}: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (status >= 200 && status < 300) return { kind: 'done', status };
    const error = `receiver answered HTTP ${status}`;
    if (status >= 500 || status === 408 || status === 429) {
      const waitMs = retryAfterMs(retryAfter);
      return waitMs === undefined
        ? { kind: 'retry', status, error }
        : { kind: 'retry', status, error, waitMs };
    }
    return { kind: 'fatal', status, error };
  }
}

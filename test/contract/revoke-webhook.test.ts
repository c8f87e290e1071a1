/**
 * The ticket webhook against a real HTTP receiver (node:http on loopback): signature, retries on 5xx,
 * timeouts and network errors, no retry on other 4xx, and never a thrown error.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { RevokeSummary } from '../../src/core/revoke/index.js';
import {
  TicketWebhook,
  deliveryHeader,
  signatureHeader,
  timestampHeader,
  verifySignature,
} from '../../src/connectors/webhook/index.js';
import { VirtualClock } from '../unit/core/revoke/virtual-clock.js';

const secret = 'whsec-0123456789abcdef-contoso';

const summary: RevokeSummary = {
  success: true,
  removal_summary: {
    user_email: 'ada@contoso.com',
    user_display_name: 'Ada Lovelace',
    company: 'Contoso Ltd',
    total_permissions_removed: 1,
  },
  permissions_removed: {
    full_access: [],
    send_as: [{ mailbox: 'info@contoso.com', permission: 'SendAs', removed: true }],
    send_on_behalf: [],
    calendar_delegates: [],
    shared_mailboxes: [],
  },
  verification: {
    remaining_full_access: 0,
    remaining_send_as: 0,
    remaining_send_on_behalf: 0,
    remaining_calendar_delegates: 0,
    remaining_shared_mailboxes: 0,
    all_permissions_cleared: true,
  },
  ticket_id: 'OFF-2026-015',
};

interface Received {
  body: string;
  headers: IncomingMessage['headers'];
}

let server: Server | undefined;

async function receiver(
  answer: (index: number, res: ServerResponse) => void,
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      answer(received.length - 1, res);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/revoke`, received };
}

afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise<void>((resolve) => {
    running.close(() => {
      resolve();
    });
  });
});

function logged(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
  return { logger, lines };
}

describe('ticket webhook', () => {
  it('posts the summary signed over timestamp and raw body, verifiable by the receiver', async () => {
    const { url, received } = await receiver((_, res) => res.writeHead(204).end());
    const clock = new VirtualClock();
    const { logger, lines } = logged();
    const delivery = await new TicketWebhook({ url, secret, logger, clock }).deliver(summary);
    expect(delivery).toEqual({ isDelivered: true, attempts: 1, status: 204 });
    const [request] = received;
    expect(JSON.parse(request!.body)).toEqual(summary);
    const signature = request!.headers[signatureHeader.toLowerCase()] as string;
    const timestamp = request!.headers[timestampHeader.toLowerCase()] as string;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(Number(timestamp)).toBe(Math.floor(clock.now() / 1000));
    const nowSeconds = Math.floor(clock.now() / 1000);
    expect(verifySignature({ secret, rawBody: request!.body, signature, timestamp, nowSeconds })).toEqual({
      isValid: true,
    });
    expect(
      verifySignature({ secret, rawBody: `${request!.body} `, signature, timestamp, nowSeconds }),
    ).toMatchObject({ isValid: false, reason: 'signature mismatch' });
    expect(
      verifySignature({
        secret,
        rawBody: request!.body,
        signature,
        timestamp: String(Number(timestamp) + 1),
        nowSeconds,
      }),
    ).toMatchObject({ isValid: false });
    expect(
      verifySignature({ secret, rawBody: request!.body, signature, timestamp, nowSeconds: nowSeconds + 301 }),
    ).toMatchObject({ isValid: false, reason: 'timestamp outside the tolerance window' });
    expect(lines.join('\n')).not.toContain(secret);
    expect(lines.join('\n')).not.toContain('Ada Lovelace');
  });

  it('retries 5xx answers with backoff and the same delivery id, then succeeds', async () => {
    const { url, received } = await receiver((index, res) => res.writeHead(index < 2 ? 503 : 200).end('ok'));
    const clock = new VirtualClock();
    const delivery = await new TicketWebhook({
      url,
      secret,
      logger: logged().logger,
      clock,
      baseDelayMs: 1000,
    }).deliver(summary);
    expect(delivery).toEqual({ isDelivered: true, attempts: 3, status: 200 });
    expect(clock.sleeps).toEqual([1000, 2000]);
    const ids = new Set(received.map((request) => request.headers[deliveryHeader.toLowerCase()]));
    expect(ids.size).toBe(1);
    for (const request of received) {
      const signature = request.headers[signatureHeader.toLowerCase()] as string;
      const timestamp = request.headers[timestampHeader.toLowerCase()] as string;
      expect(
        verifySignature({
          secret,
          rawBody: request.body,
          signature,
          timestamp,
          nowSeconds: Math.floor(clock.now() / 1000),
        }).isValid,
      ).toBe(true);
    }
  });

  it('honours Retry-After on 429', async () => {
    const { url } = await receiver((index, res) =>
      index === 0 ? res.writeHead(429, { 'Retry-After': '7' }).end() : res.writeHead(200).end(),
    );
    const clock = new VirtualClock();
    const delivery = await new TicketWebhook({ url, secret, logger: logged().logger, clock }).deliver(
      summary,
    );
    expect(delivery.isDelivered).toBe(true);
    expect(clock.sleeps).toEqual([7000]);
  });

  it('gives up after the bounded attempts and reports the failure without throwing', async () => {
    const { url, received } = await receiver((_, res) => res.writeHead(500).end());
    const clock = new VirtualClock();
    const delivery = await new TicketWebhook({
      url,
      secret,
      logger: logged().logger,
      clock,
      maxAttempts: 3,
    }).deliver(summary);
    expect(delivery).toEqual({
      isDelivered: false,
      attempts: 3,
      status: 500,
      error: 'receiver answered HTTP 500',
    });
    expect(received).toHaveLength(3);
  });

  it('does not retry a 4xx refusal', async () => {
    const { url, received } = await receiver((_, res) => res.writeHead(401).end());
    const delivery = await new TicketWebhook({
      url,
      secret,
      logger: logged().logger,
      clock: new VirtualClock(),
    }).deliver(summary);
    expect(delivery).toMatchObject({ isDelivered: false, attempts: 1, status: 401 });
    expect(received).toHaveLength(1);
  });

  it('retries timeouts and network errors', async () => {
    const { url, received } = await receiver((index, res) => {
      if (index === 0) return; // never answers: the client times out
      res.writeHead(200).end();
    });
    const clock = new VirtualClock();
    const delivery = await new TicketWebhook({
      url,
      secret,
      logger: logged().logger,
      clock,
      timeoutMs: 200,
    }).deliver(summary);
    expect(delivery).toEqual({ isDelivered: true, attempts: 2, status: 200 });
    expect(received).toHaveLength(2);

    const closed = await receiver((_, res) => res.writeHead(200).end());
    server?.close();
    server?.closeAllConnections();
    const unreachable = await new TicketWebhook({
      url: closed.url,
      secret,
      logger: logged().logger,
      clock: new VirtualClock(),
      maxAttempts: 2,
    }).deliver(summary);
    expect(unreachable).toMatchObject({ isDelivered: false, attempts: 2 });
    expect(unreachable.error).toMatch(/^network error/);
  });

  it('refuses unsafe configuration and invalid summaries', async () => {
    const logger = logged().logger;
    expect(() => new TicketWebhook({ url: 'http://tickets.contoso.com/hook', secret, logger })).toThrow(
      /https/,
    );
    expect(
      () => new TicketWebhook({ url: 'https://user:pw@tickets.contoso.com/hook', secret, logger }),
    ).toThrow(/credentials/);
    expect(
      () => new TicketWebhook({ url: 'https://tickets.contoso.com/hook', secret: 'short', logger }),
    ).toThrow(/at least 16/);
    const { url, received } = await receiver((_, res) => res.writeHead(200).end());
    const invalid = { ...summary, ticket_id: 'bad ticket id; rm' };
    const delivery = await new TicketWebhook({ url, secret, logger, clock: new VirtualClock() }).deliver(
      invalid,
    );
    expect(delivery).toMatchObject({ isDelivered: false, attempts: 0 });
    expect(received).toHaveLength(0);
  });
});

/**
 * A signed machine-to-machine endpoint (HR leavers feed, revoke from a ticket): an Express handler that
 * accepts a JSON body only when it is signed like the ticket webhook (`X-Lifecycle-Signature:
 * sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`, `X-Lifecycle-Timestamp: <unix seconds>`,
 * see `webhook-signature.ts`), fresh (within the tolerance window), not seen before and small enough.
 *
 * Checks, in order: content type (415), size (413, counted on the raw bytes, never buffered beyond the
 * limit), signature and timestamp (401), replay (409), JSON (400). Every refusal is answered with
 * `{ error, message }`, audited as `action.refused` (the endpoint, the reason, the remote address; never
 * the body or a header value) and creates nothing: the handler runs only for an accepted delivery.
 *
 * Replay: an accepted signature is remembered in the store's durable work queue (kind
 * `signed-endpoint.delivery`, keyed by the endpoint and the signature's digest) as an item claimed
 * until well after the window. A claim is exclusive across instances (`SKIP LOCKED`), so the same
 * signed delivery is accepted once, even when two instances receive it at the same moment; the item
 * outlives restarts. Once the claim lapses the timestamp is outside the window, so the delivery is
 * refused as stale instead. A sender retrying after an error signs again with a new timestamp.
 */
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../core/ports/clock.js';
import type { Store } from '../core/ports/store.js';
import {
  deliveryHeader,
  signatureHeader,
  timestampHeader,
  verifySignature,
} from '../connectors/webhook/webhook-signature.js';

export const signedDeliveryKind = 'signed-endpoint.delivery';

export interface SignedDelivery {
  /** The parsed JSON body. */
  body: unknown;
  /** The raw body as signed. */
  rawBody: string;
  /** The signed timestamp (unix seconds). */
  timestamp: number;
  /** `X-Lifecycle-Delivery`, when the sender gave one (not signed material). */
  deliveryId?: string;
  /** The caller's address, for the audit trail. */
  remoteAddress: string;
}

export interface SignedAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface SignedEndpointOptions {
  /** Names the endpoint in the audit trail and the replay key, e.g. `POST /api/hr/leavers`. */
  name: string;
  /** The endpoint's own shared secret (never logged, never audited). */
  secret: string;
  store: Pick<Store, 'audit' | 'queue'>;
  clock: Clock;
  logger: Logger;
  /** Largest accepted body in bytes (default 256 KiB). */
  maxBodyBytes?: number;
  /** Accepted clock difference in seconds (default 300). */
  toleranceSeconds?: number;
  /** Handles an accepted delivery; its answer is sent as JSON. */
  handle: (delivery: SignedDelivery) => Promise<SignedAnswer>;
}

type RefusalCode =
  'unsupported-media-type' | 'too-large' | 'unsigned' | 'bad-signature' | 'stale' | 'replay' | 'malformed';

const statusOf: Record<RefusalCode, number> = {
  'unsupported-media-type': 415,
  'too-large': 413,
  unsigned: 401,
  'bad-signature': 401,
  stale: 401,
  replay: 409,
  malformed: 400,
};

const defaultMaxBodyBytes = 256 * 1024;
const defaultToleranceSeconds = 300;

/** The Express handler of one signed endpoint. Mount it without a body parser in front. */
export function signedEndpoint(options: SignedEndpointOptions): RequestHandler {
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const toleranceSeconds = options.toleranceSeconds ?? defaultToleranceSeconds;

  const refuse = async (
    req: Request,
    res: Response,
    code: RefusalCode,
    message: string,
    extra: Record<string, unknown> = {},
  ): Promise<void> => {
    const remoteAddress = req.socket.remoteAddress ?? 'unknown';
    try {
      await options.store.audit.append({
        at: new Date(options.clock.now()).toISOString(),
        type: 'action.refused',
        actor: { system: options.name },
        details: { action: options.name, code, reason: message, remoteAddress, ...extra },
      });
    } catch (error) {
      options.logger.error(
        { endpoint: options.name, err: error instanceof Error ? error.message : String(error) },
        'could not audit a refused delivery',
      );
    }
    options.logger.warn({ endpoint: options.name, code, remoteAddress }, 'signed delivery refused');
    if (!res.headersSent) {
      res.status(statusOf[code]);
      if (code === 'too-large') res.setHeader('Connection', 'close');
      res.json({ error: code, message });
    }
  };

  return (req, res, next) => {
    void (async () => {
      if (!req.is('application/json')) {
        req.resume();
        await refuse(
          req,
          res,
          'unsupported-media-type',
          'The body must be JSON (Content-Type: application/json).',
        );
        return;
      }
      const declared = Number(req.headers['content-length'] ?? '0');
      if (Number.isFinite(declared) && declared > maxBodyBytes) {
        req.resume();
        await refuse(req, res, 'too-large', `The body is larger than ${maxBodyBytes} bytes.`, {
          bytes: declared,
        });
        return;
      }
      const raw = await readLimited(req, maxBodyBytes);
      if (raw === 'too-large') {
        await refuse(req, res, 'too-large', `The body is larger than ${maxBodyBytes} bytes.`);
        return;
      }
      const rawBody = raw.toString('utf8');
      const signature = req.get(signatureHeader);
      const timestamp = req.get(timestampHeader);
      if (signature === undefined || timestamp === undefined) {
        await refuse(
          req,
          res,
          'unsigned',
          `The request must carry ${signatureHeader} and ${timestampHeader} headers.`,
        );
        return;
      }
      const nowSeconds = Math.floor(options.clock.now() / 1000);
      const check = verifySignature({
        secret: options.secret,
        rawBody,
        signature,
        timestamp,
        nowSeconds,
        toleranceSeconds,
      });
      if (!check.isValid) {
        const isStale = check.reason === 'timestamp outside the tolerance window';
        await refuse(
          req,
          res,
          isStale ? 'stale' : 'bad-signature',
          isStale
            ? `The timestamp is more than ${toleranceSeconds} s away from this server's clock; sign the request again.`
            : `The signature does not verify (${check.reason}).`,
        );
        return;
      }
      const isFirst = await rememberDelivery(options, signature, nowSeconds, toleranceSeconds);
      if (!isFirst) {
        await refuse(
          req,
          res,
          'replay',
          'This signed request was already received; it is not processed again.',
        );
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        await refuse(req, res, 'malformed', 'The body is not valid JSON.');
        return;
      }
      const deliveryId = req.get(deliveryHeader);
      const answer = await options.handle({
        body,
        rawBody,
        timestamp: Number(timestamp),
        ...(deliveryId !== undefined && { deliveryId: deliveryId.slice(0, 200) }),
        remoteAddress: req.socket.remoteAddress ?? 'unknown',
      });
      res.status(answer.status).json(answer.body);
    })().catch(next);
  };
}

/**
 * Records the signature as received; false when it was received before (within the window). The
 * item is claimed until twice the window from now and never completed: a completed item could be
 * claimed again after being enqueued anew.
 */
export async function rememberDelivery(
  options: Pick<SignedEndpointOptions, 'name' | 'store'>,
  signature: string,
  nowSeconds: number,
  toleranceSeconds: number,
): Promise<boolean> {
  const key = `${options.name}:${createHash('sha256').update(signature, 'utf8').digest('hex')}`;
  const nowMs = nowSeconds * 1000;
  await options.store.queue.enqueue({
    kind: signedDeliveryKind,
    key,
    payload: { endpoint: options.name, receivedAt: new Date(nowMs).toISOString() },
    notBeforeMs: 0,
  });
  const claim = await options.store.queue.claimKey(
    signedDeliveryKind,
    key,
    nowMs,
    (2 * toleranceSeconds + 60) * 1000,
  );
  return claim !== null;
}

/** The body's bytes, or `too-large` once it passes `limit` (the rest is drained, not kept). */
function readLimited(req: Request, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let isTooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (isTooLarge) return;
      size += chunk.length;
      if (size > limit) {
        isTooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(isTooLarge ? 'too-large' : Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

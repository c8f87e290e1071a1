/**
 * Signing of the ticket webhook: `X-Lifecycle-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`
 * with `X-Lifecycle-Timestamp: <unix seconds>`. The timestamp is part of the signed material so a
 * captured request can't be replayed later with a fresh timestamp. docs/revoke.md shows receivers how to
 * verify it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const signatureHeader = 'X-Lifecycle-Signature';
export const timestampHeader = 'X-Lifecycle-Timestamp';
/** Unique per summary, identical across retries, so receivers can de-duplicate. Not signed material. */
export const deliveryHeader = 'X-Lifecycle-Delivery';

export function signPayload(secret: string, timestamp: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex')}`;
}

export interface SignatureCheck {
  secret: string;
  rawBody: string;
  signature: string | undefined;
  timestamp: string | undefined;
  /** Seconds since the epoch, now. */
  nowSeconds: number;
  /** Accepted clock difference in seconds. Default 300. */
  toleranceSeconds?: number;
}

/** Receiver side: constant-time comparison and a freshness window. */
export function verifySignature(
  check: SignatureCheck,
): { isValid: true } | { isValid: false; reason: string } {
  if (check.signature === undefined || check.timestamp === undefined) {
    return { isValid: false, reason: 'missing signature or timestamp header' };
  }
  if (!/^\d{1,12}$/.test(check.timestamp)) return { isValid: false, reason: 'malformed timestamp' };
  const age = Math.abs(check.nowSeconds - Number(check.timestamp));
  if (age > (check.toleranceSeconds ?? 300))
    return { isValid: false, reason: 'timestamp outside the tolerance window' };
  const expected = Buffer.from(signPayload(check.secret, check.timestamp, check.rawBody), 'utf8');
  const actual = Buffer.from(check.signature, 'utf8');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    return { isValid: false, reason: 'signature mismatch' };
  }
  return { isValid: true };
}

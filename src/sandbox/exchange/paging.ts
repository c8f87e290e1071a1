/**
 * Paging of cmdlet output. A page holds at most `Prefer: odata.maxpagesize=N` objects (default and maximum
 * 1000); the rest is reached by POSTing the same body to `@odata.nextLink`, which carries a `$skiptoken`.
 * The token is stateless: the offset, a fingerprint of the cmdlet and its parameters (so a different body is
 * refused) and the issue time (links expire after 10 minutes, as the documentation warns).
 */
import { createHash } from 'node:crypto';
import type { CmdletRequest, JsonValue } from './envelope.js';
import { badRequest } from './errors.js';

export const MAX_PAGE_SIZE = 1000;
export const NEXT_LINK_LIFETIME_MS = 10 * 60 * 1000;

/** Reads `odata.maxpagesize=N` from a Prefer header value (comma-separated preferences). */
export function pageSizeFromPrefer(prefer: string | undefined): number {
  if (!prefer) return MAX_PAGE_SIZE;
  for (const part of prefer.split(',')) {
    const m = /^\s*odata\.maxpagesize\s*=\s*"?(\d{1,7})"?\s*$/i.exec(part);
    if (m) return Math.min(MAX_PAGE_SIZE, Math.max(1, Number(m[1])));
  }
  return MAX_PAGE_SIZE;
}

function canonical(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const key of Object.keys(value).sort()) out[key.toLowerCase()] = canonical(value[key] ?? null);
    return out;
  }
  return value;
}

/** Identifies "the same body": cmdlet and parameters, names case-insensitive, key order ignored. */
export function requestFingerprint(request: CmdletRequest): string {
  const params = [...request.parameters.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, p]) => [name, canonical(p.value)]);
  return createHash('sha256')
    .update(JSON.stringify([request.cmdletName.toLowerCase(), params]))
    .digest('base64url')
    .slice(0, 22);
}

interface SkipToken {
  offset: number;
  fingerprint: string;
  issuedAt: number;
}

export function encodeSkipToken(token: SkipToken): string {
  return Buffer.from(JSON.stringify([token.offset, token.fingerprint, token.issuedAt]), 'utf8').toString(
    'base64url',
  );
}

/** Returns the offset to continue from; refuses a malformed, expired or foreign token. */
export function decodeSkipToken(raw: string, fingerprint: string, now: number): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch (e) {
    throw Object.assign(badRequest('The $skiptoken is malformed.'), { cause: e });
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    typeof parsed[0] !== 'number' ||
    !Number.isInteger(parsed[0]) ||
    parsed[0] < 0 ||
    typeof parsed[1] !== 'string' ||
    typeof parsed[2] !== 'number'
  ) {
    throw badRequest('The $skiptoken is malformed.');
  }
  const [offset, tokenFingerprint, issuedAt] = parsed as [number, string, number];
  if (tokenFingerprint !== fingerprint) {
    throw badRequest('The $skiptoken belongs to a different request: POST the same body to @odata.nextLink.');
  }
  if (now - issuedAt > NEXT_LINK_LIFETIME_MS)
    throw badRequest('The @odata.nextLink has expired: start the query again.');
  return offset;
}

export interface Page<T> {
  items: T[];
  /** Offset of the next page, or null on the last page. */
  nextOffset: number | null;
  /** True when ResultSize cut the result short (more objects exist). */
  isTruncated: boolean;
}

/** Cuts `all` to the ResultSize limit, then takes the page at `offset`. */
export function takePage<T>(
  all: readonly T[],
  offset: number,
  pageSize: number,
  limit: number | 'Unlimited',
): Page<T> {
  const total = limit === 'Unlimited' ? all.length : Math.min(all.length, limit);
  const end = Math.min(total, offset + pageSize);
  return {
    items: all.slice(offset, end),
    nextOffset: end < total ? end : null,
    isTruncated: total < all.length,
  };
}

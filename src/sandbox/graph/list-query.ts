/**
 * Collection queries of Graph directory lists: `$filter`, `$search`, `$orderby`, `$count`, `$top` and opaque
 * `$skiptoken` paging, with the documented advanced-query rules (ConsistencyLevel: eventual + $count=true).
 */
import { createHash } from 'node:crypto';
import type { SandboxRequest } from '../http/service.js';
import { directoryBadRequest, fail } from './errors.js';
import { evaluateFilter } from './odata-evaluate.js';
import { advancedOperators, ODataFilterError, parseFilter } from './odata-filter.js';
import { parseSearch, searchMatches } from './odata-search.js';

export interface ListOptions {
  typeName: string;
  defaultPageSize: number;
  maxPageSize: number;
  /** Path of the collection after the host (for nextLink), e.g. `/v1.0/users`. */
  collectionPath: string;
}

export interface ListPage<T> {
  items: T[];
  count: number | null;
  nextLink: string | null;
}

interface SkipToken {
  offset: number;
  fingerprint: string;
}

function queryWithout(rawQuery: string, name: string): string {
  return rawQuery
    .split('&')
    .filter((p) => p.length > 0 && decodeKey(p.split('=')[0] ?? '') !== name)
    .join('&');
}

function decodeKey(k: string): string {
  try {
    return decodeURIComponent(k).toLowerCase();
  } catch {
    return k.toLowerCase();
  }
}

function fingerprint(query: string): string {
  return createHash('sha256').update(query).digest('base64url').slice(0, 16);
}

function decodeSkipToken(req: SandboxRequest, token: string, expected: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<SkipToken>;
    if (
      typeof parsed.offset === 'number' &&
      Number.isInteger(parsed.offset) &&
      parsed.offset >= 0 &&
      parsed.fingerprint === expected &&
      Buffer.from(JSON.stringify(parsed)).toString('base64url') === token
    ) {
      return parsed.offset;
    }
  } catch {
    // falls through to the documented error
  }
  return directoryBadRequest(
    req,
    'The specified page token value has expired and can no longer be included in your request.',
  );
}

/** The case-insensitive lookup the query string needs (`$Filter` and `$filter` are the same). */
function param(req: SandboxRequest, name: string): string | null {
  for (const [k, v] of req.query) if (k.toLowerCase() === name) return v;
  return null;
}

/**
 * Runs the query over `source`. `view` gives the Graph JSON an item is filtered, searched and sorted by; it is
 * only called when the query needs it, so plain paging of a large collection stays cheap.
 */
export function runListQuery<T>(
  req: SandboxRequest,
  source: readonly T[],
  opts: ListOptions,
  view: (item: T) => Record<string, unknown>,
): ListPage<T> {
  const views = new Map<T, Record<string, unknown>>();
  const viewOf = (item: T): Record<string, unknown> => {
    let v = views.get(item);
    if (!v) {
      v = view(item);
      views.set(item, v);
    }
    return v;
  };
  const isEventual = (req.headers['consistencylevel'] ?? '').toLowerCase() === 'eventual';
  const countParam = param(req, '$count');
  const wantsCount = countParam?.toLowerCase() === 'true';
  const search = param(req, '$search');
  const filter = param(req, '$filter');
  const orderby = param(req, '$orderby');
  if (search !== null && !isEventual) {
    fail(
      req,
      400,
      'Request_UnsupportedQuery',
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    );
  }
  if (wantsCount && !isEventual) {
    directoryBadRequest(
      req,
      "$count is not currently supported without the header 'ConsistencyLevel: eventual'.",
    );
  }
  let items = [...source];
  if (filter !== null) {
    let expr;
    try {
      expr = parseFilter(filter);
    } catch (e) {
      if (e instanceof ODataFilterError) fail(req, 400, 'BadRequest', `Invalid filter clause: ${e.message}`);
      throw e;
    }
    const advanced = advancedOperators(expr);
    const first = advanced[0];
    if (first !== undefined && !(isEventual && wantsCount)) {
      fail(
        req,
        400,
        'Request_UnsupportedQuery',
        `Operator '${first}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information`,
      );
    }
    try {
      items = items.filter((o) => evaluateFilter(expr, viewOf(o), opts.typeName));
    } catch (e) {
      if (e instanceof ODataFilterError) directoryBadRequest(req, e.message);
      throw e;
    }
  }
  if (search !== null) {
    const clauses = parseSearch(req, search);
    items = items.filter((o) => searchMatches(clauses, viewOf(o)));
  }
  if (orderby !== null) {
    if (filter !== null && !(isEventual && wantsCount)) {
      fail(
        req,
        400,
        'Request_UnsupportedQuery',
        'Sorting not supported for current query. Try adding $count=true query parameter and ConsistencyLevel:eventual header.',
      );
    }
    const [prop = '', dir = 'asc'] = orderby.trim().split(/\s+/);
    const sign = dir.toLowerCase() === 'desc' ? -1 : 1;
    items.sort(
      (a, b) =>
        sign *
        sortKey(viewOf(a)[prop]).localeCompare(sortKey(viewOf(b)[prop]), 'en', { sensitivity: 'base' }),
    );
  }
  const topRaw = param(req, '$top');
  let pageSize = opts.defaultPageSize;
  if (topRaw !== null) {
    const top = Number(topRaw);
    if (!Number.isInteger(top) || top < 1 || top > opts.maxPageSize) {
      directoryBadRequest(
        req,
        `Invalid page size specified: '${topRaw}'. Must be between 1 and ${opts.maxPageSize} inclusive.`,
      );
    }
    pageSize = top;
  }
  const baseQuery = queryWithout(req.rawQuery, '$skiptoken');
  const fp = fingerprint(baseQuery);
  const token = param(req, '$skiptoken');
  const offset = token === null ? 0 : decodeSkipToken(req, token, fp);
  const page = items.slice(offset, offset + pageSize);
  const nextOffset = offset + pageSize;
  let nextLink: string | null = null;
  if (nextOffset < items.length) {
    const skip = Buffer.from(
      JSON.stringify({ offset: nextOffset, fingerprint: fp } satisfies SkipToken),
    ).toString('base64url');
    const q = baseQuery.length > 0 ? `${baseQuery}&$skiptoken=${skip}` : `$skiptoken=${skip}`;
    nextLink = `${req.baseUrl}/graph.microsoft.com${opts.collectionPath}?${q}`;
  }
  return { items: page, count: wantsCount ? items.length : null, nextLink };
}

function sortKey(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** Graph `$search` for directory objects: `"property:value"` clauses joined by OR / AND, tokenized prefix match. */
import type { SandboxRequest } from '../http/service.js';
import { fail } from './errors.js';

export const searchableProperties = [
  'displayName',
  'givenName',
  'surname',
  'mail',
  'userPrincipalName',
  'mailNickname',
  'jobTitle',
  'department',
  'employeeId',
  'description',
];

export interface SearchClause {
  property: string;
  value: string;
}

/** Disjunctive normal form: OR of AND-groups. */
export type SearchQuery = SearchClause[][];

export function parseSearch(req: SandboxRequest, raw: string): SearchQuery {
  const groups: SearchQuery = [[]];
  const pattern = /\s*"([^"]*)"\s*(?:(OR|AND)\s*|$)/gy;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = pattern.exec(raw)) !== null) {
    consumed = pattern.lastIndex;
    const body = m[1] ?? '';
    const colon = body.indexOf(':');
    if (colon <= 0)
      fail(
        req,
        400,
        'Request_UnsupportedQuery',
        `Syntax error: search clause "${body}" must be "property:value".`,
      );
    const property = body.slice(0, colon).trim();
    const known = searchableProperties.find((p) => p.toLowerCase() === property.toLowerCase());
    if (!known) fail(req, 400, 'Request_UnsupportedQuery', `Unsupported property '${property}' in $search.`);
    groups[groups.length - 1]?.push({
      property: known,
      value: body
        .slice(colon + 1)
        .trim()
        .toLowerCase(),
    });
    if (m[2] === 'OR') groups.push([]);
    if (m[2] === undefined) break;
  }
  if (consumed !== raw.length || groups.some((g) => g.length === 0)) {
    fail(
      req,
      400,
      'Request_UnsupportedQuery',
      'Syntax error: the $search value must be one or more quoted "property:value" clauses joined by OR or AND.',
    );
  }
  return groups;
}

function tokens(value: string): string[] {
  return value
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

function clauseMatches(clause: SearchClause, obj: Record<string, unknown>): boolean {
  const v = obj[clause.property];
  if (typeof v !== 'string') return false;
  const words = tokens(clause.value);
  const have = tokens(v);
  return words.length > 0 && words.every((w) => have.some((h) => h.startsWith(w)));
}

export function searchMatches(query: SearchQuery, obj: Record<string, unknown>): boolean {
  return query.some((group) => group.every((c) => clauseMatches(c, obj)));
}

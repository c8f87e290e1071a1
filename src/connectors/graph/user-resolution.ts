import type { IdentityUser } from '../../core/ports/identity.js';
import type { UserSearchResult } from '../../core/ports/users.js';

export type QueryShape = 'object-id' | 'address' | 'display-name';

export function queryShape(query: string): QueryShape {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(query)) return 'object-id';
  // Length first, then a linear pattern (one @, dot-separated labels): the query comes from chat.
  if (query.length <= 320 && /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/.test(query)) return 'address';
  return 'display-name';
}

/**
 * Decides the outcome of a display-name search. Exactly one exact (case-insensitive) match is
 * "found"; several exact matches, or only partial matches, are choices for the requester: a partial
 * match is never silently taken as the person to offboard.
 */
export function decideDisplayNameResult(query: string, matches: IdentityUser[]): UserSearchResult | null {
  if (matches.length === 0) return null;
  const wanted = query.trim().toLocaleLowerCase();
  const exact = matches.filter((user) => user.displayName.trim().toLocaleLowerCase() === wanted);
  const [only] = exact;
  if (exact.length === 1 && only !== undefined) return { kind: 'found', user: only };
  return { kind: 'ambiguous', choices: exact.length > 1 ? exact : matches };
}

/** The prefix used for "did you mean" suggestions: the first word, at least two characters. */
export function suggestionPrefix(query: string): string | null {
  const local = query.includes('@') ? (query.split('@')[0] ?? '') : query;
  const first = local.trim().split(/[\s._-]+/)[0] ?? '';
  return first.length >= 2 ? first : null;
}

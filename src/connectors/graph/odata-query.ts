import { InvalidInputError } from '../../core/errors.js';

/**
 * OData values for Microsoft Graph query options. The Graph JS client joins `key=value` pairs
 * verbatim (GraphRequest.createQueryString), so every value built here is escaped for OData first and
 * percent-encoded second:
 *   - string literal: single quotes doubled (`O'Brien` → `'O''Brien'`), per the OData ABNF;
 *   - `$search` clause: `"` and `\` escaped with a backslash inside the double-quoted clause;
 *   - then RFC 3986 encoding of everything except unreserved characters, so `&`, `#`, `+`, `'`, `(`
 *     and `=` can never end the value or start a new option.
 * Control characters (NUL included) are refused: no directory value contains them.
 */

export const DEFAULT_MAX_VALUE_LENGTH = 1024;

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export function assertQueryValue(value: string, what = 'value', maxLength = DEFAULT_MAX_VALUE_LENGTH): void {
  if (CONTROL_CHARACTERS.test(value)) throw new InvalidInputError(`The ${what} contains control characters`);
  if (value.length > maxLength)
    throw new InvalidInputError(`The ${what} is longer than ${maxLength} characters`);
}

/** `O'Brien` → `'O''Brien'` (not yet percent-encoded). */
export function odataStringLiteral(value: string, maxLength = DEFAULT_MAX_VALUE_LENGTH): string {
  assertQueryValue(value, 'search value', maxLength);
  return `'${value.replace(/'/g, "''")}'`;
}

/** `displayName`, `Ada "the" Countess` → `"displayName:Ada \"the\" Countess"`. */
export function searchClause(property: string, value: string, maxLength = DEFAULT_MAX_VALUE_LENGTH): string {
  assertPropertyPath(property);
  assertQueryValue(value, 'search value', maxLength);
  return `"${property}:${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `property eq 'value'` with the value escaped. */
export function eqFilter(property: string, value: string): string {
  assertPropertyPath(property);
  return `${property} eq ${odataStringLiteral(value)}`;
}

/** `startswith(property,'value')` with the value escaped. */
export function startsWithFilter(property: string, value: string): string {
  assertPropertyPath(property);
  return `startswith(${property},${odataStringLiteral(value)})`;
}

/** Percent-encodes everything but RFC 3986 unreserved characters (encodeURIComponent leaves `'()*!`). */
export function encodeQueryComponent(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export type QueryOptions = Record<string, string | number | boolean | undefined>;

/** `{ $filter: "a eq 'b'", $top: 5 }` → `?$filter=a%20eq%20%27b%27&$top=5`. Undefined values are dropped. */
export function buildQueryString(options: QueryOptions): string {
  const parts: string[] = [];
  for (const [key, raw] of Object.entries(options)) {
    if (raw === undefined) continue;
    if (!/^\$?[A-Za-z][A-Za-z0-9_-]*$/.test(key))
      throw new InvalidInputError(`Invalid query option name: ${key}`);
    parts.push(`${key}=${encodeQueryComponent(String(raw))}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/**
 * A path segment for a user or group key. UPNs keep their `@` (Graph documents `/users/{upn}`), `#`
 * becomes `%23` (B2B `#EXT#` UPNs), and a UPN starting with `$` uses the documented
 * `users('$x@y.com')` key form. `.` and `..` are refused (they are path steps, not keys).
 */
export function userKeySegment(idOrUpn: string): string {
  assertQueryValue(idOrUpn, 'user id or UPN', 320);
  if (idOrUpn === '') throw new InvalidInputError('The user id or UPN is empty');
  // `.` and `..` are unreserved, so they would stay as they are and move the request up the path.
  if (idOrUpn === '.' || idOrUpn === '..') throw new InvalidInputError('The user id or UPN is not a key');
  if (idOrUpn.startsWith('$')) return `(${encodeQueryComponent(`'${idOrUpn.replace(/'/g, "''")}'`)})`;
  return `/${encodeQueryComponent(idOrUpn).replace(/%40/g, '@')}`;
}

/** An object id (GUID) for path segments such as `/groups/{id}`. */
export function assertObjectId(id: string, what = 'object id'): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    throw new InvalidInputError(`The ${what} is not a GUID: ${JSON.stringify(id.slice(0, 64))}`);
  }
  return id.toLowerCase();
}

function assertPropertyPath(property: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_/]*$/.test(property))
    throw new InvalidInputError(`Invalid property name: ${property}`);
}

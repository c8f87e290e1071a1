/**
 * Base-scope reads the directory uses to check preconditions and to read back its own writes.
 */
import { AndFilter, Attribute, Change, EqualityFilter, type Entry } from 'ldapts';
import { NotFoundError } from '../../core/errors.js';
import { SAM_USER_OBJECT, firstValue } from './account-entry.js';
import { LdapResult, isResultCode } from './ldap-errors.js';
import type { LdapClient } from './ldap-session.js';
import { parseUserAccountControl } from './user-account-control.js';

export function userFilter(inner?: EqualityFilter): AndFilter {
  const filters = [new EqualityFilter({ attribute: 'sAMAccountType', value: SAM_USER_OBJECT })];
  if (inner !== undefined) filters.push(inner);
  return new AndFilter({ filters });
}

export function replace(type: string, values: string[]): Change {
  return new Change({ operation: 'replace', modification: new Attribute({ type, values }) });
}

/** A base-scope read; undefined when the object is absent (or doesn't match the filter). */
export async function readEntry(
  client: LdapClient,
  dn: string,
  attributes: readonly string[],
  filter?: AndFilter,
): Promise<Entry | undefined> {
  try {
    const { searchEntries } = await client.search(dn, {
      scope: 'base',
      attributes: [...attributes],
      ...(filter ? { filter } : {}),
    });
    return searchEntries[0];
  } catch (error) {
    if (isResultCode(error, LdapResult.noSuchObject)) return undefined;
    throw error;
  }
}

export async function mustRead(
  client: LdapClient,
  dn: string,
  attributes: readonly string[],
): Promise<Entry> {
  const entry = await readEntry(client, dn, attributes);
  if (entry === undefined) throw new NotFoundError('The directory object does not exist');
  return entry;
}

export async function readUac(client: LdapClient, dn: string): Promise<number> {
  const entry = await readEntry(client, dn, ['userAccountControl'], userFilter());
  const raw = entry === undefined ? undefined : firstValue(entry, 'userAccountControl');
  if (raw === undefined) throw new NotFoundError('The directory user does not exist');
  return parseUserAccountControl(raw);
}

/** pwdLastSet in FILETIME ticks; 0 when never set. BigInt: the value exceeds 2^53. */
export async function readPwdLastSet(client: LdapClient, dn: string): Promise<bigint> {
  const entry = await readEntry(client, dn, ['pwdLastSet'], userFilter());
  if (entry === undefined) throw new NotFoundError('The directory user does not exist');
  const raw = firstValue(entry, 'pwdLastSet') ?? '0';
  return /^-?\d+$/.test(raw) ? BigInt(raw) : 0n;
}

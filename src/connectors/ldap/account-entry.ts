/**
 * The attributes the connector reads and their mapping from an ldapts search entry to the port's
 * `DirectoryAccount`. ldapts returns a single value as a string, several as an array, a requested but
 * absent attribute as [], and keys in the server's casing; all of that is normalised here.
 */
import type { Entry } from 'ldapts';
import type { DirectoryAccount } from '../../core/ports/directory.js';
import { isDisabled, parseUserAccountControl } from './user-account-control.js';

export const ACCOUNT_ATTRIBUTES = [
  'sAMAccountName',
  'userPrincipalName',
  'employeeID',
  'displayName',
  'userAccountControl',
  'description',
  'info',
  'c',
  'msExchHideFromAddressLists',
  'memberOf',
  'primaryGroupID',
] as const;

/** sAMAccountType of normal user accounts (SAM_USER_OBJECT): excludes computers, which are users too. */
export const SAM_USER_OBJECT = '805306368';

/** Attribute names a caller may ask for: LDAP descriptors only, never built from end-user input. */
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;

export function isValidAttributeName(name: string): boolean {
  return ATTRIBUTE_NAME.test(name);
}

type Value = Entry[string];

function lookup(entry: Entry, name: string): Value | undefined {
  const wanted = name.toLowerCase();
  for (const key of Object.keys(entry)) {
    if (key.toLowerCase() === wanted) return entry[key];
  }
  return undefined;
}

export function values(entry: Entry, name: string): string[] {
  const value = lookup(entry, name);
  if (value === undefined) return [];
  const list: (string | Buffer)[] = Array.isArray(value) ? value : [value];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
}

export function firstValue(entry: Entry, name: string): string | undefined {
  return values(entry, name)[0];
}

export function firstBuffer(entry: Entry, name: string): Buffer | undefined {
  const value = lookup(entry, name);
  const first = Array.isArray(value) ? value[0] : value;
  return Buffer.isBuffer(first) ? first : undefined;
}

export function toDirectoryAccount(entry: Entry, extraAttributes: readonly string[]): DirectoryAccount {
  const uacText = firstValue(entry, 'userAccountControl');
  if (uacText === undefined) throw new RangeError('the entry has no userAccountControl');
  const userAccountControl = parseUserAccountControl(uacText);
  const primaryGroupText = firstValue(entry, 'primaryGroupID');
  const account: DirectoryAccount = {
    dn: entry.dn,
    sAMAccountName: firstValue(entry, 'sAMAccountName') ?? '',
    userAccountControl,
    isEnabled: !isDisabled(userAccountControl),
    isHiddenFromAddressLists: firstValue(entry, 'msExchHideFromAddressLists')?.toUpperCase() === 'TRUE',
    memberOf: values(entry, 'memberOf'),
  };
  const optional: [keyof DirectoryAccount, string][] = [
    ['userPrincipalName', 'userPrincipalName'],
    ['employeeId', 'employeeID'],
    ['displayName', 'displayName'],
    ['description', 'description'],
    ['info', 'info'],
    ['country', 'c'],
  ];
  for (const [field, attribute] of optional) {
    const value = firstValue(entry, attribute);
    if (value !== undefined) Object.assign(account, { [field]: value });
  }
  if (primaryGroupText !== undefined && /^\d+$/.test(primaryGroupText)) {
    account.primaryGroupId = Number(primaryGroupText);
  }
  if (extraAttributes.length > 0) {
    account.attributes = Object.fromEntries(extraAttributes.map((name) => [name, firstValue(entry, name)]));
  }
  return account;
}

/** The relative identifier: the last sub-authority of a binary SID (MS-DTYP 2.4.2.2). */
export function ridOf(sid: Buffer): { domain: string; rid: number } {
  const count = sid.readUInt8(1);
  if (count < 1 || sid.length < 8 + 4 * count) throw new RangeError('malformed objectSid');
  const ridOffset = 8 + 4 * (count - 1);
  return { domain: sid.subarray(0, ridOffset).toString('hex'), rid: sid.readUInt32LE(ridOffset) };
}

/**
 * Validation of caller input before anything reaches the server: bad input gets a clear message and
 * changes nothing. Values that pass still travel only as data (filter objects, DN strings the server
 * parses), never spliced into filter text.
 */
import { EqualityFilter } from 'ldapts';
import { InvalidInputError } from '../../core/errors.js';
import type { DirectoryLookup } from '../../core/ports/directory.js';
import { DnSyntaxError, parseDn } from './dn.js';

/** Longest lookup value sent to the server (AD's userPrincipalName limit is 1024 characters). */
export const MAX_LOOKUP_LENGTH = 1024;
/** description and info are limited to 1024 characters in AD's schema (rangeUpper). */
export const MAX_STAMP_LENGTH = 1024;
const MAX_DN_LENGTH = 2048;
/**
 * Whether the text holds a C0 control or DEL. No user name contains them, and Samba ends a value at
 * NUL (so `grady.archie\0x` would match grady.archie): such input is refused before anything is sent.
 * Stamps may keep line breaks and tabs (AD's Notes field uses CRLF).
 */
function hasControlCharacter(value: string, allowLineBreaks = false): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (allowLineBreaks && (code === 0x09 || code === 0x0a || code === 0x0d)) continue;
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export type ValueLookup = { attribute: 'userPrincipalName' | 'sAMAccountName' | 'employeeID'; value: string };

export function lookupFilter(lookup: Exclude<DirectoryLookup, { dn: string }>): EqualityFilter {
  const { attribute, value } = valueLookup(lookup);
  return new EqualityFilter({ attribute, value });
}

function valueLookup(lookup: Exclude<DirectoryLookup, { dn: string }>): ValueLookup {
  if ('userPrincipalName' in lookup) return checked('userPrincipalName', lookup.userPrincipalName);
  if ('sAMAccountName' in lookup) return checked('sAMAccountName', lookup.sAMAccountName);
  if ('employeeId' in lookup) return checked('employeeID', lookup.employeeId);
  throw new InvalidInputError(
    'Unsupported directory lookup: use userPrincipalName, sAMAccountName, employeeId or dn',
  );
}

function checked(attribute: ValueLookup['attribute'], value: unknown): ValueLookup {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidInputError(`The ${attribute} to look up is empty`);
  }
  if (value.length > MAX_LOOKUP_LENGTH) {
    throw new InvalidInputError(`The ${attribute} to look up is longer than ${MAX_LOOKUP_LENGTH} characters`);
  }
  if (hasControlCharacter(value)) {
    throw new InvalidInputError(`The ${attribute} to look up contains control characters`);
  }
  return { attribute, value };
}

/** Checks a DN's syntax (RFC 4514) and returns it unchanged. */
export function checkedDn(dn: unknown, what = 'distinguished name'): string {
  if (typeof dn !== 'string' || dn.trim() === '') throw new InvalidInputError(`The ${what} is empty`);
  if (dn.length > MAX_DN_LENGTH)
    throw new InvalidInputError(`The ${what} is longer than ${MAX_DN_LENGTH} characters`);
  if (hasControlCharacter(dn)) throw new InvalidInputError(`The ${what} contains control characters`);
  try {
    parseDn(dn);
  } catch (error) {
    if (error instanceof DnSyntaxError)
      throw new InvalidInputError(`The ${what} is malformed: ${error.message}`, { cause: error });
    throw error;
  }
  return dn;
}

/** Only description and info ever reach the modify request, whatever else the object carries. */
export function checkedStamp(fields: { description?: string; info?: string }): StampFields {
  const stamp: StampFields = {};
  if (fields.description !== undefined)
    stamp.description = checkedStampText('description', fields.description);
  if (fields.info !== undefined) stamp.info = checkedStampText('info', fields.info);
  if (stamp.description === undefined && stamp.info === undefined) {
    throw new InvalidInputError('Nothing to stamp: give a description or info');
  }
  return stamp;
}

export interface StampFields {
  description?: string;
  info?: string;
}

function checkedStampText(name: string, value: unknown): string {
  if (typeof value !== 'string') throw new InvalidInputError(`The ${name} must be text`);
  if (value.length > MAX_STAMP_LENGTH) {
    throw new InvalidInputError(`The ${name} is longer than ${MAX_STAMP_LENGTH} characters`);
  }
  if (hasControlCharacter(value, true)) {
    throw new InvalidInputError(`The ${name} contains control characters`);
  }
  return value;
}

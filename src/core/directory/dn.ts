/**
 * Distinguished names per RFC 4514: escaping values we put into a DN, and splitting DNs the server
 * returned without tripping over escaped commas (`CN=Lovelace\, Ada,OU=Staff,…` is common in AD).
 * AD compares DNs case-insensitively. Pure string logic, shared by the steps (parent OU, RDN) and the
 * LDAP connector; never cut a DN at `indexOf(',')`.
 */
import { InvalidInputError } from '../errors.js';

export interface Rdn {
  /** Attribute type as written, e.g. `CN`. */
  type: string;
  /** The unescaped value. */
  value: string;
}

/**
 * Escapes an attribute value for a DN (RFC 4514 §2.4). The backslash becomes `\5C` rather than `\\`
 * so an escaped value never ends in a backslash: ldapts splits a move target at the first comma that
 * is not preceded by one, and `…\\,` would be split in the wrong place.
 */
export function escapeDnValue(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\5C';
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(16).padStart(2, '0').toUpperCase()}`;
    else if ('"+,;<>='.includes(ch)) out += `\\${ch}`;
    else out += ch;
  }
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

export function formatRdn(rdn: Rdn): string {
  return `${rdn.type}=${escapeDnValue(rdn.value)}`;
}

/**
 * Splits a DN into its RDN strings (still escaped) at unescaped commas. Spaces around an RDN are
 * dropped, but never an escaped one: `CN=Ada\ ,OU=x` keeps its trailing `\ `.
 */
export function splitDn(dn: string): string[] {
  const parts: string[] = [];
  let current = '';
  /** Length of `current` up to the end of its last escape pair, which trimming must not cut into. */
  let escapedLength = 0;
  const endRdn = (): void => {
    parts.push((current.slice(0, escapedLength) + current.slice(escapedLength).trimEnd()).trimStart());
    current = '';
    escapedLength = 0;
  };
  for (let i = 0; i < dn.length; i++) {
    const ch = dn.charAt(i);
    if (ch === '\\') {
      if (i + 1 >= dn.length) throw new DnSyntaxError('ends with a lone backslash');
      current += ch + dn.charAt(i + 1);
      escapedLength = current.length;
      i++;
    } else if (ch === ',') {
      endRdn();
    } else {
      current += ch;
    }
  }
  endRdn();
  if (parts.some((p) => p === '')) throw new DnSyntaxError('has an empty RDN');
  return parts;
}

/** Parses one escaped RDN string (single-valued; AD doesn't use multi-valued RDNs). */
export function parseRdn(rdn: string): Rdn {
  const eq = rdn.indexOf('=');
  if (eq <= 0) throw new DnSyntaxError('has an RDN without a type');
  const type = rdn.slice(0, eq).trim();
  if (!/^[A-Za-z][A-Za-z0-9-]*$|^\d+(\.\d+)*$/.test(type))
    throw new DnSyntaxError('has an invalid attribute type');
  // Whole code points, so a character outside the BMP is not cut into two lone surrogates.
  const raw = Array.from(rdn.slice(eq + 1));
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] ?? '';
    if (ch === '\\') {
      const pair = raw.slice(i + 1, i + 3).join('');
      const next = raw[i + 1];
      if (/^[0-9a-fA-F]{2}$/.test(pair)) {
        bytes.push(parseInt(pair, 16));
        i += 2;
      } else if (next !== undefined) {
        bytes.push(...Buffer.from(next, 'utf8'));
        i += 1;
      } else {
        throw new DnSyntaxError('ends with a lone backslash');
      }
    } else if (ch === '+' || ch === '"') {
      throw new DnSyntaxError('has a multi-valued or quoted RDN');
    } else {
      bytes.push(...Buffer.from(ch, 'utf8'));
    }
  }
  return { type, value: Buffer.from(bytes).toString('utf8') };
}

export function parseDn(dn: string): Rdn[] {
  return splitDn(dn).map(parseRdn);
}

/** The first RDN and the parent DN (both escaped, as in the input). */
export function splitFirstRdn(dn: string): { rdn: string; parentDn: string } {
  const parts = splitDn(dn);
  const [rdn, ...rest] = parts;
  if (rdn === undefined || rest.length === 0) throw new DnSyntaxError('has no parent');
  return { rdn, parentDn: rest.join(',') };
}

/** The DN of the container holding `dn` (escaped, as in the input). */
export function parentDn(dn: string): string {
  return splitFirstRdn(dn).parentDn;
}

/** The object's own RDN (escaped, as in the input), e.g. `CN=Lovelace\, Ada`. */
export function firstRdn(dn: string): string {
  return splitFirstRdn(dn).rdn;
}

/** Comparison keys of the RDNs: types and values lower-cased, values re-escaped canonically. */
function rdnKeys(dn: string): string[] {
  return parseDn(dn).map((r) => `${r.type.toLowerCase()}=${escapeDnValue(r.value.toLowerCase())}`);
}

export function normalizeDn(dn: string): string {
  return rdnKeys(dn).join(',');
}

export function isSameDn(a: string, b: string): boolean {
  return normalizeDn(a) === normalizeDn(b);
}

/** Whether `dn` is `baseDn` or lies below it, compared RDN by RDN. */
export function isWithin(dn: string, baseDn: string): boolean {
  const child = rdnKeys(dn);
  const base = rdnKeys(baseDn);
  if (child.length < base.length) return false;
  const tail = child.slice(child.length - base.length);
  return tail.every((key, i) => key === base[i]);
}

/** A malformed DN is bad input wherever it came from: retrying cannot fix it. */
export class DnSyntaxError extends InvalidInputError {
  constructor(reason: string) {
    super(`The distinguished name ${reason}`);
  }
}

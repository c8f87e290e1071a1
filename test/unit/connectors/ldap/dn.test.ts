import { describe, expect, it } from 'vitest';
import {
  DnSyntaxError,
  escapeDnValue,
  formatRdn,
  isSameDn,
  isWithin,
  parseDn,
  parseRdn,
  splitFirstRdn,
} from '../../../../src/connectors/ldap/dn.js';

describe('RFC 4514 DN value escaping', () => {
  it.each([
    ["O'Brien, Pat", "O'Brien\\, Pat"],
    ['a\\,b', 'a\\5C\\,b'],
    ['#lead', '\\#lead'],
    [' lead and trail ', '\\ lead and trail\\ '],
    ['mid#hash', 'mid#hash'],
    ['a+b;c<d>e"f=g', 'a\\+b\\;c\\<d\\>e\\"f\\=g'],
    ['nul\u0000and\nnewline', 'nul\\00and\\0Anewline'],
    ['Zoë Ødegård', 'Zoë Ødegård'],
    ['ends with backslash\\', 'ends with backslash\\5C'],
  ])('escapes %j as %j', (value, escaped) => {
    expect(escapeDnValue(value)).toBe(escaped);
    expect(parseRdn(`CN=${escaped}`).value).toBe(value);
  });

  it('never produces a value that ends in a backslash before the comma', () => {
    for (const value of ['x\\', '\\', 'a\\\\']) {
      expect(`${formatRdn({ type: 'CN', value })},OU=x`).not.toMatch(/\\,OU=x$/);
    }
  });
});

describe('DN parsing', () => {
  it('splits at unescaped commas only', () => {
    expect(splitFirstRdn("CN=O'Brien\\, Pat,OU=Staff,DC=lifecycle,DC=test")).toEqual({
      rdn: "CN=O'Brien\\, Pat",
      parentDn: 'OU=Staff,DC=lifecycle,DC=test',
    });
    expect(splitFirstRdn('CN=a\\\\\\,b,OU=Staff,DC=x')).toEqual({
      rdn: 'CN=a\\\\\\,b',
      parentDn: 'OU=Staff,DC=x',
    });
  });

  it('decodes hex escapes, including multi-byte UTF-8', () => {
    expect(parseRdn('CN=Zo\\C3\\AB').value).toBe('Zoë');
    expect(parseRdn('CN=a\\5C\\2Cb').value).toBe('a\\,b');
  });

  it('re-escapes what the server returned to the same value', () => {
    const fromServer = 'CN=a\\\\\\,b';
    const rdn = parseRdn(fromServer);
    expect(rdn.value).toBe('a\\,b');
    expect(parseRdn(formatRdn(rdn))).toEqual(rdn);
  });

  it.each([
    '*)(objectClass=*)',
    'CN=a\\',
    'CN=x,,DC=test',
    '=x,DC=y',
    'CN="quoted",DC=x',
    'CN=a+UID=b,DC=x',
    "x' or 1 eq 1",
  ])('refuses %j', (dn) => {
    expect(() => parseDn(dn)).toThrow(DnSyntaxError);
  });

  it('compares case-insensitively and across escaping styles', () => {
    expect(isSameDn('CN=Pat\\2C O,OU=Staff,DC=x', 'cn=pat\\, o,ou=staff,dc=X')).toBe(true);
    expect(isSameDn('CN=Pat,OU=Staff,DC=x', 'CN=Pat,OU=Other,DC=x')).toBe(false);
  });

  it('tells whether a DN lies inside a subtree', () => {
    expect(isWithin('CN=Pat,OU=Staff,DC=lifecycle,DC=test', 'DC=lifecycle,DC=test')).toBe(true);
    expect(isWithin('DC=lifecycle,DC=test', 'DC=lifecycle,DC=test')).toBe(true);
    expect(isWithin('CN=Pat,DC=notlifecycle,DC=test', 'DC=lifecycle,DC=test')).toBe(false);
    expect(isWithin('CN=x\\,DC=lifecycle,DC=test', 'DC=lifecycle,DC=test')).toBe(false);
  });
});

describe('subtree checks compare whole RDNs', () => {
  it('does not take an escaped comma for an RDN boundary', () => {
    expect(isWithin('CN=evil\\,DC=lifecycle,DC=test', 'DC=lifecycle,DC=test')).toBe(false);
    expect(isWithin('CN=evil\\,x,DC=lifecycle,DC=test', 'DC=lifecycle,DC=test')).toBe(true);
    expect(isWithin('CN=evil\\,DC=lifecycle,DC=other', 'DC=lifecycle,DC=test')).toBe(false);
    expect(isWithin('OU=x\\,DC=lifecycle\\,DC=test,DC=elsewhere', 'DC=lifecycle,DC=test')).toBe(false);
  });
});

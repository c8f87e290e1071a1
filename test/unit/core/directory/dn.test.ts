import { describe, expect, it } from 'vitest';
import {
  DnSyntaxError,
  escapeDnValue,
  firstRdn,
  formatRdn,
  isSameDn,
  isWithin,
  parentDn,
  parseDn,
  parseRdn,
  splitFirstRdn,
} from '../../../../src/core/directory/dn.js';
import { InvalidInputError } from '../../../../src/core/errors.js';

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

describe('parent DN and first RDN', () => {
  const staff = 'OU=Staff,DC=lifecycle,DC=test';

  it.each([
    ['an escaped comma', 'CN=Lovelace\\, Ada', 'Lovelace, Ada'],
    ['two escaped commas', 'CN=Lovelace\\, Ada\\, Countess', 'Lovelace, Ada, Countess'],
    ['an escaped backslash', 'CN=a\\\\b', 'a\\b'],
    ['an escaped backslash before an escaped comma', 'CN=a\\\\\\,b', 'a\\,b'],
    ['an escaped backslash at the end', 'CN=ends\\\\', 'ends\\'],
    ['a hex-escaped comma', 'CN=Lovelace\\2C Ada', 'Lovelace, Ada'],
    ['a hex-escaped backslash and comma', 'CN=a\\5C\\2Cb', 'a\\,b'],
    ['an escaped plus sign', 'CN=C\\+\\+ Team', 'C++ Team'],
    ['a hex-escaped plus sign', 'CN=C\\2B\\2B Team', 'C++ Team'],
    ['inner spaces', 'CN=Ada  King Lovelace', 'Ada  King Lovelace'],
    ['an escaped leading space', 'CN=\\ Ada', ' Ada'],
    ['a hex-escaped trailing space', 'CN=Ada\\20', 'Ada '],
    ['an escaped trailing space', 'CN=Ada\\ ', 'Ada '],
    ['escaped spaces at both ends', 'CN=\\  Ada \\ ', '  Ada  '],
  ])('keeps the whole RDN of a name with %s', (_case, rdn, value) => {
    const dn = `${rdn},${staff}`;
    expect(parentDn(dn)).toBe(staff);
    expect(firstRdn(dn)).toBe(rdn);
    expect(parseRdn(firstRdn(dn))).toEqual({ type: 'CN', value });
  });

  it('drops the spaces some servers write after the separating commas', () => {
    expect(parentDn('CN=Lovelace\\, Ada, OU=Staff, DC=lifecycle, DC=test')).toBe(staff);
    expect(firstRdn('CN=Lovelace\\, Ada, OU=Staff')).toBe('CN=Lovelace\\, Ada');
  });

  it('keeps an escaped trailing space while dropping the unescaped one after it', () => {
    expect(firstRdn('CN=Ada\\  , OU=Staff')).toBe('CN=Ada\\ ');
    expect(parseDn('CN=Ada\\  ,OU=Staff\\ ')).toEqual([
      { type: 'CN', value: 'Ada ' },
      { type: 'OU', value: 'Staff ' },
    ]);
    expect(isSameDn(`CN=${escapeDnValue('Ada ')},${staff}`, `CN=Ada\\20,${staff}`)).toBe(true);
  });

  it('round-trips names outside the Basic Multilingual Plane', () => {
    const dn = `CN=${escapeDnValue('Ada 👩‍💻 𝔏ovelace')},${staff}`;
    expect(parseRdn(firstRdn(dn)).value).toBe('Ada 👩‍💻 𝔏ovelace');
    expect(parseRdn('CN=\\F0\\9F\\98\\80').value).toBe('😀');
  });

  it('gives the parent of an OU nested in an OU whose name holds a comma', () => {
    const disabled = 'OU=Leavers\\, 2026,OU=Disabled,DC=lifecycle,DC=test';
    expect(parentDn(`CN=Lovelace\\, Ada,${disabled}`)).toBe(disabled);
    expect(parentDn(disabled)).toBe('OU=Disabled,DC=lifecycle,DC=test');
  });

  it('compares a parent with the configured OU whatever the case and escaping style', () => {
    const dn = 'CN=Lovelace\\, Ada,OU=Disabled\\2C Leavers,DC=lifecycle,DC=test';
    expect(isSameDn(parentDn(dn), 'ou=disabled\\, leavers,dc=LIFECYCLE,dc=test')).toBe(true);
    expect(isSameDn(parentDn(dn), 'OU=Disabled,DC=lifecycle,DC=test')).toBe(false);
  });

  it.each(['CN=Solo', 'CN=Lovelace\\, Ada', 'DC=test'])(
    'refuses to take the parent of %j, which has none',
    (dn) => {
      expect(() => parentDn(dn)).toThrow(DnSyntaxError);
      expect(() => firstRdn(dn)).toThrow(DnSyntaxError);
    },
  );

  it('reports a malformed DN as invalid input that no retry can fix', () => {
    let thrown: unknown;
    try {
      parentDn('CN=a\\');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect(thrown).toMatchObject({
      name: 'DnSyntaxError',
      code: 'invalid-input',
      retryable: false,
      message: 'The distinguished name ends with a lone backslash',
    });
  });
});

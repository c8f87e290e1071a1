import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../../src/core/errors.js';
import {
  assertObjectId,
  buildQueryString,
  encodeQueryComponent,
  eqFilter,
  odataStringLiteral,
  searchClause,
  startsWithFilter,
  userKeySegment,
} from '../../../../src/connectors/graph/odata-query.js';

describe('OData string literals', () => {
  it('doubles single quotes', () => {
    expect(odataStringLiteral("O'Brien")).toBe("'O''Brien'");
  });

  it('keeps an injection attempt inside one literal', () => {
    const literal = odataStringLiteral("x' or 1 eq 1");
    expect(literal).toBe("'x'' or 1 eq 1'");
    // Every quote inside the literal is doubled, so the literal never ends early.
    expect(literal.slice(1, -1).replace(/''/g, '')).not.toContain("'");
  });

  it('refuses NUL and other control characters', () => {
    expect(() => odataStringLiteral('a\u0000b')).toThrow(InvalidInputError);
    expect(() => odataStringLiteral('line\nbreak')).toThrow(InvalidInputError);
  });

  it('refuses very long values with a clear message and accepts the limit', () => {
    expect(() => odataStringLiteral('a'.repeat(1025))).toThrow(/longer than 1024/);
    expect(odataStringLiteral('a'.repeat(1024))).toHaveLength(1026);
  });

  it('builds filters with escaped values', () => {
    expect(eqFilter('mail', "o'brien@contoso.com")).toBe("mail eq 'o''brien@contoso.com'");
    expect(startsWithFilter('displayName', "D'Arcy")).toBe("startswith(displayName,'D''Arcy')");
    expect(() => eqFilter('mail) or (1 eq 1', 'x')).toThrow(InvalidInputError);
  });
});

describe('$search clauses', () => {
  it('escapes double quotes and backslashes inside the quoted clause', () => {
    expect(searchClause('displayName', 'Ada "the" C\\ountess')).toBe(
      '"displayName:Ada \\"the\\" C\\\\ountess"',
    );
  });
});

describe('percent-encoding of query values', () => {
  it('encodes every reserved character, including the ones encodeURIComponent keeps', () => {
    expect(encodeQueryComponent("a&b=c#d+e'f(g)h*i!j k")).toBe('a%26b%3Dc%23d%2Be%27f%28g%29h%2Ai%21j%20k');
  });

  it('round-trips arbitrary text through URL decoding', () => {
    const values = [
      "x' or 1 eq 1",
      '*)(objectClass=*)',
      'a\\,b',
      'a@b.com; Remove-Mailbox x',
      'Zoë & Søren',
      'x'.repeat(1000),
    ];
    for (const value of values) {
      const query = buildQueryString({ $filter: eqFilter('displayName', value) });
      const parsed = new URLSearchParams(query.slice(1));
      expect(parsed.get('$filter')).toBe(`displayName eq '${value.replace(/'/g, "''")}'`);
      expect([...parsed.keys()]).toEqual(['$filter']);
    }
  });

  it('builds a query string and drops undefined options', () => {
    expect(buildQueryString({ $select: 'id,mail', $top: 5, $count: true, $filter: undefined })).toBe(
      '?$select=id%2Cmail&$top=5&$count=true',
    );
    expect(buildQueryString({})).toBe('');
    expect(() => buildQueryString({ 'a&b': 'x' })).toThrow(InvalidInputError);
  });
});

describe('user key segments', () => {
  it('keeps @ for UPNs and encodes the rest', () => {
    expect(userKeySegment('ada@contoso.com')).toBe('/ada@contoso.com');
    expect(userKeySegment('AdeleV_adatum.com#EXT#@contoso.com')).toBe(
      '/AdeleV_adatum.com%23EXT%23@contoso.com',
    );
    expect(userKeySegment('a/../../groups')).toBe('/a%2F..%2F..%2Fgroups');
  });

  it("uses the users('…') form for UPNs starting with $", () => {
    expect(userKeySegment("$adm'in@contoso.com")).toBe('(%27%24adm%27%27in%40contoso.com%27)');
  });

  it('refuses empty keys and control characters', () => {
    expect(() => userKeySegment('')).toThrow(InvalidInputError);
    expect(() => userKeySegment('ada\u0000@contoso.com')).toThrow(InvalidInputError);
  });

  it('accepts only GUIDs as object ids', () => {
    expect(assertObjectId('9F1C2B3A-0000-4000-8000-000000000001')).toBe(
      '9f1c2b3a-0000-4000-8000-000000000001',
    );
    expect(() => assertObjectId("x' or 1 eq 1")).toThrow(InvalidInputError);
  });
});

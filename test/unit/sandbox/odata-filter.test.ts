import { describe, expect, it } from 'vitest';
import { evaluateFilter } from '../../../src/sandbox/graph/odata-evaluate.js';
import { ODataFilterError, parseFilter, tokenize } from '../../../src/sandbox/graph/odata-filter.js';

const obrien = {
  displayName: "Seán O'Brien",
  mail: 'sean.obrien@contoso.com',
  accountEnabled: true,
  employeeId: null,
  proxyAddresses: ['SMTP:sean.obrien@contoso.com', 'smtp:sob@contoso.onmicrosoft.com'],
  assignedLicenses: [{ skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', disabledPlans: [] }],
  onPremisesExtensionAttributes: { extensionAttribute1: 'E3' },
};
const matches = (filter: string, obj: Record<string, unknown> = obrien): boolean =>
  evaluateFilter(parseFilter(filter), obj);

describe('OData $filter parsing', () => {
  it('reads a doubled quote inside a literal as one quote', () => {
    expect(tokenize("'O''Brien'")).toEqual([{ t: 'str', v: "O'Brien", pos: 0 }]);
    expect(matches("displayName eq 'Seán O''Brien'")).toBe(true);
    expect(matches("startswith(displayName,'seán o''b')")).toBe(true);
  });

  it('treats an escaped injection attempt as one plain string', () => {
    const expr = parseFilter("displayName eq 'x'' or 1 eq 1'");
    expect(expr).toEqual({
      kind: 'compare',
      op: 'eq',
      left: { kind: 'path', segments: ['displayName'] },
      right: { kind: 'literal', value: "x' or 1 eq 1" },
    });
    expect(matches("displayName eq 'x'' or 1 eq 1'")).toBe(false);
    expect(matches("mail eq 'a'') or (accountEnabled eq true'")).toBe(false);
  });

  it('refuses an unescaped injection instead of evaluating literal comparisons', () => {
    expect(() => parseFilter("displayName eq 'x' or 1 eq 1")).toThrow(ODataFilterError);
    expect(() => parseFilter("displayName eq 'x' or 'a' eq 'a'")).toThrow(ODataFilterError);
  });

  it('rejects malformed filters with a clear error', () => {
    for (const bad of [
      "displayName eq 'open",
      'displayName eq',
      'eq 1',
      '(displayName eq 1',
      "displayName ~ 'x'",
      '',
      "displayName eq 'a' extra",
    ]) {
      expect(() => parseFilter(bad), bad).toThrow(ODataFilterError);
    }
  });

  it('evaluates any() over string collections and over objects, with unquoted GUIDs', () => {
    expect(matches("proxyAddresses/any(x:x eq 'smtp:sob@contoso.onmicrosoft.com')")).toBe(true);
    expect(matches("proxyAddresses/any(x:startswith(x,'SMTP:sean'))")).toBe(true);
    expect(matches('assignedLicenses/any(u:u/skuId eq 05e9a617-0261-4cee-bb44-138d3ef5d965)')).toBe(true);
    expect(matches('assignedLicenses/any(u:u/skuId eq 6fd2c87f-b296-42f0-b197-1e91e994b900)')).toBe(false);
  });

  it('combines and / or / not / in, nested properties and null', () => {
    expect(matches("accountEnabled eq true and (mail eq 'x' or endswith(mail,'@contoso.com'))")).toBe(true);
    expect(matches('not(accountEnabled eq true)')).toBe(false);
    expect(matches("onPremisesExtensionAttributes/extensionAttribute1 in ('E1','E3')")).toBe(true);
    expect(matches('employeeId eq null')).toBe(true);
    expect(matches("mail eq 'SEAN.OBRIEN@CONTOSO.COM'")).toBe(true);
  });

  it('reports unknown properties', () => {
    expect(() => matches("shoeSize eq '42'")).toThrow("Could not find a property named 'shoeSize'");
  });

  it('never treats a literal as code, whatever it contains', () => {
    for (const value of ["'; DROP TABLE users; --", '${process.exit(1)}', "') or true", '\\u0027']) {
      const escaped = value.replace(/'/g, "''");
      const expr = parseFilter(`displayName eq '${escaped}'`);
      expect(expr).toMatchObject({ kind: 'compare', right: { kind: 'literal', value } });
      expect(matches(`displayName eq '${escaped}'`)).toBe(false);
    }
  });
});

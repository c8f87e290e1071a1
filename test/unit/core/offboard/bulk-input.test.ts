import { describe, expect, it } from 'vitest';
import { LeaversCsvError, parseLeaversCsv } from '../../../../src/core/offboard/leavers-csv.js';
import { checkEntries, isLeaverList, parseLeaverList } from '../../../../src/core/offboard/bulk-input.js';

describe('bulk leaver input', () => {
  it('splits a typed list on commas, semicolons and new lines', () => {
    expect(parseLeaverList('a@x.com, b@x.com;c@x.com\nd@x.com').map((e) => e.userPrincipalName)).toEqual([
      'a@x.com',
      'b@x.com',
      'c@x.com',
      'd@x.com',
    ]);
    expect(isLeaverList('a@x.com, b@x.com')).toBe(true);
    expect(isLeaverList('Adele Vance')).toBe(false);
  });

  it('reports malformed, duplicate and bad-delegate entries by line and keeps the rest', () => {
    const { entries, problems } = checkEntries([
      { line: 2, userPrincipalName: 'Ada@X.com' },
      { line: 3, userPrincipalName: 'ada@x.com' },
      { line: 4, userPrincipalName: '*)(uid=*' },
      { line: 5, userPrincipalName: 'bo@x.com', delegate: "' or 1 eq 1" },
      { line: 6, userPrincipalName: 'cy@x.com', delegate: 'dee@x.com' },
    ]);
    expect(entries).toEqual([
      { line: 2, userPrincipalName: 'Ada@X.com' },
      { line: 6, userPrincipalName: 'cy@x.com', delegate: 'dee@x.com' },
    ]);
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [3, 'listed twice (first on line 2)'],
      [4, 'not a user principal name'],
      [5, 'the delegate is not a user principal name'],
    ]);
  });

  it('reads a leavers CSV with or without a header, with either separator', () => {
    expect(parseLeaversCsv('UPN;Delegate;Note\nada@x.com;bo@x.com;x\ncy@x.com;;\n')).toEqual([
      { line: 2, userPrincipalName: 'ada@x.com', delegate: 'bo@x.com' },
      { line: 3, userPrincipalName: 'cy@x.com' },
    ]);
    expect(parseLeaversCsv('ada@x.com,bo@x.com\ncy@x.com\n')).toEqual([
      { line: 1, userPrincipalName: 'ada@x.com', delegate: 'bo@x.com' },
      { line: 2, userPrincipalName: 'cy@x.com' },
    ]);
    expect(() => parseLeaversCsv('name,department\nAda,Sales\n')).toThrow(LeaversCsvError);
    expect(() => parseLeaversCsv('')).toThrow(LeaversCsvError);
  });
});

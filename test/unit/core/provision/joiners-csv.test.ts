import { describe, expect, it } from 'vitest';
import { CsvFormatError, parseJoinersCsv } from '../../../../src/core/provision/joiners-csv.js';

describe('joiner CSV', () => {
  it('reads the IDM export columns with any header case, keeps extra columns as attributes', () => {
    const lines = parseJoinersCsv(
      '\uFEFFcn,USERPRINCIPALNAME,EmployeeType,ExtensionAttribute1,Office\nRay Kim,ray.kim@contoso.com,E,E3,Seattle\n',
    );
    expect(lines).toEqual([
      {
        line: 2,
        row: {
          displayName: 'Ray Kim',
          userPrincipalName: 'ray.kim@contoso.com',
          employeeType: 'E',
          attributes: { extensionattribute1: 'E3', office: 'Seattle' },
        },
      },
    ]);
  });

  it('accepts semicolons, quoted fields and aliases (upn, name, type, country)', () => {
    const [line] = parseJoinersCsv('name;upn;type;country\n"Novak; Tomas";tomas.novak@contoso.com;N;cz\n');
    expect(line).toEqual({
      line: 2,
      row: {
        displayName: 'Novak; Tomas',
        userPrincipalName: 'tomas.novak@contoso.com',
        employeeType: 'N',
        usageLocation: 'cz',
        attributes: {},
      },
    });
  });

  it('turns each bad row into its own error', () => {
    const lines = parseJoinersCsv('upn,employeeId\nfine@contoso.com,E1\nbad,E2\nx@contoso.com,E 3\n');
    expect(lines.map((l) => ('error' in l ? l.error : 'ok'))).toEqual([
      'ok',
      'line 3: userPrincipalName is not a user principal name',
      'line 4: employeeId may contain letters, digits, dot, dash and underscore only',
    ]);
  });

  it('refuses files without a UPN column, empty or unparsable files', () => {
    expect(() => parseJoinersCsv('name,type\nRay,E\n')).toThrow(CsvFormatError);
    expect(() => parseJoinersCsv('')).toThrow('The file is empty.');
    expect(() => parseJoinersCsv('upn\n"unterminated\n')).toThrow(/not valid CSV/);
  });
});

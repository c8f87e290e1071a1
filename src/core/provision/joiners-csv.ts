/**
 * Joiner imports as the IDM export writes them (`CN,UserPrincipalName,EmployeeType`, extra columns
 * allowed, header names case-insensitive). Every row is validated on its own: a bad row becomes a
 * per-row error and the others go on.
 */
import { CsvFileError, readCsvRecords } from '../csv-records.js';
import { joinerRowSchema, type BatchLine } from './index.js';

/** Header aliases (lower-cased) → joiner field. Any other header is kept as an attribute. */
const aliases: Record<
  string,
  'userPrincipalName' | 'displayName' | 'employeeType' | 'employeeId' | 'usageLocation'
> = {
  upn: 'userPrincipalName',
  userprincipalname: 'userPrincipalName',
  user: 'userPrincipalName',
  cn: 'displayName',
  name: 'displayName',
  displayname: 'displayName',
  employeetype: 'employeeType',
  type: 'employeeType',
  employeeid: 'employeeId',
  usagelocation: 'usageLocation',
  country: 'usageLocation',
  c: 'usageLocation',
};

export const maxCsvBytes = 5 * 1024 * 1024;
export const maxCsvRows = 5000;

export class CsvFormatError extends CsvFileError {}

/** Parse the text; throws CsvFormatError when the file as a whole is unusable (no UPN column, too big). */
export function parseJoinersCsv(text: string): BatchLine[] {
  const [header, ...rows] = readCsvRecords(text, { maxBytes: maxCsvBytes, error: CsvFormatError });
  const columns = header.map((h) => h.trim().toLowerCase());
  if (!columns.some((c) => aliases[c] === 'userPrincipalName')) {
    throw new CsvFormatError('The header has no UPN column (UserPrincipalName or UPN).');
  }
  if (rows.length > maxCsvRows) throw new CsvFormatError(`The file has more than ${maxCsvRows} rows.`);
  return rows.map((cells, i) => toLine(columns, cells, i + 2));
}

function toLine(columns: readonly string[], cells: readonly string[], line: number): BatchLine {
  const fields: Record<string, string> = {};
  const attributes: Record<string, string> = {};
  for (const [i, column] of columns.entries()) {
    const value = cells[i]?.trim() ?? '';
    if (value === '') continue;
    const field = aliases[column];
    if (field) fields[field] = value;
    else attributes[column] = value;
  }
  if (cells.length > columns.length) {
    return {
      line,
      error: `line ${line}: ${cells.length} values for ${columns.length} columns`,
      ...upnOf(fields),
    };
  }
  const parsed = joinerRowSchema.safeParse({ ...fields, attributes });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'row'} ${i.message}`);
    return { line, error: `line ${line}: ${problems.join('; ')}`, ...upnOf(fields) };
  }
  return { line, row: parsed.data };
}

const upnOf = (fields: Record<string, string>): { userPrincipalName?: string } =>
  fields['userPrincipalName'] ? { userPrincipalName: fields['userPrincipalName'].slice(0, 256) } : {};

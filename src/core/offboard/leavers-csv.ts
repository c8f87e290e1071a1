/**
 * Leavers CSV: a `upn` column (also `userPrincipalName`, `user`, `mail`, `email`) and an optional
 * `delegate` column (also `delegateUpn`, `delegate_upn`), header names case-insensitive, `,` or `;`
 * separated, other columns ignored. A file whose first cell is already a UPN has no header: its first
 * column is the leaver and its second, when present, the delegate.
 */
import { CsvFileError, readCsvRecords } from '../csv-records.js';
import { isUpnLike, type BulkEntry } from './bulk-input.js';

export const maxLeaversCsvBytes = 1024 * 1024;
export const maxLeaversCsvRows = 5000;

const upnHeaders = new Set(['upn', 'userprincipalname', 'user', 'mail', 'email', 'leaver']);
const delegateHeaders = new Set(['delegate', 'delegateupn', 'delegate_upn', 'delegate upn']);

export class LeaversCsvError extends CsvFileError {}

export function parseLeaversCsv(text: string): BulkEntry[] {
  const records = readCsvRecords(text, { maxBytes: maxLeaversCsvBytes, error: LeaversCsvError });
  const first = records[0];
  const hasHeader = !isUpnLike(first[0]?.trim() ?? '');
  const columns = hasHeader ? first.map((h) => h.trim().toLowerCase()) : [];
  const upnColumn = hasHeader ? columns.findIndex((c) => upnHeaders.has(c)) : 0;
  const delegateColumn = hasHeader ? columns.findIndex((c) => delegateHeaders.has(c)) : 1;
  if (upnColumn < 0) throw new LeaversCsvError('The header has no UPN column (upn or userPrincipalName).');
  const rows = hasHeader ? records.slice(1) : records;
  if (rows.length > maxLeaversCsvRows)
    throw new LeaversCsvError(`The file has more than ${maxLeaversCsvRows} rows.`);
  const offset = hasHeader ? 2 : 1;
  return rows.map((row, i) => {
    const delegate = delegateColumn >= 0 ? row[delegateColumn]?.trim() : undefined;
    return {
      line: i + offset,
      userPrincipalName: row[upnColumn]?.trim() ?? '',
      ...(delegate !== undefined && delegate !== '' && { delegate }),
    };
  });
}

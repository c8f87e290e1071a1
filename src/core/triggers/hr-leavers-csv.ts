/**
 * HR leavers as a CSV file (the drop folder): one event per row, under a header naming the event's
 * fields (`eventId,kind,userPrincipalName,employeeId,leaveAt,timeZone`, any order, `,` or `;`; columns
 * a row does not use may be left out or empty). Each row is checked like an event sent to the
 * endpoint; a bad row is reported on its line, the others go on. A file whose header names an unknown
 * column or lacks `eventId` or `kind` is refused whole.
 */
import { CsvFileError, readCsvRecords } from '../csv-records.js';
import type { ParsedDropFile } from './drop-folder.js';
import { hrLeaverEventSchema } from './hr-leavers.js';

const columns = ['eventId', 'kind', 'userPrincipalName', 'employeeId', 'leaveAt', 'timeZone'] as const;
const byLowerName = new Map(columns.map((c) => [c.toLowerCase(), c]));

class LeaversFileError extends CsvFileError {}

/** The rows of a leavers file, keyed by event id, each a raw event (checked again by the intake). */
export function parseHrLeaversCsv(text: string): ParsedDropFile<Record<string, string>> {
  let records: [string[], ...string[][]];
  try {
    records = readCsvRecords(text, { maxBytes: 5 * 1024 * 1024, error: LeaversFileError });
  } catch (error) {
    if (error instanceof CsvFileError) return { rejected: error.message };
    throw error;
  }
  const [header, ...rows] = records;
  const names: string[] = [];
  for (const cell of header) {
    const name = byLowerName.get(cell.toLowerCase());
    if (!name)
      return { rejected: `Unknown column "${cell.slice(0, 40)}": the columns are ${columns.join(', ')}.` };
    if (names.includes(name)) return { rejected: `The column ${name} appears twice.` };
    names.push(name);
  }
  if (!names.includes('eventId') || !names.includes('kind')) {
    return { rejected: 'The header must name at least eventId and kind.' };
  }
  return {
    rows: rows.map((cells, index) => {
      const line = index + 2;
      const event: Record<string, string> = {};
      names.forEach((name, i) => {
        const value = cells[i]?.trim() ?? '';
        if (value !== '') event[name] = value;
      });
      if (cells.length > names.length && cells.slice(names.length).some((c) => c.trim() !== '')) {
        return { line, error: `line ${line}: more cells than columns` };
      }
      const parsed = hrLeaverEventSchema.safeParse(event);
      if (!parsed.success) {
        const reasons = parsed.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`);
        return { line, error: `line ${line}: ${reasons.join('; ')}` };
      }
      return { line, key: parsed.data.eventId, value: event };
    }),
  };
}

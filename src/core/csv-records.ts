/**
 * The records of an uploaded list file (leavers, joiners), read the same way for every list: a size
 * cap, a leading BOM dropped, `,` or `;` separated, empty lines skipped, cells trimmed, rows of any
 * length. A file that can't be read at all is refused with a message for the person who sent it.
 */
import { parse } from 'csv-parse/sync';

/** The file as a whole is unusable (too big, not CSV, empty, no usable header). */
export class CsvFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The longest row read (characters): a row of a few dozen columns needs a few KB at most. */
export const maxRecordBytes = 32 * 1024;

/** Never empty. `error` is the list's own `CsvFileError`; `maxBytes` is a whole number of MB. */
export function readCsvRecords(
  text: string,
  limits: { maxBytes: number; error: new (message: string) => CsvFileError },
): [string[], ...string[][]] {
  const Failure = limits.error;
  if (Buffer.byteLength(text, 'utf8') > limits.maxBytes)
    throw new Failure(`The file is larger than ${limits.maxBytes / (1024 * 1024)} MB.`);
  // A line longer than a record may be is refused before the parser walks it character by character.
  const long = firstLongLine(text, maxRecordBytes);
  if (long !== null) throw new Failure(`Line ${long} is longer than ${maxRecordBytes / 1024} KB.`);
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      delimiter: [',', ';'],
      // One row is never this long; the parser stops at once instead of reading a huge cell through.
      max_record_size: maxRecordBytes,
    });
  } catch (error) {
    // The parser's message quotes the offending text: only the line number is passed on, so a file
    // that is not CSV at all is never echoed back.
    const { lines: line, code } = (error ?? {}) as { lines?: unknown; code?: unknown };
    if (code === 'CSV_MAX_RECORD_SIZE' && typeof line === 'number')
      throw new Failure(`Line ${line} is longer than ${maxRecordBytes / 1024} KB.`);
    throw new Failure(
      typeof line === 'number' ? `The file is not valid CSV (line ${line}).` : 'The file is not valid CSV.',
    );
  }
  const [first, ...rest] = records;
  if (!first) throw new Failure('The file is empty.');
  return [first, ...rest];
}

/** The 1-based number of the first line longer than `max` characters, or null. */
function firstLongLine(text: string, max: number): number | null {
  let start = 0;
  for (let line = 1; start <= text.length; line += 1) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    if (stop - start > max) return line;
    if (end === -1) return null;
    start = end + 1;
  }
  return null;
}

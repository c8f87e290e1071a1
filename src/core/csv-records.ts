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

/** Never empty. `error` is the list's own `CsvFileError`; `maxBytes` is a whole number of MB. */
export function readCsvRecords(
  text: string,
  limits: { maxBytes: number; error: new (message: string) => CsvFileError },
): [string[], ...string[][]] {
  const Failure = limits.error;
  if (Buffer.byteLength(text, 'utf8') > limits.maxBytes)
    throw new Failure(`The file is larger than ${limits.maxBytes / (1024 * 1024)} MB.`);
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      delimiter: [',', ';'],
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Failure(`The file is not valid CSV: ${message}`);
  }
  const [first, ...rest] = records;
  if (!first) throw new Failure('The file is empty.');
  return [first, ...rest];
}

/** The drop-folder processor's contract with a trigger (parser, applier) and its reports. */
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import type { Store } from '../ports/store.js';

/** A row of a file: a value to apply under a stable key, or why the line is not a row. */
export type DropRow<R> =
  { line: number; key: string; value: R } | { line: number; key?: string; error: string };

/** The parser's answer: the file's rows, or why the file as a whole is refused (header, size, …). */
export type ParsedDropFile<R> = { rows: DropRow<R>[] } | { rejected: string };

/** What became of a row. `status` is the applier's word for it (`provisioned`, `failed`, `queued`). */
export interface RowOutcome {
  status: string;
  isFailure: boolean;
  detail?: string;
}

export interface RowFate extends RowOutcome {
  line: number;
  key?: string;
  /** When the fate was decided (ISO). */
  at: string;
}

export interface DropFileReport {
  file: string;
  outcome: 'processed' | 'rejected';
  sha256?: string;
  /** The run's timestamp, as in the report's name. */
  run: string;
  finishedAt: string;
  reason?: string;
  /** Rows per status. */
  counts?: Record<string, number>;
  rows?: RowFate[];
}

export interface DropFolderOptions<R> {
  /** Stable name of the trigger (`joiners`): part of the store keys, so renaming it forgets history. */
  name: string;
  folder: string;
  /** Text of a UTF-8 file → rows or a refusal. Keys must be normalised (e.g. lower-case UPNs). */
  parse(text: string, fileName: string): ParsedDropFile<R>;
  /** Applies one row; a throw becomes a `failed` fate. Must be idempotent when `isRetry` is set. */
  apply(row: R, context: { key: string; line: number; file: string; isRetry: boolean }): Promise<RowOutcome>;
  /** Files larger than this are rejected. Default 5 MB. */
  maxFileBytes?: number;
  /** Between the two looks that tell a finished file from one being written. Default 2 s. */
  settleMs?: number;
  /** How long a file's claim lasts without renewal. Default 10 min. */
  claimMs?: number;
}

export interface DropFolderDeps {
  store: Pick<Store, 'queue' | 'state'>;
  clock: Clock;
  log: Log;
}

export interface DropFolderFileResult {
  name: string;
  outcome: 'processed' | 'rejected' | 'waiting' | 'claimed-elsewhere';
  /** The name it was moved to in `Processed/` or `Rejected/`. */
  movedTo?: string;
  report?: string;
  reason?: string;
  counts?: Record<string, number>;
}

export interface DropFolderRun {
  run: string;
  files: DropFolderFileResult[];
  /** One line for the job list. */
  summary: string;
}

/**
 * A drop folder: every `*.csv` another system leaves in a folder is read, its rows applied once each,
 * and the file moved to `Processed/` with a report of every row's fate beside it, or to `Rejected/`
 * with the reason when the file as a whole is unusable. A trigger supplies the folder, a parser and a
 * per-row applier; `run` is meant to be called by a scheduled job (one instance at a time).
 *
 * Ready files. Only names ending `.csv` are read, so a writer that writes `name.csv.tmp` (or any other
 * name) and renames it when done is never read half-written. For writers that write in place, a file
 * is taken only when its size and modification time are the same at two looks `settleMs` apart; a
 * file still changing waits for the next run. Oldest (modification time) first.
 *
 * Safety. Names come from the folder listing and must be plain names in it; links and anything that
 * is not a regular file are refused (moved, as links, to `Rejected/`), and a file is opened without
 * following links. Nothing runs a program, so no name ever reaches a shell.
 *
 * Exactly once. A file is claimed in the store's work queue (kind `drop-folder.file`) before it is
 * read; the claim is renewed after each row and lapses if the instance dies. Each row's fate is kept
 * in the store under the file's SHA-256 and the row key: `applying` before the applier is called, the
 * result after. A row with a result is never applied again (not after a restart, not when the same
 * content is dropped again); a row left `applying` by a crash is applied again with `isRetry` set,
 * so the applier must check what is already done (the provisioning plan does). The file's report is
 * stored before it is written and the file moved, so a restart at any point finishes the file once.
 *
 * One run combines its files: rows with the same key are applied once (the first in file order) and
 * the others reported as duplicates; rows with the same key but different values are all reported as
 * a conflict and none is applied.
 */
import { createHash } from 'node:crypto';
import { describeError } from '../errors.js';
import type { QueueItem } from '../ports/store.js';
import {
  decodeUtf8,
  FileRejection,
  fileTimestamp,
  listCsvEntries,
  moveInto,
  prepareLayout,
  readFileSafely,
  writeReport,
  type FolderEntry,
  type FolderLayout,
} from './drop-folder-files.js';

import {
  asRowRecord,
  countsOf,
  duplicateFate,
  isFileRecord,
  outcomeOf,
  recordOf,
  stableJson,
  summaryOf,
  type FileRecord,
  type RowRecord,
} from './drop-folder-records.js';
import type {
  DropFileReport,
  DropFolderDeps,
  DropFolderFileResult,
  DropFolderOptions,
  DropFolderRun,
  DropRow,
  ParsedDropFile,
  RowFate,
  RowOutcome,
} from './drop-folder-types.js';

export { DropFolderError, processedFolderName, rejectedFolderName } from './drop-folder-files.js';

export const dropFileQueueKind = 'drop-folder.file';

export type {
  DropFileReport,
  DropFolderDeps,
  DropFolderFileResult,
  DropFolderOptions,
  DropFolderRun,
  DropRow,
  ParsedDropFile,
  RowFate,
  RowOutcome,
} from './drop-folder-types.js';

interface Occurrence {
  file: ClaimedFile;
  line: number;
  value: unknown;
  /** The value as stable JSON: equal prints are the same row. */
  print: string;
}

const where = (o: { file: ClaimedFile; line: number }): string => `${o.file.entry.name} line ${o.line}`;

interface ClaimedFile {
  entry: FolderEntry;
  item: QueueItem;
  sha256?: string;
  rows?: DropRow<unknown>[];
  /** A report stored by an earlier, interrupted run: only the move is left to do. */
  stored?: DropFileReport;
  rejection?: string;
  fates: Map<number, RowFate>;
}

const defaultMaxBytes = 5 * 1024 * 1024;
const defaultSettleMs = 2_000;
const defaultClaimMs = 10 * 60_000;

export class DropFolderProcessor<R> {
  constructor(
    private readonly deps: DropFolderDeps,
    private readonly options: DropFolderOptions<R>,
  ) {}

  /** One pass over the folder. Throws `DropFolderError` when the folder can't be used at all. */
  async run(signal?: AbortSignal): Promise<DropFolderRun> {
    const { clock } = this.deps;
    const layout = await prepareLayout(this.options.folder);
    const stamp = fileTimestamp(clock.now());
    const results: DropFolderFileResult[] = [];
    const ready = await this.readyEntries(layout, results, signal);
    const claimed: ClaimedFile[] = [];
    try {
      for (const entry of ready) {
        const item = await this.claim(entry.name);
        if (!item) {
          results.push({ name: entry.name, outcome: 'claimed-elsewhere' });
          continue;
        }
        const file: ClaimedFile = { entry, item, fates: new Map() };
        if (await this.read(layout, file)) {
          claimed.push(file);
        } else {
          await this.deps.store.queue.complete(item.id); // moved away by someone else meanwhile
        }
      }
      await this.applyRows(claimed, signal);
      for (const file of claimed) results.push(await this.finish(layout, file, stamp));
    } catch (error) {
      // Hand unfinished files back at once rather than when the claims lapse.
      for (const file of claimed) {
        await this.deps.store.queue.fail(file.item.id, describeError(error).message, clock.now());
      }
      throw error;
    }
    return { run: stamp, files: results, summary: summaryOf(results) };
  }

  private async readyEntries(
    layout: FolderLayout,
    results: DropFolderFileResult[],
    signal?: AbortSignal,
  ): Promise<FolderEntry[]> {
    const first = await listCsvEntries(layout.root);
    const stamp = fileTimestamp(this.deps.clock.now());
    for (const entry of first.filter((e) => e.type !== 'file')) {
      const reason =
        entry.type === 'link' ? 'The file is a symbolic link; links are refused.' : 'Not a regular file.';
      results.push(await this.refuseUnread(layout, entry.name, reason, stamp));
    }
    const files = first.filter((e) => e.type === 'file');
    if (files.length === 0) return [];
    const settleMs = this.options.settleMs ?? defaultSettleMs;
    if (settleMs > 0) await this.deps.clock.sleep(settleMs, signal);
    const second = new Map((await listCsvEntries(layout.root)).map((e) => [e.name, e]));
    const ready: FolderEntry[] = [];
    for (const entry of files) {
      const again = second.get(entry.name);
      if (!again) continue;
      if (again.type === 'file' && again.size === entry.size && again.mtimeMs === entry.mtimeMs) {
        ready.push(again);
      } else {
        results.push({ name: entry.name, outcome: 'waiting', reason: 'The file is still being written.' });
      }
    }
    return ready.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
  }

  /** The file's queue item, claimed; null when another instance holds a live claim. */
  private async claim(name: string): Promise<QueueItem | null> {
    const { queue } = this.deps.store;
    const now = this.deps.clock.now();
    const key = `${this.options.name}/${name}`;
    const item = await queue.get(dropFileQueueKind, key);
    if (item?.status === 'claimed' && item.nextAttemptAt > now) return null;
    if (!item || item.status === 'done' || item.status === 'dead') {
      await queue.enqueue({
        kind: dropFileQueueKind,
        key,
        payload: { trigger: this.options.name, file: name },
      });
    }
    return queue.claimKey(dropFileQueueKind, key, now, this.claimMs);
  }

  /** Reads and parses the claimed file; false when it is gone. */
  private async read(layout: FolderLayout, file: ClaimedFile): Promise<boolean> {
    const name = file.entry.name;
    try {
      const bytes = await readFileSafely(layout.root, name, this.options.maxFileBytes ?? defaultMaxBytes);
      file.sha256 = createHash('sha256').update(bytes).digest('hex');
      const stored = await this.deps.store.state.get(this.fileKey(file.sha256, name));
      if (isFileRecord(stored)) {
        file.stored = stored.report;
        return true;
      }
      const parsed = this.parse(decodeUtf8(bytes), name);
      if ('rejected' in parsed) file.rejection = parsed.rejected;
      else file.rows = parsed.rows;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return false;
      if (!(error instanceof FileRejection)) throw error;
      file.rejection = error.message;
    }
    return true;
  }

  private parse(text: string, name: string): ParsedDropFile<unknown> {
    try {
      return this.options.parse(text, name);
    } catch (error) {
      return { rejected: `The file could not be read: ${describeError(error).message}` };
    }
  }

  /** Applies the rows of every readable file, combined by key (see the module comment). */
  private async applyRows(files: ClaimedFile[], signal?: AbortSignal): Promise<void> {
    const groups = new Map<string, Occurrence[]>();
    for (const file of files) {
      for (const row of file.rows ?? []) {
        if ('error' in row) {
          file.fates.set(row.line, {
            line: row.line,
            ...(row.key && { key: row.key }),
            status: 'invalid',
            isFailure: true,
            detail: row.error,
            at: this.nowIso(),
          });
          continue;
        }
        const group = groups.get(row.key) ?? [];
        group.push({ file, line: row.line, value: row.value, print: stableJson(row.value) });
        groups.set(row.key, group);
      }
    }
    for (const [key, group] of groups) {
      signal?.throwIfAborted();
      await this.applyGroup(key, group);
      await this.renewClaims(files);
    }
  }

  /**
   * One key's occurrences across the run's files. Each file keeps one record per key (its first
   * occurrence); a later occurrence in the same file repeats that fate as a duplicate.
   */
  private async applyGroup(key: string, group: Occurrence[]): Promise<void> {
    const { state } = this.deps.store;
    const firstPerFile = group.filter((o, i) => group.findIndex((p) => p.file === o.file) === i);
    const records = new Map<ClaimedFile, RowRecord | undefined>();
    for (const o of firstPerFile) records.set(o.file, asRowRecord(await state.get(this.rowKey(o.file, key))));
    // Fates decided by earlier runs (a restart) stand as they are.
    const fates = new Map<ClaimedFile, RowFate>();
    for (const o of firstPerFile) {
      const record = records.get(o.file);
      if (record?.phase === 'done')
        fates.set(o.file, { line: o.line, key, ...outcomeOf(record), at: record.at });
    }
    const at = this.nowIso();
    if (group.some((o) => o.print !== group[0]?.print)) {
      const detail = `${key} has different values in ${group.map(where).join(', ')}; none applied.`;
      for (const o of firstPerFile) {
        if (fates.has(o.file)) continue;
        const note =
          records.get(o.file)?.phase === 'applying' ? ' An earlier attempt was interrupted: check it.' : '';
        fates.set(o.file, {
          line: o.line,
          key,
          status: 'conflict',
          isFailure: true,
          detail: detail + note,
          at,
        });
      }
    } else {
      const decided = (o: Occurrence): RowFate | undefined => fates.get(o.file);
      let reference =
        firstPerFile.find((o) => decided(o) && decided(o)?.status !== 'duplicate') ??
        firstPerFile.find(decided);
      if (!reference) {
        reference = firstPerFile.find((o) => records.get(o.file)?.phase === 'applying') ?? firstPerFile[0];
        if (!reference) return;
        const isRetry = records.get(reference.file)?.phase === 'applying';
        await state.set(this.rowKey(reference.file, key), { phase: 'applying', at } satisfies RowRecord);
        const outcome = await this.applyOne(reference, key, isRetry);
        const fate: RowFate = { line: reference.line, key, ...outcome, at: this.nowIso() };
        await state.set(this.rowKey(reference.file, key), recordOf(fate));
        records.set(reference.file, recordOf(fate));
        fates.set(reference.file, fate);
      }
      const first = fates.get(reference.file);
      for (const o of firstPerFile) {
        if (!fates.has(o.file) && first)
          fates.set(o.file, duplicateFate(o.line, key, where(reference), first, at));
      }
    }
    for (const o of firstPerFile) {
      const fate = fates.get(o.file);
      if (fate && records.get(o.file)?.phase !== 'done')
        await state.set(this.rowKey(o.file, key), recordOf(fate));
    }
    for (const o of group) {
      const fate = fates.get(o.file);
      if (!fate) continue;
      const first = firstPerFile.find((p) => p.file === o.file) ?? o;
      o.file.fates.set(
        o.line,
        first === o || fate.status === 'conflict'
          ? { ...fate, line: o.line }
          : duplicateFate(o.line, key, where(first), fate, at),
      );
    }
  }

  private async applyOne(o: Occurrence, key: string, isRetry: boolean): Promise<RowOutcome> {
    try {
      const outcome = await this.options.apply(o.value as R, {
        key,
        line: o.line,
        file: o.file.entry.name,
        isRetry,
      });
      return {
        status: outcome.status,
        isFailure: outcome.isFailure,
        ...(outcome.detail && { detail: outcome.detail }),
      };
    } catch (error) {
      return { status: 'failed', isFailure: true, detail: describeError(error).message };
    }
  }

  private async renewClaims(files: ClaimedFile[]): Promise<void> {
    const until = this.deps.clock.now() + this.claimMs;
    for (const file of files) {
      if (!(await this.deps.store.queue.extendClaim(file.item.id, file.item.attempts, until))) {
        throw new Error(`Another instance took over ${file.entry.name}`);
      }
    }
  }

  /** Stores the file's report, writes it, moves the file, then releases the claim. */
  private async finish(
    layout: FolderLayout,
    file: ClaimedFile,
    stamp: string,
  ): Promise<DropFolderFileResult> {
    const name = file.entry.name;
    let report = file.stored;
    if (!report) {
      const base = {
        file: name,
        ...(file.sha256 && { sha256: file.sha256 }),
        run: stamp,
        finishedAt: this.nowIso(),
      };
      if (file.rejection !== undefined) {
        report = { ...base, outcome: 'rejected', reason: file.rejection };
      } else {
        const rows = (file.rows ?? [])
          .map((row) => file.fates.get(row.line))
          .filter((f): f is RowFate => f !== undefined);
        report = { ...base, outcome: 'processed', counts: countsOf(rows), rows };
      }
      if (file.sha256)
        await this.deps.store.state.set(this.fileKey(file.sha256, name), { report } satisfies FileRecord);
    }
    const target = report.outcome === 'processed' ? layout.processed : layout.rejected;
    const reportName = `${name}.${report.run}.report.json`;
    await writeReport(target, reportName, report);
    const movedTo = await moveInto(layout.root, name, target, report.run);
    // The stored report only bridges a restart between here and above; the same content dropped
    // again later gets a report of its own (its rows are not applied again: their fates are kept).
    if (file.sha256) await this.deps.store.state.delete(this.fileKey(file.sha256, name));
    await this.deps.store.queue.complete(file.item.id);
    this.deps.log.info(
      { trigger: this.options.name, file: name, outcome: report.outcome, counts: report.counts },
      'drop folder: file handled',
    );
    return {
      name,
      outcome: report.outcome,
      ...(movedTo && { movedTo }),
      report: reportName,
      ...(report.reason && { reason: report.reason }),
      ...(report.counts && { counts: report.counts }),
    };
  }

  /** A link or special file: moved (never followed or read) to `Rejected/` with the reason. */
  private async refuseUnread(
    layout: FolderLayout,
    name: string,
    reason: string,
    stamp: string,
  ): Promise<DropFolderFileResult> {
    const reportName = `${name}.${stamp}.report.json`;
    const report: DropFileReport = {
      file: name,
      outcome: 'rejected',
      run: stamp,
      finishedAt: this.nowIso(),
      reason,
    };
    await writeReport(layout.rejected, reportName, report);
    const movedTo = await moveInto(layout.root, name, layout.rejected, stamp);
    this.deps.log.warn({ trigger: this.options.name, file: name, reason }, 'drop folder: entry refused');
    return { name, outcome: 'rejected', ...(movedTo && { movedTo }), report: reportName, reason };
  }

  private get claimMs(): number {
    return this.options.claimMs ?? defaultClaimMs;
  }

  private rowKey(file: ClaimedFile, key: string): string {
    return `drop-folder:${this.options.name}:row:${file.sha256 ?? ''}:${key}`;
  }

  private fileKey(sha256: string, name: string): string {
    return `drop-folder:${this.options.name}:file:${sha256}:${name}`;
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}

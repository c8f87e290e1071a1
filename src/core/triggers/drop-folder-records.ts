/** What the drop folder keeps in the store, and the reports and summaries made from it. */
import type { DropFolderFileResult, RowFate, RowOutcome, DropFileReport } from './drop-folder-types.js';

/** A row key's record per file content: `applying` before the applier is called, the result after. */
export type RowRecord = { phase: 'applying'; at: string } | ({ phase: 'done' } & RowOutcome & { at: string });
export interface FileRecord {
  report: DropFileReport;
}

export const recordOf = (fate: RowFate): RowRecord => ({ phase: 'done', ...outcomeOf(fate), at: fate.at });

export function duplicateFate(line: number, key: string, of: string, first: RowOutcome, at: string): RowFate {
  return {
    line,
    key,
    status: 'duplicate',
    isFailure: first.isFailure,
    detail: `Same row as ${of} (${first.status}); applied once.`,
    at,
  };
}

export function outcomeOf(record: RowOutcome): RowOutcome {
  return {
    status: record.status,
    isFailure: record.isFailure,
    ...(record.detail && { detail: record.detail }),
  };
}

export function countsOf(rows: readonly RowFate[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1;
  return counts;
}

export function summaryOf(files: readonly DropFolderFileResult[]): string {
  const processed = files.filter((f) => f.outcome === 'processed');
  if (files.length === 0) return 'No files.';
  const rows: Record<string, number> = {};
  for (const f of processed)
    for (const [status, n] of Object.entries(f.counts ?? {})) rows[status] = (rows[status] ?? 0) + n;
  const parts = [`${processed.length} processed`];
  const count = (outcome: DropFolderFileResult['outcome']): number =>
    files.filter((f) => f.outcome === outcome).length;
  if (count('rejected')) parts.push(`${count('rejected')} rejected`);
  if (count('waiting')) parts.push(`${count('waiting')} still being written`);
  if (count('claimed-elsewhere')) parts.push(`${count('claimed-elsewhere')} taken by another instance`);
  const rowText = Object.entries(rows)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  return `Files: ${parts.join(', ')}.${rowText ? ` Rows: ${rowText}.` : ''}`;
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

export function asRowRecord(value: unknown): RowRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const phase = (value as { phase?: unknown }).phase;
  return phase === 'applying' || phase === 'done' ? (value as RowRecord) : undefined;
}

export function isFileRecord(value: unknown): value is FileRecord {
  return (
    typeof value === 'object' && value !== null && typeof (value as { report?: unknown }).report === 'object'
  );
}

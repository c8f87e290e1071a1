/** The batch report: who got what, errors with the diagnostic fields, and seat stock per SKU. */
import type { SubscribedSku } from '../ports/licences.js';
import type { SeatLedger } from './seat-stock.js';

export type BatchRowStatus = 'provisioned' | 'planned' | 'queued' | 'nothing-to-do' | 'failed' | 'invalid';

export interface BatchRowResult {
  /** Line in the import (1 = header). */
  line: number;
  userPrincipalName: string;
  displayName?: string;
  mail?: string;
  status: BatchRowStatus;
  /** SKU part numbers chosen by the mapping. */
  licences: string[];
  usageLocation?: string;
  reason?: string;
  notes: string[];
  error?: string;
  requestId?: string;
  /** Entra object id of the joiner, when the row was decided. */
  userId?: string;
}

export interface LicenceStock {
  skuPartNumber: string;
  consumed: number;
  enabled: number;
  remaining: number;
}

export interface BatchReport {
  id: string;
  source: string;
  isDryRun: boolean;
  startedAt: string;
  finishedAt: string;
  rows: BatchRowResult[];
  licences: LicenceStock[];
  warnings: string[];
}

/** Stock of the mapped SKUs; in a dry run, remaining seats are the ledger's forecast. */
export function licenceSummary(
  skus: readonly SubscribedSku[],
  skuIds: readonly string[],
  forecast?: SeatLedger,
): LicenceStock[] {
  const wanted = new Set(skuIds.map((s) => s.toLowerCase()));
  return skus
    .filter((s) => wanted.has(s.skuId.toLowerCase()))
    .map((s) => {
      const remaining = forecast ? forecast.freeOf(s.skuId) : s.enabledUnits - s.consumedUnits;
      return {
        skuPartNumber: s.skuPartNumber,
        consumed: s.enabledUnits - remaining,
        enabled: s.enabledUnits,
        remaining,
      };
    });
}

export interface BatchCounts {
  total: number;
  provisioned: number;
  planned: number;
  queued: number;
  nothingToDo: number;
  failed: number;
}

export function countRows(report: Pick<BatchReport, 'rows'>): BatchCounts {
  const count = (status: BatchRowStatus): number => report.rows.filter((r) => r.status === status).length;
  return {
    total: report.rows.length,
    provisioned: count('provisioned'),
    planned: count('planned'),
    queued: count('queued'),
    nothingToDo: count('nothing-to-do'),
    failed: count('failed') + count('invalid'),
  };
}

/** One line per error, with the seed report's diagnostic fields. */
export interface ReportError {
  line: number;
  user: string;
  mail: string;
  licence: string;
  usageLocation: string;
  error: string;
}

export function reportErrors(report: Pick<BatchReport, 'rows'>): ReportError[] {
  return report.rows
    .filter((r) => r.status === 'failed' || r.status === 'invalid')
    .map((r) => ({
      line: r.line,
      user: r.displayName
        ? `${r.displayName} (${r.userPrincipalName})`
        : r.userPrincipalName || `line ${r.line}`,
      mail: r.mail ?? '',
      licence: r.licences.join(', '),
      usageLocation: r.usageLocation ?? '',
      error: r.error ?? 'unknown error',
    }));
}

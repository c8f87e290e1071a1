/** Data of the batch report card (IT channel). Long lists are capped; the full report is in the e-mail/CLI. */
import { countRows, reportErrors, type BatchReport } from '../../core/provision/index.js';
import { markdownText as md } from './markdown-text.js';

export const maxReportLines = 25;
export const maxReportErrors = 10;

export interface ProvisionReportData {
  title: string;
  color: 'Good' | 'Warning' | 'Attention';
  source: string;
  countsText: string;
  finishedAt: string;
  provisioned: { text: string }[];
  moreProvisioned: string;
  queued: { text: string }[];
  errors: { user: string; mail: string; licence: string; usageLocation: string; error: string }[];
  moreErrors: string;
  licences: { text: string }[];
  warnings: { text: string }[];
  /** Buttons of a joiners file waiting for its confirmation or approval (none on a report). */
  actions: ReportDecision['actions'];
  requestId: string;
  version: number;
  showReason: boolean;
}

const dash = (v: string): string => (v === '' ? '—' : v);

/** The buttons of a joiners file card and the request version they act on. */
export interface ReportDecision {
  requestId: string;
  version: number;
  actions: { title: string; verb: string; style: 'positive' | 'destructive' | 'default' }[];
  /** Show the reason input (the approver's card). */
  showReason: boolean;
}

export function toProvisionReportData(report: BatchReport, decision?: ReportDecision): ProvisionReportData {
  const counts = countRows(report);
  const done = report.rows.filter((r) => r.status === (report.isDryRun ? 'planned' : 'provisioned'));
  const queued = report.rows.filter((r) => r.status === 'queued');
  const errors = reportErrors(report);
  const verb = report.isDryRun ? 'would be provisioned' : 'provisioned';
  return {
    title: `${report.isDryRun ? 'Provisioning dry run' : 'Provisioning report'}: ${done.length} of ${counts.total} ${verb}`,
    color: counts.failed > 0 ? 'Attention' : queued.length > 0 ? 'Warning' : 'Good',
    source: md(report.source),
    countsText:
      `${counts.total} rows: ${counts.provisioned + counts.planned} ${verb}, ${counts.queued} waiting for sync, ` +
      `${counts.nothingToDo} already done, ${counts.failed} failed`,
    finishedAt: report.finishedAt.replace('T', ' ').slice(0, 19) + ' UTC',
    provisioned: done.slice(0, maxReportLines).map((r) => ({
      text: `${md(r.displayName ?? r.userPrincipalName)} · ${md(r.mail ?? r.userPrincipalName)} · ${md(r.licences.join(', '))}${r.notes.length > 0 ? ` (${md(r.notes.join('; '))})` : ''}`,
    })),
    moreProvisioned: done.length > maxReportLines ? `…and ${done.length - maxReportLines} more` : '',
    queued: queued.slice(0, maxReportLines).map((r) => ({ text: md(r.userPrincipalName) })),
    errors: errors.slice(0, maxReportErrors).map((e) => ({
      user: md(e.user),
      mail: md(dash(e.mail)),
      licence: md(dash(e.licence)),
      usageLocation: md(dash(e.usageLocation)),
      error: md(e.error),
    })),
    moreErrors: errors.length > maxReportErrors ? `…and ${errors.length - maxReportErrors} more errors` : '',
    licences: report.licences.map((l) => ({
      text: `${md(l.skuPartNumber)}: ${l.consumed} consumed, ${l.remaining} remaining of ${l.enabled}`,
    })),
    warnings: report.warnings.map((text) => ({ text: md(text) })),
    actions: decision?.actions ?? [],
    requestId: decision?.requestId ?? '',
    version: decision?.version ?? 0,
    showReason: decision?.showReason ?? false,
  };
}

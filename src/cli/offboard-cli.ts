/**
 * `lifecycle offboard --from leavers.csv [--execute]`: a dry run by default (every leaver's plan
 * against live state, and totals); with `--execute` a bulk request is recorded (requester: the CLI
 * operator, who holds the app's own rights) and every leaver runs through the Runner, whose
 * per-system limits keep the batch inside the throttling budgets. Progress goes to stderr, the plan
 * and the report to stdout (text or `--json`). Protected accounts are never offboarded from here:
 * they need two approvers in Teams.
 */
import { readFile } from 'node:fs/promises';
import { parseLeaversCsv } from '../core/offboard/leavers-csv.js';
import type { BulkReport, BulkResult } from '../core/runs/bulk-run-service.js';
import { totalsOf, type BulkItem, type BulkPreview } from '../core/offboard/bulk-offboard.js';
import {
  batchOptionNames,
  batchOptionsSummary,
  parseBatchOptionPairs,
  type BatchOptions,
} from '../core/offboard/batch-options.js';
import { InvalidInputError } from '../core/errors.js';
import { parseBatchOptions } from './cli-args.js';
import { CliUsageError, type CliCommand, type CliIo } from './cli-command.js';
import { withCliServices } from './cli-services.js';
import { bulkProgressText, plannedWrites, progressBar } from './offboard-progress.js';

/** Protected leavers need two approvers: refused on the command line. */
function withoutProtected(preview: BulkPreview): BulkPreview {
  const items = preview.items.map((i): BulkItem =>
    i.status === 'ready' && i.isProtected
      ? { ...i, status: 'refused', message: 'protected account: offboard it from Teams (two approvers)' }
      : i,
  );
  return { ...preview, items, totals: totalsOf(items) };
}

/** The options every leaver gets: the checklist's defaults unless the batch chose otherwise. */
export function optionsText(options: BatchOptions): string {
  return `Options: ${batchOptionsSummary(options)}`;
}

export function planText(preview: BulkPreview, isDryRun: boolean, options: BatchOptions = {}): string[] {
  const t = preview.totals;
  const lines: string[] = [
    isDryRun ? 'Dry run (nothing changed; add --execute to apply)' : 'Plan',
    optionsText(options),
  ];
  for (const item of preview.items) {
    if (item.status === 'ready') {
      const plan = preview.plans.get(item.userPrincipalName.toLowerCase());
      const steps = (plan?.steps ?? [])
        .filter((s) => s.changes.length > 0)
        .map((s) => `${s.stepId}${s.changes.length > 1 ? `×${s.changes.length}` : ''}`);
      lines.push(
        `  ✓ line ${item.line} ${item.userPrincipalName} → delegate ${item.delegate?.userPrincipalName ?? 'none'}: ${item.changeCount} changes in ${item.stepCount} steps`,
        `      ${steps.join(', ')}`,
      );
    } else {
      lines.push(
        `  ${item.status === 'nothing-to-do' ? '·' : '✗'} line ${item.line} ${item.userPrincipalName}: ${item.status}${item.message ? ` (${item.message})` : ''}`,
      );
    }
  }
  lines.push(
    `${t.listed} listed: ${t.ready} to offboard (${t.changes} changes), ${t.nothingToDo} already done, ${t.refused} refused, ${t.notFound} not found, ${t.invalid} invalid`,
  );
  return lines;
}

export function reportText(report: BulkReport): string[] {
  const by = (s: BulkResult['status']): number => report.results.filter((r) => r.status === s).length;
  const lines = [
    `Bulk offboarding ${report.requestId}: ${report.status} in ${(report.wallMs / 1000).toFixed(1)} s`,
  ];
  for (const r of report.results) {
    const counts = r.counts
      ? ` (${r.counts.done} done, ${r.counts.failed} failed, ${r.counts.skipped} skipped)`
      : '';
    lines.push(
      `  ${r.status === 'completed' ? '✓' : '✗'} ${r.userPrincipalName} ${r.requestId ?? ''}: ${r.status}${counts}${r.error ? ` — ${r.error}` : ''}`,
    );
  }
  lines.push(
    `${report.results.length} leavers: ${by('completed')} completed, ${by('completed-with-errors')} with errors, ${by('failed')} failed, ${by('not-started')} not started`,
  );
  return lines;
}

/** What the batch's remaining Exchange writes need, from the plans made so far (runs plan as they start). */
export function remainingWrites(p: {
  plannedWrites: number;
  plannedLeavers: number;
  leavers: number;
  sent: number;
}): number | undefined {
  if (p.plannedLeavers === 0) return undefined;
  const perLeaver = p.plannedWrites / p.plannedLeavers;
  const unplanned = Math.max(0, p.leavers - p.plannedLeavers);
  return Math.max(0, p.plannedWrites - p.sent) + Math.round(unplanned * perLeaver);
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const options = parseBatchOptions(args, { file: 'leavers.csv', maxConcurrency: 256, acceptsOptions: true });
  const batchOptions = batchOptionsOf(options.optionPairs);
  const entries = parseLeaversCsv(await readFile(options.from, 'utf8'));
  return withCliServices('warn', async ({ services, operator: actor }) => {
    // A dry run plans every leaver to show the plan. With --execute nobody reviews a preview: leavers
    // are only resolved and checked here, and each run plans its leaver once and starts at once, so
    // planning and execution overlap and nothing is read twice.
    const checking = progressBar(io, options.isExecute ? 'Checking' : 'Planning');
    const prepared = await services.bulk.offboard.prepare(actor, entries, {
      isRequesterChecked: false,
      isPlanned: !options.isExecute,
      batchOptions,
      onItem: (_item, done, total) => {
        checking.update(done, total);
      },
    });
    checking.finish();
    if (prepared.kind === 'too-many') {
      io.err(
        `${options.from} lists ${prepared.count} leavers; the policy allows ${prepared.max} per request (MAX_USERS_PER_REQUEST). Nothing was changed.`,
      );
      return 2;
    }
    if (prepared.kind === 'refused') {
      io.err(`${prepared.message} Nothing was changed.`);
      return 2;
    }
    const preview = withoutProtected(prepared.preview);
    const hasProblems = preview.totals.refused + preview.totals.notFound + preview.totals.invalid > 0;
    if (!options.isExecute || preview.totals.ready === 0) {
      if (options.isJson)
        io.out(
          JSON.stringify(
            {
              dryRun: !options.isExecute,
              options: batchOptions,
              items: preview.items,
              totals: preview.totals,
            },
            null,
            2,
          ),
        );
      else for (const line of planText(preview, !options.isExecute, batchOptions)) io.out(line);
      return hasProblems ? 2 : 0;
    }
    const parent = await services.bulk.offboard.createRequest(
      actor,
      preview,
      `CLI ${options.from}`,
      0,
      batchOptions,
    );
    const confirmed = await services.deps.requestService.confirm(actor, parent.id, parent.version);
    if (!confirmed.isDone) throw new Error(confirmed.message);
    // Exchange destructive cmdlets are the binding budget of a bulk offboarding: the ETA is the time
    // the batch's remaining Exchange writes need at the pacer's rate (leavers not planned yet count
    // as many writes as the average planned one).
    const pacer = services.writePacers.exchange;
    const steps = services.flows.steps();
    const writes = { plannedWrites: 0, plannedLeavers: 0, leavers: preview.totals.ready, sent: 0 };
    const startStats = pacer?.stats();
    let failed = 0;
    let done = 0;
    const progress = (): string => {
      const stats = pacer?.stats();
      writes.sent = stats && startStats ? stats.writes - startStats.writes : 0;
      const remaining = remainingWrites(writes);
      return bulkProgressText({
        failed,
        throttled: stats && startStats ? stats.throttled - startStats.throttled : 0,
        ...(pacer && remaining !== undefined && { etaMs: pacer.etaMs(remaining), budget: pacer.budget.name }),
      });
    };
    const bar = progressBar(io, 'Offboarding');
    bar.update(0, preview.totals.ready, progress());
    const ticker = setInterval(() => {
      bar.update(done, preview.totals.ready, progress());
    }, 5_000);
    ticker.unref();
    const report = await services.bulk.runner
      .execute(confirmed.request, {
        ...(options.concurrency && { maxConcurrentRuns: options.concurrency }),
        onPlanned: (plan) => {
          writes.plannedWrites += plannedWrites(plan, steps, 'exchange');
          writes.plannedLeavers += 1;
        },
        onResult: (result, finished, total) => {
          done = finished;
          if (result.status !== 'completed') failed += 1;
          bar.update(finished, total, progress());
        },
      })
      .finally(() => {
        clearInterval(ticker);
      });
    bar.finish();
    if (options.isJson)
      io.out(
        JSON.stringify({ dryRun: false, options: batchOptions, totals: preview.totals, report }, null, 2),
      );
    else
      for (const line of [optionsText(batchOptions), ...checkedText(preview), ...reportText(report)])
        io.out(line);
    return report.status === 'completed' && !hasProblems ? 0 : 2;
  });
}

/** With --execute: the leavers not offboarded and why (the others are in the report). */
export function checkedText(preview: BulkPreview): string[] {
  const t = preview.totals;
  const lines = preview.items
    .filter((i) => i.status !== 'ready')
    .map(
      (i) =>
        `  ${i.status === 'nothing-to-do' ? '·' : '✗'} line ${i.line} ${i.userPrincipalName}: ${i.status}${i.message ? ` (${i.message})` : ''}`,
    );
  lines.push(
    `${t.listed} listed: ${t.ready} to offboard, ${t.refused} refused, ${t.notFound} not found, ${t.invalid} invalid`,
  );
  return lines;
}

/** `--option name=value` pairs as batch options; a bad pair is a usage error, before anything is read. */
function batchOptionsOf(pairs: readonly string[]): BatchOptions {
  try {
    return parseBatchOptionPairs(pairs);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new CliUsageError(error.message);
    throw error;
  }
}

export const offboardCli: CliCommand = {
  summary: 'Offboard leavers from a CSV (upn[,delegate]): dry run unless --execute',
  usage: `lifecycle offboard --from leavers.csv [--execute] [--concurrency N] [--json] [--option name=value]…
      options for every leaver (default: the leaver checklist's): ${batchOptionNames.join(', ')}`,
  run,
};

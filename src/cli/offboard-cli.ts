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
import { parseBatchOptions } from './cli-args.js';
import type { CliCommand, CliIo } from './cli-command.js';
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

export function planText(preview: BulkPreview, isDryRun: boolean): string[] {
  const t = preview.totals;
  const lines: string[] = [isDryRun ? 'Dry run (nothing changed; add --execute to apply)' : 'Plan'];
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

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const options = parseBatchOptions(args, { file: 'leavers.csv', maxConcurrency: 256 });
  const entries = parseLeaversCsv(await readFile(options.from, 'utf8'));
  return withCliServices('warn', async ({ services, operator: actor }) => {
    const planning = progressBar(io, 'Planning');
    const prepared = await services.bulk.offboard.prepare(actor, entries, {
      isRequesterChecked: false,
      onItem: (_item, done, total) => {
        planning.update(done, total);
      },
    });
    planning.finish();
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
    if (!options.isExecute || preview.totals.ready === 0) {
      if (options.isJson)
        io.out(JSON.stringify({ dryRun: true, items: preview.items, totals: preview.totals }, null, 2));
      else for (const line of planText(preview, true)) io.out(line);
      return preview.totals.refused + preview.totals.notFound + preview.totals.invalid > 0 ? 2 : 0;
    }
    const parent = await services.bulk.offboard.createRequest(actor, preview, `CLI ${options.from}`, 0);
    const confirmed = await services.deps.requestService.confirm(actor, parent.id, parent.version);
    if (!confirmed.isDone) throw new Error(confirmed.message);
    // Exchange destructive cmdlets are the binding budget of a bulk offboarding: the ETA is the time
    // the batch's remaining Exchange writes need at the pacer's rate.
    const pacer = services.writePacers.exchange;
    const steps = services.flows.steps();
    const planned = preview.items
      .filter((i) => i.status === 'ready')
      .map((i) => preview.plans.get(i.userPrincipalName.toLowerCase()))
      .reduce((sum, plan) => sum + (plan ? plannedWrites(plan, steps, 'exchange') : 0), 0);
    const startStats = pacer?.stats();
    let failed = 0;
    let done = 0;
    const progress = (): string => {
      const stats = pacer?.stats();
      const sent = stats && startStats ? stats.writes - startStats.writes : 0;
      return bulkProgressText({
        failed,
        throttled: stats && startStats ? stats.throttled - startStats.throttled : 0,
        ...(pacer && { etaMs: pacer.etaMs(Math.max(0, planned - sent)), budget: pacer.budget.name }),
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
    if (options.isJson) io.out(JSON.stringify({ dryRun: false, totals: preview.totals, report }, null, 2));
    else for (const line of [...planText(preview, false), ...reportText(report)]) io.out(line);
    return report.status === 'completed' &&
      preview.totals.refused + preview.totals.notFound + preview.totals.invalid === 0
      ? 0
      : 2;
  });
}

export const offboardCli: CliCommand = {
  summary: 'Offboard leavers from a CSV (upn[,delegate]): dry run unless --execute',
  usage: 'lifecycle offboard --from leavers.csv [--execute] [--concurrency N] [--json]',
  run,
};

/**
 * `lifecycle provision --from joiners.csv [--execute]`: a dry run by default (decisions, seat forecast,
 * per-row errors), with `--execute` the changes, the pending queue for unsynced joiners, and the report
 * to the IT channel and e-mail. Progress goes to stderr; the report to stdout (text or `--json`).
 */
import { readFile } from 'node:fs/promises';
import { countRows, reportErrors, type BatchReport } from '../core/provision/index.js';
import { parseJoinersCsv } from '../core/provision/joiners-csv.js';
import { parseBatchOptions } from './cli-args.js';
import type { CliCommand, CliIo } from './cli-command.js';
import { withCliServices } from './cli-services.js';

export function reportText(report: BatchReport): string[] {
  const c = countRows(report);
  const lines = [
    `${report.isDryRun ? 'Dry run (nothing changed; add --execute to apply)' : 'Provisioning report'}: ${report.source}`,
    `${c.total} rows: ${c.provisioned + c.planned} ${report.isDryRun ? 'would be provisioned' : 'provisioned'}, ${c.queued} waiting for sync, ${c.nothingToDo} already done, ${c.failed} failed`,
  ];
  for (const r of report.rows.filter((x) => x.status === 'provisioned' || x.status === 'planned')) {
    lines.push(
      `  ✓ ${r.displayName ?? r.userPrincipalName} <${r.mail ?? r.userPrincipalName}> ${r.licences.join(', ')} [${r.usageLocation ?? '-'}] ${r.reason ?? ''}${r.notes.length ? ` — ${r.notes.join('; ')}` : ''}`,
    );
  }
  for (const r of report.rows.filter((x) => x.status === 'queued'))
    lines.push(`  … ${r.userPrincipalName}: not in Entra ID yet`);
  for (const e of reportErrors(report)) {
    lines.push(
      `  ✗ line ${e.line}: ${e.user} mail=${e.mail || '-'} licence=${e.licence || '-'} usageLocation=${e.usageLocation || '-'}: ${e.error}`,
    );
  }
  lines.push('Licence summary:');
  for (const l of report.licences)
    lines.push(`  ${l.skuPartNumber}: ${l.consumed} consumed, ${l.remaining} remaining of ${l.enabled}`);
  for (const w of report.warnings) lines.push(`  ⚠ ${w}`);
  return lines;
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const options = parseBatchOptions(args, { file: 'file.csv', maxConcurrency: 32 });
  const lines = parseJoinersCsv(await readFile(options.from, 'utf8'));
  return withCliServices('error', async ({ services, operator }) => {
    const provisioning = services.provisioning;
    if (!provisioning) throw new Error('Provisioning is not configured: set PROVISIONING_CONFIG_FILE');
    const report = await provisioning.batch.run(lines, {
      requester: operator,
      source: options.from,
      isDryRun: !options.isExecute,
      ...(options.concurrency && { concurrency: options.concurrency }),
      onRow: (row, done, total) => {
        io.err(
          `[${done}/${total}] line ${row.line} ${row.userPrincipalName || '(no UPN)'}: ${row.status}${row.error ? ` — ${row.error}` : ''}`,
        );
      },
    });
    if (options.isExecute) await provisioning.reports.send(report);
    if (options.isJson) io.out(JSON.stringify(report, null, 2));
    else for (const line of reportText(report)) io.out(line);
    return countRows(report).failed > 0 ? 2 : 0;
  });
}

export const provisionCli: CliCommand = {
  summary: 'Provision joiners from a CSV (name, UPN, employee type): dry run unless --execute',
  usage: 'lifecycle provision --from joiners.csv [--execute] [--concurrency N] [--json]',
  run,
};

/**
 * A 500-row joiner CSV provisioned against the sandbox with Graph and Exchange throttling on, through
 * the production wiring (real connectors, runner, PGlite store). Checks that no row failed because of
 * throttling and that the report matches the sandbox's final state, then records the figures.
 *
 * Throttling: Exchange at its documented limits; Graph's resource-unit budget scaled to 5 %
 * (400 RU per 10 s instead of 8,000) so that a local run meets it; Graph's write budget as documented
 * (3,000 per 150 s). Latency off (the sandbox answers at once), so throughput is bounded by the budgets.
 *
 * Run: npm run bench:provision   Writes bench/results/provision-batch.json and prints it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { countRows, type BatchReport } from '../src/core/provision/index.js';
import { parseJoinersCsv } from '../src/core/provision/joiners-csv.js';
import { startProvisionHarness } from '../test/contract/provision-harness.js';

const rows = 500;
const contractors = 25; // More than EXCHANGESTANDARD's free seats in the seed: the rest must stop at zero.
const benchSkuId = '0b0be0c1-0000-4000-8000-00000000b3e0';

function joinersCsv(): string {
  const lines = ['CN,UserPrincipalName,EmployeeType,Office'];
  for (let i = 0; i < rows; i += 1) {
    const type = i % (rows / contractors) === 0 ? 'N' : 'E';
    lines.push(`Joiner ${i},joiner.${String(i).padStart(3, '0')}@contoso.com,${type},Site ${i % 7}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const h = await startProvisionHarness({
    sandbox: {
      behaviours: {
        throttling: {
          enabled: true,
          scale: 1,
          rules: {
            graph: [
              { name: 'ResourceUnitLimitExceeded', limit: 400, windowMs: 10_000, appliesTo: 'all' },
              { name: 'WriteLimitExceeded', limit: 3000, windowMs: 150_000, appliesTo: 'writes' },
            ],
          },
        },
      },
    },
    mapping: {
      rules: [
        { attribute: 'employeeType', equals: 'E', licences: [{ sku: 'BENCH_E3' }] },
        { attribute: 'employeeType', equals: 'N', licences: [{ sku: 'EXCHANGESTANDARD' }] },
      ],
      default: null,
      batch: { concurrency: 8 },
    },
    prepare: (sandbox) => {
      sandbox.state.seed((t) => {
        t.addSku({
          skuId: benchSkuId,
          skuPartNumber: 'BENCH_E3',
          accountId: t.tenantId,
          accountName: 'Contoso',
          appliesTo: 'User',
          capabilityStatus: 'Enabled',
          prepaidUnits: { enabled: 1000, lockedOut: 0, suspended: 0, warning: 0 },
          externallyConsumedUnits: 0,
          servicePlans: [
            {
              servicePlanId: 'efb87545-963c-4e0d-99df-69c6916d9eb0',
              servicePlanName: 'EXCHANGE_S_ENTERPRISE',
              provisioningStatus: 'Success',
              appliesTo: 'User',
            },
          ],
          subscriptionIds: ['7a1e0000-0000-4000-8000-0000000000b3'],
        });
      });
    },
  });
  try {
    for (let i = 0; i < rows; i += 1) {
      h.addJoiner({
        alias: `joiner.${String(i).padStart(3, '0')}`,
        displayName: `Joiner ${i}`,
        usageLocation: i % 2 === 0 ? null : 'GB',
      });
    }
    const lines = parseJoinersCsv(joinersCsv());
    const freeAtStart = (): number => {
      const sku = h.sandbox.state.skus().find((x) => x.skuPartNumber === 'EXCHANGESTANDARD');
      return (
        (sku?.prepaidUnits.enabled ?? 0) -
        (h.sandbox.state.consumedUnits().get(sku?.skuId.toLowerCase() ?? '') ?? 0)
      );
    };
    const exchangeStandardFree = freeAtStart();
    h.sandbox.requestLog.clear();
    const started = performance.now();
    const report: BatchReport = await h.provisioning.batch.run(lines, {
      requester: { aadObjectId: 'bench', tenantId: h.sandbox.tenant.tenantId, displayName: 'bench' },
      source: 'joiners-500.csv',
      isDryRun: false,
    });
    const wallMs = Math.round(performance.now() - started);
    const log = h.sandbox.requestLog.all();
    const counts = countRows(report);
    const failures = report.rows.filter((r) => r.status !== 'provisioned');
    const seatFailures = failures.filter(
      (r) => r.error === 'No free seats left of EXCHANGESTANDARD: licence not assigned',
    );
    const otherFailures = failures.filter((r) => !seatFailures.includes(r));

    // The report must match the tenant's final state.
    const mismatches: string[] = [];
    for (const row of report.rows) {
      const user = h.sandbox.state.directory.getUser(row.userPrincipalName);
      const held = (user?.assignedLicenses ?? []).map((l) => h.sandbox.state.getSku(l.skuId)?.skuPartNumber);
      const expected = row.status === 'provisioned' ? row.licences : [];
      if (JSON.stringify(held) !== JSON.stringify(expected))
        mismatches.push(`${row.userPrincipalName}: report ${expected.join('+')} tenant ${held.join('+')}`);
      if (row.status === 'provisioned' && !h.sandbox.state.exchange.getMailbox(user?.id ?? ''))
        mismatches.push(`${row.userPrincipalName}: no mailbox`);
    }
    const consumed = h.sandbox.state.consumedUnits();
    for (const line of report.licences) {
      const sku = h.sandbox.state.skus().find((s) => s.skuPartNumber === line.skuPartNumber);
      const remaining =
        (sku?.prepaidUnits.enabled ?? 0) - (consumed.get(sku?.skuId.toLowerCase() ?? '') ?? 0);
      if (remaining !== line.remaining)
        mismatches.push(`${line.skuPartNumber}: report ${line.remaining} remaining, tenant ${remaining}`);
    }
    const result = {
      at: new Date().toISOString(),
      rows,
      wallMs,
      rowsPerSecond: Math.round((rows / wallMs) * 1000 * 10) / 10,
      throttling:
        'graph 400 RU/10 s (documented 8,000 scaled 0.05) + 3,000 writes/150 s; exchange documented (200 cmdlets/5 s, 120 writes/60 s)',
      concurrency: 8,
      counts,
      calls: {
        total: log.length,
        graph: log.filter((e) => e.service === 'graph').length,
        exchange: log.filter((e) => e.service === 'exchange').length,
        throttled429: log.filter((e) => e.outcome === 'throttled').length,
        writesApplied: log.filter((e) => e.operation !== null && e.status >= 200 && e.status < 300).length,
      },
      exchangeStandardFreeAtStart: exchangeStandardFree,
      failures: {
        seatsExhausted: seatFailures.length,
        other: otherFailures.length,
        otherExamples: otherFailures.slice(0, 5).map((r) => `${r.userPrincipalName}: ${r.error ?? ''}`),
      },
      reportMatchesTenant: mismatches.length === 0,
      mismatches: mismatches.slice(0, 10),
      machine: { cpus: cpus().length, loadavg: loadavg().map((l) => Math.round(l * 100) / 100) },
    };
    await mkdir(join(import.meta.dirname, 'results'), { recursive: true });
    await writeFile(
      join(import.meta.dirname, 'results', 'provision-batch.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (
      otherFailures.length > 0 ||
      mismatches.length > 0 ||
      seatFailures.length !== contractors - exchangeStandardFree
    )
      process.exitCode = 1;
  } finally {
    await h.close();
  }
}

await main();

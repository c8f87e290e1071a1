/**
 * Journal append cost: how long the runner waits to record one phase of one step, on PGlite (data
 * folder; PGlite's Node file system never fsyncs) and on PostgreSQL (a local server with fsync on, as in
 * production, and off, for a like-for-like comparison). A step's change journals four phases
 * (planned, applying, applied, verified), so the per-step figure is four sequential appends.
 *
 * Run: npm run bench:store   (DATABASE_URL=postgres://… measures that server instead of a local one)
 * Writes bench/results/store-journal.json and prints it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JournalEntry, JournalPhase, Store } from '../src/core/ports/store.js';
import { openStore, type StoreOptions } from '../src/store/index.js';
import { startTestPostgres } from '../test/support/postgres.js';

const warmupSteps = 50;
const measuredSteps = 500;
const phases: readonly JournalPhase[] = ['planned', 'applying', 'applied', 'verified'];

interface Percentiles {
  median: number;
  p95: number;
  mean: number;
}

interface TargetResult {
  target: string;
  appends: number;
  appendUs: Percentiles;
  stepMs: Percentiles;
  appendsPerSecond: number;
}

function percentiles(samples: readonly number[], scale: number): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const round = (value: number): number => Math.round(value * scale * 100) / 100;
  return {
    median: round(at(0.5)),
    p95: round(at(0.95)),
    mean: round(sorted.reduce((s, v) => s + v, 0) / sorted.length),
  };
}

/** A realistic entry: a mailbox permission change with its before and after state. */
function entryOf(runId: string, step: number, phase: JournalPhase): JournalEntry {
  const permission = {
    mailbox: `shared-${step}@contoso.com`,
    trustee: 'ada@contoso.com',
    rights: ['FullAccess'],
    inherited: false,
  };
  return {
    runId,
    stepId: 'exo.remove-full-access',
    changeKey: `full-access:shared-${step}@contoso.com`,
    phase,
    attempt: 1,
    ...(phase === 'planned' && { before: permission }),
    ...(phase === 'applied' && { after: { ...permission, rights: [] } }),
    at: new Date().toISOString(),
  };
}

async function measure(target: string, options: StoreOptions): Promise<TargetResult> {
  const store: Store = await openStore(options);
  try {
    const runId = `RUN-bench-${Date.now()}`;
    await store.runs.create({
      id: runId,
      requestId: 'REQ-bench',
      status: 'running',
      plan: { steps: [] },
      input: {},
    });
    const appendMs: number[] = [];
    const stepMs: number[] = [];
    for (let step = 0; step < warmupSteps + measuredSteps; step += 1) {
      const stepStart = performance.now();
      for (const phase of phases) {
        const t = performance.now();
        await store.journal.append(entryOf(runId, step, phase));
        if (step >= warmupSteps) appendMs.push(performance.now() - t);
      }
      if (step >= warmupSteps) stepMs.push(performance.now() - stepStart);
    }
    const measuredMs = stepMs.reduce((s, v) => s + v, 0);
    return {
      target,
      appends: appendMs.length,
      appendUs: percentiles(appendMs, 1000),
      stepMs: percentiles(stepMs, 1),
      appendsPerSecond: Math.round(appendMs.length / (measuredMs / 1000)),
    };
  } finally {
    await store.close();
  }
}

const results: TargetResult[] = [];

const dataDir = await mkdtemp(join(tmpdir(), 'lifecycle-bench-pglite-'));
try {
  results.push(await measure('pglite (data folder)', { dataDir }));
} finally {
  await rm(dataDir, { recursive: true, force: true });
}

const externalUrl = process.env['DATABASE_URL'];
if (externalUrl !== undefined && externalUrl !== '') {
  results.push(await measure('postgresql (DATABASE_URL)', { databaseUrl: externalUrl }));
} else {
  // Durable, as in production; and without fsync, like PGlite (its Node file system never fsyncs).
  for (const isDurable of [true, false]) {
    const server = await startTestPostgres({ isDurable });
    if (server === null) {
      console.warn('PostgreSQL could not start: only PGlite was measured');
      break;
    }
    try {
      const databaseUrl = await server.createDatabase('bench_journal');
      results.push(
        await measure(`postgresql (local server, fsync ${isDurable ? 'on' : 'off'})`, { databaseUrl }),
      );
    } finally {
      await server.stop();
    }
  }
}

const report = {
  benchmark: 'store-journal-append',
  measuredAt: new Date().toISOString(),
  machine: {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    // Other work on the machine skews the tails: the one-minute load average when the run ended.
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 10) / 10,
  },
  method: `${measuredSteps} steps x ${phases.length} sequential appends after ${warmupSteps} warm-up steps`,
  results,
};
await mkdir(new URL('results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('results/store-journal.json', import.meta.url),
  `${JSON.stringify(report, null, 2)}\n`,
);
console.log(JSON.stringify(report, null, 2));

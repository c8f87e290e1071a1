/**
 * Two real processes compete for 200 runs on a real PostgreSQL server. One is killed with SIGKILL
 * while it holds leases; the survivor must take those runs over once the leases expire, and in the
 * end every run is completed and executed exactly once.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { startTestPostgres } from '../support/postgres.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const workerScript = fileURLToPath(new URL('../support/claim-worker.ts', import.meta.url));
const runCount = 200;
const leaseMs = 1_500;

const server = await startTestPostgres();
const workers: ChildProcessWithoutNullStreams[] = [];

afterAll(async () => {
  for (const worker of workers)
    if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  await server?.stop();
});

interface Worker {
  process: ChildProcessWithoutNullStreams;
  owner: string;
  completed: () => number;
}

async function startWorker(databaseUrl: string): Promise<Worker> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', workerScript, databaseUrl, String(leaseMs), '4'],
    {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  workers.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let completed = 0;
  const ready = new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`worker exited with ${String(code)} before it was ready: ${stderr}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as { event: string; owner?: string };
      if (message.event === 'ready' && message.owner !== undefined) resolve(message.owner);
      if (message.event === 'completed') completed += 1;
    });
  });
  return { process: child, owner: await ready, completed: () => completed };
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe.skipIf(server === null)('two processes claiming runs on PostgreSQL', () => {
  it('finishes every run exactly once when one process is killed mid-way', { timeout: 120_000 }, async () => {
    const databaseUrl = await server!.createDatabase('two_process_claim');
    const store = await openStore({ databaseUrl });
    const sql = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    try {
      const [a, b] = await Promise.all([startWorker(databaseUrl), startWorker(databaseUrl)]);
      for (let i = 0; i < runCount; i += 1) {
        await store.runs.create({
          id: `RUN-${String(i).padStart(3, '0')}`,
          requestId: `REQ-${i}`,
          status: 'queued',
          plan: { steps: [] },
          input: { i },
        });
      }

      // Kill A once real work is under way and while it holds at least one live lease.
      const heldBy = async (owner: string) =>
        (
          await sql.query<{ id: string; lease_until_ms: string }>(
            `SELECT id, lease_until_ms FROM runs WHERE owner = $1 AND status = 'running'`,
            [owner],
          )
        ).rows;
      await waitFor(
        async () => a.completed() >= 30 && (await heldBy(a.owner)).length > 0,
        60_000,
        'worker A to hold a lease mid-way',
      );
      a.process.kill('SIGKILL');
      await once(a.process, 'exit');
      const orphaned = await heldBy(a.owner);
      expect(orphaned.length).toBeGreaterThan(0);

      const countCompleted = async () =>
        Number(
          (await sql.query<{ n: string }>(`SELECT count(*) AS n FROM runs WHERE status = 'completed'`))
            .rows[0]!.n,
        );
      await waitFor(
        async () => (await countCompleted()) === runCount,
        60_000,
        'the survivor to complete every run',
      );
      b.process.kill('SIGTERM');
      const [exitCode] = (await once(b.process, 'exit')) as [number | null];
      expect(exitCode).toBe(0);

      const journal = (
        await sql.query<{ run_id: string; phase: string; pid: number; at: Date }>(
          `SELECT run_id, phase, (after->>'pid')::int AS pid, at FROM step_journal ORDER BY id`,
        )
      ).rows;
      const applied = journal.filter((entry) => entry.phase === 'applied');
      // Every run executed exactly once, by one of the two processes.
      expect(applied.map((entry) => entry.run_id).sort()).toEqual(
        Array.from({ length: runCount }, (_, i) => `RUN-${String(i).padStart(3, '0')}`),
      );
      const byPid = new Set(applied.map((entry) => entry.pid));
      expect(byPid).toEqual(new Set([a.process.pid, b.process.pid]));

      // The survivor took over every orphaned run, and only after its lease had expired.
      for (const run of orphaned) {
        const takeover = journal.find(
          (entry) => entry.run_id === run.id && entry.phase === 'planned' && entry.pid === b.process.pid,
        );
        expect(takeover, `takeover of ${run.id}`).toBeDefined();
        expect(takeover!.at.getTime()).toBeGreaterThanOrEqual(Number(run.lease_until_ms));
      }
      const final = await Promise.all(orphaned.map((run) => store.runs.get(run.id)));
      expect(final.every((run) => run?.status === 'completed' && run.owner === undefined)).toBe(true);
    } finally {
      await sql.end();
      await store.close();
    }
  });
});

/**
 * A stand-alone process that competes for runs like a bot instance: it claims runs from PostgreSQL,
 * heartbeats their leases and "executes" each one by journaling it with its process id. Used by the
 * two-process claim test, which kills one worker mid-way.
 *
 * Usage: node --import tsx test/support/claim-worker.ts <databaseUrl> <leaseMs> <slots>
 * Prints one JSON line per event on stdout; stops on SIGTERM or when stdin closes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunRecord, Store } from '../../src/core/ports/store.js';
import { openStore } from '../../src/store/index.js';

const [databaseUrl, leaseArg, slotsArg] = process.argv.slice(2);
if (databaseUrl === undefined || leaseArg === undefined || slotsArg === undefined) {
  throw new Error('Usage: claim-worker.ts <databaseUrl> <leaseMs> <slots>');
}
const leaseMs = Number(leaseArg);
const slots = Number(slotsArg);
const owner = `worker-${process.pid}`;
const heartbeatMs = Math.floor(leaseMs / 5);
let isStopping = false;

const emit = (event: string, details: Record<string, unknown> = {}): void => {
  process.stdout.write(`${JSON.stringify({ event, pid: process.pid, ...details })}\n`);
};
const stop = (): void => {
  isStopping = true;
};
process.on('SIGTERM', stop);
process.stdin.on('close', stop);
process.stdin.resume();

const store = await openStore({ databaseUrl, maxConnections: slots + 2 });
emit('ready', { owner });
await Promise.all(Array.from({ length: slots }, () => workLoop(store)));
await store.close();
emit('stopped');
process.exit(0);

async function workLoop(s: Store): Promise<void> {
  while (!isStopping) {
    const run = await s.runs.claim(owner, leaseMs, Date.now());
    if (run === null) await sleep(20);
    else await execute(s, run);
  }
}

/** Resumes from the journal like the runner: a run already applied is only marked completed. */
async function execute(s: Store, run: RunRecord): Promise<void> {
  let isLeaseLost = false;
  const heartbeat = setInterval(() => {
    void s.runs.heartbeat(run.id, owner, leaseMs, Date.now()).then((isHeld) => {
      if (!isHeld) isLeaseLost = true;
    });
  }, heartbeatMs);
  try {
    const journal = await s.journal.list(run.id);
    const attempt = journal.filter((entry) => entry.phase === 'planned').length + 1;
    await s.journal.append(entryOf(run, 'planned', attempt));
    if (!journal.some((entry) => entry.phase === 'applied')) {
      await s.journal.append(entryOf(run, 'applying', attempt));
      await sleep(20 + Math.floor(Math.random() * 40));
      // Fencing: never write the result of work whose lease another instance took over.
      if (isLeaseLost) return;
      await s.journal.append(entryOf(run, 'applied', attempt));
    }
    const isCompleted = await s.runs.setStatus(run.id, owner, 'completed');
    emit(isCompleted ? 'completed' : 'lost', { runId: run.id });
  } finally {
    clearInterval(heartbeat);
  }
}

function entryOf(run: RunRecord, phase: 'planned' | 'applying' | 'applied', attempt: number) {
  return {
    runId: run.id,
    stepId: 'test.execute',
    phase,
    attempt,
    after: { pid: process.pid },
    at: new Date().toISOString(),
  };
}

/**
 * The crash test's worker process.
 *   setup  <dataDir> <targetFile>                   create the run in a fresh data folder
 *   run    <dataDir> <targetFile> <killAt> <report>  execute it; with killAt > 0, SIGKILL itself right
 *                                                    after its killAt-th write (journal entries and
 *                                                    target writes both count)
 *   resume <scenarios.json>                          finish each crashed scenario in turn (one fresh
 *                                                    store and Runner per scenario) and report it
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { systemClock } from '../../src/core/ports/clock.js';
import type { Journal } from '../../src/core/ports/store.js';
import { buildPlan, Runner } from '../../src/core/runner/index.js';
import { openStore } from '../../src/store/index.js';
import { unusedPorts } from '../unit/core/support/unused-ports.js';
import { crashRunId, crashSteps, FileTarget, type CrashReport, type CrashScenario } from './crash-target.js';

const ports = unusedPorts(systemClock);

async function setup(dataDir: string, targetFile: string): Promise<void> {
  const store = await openStore({ dataDir });
  const steps = crashSteps(new FileTarget(targetFile));
  const plan = await buildPlan(steps, { input: {}, ports, signal: new AbortController().signal });
  await store.runs.create({
    id: crashRunId,
    requestId: 'REQ-20261123-CRSH',
    status: 'queued',
    plan,
    input: {},
  });
  await store.close();
}

async function run(scenario: CrashScenario, killAt: number): Promise<void> {
  let writes = 0;
  const countWrite = (): void => {
    writes += 1;
    if (writes === killAt) process.kill(process.pid, 'SIGKILL');
  };
  const store = await openStore({ dataDir: scenario.dataDir });
  const target = new FileTarget(scenario.targetFile, countWrite);
  const journal: Journal = {
    append: async (entry) => {
      await store.journal.append(entry);
      countWrite();
    },
    list: (runId) => store.journal.list(runId),
  };
  // The owner id is stable across restarts, as a host name would be; even so the killed process's
  // lease must expire before the run can be claimed again.
  const runner = new Runner({
    store: { runs: store.runs, journal, audit: store.audit },
    steps: crashSteps(target),
    ports,
    owner: 'crash-worker',
    leaseMs: 1_000,
    heartbeatMs: 250,
  });
  let outcome = await runner.execute(crashRunId);
  for (const deadline = Date.now() + 15_000; outcome.kind === 'not-claimed' && Date.now() < deadline;) {
    await systemClock.sleep(50);
    outcome = await runner.execute(crashRunId);
  }
  const audit = await store.audit.list({ requestId: 'REQ-20261123-CRSH', limit: 10_000 });
  const report: CrashReport = {
    outcome,
    writes,
    runStatus: (await store.runs.get(crashRunId))?.status,
    journal: await store.journal.list(crashRunId),
    audited: audit
      .filter((e) => e.type === 'step.applied')
      .map((e) => `${String(e.details['stepId'])}:${String(e.details['changeKey'])}`),
    target: target.lines(),
  };
  writeFileSync(scenario.reportFile, JSON.stringify(report));
  await store.close();
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'setup' && args[0] !== undefined && args[1] !== undefined) {
  await setup(args[0], args[1]);
} else if (mode === 'run' && args.length === 4) {
  const [dataDir = '', targetFile = '', killAt = '0', reportFile = ''] = args;
  await run({ dataDir, targetFile, reportFile }, Number(killAt));
} else if (mode === 'resume' && args[0] !== undefined) {
  for (const scenario of JSON.parse(readFileSync(args[0], 'utf8')) as CrashScenario[]) await run(scenario, 0);
} else {
  throw new Error(
    'usage: crash-child.ts setup <dataDir> <targetFile> | run <dataDir> <targetFile> <killAt> <report> | resume <scenarios.json>',
  );
}

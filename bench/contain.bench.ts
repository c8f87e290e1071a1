/**
 * Incident mode against the sandbox with service-like latency and the documented throttling: from the
 * responder's Approve click to the last system cut off, over N runs, the time to the first session
 * revocation, which system took longest, and the process's peak RSS.
 *
 *   npm run bench:contain -- [--user adele.vance@contoso.com] [--runs 10] [--graph-ms 100]
 *                            [--exchange-ms 500] [--sharepoint-ms 300] [--login-ms 60] [--jitter 0.2]
 *
 * Each run starts from the same sandbox snapshot with fresh services (store, tokens, inventory), so no
 * run benefits from the one before. Before the click, the request is prepared and planned exactly as
 * `contain <upn>` does to show the approval card; the click goes through the bot (TestAdapter, the
 * route guard, the request service, the RunService). Times are read from the run's journal (the
 * process clock) against the click. The user is cloud-only: the sandbox has no on-premises AD (the
 * AD system tests need Samba), so the AD steps are not in the measured plan. Writes
 * bench/results/contain.json.
 */
import { parseArgs } from 'node:util';
import type { Principal } from '../src/core/model.js';
import { buildContainTimeline } from '../src/core/contain/contain-timeline.js';
import { seeded, startSandbox } from '../src/sandbox/index.js';
import { botDriver, personas, tenantId } from '../test/support/bot-harness.js';
import {
  defaultLatency,
  latencyBehaviours,
  percentile,
  round,
  startServices,
  writeResult,
  type LatencyProfile,
} from './offboard-bench-support.js';

const { values } = parseArgs({
  options: {
    user: { type: 'string', default: 'adele.vance@contoso.com' },
    runs: { type: 'string', default: '10' },
    'graph-ms': { type: 'string', default: String(defaultLatency.graph) },
    'exchange-ms': { type: 'string', default: String(defaultLatency.exchange) },
    'sharepoint-ms': { type: 'string', default: String(defaultLatency.sharepoint) },
    'login-ms': { type: 'string', default: String(defaultLatency.login) },
    jitter: { type: 'string', default: '0.2' },
  },
});
const profile: LatencyProfile = {
  graph: Number(values['graph-ms']),
  exchange: Number(values['exchange-ms']),
  sharepoint: Number(values['sharepoint-ms']),
  login: Number(values['login-ms']),
  jitter: Number(values.jitter),
};
const runCount = Math.max(1, Number(values.runs));

const sandbox = await startSandbox({
  port: 0,
  behaviours: { latency: latencyBehaviours(profile), throttling: { enabled: true } },
});
const snapshot = sandbox.snapshot();
const responder: Principal = {
  aadObjectId: personas.operator.aadObjectId,
  tenantId,
  displayName: personas.operator.name,
};

interface RunFigures {
  status: string;
  clickToLastCutOffMs: number;
  firstSessionRevocationMs: number;
  longest: string;
  systems: Record<string, number | null>;
  steps: number;
}

async function oneRun(): Promise<RunFigures> {
  sandbox.restore(snapshot);
  const bench = await startServices(sandbox, {
    INCIDENT_RESPONDER_GROUP_IDS: seeded.groups.lifecycleRequesters,
  });
  try {
    const { deps, store } = bench.services;
    const contain = deps.contain;
    if (!contain) throw new Error('contain is not wired');
    const prepared = await contain.prepare(responder, values.user);
    if (prepared.kind !== 'ready') throw new Error(`${values.user}: ${prepared.kind}`);
    // What `contain <upn>` does for the approval card before anyone can click.
    await contain.preview(prepared.request);
    const driver = botDriver(bench.services.app);
    const clickedAt = Date.now();
    const { body } = await driver.click(personas.operator2, 'request.approve', {
      requestId: prepared.request.id,
      version: prepared.request.version,
    });
    if (body?.type !== 'application/vnd.microsoft.card.adaptive')
      throw new Error(`approve refused: ${JSON.stringify(body)}`);
    await bench.services.coordinator.idle();
    const request = await store.requests.get(prepared.request.id);
    const run = request?.runId ? await store.runs.get(request.runId) : null;
    if (!request || !run) throw new Error('no run');
    const journal = await store.journal.list(run.id);
    const timeline = buildContainTimeline(run.plan, journal, new Date(clickedAt).toISOString());
    if (!timeline.isComplete)
      process.stderr.write(`not every system was cut off: ${JSON.stringify(timeline.systems)}\n`);
    return {
      status: request.state,
      clickToLastCutOffMs: Math.max(...timeline.systems.map((s) => s.elapsedMs ?? 0)),
      firstSessionRevocationMs: timeline.firstSessionRevocation?.elapsedMs ?? Number.NaN,
      longest: timeline.longest ?? '—',
      systems: Object.fromEntries(
        timeline.systems.map((s) => [s.name, s.isCutOff ? (s.elapsedMs ?? null) : null]),
      ),
      steps: run.plan.steps.length,
    };
  } finally {
    await bench.close();
  }
}

try {
  const runs: RunFigures[] = [];
  for (let i = 0; i < runCount; i++) runs.push(await oneRun());
  const total = runs.map((r) => r.clickToLastCutOffMs);
  const first = runs.map((r) => r.firstSessionRevocationMs);
  const longestCounts: Record<string, number> = {};
  for (const r of runs) longestCounts[r.longest] = (longestCounts[r.longest] ?? 0) + 1;
  const peakRssMb = round(process.resourceUsage().maxRSS / 1024);
  const result = {
    user: values.user,
    userKind: 'cloud-only, with Intune devices, sign-in methods and rights on other mailboxes',
    latencyMs: profile,
    throttling: 'documented budgets (scale 1)',
    runs: runCount,
    statuses: [...new Set(runs.map((r) => r.status))],
    steps: runs[0]?.steps,
    clickToLastCutOffMs: {
      p50: round(percentile(total, 50)),
      p99: round(percentile(total, 99)),
      max: round(Math.max(...total)),
    },
    firstSessionRevocationMs: {
      p50: round(percentile(first, 50)),
      p99: round(percentile(first, 99)),
      max: round(Math.max(...first)),
    },
    longestSystem: longestCounts,
    perRun: runs,
    peakRssMb,
  };
  process.stdout.write(
    [
      `containment of ${values.user} (${result.steps} steps; graph ${profile.graph} ms, exchange ${profile.exchange} ms, jitter ${profile.jitter}), ${runCount} runs`,
      `  approve click → last system cut off: p50 ${result.clickToLastCutOffMs.p50} ms, p99 ${result.clickToLastCutOffMs.p99} ms (targets 30 s / 60 s)`,
      `  approve click → first session revocation: p50 ${result.firstSessionRevocationMs.p50} ms, p99 ${result.firstSessionRevocationMs.p99} ms (target 2 s)`,
      `  took longest: ${Object.entries(longestCounts)
        .map(([k, v]) => `${k} ×${v}`)
        .join(', ')}`,
      `  statuses: ${result.statuses.join(', ')}; peak RSS ${peakRssMb} MB`,
      `wrote ${writeResult('contain', result)}`,
      '',
    ].join('\n'),
  );
} finally {
  await sandbox.close();
}

/**
 * One-user offboarding against the sandbox with service-like latency and documented throttling:
 * wall time of the run against its critical path, and against the naive sequential strategy.
 *
 *   npm run bench:offboard -- [--user adele.vance@contoso.com] [--graph-ms 100] [--exchange-ms 500]
 *                             [--sharepoint-ms 300] [--login-ms 60] [--jitter 0] [--repeat 3]
 *
 * Method: an isolated run executes the plan as a chain (one step at a time, each with the Runner's
 * own concurrency), so every request in the sandbox log between a step's start and finish belongs to
 * that step. A step's cost is the time at least one of its calls was in flight, each call lasting its
 * configured latency from its arrival (parallel calls count once, sequential ones add up); the
 * critical path is the longest dependency chain of the plan weighted by those costs. The naive run is
 * the same chain with one call in flight per system. The sandbox is restored to one snapshot before
 * every run. Writes bench/results/offboard-one.json.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { LifecycleRequest, Principal } from '../src/core/model.js';
import type { Runner } from '../src/core/runner/runner.js';
import { buildPlan } from '../src/core/runner/build-plan.js';
import { SystemLimiter } from '../src/core/runner/system-limits.js';
import type { Plan, Step } from '../src/core/step.js';
import { startSandbox } from '../src/sandbox/index.js';
import {
  chained,
  criticalPath,
  defaultLatency,
  latencyBehaviours,
  latencyOf,
  naiveLimits,
  naiveRunner,
  round,
  roundTrips,
  startServices,
  writeResult,
  type LatencyProfile,
} from './offboard-bench-support.js';

const { values } = parseArgs({
  options: {
    user: { type: 'string', default: 'adele.vance@contoso.com' },
    'graph-ms': { type: 'string', default: String(defaultLatency.graph) },
    'exchange-ms': { type: 'string', default: String(defaultLatency.exchange) },
    'sharepoint-ms': { type: 'string', default: String(defaultLatency.sharepoint) },
    'login-ms': { type: 'string', default: String(defaultLatency.login) },
    jitter: { type: 'string', default: '0' },
    repeat: { type: 'string', default: '3' },
  },
});
const profile: LatencyProfile = {
  graph: Number(values['graph-ms']),
  exchange: Number(values['exchange-ms']),
  sharepoint: Number(values['sharepoint-ms']),
  login: Number(values['login-ms']),
  jitter: Number(values.jitter),
};
const repeat = Math.max(1, Number(values.repeat));

const sandbox = await startSandbox({
  port: 0,
  behaviours: { latency: latencyBehaviours(profile), throttling: { enabled: true } },
});
const bench = await startServices(sandbox);
const { deps, ports, runner } = bench.services;
const operator: Principal = {
  aadObjectId: '10000000-0000-4000-8000-000000000013',
  tenantId: deps.tenantId,
  displayName: 'Isaiah Langer',
};
const approver: Principal = {
  aadObjectId: '10000000-0000-4000-8000-000000000015',
  tenantId: deps.tenantId,
  displayName: 'Joni Sherman',
};
const lastSeq = (): number => sandbox.requestLog.all().at(-1)?.seq ?? 0;

async function approvedRequest(upn: string): Promise<LifecycleRequest> {
  const prepared = await deps.offboard.prepare(operator, upn);
  if (prepared.kind !== 'ready') throw new Error(`${upn}: ${prepared.kind}`);
  const confirmed = await deps.requestService.confirm(
    operator,
    prepared.request.id,
    prepared.request.version,
  );
  if (!confirmed.isDone) throw new Error(confirmed.message);
  const approved = await deps.requestService.approve(
    approver,
    confirmed.request.id,
    confirmed.request.version,
  );
  if (!approved.isDone) throw new Error(approved.message);
  return approved.request;
}

async function execute(
  r: Runner,
  request: LifecycleRequest,
  plan: Plan,
  onEvent?: Parameters<Runner['execute']>[1],
) {
  const runId = randomUUID();
  await deps.store.runs.create({
    id: runId,
    requestId: request.id,
    status: 'queued',
    plan,
    input: deps.offboard.inputFor(request),
  });
  const startedAt = performance.now();
  const outcome = await r.execute(runId, onEvent ?? {});
  const wallMs = performance.now() - startedAt;
  if (outcome.kind !== 'finished') throw new Error(`run ${outcome.kind}`);
  const failed = (await deps.store.journal.list(runId)).filter((j) => j.phase === 'failed');
  if (failed.length > 0)
    process.stderr.write(`failed: ${JSON.stringify(failed.map((f) => [f.stepId, f.error?.message]))}\n`);
  return { wallMs, status: outcome.status, counts: outcome.counts };
}

try {
  // Warm-up: tokens for every resource, connection pools; not measured.
  await approvedRequest('alex.johnson@contoso.com');
  const request = await approvedRequest(values.user);
  const snapshot = sandbox.snapshot();

  const planStarted = performance.now();
  const plan = await deps.offboard.plan(request);
  const planMs = performance.now() - planStarted;
  const steps = deps.offboard.stepsFor(request);
  const chainSteps: Step[] = steps.map((s, i) => ({
    ...(s as Step),
    dependsOn: [...(s.dependsOn ?? []), ...(i > 0 ? [steps[i - 1]?.id ?? ''] : [])],
  }));
  const naivePlanStarted = performance.now();
  await buildPlan(
    chainSteps,
    { input: deps.offboard.inputFor(request), ports, signal: new AbortController().signal },
    { limiter: new SystemLimiter(naiveLimits) },
  );
  const naivePlanMs = performance.now() - naivePlanStarted;

  /** Runs the plan as a chain and returns each step's window in the request log. */
  const chainedRun = async (r: Runner) => {
    const windows = new Map<string, { from: number; to: number }>();
    const outcome = await execute(r, request, chained(plan), {
      onEvent: (e) => {
        if (e.type === 'step-started')
          windows.set(e.stepId, { from: lastSeq(), to: Number.MAX_SAFE_INTEGER });
        if (e.type === 'step-finished') {
          const w = windows.get(e.stepId);
          windows.set(e.stepId, { from: w?.from ?? lastSeq(), to: lastSeq() });
        }
      },
    });
    return { outcome, windows };
  };
  const inWindow = (w: { from: number; to: number }) =>
    roundTrips(sandbox.requestLog.all()).filter((e) => e.seq > w.from && e.seq <= w.to);

  // Isolated run: one step at a time, each with the Runner's own concurrency. A step's cost is the
  // time at least one of its calls was in flight, each call taking its configured latency from its
  // arrival in the sandbox: calls the step makes in parallel count once, calls in sequence add up.
  sandbox.restore(snapshot);
  const isolated = await chainedRun(runner);
  const perStep = new Map<string, { calls: number; writes: number; sumMs: number; ms: number }>();
  for (const [stepId, w] of isolated.windows) {
    const entries = inWindow(w);
    const intervals = entries
      .map((e) => [Date.parse(e.time), Date.parse(e.time) + latencyOf(e, profile)] as const)
      .sort((a, b) => a[0] - b[0]);
    let busyMs = 0;
    let end = -Infinity;
    for (const [from, to] of intervals) {
      if (to <= end) continue;
      busyMs += to - Math.max(from, end);
      end = to;
    }
    perStep.set(stepId, {
      calls: entries.length,
      writes: entries.filter((e) => e.operation !== null && e.operation !== 'token.issue').length,
      sumMs: entries.reduce((n, e) => n + latencyOf(e, profile), 0),
      ms: busyMs,
    });
  }
  const path = criticalPath(plan, (id) => perStep.get(id)?.ms ?? 0);
  const upper = criticalPath(plan, (id) => perStep.get(id)?.sumMs ?? 0);

  // Naive run: the chain with one call in flight per system.
  sandbox.restore(snapshot);
  const naive = (await chainedRun(naiveRunner(bench.services, steps))).outcome;
  const sumOfCalls = [...perStep.values()].reduce((n, s) => n + s.sumMs, 0);

  // Optimised runs (the product's Runner), each from the same snapshot.
  const runs: number[] = [];
  let optimisedStatus = '';
  for (let i = 0; i < repeat; i++) {
    sandbox.restore(snapshot);
    const r = await execute(runner, request, plan);
    runs.push(r.wallMs);
    optimisedStatus = r.status;
  }
  const best = Math.min(...runs);
  const median = [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? best;
  const result = {
    user: values.user,
    latencyMs: profile,
    plan: {
      steps: plan.steps.length,
      optimisedMs: round(planMs),
      naiveMs: round(naivePlanMs),
      speedUp: round(naivePlanMs / planMs, 2),
    },
    perStep: Object.fromEntries([...perStep].map(([id, s]) => [id, s])),
    criticalPath: { ms: path.ms, steps: path.steps, everyCallSequentialMs: upper.ms },
    sumOfCallLatenciesMs: sumOfCalls,
    optimised: {
      status: optimisedStatus,
      wallMs: runs.map((n) => round(n)),
      medianMs: round(median),
      ratioToCriticalPath: round(median / path.ms, 3),
    },
    naive: {
      status: naive.status,
      wallMs: round(naive.wallMs),
      speedUpOfOptimised: round(naive.wallMs / median, 2),
    },
  };
  process.stdout.write(
    [
      `one-user offboarding of ${values.user} (${plan.steps.length} steps; graph ${profile.graph} ms, exchange ${profile.exchange} ms, sharepoint ${profile.sharepoint} ms)`,
      `  critical path ${path.ms} ms: ${path.steps.join(' → ')}`,
      `  optimised run ${result.optimised.medianMs} ms (median of ${repeat}) → ratio ${result.optimised.ratioToCriticalPath} (target ≤ 1.3)`,
      `  naive sequential run ${result.naive.wallMs} ms (sum of call latencies ${sumOfCalls} ms) → speed-up ×${result.naive.speedUpOfOptimised}`,
      `  planning: optimised ${result.plan.optimisedMs} ms, naive ${result.plan.naiveMs} ms (×${result.plan.speedUp})`,
      `wrote ${writeResult('offboard-one', result)}`,
      '',
    ].join('\n'),
  );
} finally {
  await bench.close();
  await sandbox.close();
}

/**
 * Bulk offboarding of many generated users against the sandbox with service-like latency and the
 * documented throttling budgets: wall time against the throttle-bound ideal, throttling failures,
 * and the naive sequential strategy on a sample (extrapolated: it is strictly sequential).
 *
 *   npm run bench:offboard:bulk -- [--users 500] [--scale 10] [--naive-sample 5] [--graph-ms 100]
 *                                  [--exchange-ms 500] [--sharepoint-ms 300] [--jitter 0.2]
 *
 * Throttle-bound ideal: for every documented budget (Graph 8,000 requests/10 s and 3,000 writes/150 s
 * per app, Exchange 200 cmdlets/5 s and 120 writes/60 s, SharePoint 1,200/min), the requests the
 * batch needed (answered, not throttled; Graph counted at 1 unit per request), less the bucket's
 * initial burst, divided by the allowed rate (× `--scale`); the largest is the ceiling. Plain
 * calls ÷ rate is reported too. Writes bench/results/offboard-bulk.json.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { BulkResult } from '../src/core/runs/bulk-run-service.js';
import type { Principal } from '../src/core/model.js';
import { childOptions } from '../src/core/offboard/bulk-offboard.js';
import { buildPlan } from '../src/core/runner/build-plan.js';
import { SystemLimiter } from '../src/core/runner/system-limits.js';
import type { Step } from '../src/core/step.js';
import { startSandbox, type RequestLogEntry } from '../src/sandbox/index.js';
import {
  chained,
  defaultLatency,
  latencyBehaviours,
  naiveLimits,
  naiveRunner,
  round,
  startServices,
  writeResult,
  type LatencyProfile,
} from './offboard-bench-support.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '500' },
    scale: { type: 'string', default: '10' },
    'naive-sample': { type: 'string', default: '5' },
    'graph-ms': { type: 'string', default: String(defaultLatency.graph) },
    'exchange-ms': { type: 'string', default: String(defaultLatency.exchange) },
    'sharepoint-ms': { type: 'string', default: String(defaultLatency.sharepoint) },
    'login-ms': { type: 'string', default: String(defaultLatency.login) },
    jitter: { type: 'string', default: '0.2' },
  },
});
const users = Number(values.users);
const scale = Number(values.scale);
const sampleSize = Math.min(users, Number(values['naive-sample']));
const profile: LatencyProfile = {
  graph: Number(values['graph-ms']),
  exchange: Number(values['exchange-ms']),
  sharepoint: Number(values['sharepoint-ms']),
  login: Number(values['login-ms']),
  jitter: Number(values.jitter),
};

/** The sandbox's documented budgets (src/sandbox/behaviours/config.ts), per app. */
const budgets = [
  { service: 'graph', rule: 'requests', limit: 8000, windowMs: 10_000, writesOnly: false },
  { service: 'graph', rule: 'writes', limit: 3000, windowMs: 150_000, writesOnly: true },
  { service: 'exchange', rule: 'cmdlets', limit: 200, windowMs: 5_000, writesOnly: false },
  { service: 'exchange', rule: 'destructive cmdlets', limit: 120, windowMs: 60_000, writesOnly: true },
  { service: 'sharepoint', rule: 'requests', limit: 1200, windowMs: 60_000, writesOnly: false },
];

const sandbox = await startSandbox({
  port: 0,
  tenant: { users: users + sampleSize + 10 },
  behaviours: { latency: latencyBehaviours(profile), throttling: { enabled: true, scale } },
});
const bench = await startServices(sandbox, { MAX_USERS_PER_REQUEST: String(Math.max(users, 1)) });
const { deps, ports, bulk } = bench.services;
const actor: Principal = { aadObjectId: 'cli:bench', tenantId: deps.tenantId, displayName: 'bench' };
const generated = sandbox.generated?.userIds ?? [];
const upnOf = (id: string): string => sandbox.state.directory.getUser(id)?.userPrincipalName ?? id;
const isWrite = (e: RequestLogEntry): boolean => e.operation !== null && e.operation !== 'token.issue';
const isBatchEnvelope = (e: RequestLogEntry): boolean => e.path.endsWith('$batch');

function usage(entries: readonly RequestLogEntry[]) {
  const rows = budgets.map((b) => {
    const needed = entries.filter(
      (e) =>
        e.service === b.service &&
        e.outcome !== 'throttled' &&
        !isBatchEnvelope(e) &&
        (!b.writesOnly || isWrite(e)),
    ).length;
    const perSecond = (b.limit * scale * 1000) / b.windowMs;
    // A token bucket starts full: the first `limit × scale` units pass at once, the rest at the rate.
    const burst = b.limit * scale;
    return {
      ...b,
      needed,
      perSecond,
      callsOverRateMs: Math.round((needed / perSecond) * 1000),
      idealMs: Math.round((Math.max(0, needed - burst) / perSecond) * 1000),
    };
  });
  const throttled = Object.fromEntries(
    ['graph', 'exchange', 'sharepoint'].map((s) => [
      s,
      entries.filter((e) => e.service === s && e.outcome === 'throttled').length,
    ]),
  );
  return { rows, throttled, ceiling: rows.reduce((a, b) => (b.idealMs > a.idealMs ? b : a)) };
}

try {
  // Warm-up (tokens, pools) on a user outside the batch; not measured.
  await deps.offboard.plan({
    id: 'REQ-WARMUP',
    kind: 'offboard',
    subject: {
      id: generated.at(-1) ?? '',
      userPrincipalName: upnOf(generated.at(-1) ?? ''),
      displayName: 'warm-up',
      isSynced: false,
    },
    options: { delegate: null },
    requester: actor,
    approvals: [],
    approvalsRequired: 0,
    state: 'draft',
    version: 0,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  });
  const leavers = generated
    .slice(0, users)
    .map((id, i) => ({ line: i + 2, userPrincipalName: upnOf(id), delegate: 'megan.bowen@contoso.com' }));

  process.stderr.write(`planning ${users} leavers…\n`);
  const planMark = sandbox.requestLog.all().at(-1)?.seq ?? 0;
  const planStarted = performance.now();
  const prepared = await bulk.offboard.prepare(actor, leavers, { isRequesterChecked: false });
  const planMs = performance.now() - planStarted;
  if (prepared.kind !== 'preview') throw new Error(`prepare: ${prepared.kind}`);
  const planUsage = usage(sandbox.requestLog.all().filter((e) => e.seq > planMark));
  const parent = await bulk.offboard.createRequest(actor, prepared.preview, 'bench', 0);
  const confirmed = await deps.requestService.confirm(actor, parent.id, parent.version);
  if (!confirmed.isDone) throw new Error(confirmed.message);

  process.stderr.write(
    `executing ${prepared.preview.totals.ready} leavers (${prepared.preview.totals.changes} changes)…\n`,
  );
  const runMark = sandbox.requestLog.all().at(-1)?.seq ?? 0;
  const runStarted = performance.now();
  let lastPrint = 0;
  const report = await bulk.runner.execute(confirmed.request, {
    onResult: (_r: BulkResult, done, total) => {
      if (performance.now() - lastPrint > 5000 || done === total) {
        lastPrint = performance.now();
        process.stderr.write(
          `  ${done}/${total} in ${((performance.now() - runStarted) / 1000).toFixed(0)} s\n`,
        );
      }
    },
  });
  const runMs = performance.now() - runStarted;
  const runUsage = usage(sandbox.requestLog.all().filter((e) => e.seq > runMark));
  const journals = await Promise.all(
    report.results.flatMap((r) => (r.runId ? [deps.store.journal.list(r.runId)] : [])),
  );
  // Change-level `failed` entries are attempts the Runner retried; a step-level one is a failed step.
  const failedEntries = journals.flat().filter((j) => j.phase === 'failed');
  const isThrottled = (j: (typeof failedEntries)[number]): boolean => j.error?.code === 'throttled';
  const throttlingFailures = failedEntries.filter((j) => j.changeKey === undefined && isThrottled(j)).length;
  const throttledAttemptsRetried = failedEntries.filter(
    (j) => j.changeKey !== undefined && isThrottled(j),
  ).length;
  const failedSteps = failedEntries
    .filter((j) => j.changeKey === undefined)
    .map((j) => `${j.stepId}: ${j.error?.message ?? ''}`);

  // Naive sequential strategy on a sample of other users: plan and run one leaver after another,
  // each plan as a chain with one call in flight per system.
  process.stderr.write(`naive sample of ${sampleSize} leavers…\n`);
  const naiveStarted = performance.now();
  for (const id of generated.slice(users, users + sampleSize)) {
    const user = await ports.users.getUser(upnOf(id));
    if (!user) continue;
    const child = await deps.requestService.create({
      kind: 'offboard',
      subject: {
        id: user.id,
        userPrincipalName: user.userPrincipalName,
        displayName: user.displayName,
        isSynced: user.isSynced,
      },
      options: {
        ...childOptions({
          line: 0,
          userPrincipalName: user.userPrincipalName,
          status: 'ready',
          isProtected: false,
          changeCount: 0,
          stepCount: 0,
          delegate: null,
        }),
      },
      requester: actor,
      approvalsRequired: 0,
    });
    const steps = deps.offboard.stepsFor(child) as unknown as Step[];
    const chain = steps.map((s, i) => ({
      ...s,
      dependsOn: [...(s.dependsOn ?? []), ...(i > 0 ? [steps[i - 1]?.id ?? ''] : [])],
    }));
    const plan = await buildPlan(
      chain,
      { input: deps.offboard.inputFor(child), ports, signal: new AbortController().signal },
      { limiter: new SystemLimiter(naiveLimits) },
    );
    const runId = randomUUID();
    await deps.store.runs.create({
      id: runId,
      requestId: child.id,
      status: 'queued',
      plan: chained(plan),
      input: deps.offboard.inputFor(child),
    });
    await naiveRunner(bench.services, steps, `naive-${runId}`).execute(runId);
  }
  const naiveSampleMs = performance.now() - naiveStarted;
  const naiveExtrapolatedMs = (naiveSampleMs / sampleSize) * users;

  const by = (s: BulkResult['status']): number => report.results.filter((r) => r.status === s).length;
  const optimisedTotalMs = planMs + runMs;
  const result = {
    users,
    latencyMs: profile,
    throttling: { scale, budgets: runUsage.rows },
    planning: { wallMs: round(planMs), calls: planUsage.rows, throttled: planUsage.throttled },
    execution: {
      status: report.status,
      completed: by('completed'),
      completedWithErrors: by('completed-with-errors'),
      failed: by('failed'),
      wallMs: round(runMs),
      throttleBoundIdealMs: runUsage.ceiling.idealMs,
      bindingBudget: `${runUsage.ceiling.service} ${runUsage.ceiling.rule}`,
      ratioToCeiling: round(runUsage.ceiling.idealMs / runMs, 3),
      throttledResponses: runUsage.throttled,
      throttlingFailures,
      throttledAttemptsRetried,
      failedSteps: failedSteps.slice(0, 20),
    },
    naive: {
      sample: sampleSize,
      sampleWallMs: round(naiveSampleMs),
      extrapolatedWallMs: round(naiveExtrapolatedMs),
      speedUpOfOptimised: round(naiveExtrapolatedMs / optimisedTotalMs, 1),
    },
  };
  process.stdout.write(
    [
      `bulk offboarding of ${users} users (throttling ×${scale}; graph ${profile.graph} ms, exchange ${profile.exchange} ms)`,
      `  planning ${round(planMs / 1000, 1)} s; execution ${round(runMs / 1000, 1)} s: ${by('completed')} completed, ${by('completed-with-errors')} with errors, ${by('failed')} failed`,
      `  throttle-bound ideal ${round(runUsage.ceiling.idealMs / 1000, 1)} s (${result.execution.bindingBudget}) → ${round(result.execution.ratioToCeiling * 100, 1)} % of the ceiling (target ≥ 80 %)`,
      `  429s absorbed ${JSON.stringify(runUsage.throttled)} (${throttledAttemptsRetried} change attempts retried by the Runner); throttling failures ${throttlingFailures}`,
      `  naive sequential: ${sampleSize} users in ${round(naiveSampleMs / 1000, 1)} s → ${round(naiveExtrapolatedMs / 1000)} s for ${users} → speed-up ×${result.naive.speedUpOfOptimised}`,
      `wrote ${writeResult('offboard-bulk', result)}`,
      '',
    ].join('\n'),
  );
} finally {
  await bench.close();
  await sandbox.close();
}

/**
 * Shared pieces of the offboarding benchmarks: the sandbox latency profile, the bot's services
 * against it, the naive sequential strategy (every step after the previous one, one call in flight
 * per system), critical paths from request logs, and the JSON report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadConfig } from '../src/app/config.js';
import { createServices, type Services } from '../src/app/wiring.js';
import type { Plan, Step } from '../src/core/step.js';
import { Runner } from '../src/core/runner/runner.js';
import type { SystemId } from '../src/core/step.js';
import type { BehaviourOverrides, LatencyConfig, RequestLogEntry, Sandbox } from '../src/sandbox/index.js';
import { openMemoryStore } from '../src/store/index.js';
import { RecordingGateway } from '../test/support/recording-gateway.js';

export interface LatencyProfile {
  login: number;
  graph: number;
  exchange: number;
  sharepoint: number;
  /** Relative jitter (0.2 = ±20 %, normal); 0 = fixed latencies. */
  jitter: number;
}

export const defaultLatency: LatencyProfile = {
  login: 60,
  graph: 100,
  exchange: 500,
  sharepoint: 300,
  jitter: 0,
};

export function latencyBehaviours(p: LatencyProfile): NonNullable<BehaviourOverrides['latency']> {
  const one = (ms: number): LatencyConfig =>
    p.jitter > 0
      ? { kind: 'normal', meanMs: ms, jitterMs: Math.round(ms * p.jitter) }
      : { kind: 'fixed', ms };
  return {
    login: one(p.login),
    graph: one(p.graph),
    exchange: one(p.exchange),
    sharepoint: one(p.sharepoint),
  };
}

/** Mean configured latency of one logged request. */
export function latencyOf(entry: RequestLogEntry, p: LatencyProfile): number {
  const table: Record<string, number> = {
    login: p.login,
    graph: p.graph,
    exchange: p.exchange,
    sharepoint: p.sharepoint,
  };
  return table[entry.service] ?? 0;
}

/** Requests the client waited for: batch items ride inside their envelope's round trip. */
export const roundTrips = (entries: readonly RequestLogEntry[]): RequestLogEntry[] =>
  entries.filter((e) => e.batchRequestId === null);

export const naiveLimits: Record<SystemId, number> = {
  ad: 1,
  entra: 1,
  exchange: 1,
  sharepoint: 1,
  teams: 1,
  mail: 1,
  local: 1,
};

export interface BenchServices {
  services: Services;
  gateway: RecordingGateway;
  close(): Promise<void>;
}

export async function startServices(
  sandbox: Sandbox,
  env: Record<string, string> = {},
): Promise<BenchServices> {
  const store = await openMemoryStore();
  const gateway = new RecordingGateway();
  const config = loadConfig({
    LIFECYCLE_MODE: 'sandbox',
    SANDBOX_URL: sandbox.baseUrl,
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const services = await createServices(config, { store, gateway, logger: pino({ level: 'silent' }) });
  return {
    services,
    gateway,
    async close() {
      await services.coordinator.idle();
      await services.writeBudgets.flush();
      await store.close();
    },
  };
}

/**
 * A Runner of the naive strategy: one call in flight per system. `steps` are the flow's own step
 * objects (the plan's ids), on top of the registered ones.
 */
export function naiveRunner(services: Services, steps: readonly Step[], owner = 'bench-naive'): Runner {
  const byId = new Map<string, Step>();
  for (const s of [...services.flows.steps(), ...steps]) byId.set(s.id, s);
  return new Runner({
    store: services.store,
    steps: [...byId.values()],
    ports: services.ports,
    owner,
    systemLimits: naiveLimits,
  });
}

/** The plan as a chain: every step waits for the one before it (the seed scripts' order). */
export function chained(plan: Plan): Plan {
  return {
    steps: plan.steps.map((s, i) => {
      const previous = plan.steps[i - 1]?.stepId;
      return { ...s, dependsOn: [...new Set([...s.dependsOn, ...(previous ? [previous] : [])])] };
    }),
  };
}

/** Longest path through the plan's dependency graph, each step weighing `cost(stepId)`. */
export function criticalPath(plan: Plan, cost: (stepId: string) => number): { ms: number; steps: string[] } {
  const memo = new Map<string, { ms: number; steps: string[] }>();
  const byId = new Map(plan.steps.map((s) => [s.stepId, s]));
  const visit = (id: string): { ms: number; steps: string[] } => {
    const known = memo.get(id);
    if (known) return known;
    const step = byId.get(id);
    let best = { ms: 0, steps: [] as string[] };
    for (const d of step?.dependsOn ?? []) {
      const path = visit(d);
      if (path.ms > best.ms) best = path;
    }
    const result = { ms: best.ms + cost(id), steps: [...best.steps, id] };
    memo.set(id, result);
    return result;
  };
  let best = { ms: 0, steps: [] as string[] };
  for (const s of plan.steps) {
    const path = visit(s.stepId);
    if (path.ms > best.ms) best = path;
  }
  return best;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? 0;
}

export function writeResult(name: string, result: object): string {
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', `${name}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ benchmark: name, at: new Date().toISOString(), ...result }, null, 2)}\n`,
  );
  return out;
}

export const round = (n: number, digits = 0): number => Number(n.toFixed(digits));

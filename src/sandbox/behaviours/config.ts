/**
 * Behaviour configuration: latency, throttling, injected faults and eventual consistency, per service.
 * Everything defaults to off (tests); `realisticBehaviours` is the demo preset.
 */
import type { ConsistencyArea } from '../state/visibility.js';

export type BehaviourService = 'login' | 'graph' | 'exchange' | 'sharepoint';
export const behaviourServices: readonly BehaviourService[] = ['login', 'graph', 'exchange', 'sharepoint'];

export type LatencyConfig =
  | { kind: 'off' }
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  /** Approximately normal (sum of uniforms), clamped at 0. */
  | { kind: 'normal'; meanMs: number; jitterMs: number };

/** A token bucket: `limit` units per `windowMs`, refilled continuously. */
export interface ThrottleRule {
  /** Shown in `x-ms-throttle-information` style diagnostics, e.g. 'ResourceUnitLimitExceeded'. */
  name: string;
  limit: number;
  windowMs: number;
  /** 'all' requests (cost = the service's unit cost) or only 'writes' (cost 1 each). */
  appliesTo: 'all' | 'writes';
}

export interface ThrottleConfig {
  enabled: boolean;
  /** Multiplies every limit (e.g. 0.01 for tests); the window stays. */
  scale: number;
  /** Buckets per service, each kept per calling app. */
  rules: Record<BehaviourService, ThrottleRule[]>;
}

export interface FaultConfig {
  /** Probability (0–1) that a request fails with one of `errorStatuses`. */
  errorRate: number;
  errorStatuses: number[];
  /** Probability that a request hangs for `timeoutMs` and then has its socket destroyed. */
  timeoutRate: number;
  /** Probability that the connection is reset without a response. */
  resetRate: number;
  timeoutMs: number;
}

export interface ConsistencyConfig {
  /** Default delay (ms) before a write becomes visible to reads. */
  delayMs: number;
  /** Per-area overrides. */
  areas: Partial<Record<ConsistencyArea, number>>;
}

export interface BehaviourConfig {
  latency: Record<BehaviourService, LatencyConfig>;
  throttling: ThrottleConfig;
  faults: Record<BehaviourService, FaultConfig>;
  consistency: ConsistencyConfig;
}

/** Deep-partial overrides accepted by `startSandbox({ behaviours })` and `/_sandbox/behaviours`. */
export interface BehaviourOverrides {
  latency?: Partial<Record<BehaviourService, LatencyConfig>>;
  throttling?: Partial<Omit<ThrottleConfig, 'rules'>> & {
    rules?: Partial<Record<BehaviourService, ThrottleRule[]>>;
  };
  faults?: Partial<Record<BehaviourService, Partial<FaultConfig>>>;
  consistency?: Partial<Omit<ConsistencyConfig, 'areas'>> & {
    areas?: Partial<Record<ConsistencyArea, number>>;
  };
}

const noFaults: FaultConfig = {
  errorRate: 0,
  errorStatuses: [503],
  timeoutRate: 0,
  resetRate: 0,
  timeoutMs: 30_000,
};

/**
 * Documented limits. Graph identity & access, per app per tenant (large tenant): 8,000 resource units per
 * 10 s and 3,000 writes per 150 s. Exchange publishes no REST numbers: the RPS-era budget of 200 cmdlets per
 * 5 s and 120 destructive cmdlets per 60 s is used. SharePoint: 1,200 requests per minute per app is a
 * conservative reading of its resource-unit budget. The token endpoint is not throttled.
 */
export const documentedThrottleRules: Record<BehaviourService, ThrottleRule[]> = {
  login: [],
  graph: [
    { name: 'ResourceUnitLimitExceeded', limit: 8000, windowMs: 10_000, appliesTo: 'all' },
    { name: 'WriteLimitExceeded', limit: 3000, windowMs: 150_000, appliesTo: 'writes' },
  ],
  exchange: [
    { name: 'CmdletLimitExceeded', limit: 200, windowMs: 5_000, appliesTo: 'all' },
    { name: 'DestructiveCmdletLimitExceeded', limit: 120, windowMs: 60_000, appliesTo: 'writes' },
  ],
  sharepoint: [{ name: 'RequestLimitExceeded', limit: 1200, windowMs: 60_000, appliesTo: 'all' }],
};

export function defaultBehaviours(): BehaviourConfig {
  return {
    latency: {
      login: { kind: 'off' },
      graph: { kind: 'off' },
      exchange: { kind: 'off' },
      sharepoint: { kind: 'off' },
    },
    throttling: { enabled: false, scale: 1, rules: structuredClone(documentedThrottleRules) },
    faults: {
      login: { ...noFaults },
      graph: { ...noFaults },
      exchange: { ...noFaults },
      sharepoint: { ...noFaults },
    },
    consistency: { delayMs: 0, areas: {} },
  };
}

/** Demo preset: service-like latency, documented throttling, a few seconds of replication delay. */
export function realisticBehaviours(): BehaviourConfig {
  const config = defaultBehaviours();
  config.latency = {
    login: { kind: 'normal', meanMs: 60, jitterMs: 20 },
    graph: { kind: 'normal', meanMs: 100, jitterMs: 40 },
    exchange: { kind: 'normal', meanMs: 500, jitterMs: 200 },
    sharepoint: { kind: 'normal', meanMs: 300, jitterMs: 100 },
  };
  config.throttling.enabled = true;
  config.consistency = { delayMs: 2000, areas: { mailboxPermission: 5000, folderPermission: 3000 } };
  return config;
}

export function applyOverrides(base: BehaviourConfig, o: BehaviourOverrides): BehaviourConfig {
  const next = structuredClone(base);
  for (const s of behaviourServices) {
    const latency = o.latency?.[s];
    if (latency) next.latency[s] = latency;
    const faults = o.faults?.[s];
    if (faults) next.faults[s] = { ...next.faults[s], ...faults };
    const rules = o.throttling?.rules?.[s];
    if (rules) next.throttling.rules[s] = rules;
  }
  if (o.throttling?.enabled !== undefined) next.throttling.enabled = o.throttling.enabled;
  if (o.throttling?.scale !== undefined) next.throttling.scale = o.throttling.scale;
  if (o.consistency?.delayMs !== undefined) next.consistency.delayMs = o.consistency.delayMs;
  if (o.consistency?.areas) next.consistency.areas = { ...next.consistency.areas, ...o.consistency.areas };
  return next;
}

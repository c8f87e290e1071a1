/** The live behaviour switches of a running sandbox (configuration, throttle buckets, fault queue). */
import type { ConsistencyArea } from '../state/visibility.js';
import {
  applyOverrides,
  defaultBehaviours,
  type BehaviourConfig,
  type BehaviourOverrides,
  type BehaviourService,
} from './config.js';
import { FaultInjector, type FaultKind } from './faults.js';
import { sampleLatencyMs } from './latency.js';
import { mulberry32, type Random } from './prng.js';
import { Throttle } from './throttle.js';

export class Behaviours {
  readonly throttle: Throttle;
  readonly faults: FaultInjector;
  private config: BehaviourConfig;
  private readonly initial: BehaviourConfig;
  private random: Random;

  constructor(
    initial: BehaviourConfig,
    private readonly seed: number,
  ) {
    this.initial = structuredClone(initial);
    this.config = structuredClone(initial);
    this.random = mulberry32(seed);
    this.throttle = new Throttle(() => this.config.throttling);
    this.faults = new FaultInjector(
      () => this.config.faults,
      () => this.random(),
    );
  }

  get(): BehaviourConfig {
    return structuredClone(this.config);
  }

  /** Merges overrides into the current configuration. */
  configure(overrides: BehaviourOverrides): BehaviourConfig {
    this.config = applyOverrides(this.config, overrides);
    return this.get();
  }

  /** Everything off, as in tests. */
  disableAll(): void {
    this.config = defaultBehaviours();
    this.throttle.reset();
    this.faults.clear();
  }

  /** Back to the configuration the sandbox started with; buckets, fault queue and PRNG reset too. */
  reset(): void {
    this.config = structuredClone(this.initial);
    this.random = mulberry32(this.seed);
    this.throttle.reset();
    this.faults.clear();
  }

  failNext(service: BehaviourService, fault: FaultKind, count = 1): void {
    this.faults.failNext(service, fault, count);
  }

  latencyMs(service: BehaviourService): number {
    return sampleLatencyMs(this.config.latency[service], this.random);
  }

  consistencyDelayMs(area: ConsistencyArea): number {
    return Math.max(0, this.config.consistency.areas[area] ?? this.config.consistency.delayMs);
  }
}

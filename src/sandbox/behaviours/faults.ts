/** Injected failures: queued `failNext` faults first, then random ones by the configured rates. */
import type { BehaviourService, FaultConfig } from './config.js';
import type { Random } from './prng.js';

/** A status code (e.g. 429, 503) or a transport failure. */
export type FaultKind = number | 'timeout' | 'reset';

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'status'; status: number }
  | { kind: 'timeout'; afterMs: number }
  | { kind: 'reset' };

interface Pending {
  fault: FaultKind;
  remaining: number;
}

export class FaultInjector {
  private readonly queued = new Map<BehaviourService, Pending[]>();

  constructor(
    private readonly config: () => Record<BehaviourService, FaultConfig>,
    private readonly random: Random,
  ) {}

  /** The next `count` requests to the service fail with `fault`. */
  failNext(service: BehaviourService, fault: FaultKind, count = 1): void {
    if (!Number.isInteger(count) || count < 1) throw new Error('count must be a positive integer');
    if (typeof fault === 'number' && (!Number.isInteger(fault) || fault < 400 || fault > 599)) {
      throw new Error('status must be an HTTP error status (400–599)');
    }
    const list = this.queued.get(service) ?? [];
    list.push({ fault, remaining: count });
    this.queued.set(service, list);
  }

  pending(service: BehaviourService): number {
    return (this.queued.get(service) ?? []).reduce((n, p) => n + p.remaining, 0);
  }

  clear(): void {
    this.queued.clear();
  }

  decide(service: BehaviourService): FaultDecision {
    const config = this.config()[service];
    const list = this.queued.get(service);
    const head = list?.[0];
    if (list && head) {
      head.remaining -= 1;
      if (head.remaining <= 0) list.shift();
      return this.toDecision(head.fault, config.timeoutMs);
    }
    if (config.resetRate > 0 && this.random() < config.resetRate) return { kind: 'reset' };
    if (config.timeoutRate > 0 && this.random() < config.timeoutRate)
      return { kind: 'timeout', afterMs: config.timeoutMs };
    if (config.errorRate > 0 && this.random() < config.errorRate) {
      const statuses = config.errorStatuses.length > 0 ? config.errorStatuses : [503];
      const status = statuses[Math.floor(this.random() * statuses.length)] ?? 503;
      return { kind: 'status', status };
    }
    return { kind: 'none' };
  }

  private toDecision(fault: FaultKind, timeoutMs: number): FaultDecision {
    if (fault === 'timeout') return { kind: 'timeout', afterMs: timeoutMs };
    if (fault === 'reset') return { kind: 'reset' };
    return { kind: 'status', status: fault };
  }
}

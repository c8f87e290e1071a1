/** Token buckets per (service, app, rule), refilled continuously against the sandbox clock. */
import type { BehaviourService, ThrottleConfig, ThrottleRule } from './config.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface ThrottleDecision {
  allowed: boolean;
  /** Whole seconds to wait (≥ 1) when not allowed. */
  retryAfterSeconds: number;
  /** The rule that refused, e.g. 'ResourceUnitLimitExceeded'. */
  rule: string | null;
  /** Highest bucket usage in percent after this request (for x-ms-throttle-limit-percentage). */
  usagePercent: number;
}

export class Throttle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly config: () => ThrottleConfig) {}

  reset(): void {
    this.buckets.clear();
  }

  /** Takes `cost` units (and one write when `isWrite`) from every applicable bucket, or none of them. */
  take(
    service: BehaviourService,
    appId: string,
    cost: number,
    isWrite: boolean,
    now: number,
  ): ThrottleDecision {
    const config = this.config();
    if (!config.enabled) return { allowed: true, retryAfterSeconds: 0, rule: null, usagePercent: 0 };
    const applicable = config.rules[service].filter((r) => r.appliesTo === 'all' || isWrite);
    let waitMs = 0;
    let refusedBy: string | null = null;
    const states: { bucket: Bucket; rule: ThrottleRule; capacity: number; units: number }[] = [];
    for (const rule of applicable) {
      const capacity = Math.max(1, Math.floor(rule.limit * config.scale));
      const units = rule.appliesTo === 'writes' ? 1 : Math.min(cost, capacity);
      const bucket = this.refill(`${service}|${appId}|${rule.name}`, capacity, rule.windowMs, now);
      states.push({ bucket, rule, capacity, units });
      if (bucket.tokens < units) {
        const ratePerMs = capacity / rule.windowMs;
        const need = (units - bucket.tokens) / ratePerMs;
        if (need > waitMs) {
          waitMs = need;
          refusedBy = rule.name;
        }
      }
    }
    if (refusedBy !== null) {
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
        rule: refusedBy,
        usagePercent: 100,
      };
    }
    let usagePercent = 0;
    for (const s of states) {
      s.bucket.tokens -= s.units;
      usagePercent = Math.max(usagePercent, (1 - s.bucket.tokens / s.capacity) * 100);
    }
    return { allowed: true, retryAfterSeconds: 0, rule: null, usagePercent };
  }

  private refill(key: string, capacity: number, windowMs: number, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: capacity, updatedAt: now };
      this.buckets.set(key, bucket);
      return bucket;
    }
    const elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(capacity, bucket.tokens + (elapsed * capacity) / windowMs);
    bucket.updatedAt = now;
    return bucket;
  }
}

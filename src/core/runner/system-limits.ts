/** Bounded concurrency per target system, shared by every run one Runner executes. */
import type { SystemId } from '../step.js';

/**
 * Calls in flight per system. Teams and mail are small because their rate limits are per tenant.
 * Exchange: 8, the top of the practical 4–8 parallel calls per tenant; at ~500 ms per cmdlet, 4 in
 * flight (8 cmdlets/s) left a bulk run at a fifth of the documented 200 cmdlets/5 s budget
 * (bench/offboard-bulk.bench.ts); 429s above the budget are absorbed by Retry-After retries.
 */
export const defaultSystemLimits: Readonly<Record<SystemId, number>> = {
  ad: 4,
  entra: 8,
  exchange: 8,
  sharepoint: 4,
  teams: 2,
  mail: 2,
  local: 8,
};

/**
 * Who waits for a slot: `interactive` (a plan someone is waiting for in chat) is handed a free slot
 * before `background` work (runs, bulk previews, inventory scans) that queued earlier.
 */
export type LimiterPriority = 'interactive' | 'background';

/** A counting semaphore with FIFO hand-over within each priority; interactive waiters go first. */
export class Semaphore {
  private available: number;
  private readonly waiters: Record<LimiterPriority, (() => void)[]> = { interactive: [], background: [] };

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`A concurrency limit must be a whole number of at least 1, got ${capacity}`);
    }
    this.available = capacity;
  }

  get inUse(): number {
    return this.capacity - this.available;
  }

  async use<T>(work: () => Promise<T>, priority: LimiterPriority = 'background'): Promise<T> {
    await this.acquire(priority);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(priority: LimiterPriority): Promise<void> {
    if (this.available > 0) {
      this.available -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.waiters[priority].push(resolve));
  }

  private release(): void {
    const next = this.waiters.interactive.shift() ?? this.waiters.background.shift();
    if (next) next();
    else this.available += 1;
  }
}

export class SystemLimiter {
  private readonly semaphores: Record<SystemId, Semaphore>;

  constructor(limits: Partial<Record<SystemId, number>> = {}) {
    const merged = { ...defaultSystemLimits, ...limits };
    this.semaphores = {
      ad: new Semaphore(merged.ad),
      entra: new Semaphore(merged.entra),
      exchange: new Semaphore(merged.exchange),
      sharepoint: new Semaphore(merged.sharepoint),
      teams: new Semaphore(merged.teams),
      mail: new Semaphore(merged.mail),
      local: new Semaphore(merged.local),
    };
  }

  /** Runs `work` once a slot of `system` is free; interactive work is served before background work. */
  run<T>(system: SystemId, work: () => Promise<T>, priority: LimiterPriority = 'background'): Promise<T> {
    return this.semaphores[system].use(work, priority);
  }

  inFlight(system: SystemId): number {
    return this.semaphores[system].inUse;
  }
}

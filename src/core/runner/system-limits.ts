/** Bounded concurrency per target system, shared by every run one Runner executes. */
import { AsyncLocalStorage } from 'node:async_hooks';
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

/**
 * Which calls a slot serves: `read` (plans, read-backs) or `write` (a step's `apply`). Writes have a
 * lane of their own: a share of the slots reads never take, and the first claim on any slot freed.
 */
export type LimiterLane = 'read' | 'write';

/** Slots of a system that reads never take: a quarter, so writes start at once when reads pile up. */
export const writeReserve = (capacity: number): number => Math.floor(capacity / 4);

/**
 * The rank of the work running in this async context, set by a bulk batch for each leaver (1 for the
 * first started, 2 for the next, …). Within a queue, lower ranks are served first, equal ranks in
 * arrival order; work without a rank counts as 0, before any batch's. Without it, a batch's plans
 * (dozens at once, each several reads) interleave their reads first come, first served: every plan
 * then finishes late and together, and the write budget idles meanwhile. Earlier leavers first keeps
 * writes flowing from the first seconds.
 */
export const limiterRank = new AsyncLocalStorage<number>();

interface Waiter {
  rank: number;
  resolve: () => void;
}

/** Inserts behind every waiter of the same or a lower rank. */
function enqueue(queue: Waiter[], waiter: Waiter): void {
  let at = queue.length;
  while (at > 0 && (queue[at - 1] as Waiter).rank > waiter.rank) at -= 1;
  queue.splice(at, 0, waiter);
}

/**
 * A counting semaphore; within each queue, waiters are handed slots by rank (`limiterRank`), then in
 * arrival order. A freed slot goes to a waiting write
 * first, then to interactive reads, then to background reads; reads never take the last
 * `writeReserve(capacity)` free slots. So a flood of reads (plans, verifications of many leavers) can
 * delay a write by at most one call, never queue it behind themselves.
 */
export class Semaphore {
  private available: number;
  readonly reserve: number;
  private readonly waiters: { write: Waiter[]; interactive: Waiter[]; background: Waiter[] } = {
    write: [],
    interactive: [],
    background: [],
  };

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`A concurrency limit must be a whole number of at least 1, got ${capacity}`);
    }
    this.available = capacity;
    this.reserve = writeReserve(capacity);
  }

  get inUse(): number {
    return this.capacity - this.available;
  }

  async use<T>(
    work: () => Promise<T>,
    priority: LimiterPriority = 'background',
    lane: LimiterLane = 'read',
  ): Promise<T> {
    await this.acquire(lane === 'write' ? 'write' : priority);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(queue: LimiterPriority | 'write'): Promise<void> {
    const floor = queue === 'write' ? 0 : this.reserve;
    if (this.available > floor && (queue === 'write' || this.waiters.write.length === 0)) {
      this.available -= 1;
      return Promise.resolve();
    }
    const rank = limiterRank.getStore() ?? 0;
    return new Promise<void>((resolve) => {
      enqueue(this.waiters[queue], { rank, resolve });
    });
  }

  private release(): void {
    this.available += 1;
    for (;;) {
      const write = this.waiters.write.length > 0 && this.available > 0;
      const read =
        !write && this.waiters.write.length === 0 && this.available > this.reserve
          ? (this.waiters.interactive.shift() ?? this.waiters.background.shift())
          : undefined;
      const next = write ? this.waiters.write.shift() : read;
      if (!next) return;
      this.available -= 1;
      next.resolve();
    }
  }
}

/**
 * The pacer of a system's write budget (the Exchange destructive cmdlets, Graph writes), as the limiter
 * sees it: a write takes its turn in the budget first, then a connection slot, and sends its first
 * call without waiting again.
 */
export interface WriteGate {
  acquire(count?: number, signal?: AbortSignal): Promise<void>;
  runPrepaid<T>(work: () => Promise<T>): Promise<T>;
}

export class SystemLimiter {
  private readonly semaphores: Record<SystemId, Semaphore>;

  constructor(
    limits: Partial<Record<SystemId, number>> = {},
    private readonly writeGates: Partial<Record<SystemId, WriteGate>> = {},
  ) {
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

  /**
   * Runs `work` once a slot of `system` is free: writes (`lane: 'write'`, a step's changes) first, then
   * interactive reads, then background reads. A write of a paced system waits for its turn in the
   * write budget before it asks for a slot: writes queued behind the budget would otherwise hold every
   * slot while they wait, and no read (plans, read-backs) would run until the queue drained.
   */
  async run<T>(
    system: SystemId,
    work: () => Promise<T>,
    priority: LimiterPriority = 'background',
    lane: LimiterLane = 'read',
  ): Promise<T> {
    const gate = lane === 'write' ? this.writeGates[system] : undefined;
    if (!gate) return this.semaphores[system].use(work, priority, lane);
    await gate.acquire();
    return this.semaphores[system].use(() => gate.runPrepaid(work), priority, lane);
  }

  inFlight(system: SystemId): number {
    return this.semaphores[system].inUse;
  }
}

/**
 * The write budget ledger: a pacer resumes from the state saved in the store, saves its first change at
 * once and later ones at most once per interval, never runs two saves at once, survives a refused save,
 * and `flush` saves the last state.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { WriteBudgetLedger } from '../../../src/app/write-budget-ledger.js';
import { WritePacer } from '../../../src/connectors/http/write-pacer.js';
import type { KeyValueStore } from '../../../src/core/ports/store.js';
import { FakeClock } from '../core/support/fake-clock.js';

const budget = { name: 'test writes', limit: 10, windowMs: 1_000 };
const key = 'write-budget:t:a:test writes';
const silent = pino({ level: 'silent' });

/** A key-value store whose writes can be held open or refused, counting how many run at once. */
class ObservedState implements KeyValueStore {
  readonly values = new Map<string, unknown>();
  sets = 0;
  inFlight = 0;
  maxInFlight = 0;
  refuse = false;
  private held: (() => void)[] = [];
  hold = false;

  get(k: string): Promise<unknown> {
    return Promise.resolve(this.values.get(k));
  }
  async set(k: string, value: unknown): Promise<void> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve));
      if (this.refuse) throw new Error('store closed');
      this.sets += 1;
      this.values.set(k, structuredClone(value));
    } finally {
      this.inFlight -= 1;
    }
  }
  release(): void {
    this.hold = false;
    for (const resolve of this.held.splice(0)) resolve();
  }
  delete(k: string): Promise<void> {
    this.values.delete(k);
    return Promise.resolve();
  }
  deleteOlderThan(): Promise<number> {
    return Promise.resolve(0);
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A pacer followed by a ledger saving at most once per `saveEveryMs` into a new observed store. */
async function trackedPacer(saveEveryMs: number, logger = silent) {
  const state = new ObservedState();
  const pacer = new WritePacer({ budget, clock: new FakeClock(), utilisation: 1, jitter: 0 });
  const ledger = new WriteBudgetLedger(state, { logger, saveEveryMs });
  await ledger.track(pacer, key);
  return { state, pacer, ledger };
}

const saved = (state: ObservedState) => state.values.get(key) as { nextSlotAt: number } | undefined;

describe('WriteBudgetLedger', () => {
  it('resumes a pacer from the saved state; an unreadable value changes nothing', async () => {
    const clock = new FakeClock();
    const state = new ObservedState();
    state.values.set(key, { nextSlotAt: clock.now() + 900, pausedUntil: null, at: 'x' });
    const pacer = new WritePacer({ budget, clock, utilisation: 1, jitter: 0 });
    await new WriteBudgetLedger(state, { logger: silent }).track(pacer, key);
    // 900 ms of slots reserved: the burst of 9 is spent, the next write waits one interval.
    expect(pacer.etaMs(1)).toBe(100);

    state.values.set(key, { nextSlotAt: 'soon' });
    const fresh = new WritePacer({ budget, clock, utilisation: 1, jitter: 0 });
    await new WriteBudgetLedger(state, { logger: silent }).track(fresh, key);
    expect(fresh.etaMs(fresh.burst)).toBe(0);
  });

  it('saves the first change at once, later ones at most once per interval, and the last on flush', async () => {
    const { state, pacer, ledger } = await trackedPacer(200);
    await pacer.acquire();
    await tick();
    expect(state.sets).toBe(1);
    expect(saved(state)?.nextSlotAt).toBe(pacer.state().nextSlotAt);

    for (let i = 0; i < 5; i++) await pacer.acquire();
    await tick();
    expect(state.sets).toBe(1);
    await wait(250);
    expect(state.sets).toBe(2);
    expect(saved(state)?.nextSlotAt).toBe(pacer.state().nextSlotAt);

    await pacer.acquire();
    await ledger.flush();
    expect(state.sets).toBe(3);
    expect(saved(state)?.nextSlotAt).toBe(pacer.state().nextSlotAt);
    // Flushed: the ledger no longer follows the pacer.
    await pacer.acquire();
    await wait(250);
    expect(state.sets).toBe(3);
  });

  it('never runs two saves at once: changes made during a slow save are saved after it', async () => {
    const { state, pacer, ledger } = await trackedPacer(10);
    state.hold = true;
    await pacer.acquire();
    for (let i = 0; i < 3; i++) {
      await wait(20);
      await pacer.acquire();
    }
    expect(state.inFlight).toBe(1);
    state.release();
    await wait(50);
    expect(state.maxInFlight).toBe(1);
    expect(state.sets).toBe(2);
    expect(saved(state)?.nextSlotAt).toBe(pacer.state().nextSlotAt);
    await ledger.flush();
  });

  it('a refused save is logged and tried again by the next change or by flush', async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    const { state, pacer, ledger } = await trackedPacer(10, logger);
    state.refuse = true;
    await pacer.acquire();
    await wait(30);
    expect(state.sets).toBe(0);
    expect(warnings.join('')).toContain('saving the write budget failed');
    // No retry loop of its own while the store refuses.
    const attempts = warnings.length;
    await wait(50);
    expect(warnings.length).toBe(attempts);

    state.refuse = false;
    await ledger.flush();
    expect(state.sets).toBe(1);
    expect(saved(state)?.nextSlotAt).toBe(pacer.state().nextSlotAt);
  });

  it('keys the budget by tenant and by the identity the connectors sign in as', () => {
    const none = { managedIdentityClientId: undefined };
    expect(WriteBudgetLedger.key({ id: 't', clientId: 'app', ...none }, 'b')).toBe('write-budget:t:app:b');
    expect(WriteBudgetLedger.key({ id: 't', clientId: undefined, managedIdentityClientId: 'mi' }, 'b')).toBe(
      'write-budget:t:mi:b',
    );
  });
});

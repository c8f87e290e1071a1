/**
 * Keeps what this app has spent of each write budget in the store, so that a process starting right
 * after another (a second batch from the command line, the bot restarting mid-run) spends only what is
 * left instead of assuming the service's bucket is full and meeting 429s.
 *
 * Each pacer's state is saved at most once per `saveEveryMs` while it changes, and on `flush`. A process
 * killed between two saves under-counts at most that interval's writes; the pacer's utilisation margin
 * and its 429 handling absorb them. Processes running at the same time (several bot instances on one
 * PostgreSQL) each start from the last state saved, but do not share their reservations as they go.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import type { WritePacer } from '../connectors/http/write-pacer.js';
import type { KeyValueStore } from '../core/ports/store.js';

const savedStateSchema = z.object({
  nextSlotAt: z.number(),
  pausedUntil: z.number().or(z.null()),
  at: z.string(),
});

interface Tracked {
  pacer: WritePacer;
  key: string;
  dirty: boolean;
  timer: NodeJS.Timeout | undefined;
  saving: Promise<void> | undefined;
  unsubscribe: () => void;
}

export class WriteBudgetLedger {
  private readonly tracked: Tracked[] = [];

  constructor(
    private readonly state: KeyValueStore,
    private readonly options: { logger: Logger; saveEveryMs?: number },
  ) {}

  /** The store key of one budget of one app registration in one tenant. */
  static key(tenantId: string, appId: string, budgetName: string): string {
    return `write-budget:${tenantId}:${appId}:${budgetName}`;
  }

  /** Resumes `pacer` from the state saved under `key`, then saves its state as it changes. */
  async track(pacer: WritePacer, key: string): Promise<void> {
    const saved = savedStateSchema.safeParse(await this.state.get(key));
    if (saved.success) {
      pacer.resume({
        nextSlotAt: saved.data.nextSlotAt,
        pausedUntil: saved.data.pausedUntil ?? Number.NEGATIVE_INFINITY,
      });
    }
    const entry: Tracked = {
      pacer,
      key,
      dirty: false,
      timer: undefined,
      saving: undefined,
      unsubscribe: () => {},
    };
    entry.unsubscribe = pacer.onChange(() => {
      this.changed(entry);
    });
    this.tracked.push(entry);
  }

  /** Saves every state not saved yet and stops tracking (before the store closes). */
  async flush(): Promise<void> {
    for (const entry of this.tracked) {
      entry.unsubscribe();
      clearTimeout(entry.timer);
      entry.timer = undefined;
    }
    await Promise.all(
      this.tracked.map(async (entry) => {
        await entry.saving;
        if (entry.dirty) await this.save(entry);
      }),
    );
    this.tracked.length = 0;
  }

  private changed(entry: Tracked): void {
    entry.dirty = true;
    if (entry.timer !== undefined) return;
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      entry.saving = this.save(entry).finally(() => {
        entry.saving = undefined;
      });
    }, this.options.saveEveryMs ?? 1_000);
    entry.timer.unref();
  }

  private async save(entry: Tracked): Promise<void> {
    entry.dirty = false;
    const { nextSlotAt, pausedUntil } = entry.pacer.state();
    try {
      await this.state.set(entry.key, {
        nextSlotAt,
        pausedUntil: Number.isFinite(pausedUntil) ? pausedUntil : null,
        at: new Date().toISOString(),
      });
    } catch (error) {
      // The budget is a hint for the next process: a failed save costs it at most a few 429s.
      entry.dirty = true;
      this.options.logger.warn(
        { budget: entry.pacer.budget.name, err: { message: (error as Error).message } },
        'saving the write budget failed',
      );
    }
  }
}

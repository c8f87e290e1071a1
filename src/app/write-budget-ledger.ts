/**
 * Keeps what this app has spent of each write budget in the store, so that a process starting right
 * after another (a second batch from the command line, the bot restarting mid-run) spends only what is
 * left instead of assuming the service's bucket is full and meeting 429s.
 *
 * Each pacer's state is saved at its first change, then at most once per `saveEveryMs` (1 s) while it
 * changes, and on `flush`. A process killed between two saves under-counts that second's writes (2
 * Exchange writes at the paced rate; up to a burst's in its first second, when the burst's cushion and
 * the 429 handling take over). Processes running at the same time (several bot instances on one
 * PostgreSQL, the bot and a command) each start from the last state saved but do not share their
 * reservations as they go: together they can exceed the budget and meet 429s, which are retried.
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
  /** The pacer changed since its state was last saved. */
  dirty: boolean;
  /** When the last save started (this process's clock), for "at most once per interval". */
  savedAt: number;
  timer: NodeJS.Timeout | undefined;
  /** The save in progress: never two at once, so an older state can't land after a newer one. */
  saving: Promise<void> | undefined;
  stopped: boolean;
  unsubscribe: () => void;
}

export class WriteBudgetLedger {
  private readonly tracked: Tracked[] = [];

  constructor(
    private readonly state: KeyValueStore,
    private readonly options: { logger: Logger; saveEveryMs?: number },
  ) {}

  /**
   * The store key of one budget of the identity the connectors sign in as (the app registration, or the
   * managed identity when no app is configured) in one tenant: the service counts per app and tenant.
   */
  static key(
    tenant: { id: string; clientId: string | undefined; managedIdentityClientId: string | undefined },
    budgetName: string,
  ): string {
    const appId = tenant.clientId ?? tenant.managedIdentityClientId ?? 'default';
    return `write-budget:${tenant.id}:${appId}:${budgetName}`;
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
      savedAt: Number.NEGATIVE_INFINITY,
      timer: undefined,
      saving: undefined,
      stopped: false,
      unsubscribe: () => undefined,
    };
    entry.unsubscribe = pacer.onChange(() => {
      this.changed(entry);
    });
    this.tracked.push(entry);
  }

  /** Saves every state not saved yet and stops tracking (before the store closes). */
  async flush(): Promise<void> {
    const entries = this.tracked.splice(0);
    for (const entry of entries) {
      entry.stopped = true;
      entry.unsubscribe();
      clearTimeout(entry.timer);
      entry.timer = undefined;
    }
    await Promise.all(
      entries.map(async (entry) => {
        await entry.saving;
        if (entry.dirty) await this.save(entry);
      }),
    );
  }

  /** The first change is saved at once; later ones at most once per `saveEveryMs`. */
  private changed(entry: Tracked): void {
    entry.dirty = true;
    if (entry.stopped || entry.timer !== undefined || entry.saving !== undefined) return;
    const every = this.options.saveEveryMs ?? 1_000;
    const dueInMs = entry.savedAt + every - Date.now();
    if (dueInMs <= 0) {
      this.startSave(entry);
      return;
    }
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (!entry.stopped) this.startSave(entry);
    }, dueInMs);
    entry.timer.unref();
  }

  private startSave(entry: Tracked): void {
    entry.savedAt = Date.now();
    entry.saving = this.save(entry).then((saved) => {
      entry.saving = undefined;
      // Changes made while saving are saved next, no sooner than the interval allows; after a failed
      // save, the next change (or `flush`) tries again.
      if (saved && entry.dirty) this.changed(entry);
    });
  }

  /** Saves the pacer's state; false (logged) when the store refused. */
  private async save(entry: Tracked): Promise<boolean> {
    entry.dirty = false;
    const { nextSlotAt, pausedUntil } = entry.pacer.state();
    try {
      await this.state.set(entry.key, {
        nextSlotAt,
        pausedUntil: Number.isFinite(pausedUntil) ? pausedUntil : null,
        at: new Date().toISOString(),
      });
      return true;
    } catch (error) {
      // The budget is a hint for the next process: a failed save costs it at most a few 429s.
      entry.dirty = true;
      this.options.logger.warn(
        { budget: entry.pacer.budget.name, err: { message: (error as Error).message } },
        'saving the write budget failed',
      );
      return false;
    }
  }
}

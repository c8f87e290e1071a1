/**
 * A clock whose time only moves when everything else waits: each `sleep` is queued, and once the
 * event loop has nothing else to do the earliest sleeper wakes and time jumps to its due time.
 * Tests therefore run without real sleeps yet observe exact delays.
 */
import type { Clock } from '../../../../src/core/ports/clock.js';

interface Timer {
  dueMs: number;
  seq: number;
  resolve: () => void;
}

export class FakeClock implements Clock {
  /** Every requested sleep, in milliseconds, in request order. */
  readonly sleeps: number[] = [];
  private nowMs: number;
  private seq = 0;
  private readonly timers: Timer[] = [];

  constructor(startMs = Date.parse('2026-11-23T09:00:00.000Z')) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      const abortError = (): Error =>
        signal?.reason instanceof Error ? signal.reason : new Error('aborted');
      if (signal?.aborted) {
        reject(abortError());
        return;
      }
      const timer: Timer = { dueMs: this.nowMs + ms, seq: this.seq++, resolve };
      const onAbort = (): void => {
        this.remove(timer);
        reject(abortError());
      };
      timer.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
      setImmediate(() => {
        this.fireEarliest();
      });
    });
  }

  private fireEarliest(): void {
    this.timers.sort((a, b) => a.dueMs - b.dueMs || a.seq - b.seq);
    const timer = this.timers.shift();
    if (!timer) return;
    this.nowMs = Math.max(this.nowMs, timer.dueMs);
    timer.resolve();
  }

  private remove(timer: Timer): void {
    const index = this.timers.indexOf(timer);
    if (index >= 0) this.timers.splice(index, 1);
  }
}

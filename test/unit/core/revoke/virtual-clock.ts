/**
 * A clock for revoke tests: time moves only when every task waits. Each `sleep` is queued; when the
 * event loop is otherwise idle the earliest sleeper wakes and time jumps to its due time.
 */
import type { Clock } from '../../../../src/core/ports/clock.js';

interface Timer {
  dueMs: number;
  seq: number;
  resolve: () => void;
}

export class VirtualClock implements Clock {
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

  advance(ms: number): void {
    this.nowMs += ms;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return new Promise<void>((resolve) => {
      this.timers.push({ dueMs: this.nowMs + ms, seq: this.seq++, resolve });
      setImmediate(() => {
        this.timers.sort((a, b) => a.dueMs - b.dueMs || a.seq - b.seq);
        const timer = this.timers.shift();
        if (!timer) return;
        this.nowMs = Math.max(this.nowMs, timer.dueMs);
        timer.resolve();
      });
    });
  }
}

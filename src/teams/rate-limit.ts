/**
 * A per-actor rate limit: at most `limit` admissions in any `windowMs`, per actor, timed by the
 * injected clock. Used for the routes that read the tenant (directory look-ups, plans), so one account
 * can't turn the bot into a directory crawler or spend the tenant's Graph throttling budget. Kept in
 * memory per instance: a restart or a second instance resets it, which only ever lets a little more through.
 */
import type { Clock } from '../core/ports/clock.js';

export class ActorRateLimit {
  private readonly recent = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  /** Records an admission for `actorId` and returns true, or returns false when the limit is reached. */
  take(actorId: string): boolean {
    const now = this.clock.now();
    const since = now - this.windowMs;
    const times = (this.recent.get(actorId) ?? []).filter((t) => t > since);
    if (times.length >= this.limit) {
      this.recent.set(actorId, times);
      return false;
    }
    times.push(now);
    this.recent.set(actorId, times);
    if (this.recent.size > 10_000) this.prune(since);
    return true;
  }

  private prune(since: number): void {
    for (const [actor, times] of this.recent) {
      if (times.every((t) => t <= since)) this.recent.delete(actor);
    }
  }
}

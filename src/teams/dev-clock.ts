/**
 * Sandbox mode only: a clock that can run ahead of the wall clock, so a demo in `npm run dev` can
 * reach a scheduled offboarding's reminder and due time, and the later stages (the delegate's expiry
 * notice, the delegation expiry, extensions), without waiting. It drives the schedule and the stages
 * (what is due, what counts as past, the stages' audit times); runs, leases and the other audit times
 * keep the real clock. The `clock` command exists only when the bot is wired with one, which
 * `wiring.ts` does in sandbox mode only.
 */
import type { Clock } from '../core/ports/clock.js';
import type { Turn } from './route.js';

const maxOffsetMs = 3 * 366 * 86_400_000;

export class DevClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly base: Clock) {}

  now(): number {
    return this.base.now() + this.offsetMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.base.sleep(ms, signal);
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Moves time forward (never back: what already ran stays in the past). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms <= 0) throw new RangeError('The clock only moves forward');
    this.offsetMs = Math.min(maxOffsetMs, this.offsetMs + ms);
  }
}

const units: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `clock` shows the dev time, `clock +90m` / `+2h` / `+1d` moves it forward and runs what fell due. */
export async function clockCommand(turn: Turn, argument: string): Promise<void> {
  const { ctx, deps } = turn;
  const clock = deps.devClock;
  if (!clock) {
    await ctx.sendActivity('The clock can only be moved in sandbox mode; nothing was changed.');
    return;
  }
  const text = argument.trim();
  if (text !== '') {
    const match = /^\+(\d{1,4})([mhd])$/i.exec(text);
    const unit = match ? units[(match[2] ?? '').toLowerCase()] : undefined;
    if (!match || unit === undefined) {
      await ctx.sendActivity(
        'Type `clock` to see the time, or `clock +30m`, `clock +2h`, `clock +1d` to move it forward.',
      );
      return;
    }
    clock.advance(Number(match[1]) * unit);
    await deps.store.audit.append({
      at: new Date(deps.clock.now()).toISOString(),
      type: 'dev.clock-advanced',
      actor: turn.actor,
      details: { offsetMs: clock.offset },
    });
  }
  const handled = text === '' ? 0 : await runDue(turn);
  const offsetHours = Math.round(clock.offset / 360_000) / 10;
  await ctx.sendActivity(
    `Sandbox time: ${new Date(clock.now()).toISOString().slice(0, 16).replace('T', ' ')} UTC ` +
      `(${offsetHours} h ahead of the real clock)` +
      (handled > 0 ? `; ${handled} scheduled item${handled === 1 ? '' : 's'} handled.` : '.'),
  );
}

/**
 * Handles what fell due at the new time: the scheduled offboardings (a reminder handled in one pass
 * makes its run due in the next, so passes repeat while they find work, a few at most), then the
 * stages (the expiry notice before the expiry, as the stages order them).
 */
async function runDue({ deps }: Turn): Promise<number> {
  let handled = 0;
  for (let pass = 0; pass < 5; pass++) {
    const found = (await deps.schedule?.poll()) ?? 0;
    handled += found;
    if (found === 0) break;
  }
  return handled + ((await deps.stages?.view.processDue()) ?? 0);
}

const clockText = /^\s*(?:<at>[^<]*<\/at>\s*)*clock\b(.*)$/is;

/** `clock …` typed to the bot (an @mention first is allowed). */
export function isClockText(text: string | undefined): boolean {
  return clockText.test(text ?? '');
}

export function clockArgument(text: string | undefined): string {
  return (clockText.exec(text ?? '')?.[1] ?? '').trim();
}

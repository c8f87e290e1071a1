import { describe, expect, it } from 'vitest';
import { remainingWrites } from '../../../src/cli/offboard-cli.js';
import { bulkProgressText, plannedWrites, progressBar } from '../../../src/cli/offboard-progress.js';
import type { CliIo } from '../../../src/cli/cli-command.js';
import { WritePacer } from '../../../src/connectors/http/write-pacer.js';
import type { Plan, PlannedStep, Step } from '../../../src/core/step.js';
import { FakeClock } from '../core/support/fake-clock.js';

const change = (key: string) => ({ key, description: key, data: {} });
const planned = (stepId: string, system: PlannedStep['system'], keys: string[]): PlannedStep => ({
  stepId,
  system,
  title: stepId,
  dependsOn: [],
  changes: keys.map(change),
});
const step = (id: string, together = false): Step => ({
  id,
  system: 'exchange',
  title: id,
  plan: () => Promise.resolve([]),
  apply: () => Promise.resolve(),
  verify: () => Promise.resolve({ ok: true }),
  ...(together && { applyTogether: () => Promise.resolve() }),
});

describe('bulk offboarding progress', () => {
  const plan: Plan = {
    steps: [
      planned('exo.grant-delegate', 'exchange', ['full-access:megan']),
      planned('exo.convert-to-shared', 'exchange', ['convert', 'hide', 'forward']),
      planned('revoke.full-access', 'exchange', ['a', 'b']),
      planned('entra.block-sign-in', 'entra', ['block']),
      { ...planned('exo.cancel-meetings', 'exchange', ['m1']), skippedReason: 'policy' },
    ],
  };
  const steps = [step('exo.grant-delegate'), step('exo.convert-to-shared', true), step('revoke.full-access')];

  it('counts the writes a plan sends to a system: a step applying its changes together is one write', () => {
    expect(plannedWrites(plan, steps, 'exchange')).toBe(4);
    expect(plannedWrites(plan, steps, 'entra')).toBe(1);
  });

  it('derives the ETA from the binding budget: the remaining writes at the paced rate', async () => {
    const clock = new FakeClock();
    const pacer = new WritePacer({
      budget: { name: 'exchange destructive cmdlets', limit: 120, windowMs: 60_000 },
      clock,
      utilisation: 1,
      jitter: 0,
    });
    // 400 writes: 114 pass in the burst (the budget less its 5 % cushion), the other 286 at 2 per second.
    expect(pacer.etaMs(400)).toBe(143_000);
    for (let i = 0; i < 114; i++) await pacer.acquire();
    expect(pacer.etaMs(286)).toBe(143_000);
    pacer.throttled(10_000);
    expect(
      bulkProgressText({
        failed: 1,
        throttled: pacer.stats().throttled,
        etaMs: pacer.etaMs(286),
        budget: pacer.budget.name,
      }),
    ).toBe('1 failed · 1 × 429 on writes · ETA 2 min 33 s (exchange destructive cmdlets)');
    expect(bulkProgressText({ failed: 0, throttled: 0 })).toBe('0 failed · 0 × 429 on writes');
  });

  it('shows done, total and the detail on each line when stderr is not a terminal', () => {
    const lines: string[] = [];
    const io: CliIo = { out: () => undefined, err: (line: string) => void lines.push(line) };
    const stderr = Object.create(process.stderr, { isTTY: { value: false } }) as NodeJS.WriteStream;
    const bar = progressBar(io, 'Offboarding', stderr);
    bar.update(0, 4, bulkProgressText({ failed: 0, throttled: 0, etaMs: 61_000 }));
    bar.update(2, 4, bulkProgressText({ failed: 1, throttled: 0, etaMs: 30_000 }));
    bar.finish();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Offboarding \[\.+\] 0\/4 .* · 0 failed · 0 × 429 on writes · ETA 1 min 1 s$/);
    expect(lines[1]).toMatch(/^Offboarding \[#+\.+\] 2\/4 .* · 1 failed · 0 × 429 on writes · ETA 30 s$/);
  });
});

describe('bulk offboarding ETA while runs are still being planned', () => {
  it('counts the planned writes not sent yet and the average for leavers not planned yet', () => {
    expect(remainingWrites({ plannedWrites: 0, plannedLeavers: 0, leavers: 10, sent: 0 })).toBeUndefined();
    // 4 leavers planned with 12 writes (3 each), 5 sent; 6 leavers to plan at 3 each.
    expect(remainingWrites({ plannedWrites: 12, plannedLeavers: 4, leavers: 10, sent: 5 })).toBe(7 + 18);
    expect(remainingWrites({ plannedWrites: 30, plannedLeavers: 10, leavers: 10, sent: 30 })).toBe(0);
  });
});

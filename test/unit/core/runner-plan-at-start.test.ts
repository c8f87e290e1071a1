import { describe, expect, it } from 'vitest';
import { retryFailedSteps, summariseRun } from '../../../src/core/runner/index.js';
import type { Step } from '../../../src/core/step.js';
import {
  deferred,
  describeJournal,
  harness,
  RecordingTarget,
  targetStep,
} from './support/runner-fixtures.js';
import { unusedPorts } from './support/unused-ports.js';
import { buildPlan } from '../../../src/core/runner/index.js';
import { FakeClock } from './support/fake-clock.js';

/** A step of `system` planned when it starts, whose planning waits for `gate` (a first inventory). */
function atStart(target: RecordingTarget, id: string, keys: string[], gate: Promise<void>): Step {
  const step = targetStep(target, id, keys, { system: 'exchange', beforePlan: () => gate });
  return { ...step, isPlannedAtStart: true };
}

describe('steps planned when they start', () => {
  it("leaves the step out of a run's plan and plans it in a preview", async () => {
    const target = new RecordingTarget();
    const steps = [atStart(target, 'rights', ['m1'], Promise.resolve()), targetStep(target, 'block', ['b'])];
    const clock = new FakeClock();
    const ctx = { input: {}, ports: unusedPorts(clock), signal: new AbortController().signal };

    const run = await buildPlan(steps, ctx, { clock });
    const preview = await buildPlan(steps, { ...ctx, isPreview: true }, { clock });

    expect(run.steps[0]).toMatchObject({ stepId: 'rights', changes: [], isPlannedAtStart: true });
    expect(target.calls.filter((c) => c === 'rights.plan')).toHaveLength(1);
    expect(preview.steps[0]).toMatchObject({ stepId: 'rights', changes: [{ key: 'm1' }] });
    expect(preview.steps[0]).not.toHaveProperty('isPlannedAtStart');
  });

  it('runs the other steps, on the same system too, while its planning waits', async () => {
    const target = new RecordingTarget();
    const inventory = deferred();
    const steps = [
      atStart(target, 'rights', ['m1', 'm2'], inventory.promise),
      targetStep(target, 'block', ['b'], { system: 'exchange' }),
      targetStep(target, 'convert', ['c'], { system: 'exchange', dependsOn: ['block'] }),
      targetStep(target, 'licences', ['l'], { dependsOn: ['rights'] }),
    ];
    // One Exchange slot: a planning that held it while it waited would stall the run.
    const h = harness(steps, { systemLimits: { exchange: 1 } });
    const { runId } = await h.createRun();

    const running = h.runner.execute(runId);
    await waitFor(() => target.applied.includes('convert:c'));
    expect(target.applied).toEqual(['block:b', 'convert:c']);
    const midway = await h.store.runs.get(runId);
    expect(midway?.plan.steps[0]).toMatchObject({ changes: [], isPlannedAtStart: true });

    inventory.resolve();
    expect(await running).toMatchObject({ kind: 'finished', status: 'completed' });
    expect(target.applied).toEqual(['block:b', 'convert:c', 'rights:m1', 'rights:m2', 'licences:l']);
    // The stored plan holds the changes found at the start: summaries, exports and undo read them.
    const stored = await h.store.runs.get(runId);
    expect(stored?.plan.steps[0]).toMatchObject({
      stepId: 'rights',
      changes: [{ key: 'm1' }, { key: 'm2' }],
    });
    expect(stored?.plan.steps[0]).not.toHaveProperty('isPlannedAtStart');
    const summary = summariseRun(stored!.plan, await h.journal(runId));
    expect(summary.steps[0]).toMatchObject({ status: 'done', changeCount: 2, appliedCount: 2 });
    expect(summary.changes).toEqual({ total: 5, applied: 5 });
  });

  it('records a failed planning as the step failing, blocks its dependents, and plans again on retry', async () => {
    const target = new RecordingTarget();
    let isDown = true;
    const rights: Step = {
      ...targetStep(target, 'rights', ['m1'], {
        system: 'exchange',
        beforePlan: () => {
          if (isDown) throw new Error('Exchange is down');
        },
      }),
      isPlannedAtStart: true,
    };
    const steps = [rights, targetStep(target, 'licences', ['l'], { dependsOn: ['rights'] })];
    const h = harness(steps, { retry: { maxAttempts: 1 } });
    const { runId } = await h.createRun();

    expect(await h.runner.execute(runId)).toMatchObject({ status: 'failed' });
    expect(describeJournal(await h.journal(runId))).toEqual(['rights failed', 'licences skipped']);
    const failed = (await h.journal(runId))[0];
    expect(failed?.error).toMatchObject({
      code: 'plan-failed',
      message: 'Planning failed: Exchange is down',
    });
    expect((await h.store.runs.get(runId))?.plan.steps[0]).toMatchObject({ isPlannedAtStart: true });

    isDown = false;
    await retryFailedSteps(h.store, runId, { clock: h.clock });
    expect(await h.runner.execute(runId)).toMatchObject({ status: 'completed' });
    expect(target.applied).toEqual(['rights:m1', 'licences:l']);
  });

  it('ends a cancelled run at once, without waiting for the planning', async () => {
    const target = new RecordingTarget();
    const inventory = deferred();
    const h = harness([
      atStart(target, 'rights', ['m1'], inventory.promise),
      targetStep(target, 'licences', ['l'], { dependsOn: ['rights'] }),
    ]);
    const { runId } = await h.createRun();

    const running = h.runner.execute(runId);
    await waitFor(() => target.calls.includes('rights.plan'));
    await h.runner.cancel(runId);

    expect(await running).toMatchObject({ kind: 'finished', status: 'cancelled' });
    expect(describeJournal(await h.journal(runId))).toEqual(['rights skipped', 'licences skipped']);
    inventory.resolve();
    expect(target.applied).toEqual([]);
  });

  it('applies nothing when the lease was lost before the changes were stored', async () => {
    const target = new RecordingTarget();
    const inventory = deferred();
    const h = harness([atStart(target, 'rights', ['m1'], inventory.promise)]);
    const { runId } = await h.createRun();

    const running = h.runner.execute(runId);
    await waitFor(() => target.calls.includes('rights.plan'));
    // Another instance took the run over while the step waited for its plan.
    await h.store.runs.setStatus(runId, 'runner-test', 'queued');
    await h.store.runs.claim('other-instance', 600_000, h.clock.now());
    inventory.resolve();

    expect(await running).toEqual({ kind: 'interrupted', runId });
    expect(target.applied).toEqual([]);
    expect((await h.store.runs.get(runId))?.plan.steps[0]).toMatchObject({ isPlannedAtStart: true });
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}

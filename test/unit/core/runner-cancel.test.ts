import { describe, expect, it } from 'vitest';
import { ThrottledError } from '../../../src/core/errors.js';
import { summariseRun } from '../../../src/core/runner/index.js';
import {
  deferred,
  describeJournal,
  harness,
  RecordingTarget,
  targetStep,
} from './support/runner-fixtures.js';

describe('Runner cancel', () => {
  it('finishes the change in flight after requestCancel, then skips the rest and ends cancelled', async () => {
    const target = new RecordingTarget();
    const inFlight = deferred();
    const release = deferred();
    const steps = [
      targetStep(target, 'a', ['k1', 'k2', 'k3'], {
        beforeApply: async (key) => {
          if (key !== 'k1') return;
          inFlight.resolve();
          await release.promise;
        },
      }),
      targetStep(target, 'b', ['k1'], { dependsOn: ['a'] }),
    ];
    const h = harness(steps);
    const { runId, plan } = await h.createRun();

    const running = h.runner.execute(runId);
    await inFlight.promise;
    await h.store.runs.requestCancel(runId);
    release.resolve();

    expect(await running).toMatchObject({ status: 'cancelled', counts: { skipped: 2 } });
    expect(target.applied).toEqual(['a:k1']);
    const journal = await h.journal();
    expect(describeJournal(journal)).toEqual(['a:k1 applying 1', 'a:k1 applied 1', 'a skipped', 'b skipped']);
    expect(summariseRun(plan, journal).steps.map((s) => s.error)).toEqual([
      'Cancelled before the step finished',
      'Cancelled before the step started',
    ]);
    expect((await h.store.runs.get(runId))?.status).toBe('cancelled');
  });

  it('cancels through an AbortSignal, waking a step that waits to retry', async () => {
    const target = new RecordingTarget();
    const controller = new AbortController();
    const failedOnce = deferred();
    const h = harness([
      targetStep(target, 'a', ['k1'], {
        beforeApply: () => {
          failedOnce.resolve();
          throw new ThrottledError(60_000);
        },
      }),
      targetStep(target, 'b', ['k1'], {
        beforeApply: async () => {
          await failedOnce.promise;
          controller.abort();
        },
      }),
      targetStep(target, 'c', ['k1'], { dependsOn: ['b'] }),
    ]);
    const { runId, plan } = await h.createRun();
    const startedMs = h.clock.now();

    const outcome = await h.runner.execute(runId, { signal: controller.signal });

    expect(outcome).toMatchObject({ status: 'cancelled', counts: { done: 1, skipped: 2 } });
    expect(target.applied).toEqual(['b:k1']);
    expect(h.clock.now() - startedMs).toBeLessThan(60_000);
    const summary = summariseRun(plan, await h.journal());
    expect(summary.steps.map((s) => [s.stepId, s.status, s.attempts])).toEqual([
      ['a', 'skipped', 1],
      ['b', 'done', 1],
      ['c', 'skipped', 0],
    ]);
  });

  it('skips everything when the cancel arrived before the run started', async () => {
    const target = new RecordingTarget();
    const h = harness([targetStep(target, 'a', ['k1'])]);
    const { runId } = await h.createRun();
    await h.store.runs.requestCancel(runId);

    expect(await h.runner.execute(runId)).toMatchObject({ status: 'cancelled', counts: { skipped: 1 } });
    expect(target.applied).toEqual([]);
  });

  it('cancels a run executing on this runner from Runner.cancel', async () => {
    const target = new RecordingTarget();
    const h = harness([
      targetStep(target, 'a', ['k1', 'k2'], {
        beforeApply: async (key) => {
          if (key === 'k1') await h.runner.cancel('run-1');
        },
      }),
    ]);
    const { runId } = await h.createRun();

    expect(await h.runner.execute(runId)).toMatchObject({ status: 'cancelled' });
    expect(target.applied).toEqual(['a:k1']);
  });
});

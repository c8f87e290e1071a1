import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, PermissionDeniedError } from '../../../src/core/errors.js';
import { retryFailedSteps, summariseRun } from '../../../src/core/runner/index.js';
import { harness, RecordingTarget, targetStep } from './support/runner-fixtures.js';

describe('Retry failed steps', () => {
  it('runs only the failed steps and those they blocked, without repeating applied changes', async () => {
    const target = new RecordingTarget();
    let isDenied = true;
    const steps = [
      targetStep(target, 'a', ['k1']),
      targetStep(target, 'b', ['k1', 'k2'], {
        dependsOn: ['a'],
        beforeApply: (key) => {
          if (key === 'k2' && isDenied) throw new PermissionDeniedError('Missing Exchange role');
        },
      }),
      targetStep(target, 'c', ['k1'], { dependsOn: ['b'] }),
    ];
    const h = harness(steps);
    const { runId, plan } = await h.createRun();
    expect(await h.runner.execute(runId)).toMatchObject({ status: 'completed-with-errors' });
    expect(target.applied).toEqual(['a:k1', 'b:k1']);

    isDenied = false;
    target.calls.length = 0;
    expect(await retryFailedSteps(h.store, runId, { clock: h.clock })).toEqual({ stepIds: ['b', 'c'] });
    expect(summariseRun(plan, await h.journal()).counts).toMatchObject({ done: 1, waiting: 2 });
    expect((await h.store.runs.get(runId))?.status).toBe('queued');

    expect(await h.runner.execute(runId)).toMatchObject({
      status: 'completed',
      counts: { done: 3, failed: 0, skipped: 0 },
    });
    expect(target.applied).toEqual(['a:k1', 'b:k1', 'b:k2', 'c:k1']);
    expect(target.calls).toEqual(['b.apply:k2', 'b.verify', 'c.apply:k1', 'c.verify']);
    const audit = await h.store.audit.list({ requestId: 'REQ-20261123-TEST' });
    expect(audit.map((e) => e.type)).toContain('run.retry-requested');
  });

  it('refuses a run that completed, and an unknown run', async () => {
    const target = new RecordingTarget();
    const h = harness([targetStep(target, 'a', ['k1'])]);
    const { runId } = await h.createRun();
    await h.runner.execute(runId);

    await expect(retryFailedSteps(h.store, runId)).rejects.toThrow(ConflictError);
    await expect(retryFailedSteps(h.store, 'run-unknown')).rejects.toThrow(NotFoundError);
  });

  it('records a step whose planning failed as failed, blocks its dependants, and re-opens both', async () => {
    const target = new RecordingTarget();
    const h = harness([
      targetStep(target, 'a', ['k1'], {
        beforePlan: () => {
          throw new PermissionDeniedError('Reading mailboxes is not allowed');
        },
      }),
      targetStep(target, 'b', ['k1'], { dependsOn: ['a'] }),
    ]);
    const { runId } = await h.createRun();
    expect(await h.runner.execute(runId)).toMatchObject({
      status: 'failed',
      counts: { failed: 1, skipped: 1 },
    });
    expect(target.applied).toEqual([]);

    expect(await retryFailedSteps(h.store, runId)).toEqual({ stepIds: ['a', 'b'] });
    expect((await h.store.runs.get(runId))?.status).toBe('queued');
  });
});

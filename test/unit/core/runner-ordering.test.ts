import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/core/errors.js';
import { summariseRun } from '../../../src/core/runner/index.js';
import {
  deferred,
  describeJournal,
  harness,
  RecordingTarget,
  targetStep,
} from './support/runner-fixtures.js';

describe('Runner ordering and parallelism', () => {
  it('starts a step only after its dependencies are verified', async () => {
    const target = new RecordingTarget();
    const steps = [
      targetStep(target, 'c', ['k1'], { dependsOn: ['b'] }),
      targetStep(target, 'b', ['k1', 'k2'], { dependsOn: ['a'] }),
      targetStep(target, 'a', ['k1']),
    ];
    const h = harness(steps);
    const { runId } = await h.createRun();

    const outcome = await h.runner.execute(runId);

    expect(outcome).toEqual({
      kind: 'finished',
      runId,
      status: 'completed',
      counts: { done: 3, nothingToDo: 0, failed: 0, skipped: 0 },
    });
    expect(describeJournal(await h.journal())).toEqual([
      'a:k1 applying 1',
      'a:k1 applied 1',
      'a verified',
      'b:k1 applying 1',
      'b:k1 applied 1',
      'b:k2 applying 1',
      'b:k2 applied 1',
      'b verified',
      'c:k1 applying 1',
      'c:k1 applied 1',
      'c verified',
    ]);
    expect((await h.store.runs.get(runId))?.status).toBe('completed');
  });

  it('runs independent steps at the same time', async () => {
    const target = new RecordingTarget();
    const gate = deferred();
    const bothStarted = deferred();
    let started = 0;
    const beforeApply = async (): Promise<void> => {
      started += 1;
      if (started === 2) bothStarted.resolve();
      await gate.promise;
    };
    const h = harness([
      targetStep(target, 'a', ['k1'], { beforeApply }),
      targetStep(target, 'b', ['k1'], { beforeApply }),
    ]);
    const { runId } = await h.createRun();

    const running = h.runner.execute(runId);
    await bothStarted.promise;
    gate.resolve();

    expect((await running).kind).toBe('finished');
    expect(target.maxInFlight).toBe(2);
  });

  it('never runs more calls on one system than its limit, across all runs of the runner', async () => {
    const target = new RecordingTarget();
    const steps = ['a', 'b', 'c', 'd', 'e'].map((id) =>
      targetStep(target, id, ['k1', 'k2'], { system: 'teams' }),
    );
    const other = ['f', 'g'].map((id) => targetStep(target, id, ['k1'], { system: 'teams' }));
    const h = harness([...steps, ...other], { systemLimits: { teams: 2 } });
    const first = await h.createRun(steps, 'run-1');
    const second = await h.createRun(other, 'run-2');

    const outcomes = await Promise.all([h.runner.execute(first.runId), h.runner.execute(second.runId)]);

    expect(outcomes.map((o) => o.kind === 'finished' && o.status)).toEqual(['completed', 'completed']);
    expect(target.applied).toHaveLength(12);
    expect(target.maxInFlight).toBe(2);
  });

  it('lets dependents run after a step that had nothing to do', async () => {
    const target = new RecordingTarget();
    target.state.add('a:k1');
    const h = harness([
      targetStep(target, 'a', ['k1']),
      targetStep(target, 'b', ['k1'], { dependsOn: ['a'] }),
    ]);
    const { runId } = await h.createRun();

    const outcome = await h.runner.execute(runId);

    expect(outcome).toMatchObject({ status: 'completed', counts: { done: 1, nothingToDo: 1 } });
    expect(target.calls).not.toContain('a.verify');
    expect(target.applied).toEqual(['b:k1']);
  });

  it('skips every step that depends, directly or not, on a failed step', async () => {
    const target = new RecordingTarget();
    const h = harness([
      targetStep(target, 'c', ['k1'], { dependsOn: ['b'] }),
      targetStep(target, 'b', ['k1'], { dependsOn: ['a'] }),
      targetStep(target, 'a', ['k1', 'k2'], {
        beforeApply: (key) => {
          if (key === 'k2') throw new NotFoundError('Mailbox finance@contoso.com not found');
        },
      }),
      targetStep(target, 'd', ['k1']),
    ]);
    const { runId, plan } = await h.createRun();

    const outcome = await h.runner.execute(runId);

    expect(outcome).toMatchObject({
      status: 'completed-with-errors',
      counts: { done: 1, failed: 1, skipped: 2 },
    });
    expect(target.applied.sort()).toEqual(['a:k1', 'd:k1']);
    const summary = summariseRun(plan, await h.journal());
    expect(summary.steps.map((s) => [s.stepId, s.status, s.error])).toEqual([
      ['c', 'skipped', 'Blocked by b'],
      ['b', 'skipped', 'Blocked by a'],
      ['a', 'failed', 'Make k2: Mailbox finance@contoso.com not found'],
      ['d', 'done', undefined],
    ]);
    const failed = (await h.journal()).find((e) => e.stepId === 'a' && e.changeKey === undefined);
    expect(failed?.error).toEqual({
      code: 'not-found',
      name: 'NotFoundError',
      message: 'Make k2: Mailbox finance@contoso.com not found',
    });
  });

  it('reports a run in which nothing succeeded as failed', async () => {
    const target = new RecordingTarget();
    const h = harness([
      targetStep(target, 'a', ['k1'], {
        beforeApply: () => {
          throw new NotFoundError('User ada@contoso.com not found');
        },
      }),
      targetStep(target, 'b', ['k1'], { dependsOn: ['a'] }),
    ]);
    const { runId } = await h.createRun();

    const outcome = await h.runner.execute(runId);

    expect(outcome).toMatchObject({ status: 'failed', counts: { failed: 1, skipped: 1 } });
    expect((await h.store.runs.get(runId))?.status).toBe('failed');
  });

  it('does not run a run another owner holds', async () => {
    const target = new RecordingTarget();
    const h = harness([targetStep(target, 'a', ['k1'])]);
    const { runId } = await h.createRun();
    await h.store.runs.claimById(runId, 'someone-else', 60_000, h.clock.now());

    expect(await h.runner.execute(runId)).toEqual({ kind: 'not-claimed', runId });
    expect(target.applied).toEqual([]);
  });
});

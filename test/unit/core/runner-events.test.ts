import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/core/errors.js';
import { harness, RecordingTarget, targetStep } from './support/runner-fixtures.js';

describe('Runner progress events and audit', () => {
  it('emits run, step and change events in order with elapsed times and errors', async () => {
    const target = new RecordingTarget();
    const h = harness([
      targetStep(target, 'a', ['k1']),
      targetStep(target, 'b', ['k1'], {
        dependsOn: ['a'],
        beforeApply: () => {
          throw new NotFoundError('Group sales not found');
        },
      }),
      targetStep(target, 'c', ['k1'], { dependsOn: ['b'] }),
    ]);
    const { runId } = await h.createRun();

    await h.runner.execute(runId);

    expect(h.events.map(({ at: _at, runId: _runId, ...rest }) => rest)).toEqual([
      { type: 'run-started', stepCount: 3, isResumed: false },
      { type: 'step-started', stepId: 'a' },
      { type: 'change-applied', stepId: 'a', changeKey: 'k1', attempt: 1, isReconciled: false },
      { type: 'step-finished', stepId: 'a', status: 'done', elapsedMs: 0, error: undefined },
      { type: 'step-started', stepId: 'b' },
      {
        type: 'step-finished',
        stepId: 'b',
        status: 'failed',
        elapsedMs: 0,
        error: 'Make k1: Group sales not found',
      },
      { type: 'step-finished', stepId: 'c', status: 'skipped', elapsedMs: 0, error: 'Blocked by b' },
      {
        type: 'run-finished',
        status: 'completed-with-errors',
        counts: { done: 1, nothingToDo: 0, failed: 1, skipped: 1 },
      },
    ]);
    expect(h.events.every((e) => e.runId === runId && !Number.isNaN(Date.parse(e.at)))).toBe(true);
  });

  it('keeps running when a listener throws, and logs the listener failure', async () => {
    const target = new RecordingTarget();
    const warnings: string[] = [];
    const seen: string[] = [];
    const h = harness([targetStep(target, 'a', ['k1', 'k2'])], {
      onEvent: () => {
        throw new Error('card update failed');
      },
      logger: { warn: (details, message) => warnings.push(`${message}: ${JSON.stringify(details['err'])}`) },
    });
    const { runId } = await h.createRun();

    const outcome = await h.runner.execute(runId, { onEvent: (e) => seen.push(e.type) });

    expect(outcome).toMatchObject({ status: 'completed' });
    expect(target.applied).toEqual(['a:k1', 'a:k2']);
    expect(seen).toHaveLength(6);
    expect(warnings).toHaveLength(6);
    expect(warnings[0]).toBe(
      'Progress listener failed: {"code":"internal","name":"Error","message":"card update failed"}',
    );
  });

  it('audits the start and end of a run and every applied change with its before and after state', async () => {
    const target = new RecordingTarget();
    const h = harness([targetStep(target, 'a', ['k1'])]);
    const { runId } = await h.createRun();

    await h.runner.execute(runId);

    const audit = (await h.store.audit.list({ requestId: 'REQ-20261123-TEST' })).reverse();
    expect(audit.map((e) => [e.type, e.runId, e.actor])).toEqual([
      ['run.started', runId, { system: 'runner:runner-test' }],
      ['step.applied', runId, { system: 'runner:runner-test' }],
      ['run.finished', runId, { system: 'runner:runner-test' }],
    ]);
    expect(audit[1]!.details).toEqual({
      stepId: 'a',
      changeKey: 'k1',
      description: 'Make k1',
      attempt: 1,
      before: { isMade: false },
      after: { isMade: true },
      isReconciled: false,
    });
    expect(audit[2]!.details).toEqual({
      status: 'completed',
      counts: { done: 1, nothingToDo: 0, failed: 0, skipped: 0 },
    });
  });
});

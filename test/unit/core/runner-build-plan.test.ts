import { describe, expect, it } from 'vitest';
import { InvalidInputError, PermissionDeniedError, ThrottledError } from '../../../src/core/errors.js';
import { buildPlan } from '../../../src/core/runner/index.js';
import type { Step } from '../../../src/core/step.js';
import { FakeClock } from './support/fake-clock.js';
import { deferred, RecordingTarget, targetStep } from './support/runner-fixtures.js';
import { unusedPorts } from './support/unused-ports.js';

const contextFor = (clock: FakeClock) => ({
  input: {},
  ports: unusedPorts(clock),
  signal: new AbortController().signal,
});

describe('buildPlan', () => {
  it('plans in dependency order, independent steps at the same time, and keeps the input order', async () => {
    const target = new RecordingTarget();
    const clock = new FakeClock();
    const bothPlanning = deferred();
    let planning = 0;
    const waitForBoth = async (): Promise<void> => {
      planning += 1;
      if (planning === 2) bothPlanning.resolve();
      await bothPlanning.promise;
    };
    const steps = [
      targetStep(target, 'c', ['k1'], { dependsOn: ['a', 'b'] }),
      targetStep(target, 'a', ['k1', 'k2'], { system: 'ad', beforePlan: waitForBoth }),
      targetStep(target, 'b', ['k1'], { system: 'entra', beforePlan: waitForBoth }),
    ];

    const plan = await buildPlan(steps, contextFor(clock), { clock });

    expect(target.maxInFlight).toBe(2);
    expect(target.calls.indexOf('c.plan')).toBe(2);
    expect(plan.steps).toEqual([
      {
        stepId: 'c',
        system: 'local',
        title: 'Step c',
        dependsOn: ['a', 'b'],
        changes: [{ key: 'k1', description: 'Make k1', data: { key: 'k1' }, before: { isMade: false } }],
      },
      expect.objectContaining({ stepId: 'a', system: 'ad', dependsOn: [], changes: expect.any(Array) }),
      expect.objectContaining({ stepId: 'b', system: 'entra' }),
    ]);
  });

  it('records a step whose planning fails for good as skipped, and retries a retryable one', async () => {
    const target = new RecordingTarget();
    const clock = new FakeClock();
    const steps = [
      targetStep(target, 'denied', ['k1'], {
        beforePlan: () => {
          throw new PermissionDeniedError('Reading AD is not allowed');
        },
      }),
      targetStep(target, 'throttled', ['k1'], {
        beforePlan: (call) => {
          if (call === 1) throw new ThrottledError(2_000);
        },
      }),
      targetStep(target, 'always-throttled', ['k1'], {
        beforePlan: () => {
          throw new ThrottledError(1_000);
        },
      }),
    ];

    const plan = await buildPlan(steps, contextFor(clock), { clock, retry: { maxAttempts: 3 } });

    expect(plan.steps.map((s) => [s.stepId, s.changes.length, s.planError])).toEqual([
      ['denied', 0, 'Planning failed: Reading AD is not allowed'],
      ['throttled', 1, undefined],
      ['always-throttled', 0, 'Planning failed after 3 attempts: Throttled by the service'],
    ]);
    expect(target.calls.filter((c) => c === 'denied.plan')).toHaveLength(1);
    expect(clock.sleeps.sort((a, b) => a - b)).toEqual([1_000, 1_000, 2_000]);
  });

  it('drops dependencies on steps the flow left out', async () => {
    const target = new RecordingTarget();
    const clock = new FakeClock();

    const plan = await buildPlan([targetStep(target, 'b', ['k1'], { dependsOn: ['a'] })], contextFor(clock));

    expect(plan.steps[0]!.dependsOn).toEqual([]);
  });

  it('refuses duplicate step ids, dependency cycles and duplicate change keys', async () => {
    const target = new RecordingTarget();
    const clock = new FakeClock();
    const ctx = contextFor(clock);
    const duplicateKeys: Step = {
      ...targetStep(target, 'dup', []),
      plan: async () => [
        { key: 'same', description: 'One', data: {} },
        { key: 'same', description: 'Two', data: {} },
      ],
    };

    await expect(buildPlan([targetStep(target, 'a', []), targetStep(target, 'a', [])], ctx)).rejects.toThrow(
      InvalidInputError,
    );
    await expect(
      buildPlan(
        [
          targetStep(target, 'a', [], { dependsOn: ['b'] }),
          targetStep(target, 'b', [], { dependsOn: ['a'] }),
        ],
        ctx,
      ),
    ).rejects.toThrow('Steps depend on each other in a cycle: a → b → a');
    expect((await buildPlan([duplicateKeys], ctx)).steps[0]!.planError).toBe(
      'Planning returned the change same twice',
    );
  });
});

/**
 * Issue 17: the export holds each change's before- and after-state. A step that knows the state its
 * change leaves declares it with the change (`after`); the runner keeps it in the stored plan and
 * journals it as the after-state when `apply` returns nothing. What `apply` returns still wins.
 */
import { describe, expect, it } from 'vitest';
import type { Step } from '../../../src/core/step.js';
import { ok } from '../../../src/core/step.js';
import { harness } from './support/runner-fixtures.js';

function toggleStep(applyResult: () => unknown): Step & { made: Set<string> } {
  const made = new Set<string>();
  return {
    made,
    id: 'test.toggle',
    system: 'local',
    title: 'Turn the switches off',
    plan: () =>
      Promise.resolve(
        ['a', 'b']
          .filter((key) => !made.has(key))
          .map((key) => ({
            key,
            description: `Turn ${key} off`,
            data: { key },
            before: { isOn: true },
            after: { isOn: false },
          })),
      ),
    apply: (change) => {
      made.add(change.key);
      return Promise.resolve(applyResult());
    },
    verify: () => Promise.resolve(ok()),
  };
}

describe('after-states of changes', () => {
  it('keeps the declared after-state in the stored plan and journals it when apply returns nothing', async () => {
    const step = toggleStep(() => undefined);
    const h = harness([step]);
    const { runId } = await h.createRun();
    expect((await h.store.runs.get(runId))?.plan.steps[0]?.changes.map((c) => c.after)).toEqual([
      { isOn: false },
      { isOn: false },
    ]);
    await h.runner.execute(runId);
    const applied = (await h.journal(runId)).filter((e) => e.phase === 'applied');
    expect(applied.map((e) => [e.changeKey, e.before, e.after])).toEqual([
      ['a', { isOn: true }, { isOn: false }],
      ['b', { isOn: true }, { isOn: false }],
    ]);
    const audited = await h.store.audit.list({ requestId: 'REQ-20261123-TEST' });
    expect(
      audited.filter((e) => e.type === 'step.applied').map((e) => (e.details as { after?: unknown }).after),
    ).toEqual([{ isOn: false }, { isOn: false }]);
  });

  it('journals what apply returned rather than the declared after-state', async () => {
    const step = toggleStep(() => ({ channel: 'teams' }));
    const h = harness([step]);
    const { runId } = await h.createRun();
    await h.runner.execute(runId);
    const applied = (await h.journal(runId)).filter((e) => e.phase === 'applied');
    expect(applied.map((e) => e.after)).toEqual([{ channel: 'teams' }, { channel: 'teams' }]);
  });
});

import { describe, expect, it } from 'vitest';
import type { Change, Step } from '../../../src/core/step.js';
import { describeJournal, harness, RecordingTarget, targetStep } from './support/runner-fixtures.js';

/** A step whose plan returns a quick preview's line: planned without reading the target. */
function previewOnly(target: RecordingTarget, id: string): Step {
  const step = targetStep(target, id, ['line']);
  return {
    ...step,
    plan: async (ctx) => (await step.plan(ctx)).map((c): Change => ({ ...c, isPreviewOnly: true })),
  };
}

describe("a quick preview's lines in a run", () => {
  it('keeps the mark in the stored plan and fails the step instead of applying it', async () => {
    const target = new RecordingTarget();
    const steps = [
      previewOnly(target, 'devices'),
      targetStep(target, 'licences', ['l'], { dependsOn: ['devices'] }),
    ];
    const h = harness(steps);
    const { runId, plan } = await h.createRun();
    expect(plan.steps[0]?.changes[0]).toMatchObject({ key: 'line', isPreviewOnly: true });

    expect(await h.runner.execute(runId)).toMatchObject({ kind: 'finished', status: 'failed' });
    expect(target.applied).toEqual([]);
    expect(describeJournal(await h.journal(runId))).toEqual(['devices failed', 'licences skipped']);
    expect((await h.journal(runId))[0]?.error?.message).toMatch(/quick preview/);
  });
});

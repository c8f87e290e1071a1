import { describe, expect, it } from 'vitest';
import { ThrottledError } from '../../../src/core/errors.js';
import type { JournalEntry } from '../../../src/core/ports/store.js';
import type { Change, Step } from '../../../src/core/step.js';
import { createMemoryStore } from '../../support/memory-store.js';
import { describeJournal, harness, RecordingTarget, targetStep } from './support/runner-fixtures.js';

/** A target step that can also make several of its changes in one call, counting those calls. */
function togetherStep(
  target: RecordingTarget,
  keys: string[],
  failFirst = false,
): Step & { togetherCalls: string[][] } {
  const base = targetStep(target, 's', keys);
  const togetherCalls: string[][] = [];
  return {
    ...base,
    togetherCalls,
    applyTogether: async (changes: readonly Change[]) =>
      target.call('s.together', () => {
        togetherCalls.push(changes.map((c) => c.key));
        if (failFirst && togetherCalls.length === 1) return Promise.reject(new ThrottledError(1_000));
        for (const c of changes) {
          target.state.add(`s:${c.key}`);
          target.applied.push(`s:${c.key}`);
        }
        return Promise.resolve();
      }),
  };
}

describe('Runner: a step that applies its changes together', () => {
  it('makes every pending change in one call and journals and audits each change', async () => {
    const target = new RecordingTarget();
    const step = togetherStep(target, ['a', 'b', 'c']);
    const h = harness([step]);
    const { runId } = await h.createRun();

    expect(await h.runner.execute(runId)).toMatchObject({ status: 'completed' });

    expect(step.togetherCalls).toEqual([['a', 'b', 'c']]);
    expect(target.calls.filter((c) => c.startsWith('s.apply'))).toEqual([]);
    expect(describeJournal(await h.journal())).toEqual([
      's:a applying 1',
      's:b applying 1',
      's:c applying 1',
      's:a applied 1',
      's:b applied 1',
      's:c applied 1',
      's verified',
    ]);
    const audited = (await h.store.audit.list({})).filter((e) => e.type === 'step.applied');
    expect(audited).toHaveLength(3);
  });

  it('retries the whole call after a retryable failure, journaling the failed attempt for each change', async () => {
    const target = new RecordingTarget();
    const step = togetherStep(target, ['a', 'b'], true);
    const h = harness([step]);
    const { runId } = await h.createRun();

    expect(await h.runner.execute(runId)).toMatchObject({ status: 'completed' });

    expect(step.togetherCalls).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(describeJournal(await h.journal())).toEqual([
      's:a applying 1',
      's:b applying 1',
      's:a failed 1',
      's:b failed 1',
      's:a applying 2',
      's:b applying 2',
      's:a applied 2',
      's:b applied 2',
      's verified',
    ]);
  });

  it('after a crash, reconciles the change left in doubt and applies the others together', async () => {
    const target = new RecordingTarget();
    const store = createMemoryStore();
    const step = togetherStep(target, ['a', 'b', 'c']);
    const h = harness([step], { store });
    await h.createRun();
    // The crashed process made `a` but died before journaling `applied`.
    target.state.add('s:a');
    await store.runs.claimById('run-1', 'crashed-process', 1_000, h.clock.now() - 5_000);
    const inDoubt: JournalEntry = {
      runId: 'run-1',
      at: '2026-11-23T08:00:00.000Z',
      stepId: 's',
      changeKey: 'a',
      phase: 'applying',
      attempt: 1,
    };
    await store.journal.append(inDoubt);

    expect(await h.runner.executeNext()).toMatchObject({ kind: 'finished', status: 'completed' });

    expect(step.togetherCalls).toEqual([['b', 'c']]);
    const journal = await h.journal();
    expect(describeJournal(journal)).toContain('s:a applied 1');
    expect(journal.find((e) => e.changeKey === 'a' && e.phase === 'applied')?.after).toEqual({
      isReconciled: true,
    });
    expect(target.applied).toEqual(['s:b', 's:c']);
  });
});

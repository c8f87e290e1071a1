import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../src/core/ports/store.js';
import { summariseRun } from '../../../src/core/runner/index.js';
import type { Plan, PlannedStep } from '../../../src/core/step.js';

const step = (stepId: string, keys: string[], extra: Partial<PlannedStep> = {}): PlannedStep => ({
  stepId,
  system: 'exchange',
  title: `Title of ${stepId}`,
  dependsOn: [],
  changes: keys.map((key) => ({ key, description: `Change ${key}`, data: {} })),
  ...extra,
});

const plan: Plan = {
  steps: [
    step('done', ['k1', 'k2']),
    step('empty', []),
    step('running', ['k1', 'k2', 'k3']),
    step('failed', ['k1']),
    step('blocked', ['k1']),
    step('waiting', ['k1']),
    step('not-planned', [], {
      skippedReason: 'Planning failed: Mailbox not found',
      warnings: ['No licence'],
    }),
  ],
};

let second = 0;
const e = (entry: Omit<JournalEntry, 'runId' | 'at'>): JournalEntry => ({
  ...entry,
  runId: 'run-1',
  at: new Date(Date.UTC(2026, 10, 23, 9, 0, second++)).toISOString(),
});
const error = { code: 'throttled', name: 'ThrottledError', message: 'Throttled by the service' };

const journal: JournalEntry[] = [
  e({ stepId: 'done', changeKey: 'k1', phase: 'applying', attempt: 1 }),
  e({ stepId: 'done', changeKey: 'k1', phase: 'applied', attempt: 1 }),
  e({ stepId: 'done', changeKey: 'k2', phase: 'applying', attempt: 1 }),
  e({ stepId: 'done', changeKey: 'k2', phase: 'failed', attempt: 1, error }),
  e({ stepId: 'done', changeKey: 'k2', phase: 'applying', attempt: 2 }),
  e({ stepId: 'done', changeKey: 'k2', phase: 'applied', attempt: 2 }),
  e({ stepId: 'done', phase: 'verified', attempt: 1 }),
  e({ stepId: 'empty', phase: 'verified', attempt: 0, after: { isNothingToDo: true } }),
  e({ stepId: 'running', changeKey: 'k1', phase: 'applying', attempt: 1 }),
  e({ stepId: 'running', changeKey: 'k1', phase: 'applied', attempt: 1 }),
  e({ stepId: 'running', changeKey: 'k2', phase: 'applying', attempt: 1 }),
  e({ stepId: 'running', changeKey: 'k2', phase: 'failed', attempt: 1, error }),
  e({ stepId: 'failed', changeKey: 'k1', phase: 'applying', attempt: 1 }),
  e({
    stepId: 'failed',
    phase: 'failed',
    attempt: 0,
    error: { code: 'not-found', name: 'NotFoundError', message: 'Change k1: mailbox not found' },
  }),
  e({
    stepId: 'blocked',
    phase: 'skipped',
    attempt: 0,
    after: { reason: 'Blocked by failed', skipKind: 'blocked' },
  }),
];

describe('summariseRun', () => {
  it('folds the journal into status, counts, attempts, elapsed time and errors per step', () => {
    const summary = summariseRun(plan, journal);

    expect(
      summary.steps.map((s) => [s.stepId, s.status, s.appliedCount, s.attempts, s.elapsedMs, s.error]),
    ).toEqual([
      ['done', 'done', 2, 2, 6_000, undefined],
      ['empty', 'done', 0, 0, 0, undefined],
      ['running', 'running', 1, 1, 3_000, 'Throttled by the service'],
      ['failed', 'failed', 0, 1, 1_000, 'Change k1: mailbox not found'],
      ['blocked', 'skipped', 0, 0, 0, 'Blocked by failed'],
      ['waiting', 'waiting', 0, 0, undefined, undefined],
      ['not-planned', 'skipped', 0, 0, undefined, 'Planning failed: Mailbox not found'],
    ]);
    expect(summary.steps[1]!.isNothingToDo).toBe(true);
    expect(summary.steps[0]!.isNothingToDo).toBe(false);
    expect(summary.steps[6]!.warnings).toEqual(['No licence']);
    expect(summary.counts).toEqual({ waiting: 1, running: 1, done: 2, failed: 1, skipped: 2 });
    expect(summary.changes).toEqual({ total: 8, applied: 3 });
    expect(summary.isFinished).toBe(false);
  });

  it('shows a step re-opened by a retry as waiting, keeping the changes it already applied', () => {
    const retried = [
      ...journal,
      e({ stepId: 'failed', phase: 'planned', attempt: 0, after: { isRetry: true } }),
    ];

    const failed = summariseRun(plan, retried).steps.find((s) => s.stepId === 'failed');

    expect(failed).toMatchObject({ status: 'waiting', error: undefined, attempts: 1 });
  });

  it('orders entries by their store id when the list is not in append order', () => {
    const entries: JournalEntry[] = [
      { ...e({ stepId: 'waiting', phase: 'verified', attempt: 1 }), id: 2 },
      { ...e({ stepId: 'waiting', changeKey: 'k1', phase: 'applied', attempt: 1 }), id: 1 },
    ];

    expect(summariseRun({ steps: [step('waiting', ['k1'])] }, entries).steps[0]).toMatchObject({
      status: 'done',
      appliedCount: 1,
    });
  });
});

import { describe, expect, it } from 'vitest';
import {
  PermissionDeniedError,
  ThrottledError,
  UnavailableError,
  VerificationError,
} from '../../../src/core/errors.js';
import { defaultRetryPolicy, retryDelayMs, type RunEvent } from '../../../src/core/runner/index.js';
import { fail, ok } from '../../../src/core/step.js';
import { describeJournal, harness, RecordingTarget, targetStep } from './support/runner-fixtures.js';

const retrying = (events: readonly RunEvent[]) =>
  events.flatMap((e) => (e.type === 'change-retrying' ? [{ attempt: e.attempt, delayMs: e.delayMs }] : []));

describe('Runner retries', () => {
  it('retries a retryable failure and journals every attempt before and after the call', async () => {
    const target = new RecordingTarget();
    const h = harness([
      targetStep(target, 'a', ['k1'], {
        beforeApply: (_key, attempt) => {
          if (attempt < 3) throw new UnavailableError('Graph answered 503');
        },
      }),
    ]);
    const { runId } = await h.createRun();

    expect(await h.runner.execute(runId)).toMatchObject({ status: 'completed' });

    expect(describeJournal(await h.journal())).toEqual([
      'a:k1 applying 1',
      'a:k1 failed 1',
      'a:k1 applying 2',
      'a:k1 failed 2',
      'a:k1 applying 3',
      'a:k1 applied 3',
      'a verified',
    ]);
    const failed = (await h.journal()).find((e) => e.phase === 'failed');
    expect(failed?.error).toEqual({
      code: 'unavailable',
      name: 'UnavailableError',
      message: 'Graph answered 503',
    });
    expect(target.applied).toEqual(['a:k1']);
  });

  it('waits exactly the Retry-After the service asked for', async () => {
    const target = new RecordingTarget();
    const h = harness([
      targetStep(target, 'a', ['k1'], {
        beforeApply: (_key, attempt) => {
          if (attempt === 1) throw new ThrottledError(7_250);
        },
      }),
    ]);
    const { runId } = await h.createRun();

    await h.runner.execute(runId);

    const journal = await h.journal();
    const failedAt = Date.parse(journal[1]!.at);
    const retriedAt = Date.parse(journal[2]!.at);
    expect(journal[1]!.phase).toBe('failed');
    expect(journal[2]!.phase).toBe('applying');
    expect(retriedAt - failedAt).toBe(7_250);
    expect(retrying(h.events)).toEqual([{ attempt: 1, delayMs: 7_250 }]);
  });

  it('backs off exponentially with full jitter, capped, when no Retry-After is given', async () => {
    const target = new RecordingTarget();
    const randoms = [0.5, 0.25, 0.999, 0.999, 0.1];
    const h = harness(
      [
        targetStep(target, 'a', ['k1'], {
          beforeApply: () => {
            throw new UnavailableError('LDAP server busy');
          },
        }),
      ],
      { retry: { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 500 }, random: () => randoms.shift() ?? 0 },
    );
    const { runId } = await h.createRun();

    expect(await h.runner.execute(runId)).toMatchObject({ status: 'failed' });

    // Ceilings 100, 200, 400, 500 (capped), 500 (capped), each scaled by the injected random.
    expect(retrying(h.events)).toEqual([
      { attempt: 1, delayMs: 50 },
      { attempt: 2, delayMs: 50 },
      { attempt: 3, delayMs: 399 },
      { attempt: 4, delayMs: 499 },
      { attempt: 5, delayMs: 50 },
    ]);
    const applying = (await h.journal()).filter((e) => e.phase === 'applying');
    expect(applying.map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    const gaps = applying.slice(1).map((e, i) => Date.parse(e.at) - Date.parse(applying[i]!.at));
    expect(gaps).toEqual([50, 50, 399, 499, 50]);
  });

  it('computes the backoff ceiling from the attempt number and never exceeds the cap', () => {
    const policy = { ...defaultRetryPolicy, baseDelayMs: 1_000, maxDelayMs: 8_000 };
    const justUnderOne = () => 0.999_999;
    expect(
      [1, 2, 3, 4, 5, 10].map((n) => retryDelayMs(new UnavailableError('x'), n, policy, justUnderOne)),
    ).toEqual([999, 1_999, 3_999, 7_999, 7_999, 7_999]);
    expect(retryDelayMs(new ThrottledError(60_000), 1, policy, justUnderOne)).toBe(60_000);
    expect(retryDelayMs(new UnavailableError('x', { retryAfterMs: 1_500 }), 3, policy, justUnderOne)).toBe(
      1_500,
    );
  });

  it('does not retry a permanent failure', async () => {
    const target = new RecordingTarget();
    const h = harness([
      targetStep(target, 'a', ['k1'], {
        beforeApply: () => {
          throw new PermissionDeniedError('Insufficient privileges to disable the account');
        },
      }),
    ]);
    const { runId } = await h.createRun();

    expect(await h.runner.execute(runId)).toMatchObject({ status: 'failed' });

    expect(describeJournal(await h.journal())).toEqual(['a:k1 applying 1', 'a:k1 failed 1', 'a failed']);
    expect(h.clock.sleeps.filter((ms) => ms < 100_000)).toEqual([]);
  });

  it('retries a lagging verification, and fails one that keeps reading back the wrong state after the verification window', async () => {
    const target = new RecordingTarget();
    const h = harness([
      targetStep(target, 'lagging', ['k1'], {
        verify: (call) => {
          if (call === 1) throw new VerificationError('Replica not updated yet');
          return ok();
        },
      }),
      targetStep(target, 'wrong', ['k1'], { verify: () => fail('account still enabled') }),
    ]);
    const { runId } = await h.createRun();

    const outcome = await h.runner.execute(runId);

    expect(outcome).toMatchObject({ status: 'completed-with-errors', counts: { done: 1, failed: 1 } });
    const stepEntries = (await h.journal()).filter((e) => e.changeKey === undefined);
    // Reads are eventually consistent: a wrong read-back is retried over the verification window (8 attempts).
    expect(stepEntries.map((e) => [e.stepId, e.phase, e.attempt, e.error?.message])).toEqual(
      expect.arrayContaining([
        ['wrong', 'failed', 8, 'Verification failed: account still enabled'],
        ['lagging', 'verified', 2, undefined],
      ]),
    );
    expect(stepEntries).toHaveLength(2);
  });
});

/**
 * Found by the fault soak at a quarter of the documented throttling limits: Exchange writes of several
 * runs competing for one budget were each told "Retry after 2 seconds" again and again, used up the
 * runner's five attempts and failed their step. Throttling is the service pacing the caller, not a
 * failure of the call: it must not use up the attempts, within a bounded total wait.
 */
import { describe, expect, it } from 'vitest';
import { ThrottledError, UnavailableError } from '../../../src/core/errors.js';
import { defaultRetryPolicy } from '../../../src/core/runner/index.js';
import { harness, RecordingTarget, targetStep } from './support/runner-fixtures.js';

describe('Runner under throttling', () => {
  it('keeps honouring Retry-After beyond the attempt budget, and applies the change once', async () => {
    const target = new RecordingTarget();
    const h = harness([
      targetStep(target, 'a', ['k1'], {
        beforeApply: (_key, attempt) => {
          if (attempt <= 12) throw new ThrottledError(2_000);
        },
      }),
    ]);
    const { runId } = await h.createRun();

    expect(await h.runner.execute(runId)).toMatchObject({ status: 'completed' });
    expect(target.applied).toEqual(['a:k1']);
  });

  it('still gives a failing call its full attempt budget after being throttled', async () => {
    const target = new RecordingTarget();
    const h = harness([
      targetStep(target, 'a', ['k1'], {
        beforeApply: (_key, attempt) => {
          if (attempt <= 8) throw new ThrottledError(1_000);
          if (attempt <= 8 + defaultRetryPolicy.maxAttempts - 1) throw new UnavailableError('503');
        },
      }),
    ]);
    const { runId } = await h.createRun();

    expect(await h.runner.execute(runId)).toMatchObject({ status: 'completed' });
  });

  it('fails the step once throttling has made it wait longer than the throttling budget', async () => {
    const target = new RecordingTarget();
    const h = harness(
      [
        targetStep(target, 'a', ['k1'], {
          beforeApply: () => {
            throw new ThrottledError(60_000);
          },
        }),
      ],
      { retry: { maxThrottledWaitMs: 180_000 } },
    );
    const { runId } = await h.createRun();

    expect(await h.runner.execute(runId)).toMatchObject({ status: 'failed' });
    const attempts = (await h.journal()).filter((e) => e.phase === 'applying').length;
    // Three paced waits of 60 s fit the budget, then the attempt budget applies as usual.
    expect(attempts).toBe(3 + defaultRetryPolicy.maxAttempts);
    expect(target.applied).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { notifyDelegate } from '../../../../src/core/offboard/notice-step.js';
import type { DelegateNotice, NoticeResult, Notifier, Ports } from '../../../../src/core/ports/index.js';
import { defaultRetryPolicy } from '../../../../src/core/runner/index.js';
import type { Plan } from '../../../../src/core/step.js';
import { FakeClock } from '../support/fake-clock.js';
import { describeJournal, harness } from '../support/runner-fixtures.js';
import { unusedPorts } from '../support/unused-ports.js';

const notice: DelegateNotice = {
  requestId: 'REQ-20261123-ABCDEF',
  delegate: { id: 'm1', userPrincipalName: 'max@contoso.com', displayName: 'Max Muster' },
  leaver: { userPrincipalName: 'lee@contoso.com', displayName: 'Lee' },
  requestedBy: 'Olga',
};

const plan: Plan = {
  steps: [
    {
      stepId: notifyDelegate.id,
      system: notifyDelegate.system,
      title: notifyDelegate.title,
      dependsOn: [],
      changes: [{ key: 'notice:max@contoso.com', description: 'Send a handover notice', data: { notice } }],
    },
  ],
};

const undelivered: NoticeResult = {
  channel: 'none',
  detail: 'Teams failed (Bot Connector answered 503) and no sender mailbox is configured',
};

/** A notifier answering `results` in turn, the last one for good. */
function scriptedNotifier(results: NoticeResult[]): Notifier & { calls: number } {
  const notifier = {
    calls: 0,
    notifyDelegate: () => {
      const result = results[Math.min(notifier.calls, results.length - 1)];
      notifier.calls += 1;
      return Promise.resolve(result ?? undelivered);
    },
  };
  return notifier;
}

async function runNotice(notifier: Notifier) {
  const clock = new FakeClock();
  const ports: Ports = { ...unusedPorts(clock), notifier };
  const h = harness([notifyDelegate], { clock, ports });
  await h.store.runs.create({ id: 'run-1', requestId: notice.requestId, status: 'queued', plan, input: {} });
  const outcome = await h.runner.execute('run-1');
  return { outcome, journal: await h.journal() };
}

describe('notify.delegate', () => {
  it('tries an undelivered notice again (a bare Error was never retried) and succeeds once a channel works', async () => {
    const notifier = scriptedNotifier([undelivered, { channel: 'teams' }]);

    const { outcome, journal } = await runNotice(notifier);

    expect(outcome).toMatchObject({ status: 'completed' });
    expect(notifier.calls).toBe(2);
    expect(describeJournal(journal)).toEqual([
      'notify.delegate:notice:max@contoso.com applying 1',
      'notify.delegate:notice:max@contoso.com failed 1',
      'notify.delegate:notice:max@contoso.com applying 2',
      'notify.delegate:notice:max@contoso.com applied 2',
      'notify.delegate verified',
    ]);
  });

  it('fails after its retries with a message saying who did not get the notice and why', async () => {
    const notifier = scriptedNotifier([undelivered]);

    const { outcome, journal } = await runNotice(notifier);

    expect(outcome).toMatchObject({ status: 'failed' });
    expect(notifier.calls).toBe(defaultRetryPolicy.maxAttempts);
    expect(journal.find((e) => e.phase === 'failed')?.error).toEqual({
      code: 'unavailable',
      name: 'UnavailableError',
      message:
        "Couldn't deliver the handover notice to Max Muster (max@contoso.com): Teams failed " +
        '(Bot Connector answered 503) and no sender mailbox is configured',
    });
  });
});

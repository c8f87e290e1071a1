/**
 * "Retry failed steps" through the RunService: the request service checks the actor, the state and
 * the card's version; a step whose planning failed is planned again and runs with what it blocked.
 */
import { describe, expect, it } from 'vitest';
import { PermissionDeniedError } from '../../../../src/core/errors.js';
import { FlowRegistry } from '../../../../src/core/flows/registry.js';
import { silentLog } from '../../../../src/core/ports/log.js';
import { Runner } from '../../../../src/core/runner/runner.js';
import { RunService } from '../../../../src/core/runs/run-service.js';
import type { Step } from '../../../../src/core/step.js';
import { createMemoryStore } from '../../../support/memory-store.js';
import { FakeClock } from '../support/fake-clock.js';
import { RecordingTarget, targetStep } from '../support/runner-fixtures.js';
import { unusedPorts } from '../support/unused-ports.js';
import { approvedRequest, operator, RecordingReporter, requestService, StepsFlow } from './runs-fixtures.js';

function setup(steps: (target: RecordingTarget) => Step[]) {
  const clock = new FakeClock(Date.now());
  const store = createMemoryStore();
  const target = new RecordingTarget();
  const flows = new FlowRegistry([new StepsFlow(steps(target), clock)]);
  const runner = new Runner({
    store,
    steps: flows.steps(),
    ports: unusedPorts(clock),
    owner: 'test',
    clock,
    random: () => 0.5,
    leaseMs: 600_000,
  });
  const reporter = new RecordingReporter();
  let n = 0;
  const service = new RunService({
    store,
    runner,
    requestService: requestService(store, clock),
    flows,
    reporter,
    clock,
    log: silentLog,
    newRunId: () => `run-${++n}`,
  });
  return { store, target, reporter, service };
}

describe('RunService: retry failed steps', () => {
  it('re-plans a step whose planning failed and runs it with the steps it blocked (issue 19, item 4)', async () => {
    let isDenied = true;
    const { store, target, reporter, service } = setup((t) => [
      targetStep(t, 'exo.convert', ['k1']),
      targetStep(t, 'spo.grant-onedrive', ['site-admin'], {
        beforePlan: () => {
          if (isDenied) throw new PermissionDeniedError('Reading the OneDrive is not allowed');
        },
      }),
      targetStep(t, 'entra.remove-licences', ['E3'], { dependsOn: ['exo.convert', 'spo.grant-onedrive'] }),
      targetStep(t, 'notify.delegate', ['notice'], { dependsOn: ['spo.grant-onedrive'] }),
    ]);
    const request = await approvedRequest(store, new FakeClock(), 'REQ-R1');
    await service.start(request, {});
    await service.idle();

    const failed = await store.requests.get('REQ-R1');
    expect(failed?.state).toBe('completed-with-errors');
    expect(target.applied).toEqual(['exo.convert:k1']);
    const steps = reporter.finished[0]?.view.summary.steps ?? [];
    expect(steps.find((s) => s.stepId === 'spo.grant-onedrive')).toMatchObject({
      status: 'failed',
      error: 'Planning failed: Reading the OneDrive is not allowed',
    });
    // The summary's Retry carries the version the request got when the run's status was recorded.
    expect(reporter.finished[0]?.view.request.version).toBe(failed?.version);

    isDenied = false;
    const decision = await service.retryFailed(operator, 'REQ-R1', failed?.version ?? 0);
    expect(decision.isDone).toBe(true);
    await service.idle();

    expect(target.applied).toEqual([
      'exo.convert:k1',
      'spo.grant-onedrive:site-admin',
      'entra.remove-licences:E3',
      'notify.delegate:notice',
    ]);
    const done = await store.requests.get('REQ-R1');
    expect(done?.state).toBe('completed');
    expect(reporter.finished[1]?.view.summary.counts).toMatchObject({ done: 4, failed: 0, skipped: 0 });
  });

  it('refuses a replayed or stale Retry, audits it and re-opens nothing (issue 19, item 5)', async () => {
    let isDenied = true;
    const { store, target, service } = setup((t) => [
      targetStep(t, 'a', ['k1'], {
        beforeApply: () => {
          if (isDenied) throw new PermissionDeniedError('Missing Exchange role');
        },
      }),
    ]);
    const request = await approvedRequest(store, new FakeClock(), 'REQ-R2');
    await service.start(request, {});
    await service.idle();
    const failed = await store.requests.get('REQ-R2');
    expect(failed?.state).toBe('failed');
    const version = failed?.version ?? 0;

    isDenied = false;
    expect((await service.retryFailed(operator, 'REQ-R2', version)).isDone).toBe(true);
    await service.idle();
    isDenied = true;
    const completed = await store.requests.get('REQ-R2');
    expect(completed?.state).toBe('completed');
    const journalLength = (await store.journal.list(completed?.runId ?? '')).length;

    // The same card clicked again, and a card of a version that never existed.
    for (const stale of [version, version + 7]) {
      const replay = await service.retryFailed(operator, 'REQ-R2', stale);
      expect(replay).toMatchObject({ isDone: false, code: 'stale' });
      if (!replay.isDone) expect(replay.message).toContain('out of date');
    }
    await service.idle();
    expect(await store.requests.get('REQ-R2')).toEqual(completed);
    expect(await store.journal.list(completed?.runId ?? '')).toHaveLength(journalLength);
    expect(target.applied).toEqual(['a:k1']);
    const refused = (await store.audit.list({ requestId: 'REQ-R2' })).filter(
      (e) => e.type === 'action.refused',
    );
    expect(refused.map((e) => [e.details['action'], e.details['code']])).toEqual([
      ['retry', 'stale'],
      ['retry', 'stale'],
    ]);
  });

  it('refuses to retry a request without a run, changing nothing', async () => {
    const { store, service } = setup((t) => [targetStep(t, 'a', ['k1'])]);
    const request = await approvedRequest(store, new FakeClock(), 'REQ-R3');
    const decision = await service.retryFailed(operator, 'REQ-R3', request.version);
    expect(decision).toMatchObject({ isDone: false, code: 'wrong-state' });
    expect(await store.requests.get('REQ-R3')).toEqual(request);
  });
});

import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../../src/core/errors.js';
import { FlowRegistry } from '../../../../src/core/flows/registry.js';
import { silentLog } from '../../../../src/core/ports/log.js';
import { Runner } from '../../../../src/core/runner/runner.js';
import { RunService } from '../../../../src/core/runs/run-service.js';
import type { RevokeSummary } from '../../../../src/core/revoke/revoke-summary.js';
import { createMemoryStore } from '../../../support/memory-store.js';
import { FakeClock } from '../support/fake-clock.js';
import { RecordingTarget, targetStep } from '../support/runner-fixtures.js';
import { unusedPorts } from '../support/unused-ports.js';
import { approvedRequest, operator, RecordingReporter, requestService, StepsFlow } from './runs-fixtures.js';

function setup(
  options: {
    results?: ConstructorParameters<typeof StepsFlow>[2];
    deps?: Partial<ConstructorParameters<typeof RunService>[0]>;
  } = {},
) {
  // The store stamps `updatedAt` with the real time; the stranded check compares it with the clock.
  const clock = new FakeClock(Date.now());
  const store = createMemoryStore();
  const target = new RecordingTarget();
  const steps = [
    targetStep(target, 'a', ['k1', 'k2']),
    targetStep(target, 'b', ['k3'], { dependsOn: ['a'] }),
  ];
  const flow = new StepsFlow(steps, clock, options.results);
  const flows = new FlowRegistry([flow]);
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
  const requests = requestService(store, clock);
  let n = 0;
  const service = new RunService({
    store,
    runner,
    requestService: requests,
    flows,
    reporter,
    clock,
    log: silentLog,
    newRunId: () => `run-${++n}`,
    strandedAfterMs: 30_000,
    ...options.deps,
  });
  return { clock, store, target, flow, reporter, service, requests };
}

describe('RunService', () => {
  it('plans, shows progress where the request was approved, runs, finishes the flow and then the request', async () => {
    const { store, target, flow, reporter, service } = setup();
    const request = await approvedRequest(store, new FakeClock(), 'REQ-1');

    const runId = await service.start(request, { conversation: 'approvals' });
    await service.idle();

    expect(runId).toBe('run-1');
    expect(target.applied).toEqual(['a:k1', 'a:k2', 'b:k3']);
    expect(reporter.opened).toHaveLength(1);
    expect(reporter.opened[0]?.target).toEqual({ conversation: 'approvals' });
    expect(reporter.opened[0]?.view.summary.changes.total).toBe(3);
    expect(flow.finished).toEqual(['REQ-1:run-1']);
    expect(reporter.finished).toHaveLength(1);
    expect(reporter.finished[0]).toMatchObject({
      runId: 'run-1',
      location: { messageId: 'msg-1' },
      view: { status: 'completed', results: [] },
    });
    expect((await store.requests.get('REQ-1'))?.state).toBe('completed');
    // The progress location is stored with the run, so another instance updates the same message.
    expect((await store.runs.get('run-1'))?.progress).toMatchObject({ location: { messageId: 'msg-1' } });
  });

  it('hands the flow results to the reporter with the summary', async () => {
    const summary = { ticket_id: 'T-1' } as unknown as RevokeSummary;
    const { store, reporter, service } = setup({ results: [{ kind: 'revoke-summary', summary }] });
    await service.start(await approvedRequest(store, new FakeClock(), 'REQ-2'), {});
    await service.idle();
    expect(reporter.finished[0]?.view.results).toEqual([{ kind: 'revoke-summary', summary }]);
  });

  it('measures elapsed time on the injected clock', async () => {
    const { clock, store, reporter, service } = setup();
    const request = await approvedRequest(store, clock, 'REQ-3');
    await service.start(request, {});
    await service.idle();
    expect(reporter.finished[0]?.view.elapsedMs).toBe(0);
  });

  it('starts the run of a request a crashed start left running without one, after the stranded time', async () => {
    const { clock, store, target, reporter, service, requests } = setup();
    const request = await approvedRequest(store, clock, 'REQ-4');
    await store.conversations.save('progress:REQ-4', { conversation: 'chat' });
    // The crashed instance claimed the request for run-x and died before creating the run.
    await requests.setState(request.id, 'running', { runId: 'run-x' });

    expect(await service.resumeAbandoned()).toBe(0);
    expect(target.applied).toEqual([]);

    // Past the stranded time with room for the real milliseconds the store's `updatedAt` moved on.
    await clock.sleep(60_000);
    await service.resumeAbandoned();
    await service.idle();
    expect(target.applied).toEqual(['a:k1', 'a:k2', 'b:k3']);
    expect(reporter.opened[0]?.target).toEqual({ conversation: 'chat' });
    expect((await store.requests.get('REQ-4'))?.state).toBe('completed');
  });

  it('starts a request approved by a click whose process died before the run started, once', async () => {
    const { clock, store, target, reporter, service } = setup({
      deps: {
        isStartedElsewhere: (request) =>
          request.options['schedule'] !== undefined || request.options['bulk'] !== undefined,
        requesterTarget: async (requestId) =>
          (await store.conversations.get(`requester-conversation:${requestId}`)) as object | undefined,
      },
    });
    const approvedBy = async (id: string, options: Record<string, unknown> = {}) => {
      const request = await approvedRequest(store, clock, id, options);
      const at = new Date(clock.now()).toISOString();
      const voted = { ...request, approvals: [{ approver: operator, decision: 'approved' as const, at }] };
      await store.requests.update({ ...voted, version: 2 }, 1);
    };
    await approvedBy('REQ-A');
    await store.conversations.save('requester-conversation:REQ-A', { conversation: 'requester' });
    // A batch's leaver (approved by its batch, which starts it), an offboarding at a leave date to come
    // and a bulk batch approved by people (its own service starts it).
    await approvedRequest(store, clock, 'REQ-BATCH');
    await approvedBy('REQ-LATER', { schedule: { dueAt: '2099-01-01T09:00:00.000Z' } });
    await approvedBy('REQ-BULK', { bulk: { items: [] } });

    // Not before a start could still be under way.
    await service.resumeAbandoned();
    expect((await store.requests.get('REQ-A'))?.state).toBe('approved');

    await clock.sleep(60_000);
    await service.resumeAbandoned();
    await service.resumeAbandoned();
    await service.idle();
    expect(target.applied).toEqual(['a:k1', 'a:k2', 'b:k3']);
    expect(reporter.opened).toHaveLength(1);
    expect(reporter.opened[0]?.target).toEqual({ conversation: 'requester' });
    expect((await store.requests.get('REQ-A'))?.state).toBe('completed');
    expect((await store.requests.get('REQ-BATCH'))?.state).toBe('approved');
    expect((await store.requests.get('REQ-LATER'))?.state).toBe('approved');
    expect((await store.requests.get('REQ-BULK'))?.state).toBe('approved');
  });

  it('starts no approved request without knowing which ones other services start', async () => {
    const { clock, store, target, service } = setup();
    const request = await approvedRequest(store, clock, 'REQ-B');
    const at = new Date(clock.now()).toISOString();
    await store.requests.update(
      { ...request, approvals: [{ approver: operator, decision: 'approved', at }], version: 2 },
      1,
    );
    await clock.sleep(60_000);
    await service.resumeAbandoned();
    await service.idle();
    expect(target.applied).toEqual([]);
    expect((await store.requests.get('REQ-B'))?.state).toBe('approved');
  });

  it('refuses a request of a kind no flow is configured for, changing nothing', async () => {
    const { store, service } = setup();
    const request = {
      ...(await approvedRequest(store, new FakeClock(), 'REQ-5')),
      kind: 'provision' as const,
    };
    await expect(service.start(request, {})).rejects.toBeInstanceOf(ConflictError);
    expect((await store.requests.get('REQ-5'))?.state).toBe('approved');
  });

  it('refuses to retry a request without a run', async () => {
    const { store, service } = setup();
    const request = await approvedRequest(store, new FakeClock(), 'REQ-6');
    expect(await service.retryFailed(operator, request.id, request.version)).toMatchObject({
      isDone: false,
      code: 'wrong-state',
    });
    expect((await store.requests.get('REQ-6'))?.state).toBe('approved');
  });
});

import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../../src/core/errors.js';
import type { BulkItem } from '../../../../src/core/offboard/bulk-offboard.js';
import { silentLog } from '../../../../src/core/ports/log.js';
import { Runner } from '../../../../src/core/runner/runner.js';
import { bulkQueueKind, BulkRunService } from '../../../../src/core/runs/bulk-run-service.js';
import { createMemoryStore } from '../../../support/memory-store.js';
import { FakeClock } from '../support/fake-clock.js';
import { RecordingTarget, targetStep } from '../support/runner-fixtures.js';
import { unusedPorts } from '../support/unused-ports.js';
import { approvedRequest, requestService, StepsFlow, subject } from './runs-fixtures.js';

const item = (n: number): BulkItem => ({
  line: n,
  userPrincipalName: subject(n).userPrincipalName,
  status: 'ready',
  subject: subject(n),
  delegate: null,
  isProtected: false,
  changeCount: 1,
  stepCount: 1,
});

function setup() {
  const clock = new FakeClock(Date.now());
  const store = createMemoryStore();
  const target = new RecordingTarget();
  const flow = new StepsFlow([targetStep(target, 'a', ['k'])], clock);
  const requests = requestService(store, clock);
  const service = (owner: string) =>
    new BulkRunService({
      store,
      runner: new Runner({
        store,
        steps: flow.steps,
        ports: unusedPorts(clock),
        owner,
        clock,
        random: () => 0.5,
        leaseMs: 60_000,
      }),
      requestService: requests,
      offboard: flow,
      clock,
      log: silentLog,
      claimMs: 60_000,
      maxConcurrentRuns: 1,
    });
  const batch = (id: string, n: number) =>
    approvedRequest(store, clock, id, {
      bulk: { source: 'list', items: Array.from({ length: n }, (_, i) => item(i + 1)), totals: {} },
    });
  return { clock, store, target, requests, service, batch };
}

describe('BulkRunService', () => {
  it('runs every ready leaver as its own child request and run, then finishes the batch', async () => {
    const { store, service, batch } = setup();
    const parent = await batch('REQ-B1', 3);
    const report = await service('a').execute(parent);
    expect(report.status).toBe('completed');
    expect(report.results.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    expect(new Set(report.results.map((r) => r.requestId)).size).toBe(3);
    expect((await store.requests.get('REQ-B1'))?.state).toBe('completed');
    expect((await store.queue.get(bulkQueueKind, 'REQ-B1'))?.status).toBe('done');
  });

  it('refuses a batch another instance is executing, changing nothing', async () => {
    const { clock, store, service, batch } = setup();
    const parent = await batch('REQ-B2', 2);
    await store.queue.enqueue({ kind: bulkQueueKind, key: parent.id, payload: {} });
    await store.queue.claimKey(bulkQueueKind, parent.id, clock.now(), 60_000);
    await expect(service('b').execute(parent)).rejects.toBeInstanceOf(ConflictError);
    expect(await store.state.get(`bulk-children:${parent.id}`)).toBeUndefined();
  });

  it('resumes a batch whose executor died once its claim lapsed, reusing the children it created', async () => {
    const { clock, store, target, requests, service, batch } = setup();
    const parent = await batch('REQ-B3', 3);
    // A dead instance claimed the batch, created the first child and its run, and stopped.
    await requests.setState(parent.id, 'running');
    await store.queue.enqueue({ kind: bulkQueueKind, key: parent.id, payload: {} });
    await store.queue.claimKey(bulkQueueKind, parent.id, clock.now(), 60_000);
    const first = await requests.create({
      kind: 'offboard',
      subject: subject(1),
      options: {},
      requester: parent.requester,
      approvalsRequired: 0,
    });
    await requests.setState(first.id, 'approved');
    await store.state.set(`bulk-children:${parent.id}`, { [subject(1).id]: first.id });

    const survivor = service('survivor');
    expect(await survivor.resumeAbandoned()).toBe(0);

    await clock.sleep(60_000);
    expect(await survivor.resumeAbandoned()).toBe(1);
    await survivor.idle();

    expect((await store.requests.get(parent.id))?.state).toBe('completed');
    const children = (await store.state.get(`bulk-children:${parent.id}`)) as Record<string, string>;
    expect(Object.keys(children)).toHaveLength(3);
    expect(children[subject(1).id]).toBe(first.id);
    expect(target.applied).toEqual(['a:k']);
    for (const id of Object.values(children)) expect((await store.requests.get(id))?.state).toBe('completed');
  });

  it('keeps its claim alive while a batch runs longer than the claim', async () => {
    const { clock, store, batch } = setup();
    const parent = await batch('REQ-B4', 1);
    const slow = new StepsFlow(
      [
        targetStep(new RecordingTarget(), 'a', ['k'], {
          beforeApply: () => clock.sleep(200_000),
        }),
      ],
      clock,
    );
    const service = new BulkRunService({
      store,
      runner: new Runner({
        store,
        steps: slow.steps,
        ports: unusedPorts(clock),
        owner: 'x',
        clock,
        leaseMs: 60_000,
      }),
      requestService: requestService(store, clock),
      offboard: slow,
      clock,
      log: silentLog,
      claimMs: 60_000,
    });
    const running = service.execute(parent);
    await clock.sleep(150_000);
    // Another instance's resume poll finds nothing to take over.
    expect(await store.queue.claimDue(bulkQueueKind, clock.now(), 1, 60_000)).toEqual([]);
    expect((await running).status).toBe('completed');
  });
});

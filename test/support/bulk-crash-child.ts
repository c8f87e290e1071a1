/**
 * The bulk crash test's worker process, on the embedded store (PGlite) in a data folder.
 *   setup  <dataDir>                              store an approved batch of six leavers
 *   run    <dataDir> <targetFile> <killAt>        execute the batch; SIGKILL itself right after its
 *                                                 killAt-th write to the target
 *   resume <dataDir> <targetFile> <reportFile>    as another instance: wait for the batch's claim to
 *                                                 lapse, resume it to the end and report
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BulkItem } from '../../src/core/offboard/bulk-offboard.js';
import { systemClock } from '../../src/core/ports/clock.js';
import { silentLog } from '../../src/core/ports/log.js';
import type { Store } from '../../src/core/ports/store.js';
import { buildPlan, Runner } from '../../src/core/runner/index.js';
import { BulkRunService } from '../../src/core/runs/bulk-run-service.js';
import { fail, ok, type Step } from '../../src/core/step.js';
import { openStore } from '../../src/store/index.js';
import { approvedRequest, requestService, subject } from '../unit/core/runs/runs-fixtures.js';
import { unusedPorts } from '../unit/core/support/unused-ports.js';
import { FileTarget } from './crash-target.js';

export const bulkCrashParentId = 'REQ-20261204-BULK';
export const bulkCrashLeavers = 6;
export const bulkCrashStepKeys: Record<string, string[]> = {
  'entra.block-sign-in': ['block', 'sessions'],
  'exo.convert-shared': ['shared'],
};

export interface BulkCrashReport {
  parentState: string | undefined;
  children: Record<string, string>;
  childStates: string[];
  /** Offboarding requests per leaver (exactly one each: no child was created twice). */
  requestsPerLeaver: number[];
  target: string[];
}

const ports = unusedPorts(systemClock);

/** Steps whose changes are keyed by the leaver, so the target file shows each leaver's changes. */
function steps(target: FileTarget): Step<{ user: string }>[] {
  return Object.entries(bulkCrashStepKeys).map(([id, keys]) => ({
    id,
    system: id.startsWith('exo') ? 'exchange' : 'entra',
    title: id,
    plan: async ({ input }) =>
      keys
        .filter((key) => !target.has(id, `${input.user}:${key}`))
        .map((key) => ({ key: `${input.user}:${key}`, description: key, data: {}, before: {} })),
    apply: async (change) => {
      target.write(id, change.key);
      return {};
    },
    verify: async (changes) =>
      changes.every((c) => target.has(id, c.key)) ? ok() : fail('a change is missing on the target'),
  }));
}

function service(store: Store, target: FileTarget, owner: string): BulkRunService {
  const list = steps(target);
  const flow = {
    plan: (request: { subject: { userPrincipalName: string } }) =>
      buildPlan(list, {
        input: { user: request.subject.userPrincipalName },
        ports,
        signal: new AbortController().signal,
      }),
    inputFor: (request: { subject: { userPrincipalName: string } }) => ({
      user: request.subject.userPrincipalName,
    }),
  };
  return new BulkRunService({
    store,
    runner: new Runner({ store, steps: list, ports, owner, leaseMs: 1_000, heartbeatMs: 250 }),
    requestService: requestService(store, systemClock),
    offboard: flow,
    clock: systemClock,
    log: silentLog,
    maxConcurrentRuns: 2,
    claimMs: 2_000,
    pollMs: 200,
  });
}

async function setup(dataDir: string): Promise<void> {
  const store = await openStore({ dataDir });
  const items: BulkItem[] = Array.from({ length: bulkCrashLeavers }, (_, i) => ({
    line: i + 1,
    userPrincipalName: subject(i + 1).userPrincipalName,
    status: 'ready',
    subject: subject(i + 1),
    delegate: null,
    isProtected: false,
    changeCount: 3,
    stepCount: 2,
  }));
  // The batch's own subject is not a leaver.
  const batch = { id: 'batch', userPrincipalName: 'batch-of-6', displayName: 'Batch of 6', isSynced: false };
  await approvedRequest(
    store,
    systemClock,
    bulkCrashParentId,
    { bulk: { source: 'list', items, totals: {} } },
    batch,
  );
  await store.close();
}

async function run(dataDir: string, targetFile: string, killAt: number): Promise<void> {
  let writes = 0;
  const target = new FileTarget(targetFile, () => {
    writes += 1;
    if (writes === killAt) process.kill(process.pid, 'SIGKILL');
  });
  const store = await openStore({ dataDir });
  const parent = await store.requests.get(bulkCrashParentId);
  if (!parent) throw new Error('no batch');
  await service(store, target, 'instance-a').execute(parent);
  await store.close();
}

async function resume(dataDir: string, targetFile: string, reportFile: string): Promise<void> {
  const target = new FileTarget(targetFile);
  const store = await openStore({ dataDir });
  const survivor = service(store, target, 'instance-b');
  const deadline = Date.now() + 30_000;
  while ((await survivor.resumeAbandoned()) === 0) {
    if (Date.now() > deadline) throw new Error('the batch was never resumed');
    await systemClock.sleep(250);
  }
  await survivor.idle();
  const children = ((await store.state.get(`bulk-children:${bulkCrashParentId}`)) ?? {}) as Record<
    string,
    string
  >;
  const report: BulkCrashReport = {
    parentState: (await store.requests.get(bulkCrashParentId))?.state,
    children,
    childStates: await Promise.all(
      Object.values(children).map(async (id) => (await store.requests.get(id))?.state ?? 'missing'),
    ),
    requestsPerLeaver: await Promise.all(
      Array.from(
        { length: bulkCrashLeavers },
        async (_, i) =>
          (await store.requests.listBySubject(subject(i + 1).userPrincipalName)).filter(
            (r) => r.kind === 'offboard',
          ).length,
      ),
    ),
    target: target.lines().map((line) => `${line.stepId}:${line.key}`),
  };
  writeFileSync(reportFile, JSON.stringify(report));
  await store.close();
}

const [mode, ...args] = process.argv.slice(2);
const isMain = process.argv[1] === fileURLToPath(import.meta.url);
const work = !isMain
  ? Promise.resolve()
  : mode === 'setup'
    ? setup(args[0]!)
    : mode === 'run'
      ? run(args[0]!, args[1]!, Number(args[2]))
      : mode === 'resume'
        ? resume(args[0]!, args[1]!, args[2]!)
        : Promise.reject(new Error(`unknown mode ${String(mode)}`));
work.catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

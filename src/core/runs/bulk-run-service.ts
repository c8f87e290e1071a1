/**
 * Executes an approved bulk offboarding: every ready leaver becomes an ordinary child request
 * (approved by the batch's approvals, audited as such) with its own run, executed by the shared
 * Runner. The Runner's per-system limits bound the calls of all runs together, so the batch goes as
 * fast as the throttling budgets allow; `maxConcurrentRuns` only bounds open leases and memory.
 *
 * A batch is durable like a single run: it is claimed in the work queue (`offboard.bulk`, one item per
 * batch) and its claim is kept alive while it executes. When the process dies, the claim lapses and
 * `resumeAbandoned` (any instance) claims the batch and executes it again: children already created
 * are reused, their runs resumed from the journal or awaited, and the leavers not yet started start.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, describeError } from '../errors.js';
import type { LifecycleRequest } from '../model.js';
import {
  bulkOf,
  childOptions,
  isBulkRequest,
  withoutRepeatsWhenDone,
  type BulkItem,
} from '../offboard/bulk-offboard.js';
import type { Flow } from '../flows/flow.js';
import type { Clock } from '../ports/clock.js';
import { errorSummary, type Log } from '../ports/log.js';
import type { QueueItem, RunStatus, Store } from '../ports/store.js';
import type { RequestService } from '../requests/request-service.js';
import type { Runner } from '../runner/runner.js';
import { limiterRank } from '../runner/system-limits.js';
import type { Plan } from '../step.js';

export type BulkResultStatus = RunStatus | 'not-started';

export interface BulkResult {
  line: number;
  userPrincipalName: string;
  displayName: string;
  isProtected: boolean;
  requestId?: string;
  runId?: string;
  status: BulkResultStatus;
  /** Steps by outcome, when the run finished. */
  counts?: { done: number; failed: number; skipped: number; nothingToDo: number };
  error?: string;
}

export interface BulkReport {
  requestId: string;
  status: 'completed' | 'completed-with-errors' | 'failed' | 'cancelled';
  results: BulkResult[];
  wallMs: number;
}

export interface BulkRunServiceDeps {
  store: Store;
  runner: Runner;
  requestService: RequestService;
  /** The single-leaver flow every child runs. */
  offboard: Pick<Flow, 'plan' | 'inputFor'>;
  clock: Clock;
  log: Log;
  /**
   * Child runs executing at once. Default 128: while the first permission inventory is scanned, each
   * run waits in its mailbox-rights steps after its other changes; 64 left the write budget idle
   * for 40 s of a 500-leaver batch once every run was waiting.
   */
  maxConcurrentRuns?: number;
  /** How long a batch's claim lasts without renewal (renewed every third of it). Default 60 s. */
  claimMs?: number;
  /** How often a child run another instance holds is looked at again. Default 1 s. */
  pollMs?: number;
  newRunId?: () => string;
}

export interface BulkExecuteOptions {
  /** Overrides the default for this batch. */
  maxConcurrentRuns?: number;
  onResult?: (result: BulkResult, done: number, total: number) => void;
  /** A child's run plan was made (its run starts next). */
  onPlanned?: (plan: Plan, item: BulkItem) => void;
}

export const bulkQueueKind = 'offboard.bulk';
const childKey = (parentId: string): string => `bulk-children:${parentId}`;

export class BulkRunService {
  private readonly claimMs: number;
  /** Batches this process is executing. */
  private readonly active = new Map<string, Promise<BulkReport>>();

  constructor(private readonly deps: BulkRunServiceDeps) {
    this.claimMs = deps.claimMs ?? 60_000;
  }

  /**
   * Run an approved batch to the end. Running a batch again resumes it (children already created are
   * reused). ConflictError when another instance is executing it.
   */
  async execute(parent: LifecycleRequest, options: BulkExecuteOptions = {}): Promise<BulkReport> {
    if (!isBulkRequest(parent)) throw new ConflictError(`Request ${parent.id} is not a bulk offboarding.`);
    const { requestService, store, clock } = this.deps;
    const started = await requestService.setState(parent.id, 'running');
    if (!started.isDone) throw new ConflictError(`Batch ${parent.id} can't start: ${started.message}`);
    await store.queue.enqueue({ kind: bulkQueueKind, key: parent.id, payload: {} });
    const claim = await store.queue.claimKey(bulkQueueKind, parent.id, clock.now(), this.claimMs);
    if (!claim) throw new ConflictError(`Batch ${parent.id} is being executed by another instance.`);
    return this.executeClaimed(started.request, claim, options);
  }

  /**
   * Claim and finish batches whose executor died (their claim lapsed). Returns how many were resumed;
   * they run in the background (see `idle`).
   */
  async resumeAbandoned(): Promise<number> {
    let count = 0;
    for (;;) {
      const [claim] = await this.deps.store.queue.claimDue(
        bulkQueueKind,
        this.deps.clock.now(),
        1,
        this.claimMs,
      );
      if (!claim) return count;
      const parent = await this.deps.requestService.get(claim.key);
      if (parent?.state !== 'running' || this.active.has(parent.id)) {
        if (!this.active.has(claim.key)) await this.deps.store.queue.complete(claim.id);
        continue;
      }
      this.deps.log.info({ requestId: parent.id }, 'resuming a bulk offboarding whose executor stopped');
      count++;
      void this.executeClaimed(parent, claim, {}).catch((error: unknown) => {
        this.deps.log.error(
          { err: errorSummary(error), requestId: parent.id },
          'resumed bulk offboarding failed',
        );
      });
    }
  }

  /** Resolves when every batch this process executes has finished (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()]);
  }

  private executeClaimed(
    parent: LifecycleRequest,
    claim: QueueItem,
    options: BulkExecuteOptions,
  ): Promise<BulkReport> {
    const work = this.withClaim(claim, () => this.runBatch(parent, options)).finally(() =>
      this.active.delete(parent.id),
    );
    this.active.set(parent.id, work);
    return work;
  }

  /** Keeps the batch's claim alive while `work` runs; completes it when `work` finished. */
  private async withClaim<T>(claim: QueueItem, work: () => Promise<T>): Promise<T> {
    const { queue } = this.deps.store;
    const stop = new AbortController();
    const renew = async (): Promise<void> => {
      while (!stop.signal.aborted) {
        try {
          await this.deps.clock.sleep(Math.floor(this.claimMs / 3), stop.signal);
        } catch {
          return;
        }
        const isKept = await queue
          .extendClaim(claim.id, claim.attempts, this.deps.clock.now() + this.claimMs)
          .catch(() => false);
        if (!isKept) this.deps.log.warn({ requestId: claim.key }, 'lost the claim on a bulk offboarding');
      }
    };
    const renewing = renew();
    try {
      const result = await work();
      await queue.complete(claim.id);
      return result;
    } finally {
      stop.abort();
      await renewing;
    }
  }

  private async runBatch(parent: LifecycleRequest, options: BulkExecuteOptions): Promise<BulkReport> {
    const { requestService, store, clock } = this.deps;
    const startedAt = clock.now();
    const items = bulkOf(parent).items.filter((i) => i.status === 'ready');
    const children = ((await store.state.get(childKey(parent.id))) ?? {}) as Record<string, string>;
    const results: BulkResult[] = [];
    const isCancelledNow = this.cancellationCheck(parent.id);
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length) {
        const rank = ++next;
        const item = items[rank - 1] as BulkItem;
        // The leaver started first is served first by the per-system limits (`limiterRank`).
        const running = limiterRank.run(rank, () =>
          this.runOne(parent, item, children, options, isCancelledNow),
        );
        const result = await running.catch((error: unknown): BulkResult => {
          const { name, message } = describeError(error);
          return { ...baseResult(item), status: 'failed', error: `${name}: ${message}` };
        });
        results.push(result);
        options.onResult?.(result, ++done, items.length);
      }
    };
    const size = Math.max(
      1,
      Math.min(options.maxConcurrentRuns ?? this.deps.maxConcurrentRuns ?? 128, items.length),
    );
    await Promise.all(Array.from({ length: size }, worker));

    results.sort((a, b) => a.line - b.line);
    const current = await requestService.get(parent.id);
    const isCancelled = current?.state === 'cancelled';
    const status: BulkReport['status'] = isCancelled
      ? 'cancelled'
      : results.every((r) => r.status === 'completed')
        ? 'completed'
        : results.some((r) => r.status === 'completed' || r.status === 'completed-with-errors')
          ? 'completed-with-errors'
          : 'failed';
    if (!isCancelled) await requestService.setState(parent.id, status);
    return { requestId: parent.id, status, results, wallMs: clock.now() - startedAt };
  }

  private async runOne(
    parent: LifecycleRequest,
    item: BulkItem,
    children: Record<string, string>,
    options: BulkExecuteOptions,
    isCancelled: () => Promise<boolean>,
  ): Promise<BulkResult> {
    const { requestService, store } = this.deps;
    const base = baseResult(item);
    if (await isCancelled()) return { ...base, status: 'not-started', error: 'batch cancelled' };
    if (!item.subject) return { ...base, status: 'not-started', error: 'no subject' };

    const key = item.subject.id;
    let child = children[key] ? await requestService.get(children[key]) : null;
    if (!child) {
      const created = await requestService.create({
        kind: 'offboard',
        subject: item.subject,
        options: { ...childOptions(item, bulkOf(parent).options) },
        requester: parent.requester,
        approvalsRequired: 0,
      });
      children[key] = created.id;
      await store.state.set(childKey(parent.id), children);
      await store.audit.append({
        at: new Date(this.deps.clock.now()).toISOString(),
        type: 'bulk.child-approved',
        requestId: created.id,
        actor: { system: 'bulk' },
        details: {
          parentRequestId: parent.id,
          approvers: parent.approvals.map((a) => a.approver.aadObjectId),
        },
      });
      const approved = await requestService.setState(created.id, 'approved');
      child = approved.isDone ? approved.request : created;
    }
    const withRequest = { ...base, requestId: child.id };
    if (child.runId) return this.finishExisting(withRequest, child.runId);

    const plan = withoutRepeatsWhenDone(await this.deps.offboard.plan(child));
    options.onPlanned?.(plan, item);
    const runId = this.deps.newRunId?.() ?? randomUUID();
    await store.runs.create({
      id: runId,
      requestId: child.id,
      status: 'queued',
      plan,
      input: this.deps.offboard.inputFor(child),
    });
    await requestService.setState(child.id, 'running', { runId });
    const outcome = await this.deps.runner.execute(runId);
    if (outcome.kind !== 'finished') return this.finishExisting({ ...withRequest, runId }, runId);
    await requestService.setState(child.id, outcome.status);
    return {
      ...withRequest,
      runId,
      status: outcome.status,
      counts: {
        done: outcome.counts.done,
        failed: outcome.counts.failed,
        skipped: outcome.counts.skipped,
        nothingToDo: outcome.counts.nothingToDo,
      },
    };
  }

  /**
   * Whether the batch was cancelled, read at most once a second however many leavers start: the
   * parent request carries the whole list, and reading it for each of 500 leavers read it 500 times.
   */
  private cancellationCheck(parentId: string): () => Promise<boolean> {
    let checked: { at: number; answer: Promise<boolean> } | undefined;
    return () => {
      const now = this.deps.clock.now();
      if (!checked || now - checked.at >= 1000) {
        const answer = this.deps.requestService.get(parentId).then((r) => r?.state === 'cancelled');
        checked = { at: now, answer };
      }
      return checked.answer;
    };
  }

  /** A run created before (a resumed batch) or held by another claimer: run it or wait for it. */
  private async finishExisting(result: Omit<BulkResult, 'status'>, runId: string): Promise<BulkResult> {
    for (;;) {
      const run = await this.deps.store.runs.get(runId);
      if (!run) return { ...result, runId, status: 'failed', error: 'run disappeared' };
      if (run.status !== 'queued' && run.status !== 'running') {
        await this.deps.requestService.setState(run.requestId, run.status);
        return { ...result, runId, status: run.status };
      }
      const outcome = await this.deps.runner.execute(runId);
      if (outcome.kind === 'finished') {
        await this.deps.requestService.setState(run.requestId, outcome.status);
        return { ...result, runId, status: outcome.status };
      }
      await this.deps.clock.sleep(this.deps.pollMs ?? 1000);
    }
  }
}

function baseResult(item: BulkItem): Omit<BulkResult, 'status'> {
  return {
    line: item.line,
    userPrincipalName: item.userPrincipalName,
    displayName: item.subject?.displayName ?? item.userPrincipalName,
    isProtected: item.isProtected,
  };
}

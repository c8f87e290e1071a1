/**
 * Executes an approved bulk offboarding: every ready leaver becomes an ordinary child request
 * (approved by the batch's approvals, audited as such) with its own run, executed by the shared
 * Runner. The Runner's per-system limits bound the calls of all runs together, so the batch goes as
 * fast as the throttling budgets allow; `maxConcurrentRuns` only bounds open leases and memory.
 */
import type { Logger } from 'pino';
import type { LifecycleRequest } from '../core/model.js';
import { bulkOf, childOptions, type BulkItem } from '../core/offboard/bulk-offboard.js';
import type { OffboardFlow } from '../core/offboard/offboard-flow.js';
import type { RunStatus, Store } from '../core/ports/store.js';
import type { RequestService } from '../core/requests/request-service.js';
import type { Runner } from '../core/runner/runner.js';
import { randomUUID } from 'node:crypto';

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

export interface BulkRunnerDeps {
  store: Store;
  runner: Runner;
  requestService: RequestService;
  offboard: OffboardFlow;
  logger: Logger;
  /** Child runs executing at once. Default 64. */
  maxConcurrentRuns?: number;
}

export interface BulkExecuteOptions {
  /** Overrides the runner's default for this batch. */
  maxConcurrentRuns?: number;
  onResult?: (result: BulkResult, done: number, total: number) => void;
}

const childKey = (parentId: string): string => `bulk-children:${parentId}`;

export class BulkRunner {
  constructor(private readonly deps: BulkRunnerDeps) {}

  /** Run an approved batch to the end. Re-running a batch resumes it (children already created are reused). */
  async execute(parent: LifecycleRequest, options: BulkExecuteOptions = {}): Promise<BulkReport> {
    const startedAt = Date.now();
    const { requestService, store } = this.deps;
    const started = await requestService.setState(parent.id, 'running');
    if (!started.isDone) throw new Error(`Batch ${parent.id} can't start: ${started.message}`);
    const items = bulkOf(parent).items.filter((i) => i.status === 'ready');
    const children = ((await store.state.get(childKey(parent.id))) ?? {}) as Record<string, string>;
    const results: BulkResult[] = [];
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length) {
        const item = items[next++] as BulkItem;
        const result = await this.runOne(parent, item, children).catch((error: unknown): BulkResult => ({
          ...this.baseResult(item),
          status: 'failed',
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        }));
        results.push(result);
        options.onResult?.(result, ++done, items.length);
      }
    };
    const size = Math.max(
      1,
      Math.min(options.maxConcurrentRuns ?? this.deps.maxConcurrentRuns ?? 64, items.length),
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
    return { requestId: parent.id, status, results, wallMs: Date.now() - startedAt };
  }

  private baseResult(item: BulkItem): Omit<BulkResult, 'status'> {
    return {
      line: item.line,
      userPrincipalName: item.userPrincipalName,
      displayName: item.subject?.displayName ?? item.userPrincipalName,
      isProtected: item.isProtected,
    };
  }

  private async runOne(
    parent: LifecycleRequest,
    item: BulkItem,
    children: Record<string, string>,
  ): Promise<BulkResult> {
    const { requestService, store } = this.deps;
    const base = this.baseResult(item);
    const latest = await requestService.get(parent.id);
    if (latest?.state === 'cancelled') return { ...base, status: 'not-started', error: 'batch cancelled' };
    if (!item.subject) return { ...base, status: 'not-started', error: 'no subject' };

    const key = item.subject.id;
    let child = children[key] ? await requestService.get(children[key]) : null;
    if (!child) {
      const created = await requestService.create({
        kind: 'offboard',
        subject: item.subject,
        options: { ...childOptions(item) },
        requester: parent.requester,
        approvalsRequired: 0,
      });
      children[key] = created.id;
      await store.state.set(childKey(parent.id), children);
      await store.audit.append({
        at: new Date().toISOString(),
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

    const plan = await this.deps.offboard.plan(child);
    const runId = randomUUID();
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

  /** A run another claimer holds (a resumed process): wait for it to finish. */
  private async finishExisting(result: Omit<BulkResult, 'status'>, runId: string): Promise<BulkResult> {
    for (;;) {
      const run = await this.deps.store.runs.get(runId);
      if (!run) return { ...result, runId, status: 'failed', error: 'run disappeared' };
      if (run.status !== 'queued' && run.status !== 'running')
        return { ...result, runId, status: run.status };
      if (run.status === 'queued' && !run.owner) {
        const outcome = await this.deps.runner.execute(runId);
        if (outcome.kind === 'finished') {
          await this.deps.requestService.setState(run.requestId, outcome.status);
          return { ...result, runId, status: outcome.status };
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

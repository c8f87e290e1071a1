/**
 * The offboarding's later stages, relative to the leave date (the offboarding run's start): the
 * delegate's notice before their access ends, the delegation expiry, and the account deletion
 * (`scheduled-deletion.ts`). Each stage is an item of the durable work queue, so it survives restarts
 * and is handled once across instances; the expiry and the deletion are runs of their own
 * (`<request id>:delegation-expiry`, `<request id>:deletion`, each with its plan and journal) executed
 * by the shared Runner, so a crash mid-stage resumes from that journal. Before acting, the request is
 * read again: an offboarding that is no longer completed, or was undone, cancels its stages.
 */
import { describeError } from '../errors.js';
import type { LifecycleRequest } from '../model.js';
import type { Clock } from '../ports/clock.js';
import type { Policy } from '../policy/policy.js';
import type { Ports } from '../ports/index.js';
import { errorSummary, type Log } from '../ports/log.js';
import type { StageNotifier } from '../ports/stage-notifier.js';
import type { QueueItem, RunRecord, RunStatus, Store } from '../ports/store.js';
import { buildPlan } from '../runner/build-plan.js';
import type { Runner } from '../runner/runner.js';
import { summariseRun } from '../runner/summarise-run.js';
import { undoneMessage, undoOf } from '../undo/undo-of.js';
import { delegationExpirySteps } from './delegation-expiry-steps.js';
import type { OffboardInput } from './offboard-input.js';
import {
  deletionQueueKind,
  deletionRefusal,
  deletionRunId,
  deletionSteps,
  scheduleDeletion,
  type DeletionPayload,
} from './scheduled-deletion.js';
import { expiryTimes, noticeTime, type StagePolicy } from './stage-policy.js';

export const expiryQueueKind = 'offboard.delegation-expiry';
export const expiryNoticeQueueKind = 'offboard.expiry-notice';

/** The expiry stage's run: one per request, so a stage never runs twice. */
export const expiryRunId = (requestId: string): string => `${requestId}:delegation-expiry`;

/** An approved extension, kept with the expiry. */
export interface ExtensionRecord {
  requestedBy: string;
  approvedBy: string;
  at: string;
  fromDueMs: number;
  toDueMs: number;
}

/** The expiry's queue payload: when it is due, its version (moves with each extension) and history. */
export interface ExpiryPayload {
  requestId: string;
  leaveAtMs: number;
  dueMs: number;
  version: number;
  extensions: ExtensionRecord[];
}

interface NoticePayload {
  requestId: string;
  version: number;
}

export type StageState = 'scheduled' | 'running' | 'cancelled' | 'failed' | RunStatus;

/** One stage as the request card, `status` and the summary show it. */
export interface StageView {
  id: 'leave' | 'delegation-expiry-notice' | 'delegation-expiry' | 'deletion';
  title: string;
  /** ISO time the stage ran or is due. */
  at: string;
  state: StageState;
  runId?: string;
  /** Step counts of the stage's run, when it has one. */
  detail?: string;
}

export interface OffboardStagesDeps {
  store: Pick<Store, 'queue' | 'audit' | 'requests' | 'runs' | 'journal'>;
  runner: Pick<Runner, 'execute'>;
  /** The offboarding's input for a request (the expiry steps use the same input as the run). */
  inputFor(request: LifecycleRequest): OffboardInput;
  ports: Ports;
  notifier: StageNotifier;
  policy: StagePolicy;
  /** Whether an account is protected, read again before the deletion stage deletes it. */
  protection: Pick<Policy, 'isProtected'>;
  clock: Clock;
  log: Log;
  /** How long a worker holds a due stage; another instance takes it over after that. Default 10 min. */
  claimMs?: number;
}

const isOffboardDone = (request: LifecycleRequest | null): boolean =>
  request?.state === 'completed' || request?.state === 'completed-with-errors';
const finishedRunStatuses: readonly RunStatus[] = [
  'completed',
  'completed-with-errors',
  'failed',
  'cancelled',
];
const iso = (ms: number): string => new Date(ms).toISOString();

export class OffboardStages {
  constructor(private readonly deps: OffboardStagesDeps) {}

  get policy(): StagePolicy {
    return this.deps.policy;
  }

  /**
   * Called when the offboarding run finished: schedules the delegation expiry and its notice, when the
   * request gave someone access. The leave date is now (the run's end, until offboardings can be
   * scheduled for a date). Idempotent: a stage already scheduled (or extended) is kept.
   */
  async schedule(request: LifecycleRequest): Promise<void> {
    const input = this.deps.inputFor(request);
    const givesAccess = input.options.grantMailboxAccess || input.options.shareOneDrive;
    if (!input.delegate || !givesAccess) return;
    const leaveAtMs = this.deps.clock.now();
    const times = expiryTimes(this.deps.policy, leaveAtMs);
    if (!times) return;
    if (await this.deps.store.queue.get(expiryQueueKind, request.id)) return;
    const payload: ExpiryPayload = {
      requestId: request.id,
      leaveAtMs,
      dueMs: times.dueMs,
      version: 1,
      extensions: [],
    };
    await this.deps.store.queue.enqueue({
      kind: expiryQueueKind,
      key: request.id,
      payload,
      notBeforeMs: times.dueMs,
    });
    const notice: NoticePayload = { requestId: request.id, version: 1 };
    await this.deps.store.queue.enqueue({
      kind: expiryNoticeQueueKind,
      key: request.id,
      payload: notice,
      notBeforeMs: times.noticeMs,
    });
    await this.audit(request.id, 'stage.scheduled', {
      stage: 'delegation-expiry',
      delegate: input.delegate.userPrincipalName,
      dueAt: iso(times.dueMs),
      noticeAt: iso(times.noticeMs),
    });
  }

  /**
   * Called when the offboarding run finished with "delete after N days": the deletion stage, due N days
   * from now on this clock (so the sandbox's dev clock moves it too).
   */
  async scheduleDeletion(request: LifecycleRequest, afterDays: number): Promise<void> {
    await scheduleDeletion({ store: this.deps.store, clock: this.deps.clock }, request, afterDays);
  }

  /** Handles the due notices, then the due expiries and deletions; returns how many stages were handled. */
  async processDue(limit = 20): Promise<number> {
    const claimMs = this.deps.claimMs ?? 600_000;
    let handled = 0;
    const notices = await this.deps.store.queue.claimDue(
      expiryNoticeQueueKind,
      this.deps.clock.now(),
      limit,
      claimMs,
    );
    for (const item of notices) {
      if (await this.guarded(item, () => this.sendNotice(item))) handled++;
    }
    const expiries = await this.deps.store.queue.claimDue(
      expiryQueueKind,
      this.deps.clock.now(),
      limit,
      claimMs,
    );
    for (const item of expiries) {
      if (await this.guarded(item, () => this.expire(item))) handled++;
    }
    const deletions = await this.deps.store.queue.claimDue(
      deletionQueueKind,
      this.deps.clock.now(),
      limit,
      claimMs,
    );
    for (const item of deletions) {
      if (await this.guarded(item, () => this.deleteAccount(item))) handled++;
    }
    return handled;
  }

  /** The stages of an offboarding, in time order (empty for other requests). */
  async stagesOf(request: LifecycleRequest): Promise<StageView[]> {
    if (request.kind !== 'offboard') return [];
    const stages: StageView[] = [];
    const leaveRun = request.runId ? await this.deps.store.runs.get(request.runId) : null;
    if (leaveRun) {
      stages.push({
        id: 'leave',
        title: 'At the leave date: the offboarding',
        at: leaveRun.createdAt,
        state: leaveRun.status,
        runId: leaveRun.id,
      });
    }
    const expiry = await this.deps.store.queue.get(expiryQueueKind, request.id);
    if (expiry) {
      const payload = expiry.payload as ExpiryPayload;
      const notice = await this.deps.store.queue.get(expiryNoticeQueueKind, request.id);
      if (notice) {
        stages.push({
          id: 'delegation-expiry-notice',
          title: 'Notice to the delegate, with Extend',
          at: iso(noticeTime(this.deps.policy, payload.dueMs)),
          state: this.queueState(notice),
        });
      }
      const run = await this.deps.store.runs.get(expiryRunId(request.id));
      const extended =
        payload.extensions.length > 0 ? ` (extended ${String(payload.extensions.length)}×)` : '';
      stages.push({
        id: 'delegation-expiry',
        title: `Delegate's mailbox and OneDrive access ends${extended}`,
        at: iso(payload.dueMs),
        // Done without a run: the offboarding was no longer completed when it was due.
        state: run ? run.status : expiry.status === 'done' ? 'cancelled' : this.queueState(expiry),
        ...(run && { runId: run.id, detail: await this.runDetail(run) }),
      });
    }
    const deletion = await this.deps.store.queue.get(deletionQueueKind, request.subject.id);
    if (deletion && (deletion.payload as { requestId?: string }).requestId === request.id) {
      const run = await this.deps.store.runs.get(deletionRunId(request.id));
      stages.push({
        id: 'deletion',
        title: 'Account deleted (restorable for 30 days)',
        at: run
          ? run.createdAt
          : iso(deletion.status === 'done' ? Date.parse(deletion.updatedAt) : deletion.nextAttemptAt),
        // Done without a run: a re-check cancelled it, or it ran before deletions were runs.
        state: run
          ? run.status
          : deletion.status === 'done'
            ? (await this.wasDeletedBeforeRuns(request.id))
              ? 'completed'
              : 'cancelled'
            : this.queueState(deletion),
        ...(run && { runId: run.id, detail: await this.runDetail(run) }),
      });
    }
    return stages.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }

  private async wasDeletedBeforeRuns(requestId: string): Promise<boolean> {
    const events = await this.deps.store.audit.list({ requestId, limit: 1000 });
    return events.some((e) => e.type === 'deletion.applied');
  }

  private queueState(item: QueueItem): StageState {
    switch (item.status) {
      case 'pending':
        return 'scheduled';
      case 'claimed':
        return 'running';
      case 'done':
        return 'completed';
      case 'dead':
        return 'failed';
    }
  }

  private async runDetail(run: RunRecord): Promise<string> {
    const summary = summariseRun(run.plan, await this.deps.store.journal.list(run.id));
    return `${String(summary.changes.applied)}/${String(summary.changes.total)} changes`;
  }

  /** Runs one stage's handler; a failure puts the item back with a backoff (at most 6 h), dead after 10. */
  private async guarded(item: QueueItem, handle: () => Promise<boolean>): Promise<boolean> {
    try {
      return await handle();
    } catch (error) {
      const described = describeError(error);
      const retryAt =
        item.attempts >= 10 ? null : this.deps.clock.now() + Math.min(2 ** item.attempts, 360) * 60_000;
      this.deps.log.warn({ err: errorSummary(error), kind: item.kind, key: item.key }, 'stage failed');
      const payload = item.payload as { requestId: string };
      await this.audit(payload.requestId, 'stage.failed', {
        stage: item.kind,
        error: described.message,
        willRetry: retryAt !== null,
      });
      await this.deps.store.queue.fail(item.id, described.message, retryAt);
      return false;
    }
  }

  /**
   * A stage due while its offboarding runs again (retry failed steps) waits for the run to end
   * instead of being cancelled.
   */
  private async postponeWhileRunning(item: QueueItem, request: LifecycleRequest | null): Promise<boolean> {
    if (request?.state !== 'running') return false;
    await this.deps.store.queue.fail(
      item.id,
      'the offboarding is running again',
      this.deps.clock.now() + 600_000,
    );
    return true;
  }

  /** Ends a stage without acting, saying why in the audit. */
  private async cancelStage(item: QueueItem, requestId: string, reason: string): Promise<boolean> {
    await this.audit(requestId, 'stage.cancelled', { stage: item.kind, reason });
    await this.deps.store.queue.complete(item.id);
    return false;
  }

  private async sendNotice(item: QueueItem): Promise<boolean> {
    const payload = item.payload as NoticePayload;
    const request = await this.deps.store.requests.get(payload.requestId);
    const expiry = await this.deps.store.queue.get(expiryQueueKind, payload.requestId);
    const expiryPayload = expiry?.payload as ExpiryPayload | undefined;
    if (await this.postponeWhileRunning(item, request)) return false;
    if (!request || !isOffboardDone(request)) {
      return this.cancelStage(item, payload.requestId, `the offboarding is ${request?.state ?? 'gone'}`);
    }
    if (
      !expiry ||
      !expiryPayload ||
      expiry.status !== 'pending' ||
      expiryPayload.version !== payload.version
    ) {
      // An extension moved the expiry (and queued a new notice), or the expiry already ran.
      await this.deps.store.queue.complete(item.id);
      return false;
    }
    const undo = await undoOf(this.deps.store.requests, request);
    if (undo) return this.cancelStage(item, request.id, undoneMessage(request, undo));
    const input = this.deps.inputFor(request);
    if (!input.delegate) return this.cancelStage(item, request.id, 'the offboarding has no delegate');
    const result = await this.deps.notifier.notifyExpiry({
      requestId: request.id,
      version: expiryPayload.version,
      delegate: input.delegate,
      leaver: { userPrincipalName: input.leaver.userPrincipalName, displayName: input.leaver.displayName },
      expiresAt: iso(expiryPayload.dueMs),
      canExtend: expiryPayload.extensions.length < this.deps.policy.maxExtensions,
      extensionDays: this.deps.policy.extensionDays,
    });
    if (result.channel === 'none') {
      throw new Error(`The expiry notice could not be delivered: ${result.detail ?? 'no channel'}`);
    }
    await this.audit(request.id, 'stage.notice-sent', {
      stage: 'delegation-expiry-notice',
      delegate: input.delegate.userPrincipalName,
      channel: result.channel,
      expiresAt: iso(expiryPayload.dueMs),
    });
    await this.deps.store.queue.complete(item.id);
    return true;
  }

  /**
   * The expiry: its run is created once (planned now, against live state) and executed; a run that
   * exists already (a crash, another instance) is resumed or, when finished, recorded.
   */
  private async expire(item: QueueItem): Promise<boolean> {
    const payload = item.payload as ExpiryPayload;
    const runId = expiryRunId(payload.requestId);
    let run = await this.deps.store.runs.get(runId);
    if (!run) {
      const request = await this.deps.store.requests.get(payload.requestId);
      if (await this.postponeWhileRunning(item, request)) return false;
      if (!request || !isOffboardDone(request)) {
        return this.cancelStage(item, payload.requestId, `the offboarding is ${request?.state ?? 'gone'}`);
      }
      const undo = await undoOf(this.deps.store.requests, request);
      if (undo) return this.cancelStage(item, request.id, undoneMessage(request, undo));
      const input = this.deps.inputFor(request);
      const plan = await buildPlan(
        delegationExpirySteps,
        { input, ports: this.deps.ports, signal: new AbortController().signal },
        { clock: this.deps.clock },
      );
      await this.deps.store.runs.create({ id: runId, requestId: request.id, status: 'queued', plan, input });
      await this.audit(request.id, 'stage.started', { stage: 'delegation-expiry', runId }, runId);
      run = await this.deps.store.runs.get(runId);
    }
    if (run && !finishedRunStatuses.includes(run.status)) {
      const outcome = await this.deps.runner.execute(runId);
      if (outcome.kind !== 'finished') {
        // Another worker executes it (its lease is live): look again in a minute.
        await this.deps.store.queue.fail(
          item.id,
          `the expiry run is ${outcome.kind}`,
          this.deps.clock.now() + 60_000,
        );
        return false;
      }
      run = await this.deps.store.runs.get(runId);
    }
    if (!run) throw new Error(`The expiry run ${runId} is gone from the store`);
    await this.audit(
      payload.requestId,
      'stage.finished',
      { stage: 'delegation-expiry', runId, status: run.status, changes: await this.runDetail(run) },
      runId,
    );
    await this.deps.store.queue.complete(item.id);
    return true;
  }

  /**
   * The deletion: the account is checked again (request, undo, still there, still disabled, not
   * protected), then its run is created once and executed; a run that exists already (a crash, another
   * instance) is resumed or, when finished, recorded. Items queued before deletions were runs carry the
   * same payload and run the same way.
   */
  private async deleteAccount(item: QueueItem): Promise<boolean> {
    const payload = item.payload as DeletionPayload;
    const runId = deletionRunId(payload.requestId);
    const audit = (type: string, details: Record<string, unknown>): Promise<void> =>
      this.audit(payload.requestId, type, { user: payload.userPrincipalName, ...details }, runId);
    let run = await this.deps.store.runs.get(runId);
    if (!run) {
      const request = await this.deps.store.requests.get(payload.requestId);
      if (await this.postponeWhileRunning(item, request)) return false;
      const reason = await deletionRefusal(
        { store: this.deps.store, users: this.deps.ports.users, protection: this.deps.protection },
        request,
        payload,
      );
      if (!request || reason) {
        await this.audit(payload.requestId, 'deletion.cancelled', {
          user: payload.userPrincipalName,
          reason: reason ?? 'the offboarding request is gone',
        });
        await this.deps.store.queue.complete(item.id);
        return false;
      }
      const input = this.deps.inputFor(request);
      const plan = await buildPlan(
        deletionSteps,
        { input, ports: this.deps.ports, signal: new AbortController().signal },
        { clock: this.deps.clock },
      );
      await this.deps.store.runs.create({ id: runId, requestId: request.id, status: 'queued', plan, input });
      await audit('stage.started', { stage: 'deletion', runId });
      run = await this.deps.store.runs.get(runId);
    }
    if (run && !finishedRunStatuses.includes(run.status)) {
      const outcome = await this.deps.runner.execute(runId);
      if (outcome.kind !== 'finished') {
        await this.deps.store.queue.fail(
          item.id,
          `the deletion run is ${outcome.kind}`,
          this.deps.clock.now() + 60_000,
        );
        return false;
      }
      run = await this.deps.store.runs.get(runId);
    }
    if (!run) throw new Error(`The deletion run ${runId} is gone from the store`);
    const changes = await this.runDetail(run);
    await audit('stage.finished', { stage: 'deletion', runId, status: run.status, changes });
    if (run.status === 'completed') {
      // Evidence for `restore`: this account was found disabled and not protected when it was deleted.
      await audit('deletion.applied', { restorableForDays: 30, wasProtected: false });
    }
    await this.deps.store.queue.complete(item.id);
    return true;
  }

  private audit(
    requestId: string,
    type: string,
    details: Record<string, unknown>,
    runId?: string,
  ): Promise<void> {
    return this.deps.store.audit.append({
      at: iso(this.deps.clock.now()),
      type,
      requestId,
      ...(runId && { runId }),
      actor: { system: 'offboarding-stages' },
      details,
    });
  }
}

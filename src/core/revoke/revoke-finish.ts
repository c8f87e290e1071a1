/**
 * The end of a run that removed mailbox rights (a revoke request, or an offboarding with that option):
 * the summary JSON is built from a final live verification, validated, stored for exports, and handed
 * in the background to the ticket webhook (revoke requests; offboardings too when the organisation
 * says so) and to the notification recipients. Their outcomes are audited and never change the run's
 * result.
 */
import type { LifecycleRequest } from '../model.js';
import type { Clock } from '../ports/clock.js';
import { errorSummary, silentLog, type Log } from '../ports/log.js';
import type { RunRecord, RunStatus, Store } from '../ports/store.js';
import type { DiscoveryDeps } from './discovery.js';
import { permissionTypes, revokeInputOf, type PermissionType, type RevokeInput } from './input.js';
import type { RevokeNotifier, RevokeOutcomeNotice } from './revoke-notice.js';
import { reportRevokeRun, revokeSummaryKey, type SummaryDelivery } from './revoke-report.js';
import { revokeStepIds } from './revoke-steps.js';
import type { RevokeSummary } from './revoke-summary.js';

export interface RevokeFinishDeps {
  discovery: DiscoveryDeps;
  store: Pick<Store, 'journal' | 'state' | 'audit'>;
  clock: Clock;
  /** The organisation's name in the summary. */
  company: string;
  webhook?: SummaryDelivery;
  /** Also send the summaries of offboardings' revokes to the ticket webhook. Default false. */
  isWebhookForOffboarding?: boolean;
  /** The organisation's default scope, as the steps use it for offboardings. Default all four. */
  defaultPermissionTypes?: readonly PermissionType[];
  /** Tells the organisation's recipients when a revoke completes or fails. */
  notifier?: RevokeNotifier;
  log?: Log;
}

const revokeIds: ReadonlySet<string> = new Set<string>(Object.values(revokeStepIds));

/** Where a sent notice is remembered, so a resumed finish does not tell the recipients twice. */
const noticeKey = (runId: string, status: RunStatus): string => `revoke-notice:${runId}:${status}`;

export class RevokeRunFinisher {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly deps: RevokeFinishDeps) {}

  /** Resolves once the notices started so far are sent and recorded (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** The summary of the run's revoke steps; null when it had none or was cancelled. */
  async finish(request: LifecycleRequest, run: RunRecord, status: RunStatus): Promise<RevokeSummary | null> {
    if (status === 'cancelled') return null;
    if (!run.plan.steps.some((s) => revokeIds.has(s.stepId))) return null;
    const { store } = this.deps;
    const input = this.inputOf(request, run);
    const user = {
      email: request.subject.mail ?? request.subject.userPrincipalName,
      displayName: request.subject.displayName,
    };
    const webhook = this.webhookFor(request);
    let report: Awaited<ReturnType<typeof reportRevokeRun>>;
    try {
      report = await reportRevokeRun({
        input,
        deps: this.deps.discovery,
        plan: { steps: run.plan.steps.filter((s) => revokeIds.has(s.stepId)) },
        journal: await store.journal.list(run.id),
        user,
        company: this.deps.company,
        ...(webhook && { webhook }),
      });
    } catch (error) {
      // The verification could not read Exchange: nobody can say the rights are gone, so that is a failure.
      this.notify(request, run, {
        ...this.noticeBase(request, input, user),
        status: 'failed',
        totalRemoved: 0,
        remaining: 0,
        allCleared: false,
        problem: `the final verification failed (${errorSummary(error).message})`,
      });
      throw error;
    }
    const summary = report.summary;
    await store.state.set(revokeSummaryKey(request.id), summary);
    if (report.ticket) {
      void report.ticket.then((delivery) =>
        store.audit.append({
          at: new Date(this.deps.clock.now()).toISOString(),
          type: delivery.isDelivered ? 'ticket.updated' : 'ticket.failed',
          requestId: request.id,
          actor: { system: 'ticket-webhook' },
          details: {
            attempts: delivery.attempts,
            ...(delivery.status !== undefined && { status: delivery.status }),
          },
        }),
      );
    }
    const v = summary.verification;
    this.notify(request, run, {
      ...this.noticeBase(request, input, user),
      status,
      totalRemoved: summary.removal_summary.total_permissions_removed,
      remaining:
        v.remaining_full_access +
        v.remaining_send_as +
        v.remaining_send_on_behalf +
        v.remaining_calendar_delegates +
        v.remaining_shared_mailboxes,
      allCleared: v.all_permissions_cleared,
    });
    return summary;
  }

  /**
   * The run's revoke request; an offboarding's carries the organisation's default scope and the
   * request's ticket id, so the summary sent to the ticket system names its ticket.
   */
  private inputOf(request: LifecycleRequest, run: RunRecord): RevokeInput {
    const input = revokeInputOf(run.input, this.deps.defaultPermissionTypes ?? permissionTypes);
    if (input.ticketId === undefined && request.ticketId !== undefined) {
      return { ...input, ticketId: request.ticketId };
    }
    return input;
  }

  private webhookFor(request: LifecycleRequest): SummaryDelivery | undefined {
    if (request.kind === 'revoke') return this.deps.webhook;
    return request.kind === 'offboard' && this.deps.isWebhookForOffboarding === true
      ? this.deps.webhook
      : undefined;
  }

  private noticeBase(
    request: LifecycleRequest,
    input: RevokeInput,
    user: RevokeOutcomeNotice['user'],
  ): Pick<RevokeOutcomeNotice, 'requestId' | 'requestKind' | 'user' | 'ticketId'> {
    return {
      requestId: request.id,
      requestKind: request.kind,
      user,
      ...(input.ticketId !== undefined && { ticketId: input.ticketId }),
    };
  }

  /** In the background, once per run and status (a resumed finish finds the record and stays quiet). */
  private notify(request: LifecycleRequest, run: RunRecord, notice: RevokeOutcomeNotice): void {
    const notifier = this.deps.notifier;
    if (!notifier) return;
    const { store, clock } = this.deps;
    const key = noticeKey(run.id, notice.status);
    const task = (async () => {
      const sent = await store.state.get(key);
      if (sent !== null && sent !== undefined) return;
      const delivery = await notifier.revokeFinished(notice);
      await store.state.set(key, { ...delivery, at: new Date(clock.now()).toISOString() });
      await store.audit.append({
        at: new Date(clock.now()).toISOString(),
        type: delivery.problems.length === 0 ? 'revoke.notified' : 'revoke.notice-failed',
        requestId: request.id,
        runId: run.id,
        actor: { system: 'revoke-notice' },
        details: {
          status: notice.status,
          isPostedToChannel: delivery.isPostedToChannel,
          mailedTo: delivery.mailedTo,
          problems: delivery.problems,
        },
      });
    })().catch((error: unknown) => {
      (this.deps.log ?? silentLog).error(
        { requestId: request.id, err: errorSummary(error) },
        'recording the revoke notice failed',
      );
    });
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  }
}

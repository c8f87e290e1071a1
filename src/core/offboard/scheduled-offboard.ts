/**
 * Scheduled offboarding: a request confirmed and approved ahead of the leave date waits in the
 * `scheduled` state, with one item in the durable work queue (kind `offboard.scheduled`, keyed by the
 * request id). The item is due first at the reminder time, then at the due time. At the due time the
 * plan is read again: when it grew beyond what was approved (the leaver became protected, e.g. by a new
 * privileged role; the delegate left; changes the approvers never saw), the request goes back to
 * approval instead of running. Otherwise the run starts through the run service, whose claim of the
 * request (`scheduled` → `running`, a compare-and-set on the version) lets exactly one instance start
 * it, even when a crashed worker's queue item is handed out again.
 */
import { ConflictError, describeError } from '../errors.js';
import type { LifecycleRequest, Principal } from '../model.js';
import type { Policy } from '../policy/policy.js';
import type { Clock } from '../ports/clock.js';
import { errorSummary, type Log } from '../ports/log.js';
import type { QueueItem, Store } from '../ports/store.js';
import type { Users } from '../ports/users.js';
import { revokeStepIds } from '../revoke/revoke-steps.js';
import type { Decision, RequestService } from '../requests/request-service.js';
import type { Plan } from '../step.js';
import { describeLeaveTime, leaveScheduleOf, type LeaveSchedule } from './leave-time.js';

/** Steps whose changes are discovered at run time: the rights on other mailboxes. */
const foundAtRunTime: ReadonlySet<string> = new Set(Object.values(revokeStepIds));

export const scheduledOffboardKind = 'offboard.scheduled';

type Phase = 'remind' | 'run' | 'drop';

/** The queue item's payload (JSON). */
interface SchedulePayload {
  requestId: string;
  phase: Phase;
  /** Where progress is shown when the run starts (the requester's conversation). */
  target: object;
  /** `stepId:changeKey` of every change the approvers saw. */
  approvedChanges: string[];
}

/** What people are told about a scheduled request (the Teams layer implements it). */
export interface ScheduleNotices {
  /** The run starts soon: to the requester and the approvers. */
  remind(request: LifecycleRequest, schedule: LeaveSchedule): Promise<void>;
  /** The plan grew: the new plan goes to the approvers, the requester is told why. */
  askApproval(request: LifecycleRequest, plan: Plan, reasons: readonly string[]): Promise<void>;
}

export interface ScheduledOffboardDeps {
  store: Pick<Store, 'queue' | 'requests' | 'audit'>;
  requestService: RequestService;
  /** Plans the request against live state (the offboarding flow). */
  flow: { plan(request: LifecycleRequest): Promise<Plan> };
  /** Starts an approved or scheduled request's run (the run service). */
  starter: { start(request: LifecycleRequest, target: object): Promise<string> };
  users: Pick<Users, 'getUser'>;
  policy: Pick<Policy, 'recheckProtection'>;
  notices: ScheduleNotices;
  /** Decides what is due; in sandbox mode it may run ahead of the wall clock (dev clock offset). */
  clock: Clock;
  log: Log;
  /** How long before the due time the reminder goes out. */
  reminderBeforeMs: number;
  /** How long a claimed item is held before another instance may take it over. Default 60 s. */
  claimMs?: number;
}

export class ScheduledOffboarding {
  private running: Promise<number> | undefined;

  constructor(private readonly deps: ScheduledOffboardDeps) {}

  get clock(): Clock {
    return this.deps.clock;
  }

  /** True when the request carries a due time still to come: it is scheduled, not started. */
  isAhead(request: LifecycleRequest): boolean {
    const schedule = request.kind === 'offboard' ? leaveScheduleOf(request.options) : undefined;
    return schedule !== undefined && Date.parse(schedule.dueAt) > this.deps.clock.now();
  }

  /**
   * An approved request with a due time to come: its queue item first (so a crash right after
   * leaves an item that finds the request and schedules it), then the `scheduled` state.
   */
  async schedule(request: LifecycleRequest, target: object, approvedPlan: Plan): Promise<Decision> {
    const schedule = leaveScheduleOf(request.options);
    if (!schedule) throw new ConflictError(`Request ${request.id} has no due time`);
    await this.enqueue(
      { requestId: request.id, phase: 'run', target, approvedChanges: changeKeys(approvedPlan) },
      schedule,
    );
    const decision = await this.deps.requestService.setState(request.id, 'scheduled');
    if (decision.isDone) {
      await this.audit('schedule.queued', request.id, {
        dueAt: schedule.dueAt,
        timeZone: schedule.timeZone,
        local: schedule.local,
      });
    }
    return decision;
  }

  /** The requester or an approver moves the due time (validated by the caller) before the run starts. */
  async reschedule(
    actor: Principal,
    requestId: string,
    version: number | undefined,
    schedule: LeaveSchedule,
  ): Promise<Decision> {
    const decision = await this.deps.requestService.reschedule(actor, requestId, version, schedule);
    if (!decision.isDone) return decision;
    const current = await this.deps.store.queue.get(scheduledOffboardKind, requestId);
    const prior = current?.payload as Partial<SchedulePayload> | undefined;
    await this.enqueue(
      {
        requestId,
        phase: 'run',
        target: prior?.target ?? {},
        // Without the approved plan (never expected), every change counts as new: approval again.
        approvedChanges: prior?.approvedChanges ?? [],
      },
      schedule,
    );
    return decision;
  }

  /** After a cancel: the waiting item is handed out now and dropped, so nothing is left behind. */
  async forget(request: LifecycleRequest): Promise<void> {
    const item = await this.deps.store.queue.get(scheduledOffboardKind, request.id);
    if (!item || item.status === 'done' || item.status === 'dead') return;
    const payload = { ...(item.payload as SchedulePayload), phase: 'drop' };
    await this.deps.store.queue.enqueue({
      kind: scheduledOffboardKind,
      key: request.id,
      payload,
      notBeforeMs: this.deps.clock.now(),
    });
  }

  /** One pass over the due items; returns how many were handled. Never throws. */
  poll(limit = 20): Promise<number> {
    this.running ??= this.pass(limit).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Resolves when the pass in flight (if any) has finished. */
  async idle(): Promise<void> {
    await this.running;
  }

  private async pass(limit: number): Promise<number> {
    let items: QueueItem[];
    try {
      items = await this.deps.store.queue.claimDue(
        scheduledOffboardKind,
        this.deps.clock.now(),
        limit,
        this.deps.claimMs ?? 60_000,
      );
    } catch (error) {
      this.deps.log.error({ err: errorSummary(error) }, 'scheduled offboardings: claiming failed');
      return 0;
    }
    for (const item of items) {
      try {
        await this.handle(item);
        await this.deps.store.queue.complete(item.id);
      } catch (error) {
        const message = describeError(error).message;
        const retryAt = this.deps.clock.now() + Math.min(2 ** item.attempts, 30) * 60_000;
        this.deps.log.error(
          { err: errorSummary(error), requestId: (item.payload as SchedulePayload).requestId },
          'scheduled offboarding failed; retried later',
        );
        await this.deps.store.queue.fail(item.id, message, retryAt);
      }
    }
    return items.length;
  }

  private async handle(item: QueueItem): Promise<void> {
    const payload = item.payload as SchedulePayload;
    const request = await this.deps.store.requests.get(payload.requestId);
    const schedule = request && leaveScheduleOf(request.options);
    // Cancelled, started by another instance, back to approval, or gone: nothing to do.
    if (!request || !schedule || payload.phase === 'drop') return;
    if (request.state !== 'scheduled' && request.state !== 'approved') return;
    if (request.state === 'approved') {
      // A crash between the item and the state: the request is scheduled now.
      const decision = await this.deps.requestService.setState(request.id, 'scheduled');
      if (!decision.isDone) return;
      return this.handle(item);
    }
    const now = this.deps.clock.now();
    const dueMs = Date.parse(schedule.dueAt);
    // A reminder handed out after the due time (the bot was down) is skipped: the run starts now.
    if (payload.phase === 'remind' && dueMs > now) {
      await this.remind(request, schedule);
      await this.enqueue({ ...payload, phase: 'run' }, schedule, true);
      return;
    }
    if (dueMs > now) {
      // Moved later while this item was handed out: due again at the new time.
      await this.enqueue(payload, schedule);
      return;
    }
    const growth = await this.growth(request, payload.approvedChanges);
    if (growth.reasons.length > 0) {
      const decision = await this.deps.requestService.askApprovalAgain(
        request.id,
        request.version,
        growth.reasons,
      );
      if (decision.isDone) await this.deps.notices.askApproval(decision.request, growth.plan, growth.reasons);
      return;
    }
    try {
      await this.deps.starter.start(request, payload.target);
    } catch (error) {
      // Another instance (or a resumed item) started it first: the claim of the request refused us.
      if (!(error instanceof ConflictError)) throw error;
      this.deps.log.info({ requestId: request.id }, 'scheduled offboarding already started elsewhere');
    }
  }

  private async remind(request: LifecycleRequest, schedule: LeaveSchedule): Promise<void> {
    try {
      await this.deps.notices.remind(request, schedule);
      await this.audit('schedule.reminded', request.id, { dueAt: schedule.dueAt });
    } catch (error) {
      // A reminder that can't be delivered must not hold up the run.
      this.deps.log.warn({ err: errorSummary(error), requestId: request.id }, 'schedule reminder failed');
      await this.audit('schedule.reminder-failed', request.id, { error: describeError(error).message });
    }
  }

  /** What changed since the approval that the approvers must see: empty when the run may go ahead. */
  private async growth(
    request: LifecycleRequest,
    approvedChanges: readonly string[],
  ): Promise<{ reasons: string[]; plan: Plan }> {
    const reasons: string[] = [];
    const protection = await this.deps.policy.recheckProtection([request.subject]);
    if (!protection.decision.isAllowed) reasons.push(protection.decision.reason);
    else if (protection.approvalsRequired > request.approvalsRequired) {
      reasons.push(`${request.subject.userPrincipalName} is now a protected account`);
    }
    const delegate = request.options['delegate'] as { id?: string; userPrincipalName?: string } | null;
    if (delegate?.id) {
      const user = await this.deps.users.getUser(delegate.id);
      const name = delegate.userPrincipalName ?? delegate.id;
      if (!user) reasons.push(`the delegate ${name} no longer exists`);
      else if (!user.accountEnabled) reasons.push(`the delegate ${name} has left (account disabled)`);
    }
    const plan = await this.deps.flow.plan(request);
    const approved = new Set(approvedChanges);
    // The leaver's rights on other mailboxes are approved as a kind of change: which mailboxes is
    // found at run time (the approval card may have been planned before the permission inventory
    // was built), exactly as for an offboarding that runs at once.
    const added = plan.steps
      .filter((s) => !foundAtRunTime.has(s.stepId) && !approved.has(`${s.stepId}:*`))
      .flatMap((s) => s.changes.filter((c) => !approved.has(`${s.stepId}:${c.key}`)).map(() => s.title));
    if (added.length > 0) {
      const titles = [...new Set(added)].slice(0, 5).join(', ');
      reasons.push(
        `${added.length} change${added.length === 1 ? '' : 's'} not in the approved plan (${titles})`,
      );
    }
    return { reasons, plan };
  }

  /**
   * Due at the reminder time while it is still to come (unless `isReminded`), else at the due time.
   */
  private async enqueue(
    payload: SchedulePayload,
    schedule: LeaveSchedule,
    isReminded = false,
  ): Promise<void> {
    const dueMs = Date.parse(schedule.dueAt);
    const remindMs = dueMs - this.deps.reminderBeforeMs;
    const isReminderAhead = !isReminded && this.deps.reminderBeforeMs > 0 && remindMs > this.deps.clock.now();
    await this.deps.store.queue.enqueue({
      kind: scheduledOffboardKind,
      key: payload.requestId,
      payload: { ...payload, phase: isReminderAhead ? 'remind' : 'run' },
      notBeforeMs: isReminderAhead ? remindMs : dueMs,
    });
  }

  private audit(type: string, requestId: string, details: Record<string, unknown>): Promise<void> {
    return this.deps.store.audit.append({
      at: new Date(this.deps.clock.now()).toISOString(),
      type,
      requestId,
      actor: { system: 'schedule' },
      details,
    });
  }
}

/**
 * `stepId:changeKey` of every planned change; `stepId:*` for a step a quick preview planned without
 * reading (`Change.isPreviewOnly`): what was approved is the kind of change, the run finds which.
 */
export function changeKeys(plan: Plan): string[] {
  return plan.steps.flatMap((s) =>
    s.changes.some((c) => c.isPreviewOnly) ? [`${s.stepId}:*`] : s.changes.map((c) => `${s.stepId}:${c.key}`),
  );
}

/** "Scheduled for 2026-12-31 17:00 Europe/Paris (16:00 UTC)". */
export function scheduledText(request: LifecycleRequest): string | undefined {
  const schedule = leaveScheduleOf(request.options);
  return schedule ? `Scheduled for ${describeLeaveTime(schedule)}` : undefined;
}

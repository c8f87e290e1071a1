/**
 * Leavers from HR: a batch of events (`leave`, `cancel`, `rehire`), each checked on its own. A leave
 * becomes a scheduled offboarding request as `offboard <upn> --at` creates it, asked for by the
 * configured HR service identity (so the requesters-group check, the protected-account rules and the
 * approvals apply unchanged) and posted to the approvals channel; it never runs before an approver
 * approves it. The same person again is merged into the open request (same leave time: nothing to do;
 * a new one: rescheduled through the request service's guards, or, before approval, replaced by a new
 * request); a cancellation or a rehire cancels the open request and its queue item. Events are
 * idempotent by event id: a repeated id is answered with its first outcome and changes nothing.
 * Across instances, an event is handled only while its instance holds the person (a hold on the UPN
 * in the store, see `key-lock.ts`): an event for a person another instance is handling at that moment
 * is refused (not remembered, so the sender can send it again), never a second request.
 *
 * Where the rows come from (the signed endpoint, a drop folder) and how requests reach Teams are the
 * caller's: the Teams layer implements {@link HrOffboardings}.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import {
  describeLeaveTime,
  leaveScheduleOf,
  leaveTimeAt,
  type LeaveSchedule,
} from '../offboard/leave-time.js';
import type { LifecycleRequest, Principal, RequestState } from '../model.js';
import type { Clock } from '../ports/clock.js';
import type { AuditLog, KeyValueStore, RequestStore } from '../ports/store.js';
import { withKeyLock, type KeyLockQueue } from './key-lock.js';
import type { Users } from '../ports/users.js';
import { isUserPrincipalName } from '../upn.js';

/** Largest batch accepted in one delivery or file. */
export const maxLeaverEvents = 500;

const eventId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:@-]+$/, 'may contain letters, digits and . _ : @ - only');

/** One HR event, as sent (JSON) or read from a CSV row. */
export const hrLeaverEventSchema = z
  .object({
    eventId,
    kind: z.enum(['leave', 'cancel', 'rehire']),
    userPrincipalName: z
      .string()
      .max(256)
      .refine(isUserPrincipalName, 'is not a user principal name')
      .optional(),
    employeeId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._-]+$/, 'may contain letters, digits and . _ - only')
      .optional(),
    /** Local wall time of the leave, `YYYY-MM-DD HH:mm`; required for `leave`. */
    leaveAt: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}$/, 'must be YYYY-MM-DD HH:mm')
      .optional(),
    /** IANA time zone of `leaveAt`; required for `leave`. */
    timeZone: z.string().min(1).max(64).optional(),
  })
  .strict()
  .superRefine((event, ctx) => {
    if ((event.userPrincipalName === undefined) === (event.employeeId === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of userPrincipalName and employeeId' });
    }
    if (event.kind === 'leave' && (event.leaveAt === undefined || event.timeZone === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a leave needs leaveAt and timeZone' });
    }
  });

export type HrLeaverEvent = z.infer<typeof hrLeaverEventSchema>;

export type RowOutcome =
  'created' | 'unchanged' | 'rescheduled' | 'replaced' | 'cancelled' | 'nothing-to-cancel' | 'refused';

/** What happened to one row; `accepted` is false only for `refused`. */
export interface RowResult {
  /** Position in the batch (0-based). */
  row: number;
  eventId?: string;
  accepted: boolean;
  outcome: RowOutcome;
  requestId?: string;
  /** A repeated event id: the first outcome, nothing done now. */
  isRepeat?: boolean;
  message: string;
}

export interface BatchResult {
  accepted: number;
  refused: number;
  rows: RowResult[];
}

/** How an HR event acts on offboarding requests (the Teams layer: cards, channel, queue). */
export interface HrOffboardings {
  /**
   * Prepare, confirm (with the leave time) and post for approval, as `offboard <upn> --at` does.
   * Anything refused on the way leaves no open request behind.
   */
  create(
    actor: Principal,
    userPrincipalName: string,
    leave: LeaveSchedule,
  ): Promise<{ isDone: true; request: LifecycleRequest } | { isDone: false; message: string }>;
  /** Moves a scheduled request to the new time (the request service's reschedule guards). */
  reschedule(
    actor: Principal,
    request: LifecycleRequest,
    leave: LeaveSchedule,
  ): Promise<{ isDone: boolean; message: string }>;
  /** Cancels the request and drops its queue item (nothing left behind). */
  cancel(actor: Principal, request: LifecycleRequest): Promise<{ isDone: boolean; message: string }>;
}

export interface HrLeaverIntakeDeps {
  /** The configured HR service identity: the requester of every request the feed creates. */
  serviceIdentity: Principal;
  users: Pick<Users, 'findByEmployeeId'>;
  store: {
    requests: Pick<RequestStore, 'listBySubject'>;
    state: KeyValueStore;
    audit: AuditLog;
    /** Holds a person while an event about them is handled. */
    queue: KeyLockQueue;
  };
  offboardings: HrOffboardings;
  /** The schedule's clock: leave times in the past are refused against it. */
  clock: Clock;
  /** Audit times (the real clock). */
  auditClock: Clock;
}

/** Where the request stands while the feed may still change it. */
const openStates: readonly RequestState[] = [
  'awaiting-confirmation',
  'awaiting-approval',
  'approved',
  'scheduled',
];
const startedStates: readonly RequestState[] = ['running'];

const eventKey = (id: string): string => `hr-leavers:event:${id}`;
const personKey = (upn: string): string => `hr-leavers:person:${upn}`;

export class HrLeaverIntake {
  /** Events are handled one at a time in this process, so two deliveries never race on one person. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: HrLeaverIntakeDeps) {}

  /**
   * Checks every row against the schema, then handles the valid ones in order. A malformed row is
   * refused with its reason; the others are still handled. `source` names where the rows came from.
   */
  async handleBatch(rows: readonly unknown[], source: string): Promise<BatchResult> {
    const work = this.tail.then(() => this.handleAll(rows, source));
    this.tail = work.catch(() => undefined);
    return work;
  }

  /** One event (a drop-folder row), in turn with the batches; `source` names the file and line. */
  async handleOne(raw: unknown, source: string): Promise<RowResult> {
    const { rows } = await this.handleBatch([raw], source);
    const [result] = rows;
    if (!result) throw new Error('A one-row batch gave no result');
    return result;
  }

  private async handleAll(rows: readonly unknown[], source: string): Promise<BatchResult> {
    const results: RowResult[] = [];
    const seenInBatch = new Set<string>();
    for (const [row, raw] of rows.entries()) {
      const parsed = hrLeaverEventSchema.safeParse(raw);
      if (!parsed.success) {
        const claimed =
          typeof raw === 'object' && raw !== null ? (raw as { eventId?: unknown }).eventId : undefined;
        const result: RowResult = {
          row,
          ...(typeof claimed === 'string' && eventId.safeParse(claimed).success && { eventId: claimed }),
          accepted: false,
          outcome: 'refused',
          message: parsed.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; '),
        };
        await this.audit(source, result);
        results.push(result);
        continue;
      }
      const event = parsed.data;
      if (seenInBatch.has(event.eventId)) {
        const result: RowResult = {
          row,
          eventId: event.eventId,
          accepted: false,
          outcome: 'refused',
          message: 'The same event id appears twice in this batch.',
        };
        await this.audit(source, result);
        results.push(result);
        continue;
      }
      seenInBatch.add(event.eventId);
      results.push(await this.handleEvent(row, event, source));
    }
    const accepted = results.filter((r) => r.accepted).length;
    return { accepted, refused: results.length - accepted, rows: results };
  }

  private async handleEvent(row: number, event: HrLeaverEvent, source: string): Promise<RowResult> {
    const repeat = await this.repeatOf(row, event);
    if (repeat) return repeat;
    const base = { row, eventId: event.eventId };
    let upn: string;
    try {
      upn = await this.personOf(event);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      const result: RowResult = { ...base, accepted: false, outcome: 'refused', message: error.message };
      await this.audit(source, result, event);
      return result;
    }
    const held = await withKeyLock(this.deps.store.queue, personKey(upn), this.deps.auditClock.now(), () =>
      this.handleHeld(row, event, upn, source),
    );
    if (held.isHeld) return held.value;
    const busy: RowResult = {
      ...base,
      accepted: false,
      outcome: 'refused',
      message: `Another event about ${upn} is being handled right now; nothing was changed. Send this one again.`,
    };
    await this.audit(source, busy, event);
    return busy;
  }

  /** The event, handled while this instance holds the person. */
  private async handleHeld(
    row: number,
    event: HrLeaverEvent,
    upn: string,
    source: string,
  ): Promise<RowResult> {
    // Checked again under the hold: another instance may have just handled the same event id.
    const repeat = await this.repeatOf(row, event);
    if (repeat) return repeat;
    const base = { row, eventId: event.eventId };
    let result: RowResult;
    try {
      result = { ...base, ...(await this.act(event, upn)) };
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      result = { ...base, accepted: false, outcome: 'refused', message: error.message };
    }
    await this.audit(source, result, event);
    // A refusal is not remembered: the same event, corrected upstream, may be sent again.
    if (result.accepted) {
      const { row: _row, ...remembered } = result;
      await this.deps.store.state.set(eventKey(event.eventId), remembered);
    }
    return result;
  }

  /** The first outcome of an event id handled before, answered again. */
  private async repeatOf(row: number, event: HrLeaverEvent): Promise<RowResult | undefined> {
    const earlier = (await this.deps.store.state.get(eventKey(event.eventId))) as
      Omit<RowResult, 'row'> | undefined;
    if (earlier === undefined || earlier === null) return undefined;
    return { ...earlier, row, isRepeat: true, message: `Already handled: ${earlier.message}` };
  }

  private async act(event: HrLeaverEvent, upn: string): Promise<Omit<RowResult, 'row' | 'eventId'>> {
    const actor = this.deps.serviceIdentity;
    const open = await this.openRequestOf(upn);
    if (event.kind !== 'leave') {
      if (!open) {
        return {
          accepted: true,
          outcome: 'nothing-to-cancel',
          message: `No offboarding of ${upn} from HR is waiting; nothing to cancel.`,
        };
      }
      if (startedStates.includes(open.state)) {
        throw new InvalidInputError(
          `The offboarding of ${upn} (${open.id}) has already started; IT can undo it with \`undo ${open.id}\`.`,
        );
      }
      const cancelled = await this.deps.offboardings.cancel(actor, open);
      if (!cancelled.isDone) throw new InvalidInputError(cancelled.message);
      return {
        accepted: true,
        outcome: 'cancelled',
        requestId: open.id,
        message: `Request ${open.id} for ${upn} is cancelled (${event.kind}).`,
      };
    }
    const leave = leaveTimeAt(event.leaveAt ?? '', event.timeZone, this.deps.clock.now());
    if (open && startedStates.includes(open.state)) {
      throw new InvalidInputError(`The offboarding of ${upn} (${open.id}) has already started.`);
    }
    if (open) {
      const current = leaveScheduleOf(open.options);
      if (current?.dueAt === leave.dueAt) {
        return {
          accepted: true,
          outcome: 'unchanged',
          requestId: open.id,
          message: `Request ${open.id} for ${upn} already runs at ${describeLeaveTime(leave)}.`,
        };
      }
      if (open.state === 'scheduled') {
        const moved = await this.deps.offboardings.reschedule(actor, open, leave);
        if (!moved.isDone) throw new InvalidInputError(moved.message);
        return {
          accepted: true,
          outcome: 'rescheduled',
          requestId: open.id,
          message: `Request ${open.id} for ${upn} now runs at ${describeLeaveTime(leave)}.`,
        };
      }
      // Not approved yet: the approvers decide on a request carrying the new time.
      const cancelled = await this.deps.offboardings.cancel(actor, open);
      if (!cancelled.isDone) throw new InvalidInputError(cancelled.message);
      const created = await this.deps.offboardings.create(actor, upn, leave);
      if (!created.isDone) throw new InvalidInputError(`${open.id} was cancelled; ${created.message}`);
      return {
        accepted: true,
        outcome: 'replaced',
        requestId: created.request.id,
        message: `Request ${open.id} for ${upn} was replaced by ${created.request.id} at ${describeLeaveTime(leave)}, waiting for approval.`,
      };
    }
    const created = await this.deps.offboardings.create(actor, upn, leave);
    if (!created.isDone) throw new InvalidInputError(created.message);
    return {
      accepted: true,
      outcome: 'created',
      requestId: created.request.id,
      message: `Request ${created.request.id} for ${upn} at ${describeLeaveTime(leave)} is waiting for approval.`,
    };
  }

  /** The UPN of the person: given, or the one enabled or disabled account carrying the employee id. */
  private async personOf(event: HrLeaverEvent): Promise<string> {
    if (event.userPrincipalName !== undefined) return event.userPrincipalName.toLowerCase();
    const employeeId = event.employeeId ?? '';
    const users = await this.deps.users.findByEmployeeId(employeeId);
    if (users.length === 0) throw new InvalidInputError(`No account has the employee id ${employeeId}.`);
    if (users.length > 1) {
      throw new InvalidInputError(
        `${users.length} accounts have the employee id ${employeeId}; send the user principal name instead.`,
      );
    }
    return (users[0]?.userPrincipalName ?? '').toLowerCase();
  }

  /** The feed's newest offboarding of the person that is still open or running. */
  private async openRequestOf(upn: string): Promise<LifecycleRequest | undefined> {
    const requests = await this.deps.store.requests.listBySubject(upn, 50);
    return requests.find(
      (r) =>
        r.kind === 'offboard' &&
        r.requester.aadObjectId === this.deps.serviceIdentity.aadObjectId &&
        (openStates.includes(r.state) || startedStates.includes(r.state)),
    );
  }

  private async audit(source: string, result: RowResult, event?: HrLeaverEvent): Promise<void> {
    await this.deps.store.audit.append({
      at: new Date(this.deps.auditClock.now()).toISOString(),
      type: result.accepted ? 'hr-leavers.event' : 'hr-leavers.refused',
      ...(result.requestId && { requestId: result.requestId }),
      actor: { system: 'hr-leavers' },
      details: {
        source,
        serviceIdentity: this.deps.serviceIdentity.aadObjectId,
        row: result.row,
        ...(result.eventId && { eventId: result.eventId }),
        ...(event && { kind: event.kind }),
        ...(event?.employeeId && { employeeId: event.employeeId }),
        ...(event?.userPrincipalName && { userPrincipalName: event.userPrincipalName }),
        outcome: result.outcome,
        message: result.message,
      },
    });
  }
}

/**
 * The request state machine with its guards. Every transition checks the actor (from the activity),
 * the request's current state and the version carried by the card; anything stale, replayed or
 * forbidden changes nothing and is audited as `action.refused`.
 */
import { ConflictError, InvalidInputError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { AuditLog, RequestStore } from '../ports/store.js';
import {
  canTransition,
  type Approval,
  type AuditEvent,
  type LifecycleRequest,
  type Principal,
  type RequestKind,
  type RequestState,
  type Subject,
} from '../model.js';
import type { Policy } from '../policy/policy.js';
import { newRequestId, type RandomBytes } from './request-id.js';
import { subjectsOf } from './request-subjects.js';

export type RefusalCode =
  'not-found' | 'stale' | 'forbidden' | 'wrong-state' | 'cross-tenant' | 'invalid-input';

export type Decision =
  | { isDone: true; request: LifecycleRequest }
  | { isDone: false; code: RefusalCode; message: string; request?: LifecycleRequest };

export interface RequestServiceDeps {
  requests: RequestStore;
  audit: AuditLog;
  policy: Policy;
  clock: Clock;
  /** The tenant this bot serves; actions from any other tenant are refused. */
  tenantId: string;
  /** Source of request id suffixes (default: the CSPRNG). */
  randomBytes?: RandomBytes;
}

export interface NewRequest {
  kind: RequestKind;
  subject: Subject;
  options: Record<string, unknown>;
  requester: Principal;
  approvalsRequired: number;
  ticketId?: string;
}

export class RequestService {
  constructor(private readonly deps: RequestServiceDeps) {}

  async create(input: NewRequest): Promise<LifecycleRequest> {
    const now = new Date(this.deps.clock.now()).toISOString();
    const request: LifecycleRequest = {
      id: newRequestId(this.deps.clock.now(), this.deps.randomBytes),
      kind: input.kind,
      subject: input.subject,
      options: input.options,
      requester: input.requester,
      approvals: [],
      approvalsRequired: input.approvalsRequired,
      state: 'awaiting-confirmation',
      version: 1,
      ...(input.ticketId !== undefined && { ticketId: input.ticketId }),
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.requests.create(
      request,
      this.event('request.created', request, input.requester, {
        kind: request.kind,
        subject: request.subject.userPrincipalName,
        approvalsRequired: request.approvalsRequired,
      }),
    );
    return request;
  }

  get(id: string): Promise<LifecycleRequest | null> {
    return this.deps.requests.get(id);
  }

  /** The requester confirms the plan preview. */
  async confirm(
    actor: Principal,
    id: string,
    version: number,
    choose?: (request: LifecycleRequest) => Promise<Record<string, unknown>>,
  ): Promise<Decision> {
    return this.decide('confirm', actor, id, version, async (request) => {
      if (request.requester.aadObjectId !== actor.aadObjectId) {
        return this.refuse('forbidden', 'Only the requester can confirm this request.');
      }
      if (request.state !== 'awaiting-confirmation') return this.refuse('wrong-state', stateMessage(request));
      // Protection is read again now: someone may have become protected since the preview.
      const protection = await this.deps.policy.recheckProtection(subjectsOf(request));
      if (!protection.decision.isAllowed) return this.refuse('forbidden', protection.decision.reason);
      const options = choose ? await choose(request) : request.options;
      const approvalsRequired = Math.max(
        this.deps.policy.approvalsForChoices(request, options),
        protection.approvalsRequired,
      );
      const next: RequestState = approvalsRequired > 0 ? 'awaiting-approval' : 'approved';
      return this.transition(request, next, { options, approvalsRequired }, actor);
    });
  }

  async approve(actor: Principal, id: string, version: number): Promise<Decision> {
    return this.vote('approve', actor, id, version, { decision: 'approved' });
  }

  async reject(actor: Principal, id: string, version: number, reason: string): Promise<Decision> {
    return this.vote('reject', actor, id, version, { decision: 'rejected', reason: reason.slice(0, 500) });
  }

  /** The requester or an approver may cancel before the run ends. */
  async cancel(actor: Principal, id: string, version?: number): Promise<Decision> {
    return this.decide('cancel', actor, id, version, async (request) => {
      const isRequester = request.requester.aadObjectId === actor.aadObjectId;
      const isApprover = isRequester ? false : await this.deps.policy.isApprover(actor);
      if (!isRequester && !isApprover)
        return this.refuse('forbidden', 'Only the requester or an approver can cancel.');
      return this.transition(request, 'cancelled', {}, actor);
    });
  }

  /**
   * The requester or an approver asks to run the failed steps of a finished run again, from the card
   * drawn at the version it carries. `reopen` re-opens the run (it throws ConflictError when there is
   * nothing to retry); only then does the request go back to `running`, with a new version, so a
   * replayed or stale Retry is refused like a stale Approve.
   */
  async retry(
    actor: Principal,
    id: string,
    version: number,
    reopen: (request: LifecycleRequest) => Promise<void>,
  ): Promise<Decision> {
    return this.decide('retry', actor, id, version, async (request) => {
      const isRequester = request.requester.aadObjectId === actor.aadObjectId;
      const isApprover = isRequester ? false : await this.deps.policy.isApprover(actor);
      if (!isRequester && !isApprover)
        return this.refuse('forbidden', 'Only the requester or an approver can retry.');
      if (request.state !== 'completed-with-errors' && request.state !== 'failed') {
        return this.refuse('wrong-state', `Request ${request.id} is ${request.state}: nothing to retry.`);
      }
      try {
        await reopen(request);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        return this.refuse('wrong-state', `${error.message}; nothing was changed.`);
      }
      return this.transition(request, 'running', {}, actor);
    });
  }

  /**
   * Claims an approved request for the one caller whose approval produced `version`: a single
   * compare-and-set from `approved` to `running`, so a second claimer is refused, never let through.
   */
  async claim(id: string, version: number): Promise<Decision> {
    const request = await this.deps.requests.get(id);
    if (!request) return this.refuse('not-found', `Request ${id} does not exist.`);
    if (request.state !== 'approved' || request.version !== version) {
      return this.refuse('stale', `Request ${id} was already started.`, request);
    }
    const next = {
      ...request,
      state: 'running' as const,
      version: request.version + 1,
      updatedAt: this.nowIso(),
    };
    const stored = await this.save(next, request.version, 'request.running', { system: 'runner' }, {});
    if (!stored) return this.refuse('stale', `Request ${id} was already started.`, request);
    return { isDone: true, request: stored };
  }

  /** System transitions (run started / finished / retried). */
  async setState(
    id: string,
    state: RequestState,
    patch: Partial<Pick<LifecycleRequest, 'runId'>> = {},
  ): Promise<Decision> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const request = await this.deps.requests.get(id);
      if (!request) return this.refuse('not-found', `Request ${id} does not exist.`);
      if (request.state === state && patch.runId === undefined) return { isDone: true, request };
      if (!canTransition(request.state, state))
        return this.refuse('wrong-state', stateMessage(request), request);
      const next = { ...request, ...patch, state, version: request.version + 1, updatedAt: this.nowIso() };
      const stored = await this.save(next, request.version, `request.${state}`, { system: 'runner' }, {});
      if (stored) return { isDone: true, request: stored };
    }
    return this.refuse('stale', `Request ${id} is changing too often; try again.`);
  }

  /**
   * The requester or an approver moves a scheduled request to another time, before it starts. The
   * caller has validated `schedule` (a due time to come); the version, when the action carries one,
   * must be current. The approvals stand: what runs is unchanged, only when.
   */
  async reschedule(
    actor: Principal,
    id: string,
    version: number | undefined,
    schedule: Record<string, unknown>,
  ): Promise<Decision> {
    return this.decide('reschedule', actor, id, version, async (request) => {
      const isRequester = request.requester.aadObjectId === actor.aadObjectId;
      const isApprover = isRequester ? false : await this.deps.policy.isApprover(actor);
      if (!isRequester && !isApprover)
        return this.refuse('forbidden', 'Only the requester or an approver can reschedule.');
      if (request.state !== 'scheduled') return this.refuse('wrong-state', stateMessage(request));
      const options = { ...request.options, schedule };
      const next = { ...request, options, version: request.version + 1, updatedAt: this.nowIso() };
      const stored = await this.save(next, request.version, 'request.rescheduled', actor, {
        from: request.options['schedule'] ?? null,
        to: schedule,
      });
      if (!stored)
        return this.refuse(
          'stale',
          'Someone else acted on this request at the same moment; refresh and retry.',
        );
      return { isDone: true, request: stored };
    });
  }

  /**
   * At the due time the plan grew beyond what was approved: the scheduled request (at `version`)
   * goes back to approval, its earlier approvals set aside (they stay in the audit trail), with at
   * least one approval required.
   */
  async askApprovalAgain(id: string, version: number, reasons: readonly string[]): Promise<Decision> {
    const request = await this.deps.requests.get(id);
    if (!request) return this.refuse('not-found', `Request ${id} does not exist.`);
    if (request.state !== 'scheduled' || request.version !== version) {
      return this.refuse('stale', `Request ${id} changed meanwhile.`, request);
    }
    const next: LifecycleRequest = {
      ...request,
      state: 'awaiting-approval',
      approvals: [],
      approvalsRequired: Math.max(1, request.approvalsRequired),
      version: request.version + 1,
      updatedAt: this.nowIso(),
    };
    const stored = await this.save(
      next,
      request.version,
      'request.reapproval-needed',
      { system: 'schedule' },
      {
        reasons: [...reasons],
      },
    );
    if (!stored) return this.refuse('stale', `Request ${id} changed meanwhile.`, request);
    return { isDone: true, request: stored };
  }

  /** An approver's decision, recorded with the earlier ones: a rejection ends the request. */
  private vote(
    action: 'approve' | 'reject',
    actor: Principal,
    id: string,
    version: number,
    vote: Pick<Approval, 'decision' | 'reason'>,
  ): Promise<Decision> {
    return this.decide(action, actor, id, version, async (request) => {
      if (request.state !== 'awaiting-approval') return this.refuse('wrong-state', stateMessage(request));
      // Approver membership and the subjects' protection are read now, never from a cache.
      const verdict = await this.deps.policy.canApprove(actor, request, { isFresh: true });
      if (!verdict.isAllowed) return this.refuse('forbidden', verdict.reason);
      const approvals = [...request.approvals, { approver: actor, ...vote, at: this.nowIso() }];
      if (vote.decision === 'rejected') return this.transition(request, 'rejected', { approvals });
      const protection = await this.deps.policy.recheckProtection(subjectsOf(request));
      if (!protection.decision.isAllowed) return this.refuse('forbidden', protection.decision.reason);
      const approvalsRequired = Math.max(request.approvalsRequired, protection.approvalsRequired);
      const isEnough = approvals.length >= approvalsRequired;
      return this.transition(request, isEnough ? 'approved' : 'awaiting-approval', {
        approvals,
        approvalsRequired,
      });
    });
  }

  private async decide(
    action: string,
    actor: Principal,
    id: string,
    version: number | undefined,
    body: (request: LifecycleRequest) => Promise<Decision>,
  ): Promise<Decision> {
    const outcome = await this.guarded(actor, id, version, body);
    if (!outcome.isDone) {
      await this.deps.audit.append({
        at: this.nowIso(),
        type: 'action.refused',
        requestId: id,
        actor,
        details: { action, code: outcome.code, reason: outcome.message, version: version ?? null },
      });
    }
    return outcome;
  }

  private async guarded(
    actor: Principal,
    id: string,
    version: number | undefined,
    body: (request: LifecycleRequest) => Promise<Decision>,
  ): Promise<Decision> {
    if (actor.tenantId !== this.deps.tenantId)
      return this.refuse('cross-tenant', 'This action comes from another tenant.');
    const request = await this.deps.requests.get(id);
    if (!request) return this.refuse('not-found', `Request ${id} does not exist.`);
    if (version !== undefined && version !== request.version) {
      return this.refuse('stale', `This card is out of date: ${stateMessage(request)}`, request);
    }
    let outcome: Decision;
    try {
      outcome = await body(request);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      outcome = this.refuse('invalid-input', error.message);
    }
    return outcome.isDone || outcome.request ? outcome : { ...outcome, request };
  }

  private async transition(
    request: LifecycleRequest,
    state: RequestState,
    patch: Partial<LifecycleRequest>,
    by?: Principal,
  ): Promise<Decision> {
    if (state !== request.state && !canTransition(request.state, state)) {
      return this.refuse('wrong-state', stateMessage(request), request);
    }
    const next = { ...request, ...patch, state, version: request.version + 1, updatedAt: this.nowIso() };
    const last = next.approvals.at(-1);
    const actor = by ?? (last && patch.approvals ? last.approver : next.requester);
    const stored = await this.save(
      next,
      request.version,
      `request.${state === request.state ? 'approval-recorded' : state}`,
      actor,
      {
        from: request.state,
        to: state,
        ...(last?.reason !== undefined && patch.approvals && { reason: last.reason }),
      },
    );
    if (!stored)
      return this.refuse(
        'stale',
        'Someone else acted on this request at the same moment; refresh and retry.',
      );
    return { isDone: true, request: stored };
  }

  private refuse(code: RefusalCode, message: string, request?: LifecycleRequest): Decision {
    return { isDone: false, code, message, ...(request && { request }) };
  }

  /**
   * Stores `next` (at `expectedVersion`) with its audit event in one transaction: a state change is
   * never stored without its entry. Null when someone else changed the request first.
   */
  private save(
    next: LifecycleRequest,
    expectedVersion: number,
    type: string,
    actor: Principal | { system: string },
    details: Record<string, unknown>,
  ): Promise<LifecycleRequest | null> {
    const stored = { ...next, version: expectedVersion + 1 };
    return this.deps.requests.update(next, expectedVersion, this.event(type, stored, actor, details));
  }

  /** The audit event of `request` as it is stored (its version included). */
  private event(
    type: string,
    request: LifecycleRequest,
    actor: Principal | { system: string },
    details: Record<string, unknown>,
  ): AuditEvent {
    return {
      at: this.nowIso(),
      type,
      requestId: request.id,
      actor,
      details: { ...details, version: request.version },
    };
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}

function stateMessage(request: LifecycleRequest): string {
  switch (request.state) {
    case 'awaiting-confirmation':
      return `request ${request.id} is waiting for the requester's confirmation.`;
    case 'awaiting-approval':
      return `request ${request.id} is waiting for approval.`;
    case 'rejected': {
      const by =
        request.approvals.find((a) => a.decision === 'rejected')?.approver.displayName ?? 'an approver';
      return `request ${request.id} was rejected by ${by}.`;
    }
    default:
      return `request ${request.id} is ${request.state}.`;
  }
}

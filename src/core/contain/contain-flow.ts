/**
 * Incident mode (`contain <upn>`): an incident responder cuts a user off every system at once. The
 * request is confirmed as it is created (typing the command is the responder's confirmation); another
 * responder approves it unless the policy says none is needed, and a protected account always needs
 * two. The run revokes the sessions first and everything else in parallel; when it ends, the flow
 * builds the timeline and drafts the normal offboarding for IT to confirm later.
 */
import { isTerminal, type LifecycleRequest, type Principal } from '../model.js';
import type { Policy } from '../policy/policy.js';
import type { Ports } from '../ports/index.js';
import type { AuditLog, Journal, KeyValueStore, RequestStore, RunRecord } from '../ports/store.js';
import type { RequestService } from '../requests/request-service.js';
import { buildPlan } from '../runner/build-plan.js';
import type { FinishedRunStatus } from '../runner/events.js';
import type { SystemLimiter } from '../runner/system-limits.js';
import type { Plan, Step } from '../step.js';
import type { Flow, FlowResult, PrepareOutcome } from '../flows/flow.js';
import { assertPlannable } from '../flows/registry.js';
import { resolveSubject } from '../flows/resolve-subject.js';
import { personOf, subjectOf } from '../flows/subject.js';
import { chooseDelegate } from '../offboard/delegate-choice.js';
import { offboardOptionsSchema, type OffboardInput } from '../offboard/offboard-input.js';
import type { RevokeRunFinisher } from '../revoke/revoke-finish.js';
import { cutFirst, type FirstCutEntry } from './contain-first-cut.js';
import { containStepCatalog, containSteps } from './contain-plan.js';
import { buildContainTimeline, type DraftedOffboarding } from './contain-timeline.js';

/** What a containment stores as its options. */
export interface ContainOptions {
  /** Wipe the user's corporate devices too (explicit; personal devices are always retired). */
  wipeCorporateDevices: boolean;
}

export type ContainPrepareResult = PrepareOutcome<{ isProtected: boolean }>;

export interface ContainFlowDeps {
  ports: Ports;
  requests: RequestStore;
  journal: Pick<Journal, 'list'>;
  /** Where the first cut audits its changes (the runner audits the rest). */
  audit: Pick<AuditLog, 'append'>;
  requestService: RequestService;
  policy: Policy;
  limiter?: SystemLimiter;
  /** Where the approval card's plan is kept, for its mailbox-rights steps to be reused at the click. */
  state: Pick<KeyValueStore, 'get' | 'set'>;
  /**
   * How long the mailbox-rights part of the approval card's plan is reused (default 60 s, the permission
   * inventory's own staleness bound); older, everything is planned again.
   */
  previewMaxAgeMs?: number;
  /** The revoke flow's steps (rights on other mailboxes) and its end-of-run summary. */
  revoke: { steps: readonly Step<OffboardInput>[]; finisher: RevokeRunFinisher };
}

/** The offboarding options a containment runs with: only what cuts the user off. */
const containOffboardOptions = (wipe: boolean) =>
  offboardOptionsSchema.parse({
    grantMailboxAccess: false,
    automapping: false,
    convertToShared: false,
    shareOneDrive: false,
    removeGroups: false,
    removeLicences: false,
    revokeMailboxRights: true,
    hideFromAddressLists: false,
    removeSignInMethods: true,
    handOverOwnership: false,
    reassignReports: false,
    retirePersonalDevices: true,
    wipeCorporateDevices: wipe,
    disableRegisteredDevices: false,
    blockMailClients: true,
  });

export class ContainFlow implements Flow<OffboardInput> {
  readonly kind = 'contain';
  readonly steps: readonly Step<OffboardInput>[];

  constructor(private readonly deps: ContainFlowDeps) {
    this.steps = [...containStepCatalog, ...deps.revoke.steps];
  }

  /**
   * Resolves the user, checks the responder and the subject, creates the request and confirms it at
   * once. `ready` comes back `approved` (no approval needed) or `awaiting-approval`.
   */
  async prepare(
    actor: Principal,
    query: string,
    choices: ContainOptions = { wipeCorporateDevices: false },
  ): Promise<ContainPrepareResult> {
    const resolved = await resolveSubject(
      { policy: this.deps.policy, users: this.deps.ports.users },
      actor,
      query,
      'contain',
    );
    if (resolved.kind !== 'allowed') return resolved;
    const options: ContainOptions = { wipeCorporateDevices: choices.wipeCorporateDevices };
    const created = await this.deps.requestService.create({
      kind: 'contain',
      subject: subjectOf(resolved.user),
      options: { ...options },
      requester: actor,
      approvalsRequired: resolved.approvalsRequired,
    });
    const confirmed = await this.deps.requestService.confirm(actor, created.id, created.version);
    if (!confirmed.isDone) return { kind: 'refused', message: confirmed.message };
    const isProtected = await this.deps.policy.isProtected(confirmed.request.subject);
    return { kind: 'ready', request: confirmed.request, isProtected };
  }

  inputFor(request: LifecycleRequest): OffboardInput {
    const wipe = (request.options as Partial<ContainOptions>).wipeCorporateDevices === true;
    return {
      requestId: request.id,
      leaver: {
        ...personOf(request.subject),
        isSynced: request.subject.isSynced,
        ...(request.subject.onPremisesSamAccountName && {
          onPremisesSamAccountName: request.subject.onPremisesSamAccountName,
        }),
      },
      delegate: null,
      requestedBy: request.requester.displayName ?? request.requester.aadObjectId,
      options: containOffboardOptions(wipe),
      stamp: `Contained ${request.createdAt.slice(0, 10)} ${request.id}`,
    };
  }

  stepsFor(request: LifecycleRequest): Step<OffboardInput>[] {
    return containSteps(this.inputFor(request), this.deps.ports, this.deps.revoke.steps);
  }

  /**
   * The first cut (`contain-first-cut.ts`): the sessions are revoked as soon as the request is claimed
   * for its run, before the rest of the plan is read.
   */
  applyAhead(request: LifecycleRequest): Promise<FirstCutEntry[]> {
    const deps = {
      state: this.deps.state,
      audit: this.deps.audit,
      ...(this.deps.limiter && { limiter: this.deps.limiter }),
    };
    const ctx = {
      input: this.inputFor(request),
      ports: this.deps.ports,
      signal: new AbortController().signal,
    };
    return cutFirst(deps, request, ctx);
  }

  /**
   * The plan shown on the approval card, kept with the time it was made so that the click can reuse its
   * mailbox-rights part (`plan`).
   */
  async preview(request: LifecycleRequest): Promise<Plan> {
    const plan = await this.planSteps(request, this.stepsFor(request));
    const stored: StoredPreview = { plannedAt: this.deps.ports.clock.now(), plan };
    await this.deps.state.set(previewKey(request.id), stored);
    return plan;
  }

  /**
   * The run's plan. Sign-in, sessions, methods, mail clients and devices are always planned now (one
   * read each, or none: an attacker's new method or device is never missed). The rights on other
   * mailboxes, whose discovery reads every mailbox, are taken from the approval card's plan when it is
   * at most `previewMaxAgeMs` old: the revoke steps read each mailbox back after removing, and the
   * end-of-run summary checks again. Otherwise everything is planned now.
   */
  async plan(request: LifecycleRequest): Promise<Plan> {
    const steps = this.stepsFor(request);
    const revokeIds = new Set(this.deps.revoke.steps.map((s) => s.id));
    const stored = (await this.deps.state.get(previewKey(request.id))) as StoredPreview | null | undefined;
    const age = stored ? this.deps.ports.clock.now() - stored.plannedAt : Number.POSITIVE_INFINITY;
    const isFresh = age >= 0 && age <= (this.deps.previewMaxAgeMs ?? 60_000);
    const reusable = new Map(
      (isFresh ? (stored?.plan.steps ?? []) : [])
        .filter((s) => revokeIds.has(s.stepId) && s.planError === undefined)
        .map((s) => [s.stepId, s] as const),
    );
    const live = await this.planSteps(
      request,
      steps.filter((s) => !reusable.has(s.id)),
    );
    const byId = new Map([...reusable, ...live.steps.map((s) => [s.stepId, s] as const)]);
    return assertPlannable(this, {
      steps: steps.flatMap((s) => {
        const planned = byId.get(s.id);
        return planned ? [planned] : [];
      }),
    });
  }

  private planSteps(request: LifecycleRequest, steps: Step<OffboardInput>[]): Promise<Plan> {
    const ctx = {
      input: this.inputFor(request),
      ports: this.deps.ports,
      signal: new AbortController().signal,
    };
    return buildPlan(steps, ctx, {
      clock: this.deps.ports.clock,
      priority: 'interactive',
      ...(this.deps.limiter && { limiter: this.deps.limiter }),
    });
  }

  /** The mailbox-rights summary, the timeline, and the offboarding drafted for IT. */
  async onFinished(
    request: LifecycleRequest,
    run: RunRecord,
    status: FinishedRunStatus,
  ): Promise<FlowResult[]> {
    await this.deps.revoke.finisher.finish(request, run, status);
    const journal = await this.deps.journal.list(run.id);
    const timeline = buildContainTimeline(run.plan, journal, originOf(request));
    const offboarding = await this.draftOffboarding(request);
    return [{ kind: 'contain-timeline', timeline: { ...timeline, ...(offboarding && { offboarding }) } }];
  }

  /**
   * The normal offboarding of the same user (delegate defaulting to the manager, conversion to shared,
   * licences), awaiting the requester's confirmation. An open offboarding of the user is reused, so a
   * retried containment drafts nothing twice. Undefined when the policy refuses the offboarding.
   */
  private async draftOffboarding(request: LifecycleRequest): Promise<DraftedOffboarding | undefined> {
    const subject = request.subject;
    const existing = await this.deps.requests.listBySubject(subject.userPrincipalName, 20);
    const open = existing.find((r) => r.kind === 'offboard' && !isTerminal(r.state));
    if (open) {
      const delegate = (open.options as { delegate?: { displayName?: string } | null }).delegate;
      return {
        requestId: open.id,
        isExisting: true,
        delegate: delegate?.displayName ?? null,
        delegateNote: `An offboarding of ${subject.displayName} was already open (${open.state}).`,
      };
    }
    const check = await this.deps.policy.checkSubject(request.requester, subject, 'offboard');
    if (!check.decision.isAllowed) return undefined;
    const choice = await chooseDelegate(subject.id, this.deps.ports.users, this.deps.requests);
    const draft = await this.deps.requestService.create({
      kind: 'offboard',
      subject,
      options: { ...offboardOptionsSchema.parse({}), delegate: choice.delegate },
      requester: request.requester,
      approvalsRequired: check.approvalsRequired,
    });
    return {
      requestId: draft.id,
      isExisting: false,
      delegate: choice.delegate?.displayName ?? null,
      delegateNote: choice.note,
    };
  }
}

interface StoredPreview {
  plannedAt: number;
  plan: Plan;
}

const previewKey = (requestId: string): string => `contain-preview:${requestId}`;

/** The approval that let the containment run, or its creation when none was needed. */
function originOf(request: LifecycleRequest): string {
  const approvals = request.approvals.filter((a) => a.decision === 'approved');
  return approvals.at(-1)?.at ?? request.createdAt;
}

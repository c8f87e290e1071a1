/**
 * The offboarding flow up to the run: resolve the leaver, apply the policy, choose the delegate,
 * build the plan preview from live state, and turn a confirmed request into the runner's input.
 */
import { InvalidInputError } from '../errors.js';
import type { LifecycleRequest, Principal } from '../model.js';
import type { Policy } from '../policy/policy.js';
import type { Ports } from '../ports/index.js';
import type { IdentityUser } from '../ports/identity.js';
import type { RequestStore, RunRecord } from '../ports/store.js';
import type { NewRequest, RequestService } from '../requests/request-service.js';
import { buildPlan } from '../runner/build-plan.js';
import type { LimiterPriority, SystemLimiter } from '../runner/system-limits.js';
import type { Plan, Step } from '../step.js';
import { isUserPrincipalName } from '../upn.js';
import { chooseDelegate } from './delegate-choice.js';
import {
  offboardOptionsSchema,
  type OffboardInput,
  type OffboardOptions,
  type PersonRef,
} from './offboard-input.js';
import { offboardStepCatalog, offboardSteps } from './offboard-plan.js';
import { spoGrantDelegate } from './onedrive-steps.js';
import { deletionSteps } from './scheduled-deletion.js';
import { keptMeetingsOf } from './kept-meetings.js';
import { delegationExpirySteps } from './delegation-expiry-steps.js';
import type { OffboardStages } from './offboard-stages.js';
import type { Flow, FlowResult, PlanUse, SummaryLink, SummaryMeeting } from '../flows/flow.js';
import { previewRequest } from '../flows/preview-request.js';
import { assertPlannable } from '../flows/registry.js';
import { resolveSubject } from '../flows/resolve-subject.js';
import { personOf, subjectOf } from '../flows/subject.js';
import type { FinishedRunStatus } from '../runner/events.js';
import type { RevokeRunFinisher } from '../revoke/revoke-finish.js';
import { inventoryNote } from '../revoke/inventory-note.js';
import type { PermissionInventory } from '../revoke/permission-inventory.js';
import { revokeStepIds } from '../revoke/revoke-steps.js';
import { planReads } from '../runner/plan-reads.js';
import { offboardWarnings } from './offboard-warnings.js';
import { deviceWarnings } from './device-steps.js';
import { ownershipWarnings } from './handover-steps.js';

const repeatableStepIds = new Set(['entra.revoke-sessions', 'notify.delegate']);
const noWarnings: Record<string, string[]> = {};

export type PrepareResult =
  | { kind: 'refused'; message: string }
  | { kind: 'ambiguous'; choices: IdentityUser[] }
  | { kind: 'not-found'; query: string; suggestions: IdentityUser[] }
  | { kind: 'nothing-to-do'; message: string }
  | { kind: 'ready'; request: LifecycleRequest; plan: Plan; delegateNote: string; isProtected: boolean };

export interface OffboardFlowDeps {
  ports: Ports;
  requests: RequestStore;
  requestService: RequestService;
  policy: Policy;
  disabledOuDn?: string;
  /**
   * The Runner's per-system limiter, so plan reads share its caps: many plans at once (bulk) stay
   * within the same budget as the runs.
   */
  limiter?: SystemLimiter;
  /**
   * The leaver's rights on other mailboxes: the revoke flow's steps, its end-of-run summary and the
   * permission inventory, whose age (or progress while it is first built) previews show.
   */
  revoke?: {
    steps: readonly Step<OffboardInput>[];
    finisher: RevokeRunFinisher;
    inventory?: Pick<PermissionInventory, 'status'>;
  };
  /**
   * The later stages (delegation expiry and its notice, "delete after N days"), scheduled when the
   * run finished.
   */
  stages?: Pick<OffboardStages, 'schedule' | 'stagesOf' | 'scheduleDeletion'>;
}

/** What the request stores as its options: the card's choices plus the chosen delegate. */
export interface StoredOffboardOptions extends OffboardOptions {
  delegate: PersonRef | null;
}

export class OffboardFlow implements Flow<OffboardInput> {
  readonly kind = 'offboard';
  readonly steps: readonly Step<OffboardInput>[];

  constructor(private readonly deps: OffboardFlowDeps) {
    this.steps = [
      ...offboardStepCatalog,
      ...(deps.revoke?.steps ?? []),
      ...delegationExpirySteps,
      ...deletionSteps,
    ];
  }

  async prepare(actor: Principal, query: string): Promise<PrepareResult> {
    const users = this.deps.ports.users;
    const resolved = await resolveSubject({ policy: this.deps.policy, users }, actor, query, 'offboard');
    if (resolved.kind !== 'allowed') return resolved;
    const user = resolved.user;

    const choice = await chooseDelegate(user.id, users, this.deps.requests);
    const options: StoredOffboardOptions = { ...offboardOptionsSchema.parse({}), delegate: choice.delegate };
    const draft: NewRequest = {
      kind: 'offboard',
      subject: subjectOf(user),
      options: { ...options },
      requester: actor,
      approvalsRequired: resolved.approvalsRequired,
    };
    // A leaver whose account is still enabled is not done: a quick preview. A disabled one may be, and
    // "nothing to do" is decided from every read.
    const plan = await this.plan(previewRequest(draft, this.deps.ports.clock.now()), {
      priority: 'interactive',
      isPreview: true,
      isQuick: user.accountEnabled,
    });
    // Revoking sessions and the notice are planned on every run: they don't make a user "not done".
    const changeCount = plan.steps
      .filter((s) => !repeatableStepIds.has(s.stepId))
      .reduce((n, s) => n + s.changes.length, 0);
    if (changeCount === 0 && !user.accountEnabled) {
      return { kind: 'nothing-to-do', message: `${user.displayName} is already offboarded: nothing to do.` };
    }
    const request = await this.deps.requestService.create(draft);
    const isProtected = await this.deps.policy.isProtected(request.subject);
    return { kind: 'ready', request, plan, delegateNote: choice.note, isProtected };
  }

  /**
   * Validate the card's choices (the delegate is looked up, never trusted) and store them with the
   * confirmation. Throws InvalidInputError with a message for the requester.
   */
  async readChoices(
    request: LifecycleRequest,
    form: Record<string, unknown>,
  ): Promise<StoredOffboardOptions> {
    const parsed = offboardOptionsSchema.safeParse(normaliseForm(form));
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`);
      throw new InvalidInputError(`The form has invalid values: ${problems.join('; ')}`);
    }
    // An absent field keeps the proposed delegate; an emptied field means "nobody".
    const stored = (request.options as Partial<StoredOffboardOptions>).delegate ?? null;
    if (form['delegate'] !== undefined && typeof form['delegate'] !== 'string') {
      throw new InvalidInputError('The delegate must be a user principal name.');
    }
    const delegateText = typeof form['delegate'] === 'string' ? form['delegate'].trim() : undefined;
    let delegate: PersonRef | null = delegateText === undefined ? stored : null;
    if (
      delegateText !== undefined &&
      delegateText !== '' &&
      delegateText.toLowerCase() === stored?.userPrincipalName.toLowerCase()
    ) {
      delegate = stored;
    } else if (delegateText !== undefined && delegateText !== '') {
      // Checked as a UPN before any lookup: the text becomes a Graph path segment.
      if (!isUserPrincipalName(delegateText))
        throw new InvalidInputError('The delegate must be a user principal name.');
      const user = await this.deps.ports.users.getUser(delegateText);
      if (!user) throw new InvalidInputError(`The delegate ${delegateText.slice(0, 80)} was not found.`);
      if (user.id === request.subject.id)
        throw new InvalidInputError('The leaver cannot be their own delegate.');
      if (!user.accountEnabled) throw new InvalidInputError(`The delegate ${user.displayName} is disabled.`);
      delegate = personOf(user);
    }
    if (parsed.data.forwardTo) {
      const target = await this.deps.ports.users.getUser(parsed.data.forwardTo);
      if (!target)
        throw new InvalidInputError(
          `The forwarding address ${parsed.data.forwardTo} is not a user of this tenant.`,
        );
    }
    return { ...parsed.data, delegate };
  }

  inputFor(request: LifecycleRequest): OffboardInput {
    const stored = request.options as unknown as StoredOffboardOptions & { schedule?: unknown };
    // The due time of a scheduled offboarding says when the run starts, not what it does.
    const { delegate, schedule: _when, ...rest } = stored;
    const options = offboardOptionsSchema.parse(rest);
    const day = request.createdAt.slice(0, 10);
    const deleteOn =
      options.deleteAfterDays === null
        ? undefined
        : new Date(Date.parse(request.updatedAt) + options.deleteAfterDays * 86_400_000)
            .toISOString()
            .slice(0, 10);
    return {
      requestId: request.id,
      leaver: {
        ...personOf(request.subject),
        isSynced: request.subject.isSynced,
        ...(request.subject.onPremisesSamAccountName && {
          onPremisesSamAccountName: request.subject.onPremisesSamAccountName,
        }),
      },
      delegate,
      requestedBy: request.requester.displayName ?? request.requester.aadObjectId,
      options,
      stamp: `Offboarded ${day} ${request.id}`,
      ...(this.deps.disabledOuDn && { disabledOuDn: this.deps.disabledOuDn }),
      ...(deleteOn && { deleteOn }),
    };
  }

  /** The steps this request's plan uses (a subset of `steps`, by its options and the leaver). */
  stepsFor(request: LifecycleRequest): Step<OffboardInput>[] {
    const input = this.inputFor(request);
    return offboardSteps(input, this.deps.ports, { revokeSteps: this.deps.revoke?.steps ?? [] });
  }

  /**
   * Read-only dry run against live state, with the warnings attached to their steps. A preview
   * (`use.isPreview`) takes the mailbox rights from the stored permission inventory and says how old
   * it is; a run's plan refreshes the inventory first.
   */
  async plan(request: LifecycleRequest, use: PlanUse = {}): Promise<Plan> {
    const input = this.inputFor(request);
    // The steps and the warnings ask the same things: one read each for this plan.
    const ports = planReads(this.deps.ports);
    const ctx = {
      input,
      ports,
      signal: new AbortController().signal,
      ...(use.isPreview && { isPreview: true }),
      ...(use.isPreview && use.isQuick && { isQuickPreview: true }),
    };
    const priority: LimiterPriority = use.priority ?? 'background';
    // Most Exchange steps start from the leaver's mailbox: read once before they take their slots.
    const leaverMailbox = input.leaver.mail ?? input.leaver.userPrincipalName;
    const readMailbox = () => ports.mailbox.getMailbox(leaverMailbox);
    // A failed read is asked again by the steps (and reported by them): nothing to handle here.
    const mailbox = (
      this.deps.limiter ? this.deps.limiter.run('exchange', readMailbox, priority) : readMailbox()
    ).catch(() => undefined);
    const [plan, warnings, ownership, devices, inventory] = await Promise.all([
      buildPlan(this.stepsFor(request), ctx, {
        clock: this.deps.ports.clock,
        priority,
        ...(this.deps.limiter && { limiter: this.deps.limiter }),
        warmUp: { exchange: mailbox },
      }),
      offboardWarnings(input, ports),
      ownershipWarnings(input, ports),
      deviceWarnings(input, ports),
      use.isPreview ? this.inventoryWarnings() : Promise.resolve(noWarnings),
    ]);
    return assertPlannable(this, {
      steps: plan.steps.map((s) => {
        const extra = [warnings, ownership, devices, inventory].flatMap((w) => w[s.stepId] ?? []);
        return extra.length > 0 ? { ...s, warnings: [...(s.warnings ?? []), ...extra] } : s;
      }),
    });
  }

  /** The inventory's age (or progress), shown on the first mailbox-rights step of a preview. */
  private async inventoryWarnings(): Promise<Record<string, string[]>> {
    const inventory = this.deps.revoke?.inventory;
    if (!inventory) return {};
    const note = inventoryNote(await inventory.status(), this.deps.ports.clock.now());
    return { [revokeStepIds.full_access]: [note] };
  }

  /** The leaver's OneDrive, when it was shared with the delegate. */
  links(run: RunRecord): SummaryLink[] {
    const spo = run.plan.steps.find((s) => s.stepId === spoGrantDelegate.id);
    const url = spo?.changes[0]?.data['webUrl'];
    return typeof url === 'string' ? [{ title: 'OneDrive of the leaver', url }] : [];
  }

  /** Future meetings the leaver organises that stay in place, as the delegate's notice lists them. */
  keptMeetings(run: RunRecord): SummaryMeeting[] {
    return keptMeetingsOf(run);
  }

  /**
   * Schedules "delete after N days" and the delegation expiry, writes the mailbox-rights summary when
   * that option ran, and returns the later stages for the summary.
   */
  async onFinished(
    request: LifecycleRequest,
    run: RunRecord,
    status: FinishedRunStatus,
  ): Promise<FlowResult[]> {
    const days = this.inputFor(request).options.deleteAfterDays;
    const isDone = status === 'completed' || status === 'completed-with-errors';
    if (days !== null && isDone && this.deps.stages) {
      // A stage: due on the stages' clock, run as `<request id>:deletion`.
      await this.deps.stages.scheduleDeletion(request, days);
    }
    await this.deps.revoke?.finisher.finish(request, run, status);
    if (!isDone || !this.deps.stages) return [];
    await this.deps.stages.schedule(request);
    const stages = await this.deps.stages.stagesOf({ ...request, runId: run.id });
    // The summary lists what comes after the run; the run itself is the summary above it.
    const later = stages.filter((s) => s.id !== 'leave');
    return later.length > 0 ? [{ kind: 'offboard-stages', requestId: request.id, stages: later }] : [];
  }
}

/** Adaptive Card inputs arrive as strings: toggles "true"/"false", numbers as text, empty = unset. */
function normaliseForm(form: Record<string, unknown>): Record<string, unknown> {
  const toggles = [
    'grantMailboxAccess',
    'automapping',
    'convertToShared',
    'litigationHold',
    'shareOneDrive',
    'removeGroups',
    'removeLicences',
    'revokeMailboxRights',
    'hideFromAddressLists',
    'keepInactiveMailbox',
    'removeSignInMethods',
    'handOverOwnership',
    'reassignReports',
    'retirePersonalDevices',
    'wipeCorporateDevices',
    'disableRegisteredDevices',
    'blockMailClients',
    'removeAnonymousLinks',
  ];
  const out: Record<string, unknown> = {};
  for (const key of toggles) {
    const value = form[key];
    if (value === 'true' || value === true) out[key] = true;
    else if (value === 'false' || value === false) out[key] = false;
    else if (value !== undefined) out[key] = value;
  }
  if (form['appOwnership'] !== undefined) out['appOwnership'] = form['appOwnership'];
  if (form['organizedMeetings'] !== undefined) out['organizedMeetings'] = form['organizedMeetings'];
  const window = form['meetingWindowDays'];
  if (typeof window === 'string') {
    if (window.trim() !== '') out['meetingWindowDays'] = Number(window);
  } else if (window !== undefined) out['meetingWindowDays'] = window;
  for (const key of ['forwardTo', 'autoReply'] as const) {
    const value = form[key];
    if (typeof value === 'string') out[key] = value.trim() === '' ? null : value;
    else if (value !== undefined) out[key] = value;
  }
  const days = form['deleteAfterDays'];
  if (typeof days === 'string') out['deleteAfterDays'] = days.trim() === '' ? null : Number(days);
  else if (days !== undefined) out['deleteAfterDays'] = days;
  return out;
}

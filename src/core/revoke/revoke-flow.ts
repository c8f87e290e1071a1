/**
 * The stand-alone revoke flow up to the run: resolve the user, apply the policy (a security-incident
 * group may skip approval), discover live what they hold on other mailboxes, and turn the confirmed
 * card into the revoke input the steps and the summary use.
 */
import { InvalidInputError } from '../errors.js';
import type { LifecycleRequest, Principal } from '../model.js';
import type { Policy } from '../policy/policy.js';
import type { Ports } from '../ports/index.js';
import type { IdentityUser } from '../ports/identity.js';
import type { RequestService } from '../requests/request-service.js';
import { discoverPermissions, type Discovery, type DiscoveryDeps } from './discovery.js';
import { parseRevokeInput, permissionTypes, type PermissionType, type RevokeInput } from './input.js';
import { buildPlan } from '../runner/build-plan.js';
import type { FinishedRunStatus } from '../runner/events.js';
import type { Flow, FlowResult, PlanUse } from '../flows/flow.js';
import { inventoryNote } from './inventory-note.js';
import { assertPlannable } from '../flows/registry.js';
import { resolveSubject } from '../flows/resolve-subject.js';
import { subjectOf } from '../flows/subject.js';
import type { RunRecord } from '../ports/store.js';
import type { RevokeRunFinisher } from './revoke-finish.js';
import type { Plan, Step } from '../step.js';

export type RevokePrepareResult =
  | { kind: 'refused'; message: string }
  | { kind: 'ambiguous'; choices: IdentityUser[] }
  | { kind: 'not-found'; query: string; suggestions: IdentityUser[] }
  | { kind: 'nothing-to-do'; message: string }
  | { kind: 'ready'; request: LifecycleRequest; discovery: Discovery };

export interface RevokeFlowDeps {
  ports: Ports;
  discovery: DiscoveryDeps;
  requestService: RequestService;
  policy: Policy;
  /** The revoke step group (one per process; offboarding plans the same objects). */
  steps: readonly Step<RevokeInput>[];
  /** Builds, stores and sends the summary JSON when a run ends. */
  finisher: RevokeRunFinisher;
  /** The organisation's default scope: the types a request naming none removes. Default all four. */
  defaultPermissionTypes?: readonly PermissionType[];
}

export class RevokeFlow implements Flow<RevokeInput> {
  readonly kind = 'revoke';
  readonly steps: readonly Step<RevokeInput>[];

  constructor(private readonly deps: RevokeFlowDeps) {
    this.steps = deps.steps;
  }

  async prepare(actor: Principal, query: string): Promise<RevokePrepareResult> {
    const users = this.deps.ports.users;
    const resolved = await resolveSubject({ policy: this.deps.policy, users }, actor, query, 'revoke');
    if (resolved.kind !== 'allowed') return resolved;
    const user = resolved.user;
    const input = parseRevokeInput(
      { user: user.mail ?? user.userPrincipalName },
      this.deps.defaultPermissionTypes ?? permissionTypes,
    );
    // No scan while someone waits: the stored inventory narrows where to look (the run refreshes it).
    const discovery = await discoverPermissions(
      input,
      { ...this.deps.discovery, priority: 'interactive' },
      { inventoryMaxStalenessMs: false },
    );
    const status = discovery.inventoryStatus;
    if (status) discovery.warnings.push(inventoryNote(status, this.deps.ports.clock.now()));
    // "Nothing to do" only when the inventory is complete: until then a right may not be known yet.
    if (discovery.permissions.length === 0 && status?.isComplete !== false) {
      return {
        kind: 'nothing-to-do',
        message: `${user.displayName} holds no permissions on other mailboxes: nothing to do.`,
      };
    }
    const request = await this.deps.requestService.create({
      kind: 'revoke',
      subject: subjectOf(user),
      options: { ...input },
      requester: actor,
      approvalsRequired: resolved.approvalsRequired,
    });
    return { kind: 'ready', request, discovery };
  }

  /** The card's choices, validated; the user always comes from the stored request, never the card. */
  readChoices(request: LifecycleRequest, form: Record<string, unknown>): Promise<Record<string, unknown>> {
    const stored = this.inputFor(request);
    const types = listOf(form['permissionTypes']);
    const targets = listOf(form['targetMailboxes']);
    const shared = form['removeFromShared'];
    const ticket = typeof form['ticketId'] === 'string' ? form['ticketId'].trim() : '';
    for (const t of types) {
      if (!(permissionTypes as readonly string[]).includes(t))
        throw new InvalidInputError(`Unknown permission type "${t.slice(0, 40)}".`);
    }
    const input = parseRevokeInput({
      user: stored.user,
      permissionTypes: types.length > 0 ? types : stored.permissionTypes,
      ...(targets.length > 0 && { targetMailboxes: targets }),
      removeFromShared: shared === undefined ? stored.removeFromShared : shared === true || shared === 'true',
      ...(ticket !== '' && { ticketId: ticket }),
    });
    return Promise.resolve({ ...input });
  }

  inputFor(request: LifecycleRequest): RevokeInput {
    return parseRevokeInput(request.options);
  }

  async plan(request: LifecycleRequest, use: PlanUse = {}): Promise<Plan> {
    const ctx = {
      input: this.inputFor(request),
      ports: this.deps.ports,
      signal: new AbortController().signal,
      ...(use.isPreview && { isPreview: true }),
    };
    return assertPlannable(this, await buildPlan(this.steps, ctx, { clock: this.deps.ports.clock }));
  }

  async onFinished(
    request: LifecycleRequest,
    run: RunRecord,
    status: FinishedRunStatus,
  ): Promise<FlowResult[]> {
    const summary = await this.deps.finisher.finish(request, run, status);
    return summary ? [{ kind: 'revoke-summary', summary }] : [];
  }
}

/** Card inputs arrive as comma-separated strings (multi-select choice sets, free text). */
function listOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'string') throw new InvalidInputError('Lists must be comma-separated text.');
  if (value.length > 20_000) throw new InvalidInputError('The list is too long.');
  return value
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

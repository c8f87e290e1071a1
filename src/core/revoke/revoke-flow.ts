/**
 * The stand-alone revoke flow up to the run: resolve the user, apply the policy (a security-incident
 * group may skip approval), discover live what they hold on other mailboxes, and turn the confirmed
 * card into the revoke input the steps and the summary use.
 */
import { InvalidInputError } from '../errors.js';
import type { LifecycleRequest, Principal } from '../model.js';
import { subjectOf } from '../offboard/offboard-flow.js';
import type { Policy } from '../policy/policy.js';
import type { Ports } from '../ports/index.js';
import type { IdentityUser } from '../ports/identity.js';
import type { RequestService } from '../requests/request-service.js';
import {
  discoverPermissions,
  parseRevokeInput,
  permissionTypes,
  type Discovery,
  type DiscoveryDeps,
  type RevokeInput,
} from './index.js';
import { buildPlan } from '../runner/build-plan.js';
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
  /** The registered revoke steps (one group per Runner). */
  steps: readonly Step<RevokeInput>[];
}

export class RevokeFlow {
  constructor(private readonly deps: RevokeFlowDeps) {}

  async prepare(actor: Principal, query: string): Promise<RevokePrepareResult> {
    const mayRequest = await this.deps.policy.canRequest(actor, 'revoke');
    if (!mayRequest.isAllowed) return { kind: 'refused', message: mayRequest.reason };
    const found = await this.deps.ports.users.resolveUser(query);
    if (found.kind === 'ambiguous') return { kind: 'ambiguous', choices: found.choices };
    if (found.kind === 'not-found') return { kind: 'not-found', query, suggestions: found.suggestions };
    const user = found.user;
    const check = await this.deps.policy.checkSubject(
      actor,
      { id: user.id, userPrincipalName: user.userPrincipalName },
      'revoke',
    );
    if (!check.decision.isAllowed) return { kind: 'refused', message: check.decision.reason };
    const input = parseRevokeInput({ user: user.mail ?? user.userPrincipalName });
    const discovery = await discoverPermissions(input, this.deps.discovery);
    if (discovery.permissions.length === 0) {
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
      approvalsRequired: check.approvalsRequired,
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

  async plan(request: LifecycleRequest): Promise<Plan> {
    const ctx = {
      input: this.inputFor(request),
      ports: this.deps.ports,
      signal: new AbortController().signal,
    };
    return buildPlan(this.deps.steps, ctx, { clock: this.deps.ports.clock });
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

/**
 * Extending a delegation: the delegate clicks "Extend" on the expiry notice, which creates an extension
 * request; an approver approves (the expiry and its notice move by the policy's extension days) or
 * rejects (the expiry stays). Every action checks the tenant, the actor (from the activity), the state
 * and the version the card carries (the expiry's version, which each extension moves); refusals change
 * nothing and are audited as `action.refused`, like the request service's.
 *
 * The extension request is an item of the durable queue (`offboard.delegation-extension`, keyed by
 * the request) that only deciders claim: claiming it is the compare-and-set that lets one decision
 * through when two approvers click at once, on any instance.
 */
import type { LifecycleRequest, Principal } from '../model.js';
import type { Clock } from '../ports/clock.js';
import type { StageNotifier } from '../ports/stage-notifier.js';
import type { Store } from '../ports/store.js';
import type { Policy } from '../policy/policy.js';
import { undoneMessage, undoOf } from '../undo/undo-of.js';
import type { OffboardInput } from './offboard-input.js';
import {
  expiryNoticeQueueKind,
  expiryQueueKind,
  type ExpiryPayload,
  type ExtensionRecord,
} from './offboard-stages.js';
import { daysMs, noticeTime, type StagePolicy } from './stage-policy.js';

export const extensionQueueKind = 'offboard.delegation-extension';

interface ExtensionPayload {
  requestId: string;
  /** The expiry version the extension was asked against. */
  version: number;
  requestedBy: Principal;
  requestedAt: string;
  fromDueMs: number;
  toDueMs: number;
}

export type ExtensionDecision = { isDone: true; message: string } | { isDone: false; message: string };

export interface DelegationExtensionsDeps {
  store: Pick<Store, 'queue' | 'audit' | 'requests'>;
  inputFor(request: LifecycleRequest): OffboardInput;
  policy: Policy;
  stagePolicy: StagePolicy;
  notifier: StageNotifier;
  clock: Clock;
  tenantId: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const day = (ms: number): string => iso(ms).slice(0, 16).replace('T', ' ') + ' UTC';

export class DelegationExtensions {
  constructor(private readonly deps: DelegationExtensionsDeps) {}

  /** The delegate asks, from the notice drawn at `version`, for their access to last longer. */
  async request(actor: Principal, requestId: string, version: number): Promise<ExtensionDecision> {
    return this.decide('extension.request', actor, requestId, version, async (request, expiry) => {
      const input = this.deps.inputFor(request);
      if (input.delegate?.id !== actor.aadObjectId) {
        return refuse('Only the delegate of this offboarding can ask for an extension.');
      }
      if (expiry.extensions.length >= this.deps.stagePolicy.maxExtensions) {
        return refuse(
          `The access was already extended ${String(expiry.extensions.length)} time(s), the most the policy allows.`,
        );
      }
      const pending = await this.deps.store.queue.get(extensionQueueKind, requestId);
      if (pending && (pending.status === 'pending' || pending.status === 'claimed')) {
        return refuse('An extension of this access is already waiting for an approver.');
      }
      const payload: ExtensionPayload = {
        requestId,
        version,
        requestedBy: actor,
        requestedAt: iso(this.deps.clock.now()),
        fromDueMs: expiry.dueMs,
        toDueMs: expiry.dueMs + daysMs(this.deps.stagePolicy.extensionDays),
      };
      await this.deps.store.queue.enqueue({ kind: extensionQueueKind, key: requestId, payload });
      await this.audit('delegation.extension-requested', requestId, actor, {
        version,
        expiresAt: iso(payload.fromDueMs),
        extendedTo: iso(payload.toDueMs),
      });
      await this.deps.notifier.askForExtension({
        requestId,
        version,
        requestedBy: actor,
        leaver: { userPrincipalName: input.leaver.userPrincipalName, displayName: input.leaver.displayName },
        expiresAt: iso(payload.fromDueMs),
        extendedTo: iso(payload.toDueMs),
      });
      return {
        isDone: true,
        message: `Asked an approver to extend your access until ${day(payload.toDueMs)}; it ends ${day(payload.fromDueMs)} unless approved.`,
      };
    });
  }

  /** An approver approves the extension asked against `version`: the expiry and its notice move. */
  approve(actor: Principal, requestId: string, version: number): Promise<ExtensionDecision> {
    return this.settle('approved', actor, requestId, version);
  }

  /** An approver rejects it: the expiry stays. */
  reject(actor: Principal, requestId: string, version: number, reason = ''): Promise<ExtensionDecision> {
    return this.settle('rejected', actor, requestId, version, reason.slice(0, 500));
  }

  private settle(
    decision: 'approved' | 'rejected',
    actor: Principal,
    requestId: string,
    version: number,
    reason?: string,
  ): Promise<ExtensionDecision> {
    const action = decision === 'approved' ? 'extension.approve' : 'extension.reject';
    return this.decide(action, actor, requestId, version, async (request, expiry) => {
      const asked = await this.deps.store.queue.get(extensionQueueKind, requestId);
      const payload = asked?.payload as ExtensionPayload | undefined;
      if (!asked || !payload || asked.status !== 'pending' || payload.version !== version) {
        return refuse('There is no extension of this access waiting for a decision.');
      }
      if (!(await this.deps.policy.isApprover(actor))) {
        return refuse('Only members of the approvers group can decide an extension.');
      }
      if (actor.aadObjectId === payload.requestedBy.aadObjectId) {
        return refuse('Four eyes: you asked for this extension, so someone else must decide it.');
      }
      if (actor.aadObjectId === request.subject.id)
        return refuse("You can't decide about your own offboarding.");
      // The claim is the compare-and-set: one decider wins, a second click finds nothing to claim.
      const claimed = await this.deps.store.queue.claimKey(
        extensionQueueKind,
        requestId,
        this.deps.clock.now(),
        60_000,
      );
      if (!claimed) return refuse('Someone else is deciding this extension at the same moment.');
      const input = this.deps.inputFor(request);
      let expiresAtMs = payload.fromDueMs;
      if (decision === 'approved') {
        const next: ExpiryPayload = {
          ...expiry,
          dueMs: payload.toDueMs,
          version: expiry.version + 1,
          extensions: [
            ...expiry.extensions,
            {
              requestedBy: payload.requestedBy.displayName ?? payload.requestedBy.aadObjectId,
              approvedBy: actor.displayName ?? actor.aadObjectId,
              at: iso(this.deps.clock.now()),
              fromDueMs: payload.fromDueMs,
              toDueMs: payload.toDueMs,
            } satisfies ExtensionRecord,
          ],
        };
        await this.deps.store.queue.enqueue({
          kind: expiryQueueKind,
          key: requestId,
          payload: next,
          notBeforeMs: next.dueMs,
        });
        await this.deps.store.queue.enqueue({
          kind: expiryNoticeQueueKind,
          key: requestId,
          payload: { requestId, version: next.version },
          notBeforeMs: noticeTime(this.deps.stagePolicy, next.dueMs),
        });
        expiresAtMs = next.dueMs;
      }
      await this.deps.store.queue.complete(claimed.id);
      await this.audit(`delegation.extension-${decision}`, requestId, actor, {
        version,
        expiresAt: iso(expiresAtMs),
        ...(reason && { reason }),
      });
      if (input.delegate) {
        await this.deps.notifier.notifyExtensionDecision({
          requestId,
          delegate: input.delegate,
          leaver: {
            userPrincipalName: input.leaver.userPrincipalName,
            displayName: input.leaver.displayName,
          },
          decision,
          decidedBy: actor,
          expiresAt: iso(expiresAtMs),
          ...(reason && { reason }),
        });
      }
      return {
        isDone: true,
        message:
          decision === 'approved'
            ? `Extension approved: ${input.delegate?.displayName ?? 'the delegate'} keeps access to ${input.leaver.displayName}'s mailbox and OneDrive until ${day(expiresAtMs)}.`
            : `Extension rejected: the access still ends ${day(expiresAtMs)}.`,
      };
    });
  }

  /**
   * The common guard: tenant, the offboarding (completed, with a pending expiry) and the card's
   * version, then the action's own checks. Refusals are audited.
   */
  private async decide(
    action: string,
    actor: Principal,
    requestId: string,
    version: number,
    body: (request: LifecycleRequest, expiry: ExpiryPayload) => Promise<ExtensionDecision>,
  ): Promise<ExtensionDecision> {
    const outcome = await this.guarded(actor, requestId, version, body);
    if (!outcome.isDone) {
      await this.deps.store.audit.append({
        at: iso(this.deps.clock.now()),
        type: 'action.refused',
        requestId,
        actor,
        details: { action, reason: outcome.message, version },
      });
    }
    return outcome;
  }

  private async guarded(
    actor: Principal,
    requestId: string,
    version: number,
    body: (request: LifecycleRequest, expiry: ExpiryPayload) => Promise<ExtensionDecision>,
  ): Promise<ExtensionDecision> {
    if (actor.tenantId !== this.deps.tenantId) return refuse('This action comes from another tenant.');
    const request = await this.deps.store.requests.get(requestId);
    if (request?.kind !== 'offboard') return refuse(`Request ${requestId} is not an offboarding.`);
    if (request.state !== 'completed' && request.state !== 'completed-with-errors') {
      return refuse(`Request ${requestId} is ${request.state}: its delegation has no expiry to extend.`);
    }
    const undo = await undoOf(this.deps.store.requests, request);
    if (undo) return refuse(`${undoneMessage(request, undo)}: its delegation has no expiry to extend.`);
    const expiry = await this.deps.store.queue.get(expiryQueueKind, requestId);
    const payload = expiry?.payload as ExpiryPayload | undefined;
    if (!expiry || !payload) return refuse(`The delegation of ${requestId} has no expiry.`);
    if (expiry.status !== 'pending')
      return refuse('The access has already ended; it can no longer be extended.');
    if (payload.version !== version) {
      return refuse(`This card is out of date: the access now ends ${day(payload.dueMs)}.`);
    }
    return body(request, payload);
  }

  private audit(
    type: string,
    requestId: string,
    actor: Principal,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.deps.store.audit.append({ at: iso(this.deps.clock.now()), type, requestId, actor, details });
  }
}

const refuse = (message: string): ExtensionDecision => ({ isDone: false, message });

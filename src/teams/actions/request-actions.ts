/**
 * Card verbs on requests: confirm, approve, reject, cancel, retry. The guard has checked the actor, the
 * card data and its version; the request service checks who may act on the request. Each answers the
 * invoke at once with a card (or a short message) and leaves long work to the run coordinator.
 */
import { TurnContext } from 'botbuilder';
import { InvalidInputError } from '../../core/errors.js';
import { isBulkRequest } from '../../core/offboard/bulk-offboard.js';
import { isJoinersBatch } from '../../core/provision/joiners-batch.js';
import type { LifecycleRequest, Principal, RequestKind } from '../../core/model.js';
import type { PlanUse } from '../../core/flows/flow.js';
import type { Plan } from '../../core/step.js';
import type { BotDeps } from '../bot-deps.js';
import { requesterConversation } from '../requester-conversation.js';
import approvalTemplate from '../cards/approval.card.json' with { type: 'json' };
import { approvalCardData } from '../cards/plan-card-data.js';
import { cardAttachment, renderCard, type AdaptiveCardJson } from '../cards/render-card.js';
import type { Reply, Turn } from '../route.js';
import type { VersionedActionData } from './action-data.js';

/** Where the plan an approval card shows is kept. */
export const planKey = (requestId: string): string => `plan:${requestId}`;

export async function approvalCard(
  deps: BotDeps,
  request: LifecycleRequest,
  isActionable = true,
): Promise<AdaptiveCardJson> {
  const plan = ((await deps.store.state.get(planKey(request.id))) ?? { steps: [] }) as Plan;
  const isProtected = await deps.policy.isProtected(request.subject);
  return renderCard(approvalTemplate, approvalCardData(request, plan, isProtected, isActionable));
}

/** What confirming needs of a flow: the card's choices (validated) and the plan to approve. */
interface Confirmable {
  /** Throws InvalidInputError with a message for the requester. */
  readChoices(request: LifecycleRequest, form: Record<string, unknown>): Promise<object>;
  plan(request: LifecycleRequest, use?: PlanUse): Promise<Plan>;
}

function flowOf(deps: BotDeps, kind: RequestKind): Confirmable | null {
  if (kind === 'offboard') return deps.offboard;
  if (kind === 'revoke') return deps.revoke ?? null;
  const provision = deps.provision;
  if (!provision) return null;
  // A joiner's licences and usage location were decided at preview: the card carries no choices.
  return { readChoices: (request) => Promise.resolve(request.options), plan: (r) => provision.flow.plan(r) };
}

/** The requester confirms a preview; the card's kind must be the request's (checked in the transition). */
export async function confirmRequest(
  turn: Turn,
  data: VersionedActionData,
  kind: RequestKind,
): Promise<Reply> {
  const { ctx, deps, actor } = turn;
  const flow = flowOf(deps, kind);
  if (!flow) return turn.refuse(`${kind} requests are not enabled on this bot.`);
  const decision = await deps.requestService.confirm(actor, data.requestId, data.version, async (request) => {
    if (request.kind !== kind || isBulkRequest(request) || isJoinersBatch(request)) {
      throw new InvalidInputError('This card does not belong to this request.');
    }
    return { ...(await flow.readChoices(request, data)) };
  });
  if (!decision.isDone) return decision.message;
  const request = decision.request;
  // The approval card's plan: a preview (no inventory scan inside the turn); the run plans again.
  const plan = await flow.plan(request, { isPreview: true });
  await deps.store.state.set(planKey(request.id), plan);
  if (request.state === 'approved') {
    const here = TurnContext.getConversationReference(ctx.activity);
    await deps.coordinator.start(request, await requesterConversation(deps, request.id, here));
    return approvalCard(deps, (await deps.requestService.get(request.id)) ?? request, false);
  }
  const card = await approvalCard(deps, request);
  await ctx.sendActivity({ attachments: [cardAttachment(card)] });
  await postToApprovalsChannel(deps, card);
  return approvalCard(deps, request, false);
}

/** Approval cards also go to the approvals channel, when one is configured and the app is installed there. */
export async function postToApprovalsChannel(deps: BotDeps, card: AdaptiveCardJson): Promise<void> {
  if (!deps.approvalsConversationKey) return;
  const reference = await deps.store.conversations.get(deps.approvalsConversationKey);
  if (!reference) {
    deps.logger.warn(
      'the approvals channel has no stored conversation reference yet (install the app there)',
    );
    return;
  }
  await deps.gateway.send(reference, { attachments: [cardAttachment(card)] });
}

/**
 * A batch is confirmed and decided on its own card, a single request on its own: the other kind of
 * card is refused (audited). Returns the refusal, or null when the request is of the card's kind or
 * unknown (the request service answers for a request that does not exist).
 */
export async function refuseOtherKind(
  turn: Turn,
  requestId: string,
  isBulkCard: boolean,
  doing: 'confirm' | 'approve' | 'reject',
): Promise<string | null> {
  const request = await turn.deps.requestService.get(requestId);
  if (request && isJoinersBatch(request)) {
    return turn.refuse(`This is a joiners file: ${doing} it on its own card.`, { requestId });
  }
  if (!request || isBulkRequest(request) === isBulkCard) return null;
  const reason = isBulkCard
    ? 'This is not a bulk request; nothing was changed.'
    : `This is a bulk request: ${doing} it on its own card.`;
  return turn.refuse(reason, { requestId });
}

/**
 * Reject on a single-request or a bulk card: a reason is needed, the card's kind must be the
 * request's, then the request service checks the approver and records the reason.
 */
export async function rejectOnCard(
  turn: Turn,
  data: VersionedActionData,
  card: { isBulk: boolean; render: (request: LifecycleRequest) => Reply | Promise<Reply> },
): Promise<Reply> {
  const { requestId } = data;
  const reason = typeof data['reason'] === 'string' ? data['reason'].trim() : '';
  if (reason === '') {
    return turn.refuse('Please give a reason to reject; nothing was changed.', { requestId });
  }
  const wrong = await refuseOtherKind(turn, requestId, card.isBulk, 'reject');
  if (wrong !== null) return wrong;
  const decision = await turn.deps.requestService.reject(turn.actor, requestId, data.version, reason);
  if (!decision.isDone) return decision.message;
  return card.render(decision.request);
}

export async function approveRequest(turn: Turn, data: VersionedActionData): Promise<Reply> {
  const { ctx, deps, actor } = turn;
  const wrong = await refuseOtherKind(turn, data.requestId, false, 'approve');
  if (wrong !== null) return wrong;
  const decision = await deps.requestService.approve(actor, data.requestId, data.version);
  if (!decision.isDone) return decision.message;
  const request = decision.request;
  if (request.state === 'approved') {
    const here = TurnContext.getConversationReference(ctx.activity);
    await deps.coordinator.start(request, await requesterConversation(deps, request.id, here));
  }
  const current = (await deps.requestService.get(request.id)) ?? request;
  return approvalCard(deps, current);
}

export function rejectRequest(turn: Turn, data: VersionedActionData): Promise<Reply> {
  return rejectOnCard(turn, data, { isBulk: false, render: (request) => approvalCard(turn.deps, request) });
}

export async function cancelRequest(turn: Turn, data: VersionedActionData): Promise<Reply> {
  return cancelById(turn.deps, turn.actor, data.requestId, data.version);
}

export async function cancelById(
  deps: BotDeps,
  actor: Principal,
  requestId: string,
  version?: number,
): Promise<string> {
  const decision = await deps.requestService.cancel(actor, requestId, version);
  if (!decision.isDone) return decision.message;
  await deps.coordinator.cancel(decision.request);
  return decision.request.runId
    ? `Cancelling ${requestId}: changes in flight finish, the remaining steps are skipped.`
    : `Request ${requestId} is cancelled. Nothing was changed.`;
}

export async function retryFailed(turn: Turn, data: VersionedActionData): Promise<Reply> {
  const decision = await turn.deps.coordinator.retryFailed(turn.actor, data.requestId, data.version);
  if (!decision.isDone) return decision.message;
  return `Retrying the failed steps of ${decision.request.id}; progress follows.`;
}

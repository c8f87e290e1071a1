/**
 * Card verbs on requests: confirm, approve, reject, cancel, retry. The guard has checked the actor, the
 * card data and its version; the request service checks who may act on the request. Each answers the
 * invoke at once with a card (or a short message) and leaves long work to the run coordinator.
 */
import { TurnContext } from 'botbuilder';
import { attachmentMessage } from '../message-activity.js';
import { errorSummary } from '../../core/ports/log.js';
import { InvalidInputError } from '../../core/errors.js';
import { isBulkRequest } from '../../core/offboard/bulk-offboard.js';
import { isJoinersBatch } from '../../core/provision/joiners-batch.js';
import type { LifecycleRequest, Principal, RequestKind } from '../../core/model.js';
import type { PlanUse } from '../../core/flows/flow.js';
import type { Plan } from '../../core/step.js';
import type { BotDeps } from '../bot-deps.js';
import { requesterConversation } from '../requester-conversation.js';
import { cardAttachment } from '../cards/render-card.js';
import {
  approvalCard,
  approvalCardFor,
  isPerUser,
  planKey,
  postToApprovalsChannel,
  rememberDecider,
  viewerOf,
} from './approval-views.js';
import type { Reply, Turn } from '../route.js';
import type { RequestActionData, VersionedActionData } from './action-data.js';
import { scheduleChoice, startOrSchedule } from './start-or-schedule.js';

export { approvalCard, planKey, postToApprovalsChannel } from './approval-views.js';

/** What confirming needs of a flow: the card's choices (validated) and the plan to approve. */
interface Confirmable {
  /** Throws InvalidInputError with a message for the requester. */
  readChoices(request: LifecycleRequest, form: Record<string, unknown>): Promise<object>;
  plan(request: LifecycleRequest, use?: PlanUse): Promise<Plan>;
}

function flowOf(deps: BotDeps, kind: RequestKind): Confirmable | null {
  if (kind === 'offboard') return deps.offboard;
  if (kind === 'revoke') return deps.revoke ?? null;
  if (kind === 'undo') return deps.undo ?? null;
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
    const choices = { ...(await flow.readChoices(request, data)) };
    return kind === 'offboard' ? { ...choices, ...scheduleChoice(turn, data) } : choices;
  });
  if (!decision.isDone) return decision.message;
  const request = decision.request;
  // The approval card's plan: a preview (no inventory scan inside the turn); the run plans again.
  const plan = await flow.plan(request, { isPreview: true });
  await deps.store.state.set(planKey(request.id), plan);
  if (request.state === 'approved') {
    const here = TurnContext.getConversationReference(ctx.activity);
    const refusal = await startOrSchedule(deps, request, await requesterConversation(deps, request.id, here));
    if (refusal !== null) return refusal;
    const current = (await deps.requestService.get(request.id)) ?? request;
    return approvalCardFor(deps, current, actor, 'other');
  }
  const card = await approvalCard(deps, request);
  await ctx.sendActivity({ attachments: [cardAttachment(card)] });
  await postToApprovalsChannel(deps, card, request.id);
  return approvalCardFor(deps, request, actor, 'other');
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
  await rememberDecider(deps, actor, ctx.activity.from.id);
  const request = decision.request;
  if (request.state === 'approved') {
    const here = TurnContext.getConversationReference(ctx.activity);
    const refusal = await startOrSchedule(deps, request, await requesterConversation(deps, request.id, here));
    if (refusal !== null) return refusal;
  }
  const current = (await deps.requestService.get(request.id)) ?? request;
  await showDecision(turn, current);
  return approvalCardFor(deps, current, actor);
}

export function rejectRequest(turn: Turn, data: VersionedActionData): Promise<Reply> {
  return rejectOnCard(turn, data, {
    isBulk: false,
    render: async (request) => {
      await rememberDecider(turn.deps, turn.actor, turn.ctx.activity.from.id);
      await showDecision(turn, request);
      return approvalCardFor(turn.deps, request, turn.actor);
    },
  });
}

/**
 * After an approval or a rejection: the approvals channel shows the approval card again while
 * approvals remain, else the request's status line. In per-user mode the clicked message is redrawn
 * for everyone with the new shared card, so the other viewers' cards refresh (the clicker gets their
 * own view as the invoke response); the channel's message is left to its status line.
 */
async function showDecision(turn: Turn, request: LifecycleRequest): Promise<void> {
  const { ctx, deps } = turn;
  const status = deps.approvalsStatus;
  const clicked = ctx.activity.replyToId;
  const isChannelMessage = (await status?.isChannelMessage(request.id, clicked)) ?? false;
  if (isPerUser(deps) && clicked && !isChannelMessage) {
    try {
      const shared = await approvalCard(deps, request);
      await ctx.updateActivity({ ...attachmentMessage(cardAttachment(shared)), id: clicked });
    } catch (error) {
      deps.logger.warn({ err: errorSummary(error), requestId: request.id }, 'could not redraw the card');
    }
  }
  if (!status) return;
  if (request.state === 'awaiting-approval')
    await status.replace(request.id, await approvalCard(deps, request));
  else await status.show(request);
}

/**
 * The `refresh` of an approval card: the invoking person's own view. Someone outside the
 * conversations the card was posted to (the requester's and the approvals channel) must be able to
 * read the request (its requester, approvers and auditors), as for `status`.
 */
export async function viewRequest(turn: Turn, data: RequestActionData): Promise<Reply> {
  const { ctx, deps, actor } = turn;
  const { requestId } = data;
  const request = await deps.requestService.get(requestId);
  if (!request) return `Request ${requestId} does not exist.`;
  if (isBulkRequest(request) || isJoinersBatch(request)) {
    return turn.refuse('This request is shown on its own card; nothing was changed.', { requestId });
  }
  const isPostedHere = await isPostedIn(deps, requestId, ctx.activity.conversation.id);
  const isReader =
    actor.aadObjectId === request.requester.aadObjectId || (await deps.policy.canReadAll(actor));
  const viewer = await viewerOf(deps, actor, request);
  if (!isPostedHere && !isReader && viewer !== 'approver') {
    return turn.refuse(
      `Request ${requestId} is not one of yours: only its requester, approvers and auditors can read it.`,
      { requestId },
    );
  }
  if (viewer === 'approver') await rememberDecider(deps, actor, ctx.activity.from.id);
  return approvalCard(deps, request, viewer);
}

/**
 * Whether the request's card was posted in this conversation (the requester's or the approvals
 * channel). A channel thread's id carries `;messageid=…` after the channel's own id.
 */
async function isPostedIn(deps: BotDeps, requestId: string, conversationId: string): Promise<boolean> {
  const channelOf = (id: string | undefined): string | undefined => id?.split(';messageid=')[0];
  const here = channelOf(conversationId);
  const requesters = channelOf((await requesterConversation(deps, requestId, {})).conversation?.id);
  const approvals = channelOf(deps.approvalsConversationKey?.replace(/^conversation:/, ''));
  return here === requesters || here === approvals;
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
  if (decision.request.kind === 'offboard') await deps.schedule?.forget(decision.request);
  await deps.approvalsStatus?.show(decision.request);
  return decision.request.runId
    ? `Cancelling ${requestId}: changes in flight finish, the remaining steps are skipped.`
    : `Request ${requestId} is cancelled. Nothing was changed.`;
}

export async function retryFailed(turn: Turn, data: VersionedActionData): Promise<Reply> {
  const decision = await turn.deps.coordinator.retryFailed(turn.actor, data.requestId, data.version);
  if (!decision.isDone) return decision.message;
  return `Retrying the failed steps of ${decision.request.id}; progress follows.`;
}

/**
 * A revoke request started from a ticket, in Teams: its progress and summary go to the IT channel (the
 * request's "requester conversation"), an approved request (an incident responder's) starts at once,
 * any other gets its approval card in the IT channel and in the approvals channel, like a confirmed
 * `revoke` command.
 */
import type { ConversationReference } from 'botbuilder';
import type { LifecycleRequest } from '../core/model.js';
import { approvalCard, planKey, postToApprovalsChannel } from './actions/approval-views.js';
import { startOrSchedule } from './actions/start-or-schedule.js';
import type { BotDeps } from './bot-deps.js';
import { cardAttachment } from './cards/render-card.js';
import { rememberRequesterConversation } from './requester-conversation.js';

/** The IT channel's stored conversation, or null while the app is not installed there. */
export async function itChannelReference(
  deps: Pick<BotDeps, 'store'>,
  channelKey: string,
): Promise<Partial<ConversationReference> | null> {
  const stored = (await deps.store.conversations.get(channelKey)) as
    Partial<ConversationReference> | null | undefined;
  return stored ?? null;
}

/** Posts (or starts) a confirmed ticket request; returns the request as it now stands. */
export async function postTicketRevoke(
  deps: BotDeps,
  request: LifecycleRequest,
  channel: Partial<ConversationReference>,
): Promise<LifecycleRequest> {
  const flow = deps.revoke;
  if (!flow) throw new Error('the revoke flow is not wired');
  await rememberRequesterConversation(deps, request.id, channel);
  // The approval card's plan: a preview from the stored inventory; the run plans again.
  await deps.store.state.set(planKey(request.id), await flow.plan(request, { isPreview: true }));
  if (request.state === 'approved') {
    const refusal = await startOrSchedule(deps, request, channel);
    if (refusal !== null) deps.logger.warn({ requestId: request.id }, refusal);
    return (await deps.requestService.get(request.id)) ?? request;
  }
  const card = await approvalCard(deps, request);
  await deps.gateway.send(channel, { attachments: [cardAttachment(card)] });
  await postToApprovalsChannel(deps, card, request.id);
  return request;
}

/**
 * How an HR leaver event acts on offboarding requests, through the same services as the Teams
 * commands and cards: `create` prepares the request as `offboard <upn> --at` does (requesters-group
 * check, protected accounts, approvals), confirms it with the leave time as the requester (the HR
 * service identity; the signed event is its confirmation), and posts the approval card to the IT
 * channel (when the app is installed there: it becomes the request's conversation, so the progress and
 * the summary go there too) and to the approvals channel, where an approver decides; approving it
 * schedules it as any approved offboarding with a leave time. A request that would not wait for an approver is cancelled before anything else
 * happens. `reschedule` and `cancel` are the `reschedule` command's and the Cancel button's paths.
 */
import type { LeaveSchedule } from '../core/offboard/leave-time.js';
import type { LifecycleRequest, Principal } from '../core/model.js';
import type { HrOffboardings } from '../core/triggers/hr-leavers.js';
import { approvalCard, planKey } from './actions/approval-views.js';
import { postToApprovalsChannel } from './actions/approval-views.js';
import type { BotDeps } from './bot-deps.js';
import { cardAttachment } from './cards/render-card.js';
import { rememberRequesterConversation } from './requester-conversation.js';
import { itChannelReference } from './ticket-revoke-posting.js';

export class TeamsHrOffboardings implements HrOffboardings {
  /** `itChannelConversationId`: IT_CHANNEL_CONVERSATION_ID, when set. */
  constructor(
    private readonly deps: BotDeps,
    private readonly itChannelConversationId?: string,
  ) {}

  async create(
    actor: Principal,
    userPrincipalName: string,
    leave: LeaveSchedule,
  ): Promise<{ isDone: true; request: LifecycleRequest } | { isDone: false; message: string }> {
    const { deps } = this;
    const prepared = await deps.offboard.prepare(actor, userPrincipalName);
    switch (prepared.kind) {
      case 'ready':
        break;
      case 'not-found':
        return { isDone: false, message: `No account ${userPrincipalName} was found.` };
      case 'ambiguous':
        return { isDone: false, message: `${userPrincipalName} matches several accounts.` };
      default:
        return { isDone: false, message: prepared.message };
    }
    const draft = prepared.request;
    if (draft.approvalsRequired < 1) {
      await this.drop(actor, draft);
      return {
        isDone: false,
        message:
          'Offboardings need no approval on this bot; the HR feed never starts one without an approver.',
      };
    }
    const confirmed = await deps.requestService.confirm(actor, draft.id, draft.version, (request) =>
      Promise.resolve({ ...request.options, schedule: leave }),
    );
    if (!confirmed.isDone) {
      await this.drop(actor, draft);
      return { isDone: false, message: confirmed.message };
    }
    const request = confirmed.request;
    if (request.state !== 'awaiting-approval') {
      // Never expected (approvals were required above): nothing runs without an approver.
      await this.drop(actor, request);
      return { isDone: false, message: `Request ${request.id} did not wait for approval; it was cancelled.` };
    }
    try {
      await this.show(request);
    } catch (error) {
      // Not shown to an approver: cancelled, so a resent event finds no request and creates it again.
      await this.drop(actor, request).catch(() => undefined);
      throw error;
    }
    return { isDone: true, request };
  }

  /** The approval card in the IT channel (when installed there) and in the approvals channel. */
  private async show(request: LifecycleRequest): Promise<void> {
    const { deps } = this;
    // The approval card's plan: a preview, as after a Confirm click; the run plans again.
    const plan = await deps.offboard.plan(request, { isPreview: true });
    await deps.store.state.set(planKey(request.id), plan);
    const card = await approvalCard(deps, request);
    const itChannel = this.itChannelConversationId
      ? await itChannelReference(deps, `conversation:${this.itChannelConversationId}`)
      : null;
    if (itChannel) {
      await rememberRequesterConversation(deps, request.id, itChannel);
      await deps.gateway.send(itChannel, { attachments: [cardAttachment(card)] });
    }
    await postToApprovalsChannel(deps, card, request.id);
  }

  async reschedule(
    actor: Principal,
    request: LifecycleRequest,
    leave: LeaveSchedule,
  ): Promise<{ isDone: boolean; message: string }> {
    const schedule = this.deps.schedule;
    if (!schedule) return { isDone: false, message: 'Scheduled offboarding is not enabled on this bot.' };
    const decision = await schedule.reschedule(actor, request.id, undefined, leave);
    if (!decision.isDone) return { isDone: false, message: decision.message };
    await this.deps.approvalsStatus?.show(decision.request);
    return { isDone: true, message: `Request ${request.id} rescheduled.` };
  }

  async cancel(actor: Principal, request: LifecycleRequest): Promise<{ isDone: boolean; message: string }> {
    const { deps } = this;
    const decision = await deps.requestService.cancel(actor, request.id);
    if (!decision.isDone) return { isDone: false, message: decision.message };
    await deps.coordinator.cancel(decision.request);
    await deps.schedule?.forget(decision.request);
    await deps.approvalsStatus?.show(decision.request);
    return { isDone: true, message: `Request ${request.id} is cancelled.` };
  }

  /** A request the feed may not go on with: cancelled at once, so nothing waits for anyone. */
  private async drop(actor: Principal, request: LifecycleRequest): Promise<void> {
    await this.deps.requestService.cancel(actor, request.id);
  }
}

/**
 * What people are told about a scheduled offboarding: the reminder before the due time (to the
 * requester's conversation, the approvals channel and each approver's 1:1 chat with the bot when one
 * is known) and, when the plan grew by the due time, the new approval card with the reasons.
 */
import type { ConversationReference } from 'botbuilder';
import { describeLeaveTime, type LeaveSchedule } from '../core/offboard/leave-time.js';
import type { ScheduleNotices } from '../core/offboard/scheduled-offboard.js';
import type { LifecycleRequest } from '../core/model.js';
import { errorSummary } from '../core/ports/log.js';
import type { Plan } from '../core/step.js';
import { approvalCard, planKey, postToApprovalsChannel } from './actions/approval-views.js';
import type { BotDeps } from './bot-deps.js';
import { markdownText as md } from './cards/markdown-text.js';
import { cardAttachment } from './cards/render-card.js';
import { requesterConversation } from './requester-conversation.js';

export class TeamsScheduleNotices implements ScheduleNotices {
  /** The bot's dependencies are built after the schedule they serve, hence the getter. */
  constructor(private readonly depsOf: () => BotDeps) {}

  private get deps(): BotDeps {
    return this.depsOf();
  }

  async remind(request: LifecycleRequest, schedule: LeaveSchedule): Promise<void> {
    const text =
      `Reminder: the offboarding of ${md(request.subject.displayName)} (${md(request.subject.userPrincipalName)}) ` +
      `starts at ${md(describeLeaveTime(schedule))}. Request ${request.id}: \`cancel ${request.id}\` or ` +
      `\`reschedule ${request.id} <date> <time> [zone]\` until then.`;
    const targets = await this.recipients(request);
    if (targets.length === 0) throw new Error('no conversation is known for the requester or approvers');
    await this.sendAll(targets, { text }, request.id);
  }

  async askApproval(request: LifecycleRequest, plan: Plan, reasons: readonly string[]): Promise<void> {
    await this.deps.store.state.set(planKey(request.id), plan);
    const text =
      `The offboarding of ${md(request.subject.displayName)} (${request.id}) did not start at its due time: ` +
      `${reasons.map(md).join('; ')}. It needs approval again; it starts as soon as it is approved.`;
    const card = await approvalCard(this.deps, request);
    const requester = await this.requesterReference(request);
    if (requester) await this.sendAll([requester], { text, attachments: [cardAttachment(card)] }, request.id);
    await postToApprovalsChannel(this.deps, card, request.id);
  }

  /** The requester's conversation, the approvals channel, and every approver's known 1:1 chat. */
  private async recipients(request: LifecycleRequest): Promise<Partial<ConversationReference>[]> {
    const found: Partial<ConversationReference>[] = [];
    const requester = await this.requesterReference(request);
    if (requester) found.push(requester);
    if (this.deps.approvalsConversationKey) {
      const channel = await this.deps.store.conversations.get(this.deps.approvalsConversationKey);
      if (channel) found.push(channel);
    }
    for (const approval of request.approvals) {
      if (approval.decision !== 'approved') continue;
      const chat = await this.deps.store.conversations.get(`user:${approval.approver.aadObjectId}`);
      if (chat) found.push(chat);
    }
    const seen = new Set<string>();
    return found.filter((r) => {
      const id = r.conversation?.id ?? '';
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  }

  private async requesterReference(
    request: LifecycleRequest,
  ): Promise<Partial<ConversationReference> | null> {
    const reference = await requesterConversation(this.deps, request.id, {});
    return reference.conversation ? reference : null;
  }

  private async sendAll(
    targets: Partial<ConversationReference>[],
    activity: { text: string; attachments?: ReturnType<typeof cardAttachment>[] },
    requestId: string,
  ): Promise<void> {
    let delivered = 0;
    for (const target of targets) {
      try {
        await this.deps.gateway.send(target, activity);
        delivered++;
      } catch (error) {
        this.deps.logger.warn({ err: errorSummary(error), requestId }, 'schedule notice not delivered');
      }
    }
    if (delivered === 0) throw new Error('the notice reached nobody');
  }
}

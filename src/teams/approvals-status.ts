/**
 * The approvals channel's message of each request. The approval card is posted there and its id kept
 * with the request (`approvals-message:<id>`); once the request is decided the same message becomes
 * one compact status line, updated in place as the request moves (approved, running, done or failed,
 * cancelled, rejected). Progress and the summary go to the requester's conversation, not here.
 * Updates of one request are written in the order they were asked for; a failed update is logged and
 * never fails the turn or the run that caused it.
 */
import type { ConversationReference } from 'botbuilder';
import { attachmentMessage } from './message-activity.js';
import type { Logger } from 'pino';
import type { LifecycleRequest } from '../core/model.js';
import { errorSummary } from '../core/ports/log.js';
import type { Store } from '../core/ports/store.js';
import type { RunSummary } from '../core/runner/summarise-run.js';
import { markdownText as md } from './cards/markdown-text.js';
import { kindTitle, statusText } from './cards/plan-card-data.js';
import { cardAttachment, renderCard, type AdaptiveCardJson } from './cards/render-card.js';
import statusTemplate from './cards/status.card.json' with { type: 'json' };
import type { ConversationGateway } from './conversation-gateway.js';

export interface ApprovalsStatusDeps {
  store: Pick<Store, 'conversations' | 'state'>;
  gateway: ConversationGateway;
  logger: Logger;
  /** The approvals channel's stored conversation key; without one there is nothing to update. */
  conversationKey?: string;
}

const messageKey = (requestId: string): string => `approvals-message:${requestId}`;

/** The compact line: what, whom and the state; then the request id, who decided and the step counts. */
export function statusLineCard(request: LifecycleRequest, summary?: RunSummary): AdaptiveCardJson {
  const approvers = request.approvals
    .filter((a) => a.decision === 'approved')
    .map((a) => md(a.approver.displayName ?? 'an approver'));
  const parts = [
    request.id,
    `asked by ${md(request.requester.displayName ?? 'the requester')}`,
    ...(approvers.length > 0 && request.state !== 'rejected' ? [`approved by ${approvers.join(', ')}`] : []),
    ...(summary ? [stepCounts(summary)] : []),
  ];
  return renderCard(statusTemplate, {
    title: `${kindTitle(request.kind)} of ${md(request.subject.displayName)}: ${statusText(request)}`,
    detail: parts.join(' · '),
  });
}

function stepCounts(summary: RunSummary): string {
  const { done, failed, skipped } = summary.counts;
  return `${done} steps done${failed > 0 ? `, ${failed} failed` : ''}${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}

export class ApprovalsStatus {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly deps: ApprovalsStatusDeps) {}

  /** Posts a request's approval card to the channel and keeps the message's id with the request. */
  async post(requestId: string, card: AdaptiveCardJson): Promise<void> {
    const reference = await this.channel();
    if (!reference) return;
    const activityId = await this.deps.gateway.send(reference, { attachments: [cardAttachment(card)] });
    if (activityId) await this.deps.store.state.set(messageKey(requestId), { activityId });
  }

  /** Whether `activityId` is this request's message in the approvals channel. */
  async isChannelMessage(requestId: string, activityId: string | undefined): Promise<boolean> {
    return activityId !== undefined && (await this.messageOf(requestId)) === activityId;
  }

  /** The request's state as one line in place of its channel message (when it has one). */
  show(request: LifecycleRequest, summary?: RunSummary): Promise<void> {
    return this.replace(request.id, statusLineCard(request, summary));
  }

  /** Replaces the request's channel message with `card` (the approval card while approvals remain). */
  replace(requestId: string, card: AdaptiveCardJson): Promise<void> {
    const previous = this.queues.get(requestId) ?? Promise.resolve();
    const next = previous.then(() => this.write(requestId, card));
    this.queues.set(requestId, next);
    void next.then(() => {
      if (this.queues.get(requestId) === next) this.queues.delete(requestId);
    });
    return next;
  }

  private async write(requestId: string, card: AdaptiveCardJson): Promise<void> {
    try {
      const activityId = await this.messageOf(requestId);
      if (!activityId) return;
      const reference = await this.channel();
      if (!reference) return;
      await this.deps.gateway.update(reference, activityId, attachmentMessage(cardAttachment(card)));
    } catch (error) {
      this.deps.logger.warn({ err: errorSummary(error), requestId }, 'approvals channel update failed');
    }
  }

  private async messageOf(requestId: string): Promise<string | undefined> {
    if (!this.deps.conversationKey) return undefined;
    const stored = (await this.deps.store.state.get(messageKey(requestId))) as
      { activityId?: unknown } | null | undefined;
    return typeof stored?.activityId === 'string' ? stored.activityId : undefined;
  }

  private async channel(): Promise<Partial<ConversationReference> | undefined> {
    if (!this.deps.conversationKey) return undefined;
    const reference = (await this.deps.store.conversations.get(this.deps.conversationKey)) as
      Partial<ConversationReference> | null | undefined;
    if (!reference) {
      this.deps.logger.warn(
        'the approvals channel has no stored conversation reference yet (install the app there)',
      );
      return undefined;
    }
    return reference;
  }
}

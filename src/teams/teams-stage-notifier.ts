/**
 * Notices of the offboarding's later stages in Teams: the delegate's expiry notice with its Extend
 * button (1:1, e-mail as the fallback), the extension request for approvers (the approvals channel),
 * and the decision back to the delegate.
 */
import type { Logger } from 'pino';
import type { NoticeResult } from '../core/ports/notifier.js';
import type {
  ExpiryNotice,
  ExtensionDecisionNotice,
  ExtensionRequestNotice,
  StageNotifier,
} from '../core/ports/stage-notifier.js';
import type { ConversationStore } from '../core/ports/store.js';
import { errorSummary } from '../core/ports/log.js';
import { cardAttachment, renderCard, type AdaptiveCardJson } from './cards/render-card.js';
import expiryTemplate from './cards/expiry-notice.card.json' with { type: 'json' };
import extensionTemplate from './cards/extension-request.card.json' with { type: 'json' };
import { expiryNoticeCardData, extensionRequestCardData, utcText } from './cards/offboard-stages.data.js';
import type { ConversationGateway } from './conversation-gateway.js';
import { markdownText as md } from './cards/markdown-text.js';
import { escapeHtml, type TeamsNotifier } from './teams-notifier.js';

export interface TeamsStageNotifierOptions {
  notifier: TeamsNotifier;
  gateway: ConversationGateway;
  conversations: ConversationStore;
  /** Stored conversation key of the approvals channel, when configured. */
  approvalsConversationKey: string | undefined;
  logger: Logger;
}

export class TeamsStageNotifier implements StageNotifier {
  constructor(private readonly options: TeamsStageNotifierOptions) {}

  notifyExpiry(notice: ExpiryNotice): Promise<NoticeResult> {
    const card = renderCard(expiryTemplate, expiryNoticeCardData(notice));
    const text =
      `Your access to ${notice.leaver.displayName}'s (${notice.leaver.userPrincipalName}) mailbox and ` +
      `OneDrive ends on ${utcText(notice.expiresAt)}. Request ${notice.requestId}.`;
    return this.toPerson(
      notice.delegate,
      card,
      `Your access to ${notice.leaver.displayName}'s work ends soon`,
      text,
    );
  }

  async askForExtension(notice: ExtensionRequestNotice): Promise<void> {
    const key = this.options.approvalsConversationKey;
    const reference = key ? await this.options.conversations.get(key) : undefined;
    if (!reference) {
      this.options.logger.warn(
        { requestId: notice.requestId },
        'no approvals channel is known: the extension request is only visible with `status`',
      );
      return;
    }
    const card = renderCard(extensionTemplate, extensionRequestCardData(notice));
    await this.options.gateway.send(reference, { attachments: [cardAttachment(card)] });
  }

  notifyExtensionDecision(notice: ExtensionDecisionNotice): Promise<NoticeResult> {
    const by = notice.decidedBy.displayName ?? 'an approver';
    const text =
      notice.decision === 'approved'
        ? `${by} extended your access to ${notice.leaver.displayName}'s mailbox and OneDrive until ${utcText(notice.expiresAt)}.`
        : `${by} did not extend your access to ${notice.leaver.displayName}'s mailbox and OneDrive: it ends on ${utcText(notice.expiresAt)}.${notice.reason ? ` Reason: ${notice.reason}` : ''}`;
    const card: AdaptiveCardJson = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [{ type: 'TextBlock', text: md(text), wrap: true }],
    };
    return this.toPerson(notice.delegate, card, `Your access to ${notice.leaver.displayName}'s work`, text);
  }

  private async toPerson(
    person: { id: string; userPrincipalName: string; mail?: string },
    card: AdaptiveCardJson,
    subject: string,
    text: string,
  ): Promise<NoticeResult> {
    let problem: string;
    try {
      await this.options.notifier.sendToPerson(person.id, card);
      return { channel: 'teams' };
    } catch (error) {
      problem = errorSummary(error).message;
      this.options.logger.warn({ err: errorSummary(error) }, 'Teams stage notice failed, trying e-mail');
    }
    const sent = await this.options.notifier.sendMail(
      person.mail ?? person.userPrincipalName,
      subject,
      `<p>${escapeHtml(text)}</p>`,
    );
    return sent
      ? { channel: 'email', detail: `Teams failed: ${problem}` }
      : { channel: 'none', detail: `Teams failed (${problem}) and no sender mailbox is configured` };
  }
}

/**
 * The organisation's revoke notifications: one line posted to the configured Teams channel (its stored
 * conversation reference) and one e-mail from the notice sender to the configured addresses, when a
 * run that removed mailbox rights completes or fails. Delivery problems are logged and returned, never
 * thrown. Names and addresses are escaped for Markdown (Teams) and HTML (mail).
 */
import type { Logger } from 'pino';
import type { Messaging } from '../core/ports/messaging.js';
import type { ConversationStore } from '../core/ports/store.js';
import { errorSummary } from '../core/ports/log.js';
import {
  isRevokeSuccess,
  revokeNoticeLine,
  type RevokeNoticeDelivery,
  type RevokeNotifier,
  type RevokeOutcomeNotice,
} from '../core/revoke/index.js';
import { markdownText } from './cards/markdown-text.js';
import type { ConversationGateway } from './conversation-gateway.js';
import { escapeHtml } from './teams-notifier.js';

export interface TeamsRevokeNotifierOptions {
  gateway: ConversationGateway;
  conversations: ConversationStore;
  messaging: Pick<Messaging, 'sendMail'>;
  /** Stored conversation key of the channel told (`conversation:<id>`). */
  channelKey?: string;
  /** E-mail recipients, and the mailbox (UPN) the mail is sent from. */
  mail?: { from: string; to: readonly string[] };
  logger: Logger;
}

export class TeamsRevokeNotifier implements RevokeNotifier {
  constructor(private readonly options: TeamsRevokeNotifierOptions) {}

  async revokeFinished(notice: RevokeOutcomeNotice): Promise<RevokeNoticeDelivery> {
    const delivery: RevokeNoticeDelivery = { isPostedToChannel: false, mailedTo: 0, problems: [] };
    const line = revokeNoticeLine(notice);
    const { channelKey, mail, logger } = this.options;
    if (channelKey) {
      try {
        const reference = await this.options.conversations.get(channelKey);
        if (reference) {
          await this.options.gateway.send(reference, { type: 'message', text: markdownText(line) });
          delivery.isPostedToChannel = true;
        } else {
          delivery.problems.push(
            'the notification channel has no stored conversation (install the app there)',
          );
        }
      } catch (error) {
        delivery.problems.push(`channel post failed: ${errorSummary(error).message}`);
      }
    }
    if (mail && mail.to.length > 0) {
      try {
        // sendMail is not idempotent: one attempt (a retry could send the notice twice).
        await this.options.messaging.sendMail(mail.from, {
          to: [...mail.to],
          subject: `${isRevokeSuccess(notice) ? 'Mailbox permissions removed' : 'Mailbox permission removal needs attention'}: ${notice.user.displayName}`,
          html: `<p>${escapeHtml(line)}</p>`,
        });
        delivery.mailedTo = mail.to.length;
      } catch (error) {
        delivery.problems.push(`e-mail failed: ${errorSummary(error).message}`);
      }
    }
    if (delivery.problems.length > 0) {
      logger.warn(
        { requestId: notice.requestId, problems: delivery.problems },
        'revoke notification not fully delivered',
      );
    }
    return delivery;
  }
}

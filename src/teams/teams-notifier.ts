/**
 * The delegate's notice: a 1:1 Teams message (installing the app for them through Graph when needed,
 * creating the chat and storing its reference), with e-mail through Graph as the fallback.
 */
import type { ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { Messaging } from '../core/ports/messaging.js';
import type { DelegateNotice, Notifier, NoticeResult } from '../core/ports/notifier.js';
import type { ConversationStore } from '../core/ports/store.js';
import { lastReferenceKey } from './last-reference.js';
import { cardAttachment, renderCard, type AdaptiveCardJson } from './cards/render-card.js';
import noticeTemplate from './cards/delegate-notice.card.json' with { type: 'json' };
import type { ConversationGateway } from './conversation-gateway.js';
import { errorSummary } from '../core/ports/log.js';
import { markdownText as md } from './cards/markdown-text.js';

export interface TeamsNotifierOptions {
  gateway: ConversationGateway;
  conversations: ConversationStore;
  messaging: Messaging;
  tenantId: string;
  /** Manifest id of the Teams app, to install it for delegates who never used it. */
  teamsAppId: string | undefined;
  /** Mailbox the fallback e-mail is sent from. */
  senderUserPrincipalName: string | undefined;
  logger: Logger;
}

export function noticeItems(notice: DelegateNotice): string[] {
  const items: string[] = [];
  if (notice.mailbox?.hasFullAccess) {
    items.push(
      `Full access to the mailbox ${notice.mailbox.address}${notice.mailbox.isShared ? ' (now a shared mailbox)' : ''}`,
    );
  }
  if (notice.oneDrive) {
    const until =
      notice.oneDrive.until === undefined ? '' : ` (until ${notice.oneDrive.until}, then it is deleted)`;
    items.push(`Their OneDrive: ${notice.oneDrive.webUrl}${until}`);
  }
  if (notice.forwardingTo) items.push(`New mail is forwarded to ${notice.forwardingTo}`);
  for (const m of notice.meetings ?? []) {
    const when = `${m.start.slice(0, 10)} ${m.start.slice(11, 16)} UTC`;
    items.push(
      `A meeting they organised, not cancelled: ${m.subject || '(no subject)'}, ` +
        `${m.isRecurring ? `recurring, next on ${when}` : when}, ${String(m.attendeeCount)} attendee(s): ` +
        'ask the attendees to set up a new one, or cancel it',
    );
  }
  return items;
}

function noticeIntro(notice: DelegateNotice): string {
  return `${notice.leaver.displayName} (${notice.leaver.userPrincipalName}) has left. You now have:`;
}

/** The notice card's data: names, addresses and the requester's name escaped for Markdown. */
export function noticeCardData(notice: DelegateNotice) {
  return {
    leaver: md(notice.leaver.displayName),
    intro: md(noticeIntro(notice)),
    items: noticeItems(notice).map(md),
    requestedBy: md(notice.requestedBy),
    until: md(notice.until ?? 'no end date'),
    requestId: notice.requestId,
    oneDriveUrl: notice.oneDrive?.webUrl ?? '',
  };
}

export const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export class TeamsNotifier implements Notifier {
  constructor(private readonly options: TeamsNotifierOptions) {}

  async notifyDelegate(notice: DelegateNotice): Promise<NoticeResult> {
    // A resumed run may deliver the same notice again: remember what was sent, per request and person.
    const sentKey = `notice-sent:${notice.requestId}:${notice.delegate.id}`;
    const sent = (await this.options.conversations.get(sentKey)) as NoticeResult | undefined;
    if (sent) return sent;
    const result = await this.deliver(notice);
    if (result.channel !== 'none') await this.options.conversations.save(sentKey, result);
    return result;
  }

  private async deliver(notice: DelegateNotice): Promise<NoticeResult> {
    const card = renderCard(noticeTemplate, noticeCardData(notice));
    let teamsProblem: string;
    try {
      const reference = await this.personalChat(notice.delegate.id);
      await this.options.gateway.send(reference, { attachments: [cardAttachment(card)] });
      return { channel: 'teams' };
    } catch (error) {
      teamsProblem = errorSummary(error).message;
      this.options.logger.warn(
        { requestId: notice.requestId, err: errorSummary(error) },
        'Teams notice failed, trying e-mail',
      );
    }
    const to = notice.delegate.mail ?? notice.delegate.userPrincipalName;
    const sender = this.options.senderUserPrincipalName;
    if (!sender)
      return {
        channel: 'none',
        detail: `Teams failed (${teamsProblem}) and no sender mailbox is configured`,
      };
    const html = [
      `<p>${escapeHtml(noticeIntro(notice))}</p>`,
      `<ul>${noticeItems(notice)
        .map((i) => `<li>${escapeHtml(i)}</li>`)
        .join('')}</ul>`,
      `<p>Asked by ${escapeHtml(notice.requestedBy)} · request ${escapeHtml(notice.requestId)} · until ${escapeHtml(notice.until ?? 'no end date')}</p>`,
    ].join('');
    await this.options.messaging.sendMail(sender, {
      to: [to],
      subject: `You now look after ${notice.leaver.displayName}'s work`,
      html,
    });
    return { channel: 'email', detail: `Teams failed: ${teamsProblem}` };
  }

  /** Sends a card to a person's 1:1 chat with the bot (created, and the app installed, when needed). */
  async sendToPerson(userId: string, card: AdaptiveCardJson): Promise<void> {
    const reference = await this.personalChat(userId);
    await this.options.gateway.send(reference, { attachments: [cardAttachment(card)] });
  }

  /** An e-mail from the configured sender; false when no sender mailbox is configured. */
  async sendMail(to: string, subject: string, html: string): Promise<boolean> {
    const sender = this.options.senderUserPrincipalName;
    if (!sender) return false;
    await this.options.messaging.sendMail(sender, { to: [to], subject, html });
    return true;
  }

  private async personalChat(userId: string): Promise<Partial<ConversationReference>> {
    const key = `user:${userId}`;
    const stored = (await this.options.conversations.get(key)) as Partial<ConversationReference> | undefined;
    if (stored) return stored;
    if (this.options.teamsAppId) {
      await this.options.messaging.installTeamsApp(userId, this.options.teamsAppId);
    }
    const template = (await this.options.conversations.get(lastReferenceKey)) as
      Partial<ConversationReference> | undefined;
    if (!template) throw new Error('No conversation reference is known yet to open a chat from');
    const reference = await this.options.gateway.createPersonalChat(template, userId, this.options.tenantId);
    await this.options.conversations.save(key, reference);
    return reference;
  }
}

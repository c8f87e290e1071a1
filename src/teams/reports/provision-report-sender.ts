/**
 * Sends a batch report: a card to the IT channel (a stored conversation reference) and, when
 * configured, an HTML e-mail copy through Graph sendMail. Delivery problems are logged, never thrown.
 */
import { attachmentMessage } from '../message-activity.js';
import type { Logger } from 'pino';
import type { Messaging } from '../../core/ports/messaging.js';
import type { ConversationStore } from '../../core/ports/store.js';
import type { BatchReport } from '../../core/provision/index.js';
import { cardAttachment, renderCard } from '../cards/render-card.js';
import reportTemplate from '../cards/provision-report.card.json' with { type: 'json' };
import { toProvisionReportData } from '../cards/provision-report.data.js';
import type { ConversationGateway } from '../conversation-gateway.js';
import { reportMailHtml } from './provision-report-mail.js';

export interface ReportSenderOptions {
  gateway: ConversationGateway;
  conversations: ConversationStore;
  messaging: Pick<Messaging, 'sendMail'>;
  /** Stored conversation key of the IT channel (`conversation:<id>`). */
  itChannelKey?: string;
  /** Sender mailbox (UPN) and recipients of the e-mail copy. */
  mail?: { from: string; to: string[] };
  logger: Logger;
}

export interface ReportDelivery {
  isPostedToChannel: boolean;
  isMailed: boolean;
}

export class ReportSender {
  constructor(private readonly options: ReportSenderOptions) {}

  async send(report: BatchReport): Promise<ReportDelivery> {
    const delivery: ReportDelivery = { isPostedToChannel: false, isMailed: false };
    const { itChannelKey, gateway, conversations, logger } = this.options;
    if (itChannelKey) {
      try {
        const reference = await conversations.get(itChannelKey);
        if (reference) {
          const card = renderCard(reportTemplate, toProvisionReportData(report));
          await gateway.send(reference, attachmentMessage(cardAttachment(card)));
          delivery.isPostedToChannel = true;
        } else {
          logger.warn('the IT channel has no stored conversation reference yet (install the app there)');
        }
      } catch (error) {
        logger.warn({ err: errorText(error), reportId: report.id }, 'could not post the provisioning report');
      }
    }
    const mail = this.options.mail;
    if (mail && mail.to.length > 0) {
      try {
        // sendMail is not idempotent: one attempt, no retry (a retry could send duplicates).
        await this.options.messaging.sendMail(mail.from, {
          to: mail.to,
          subject: report.isDryRun ? 'Provisioning dry run' : 'Office 365 Provisioning Report',
          html: reportMailHtml(report),
        });
        delivery.isMailed = true;
      } catch (error) {
        logger.warn(
          { err: errorText(error), reportId: report.id },
          'could not e-mail the provisioning report',
        );
      }
    }
    return delivery;
  }
}

const errorText = (error: unknown): { name: string; message: string } =>
  error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };

/**
 * The message activities the bot sends, as botbuilder's `MessageFactory` and `CardFactory` build them
 * (a list layout, accepting input). Written out here so the modules that send proactive messages, which
 * the command line also loads, don't load botbuilder: the command line never talks to Teams through
 * them, and botbuilder with its connector is ~60 MB of a bulk run's resident memory. Every card
 * message of the bot is built here, so there is one way to build one.
 */
import type { Activity, Attachment } from 'botbuilder';

export const adaptiveCardContentType = 'application/vnd.microsoft.card.adaptive';

/** `MessageFactory.attachment(attachment)`. */
export function attachmentMessage(attachment: Attachment): Partial<Activity> {
  return {
    type: 'message',
    attachmentLayout: 'list',
    attachments: [attachment],
    inputHint: 'acceptingInput',
  };
}

/** `CardFactory.adaptiveCard(card)`. */
export function adaptiveCardAttachment(card: object): Attachment {
  return { contentType: adaptiveCardContentType, content: card };
}

/** Expands an Adaptive Card JSON template with its data (adaptivecards-templating). */
import type { Attachment } from 'botbuilder';
import { CardFactory } from 'botbuilder';
import * as ACData from 'adaptivecards-templating';

export type AdaptiveCardJson = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

export function renderCard(template: object, data: object): AdaptiveCardJson {
  const expanded: unknown = new ACData.Template(template).expand({ $root: data });
  if (!isCard(expanded)) throw new Error('Card template did not expand to an AdaptiveCard');
  return expanded;
}

export function cardAttachment(card: AdaptiveCardJson): Attachment {
  return CardFactory.adaptiveCard(card);
}

function isCard(value: unknown): value is AdaptiveCardJson {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'AdaptiveCard';
}

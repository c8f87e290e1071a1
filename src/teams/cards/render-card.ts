/**
 * Expands an Adaptive Card JSON template with its data (adaptivecards-templating). The templating
 * library (with adaptive-expressions, ~30 MB resident) is loaded by the first card rendered, not by the
 * command line, which loads this module and never renders a card.
 */
import { createRequire } from 'node:module';
import type { Attachment } from 'botbuilder';
import { adaptiveCardAttachment } from '../message-activity.js';

type Templating = typeof import('adaptivecards-templating');
let templating: Templating | undefined;
const loadTemplating = (): Templating =>
  (templating ??= createRequire(import.meta.url)('adaptivecards-templating') as Templating);

export type AdaptiveCardJson = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

/**
 * Loads the templating library now: the bot calls it at start, so the first turns don't wait for its
 * modules (a few hundred milliseconds, synchronously, in the middle of a burst of turns).
 */
export function preloadCardTemplating(): void {
  loadTemplating();
}

/**
 * Each template parsed once: a `Template` parses every `${…}` of its JSON when it is made (adaptive-
 * expressions' parser, the larger part of a render), and `expand` only evaluates them. Templates are
 * the modules' constant JSON, so they are the keys; `expand` is synchronous, so sharing is safe.
 */
const parsed = new WeakMap<object, InstanceType<Templating['Template']>>();

export function renderCard(template: object, data: object): AdaptiveCardJson {
  let prepared = parsed.get(template);
  if (!prepared) {
    prepared = new (loadTemplating().Template)(template);
    parsed.set(template, prepared);
  }
  const expanded: unknown = prepared.expand({ $root: data });
  if (!isCard(expanded)) throw new Error('Card template did not expand to an AdaptiveCard');
  return expanded;
}

export function cardAttachment(card: AdaptiveCardJson): Attachment {
  return adaptiveCardAttachment(card);
}

function isCard(value: unknown): value is AdaptiveCardJson {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'AdaptiveCard';
}

/**
 * Commands whose answer needs reads of the tenant (resolving a person, planning) answer within the
 * turn with a short status card and do the work in the background: when it is done, that same
 * message is replaced by the answer (the request card, a choices card, a refusal or an error). The
 * turn context is gone by then, so the work gets only the turn's actor and deps, and the update goes
 * through the conversation gateway to the conversation reference taken from the activity.
 */
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import { errorSummary } from '../../core/ports/log.js';
import { cardAttachment, renderCard, type AdaptiveCardJson } from '../cards/render-card.js';
import statusTemplate from '../cards/status.card.json' with { type: 'json' };
import { errorReply } from '../error-reply.js';
import type { Turn } from '../route.js';

/** A title and an optional line of detail: the placeholder, and any answer that is just text. */
export function statusCard(title: string, detail = ''): AdaptiveCardJson {
  return renderCard(statusTemplate, { title, detail });
}

/** What the background work answers: a card, or a sentence shown as a card in place of the placeholder. */
export type DeferredAnswer = AdaptiveCardJson | string;

export async function answerInBackground(
  turn: Turn,
  placeholder: AdaptiveCardJson,
  what: string,
  work: (reference: Partial<ConversationReference>) => Promise<DeferredAnswer>,
): Promise<void> {
  const { ctx, deps } = turn;
  const reference = TurnContext.getConversationReference(ctx.activity);
  const sent = await ctx.sendActivity({ attachments: [cardAttachment(placeholder)] });
  const activityId = sent?.id;
  deps.background.answer(async () => {
    let answer: DeferredAnswer;
    try {
      answer = await work(reference);
    } catch (error) {
      answer = errorReply(error, deps.logger, what);
    }
    const card = typeof answer === 'string' ? statusCard(answer) : answer;
    const activity: Partial<Activity> = { type: 'message', attachments: [cardAttachment(card)] };
    try {
      if (activityId) await deps.gateway.update(reference, activityId, activity);
      else await deps.gateway.send(reference, activity);
    } catch (error) {
      deps.logger.warn({ err: errorSummary(error), what }, 'could not show the prepared answer');
    }
  });
}

/**
 * The answers the flows' `prepare` results share (offboard, revoke, provision) short of `ready`:
 * refused (audited), nothing to do, several matches, nobody matches. The caller shows its own card
 * for `ready`.
 */
import type { IdentityUser } from '../../core/ports/identity.js';
import { markdownText as md } from '../cards/markdown-text.js';
import { cardAttachment, type AdaptiveCardJson } from '../cards/render-card.js';
import { choicesCard } from '../cards/simple-cards.js';
import type { Turn } from '../route.js';

/** Results that need no lookup of a person (provision takes a UPN as given). */
export type Settled = { kind: 'refused'; message: string } | { kind: 'nothing-to-do'; message: string };

export type NotReady =
  | Settled
  | { kind: 'ambiguous'; choices: IdentityUser[] }
  | { kind: 'not-found'; suggestions: IdentityUser[] };

/** How a choices card for this command reads: its verb and the question it asks. */
export interface Choosing {
  verb: string;
  question: string;
}

export async function answerNotReady(
  turn: Turn,
  query: string,
  result: NotReady,
  choosing: Choosing,
): Promise<void>;
export async function answerNotReady(turn: Turn, query: string, result: Settled): Promise<void>;
export async function answerNotReady(
  turn: Turn,
  query: string,
  result: NotReady,
  choosing?: Choosing,
): Promise<void> {
  const answer = await notReadyAnswer(turn, query, result, choosing);
  await turn.ctx.sendActivity(
    typeof answer === 'string' ? answer : { attachments: [cardAttachment(answer)] },
  );
}

/** The same answers as a card or a sentence, for a reply that replaces an earlier message. */
export async function notReadyAnswer(
  turn: Turn,
  query: string,
  result: NotReady,
  choosing?: Choosing,
): Promise<AdaptiveCardJson | string> {
  const choices = (title: string, question: string, users: readonly IdentityUser[]) =>
    choicesCard(title, question, users, choosing?.verb);
  switch (result.kind) {
    // The core's messages are plain text that may quote the input or tenant data: shown escaped.
    case 'refused':
      return md(await turn.refuse(result.message));
    case 'nothing-to-do':
      return md(result.message);
    case 'ambiguous':
      return choices(
        `Several people match "${md(query)}"`,
        choosing?.question ?? 'Pick one:',
        result.choices,
      );
    case 'not-found':
      if (result.suggestions.length === 0) {
        return `Nobody matches "${md(query)}". Check the spelling or use the UPN.`;
      }
      return choices(`Nobody is called "${md(query)}"`, 'Did you mean one of these?', result.suggestions);
  }
}

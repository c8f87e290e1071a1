/** `offboard <upn | name>`: resolve, check the policy, preview the plan, ask for confirmation. */
import { ActivityTypes } from 'botbuilder';
import requestTemplate from '../cards/offboard-request.card.json' with { type: 'json' };
import { offboardRequestData } from '../cards/plan-card-data.js';
import { cardAttachment, renderCard } from '../cards/render-card.js';
import { verbs } from '../cards/verbs.js';
import type { Turn } from '../route.js';
import { answerNotReady } from './prepared-reply.js';

const maxQueryLength = 256;

/**
 * Names and UPNs: letters, marks, digits, spaces and `. ' ’ _ @ + - #` (`O'Brien`, `#EXT#` guests).
 * Anything else (quotes, brackets, `*`, `;`, `$`, `\`, control characters) is not a person and would
 * only reach the directory search as noise, so it is refused with a clear message.
 */
const lookupQuery = /^[\p{L}\p{M}\p{N} .'’_@+#-]+$/u;

export async function offboardCommand(turn: Turn, query: string): Promise<void> {
  const { ctx, deps } = turn;
  if (query === '') {
    await ctx.sendActivity(
      'Who is leaving? Type `offboard <upn or name>`, for example `offboard adele.vance@contoso.com`.',
    );
    return;
  }
  if (query.length > maxQueryLength || !lookupQuery.test(query)) {
    await ctx.sendActivity('That is not a user name or UPN I can look up; nothing was changed.');
    return;
  }
  // Resolving and planning against live state takes seconds: show "typing" at once.
  await ctx.sendActivity({ type: ActivityTypes.Typing });
  const result = await deps.offboard.prepare(turn.actor, query);
  if (result.kind !== 'ready') {
    await answerNotReady(turn, query, result, {
      verb: verbs.offboardChoose,
      question: 'Pick the one who is leaving:',
    });
    return;
  }
  const card = renderCard(
    requestTemplate,
    offboardRequestData(result.request, result.plan, result.delegateNote, result.isProtected),
  );
  await deps.store.state.set(`plan:${result.request.id}`, result.plan);
  await ctx.sendActivity({ attachments: [cardAttachment(card)] });
}

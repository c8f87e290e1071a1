/** `offboard <upn | name>`: resolve, check the policy, preview the plan, ask for confirmation. */
import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Principal } from '../../core/model.js';
import type { BotDeps } from '../bot-deps.js';
import requestTemplate from '../cards/offboard-request.card.json' with { type: 'json' };
import { offboardRequestData } from '../cards/plan-card-data.js';
import { cardAttachment, renderCard } from '../cards/render-card.js';
import { choicesCard } from '../cards/simple-cards.js';

const maxQueryLength = 256;

/**
 * Names and UPNs: letters, marks, digits, spaces and `. ' ’ _ @ + - #` (`O'Brien`, `#EXT#` guests).
 * Anything else (quotes, brackets, `*`, `;`, `$`, `\`, control characters) is not a person and would
 * only reach the directory search as noise, so it is refused with a clear message.
 */
const lookupQuery = /^[\p{L}\p{M}\p{N} .'’_@+#-]+$/u;

export async function offboardCommand(
  ctx: TurnContext,
  deps: BotDeps,
  actor: Principal,
  query: string,
): Promise<void> {
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
  const result = await deps.offboard.prepare(actor, query);
  switch (result.kind) {
    case 'refused':
      await deps.store.audit.append({
        at: new Date().toISOString(),
        type: 'action.refused',
        actor,
        details: { action: 'offboard', reason: result.message },
      });
      await ctx.sendActivity(result.message);
      return;
    case 'nothing-to-do':
      await ctx.sendActivity(result.message);
      return;
    case 'ambiguous':
      await ctx.sendActivity({
        attachments: [
          cardAttachment(
            choicesCard(`Several people match "${query}"`, 'Pick the one who is leaving:', result.choices),
          ),
        ],
      });
      return;
    case 'not-found':
      if (result.suggestions.length === 0) {
        await ctx.sendActivity(`Nobody matches "${query}". Check the spelling or use the UPN.`);
        return;
      }
      await ctx.sendActivity({
        attachments: [
          cardAttachment(
            choicesCard(`Nobody is called "${query}"`, 'Did you mean one of these?', result.suggestions),
          ),
        ],
      });
      return;
    case 'ready': {
      const card = renderCard(
        requestTemplate,
        offboardRequestData(result.request, result.plan, result.delegateNote, result.isProtected),
      );
      await deps.store.state.set(`plan:${result.request.id}`, result.plan);
      await ctx.sendActivity({ attachments: [cardAttachment(card)] });
      return;
    }
  }
}

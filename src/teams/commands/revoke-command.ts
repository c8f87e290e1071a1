/** `revoke <upn>`: discover what the user holds on other mailboxes, preview, ask for confirmation. */
import type { TurnContext } from 'botbuilder';
import type { Principal } from '../../core/model.js';
import type { BotDeps } from '../bot-deps.js';
import { cardAttachment } from '../cards/render-card.js';
import { revokeRequestCard } from '../cards/revoke-card-render.js';
import { choicesCard } from '../cards/simple-cards.js';
import { verbs } from '../cards/verbs.js';

const hasControlCharacters = (text: string): boolean =>
  Array.from({ length: text.length }, (_, i) => text.charCodeAt(i)).some((c) => c < 0x20);

export async function revokeCommand(
  ctx: TurnContext,
  deps: BotDeps,
  actor: Principal,
  query: string,
): Promise<void> {
  if (!deps.revoke) {
    await ctx.sendActivity('Mailbox permission removal is not enabled on this bot.');
    return;
  }
  if (query === '') {
    await ctx.sendActivity(
      'Whose permissions? Type `revoke <upn>`, for example `revoke adele.vance@contoso.com`.',
    );
    return;
  }
  if (query.length > 256 || hasControlCharacters(query) || /["<>]/.test(query)) {
    await ctx.sendActivity('That is not a user name or UPN I can look up; nothing was changed.');
    return;
  }
  const result = await deps.revoke.prepare(actor, query);
  switch (result.kind) {
    case 'refused':
      await deps.store.audit.append({
        at: new Date().toISOString(),
        type: 'action.refused',
        actor,
        details: { action: 'revoke', reason: result.message },
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
            choicesCard(
              `Several people match "${query}"`,
              'Whose permissions?',
              result.choices,
              verbs.revokeChoose,
            ),
          ),
        ],
      });
      return;
    case 'not-found':
      await ctx.sendActivity(
        result.suggestions.length === 0
          ? `Nobody matches "${query}". Check the spelling or use the UPN.`
          : {
              attachments: [
                cardAttachment(
                  choicesCard(
                    `Nobody is called "${query}"`,
                    'Did you mean one of these?',
                    result.suggestions,
                    verbs.revokeChoose,
                  ),
                ),
              ],
            },
      );
      return;
    case 'ready':
      await ctx.sendActivity({
        attachments: [cardAttachment(revokeRequestCard(result.request, result.discovery))],
      });
      return;
  }
}

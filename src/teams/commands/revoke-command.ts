/** `revoke <upn>`: discover what the user holds on other mailboxes, preview, ask for confirmation. */
import { revokeRequestCard } from '../cards/revoke-card-render.js';
import { verbs } from '../cards/verbs.js';
import { rememberRequesterConversation } from '../requester-conversation.js';
import type { Turn } from '../route.js';
import { answerInBackground, statusCard } from './deferred-reply.js';
import { notReadyAnswer } from './prepared-reply.js';

const hasControlCharacters = (text: string): boolean =>
  Array.from({ length: text.length }, (_, i) => text.charCodeAt(i)).some((c) => c < 0x20);

export async function revokeCommand(turn: Turn, query: string): Promise<void> {
  const { ctx, deps } = turn;
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
  const revoke = deps.revoke;
  await answerInBackground(
    turn,
    statusCard(
      `Looking for the rights of ${query} on other mailboxes…`,
      'Reading SendAs, SendOnBehalf, FullAccess and calendar rights.',
    ),
    'revoke',
    async (reference) => {
      const result = await revoke.prepare(turn.actor, query);
      if (result.kind !== 'ready') {
        return notReadyAnswer(turn, query, result, {
          verb: verbs.revokeChoose,
          question: 'Whose permissions?',
        });
      }
      await rememberRequesterConversation(deps, result.request.id, reference);
      return revokeRequestCard(result.request, result.discovery);
    },
  );
}

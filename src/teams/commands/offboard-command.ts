/** `offboard <upn | name>`: resolve, check the policy, preview the plan, ask for confirmation. */
import requestTemplate from '../cards/offboard-request.card.json' with { type: 'json' };
import { offboardRequestData } from '../cards/plan-card-data.js';
import { renderCard } from '../cards/render-card.js';
import { verbs } from '../cards/verbs.js';
import { rememberRequesterConversation } from '../requester-conversation.js';
import type { Turn } from '../route.js';
import { answerInBackground, statusCard } from './deferred-reply.js';
import { notReadyAnswer } from './prepared-reply.js';

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
  // Resolving and planning read the tenant: answer now, replace the card when the plan is ready.
  await answerInBackground(
    turn,
    statusCard(`Planning the offboarding of ${query}…`, 'Reading the account, mailbox, groups and licences.'),
    'offboard',
    async (reference) => {
      const result = await deps.offboard.prepare(turn.actor, query);
      if (result.kind !== 'ready') {
        return notReadyAnswer(turn, query, result, {
          verb: verbs.offboardChoose,
          question: 'Pick the one who is leaving:',
        });
      }
      await deps.store.state.set(`plan:${result.request.id}`, result.plan);
      await rememberRequesterConversation(deps, result.request.id, reference);
      return renderCard(
        requestTemplate,
        offboardRequestData(
          result.request,
          result.plan,
          result.delegateNote,
          result.isProtected,
          deps.stages?.view.policy,
        ),
      );
    },
  );
}

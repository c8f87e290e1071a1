/**
 * `offboard <upn | name> [--at "<date> <time> [zone]"]`: resolve, check the policy, preview the plan,
 * ask for confirmation. With `--at`, the card's leave date and time are filled in (checked first: a
 * past, nonexistent or ambiguous local time is refused before anything is read).
 */
import requestTemplate from '../cards/offboard-request.card.json' with { type: 'json' };
import { offboardRequestData } from '../cards/plan-card-data.js';
import { renderCard } from '../cards/render-card.js';
import { verbs } from '../cards/verbs.js';
import { rememberRequesterConversation } from '../requester-conversation.js';
import type { Turn } from '../route.js';
import { answerInBackground, statusCard } from './deferred-reply.js';
import { notReadyAnswer } from './prepared-reply.js';
import { InvalidInputError } from '../../core/errors.js';
import { parseLeaveTime, type LeaveSchedule } from '../../core/offboard/leave-time.js';
import { activityTimeZone } from '../actions/start-or-schedule.js';

const maxQueryLength = 256;

/**
 * Names and UPNs: letters, marks, digits, spaces and `. ' ’ _ @ + - #` (`O'Brien`, `#EXT#` guests).
 * Anything else (quotes, brackets, `*`, `;`, `$`, `\`, control characters) is not a person and would
 * only reach the directory search as noise, so it is refused with a clear message.
 */
const lookupQuery = /^[\p{L}\p{M}\p{N} .'’_@+#-]+$/u;

/** `--at "2026-12-31 17:00 [zone]"` at the end of the command (Teams may turn the quotes curly). */
const atOption = /\s*--at(?:\s+(?:"([^"]*)"|“([^”]*)”|(.*)))?$/i;

export async function offboardCommand(turn: Turn, text: string): Promise<void> {
  const { ctx, deps } = turn;
  const at = atOption.exec(text);
  const query = at ? text.slice(0, at.index).trim() : text;
  let leave: LeaveSchedule | undefined;
  if (at) {
    const when = (at[1] ?? at[2] ?? at[3] ?? '').trim();
    try {
      const clock = deps.schedule?.clock;
      if (!clock) throw new InvalidInputError('Scheduled offboarding is not enabled on this bot.');
      leave = parseLeaveTime(when, activityTimeZone(ctx.activity), clock.now());
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      await ctx.sendActivity(`${error.message} Nothing was changed.`);
      return;
    }
  }
  const zone = leave?.timeZone ?? activityTimeZone(ctx.activity) ?? '';
  const leaveInputs = {
    date: leave?.local.slice(0, 10) ?? '',
    time: leave?.local.slice(11) ?? '',
    timeZone: zone,
  };
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
          leaveInputs,
          deps.stages?.view.policy,
        ),
      );
    },
  );
}

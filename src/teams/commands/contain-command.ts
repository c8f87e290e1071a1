/**
 * `contain <upn> [wipe]`: incident mode. The responder's command is the confirmation; the request then
 * waits for another responder's approval (the approval card answers here and goes to the approvals
 * channel) or, when the policy needs none, starts at once. `wipe` also wipes corporate devices.
 */
import { isUserPrincipalName } from '../../core/upn.js';
import { planKey, approvalCard, postToApprovalsChannel } from '../actions/request-actions.js';
import { markdownText as md } from '../cards/markdown-text.js';
import { rememberRequesterConversation } from '../requester-conversation.js';
import type { Turn } from '../route.js';
import { answerInBackground, statusCard } from './deferred-reply.js';

const usage = 'Type `contain <upn>`, or `contain <upn> wipe` to wipe corporate devices too.';

/** The UPN and the wipe option, or null when the argument is anything else. */
export function parseContainArgument(argument: string): { upn: string; wipe: boolean } | null {
  const words = argument.split(' ').filter((w) => w !== '');
  const [upn, option, ...rest] = words;
  if (upn === undefined || rest.length > 0 || upn.length > 256 || !isUserPrincipalName(upn)) return null;
  if (option !== undefined && option.toLowerCase() !== 'wipe') return null;
  return { upn, wipe: option !== undefined };
}

export async function containCommand(turn: Turn, argument: string): Promise<void> {
  const { ctx, deps } = turn;
  const contain = deps.contain;
  if (!contain) {
    await ctx.sendActivity('Incident containment is not enabled on this bot.');
    return;
  }
  const parsed = parseContainArgument(argument);
  if (!parsed) {
    await ctx.sendActivity(`Whom to contain? ${usage} Nothing was changed.`);
    return;
  }
  await answerInBackground(
    turn,
    statusCard(`Containing ${md(parsed.upn)}…`, 'Checking the policy and creating the request.'),
    'contain',
    async (reference) => {
      const result = await contain.prepare(turn.actor, parsed.upn, { wipeCorporateDevices: parsed.wipe });
      switch (result.kind) {
        case 'refused':
          return turn.refuse(result.message);
        case 'ambiguous':
        case 'not-found':
          return `No user ${md(parsed.upn)} was found; nothing was changed.`;
        case 'nothing-to-do':
        case 'queued':
          return result.message;
        case 'ready':
          break;
      }
      const request = result.request;
      await rememberRequesterConversation(deps, request.id, reference);
      if (request.state === 'approved') {
        await deps.coordinator.start(request, reference);
        return statusCard(
          `Containment of ${md(request.subject.displayName)} started (${request.id})`,
          'No approval is needed by policy; the timeline follows.',
        );
      }
      await deps.store.state.set(planKey(request.id), await contain.preview(request));
      const card = await approvalCard(deps, request);
      await postToApprovalsChannel(deps, card, request.id);
      return card;
    },
  );
}

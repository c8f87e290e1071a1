/**
 * `undo <request id>`, `restore <upn>` and the Undo button of an offboarding's summary: read what the
 * offboarding applied, plan its reverse, and show it with what can't be undone for the requester to
 * confirm; then approval and the run as for any request. Refusals are audited.
 */
import { requestIdPattern } from '../../core/requests/request-id.js';
import type { UndoPrepareResult } from '../../core/undo/undo-flow.js';
import { isUserPrincipalName } from '../../core/upn.js';
import { planKey } from '../actions/request-actions.js';
import type { VersionedActionData } from '../actions/action-data.js';
import { markdownText as md } from '../cards/markdown-text.js';
import { renderCard } from '../cards/render-card.js';
import undoRequestTemplate from '../cards/undo-request.card.json' with { type: 'json' };
import { undoRequestData } from '../cards/undo-request.data.js';
import { rememberRequesterConversation } from '../requester-conversation.js';
import type { Reply, Turn } from '../route.js';
import { answerInBackground, statusCard, type DeferredAnswer } from './deferred-reply.js';

const disabled = 'Undo is not enabled on this bot.';

export async function undoCommand(turn: Turn, argument: string): Promise<void> {
  const { ctx, deps } = turn;
  const undo = deps.undo;
  if (!undo) {
    await ctx.sendActivity(disabled);
    return;
  }
  const words = argument.split(' ').filter((w) => w !== '');
  const id = words[0]?.toUpperCase() ?? '';
  if (words.length !== 1 || !requestIdPattern.test(id)) {
    await ctx.sendActivity(
      'Which offboarding? Type `undo <request id>`, for example `undo REQ-20261123-ABCDEF`. Nothing was changed.',
    );
    return;
  }
  await answerInBackground(
    turn,
    statusCard(`Reading what ${id} changed…`, 'Planning the reverse from its journal.'),
    'undo',
    async (reference) => answer(turn, await undo.prepare(turn.actor, id), reference),
  );
}

export async function restoreCommand(turn: Turn, argument: string): Promise<void> {
  const { ctx, deps } = turn;
  const undo = deps.undo;
  if (!undo) {
    await ctx.sendActivity(disabled);
    return;
  }
  const words = argument.split(' ').filter((w) => w !== '');
  const upn = words[0] ?? '';
  if (words.length !== 1 || upn.length > 256 || !isUserPrincipalName(upn)) {
    await ctx.sendActivity(
      'Whom to restore? Type `restore <upn>`, for example `restore adele.vance@contoso.com`. Nothing was changed.',
    );
    return;
  }
  await answerInBackground(
    turn,
    statusCard(`Looking for ${md(upn)} in deleted items…`, 'Then planning the undo of its offboarding.'),
    'restore',
    async (reference) => answer(turn, await undo.prepareRestore(turn.actor, upn), reference),
  );
}

/** The Undo button of an offboarding's summary: the same as typing `undo <request id>`. */
export async function undoFromSummary(turn: Turn, data: VersionedActionData): Promise<Reply> {
  await undoCommand(turn, data.requestId);
  return `Preparing the undo of ${data.requestId}.`;
}

async function answer(
  turn: Turn,
  result: UndoPrepareResult,
  reference: Parameters<typeof rememberRequesterConversation>[2],
): Promise<DeferredAnswer> {
  switch (result.kind) {
    case 'refused':
      return turn.refuse(result.message);
    case 'ambiguous':
    case 'not-found':
      return 'No such user was found; nothing was changed.';
    case 'nothing-to-do':
    case 'queued':
      return result.message;
    case 'ready':
      break;
  }
  const { request, plan } = result;
  await rememberRequesterConversation(turn.deps, request.id, reference);
  await turn.deps.store.state.set(planKey(request.id), plan);
  return renderCard(undoRequestTemplate, undoRequestData(request, plan));
}

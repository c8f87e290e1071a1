/**
 * Card input the bot never asked for: a legacy `Action.Submit` (our cards only send `Action.Execute`)
 * and an `Action.Execute` whose verb no route answers. Neither changes anything; both are refused and
 * audited like any other refusal, against the request the data names when it names a well-formed one.
 */
import type { Activity } from 'botbuilder';
import { claimedRequestId } from '../route-guard.js';
import type { Reply, Turn } from '../route.js';

/** A message with card data and no text: what Teams sends for an `Action.Submit`. */
export function isCardSubmit(activity: Activity): boolean {
  const value: unknown = activity.value;
  return (activity.text ?? '').trim() === '' && typeof value === 'object' && value !== null;
}

export async function refuseCardSubmit(turn: Turn): Promise<void> {
  const requestId = claimedRequestId(turn.ctx.activity.value);
  await turn.ctx.sendActivity(
    await turn.refuse('This card action is not one I accept; nothing was changed.', {
      code: 'legacy-submit',
      ...(requestId !== undefined && { requestId }),
    }),
  );
}

export function refuseUnknownVerb(turn: Turn): Promise<Reply> {
  return turn.refuse('This card action is not one I know; nothing was changed.', { code: 'unknown-verb' });
}

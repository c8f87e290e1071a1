/**
 * Card verbs of the delegation expiry: Extend on the delegate's notice, Approve and Reject on the
 * extension request. The guard has checked the actor and the card data; `DelegationExtensions` checks
 * who may act (the delegate asks, an approver other than them decides), the state and the version.
 */
import type { Reply, Turn } from '../route.js';
import type { VersionedActionData } from './action-data.js';

const notEnabled = 'Offboarding stages are not enabled on this bot.';

export async function extendDelegation(turn: Turn, data: VersionedActionData): Promise<Reply> {
  const stages = turn.deps.stages;
  if (!stages) return turn.refuse(notEnabled, { requestId: data.requestId });
  const decision = await stages.extensions.request(turn.actor, data.requestId, data.version);
  return decision.message;
}

export async function approveExtension(turn: Turn, data: VersionedActionData): Promise<Reply> {
  const stages = turn.deps.stages;
  if (!stages) return turn.refuse(notEnabled, { requestId: data.requestId });
  const decision = await stages.extensions.approve(turn.actor, data.requestId, data.version);
  return decision.message;
}

export async function rejectExtension(turn: Turn, data: VersionedActionData): Promise<Reply> {
  const stages = turn.deps.stages;
  if (!stages) return turn.refuse(notEnabled, { requestId: data.requestId });
  const reason = typeof data['reason'] === 'string' ? data['reason'].trim() : '';
  if (reason === '') {
    return turn.refuse('Please give a reason to reject; nothing was changed.', { requestId: data.requestId });
  }
  const decision = await stages.extensions.reject(turn.actor, data.requestId, data.version, reason);
  return decision.message;
}

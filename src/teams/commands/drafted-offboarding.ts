/**
 * The offboarding a containment drafted for IT (`contain-flow.ts`) waits for its requester's
 * confirmation. `status <id>` gives that requester the normal request card of it, planned now, whose
 * Confirm goes through the same guards as any offboarding: only the requester confirms, the choices are
 * read and checked again, then another approver approves (two for a protected account).
 */
import type { LifecycleRequest } from '../../core/model.js';
import { isBulkRequest } from '../../core/offboard/bulk-offboard.js';
import { planKey } from '../actions/request-actions.js';
import requestTemplate from '../cards/offboard-request.card.json' with { type: 'json' };
import { offboardRequestData } from '../cards/plan-card-data.js';
import { renderCard, type AdaptiveCardJson } from '../cards/render-card.js';
import type { Turn } from '../route.js';

/** Whether `status` should offer the actor the request card to confirm. */
export function awaitsActorsConfirmation(turn: Turn, request: LifecycleRequest): boolean {
  return (
    request.kind === 'offboard' &&
    request.state === 'awaiting-confirmation' &&
    request.requester.aadObjectId === turn.actor.aadObjectId &&
    !isBulkRequest(request)
  );
}

/** The request card of an offboarding awaiting its requester's confirmation, planned now. */
export async function requestCardToConfirm(turn: Turn, request: LifecycleRequest): Promise<AdaptiveCardJson> {
  const { deps } = turn;
  const plan = await deps.offboard.plan(request, { priority: 'interactive', isPreview: true });
  await deps.store.state.set(planKey(request.id), plan);
  const isProtected = await deps.policy.isProtected(request.subject);
  const delegate = (request.options as { delegate?: { displayName?: string } | null }).delegate;
  const note = delegate?.displayName
    ? `Proposed when the account was contained: ${delegate.displayName}.`
    : 'No delegate was proposed; name one before confirming.';
  return renderCard(requestTemplate, offboardRequestData(request, plan, note, isProtected));
}

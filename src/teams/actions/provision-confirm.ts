/** `provision.confirm`: the requester confirms the preview; the run starts now or after approval. */
import { InvalidInputError } from '../../core/errors.js';
import { TurnContext } from 'botbuilder';
import type { Principal } from '../../core/model.js';
import type { BotDeps } from '../bot-deps.js';
import { cardAttachment } from '../cards/render-card.js';
import { parseRequestAction } from './action-data.js';
import { approvalCard, type ActionResult } from './request-actions.js';

export async function confirmProvision(
  ctx: TurnContext,
  deps: BotDeps,
  actor: Principal | null,
  raw: unknown,
): Promise<ActionResult> {
  const provision = deps.provision;
  const parsed = parseRequestAction(raw);
  if (!actor || !parsed.ok || parsed.data.version === undefined || !provision) {
    const message = !actor
      ? 'I could not tell who you are; nothing was changed.'
      : !provision
        ? 'Provisioning is not configured on this bot.'
        : parsed.ok
          ? 'This card has no version; nothing was changed.'
          : parsed.message;
    await deps.store.audit.append({
      at: new Date().toISOString(),
      type: 'action.refused',
      ...(actor && { actor }),
      details: { action: 'provision.confirm', reason: message },
    });
    return message;
  }
  const decision = await deps.requestService.confirm(
    actor,
    parsed.data.requestId,
    parsed.data.version,
    (request) => {
      // Checked inside the guarded transition: a card of another kind confirms nothing (and is audited).
      if (request.kind !== 'provision')
        throw new InvalidInputError('This is not a provisioning request; nothing was changed.');
      return Promise.resolve(request.options);
    },
  );
  if (!decision.isDone) return decision.message;
  const request = decision.request;
  const plan = await provision.flow.plan(request);
  await deps.store.state.set(`plan:${request.id}`, plan);
  if (request.state === 'approved') {
    await deps.coordinator.start(request, TurnContext.getConversationReference(ctx.activity));
    return approvalCard(deps, (await deps.requestService.get(request.id)) ?? request, false);
  }
  const card = await approvalCard(deps, request);
  await ctx.sendActivity({ attachments: [cardAttachment(card)] });
  if (deps.approvalsConversationKey) {
    const reference = await deps.store.conversations.get(deps.approvalsConversationKey);
    if (reference) await deps.gateway.send(reference, { attachments: [cardAttachment(card)] });
  }
  return approvalCard(deps, request, false);
}

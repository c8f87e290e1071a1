/**
 * Card verbs on requests: confirm, approve, reject, cancel, retry. Each answers the invoke at once with
 * a card (or a short message) and leaves long work to the run coordinator.
 */
import { TurnContext } from 'botbuilder';
import { InvalidInputError } from '../../core/errors.js';
import { isBulkRequest } from '../../core/offboard/bulk-offboard.js';
import type { LifecycleRequest, Principal } from '../../core/model.js';
import type { Plan } from '../../core/step.js';
import type { BotDeps } from '../bot-deps.js';
import approvalTemplate from '../cards/approval.card.json' with { type: 'json' };
import { approvalCardData } from '../cards/plan-card-data.js';
import { cardAttachment, renderCard, type AdaptiveCardJson } from '../cards/render-card.js';
import { parseRequestAction, type RequestActionData } from './action-data.js';

export type ActionResult = AdaptiveCardJson | string;

const planKey = (requestId: string): string => `plan:${requestId}`;

export async function approvalCard(
  deps: BotDeps,
  request: LifecycleRequest,
  isActionable = true,
): Promise<AdaptiveCardJson> {
  const plan = ((await deps.store.state.get(planKey(request.id))) ?? { steps: [] }) as Plan;
  const isProtected = await deps.policy.isProtected(request.subject);
  return renderCard(approvalTemplate, approvalCardData(request, plan, isProtected, isActionable));
}

async function refused(
  deps: BotDeps,
  actor: Principal | null,
  action: string,
  message: string,
  raw: unknown,
): Promise<string> {
  await deps.store.audit.append({
    at: new Date().toISOString(),
    type: 'action.refused',
    ...(actor && { actor }),
    details: {
      action,
      reason: message,
      dataKeys: Object.keys(typeof raw === 'object' && raw !== null ? raw : {}).slice(0, 20),
    },
  });
  return message;
}

/** A card action's checked input: who (from the activity) and which request, or the refusal text (audited). */
type CheckedAction =
  | { ok: true; actor: Principal; data: RequestActionData; version: number | undefined }
  | { ok: false; message: string };

async function checkAction(
  deps: BotDeps,
  actor: Principal | null,
  action: string,
  raw: unknown,
  isVersionRequired: boolean,
): Promise<CheckedAction> {
  const parsed = parseRequestAction(raw);
  const problem = !actor
    ? 'I could not tell who you are; nothing was changed.'
    : !parsed.ok
      ? parsed.message
      : isVersionRequired && parsed.data.version === undefined
        ? 'This card has no version; nothing was changed.'
        : null;
  if (problem !== null || !actor || !parsed.ok) {
    return { ok: false, message: await refused(deps, actor, action, problem ?? 'malformed', raw) };
  }
  return { ok: true, actor, data: parsed.data, version: parsed.data.version };
}

/** The flow behind a request kind: how it reads the confirmation card and plans. */
function flowOf(deps: BotDeps, kind: LifecycleRequest['kind']) {
  if (kind === 'offboard') return deps.offboard;
  if (kind === 'revoke' && deps.revoke) return deps.revoke;
  return null;
}

/** Confirm verbs per kind: a card of one kind can't confirm a request of another. */
const confirmVerbKinds: Record<string, LifecycleRequest['kind']> = {
  'offboard.confirm': 'offboard',
  'revoke.confirm': 'revoke',
};

export function confirmFor(verb: string) {
  return (ctx: TurnContext, deps: BotDeps, actor: Principal | null, raw: unknown) =>
    confirmRequest(ctx, deps, actor, raw, confirmVerbKinds[verb] ?? 'offboard');
}

export async function confirmRequest(
  ctx: TurnContext,
  deps: BotDeps,
  actor: Principal | null,
  raw: unknown,
  kind: LifecycleRequest['kind'] = 'offboard',
): Promise<ActionResult> {
  const checked = await checkAction(deps, actor, 'confirm', raw, true);
  if (!checked.ok) return checked.message;
  const { actor: who, data, version = 0 } = checked;
  const { requestId } = data;
  const flow = flowOf(deps, kind);
  if (!flow) return refused(deps, who, 'confirm', `${kind} requests are not enabled on this bot.`, raw);
  const form = data as Record<string, unknown>;
  const decision = await deps.requestService.confirm(who, requestId, version, async (request) => {
    if (request.kind !== kind || isBulkRequest(request)) {
      throw new InvalidInputError('This card does not belong to this request.');
    }
    return { ...(await flow.readChoices(request, form)) };
  });
  if (!decision.isDone) return decision.message;
  const request = decision.request;
  const plan = await flow.plan(request);
  await deps.store.state.set(planKey(request.id), plan);
  if (request.state === 'approved') {
    await deps.coordinator.start(request, TurnContext.getConversationReference(ctx.activity));
    return approvalCard(deps, (await deps.requestService.get(request.id)) ?? request, false);
  }
  const card = await approvalCard(deps, request);
  await ctx.sendActivity({ attachments: [cardAttachment(card)] });
  await postToApprovalsChannel(deps, card);
  return approvalCard(deps, request, false);
}

async function postToApprovalsChannel(deps: BotDeps, card: AdaptiveCardJson): Promise<void> {
  if (!deps.approvalsConversationKey) return;
  const reference = await deps.store.conversations.get(deps.approvalsConversationKey);
  if (!reference) {
    deps.logger.warn(
      'the approvals channel has no stored conversation reference yet (install the app there)',
    );
    return;
  }
  await deps.gateway.send(reference, { attachments: [cardAttachment(card)] });
}

export async function approveRequest(
  ctx: TurnContext,
  deps: BotDeps,
  actor: Principal | null,
  raw: unknown,
): Promise<ActionResult> {
  const checked = await checkAction(deps, actor, 'approve', raw, true);
  if (!checked.ok) return checked.message;
  const { actor: who, data, version = 0 } = checked;
  const target = await deps.requestService.get(data.requestId);
  if (target && isBulkRequest(target)) {
    return refused(deps, who, 'approve', 'This is a bulk request: approve it on its own card.', raw);
  }
  const decision = await deps.requestService.approve(who, data.requestId, version);
  if (!decision.isDone) return decision.message;
  const request = decision.request;
  if (request.state === 'approved') {
    await deps.coordinator.start(request, TurnContext.getConversationReference(ctx.activity));
  }
  const current = (await deps.requestService.get(request.id)) ?? request;
  return approvalCard(deps, current);
}

export async function rejectRequest(
  _ctx: TurnContext,
  deps: BotDeps,
  actor: Principal | null,
  raw: unknown,
): Promise<ActionResult> {
  const checked = await checkAction(deps, actor, 'reject', raw, true);
  if (!checked.ok) return checked.message;
  const { actor: who, data, version = 0 } = checked;
  const reason = typeof data['reason'] === 'string' ? data['reason'].trim() : '';
  if (reason === '')
    return refused(deps, who, 'reject', 'Please give a reason to reject; nothing was changed.', raw);
  const target = await deps.requestService.get(data.requestId);
  if (target && isBulkRequest(target)) {
    return refused(deps, who, 'reject', 'This is a bulk request: reject it on its own card.', raw);
  }
  const decision = await deps.requestService.reject(who, data.requestId, version, reason);
  if (!decision.isDone) return decision.message;
  return approvalCard(deps, decision.request);
}

export async function cancelRequest(
  _ctx: TurnContext,
  deps: BotDeps,
  actor: Principal | null,
  raw: unknown,
): Promise<ActionResult> {
  const checked = await checkAction(deps, actor, 'cancel', raw, false);
  if (!checked.ok) return checked.message;
  return cancelById(deps, checked.actor, checked.data.requestId, checked.version);
}

export async function cancelById(
  deps: BotDeps,
  actor: Principal,
  requestId: string,
  version?: number,
): Promise<string> {
  const decision = await deps.requestService.cancel(actor, requestId, version);
  if (!decision.isDone) return decision.message;
  await deps.coordinator.cancel(decision.request);
  return decision.request.runId
    ? `Cancelling ${requestId}: changes in flight finish, the remaining steps are skipped.`
    : `Request ${requestId} is cancelled. Nothing was changed.`;
}

export async function retryFailed(
  _ctx: TurnContext,
  deps: BotDeps,
  actor: Principal | null,
  raw: unknown,
): Promise<ActionResult> {
  const checked = await checkAction(deps, actor, 'retry-failed', raw, false);
  if (!checked.ok) return checked.message;
  const who = checked.actor;
  const refuse = (message: string): Promise<string> => refused(deps, who, 'retry-failed', message, raw);
  const request = await deps.requestService.get(checked.data.requestId);
  if (!request) return refuse(`Request ${checked.data.requestId} does not exist.`);
  const isRequester = request.requester.aadObjectId === who.aadObjectId;
  const isApprover = !isRequester && (await deps.policy.isApprover(who));
  if (!isRequester && !isApprover) return refuse('Only the requester or an approver can retry.');
  if (request.state !== 'completed-with-errors' && request.state !== 'failed') {
    return refuse(`Request ${request.id} is ${request.state}: nothing to retry.`);
  }
  await deps.coordinator.retryFailed(request, who);
  return `Retrying the failed steps of ${request.id}; progress follows.`;
}

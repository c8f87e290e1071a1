/**
 * Approval cards per viewer (Universal Actions). With `cardViews: 'per-user'` the card posted to a
 * conversation is read-only and carries a `refresh` (verb `request.view`): Teams asks the bot for the
 * card of each listed viewer (`refresh.userIds`) when they look at it, and the bot answers for the
 * invoking person only. Approvers who may approve see Approve and Reject, the requester sees Cancel,
 * everyone else the read-only card. Which buttons show is presentation: every click is still checked
 * by the guard and the request service, whatever the card showed.
 *
 * `userIds` takes Teams user ids (MRIs, `29:…`), which the bot only learns from activities: the
 * requester's from the conversation they asked in, the approvers' from their own clicks and refreshes
 * (remembered, most recent first). An approver the bot has not seen yet gets the read-only card until
 * they refresh it from the card's menu or type `status <id>`, which answers with their own view.
 */
import type { LifecycleRequest, Principal } from '../../core/model.js';
import type { Plan } from '../../core/step.js';
import type { BotDeps } from '../bot-deps.js';
import approvalTemplate from '../cards/approval.card.json' with { type: 'json' };
import { approvalCardData, isCancellable } from '../cards/plan-card-data.js';
import { cardAttachment, renderCard, type AdaptiveCardJson } from '../cards/render-card.js';
import { verbs } from '../cards/verbs.js';
import { requesterTeamsId } from '../requester-conversation.js';

/** Where the plan an approval card shows is kept. */
export const planKey = (requestId: string): string => `plan:${requestId}`;

/** Teams refreshes a card automatically for at most 60 listed users. */
export const maxRefreshUsers = 60;

/** Where the Teams ids of people who can approve are remembered (bounded, most recent first). */
const decidersKey = 'card-views:deciders';

/** Who looks at the card: decides the buttons of their view. */
export type Viewer = 'approver' | 'requester' | 'other';

/** The shared card everyone sees before (or without) a refresh. */
export type CardView = Viewer | 'base';

interface Decider {
  aadObjectId: string;
  teamsId: string;
}

export function isPerUser(deps: Pick<BotDeps, 'cardViews'>): boolean {
  return (deps.cardViews ?? 'per-user') === 'per-user';
}

/**
 * The actor's view of a request: approver while it waits for an approval they may give (the policy's
 * own four-eyes and group rules), requester while it can still be cancelled, otherwise read-only.
 */
export async function viewerOf(
  deps: Pick<BotDeps, 'policy'>,
  actor: Principal,
  request: LifecycleRequest,
): Promise<Viewer> {
  const isRequester = actor.aadObjectId === request.requester.aadObjectId;
  if (!isRequester && request.state === 'awaiting-approval') {
    if ((await deps.policy.canApprove(actor, request)).isAllowed) return 'approver';
  }
  return isRequester && isCancellable(request.state) ? 'requester' : 'other';
}

/**
 * The approval card of `view`. `base` is the card posted for everyone: read-only with a refresh in
 * per-user mode; with Approve and Reject (and no refresh) in shared mode, as every view is then.
 */
export async function approvalCard(
  deps: BotDeps,
  request: LifecycleRequest,
  view: CardView = 'base',
): Promise<AdaptiveCardJson> {
  const plan = ((await deps.store.state.get(planKey(request.id))) ?? { steps: [] }) as Plan;
  const isProtected = await deps.policy.isProtected(request.subject);
  if (!isPerUser(deps)) {
    return renderCard(
      approvalTemplate,
      approvalCardData(request, plan, isProtected, view !== 'other', false, deps.stages?.view.policy),
    );
  }
  const data = approvalCardData(
    request,
    plan,
    isProtected,
    view === 'approver',
    view === 'requester',
    deps.stages?.view.policy,
  );
  const card = renderCard(approvalTemplate, data);
  return isFinished(request) ? card : { ...card, refresh: await refreshOf(deps, request) };
}

/**
 * The card answering `actor`'s own click: their view in per-user mode. In shared mode, as before
 * views existed: the shared card, or the read-only copy when `sharedView` says so.
 */
export async function approvalCardFor(
  deps: BotDeps,
  request: LifecycleRequest,
  actor: Principal,
  sharedView: CardView = 'base',
): Promise<AdaptiveCardJson> {
  if (!isPerUser(deps)) return approvalCard(deps, request, sharedView);
  return approvalCard(deps, request, await viewerOf(deps, actor, request));
}

/**
 * Remembers the Teams id of someone who may approve, so later cards refresh for them automatically.
 * Written only when it changes the list (a concurrent write may drop one entry: it is learnt again at
 * that person's next click).
 */
export async function rememberDecider(
  deps: Pick<BotDeps, 'store'>,
  actor: Principal,
  teamsId: string | undefined,
): Promise<void> {
  if (!teamsId) return;
  const known = await deciders(deps);
  if (known[0]?.aadObjectId === actor.aadObjectId && known[0].teamsId === teamsId) return;
  const rest = known.filter((d) => d.aadObjectId !== actor.aadObjectId);
  const next = [{ aadObjectId: actor.aadObjectId, teamsId }, ...rest].slice(0, maxRefreshUsers - 1);
  await deps.store.state.set(decidersKey, next);
}

async function deciders(deps: Pick<BotDeps, 'store'>): Promise<Decider[]> {
  const stored = await deps.store.state.get(decidersKey);
  if (!Array.isArray(stored)) return [];
  return stored.filter(
    (d): d is Decider =>
      typeof d === 'object' &&
      d !== null &&
      typeof (d as Decider).aadObjectId === 'string' &&
      typeof (d as Decider).teamsId === 'string',
  );
}

async function refreshOf(deps: BotDeps, request: LifecycleRequest): Promise<Record<string, unknown>> {
  const requester = await requesterTeamsId(deps, request.id, request.requester.aadObjectId);
  const others = (await deciders(deps))
    .filter((d) => d.aadObjectId !== request.requester.aadObjectId)
    .map((d) => d.teamsId);
  const userIds = [...new Set([...(requester ? [requester] : []), ...others])].slice(0, maxRefreshUsers);
  return {
    action: {
      type: 'Action.Execute',
      title: 'Refresh',
      verb: verbs.requestView,
      data: { requestId: request.id },
    },
    userIds,
  };
}

/** Nothing is left to do on the card of a finished request: it stops refreshing. */
function isFinished(request: LifecycleRequest): boolean {
  return request.state !== 'awaiting-approval' && !isCancellable(request.state);
}

/**
 * Approval cards also go to the approvals channel, when one is configured and the app is installed
 * there. With the request's id, the message is kept so that it becomes the request's status line.
 */
export async function postToApprovalsChannel(
  deps: BotDeps,
  card: AdaptiveCardJson,
  requestId?: string,
): Promise<void> {
  if (requestId !== undefined && deps.approvalsStatus) {
    await deps.approvalsStatus.post(requestId, card);
    return;
  }
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

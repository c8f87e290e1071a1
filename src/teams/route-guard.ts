/**
 * The guard every route runs through, in this order:
 * 1. the actor, from the authenticated activity only (`trustedActor`): an activity naming no Entra user
 *    is refused and audited (`unidentified`);
 * 2. the tenant: another tenant's activity is refused and audited (`cross-tenant`);
 * 3. the size: message text over `maxMessageLength` is answered unread, card data over
 *    `maxActionDataBytes` is refused and audited;
 * 4. the route's role, before any input is parsed;
 * 5. for routes that read the tenant, the per-actor rate limit (refused and audited, `rate-limited`);
 * 6. for card verbs, the card data contract (schema, version where the verb needs one);
 * 7. the handler.
 * The size cap also comes before route matching: `bot-app.ts` hands over-long text to the first
 * message route without matching it, and this guard answers it unread.
 * Anything thrown on the way becomes one message (`errorReply`); refusals are audited by `auditRefusal`.
 * `anyone` routes (help) skip 1, 2 and 4: they read nothing but the text.
 */
import type { TurnContext } from 'botbuilder';
import type { Principal } from '../core/model.js';
import type { PolicyDecision } from '../core/policy/policy.js';
import { isOversizedActionData } from './actions/action-data.js';
import { requestIdPattern } from '../core/requests/request-id.js';
import { trustedActor } from './actor.js';
import type { BotDeps } from './bot-deps.js';
import { errorReply } from './error-reply.js';
import { auditRefusal } from './refusal-audit.js';
import type { ActorRole, FallbackRoute, MessageRoute, Reply, Turn, VerbRoute } from './route.js';

/** Longest message text the bot reads; longer input is refused unread. */
export const maxMessageLength = 4000;

const tooLong = 'That message is too long for a command; nothing was changed.';
const tooManyReads = (limit: number): string =>
  `You have sent more than ${limit} requests that read the directory in the last minute. Wait a minute and try again; nothing was changed.`;
const tooMuchData = 'This card sent too much data; nothing was changed.';

/** A card verb through the guard; the reply is the invoke response. */
export async function answerVerb(
  route: VerbRoute,
  ctx: TurnContext,
  deps: BotDeps,
  raw: unknown,
): Promise<Reply> {
  try {
    const admitted = await admit(route, ctx, deps, raw);
    if (!admitted.isAdmitted) return admitted.reason;
    const bound = route.bind(raw);
    if (!bound.isValid) {
      const requestId = bound.requestId ?? claimedRequestId(raw);
      return await admitted.turn.refuse(bound.reason, requestId ? { requestId } : {});
    }
    return await bound.run(admitted.turn);
  } catch (error) {
    return errorReply(error, deps.logger, route.name);
  }
}

/** A message through the guard; the handler sends its replies, the guard its refusal or error. */
export async function answerMessage(
  route: MessageRoute | FallbackRoute,
  ctx: TurnContext,
  deps: BotDeps,
): Promise<void> {
  let reply: string | undefined;
  try {
    if (route.kind === 'fallback') {
      if (isTooLong(ctx)) reply = tooLong;
      else await route.handle(ctx);
    } else {
      const admitted = await admit(route, ctx, deps, undefined);
      if (admitted.isAdmitted) await route.handle(admitted.turn);
      else reply = admitted.reason;
    }
  } catch (error) {
    reply = errorReply(error, deps.logger, route.name);
  }
  if (reply !== undefined) await ctx.sendActivity(reply);
}

type Admission = { isAdmitted: true; turn: Turn } | { isAdmitted: false; reason: string };

/** Steps 1 to 5: who, which tenant, how much, which role, how often. */
async function admit(
  route: MessageRoute | VerbRoute,
  ctx: TurnContext,
  deps: BotDeps,
  raw: unknown,
): Promise<Admission> {
  const isCard = route.kind === 'verb';
  const dataKeys = isCard ? keysOf(raw) : undefined;
  // A refused card that names a well-formed request id is audited against it, so `status` shows it.
  const named = isCard ? claimedRequestId(raw) : undefined;
  const refuse = (reason: string, about: { actor: Principal | null; code?: string; requestId?: string }) =>
    auditRefusal(deps, {
      action: route.name,
      reason,
      ...(named !== undefined && { requestId: named }),
      ...about,
      ...(dataKeys && { dataKeys }),
    });

  const who = trustedActor(ctx, deps.tenantId);
  if (!who.isTrusted) {
    if (who.code === 'cross-tenant') {
      deps.logger.warn({ tenant: who.claimed?.tenantId }, 'activity from another tenant refused');
    }
    const reason = isCard
      ? 'I could not tell who you are; nothing was changed.'
      : 'I could not tell who you are, so I can only show help.';
    return { isAdmitted: false, reason: await refuse(reason, { actor: who.claimed, code: who.code }) };
  }
  const actor = who.actor;
  if (!isCard && isTooLong(ctx)) return { isAdmitted: false, reason: tooLong };
  if (isCard && isOversizedActionData(raw)) {
    return { isAdmitted: false, reason: await refuse(tooMuchData, { actor }) };
  }
  const role = await decide(deps, actor, route.role);
  if (!role.isAllowed) return { isAdmitted: false, reason: await refuse(role.reason, { actor }) };
  if (route.readsTenant === true && !deps.tenantReads.take(actor.aadObjectId)) {
    deps.logger.warn({ route: route.name, actor: actor.aadObjectId }, 'tenant read rate limit reached');
    const reason = tooManyReads(deps.tenantReads.limit);
    return { isAdmitted: false, reason: await refuse(reason, { actor, code: 'rate-limited' }) };
  }
  return {
    isAdmitted: true,
    turn: { ctx, deps, actor, refuse: (reason, about = {}) => refuse(reason, { actor, ...about }) },
  };
}

function decide(deps: BotDeps, actor: Principal, role: ActorRole): Promise<PolicyDecision> {
  if (role === 'member') return Promise.resolve({ isAllowed: true });
  if (role === 'reader') return deps.policy.canRead(actor);
  return deps.policy.canRequest(actor, role.requester);
}

/**
 * A message over the cap is answered unread and not audited: it changed nothing and names no request.
 * A message's card data (a legacy `Action.Submit`) has the card data cap.
 */
function isTooLong(ctx: TurnContext): boolean {
  const value: unknown = ctx.activity.value;
  return !isWithinMessageCap(ctx.activity) || (value !== undefined && isOversizedActionData(value));
}

/** Checked before any route looks at the text (route matching included). */
export function isWithinMessageCap(activity: Pick<TurnContext['activity'], 'text'>): boolean {
  return (activity.text ?? '').length <= maxMessageLength;
}

/** The card data's `requestId`, when it is a well-formed one (never trusted beyond naming the audit entry). */
export function claimedRequestId(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const id: unknown = (raw as { requestId?: unknown }).requestId;
  return typeof id === 'string' && requestIdPattern.test(id) ? id : undefined;
}

function keysOf(raw: unknown): string[] {
  return Object.keys(typeof raw === 'object' && raw !== null ? raw : {}).slice(0, 20);
}

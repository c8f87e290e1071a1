/**
 * Exports (a request's JSON, a person's request history) carry personal data: they are sent only in a
 * 1:1 chat with the person who asked. Asked in a channel or group chat, the export goes to the actor's
 * own 1:1 chat (its reference is stored when they message the bot directly) and the conversation gets
 * a short note; without a stored 1:1 chat the request is refused (audited) and nothing is sent.
 */
import type { Activity } from 'botbuilder';
import type { Turn } from '../route.js';

/** Stored conversation reference of a user's 1:1 chat with the bot (saved by `bot-app.ts`). */
export const personalChatKey = (aadObjectId: string): string => `user:${aadObjectId}`;

/** Where the export went, for the audit trail. */
export type PrivateDelivery = 'here' | 'personal-chat' | 'refused';

export async function sendPrivately(
  turn: Turn,
  activity: Partial<Activity>,
  what: string,
  about: { requestId?: string } = {},
): Promise<PrivateDelivery> {
  const { delivery, message } = await deliverPrivately(turn, activity, what, about);
  if (delivery !== 'here') await turn.ctx.sendActivity(message);
  return delivery;
}

/**
 * The same delivery for a card button, whose answer is the invoke response: sends the activity to the
 * 1:1 chat (or here, when this is one) and returns what to answer, without posting it.
 */
export async function deliverPrivately(
  turn: Turn,
  activity: Partial<Activity>,
  what: string,
  about: { requestId?: string } = {},
): Promise<{ delivery: PrivateDelivery; message: string }> {
  const { ctx, deps, actor } = turn;
  if (ctx.activity.conversation.conversationType === 'personal') {
    await ctx.sendActivity(activity);
    return { delivery: 'here', message: `${what} is in this chat.` };
  }
  const reference = await deps.store.conversations.get(personalChatKey(actor.aadObjectId));
  if (reference === undefined || reference === null) {
    const message = await turn.refuse(
      `${what} contains personal data, so I send it only in a 1:1 chat. Message me directly (open a chat with the Lifecycle app) and ask again there; nothing was sent here.`,
      about,
    );
    return { delivery: 'refused', message };
  }
  await deps.gateway.send(reference, activity);
  return {
    delivery: 'personal-chat',
    message: `I sent ${what.charAt(0).toLowerCase()}${what.slice(1)} to you in our 1:1 chat.`,
  };
}

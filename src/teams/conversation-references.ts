/**
 * Conversation references the bot keeps (each conversation, each user's 1:1 chat, and the service
 * template new 1:1 chats are opened from: channel, service URL and bot only), written only when they
 * change: a reference is the same turn after turn, so an unchanged one costs
 * no store write. The activity id is left out (it changes every turn and proactive messages must not
 * reply to an old message). What was last written is remembered per key, bounded; after a restart the
 * first turn of a conversation reads the stored copy once and compares.
 */
import { TurnContext, type ConversationReference } from 'botbuilder';
import { tenantOf } from './actor.js';
import type { BotDeps } from './bot-deps.js';
import { lastReferenceKey } from './last-reference.js';

export { lastReferenceKey };

export class ConversationReferences {
  private readonly written = new Map<string, string>();

  constructor(private readonly maxRemembered = 10_000) {}

  async remember(ctx: TurnContext, deps: Pick<BotDeps, 'store' | 'tenantId'>): Promise<void> {
    const activity = ctx.activity;
    // Only conversations of the served tenant: another tenant's activity must not become a template.
    if (!activity.conversation.id || tenantOf(ctx) !== deps.tenantId) return;
    const { activityId: _turnSpecific, ...reference } = TurnContext.getConversationReference(activity);
    await this.saveIfChanged(deps, `conversation:${activity.conversation.id}`, reference);
    const template: Partial<ConversationReference> = {
      channelId: reference.channelId,
      serviceUrl: reference.serviceUrl,
      ...(reference.bot && { bot: reference.bot }),
    };
    await this.saveIfChanged(deps, lastReferenceKey, template);
    if (activity.conversation.conversationType === 'personal' && activity.from.aadObjectId) {
      await this.saveIfChanged(deps, `user:${activity.from.aadObjectId}`, reference);
    }
  }

  private async saveIfChanged(
    deps: Pick<BotDeps, 'store'>,
    key: string,
    reference: Partial<ConversationReference>,
  ): Promise<void> {
    const text = canonical(reference);
    let known = this.written.get(key);
    if (known === undefined) {
      const stored = await deps.store.conversations.get(key);
      if (stored !== undefined && stored !== null) known = canonical(withoutActivityId(stored));
    }
    if (known !== text) await deps.store.conversations.save(key, reference);
    this.written.delete(key);
    this.written.set(key, text);
    if (this.written.size > this.maxRemembered) {
      const oldest = this.written.keys().next().value;
      if (oldest !== undefined) this.written.delete(oldest);
    }
  }
}

function withoutActivityId(stored: unknown): unknown {
  if (typeof stored !== 'object' || stored === null) return stored;
  const { activityId: _old, ...rest } = stored as Record<string, unknown>;
  return rest;
}

/** JSON with object keys sorted: a stored copy (jsonb reorders keys) compares equal to the same reference. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

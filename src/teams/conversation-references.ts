/**
 * Conversation references the bot keeps (each conversation, each user's 1:1 chat, and the service
 * template new 1:1 chats are opened from: channel, service URL and bot only), written only when they
 * change: a reference is the same turn after turn, so an unchanged one costs
 * no store write. The activity id is left out (it changes every turn and proactive messages must not
 * reply to an old message). What was last written is remembered per key, bounded; after a restart the
 * first turn of a conversation writes it conditionally (one statement; the store skips an equal copy).
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
    await this.save(this.changedIn(ctx, deps.tenantId), deps);
  }

  /**
   * The references of this turn not known to be stored as they are, read from the activity now (the
   * turn context is gone once the turn ends, so a caller may save them later).
   */
  changedIn(ctx: TurnContext, tenantId: string): PendingReference[] {
    const activity = ctx.activity;
    // Only conversations of the served tenant: another tenant's activity must not become a template.
    if (!activity.conversation.id || tenantOf(ctx) !== tenantId) return [];
    const { activityId: _turnSpecific, ...reference } = TurnContext.getConversationReference(activity);
    const template: Partial<ConversationReference> = {
      channelId: reference.channelId,
      serviceUrl: reference.serviceUrl,
      ...(reference.bot && { bot: reference.bot }),
    };
    const all: [string, Partial<ConversationReference>][] = [
      [`conversation:${activity.conversation.id}`, reference],
      [lastReferenceKey, template],
    ];
    if (activity.conversation.conversationType === 'personal' && activity.from.aadObjectId) {
      all.push([`user:${activity.from.aadObjectId}`, reference]);
    }
    return all
      .map(([key, value]) => ({ key, reference: value, text: canonical(value) }))
      .filter((p) => this.written.get(p.key) !== p.text);
  }

  /**
   * Known here (written by this process): a changed one is saved. Not known (a new conversation, or
   * the first turn after a restart): one conditional write, which the store skips when equal.
   */
  async save(pending: readonly PendingReference[], deps: Pick<BotDeps, 'store'>): Promise<void> {
    for (const { key, reference, text } of pending) {
      if (this.written.get(key) === text) continue;
      if (this.written.has(key)) await deps.store.conversations.save(key, reference);
      else await deps.store.conversations.saveIfChanged(key, reference);
      this.written.delete(key);
      this.written.set(key, text);
      if (this.written.size > this.maxRemembered) {
        const oldest = this.written.keys().next().value;
        if (oldest !== undefined) this.written.delete(oldest);
      }
    }
  }
}

export interface PendingReference {
  key: string;
  reference: Partial<ConversationReference>;
  /** Canonical JSON, to compare with what was written. */
  text: string;
}

/** JSON with object keys sorted: a stored copy (jsonb reorders keys) compares equal to the same reference. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

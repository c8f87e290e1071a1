/**
 * Records proactive sends and updates for bot-level tests: botbuilder's TestAdapter cannot run
 * `continueConversationAsync`. End-to-end tests use the real CloudAdapter gateway via the playground.
 */
import type { Activity, ConversationReference } from 'botbuilder';
import type { ConversationGateway } from '../../src/teams/conversation-gateway.js';

export interface RecordedMessage {
  id: string;
  conversationId: string;
  activity: Partial<Activity>;
  updates: Partial<Activity>[];
}

export class RecordingGateway implements ConversationGateway {
  readonly messages: RecordedMessage[] = [];
  readonly chats: { userAadObjectId: string; tenantId: string }[] = [];
  /** Updates of messages a turn sent itself (placeholders replaced by the prepared answer), by activity id. */
  readonly replyUpdates = new Map<string, Partial<Activity>[]>();
  private next = 1;

  send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string | undefined> {
    const id = `proactive-${this.next++}`;
    this.messages.push({ id, conversationId: reference.conversation?.id ?? '', activity, updates: [] });
    return Promise.resolve(id);
  }

  update(
    _reference: Partial<ConversationReference>,
    activityId: string,
    activity: Partial<Activity>,
  ): Promise<void> {
    const message = this.messages.find((m) => m.id === activityId);
    if (message) message.updates.push(activity);
    else this.replyUpdates.set(activityId, [...(this.replyUpdates.get(activityId) ?? []), activity]);
    return Promise.resolve();
  }

  createPersonalChat(
    template: Partial<ConversationReference>,
    userAadObjectId: string,
    tenantId: string,
  ): Promise<Partial<ConversationReference>> {
    this.chats.push({ userAadObjectId, tenantId });
    return Promise.resolve({
      ...template,
      conversation: {
        id: `personal-${userAadObjectId}`,
        isGroup: false,
        conversationType: 'personal',
        name: '',
      },
    });
  }

  /** The latest card content of a message (after its updates). */
  cardOf(message: RecordedMessage): Record<string, unknown> | undefined {
    const last = message.updates.at(-1) ?? message.activity;
    return last.attachments?.[0]?.content as Record<string, unknown> | undefined;
  }
}

import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/core/ports/store.js';
import { openMemoryStore } from '../../../src/store/index.js';
import { ConversationReferences, lastReferenceKey } from '../../../src/teams/conversation-references.js';
import { tenantId } from '../../support/bot-harness.js';

function turn(conversationId: string, activityId: string, userId = '10000000-0000-4000-8000-000000000013') {
  const activity: Partial<Activity> = {
    type: 'message',
    id: activityId,
    channelId: 'msteams',
    serviceUrl: 'https://smba.example.test/teams/',
    from: { id: `29:${userId}`, name: 'Isaiah Langer', aadObjectId: userId },
    recipient: { id: '28:lifecycle-bot', name: 'Lifecycle' },
    conversation: {
      id: conversationId,
      isGroup: false,
      conversationType: 'personal',
      tenantId,
      name: '',
    },
    channelData: { tenant: { id: tenantId } },
  };
  return new TurnContext(new TestAdapter(), activity);
}

describe('conversation references are written only when they change', () => {
  let store: Store;
  const writes: string[] = [];
  let deps: { store: Store; tenantId: string };

  beforeAll(async () => {
    store = await openMemoryStore();
    // Statements sent to the store: a save, or a conditional save (which the store itself skips when
    // the stored copy is equal: test/unit/store/conversation-refs.test.ts).
    const conversations = {
      save: (key: string, reference: unknown) => {
        writes.push(key);
        return store.conversations.save(key, reference);
      },
      saveIfChanged: (key: string, reference: unknown) => {
        writes.push(`${key} (if changed)`);
        return store.conversations.saveIfChanged(key, reference);
      },
      get: (key: string) => store.conversations.get(key),
    };
    deps = { store: { ...store, conversations }, tenantId };
  });
  afterAll(async () => {
    await store.close();
  });

  it('writes a conversation, the 1:1 chat and the service template once, then nothing on later turns', async () => {
    const references = new ConversationReferences();
    await references.remember(turn('personal-a', 'm1'), deps);
    expect(writes.sort()).toEqual(
      ['conversation:personal-a', lastReferenceKey, 'user:10000000-0000-4000-8000-000000000013']
        .map((key) => `${key} (if changed)`)
        .sort(),
    );
    writes.length = 0;
    await references.remember(turn('personal-a', 'm2'), deps);
    await references.remember(turn('personal-a', 'm3'), deps);
    expect(writes).toEqual([]);
    expect(await store.conversations.get('conversation:personal-a')).not.toHaveProperty('activityId');
  });

  it('after a restart sends one conditional save per reference, then nothing', async () => {
    writes.length = 0;
    const references = new ConversationReferences();
    await references.remember(turn('personal-a', 'm4'), deps);
    expect(writes.every((w) => w.endsWith('(if changed)'))).toBe(true);
    expect(writes).toHaveLength(3);
    writes.length = 0;
    await references.remember(turn('personal-a', 'm5'), deps);
    expect(writes).toEqual([]);
  });

  it('writes a changed reference at once (the service URL moved)', async () => {
    const references = new ConversationReferences();
    await references.remember(turn('personal-a', 'm6'), deps);
    writes.length = 0;
    const moved = turn('personal-a', 'm7');
    moved.activity.serviceUrl = 'https://smba.example.test/emea/';
    await references.remember(moved, deps);
    expect(writes.sort()).toEqual(
      ['conversation:personal-a', lastReferenceKey, 'user:10000000-0000-4000-8000-000000000013'].sort(),
    );
    expect(await store.conversations.get('conversation:personal-a')).toMatchObject({
      serviceUrl: 'https://smba.example.test/emea/',
    });
  });

  it('sends a new conversation as conditional saves (the store keeps the equal service template as it is)', async () => {
    writes.length = 0;
    const references = new ConversationReferences();
    await references.remember(turn('personal-b', 'm8', '10000000-0000-4000-8000-000000000015'), deps);
    expect(writes.sort()).toEqual(
      ['conversation:personal-b', lastReferenceKey, 'user:10000000-0000-4000-8000-000000000015']
        .map((key) => `${key} (if changed)`)
        .sort(),
    );
    expect(await store.conversations.get(lastReferenceKey)).toEqual({
      channelId: 'msteams',
      serviceUrl: 'https://smba.example.test/teams/',
      bot: { id: '28:lifecycle-bot', name: 'Lifecycle' },
    });
  });
});

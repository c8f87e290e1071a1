import type { CloudAdapter, TurnContext } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { CloudAdapterGateway } from '../../../src/teams/conversation-gateway.js';

/** An adapter that runs the logic with a context recording what was sent. */
function recordingAdapter(sent: unknown[]): CloudAdapter {
  const adapter = {
    continueConversationAsync: async (
      _botAppId: string,
      _reference: unknown,
      logic: (ctx: TurnContext) => Promise<void>,
    ) => {
      const ctx = {
        sendActivity: (activity: unknown) => {
          sent.push(activity);
          return Promise.resolve({ id: `msg-${sent.length}` });
        },
      } as unknown as TurnContext;
      await logic(ctx);
    },
  };
  return adapter as unknown as CloudAdapter;
}

describe('CloudAdapterGateway', () => {
  it('makes its adapter when the first message goes out, once', async () => {
    const sent: unknown[] = [];
    let made = 0;
    const gateway = new CloudAdapterGateway(() => {
      made += 1;
      return Promise.resolve(recordingAdapter(sent));
    }, 'bot-app-id');
    expect(made).toBe(0);
    const reference = { conversation: { id: 'a:1' } } as never;
    const [first, second] = await Promise.all([
      gateway.send(reference, { type: 'message', text: 'one' }),
      gateway.send(reference, { type: 'message', text: 'two' }),
    ]);
    expect([first, second].sort()).toEqual(['msg-1', 'msg-2']);
    expect(made).toBe(1);
    expect(sent).toHaveLength(2);
  });

  it('uses an adapter given as is', async () => {
    const sent: unknown[] = [];
    const gateway = new CloudAdapterGateway(recordingAdapter(sent), 'bot-app-id');
    expect(await gateway.send({ conversation: { id: 'a:1' } } as never, { type: 'message' })).toBe('msg-1');
  });
});

/**
 * The teams-ai Application: the route table registered in one place, the welcome card, and the
 * conversation references turns leave behind (written when they change). Every command, message and card verb runs
 * through the guard (`route-guard.ts`).
 */
import { Application, TurnState } from './teams-ai.js';
import { ActivityTypes, MemoryStorage, type Storage, type TurnContext } from 'botbuilder';
import type { TeamsAdapter } from './teams-ai.js';
import type { BotDeps } from './bot-deps.js';
import { cardAttachment, type AdaptiveCardJson } from './cards/render-card.js';
import { ConversationReferences } from './conversation-references.js';
import { helpCard } from './cards/simple-cards.js';
import type { Route } from './route.js';
import { answerMessage, answerVerb, isWithinMessageCap } from './route-guard.js';
import { routes as routeTable } from './routes.js';

export { lastReferenceKey } from './conversation-references.js';

export interface BotOptions {
  adapter?: TeamsAdapter;
  botAppId?: string;
  storage?: Storage;
  /** The routes to answer (default: the route table). */
  routes?: readonly Route[];
}

export function createBotApplication(deps: BotDeps, options: BotOptions = {}): Application {
  const app = new Application<TurnState>({
    ...(options.adapter && { adapter: options.adapter }),
    ...(options.botAppId && { botAppId: options.botAppId }),
    storage: options.storage ?? new MemoryStorage(),
    startTypingTimer: false,
  });

  const references = new ConversationReferences();
  app.turn('beforeTurn', (ctx) => {
    // Saved beside the answer, not before it: a burst of first turns (a restart, fifty chats at once)
    // would otherwise queue every answer behind the store's writes. Only new or changed ones.
    const pending = references.changedIn(ctx, deps.tenantId);
    if (pending.length > 0) deps.background.add(() => references.save(pending, deps));
    return Promise.resolve(true);
  });

  app.conversationUpdate('membersAdded', async (ctx) => {
    const botId = ctx.activity.recipient.id;
    if ((ctx.activity.membersAdded ?? []).some((m) => m.id === botId)) {
      await ctx.sendActivity({ attachments: [cardAttachment(helpCard(true))] });
    }
  });

  for (const route of options.routes ?? routeTable) {
    if (route.isEnabled?.(deps) === false) continue;
    registerRoute(app, deps, route);
  }
  return app;
}

function registerRoute(app: Application, deps: BotDeps, route: Route): void {
  switch (route.kind) {
    case 'verb':
      app.adaptiveCards.actionExecute(
        route.isCatchAll === true ? isActionExecute : route.name,
        async (ctx, _state, data: unknown) => {
          const reply = await answerVerb(route, ctx, deps, data);
          if (typeof reply !== 'string' && reply['refresh'] !== undefined) await answerClicker(ctx, reply);
          return reply;
        },
      );
      return;
    case 'message':
      app.message(
        // Over-long text is never matched (so no route parses it): the first message route takes it
        // and its guard answers it unread.
        (ctx) =>
          Promise.resolve(
            ctx.activity.type === 'message' &&
              (!isWithinMessageCap(ctx.activity) || route.matches(ctx.activity)),
          ),
        (ctx) => answerMessage(route, ctx, deps),
      );
      return;
    case 'fallback':
      app.activity('message', (ctx) => answerMessage(route, ctx, deps));
      return;
  }
}

/**
 * A card with a `refresh` is a view for the person who clicked: teams-ai would write such a card over
 * the shared message for everyone (REPLACE_FOR_ALL), so the invoke response is sent here, for the
 * clicker only, and teams-ai then sends nothing more.
 */
async function answerClicker(ctx: TurnContext, card: AdaptiveCardJson): Promise<void> {
  await ctx.sendActivity({
    type: ActivityTypes.InvokeResponse,
    value: {
      status: 200,
      body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card },
    },
  });
}

/** Any `Action.Execute` invoke, whatever its verb (for the catch-all route, registered last). */
function isActionExecute(ctx: TurnContext): Promise<boolean> {
  const a = ctx.activity;
  const action = (a.value as { action?: { type?: unknown } } | undefined)?.action;
  return Promise.resolve(
    a.type === 'invoke' && a.name === 'adaptiveCard/action' && action?.type === 'Action.Execute',
  );
}

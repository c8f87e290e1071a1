/**
 * The teams-ai Application: command routes, card verbs, welcome. Routes match in registration order
 * and the first match wins; invoke routes are checked first. Unknown input gets the help card.
 */
import { randomUUID } from 'node:crypto';
import { Application, TurnState } from '@microsoft/teams-ai';
import { MemoryStorage, TurnContext, type Storage } from 'botbuilder';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import { LifecycleError } from '../core/errors.js';
import type { Principal } from '../core/model.js';
import {
  approveRequest,
  cancelRequest,
  confirmFor,
  rejectRequest,
  retryFailed,
  type ActionResult,
} from './actions/request-actions.js';
import { chooseUserSchema } from './actions/action-data.js';
import { actorOf, tenantOf } from './actor.js';
import type { BotDeps } from './bot-deps.js';
import { cardAttachment } from './cards/render-card.js';
import { helpCard } from './cards/simple-cards.js';
import { verbs } from './cards/verbs.js';
import { parseCommand } from './commands/command-catalog.js';
import { offboardCommand } from './commands/offboard-command.js';
import { registerBulkOffboardRoutes } from './commands/offboard-bulk.js';
import { revokeCommand } from './commands/revoke-command.js';
import { cancelCommand, historyCommand, statusCommand } from './commands/request-commands.js';

/** The latest conversation reference: its service URL and bot id seed new 1:1 chats. */
export const lastReferenceKey = 'service:last';

/** Longest message text the bot reads; longer input is refused unread. */
export const maxMessageLength = 4000;

type Handler = (
  ctx: TurnContext,
  deps: BotDeps,
  actor: Principal | null,
  raw: unknown,
) => Promise<ActionResult>;

export interface BotOptions {
  adapter?: TeamsAdapter;
  botAppId?: string;
  storage?: Storage;
  /** Extra routes from other flows (revoke, provision), registered before the catch-all. */
  extend?: (app: Application, deps: BotDeps) => void;
}

export function createBotApplication(deps: BotDeps, options: BotOptions = {}): Application {
  const app = new Application<TurnState>({
    ...(options.adapter && { adapter: options.adapter }),
    ...(options.botAppId && { botAppId: options.botAppId }),
    storage: options.storage ?? new MemoryStorage(),
    startTypingTimer: false,
  });

  app.turn('beforeTurn', async (ctx) => {
    await rememberConversation(ctx, deps);
    return true;
  });

  const action = (verb: string, handler: Handler): void => {
    app.adaptiveCards.actionExecute(verb, async (ctx, _state, data) => {
      const actor = trustedActor(ctx, deps);
      const result = await guard(deps, verb, () => handler(ctx, deps, actor, data));
      return result;
    });
  };
  action(verbs.offboardConfirm, confirmFor(verbs.offboardConfirm));
  action(verbs.revokeConfirm, confirmFor(verbs.revokeConfirm));
  action(verbs.requestApprove, approveRequest);
  action(verbs.requestReject, rejectRequest);
  action(verbs.requestCancel, cancelRequest);
  action(verbs.runRetryFailed, retryFailed);
  const choose = (verb: string, what: string, command: typeof offboardCommand): void => {
    app.adaptiveCards.actionExecute(verb, async (ctx, _state, data) => {
      const actor = trustedActor(ctx, deps);
      const parsed = chooseUserSchema.safeParse(data);
      if (!actor || !parsed.success) return 'This card is malformed; nothing was changed.';
      await guard(deps, verb, async () => {
        await command(ctx, deps, actor, parsed.data.userPrincipalName);
        return '';
      });
      return `Preparing ${what} ${parsed.data.userPrincipalName}.`;
    });
  };
  choose(verbs.offboardChoose, 'the offboarding of', offboardCommand);
  choose(verbs.revokeChoose, 'the permission removal for', revokeCommand);

  app.conversationUpdate('membersAdded', async (ctx) => {
    const botId = ctx.activity.recipient.id;
    if ((ctx.activity.membersAdded ?? []).some((m) => m.id === botId)) {
      await ctx.sendActivity({ attachments: [cardAttachment(helpCard(true))] });
    }
  });

  registerBulkOffboardRoutes(app, deps, guard);
  options.extend?.(app, deps);

  app.activity('message', async (ctx) => {
    await onMessage(ctx, deps);
  });
  return app;
}

async function onMessage(ctx: TurnContext, deps: BotDeps): Promise<void> {
  const text = ctx.activity.text ?? '';
  if (text.length > maxMessageLength) {
    await ctx.sendActivity('That message is too long for a command; nothing was changed.');
    return;
  }
  const actor = trustedActor(ctx, deps);
  const command = parseCommand(text);
  if (!command || command.name === 'help') {
    await ctx.sendActivity({ attachments: [cardAttachment(helpCard(false))] });
    return;
  }
  if (!actor) {
    await auditUnidentified(ctx, deps, command.name);
    await ctx.sendActivity('I could not tell who you are, so I can only show help.');
    return;
  }
  await guard(deps, command.name, async () => {
    switch (command.name) {
      case 'offboard':
        await offboardCommand(ctx, deps, actor, command.argument);
        break;
      case 'revoke':
        await revokeCommand(ctx, deps, actor, command.argument);
        break;
      case 'status':
      case 'history': {
        const mayRead = await deps.policy.canRead(actor);
        if (!mayRead.isAllowed) {
          await deps.store.audit.append({
            at: new Date().toISOString(),
            type: 'action.refused',
            actor,
            details: { action: command.name, reason: mayRead.reason },
          });
          await ctx.sendActivity(mayRead.reason);
          break;
        }
        if (command.name === 'status') await statusCommand(ctx, deps, command.argument);
        else await historyCommand(ctx, deps, command.argument);
        break;
      }
      case 'cancel':
        await cancelCommand(ctx, deps, actor, command.argument);
        break;
      default:
        await ctx.sendActivity({
          attachments: [
            cardAttachment(
              helpCard(false, `\`${command.name}\` is not enabled on this bot yet. This is what I can do:`),
            ),
          ],
        });
    }
    return '';
  }).then(async (message) => {
    if (message !== '') await ctx.sendActivity(message);
  });
}

/** The actor, or null when the activity comes from another tenant (audited by the caller's refusal). */
function trustedActor(ctx: TurnContext, deps: BotDeps): Principal | null {
  const actor = actorOf(ctx);
  if (!actor) return null;
  if (actor.tenantId !== deps.tenantId) {
    deps.logger.warn({ tenant: actor.tenantId }, 'activity from another tenant refused');
    return null;
  }
  return actor;
}

/** A command from someone the bot can't trust (another tenant, no Entra id): refused and audited. */
async function auditUnidentified(ctx: TurnContext, deps: BotDeps, action: string): Promise<void> {
  const claimed = actorOf(ctx);
  await deps.store.audit.append({
    at: new Date().toISOString(),
    type: 'action.refused',
    ...(claimed && { actor: claimed }),
    details: {
      action,
      code: claimed ? 'cross-tenant' : 'unidentified',
      reason: 'The activity does not identify a user of this tenant.',
    },
  });
}

/** Turns unexpected errors into a short message; the log gets the error name and message only. */
async function guard(deps: BotDeps, what: string, work: () => Promise<ActionResult>): Promise<ActionResult> {
  try {
    return await work();
  } catch (error) {
    const err =
      error instanceof Error
        ? { name: error.name, message: error.message }
        : { name: 'Error', message: String(error) };
    const reference = randomUUID().slice(0, 8);
    deps.logger.error({ err, what, reference }, 'handler failed');
    // Typed errors carry messages written for people; anything else stays in the log.
    const detail = error instanceof LifecycleError ? error.message : `reference ${reference}`;
    return `Something went wrong (${detail}). Nothing further was changed.`;
  }
}

async function rememberConversation(ctx: TurnContext, deps: BotDeps): Promise<void> {
  const activity = ctx.activity;
  // Only conversations of the served tenant: another tenant's activity must not become a template.
  if (!activity.conversation.id || tenantOf(ctx) !== deps.tenantId) return;
  const reference = TurnContext.getConversationReference(activity);
  await deps.store.conversations.save(`conversation:${activity.conversation.id}`, reference);
  await deps.store.conversations.save(lastReferenceKey, reference);
  if (activity.conversation.conversationType === 'personal' && activity.from.aadObjectId) {
    await deps.store.conversations.save(`user:${activity.from.aadObjectId}`, reference);
  }
}

/**
 * The provisioning surface, registered through the bot's `extend` hook (before the catch-all):
 * `provision <upn>`, CSV files in a 1:1 chat, and the `provision.confirm` / batch confirm verbs.
 */
import type { Application } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import type { Principal } from '../core/model.js';
import type { BatchReport, ProvisionBatch, ProvisionFlow } from '../core/provision/index.js';
import {
  batchConfirmVerb,
  confirmJoinersBatch,
  fileAttachmentOf,
  onJoinersFile,
} from './actions/provision-file.js';
import { confirmProvision } from './actions/provision-confirm.js';
import { actorOf } from './actor.js';
import type { BotDeps } from './bot-deps.js';
import { provisionVerbs } from './cards/provision-request.data.js';
import { parseCommand } from './commands/command-catalog.js';
import { provisionCommand } from './commands/provision-command.js';

/** Long work started by a card invoke (which must answer within seconds); tests and shutdown await it. */
export class BackgroundTasks {
  private readonly tasks = new Set<Promise<void>>();
  constructor(private readonly onError: (error: unknown) => void) {}
  add(work: () => Promise<void>): void {
    const task = work()
      .catch(this.onError)
      .finally(() => this.tasks.delete(task));
    this.tasks.add(task);
  }
  async idle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.all(this.tasks);
  }
}

export interface ProvisionBotDeps {
  flow: ProvisionFlow;
  batch: ProvisionBatch;
  reports: { send(report: BatchReport): Promise<unknown> };
  background: BackgroundTasks;
}

function trustedActor(ctx: TurnContext, deps: BotDeps): Principal | null {
  const actor = actorOf(ctx);
  return actor && actor.tenantId === deps.tenantId ? actor : null;
}

async function guarded<T extends string | object>(
  deps: BotDeps,
  what: string,
  work: () => Promise<T>,
): Promise<T | string> {
  try {
    return await work();
  } catch (error) {
    const err =
      error instanceof Error
        ? { name: error.name, message: error.message }
        : { name: 'Error', message: String(error) };
    deps.logger.error({ err, what }, 'handler failed');
    return `Something went wrong (${err.name}: ${err.message}). Nothing further was changed.`;
  }
}

export function registerProvisionRoutes(app: Application, deps: BotDeps): void {
  const say = async (ctx: TurnContext, result: string | object): Promise<void> => {
    if (typeof result === 'string' && result !== '') await ctx.sendActivity(result);
  };
  app.message(
    (ctx) => Promise.resolve(ctx.activity.type === 'message' && fileAttachmentOf(ctx.activity) !== undefined),
    async (ctx) => {
      const actor = trustedActor(ctx, deps);
      if (!actor) {
        await ctx.sendActivity('I could not tell who you are; nothing was changed.');
        return;
      }
      await say(
        ctx,
        await guarded(deps, 'provision.file', async () => {
          await onJoinersFile(ctx, deps, actor);
          return '';
        }),
      );
    },
  );
  app.message(
    (ctx) =>
      Promise.resolve(
        ctx.activity.type === 'message' && parseCommand(ctx.activity.text)?.name === 'provision',
      ),
    async (ctx) => {
      const actor = trustedActor(ctx, deps);
      if (!actor) {
        await ctx.sendActivity('I could not tell who you are, so I can only show help.');
        return;
      }
      const argument = parseCommand(ctx.activity.text)?.argument ?? '';
      await say(
        ctx,
        await guarded(deps, 'provision', async () => {
          await provisionCommand(ctx, deps, actor, argument);
          return '';
        }),
      );
    },
  );
  app.adaptiveCards.actionExecute(provisionVerbs.confirm, (ctx, _state, data) =>
    guarded(deps, provisionVerbs.confirm, () => confirmProvision(ctx, deps, trustedActor(ctx, deps), data)),
  );
  app.adaptiveCards.actionExecute(batchConfirmVerb, (ctx, _state, data) =>
    guarded(deps, batchConfirmVerb, () => confirmJoinersBatch(ctx, deps, trustedActor(ctx, deps), data)),
  );
}

/**
 * A bot wired exactly as in production (real connectors against an in-process sandbox, the real
 * store on in-memory PGlite), driven through botbuilder's TestAdapter. Proactive messages go to a
 * RecordingGateway because TestAdapter cannot continue conversations.
 */
import { TestAdapter, type Activity, type TurnContext } from 'botbuilder';
import { pino, type Logger } from 'pino';
import { loadConfig } from '../../src/app/config.js';
import { createServices, type Services } from '../../src/app/wiring.js';
import type { Clock } from '../../src/core/ports/clock.js';
import type { Store } from '../../src/core/ports/store.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { openMemoryStore } from '../../src/store/index.js';
import { RecordingGateway } from './recording-gateway.js';

export const tenantId = '11111111-1111-4111-8111-111111111111';

export interface Persona {
  id: string;
  aadObjectId: string;
  name: string;
}

export const personas = {
  operator: {
    id: '29:isaiah-langer',
    aadObjectId: '10000000-0000-4000-8000-000000000013',
    name: 'Isaiah Langer',
  },
  operator2: {
    id: '29:miriam-graham',
    aadObjectId: '10000000-0000-4000-8000-000000000014',
    name: 'Miriam Graham',
  },
  approver: {
    id: '29:joni-sherman',
    aadObjectId: '10000000-0000-4000-8000-000000000015',
    name: 'Joni Sherman',
  },
  approver2: {
    id: '29:irvin-sayers',
    aadObjectId: '10000000-0000-4000-8000-000000000016',
    name: 'Irvin Sayers',
  },
  ordinary: {
    id: '29:diego-siciliani',
    aadObjectId: '10000000-0000-4000-8000-000000000018',
    name: 'Diego Siciliani',
  },
} satisfies Record<string, Persona>;

export interface BotHarness {
  sandbox: Sandbox;
  store: Store;
  services: Services;
  gateway: RecordingGateway;
  adapter: TestAdapter;
  /**
   * Send a message; returns what the bot replied in that turn, each reply as it reads once the work
   * the turn started in the background is done (a placeholder replaced by its update in place).
   */
  say(from: Persona, text: string, conversationId?: string): Promise<SettledReply[]>;
  /** Click an Action.Execute; returns the invoke response body and the other activities of the turn. */
  click(
    from: Persona,
    verb: string,
    data: Record<string, unknown>,
    replyToId?: string,
    tenant?: string,
    conversationId?: string,
  ): Promise<{ body: { type?: string; value?: unknown } | undefined; replies: SettledReply[] }>;
  close(): Promise<void>;
}

export async function startBotHarness(
  env: Record<string, string> = {},
  options: { logger?: Logger; scheduleClock?: Clock } = {},
): Promise<BotHarness> {
  const sandbox = await startSandbox({ port: 0 });
  const store = await openMemoryStore();
  const gateway = new RecordingGateway();
  const config = loadConfig({
    LIFECYCLE_MODE: 'sandbox',
    SANDBOX_URL: sandbox.baseUrl,
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const services = await createServices(config, {
    store,
    gateway,
    logger: options.logger ?? pino({ level: 'silent' }),
    ...(options.scheduleClock && { scheduleClock: options.scheduleClock }),
  });
  const driver = botDriver(services.app, settledReplies(services.deps.background, gateway));
  return {
    sandbox,
    store,
    services,
    gateway,
    ...driver,
    async close() {
      await services.deps.background.idle();
      await services.coordinator.idle();
      await store.close();
      await sandbox.close();
    },
  };
}

export type BotDriver = Pick<BotHarness, 'adapter' | 'say' | 'click'>;

/** Waits for the work the turn started, then reads each reply as updated in place. */
export function settledReplies(
  background: { idle(): Promise<void> },
  gateway: RecordingGateway,
): (replies: Partial<Activity>[]) => Promise<SettledReply[]> {
  return async (replies) => {
    await background.idle();
    return replies.map((reply) => {
      const last = reply.id ? gateway.replyUpdates.get(reply.id)?.at(-1) : undefined;
      return last ? { ...last, id: reply.id, placeholder: reply } : reply;
    });
  };
}

/** A reply replaced in place after the turn keeps what the turn first sent as `placeholder`. */
export type SettledReply = Partial<Activity> & { placeholder?: Partial<Activity> };

/** Drives any bot application (the harness's, or one built with other deps or routes) through a TestAdapter. */
export function botDriver(
  app: { run(ctx: TurnContext): Promise<unknown> },
  settle: (replies: Partial<Activity>[]) => Promise<SettledReply[]> = (replies) => Promise.resolve(replies),
): BotDriver {
  const adapter = new TestAdapter(async (ctx) => {
    await app.run(ctx);
  });

  const activity = (from: Persona, conversationId: string, tenant = tenantId): Partial<Activity> => ({
    channelId: 'msteams',
    serviceUrl: 'https://smba.example.test/teams/',
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    recipient: { id: '28:lifecycle-bot', name: 'Lifecycle' },
    conversation: {
      id: conversationId,
      isGroup: conversationId.startsWith('group'),
      conversationType: conversationId.startsWith('group') ? 'groupChat' : 'personal',
      tenantId: tenant,
      name: '',
    },
    channelData: { tenant: { id: tenant } },
  });

  const drain = (): Partial<Activity>[] => {
    const out: Partial<Activity>[] = [];
    for (;;) {
      const next = adapter.activeQueue.shift();
      if (!next) return out;
      out.push(next);
    }
  };

  return {
    adapter,
    async say(from, text, conversationId = 'group-chat-1') {
      await adapter.processActivity({ ...activity(from, conversationId), type: 'message', text });
      return settle(drain());
    },
    async click(from, verb, data, replyToId = 'card-1', tenant = tenantId, conversationId = 'group-chat-1') {
      await adapter.processActivity({
        ...activity(from, conversationId, tenant),
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId,
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      });
      const all = await settle(drain());
      const response = all.find((a) => a.type === 'invokeResponse');
      const value = response?.value as { body?: { type?: string; value?: unknown } } | undefined;
      return { body: value?.body, replies: all.filter((a) => a.type !== 'invokeResponse') };
    },
  };
}

/** The first Adaptive Card in a list of activities. */
export function cardIn(activities: Partial<Activity>[]): Record<string, unknown> | undefined {
  for (const a of activities) {
    const content = a.attachments?.find(
      (x) => x.contentType === 'application/vnd.microsoft.card.adaptive',
    )?.content;
    if (content) return content as Record<string, unknown>;
  }
  return undefined;
}

/** The text of the replies, and of the text blocks heading their cards (answers shown as a status card). */
export function textOf(activities: Partial<Activity>[]): string {
  return activities
    .map((a) =>
      [a.text ?? '', ...(a.attachments ?? []).flatMap((x) => headingTexts(x.content))]
        .filter(Boolean)
        .join('\n'),
    )
    .join('\n');
}

function headingTexts(content: unknown): string[] {
  const body = (content as { body?: { type?: string; text?: unknown }[] } | undefined)?.body ?? [];
  return body.filter((b) => b.type === 'TextBlock' && typeof b.text === 'string').map((b) => String(b.text));
}

export function actionsOf(card: unknown): { title: string; verb: string; data: Record<string, unknown> }[] {
  const list =
    (
      card as
        | { actions?: { type?: string; title?: string; verb?: string; data?: Record<string, unknown> }[] }
        | undefined
    )?.actions ?? [];
  return list
    .filter((a) => a.type === 'Action.Execute' && a.verb)
    .map((a) => ({ title: a.title ?? '', verb: a.verb ?? '', data: a.data ?? {} }));
}

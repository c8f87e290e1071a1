/**
 * Drives the Microsoft 365 Agents Playground's web UI in Chromium, as one persona per browser profile.
 *
 * The playground's UI always acts as the configured `currentUser` and has no control to change it:
 * it reads the user once from `GET /_internal/v1/config` and sends every message and card click with
 * that id (the server then builds the activity's `from`, `aadObjectId` included, from its own config).
 * To sign in as another persona, a page gets the same configuration with that persona as
 * `currentUser` (and the configured current user back among the other users). Every page receives
 * the bot's messages through the playground's WebSocket, so two pages are two Teams clients in the
 * same group chat: the operator types and confirms in one, the approver approves in the other. Only
 * identities from the playground's configuration can act; the bot sees them exactly as it would
 * from Teams.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { newLocalContext } from './chromium.js';

interface PlaygroundUser {
  id: string;
  name: string;
}

interface PlaygroundConfig {
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  groupChats?: { members: string[] }[];
  teams?: { members: string[] }[];
}

interface ConfigResponse {
  config: PlaygroundConfig;
}

function isUser(value: unknown): value is PlaygroundUser {
  const v = value as Partial<PlaygroundUser> | null;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && typeof v.name === 'string';
}

function isConfigResponse(value: unknown): value is ConfigResponse {
  const config = (value as { config?: Partial<PlaygroundConfig> } | null)?.config;
  return (
    typeof config === 'object' &&
    config !== null &&
    isUser(config.currentUser) &&
    Array.isArray(config.users) &&
    config.users.every(isUser)
  );
}

/** The playground configuration as `personaId` sees it: that persona is the current user. */
export function configAs(response: unknown, personaId: string): ConfigResponse {
  if (!isConfigResponse(response)) throw new Error('unexpected playground configuration');
  const { config } = response;
  if (config.currentUser.id === personaId) return response;
  const persona = config.users.find((u) => u.id === personaId);
  if (!persona) throw new Error(`${personaId} is not a user of the playground configuration`);
  const me = config.currentUser;
  const swap = (ids: string[]) => ids.map((id) => (id === personaId ? me.id : id));
  return {
    ...response,
    config: {
      ...config,
      currentUser: persona,
      users: config.users.map((u) => (u.id === personaId ? me : u)),
      ...(config.groupChats && {
        groupChats: config.groupChats.map((g) => ({ ...g, members: swap(g.members) })),
      }),
      ...(config.teams && { teams: config.teams.map((t) => ({ ...t, members: swap(t.members) })) }),
    },
  };
}

export interface OpenOptions {
  /** Playground user id to act as; default: the configured current user. */
  personaId?: string;
  viewport?: { width: number; height: number };
  deviceScaleFactor?: number;
  /** Runs on the new page before it loads the playground (to add routes). */
  beforeGoto?: (page: Page) => Promise<void>;
}

/** Generous: the sandbox adds realistic latency and CI machines are slow. */
const UI_TIMEOUT_MS = 60_000;

/** A bot message event the page received on the playground's conversation WebSocket. */
export interface StreamEvent {
  action: string;
  conversationId: string;
  messageId: string;
}

function parseStreamEvent(payload: string | Buffer): StreamEvent | undefined {
  try {
    const event = JSON.parse(payload.toString()) as {
      action?: unknown;
      actionConversationId?: unknown;
      message?: { messageId?: unknown };
    };
    if (typeof event.action !== 'string') return undefined;
    return {
      action: event.action,
      conversationId: typeof event.actionConversationId === 'string' ? event.actionConversationId : '',
      messageId: typeof event.message?.messageId === 'string' ? event.message.messageId : '',
    };
  } catch {
    return undefined;
  }
}

export class PlaygroundPage {
  /** Everything the page received on the conversation stream (createMessage, updateMessage, typing). */
  readonly events: StreamEvent[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  /** Opens the playground in a new browser profile, signed in as the persona. */
  static async open(
    browser: Browser,
    playgroundUrl: string,
    options: OpenOptions = {},
  ): Promise<PlaygroundPage> {
    const context = await newLocalContext(browser, {
      ...(options.viewport && { viewport: options.viewport }),
      ...(options.deviceScaleFactor !== undefined && { deviceScaleFactor: options.deviceScaleFactor }),
    });
    const personaId = options.personaId;
    if (personaId) {
      await context.route('**/_internal/v1/config', async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, json: configAs(await response.json(), personaId) });
      });
    }
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await options.beforeGoto?.(page);
    // The UI receives the bot's messages over this socket: wait until it is open before anything is sent.
    const socket = page.waitForEvent('websocket', {
      predicate: (ws) => ws.url().includes('/_ws_conversation/'),
      timeout: UI_TIMEOUT_MS,
    });
    await page.goto(playgroundUrl, { timeout: UI_TIMEOUT_MS });
    const opened = new PlaygroundPage(context, page);
    (await socket).on('framereceived', ({ payload }) => {
      const event = parseStreamEvent(payload);
      if (event) opened.events.push(event);
    });
    await page.locator('[data-lexical-editor=true]').waitFor();
    return opened;
  }

  /** Messages the bot updated in place, with the number of updates. */
  updatedMessages(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const e of this.events) {
      if (e.action === 'updateMessage') counts.set(e.messageId, (counts.get(e.messageId) ?? 0) + 1);
    }
    return counts;
  }

  /** Selects a chat or channel in the left rail by its name. */
  async openChat(name: string): Promise<void> {
    await this.page.getByText(name, { exact: true }).first().click();
  }

  /** Types a message that @mentions the bot (chosen from the typeahead, as a user would) and sends it. */
  async sendMention(botName: string, text: string): Promise<void> {
    const editor = this.page.locator('[data-lexical-editor=true]');
    await editor.click();
    await this.page.keyboard.type(`@${botName.slice(0, 4)}`);
    await this.page.getByRole('menuitem', { name: botName }).click();
    await this.page.keyboard.type(` ${text}`);
    await this.page.getByRole('button', { name: 'Send Message' }).click();
  }

  /** Types a plain message (personal chat) and sends it. */
  async send(text: string): Promise<void> {
    await this.page.locator('[data-lexical-editor=true]').click();
    await this.page.keyboard.type(text);
    await this.page.getByRole('button', { name: 'Send Message' }).click();
  }

  /** The last rendered Adaptive Card that contains the text (and, when given, a button with this title). */
  card(text: string | RegExp, buttonTitle?: string): Locator {
    let cards = this.page.locator('.ac-preview-panel > .ac-adaptiveCard').filter({ hasText: text });
    if (buttonTitle) cards = cards.filter({ has: this.page.getByRole('button', { name: buttonTitle }) });
    return cards.last();
  }

  /** Waits for the card to be rendered and returns it. */
  async waitForCard(
    text: string | RegExp,
    buttonTitle?: string,
    timeoutMs = UI_TIMEOUT_MS,
  ): Promise<Locator> {
    const card = this.card(text, buttonTitle);
    await card.waitFor({ state: 'visible', timeout: timeoutMs });
    return card;
  }

  /** The outer frame of a card (border and padding included), for screenshots. */
  frameOf(card: Locator): Locator {
    return this.page.locator('.fai-OutputCard').filter({ has: card }).last();
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

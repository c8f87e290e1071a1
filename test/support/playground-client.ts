/**
 * Drives the Microsoft 365 Agents Playground through its own HTTP and WebSocket API (the same one
 * its web UI uses): post messages as a persona, click Action.Execute buttons, read what the bot
 * posted and updated.
 */
import WebSocket from 'ws';

export interface PlaygroundMessage {
  messageId: string;
  conversationId: string;
  /** A channel message's own thread (`<channel>;messageid=<id>`), where its card's buttons are clicked. */
  postConversationId?: string;
  text?: string;
  cards: Record<string, unknown>[];
  /** Other attachments (a request's JSON export…), as sent. */
  files: { contentType: string; name?: string; content: unknown }[];
  /** Every version seen, oldest first (createMessage then updateMessage events). */
  versions: number;
}

interface StreamEvent {
  action?: string;
  actionConversationId?: string;
  message?: {
    messageId?: string;
    postConversationId?: string;
    text?: string;
    attachments?: { contentType?: string; name?: string; content?: unknown }[];
  };
}

export interface InvokeResponse {
  type?: string;
  value?: unknown;
}

export class PlaygroundClient {
  readonly messages = new Map<string, PlaygroundMessage>();
  private socket: WebSocket | undefined;
  private waiters: (() => void)[] = [];

  constructor(
    readonly baseUrl: string,
    readonly botId = '28:lifecycle-bot',
    readonly botName = 'Lifecycle',
  ) {}

  async connect(): Promise<void> {
    const url = `${this.baseUrl.replace(/^http/, 'ws')}/_ws_conversation/v1/conversations/stream`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.on('message', (raw: Buffer) => {
      this.onEvent(JSON.parse(raw.toString('utf8')) as StreamEvent);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => {
        resolve();
      });
      socket.once('error', reject);
    });
  }

  close(): void {
    this.socket?.close();
  }

  async send(conversationId: string, fromId: string, text: string, isGroup: boolean): Promise<string> {
    const body = {
      from: { id: fromId },
      text: isGroup ? `<at>${this.botName}</at> ${text}` : text,
      textFormat: 'plain',
      ...(isGroup && {
        mentions: [{ mentioned: { id: this.botId, name: this.botName }, text: `<at>${this.botName}</at>` }],
      }),
    };
    const response = await fetch(
      `${this.baseUrl}/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
    );
    if (!response.ok) throw new Error(`send failed: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { messageId: string }).messageId;
  }

  async click(
    conversationId: string,
    fromId: string,
    replyToId: string,
    verb: string,
    data: Record<string, unknown>,
  ): Promise<{ status: number; body: InvokeResponse | string }> {
    const response = await fetch(`${this.baseUrl}/_conversation/v1/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'adaptiveCard/action',
        from: { id: fromId },
        conversation: { id: conversationId },
        replyToId,
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      }),
    });
    const text = await response.text();
    let body: InvokeResponse | string = text;
    try {
      body = JSON.parse(text) as InvokeResponse;
    } catch {
      body = text;
    }
    return { status: response.status, body };
  }

  /**
   * Installs the app in a chat or channel, as the playground's UI does when a conversation is opened:
   * the bot gets the `installationUpdate` activity of that conversation.
   */
  async install(conversationId: string): Promise<void> {
    const response = await fetch(
      `${this.baseUrl}/_debug/conversation/${encodeURIComponent(conversationId)}/installation`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
    );
    if (!response.ok) throw new Error(`install failed: ${response.status} ${await response.text()}`);
  }

  /** Wait until a message in the conversation satisfies the predicate. */
  async waitFor(
    predicate: (m: PlaygroundMessage) => boolean,
    timeoutMs = 60_000,
  ): Promise<PlaygroundMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = [...this.messages.values()].find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a bot message');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private onEvent(event: StreamEvent): void {
    const message = event.message;
    if (!message?.messageId || (event.action !== 'createMessage' && event.action !== 'updateMessage')) return;
    const cards = (message.attachments ?? [])
      .filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')
      .map((a) => a.content as Record<string, unknown>);
    const files = (message.attachments ?? [])
      .filter(
        (a) => a.contentType !== undefined && a.contentType !== 'application/vnd.microsoft.card.adaptive',
      )
      .map((a) => ({
        contentType: a.contentType ?? '',
        ...(a.name !== undefined && { name: a.name }),
        content: a.content,
      }));
    const previous = this.messages.get(message.messageId);
    this.messages.set(message.messageId, {
      messageId: message.messageId,
      conversationId: event.actionConversationId ?? previous?.conversationId ?? '',
      ...((message.postConversationId ?? previous?.postConversationId) !== undefined && {
        postConversationId: message.postConversationId ?? previous?.postConversationId,
      }),
      ...(message.text !== undefined && { text: message.text }),
      cards,
      files,
      versions: (previous?.versions ?? 0) + 1,
    });
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** True when a card (at any depth) contains the text. */
export function cardHasText(card: unknown, text: string): boolean {
  return JSON.stringify(card ?? null).includes(text);
}

/** Find the Action.Execute with this title in a card. */
export function findAction(
  card: unknown,
  title: string,
): { verb: string; data: Record<string, unknown> } | undefined {
  const actions =
    (card as { actions?: { type?: string; title?: string; verb?: string; data?: Record<string, unknown> }[] })
      .actions ?? [];
  const action = actions.find((a) => a.type === 'Action.Execute' && a.title === title);
  return action?.verb ? { verb: action.verb, data: action.data ?? {} } : undefined;
}

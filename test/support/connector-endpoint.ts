/**
 * A minimal Bot Connector service (the Teams side of the Bot Framework REST API) for system tests
 * that run the bot as a real process: it records every activity the bot posts, every in-place update
 * and every 1:1 chat it opens, and it posts user activities and card clicks to the bot's
 * `/api/messages` with itself as `serviceUrl`, as Teams does. It lives in the test process, so bot
 * processes can be killed and restarted while the conversation and its messages stay.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectorMessage {
  id: string;
  conversationId: string;
  /** Endpoint sequence number of the post. */
  postedSeq: number;
  activity: Record<string, unknown>;
  /** In-place updates, oldest first, each with the endpoint sequence number it arrived at. */
  updates: { seq: number; activity: Record<string, unknown> }[];
}

export interface ConnectorUser {
  id: string;
  aadObjectId: string;
  name: string;
}

export interface InvokeResult {
  status: number;
  body: { statusCode?: number; type?: string; value?: unknown } | undefined;
}

const tenantId = '11111111-1111-4111-8111-111111111111';

export class ConnectorEndpoint {
  readonly messages = new Map<string, ConnectorMessage>();
  /** Called with each posted message before the bot gets its id back (a test may kill the bot here). */
  onPost?: (message: ConnectorMessage) => void;
  /** Requests the endpoint did not understand (should stay empty). */
  readonly unknown: string[] = [];
  private seq = 0;
  private nextId = 1;
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<ConnectorEndpoint> {
    const holder: { endpoint?: ConnectorEndpoint } = {};
    const server = createServer((req, res) => {
      void holder.endpoint?.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.endpoint = new ConnectorEndpoint(server, `http://127.0.0.1:${port}/`);
    return holder.endpoint;
  }

  /** The current sequence number: everything that arrives later has a larger one. */
  get sequence(): number {
    return this.seq;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }

  /** Post a message from a user; resolves with the bot's HTTP status. */
  async say(botUrl: string, from: ConnectorUser, conversationId: string, text: string): Promise<number> {
    const response = await fetch(botUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...this.activity(from, conversationId), type: 'message', text }),
    });
    await response.text();
    return response.status;
  }

  /** Click an Action.Execute button on a message. */
  async click(
    botUrl: string,
    from: ConnectorUser,
    conversationId: string,
    replyToId: string,
    verb: string,
    data: Record<string, unknown>,
  ): Promise<InvokeResult> {
    const response = await fetch(botUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...this.activity(from, conversationId),
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId,
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as InvokeResult['body']) : undefined,
    };
  }

  /** Wait until a message satisfies the predicate. */
  async waitFor(predicate: (m: ConnectorMessage) => boolean, timeoutMs = 60_000): Promise<ConnectorMessage> {
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

  /** The latest adaptive card of a message (after its updates). */
  cardOf(message: ConnectorMessage): Record<string, unknown> | undefined {
    const latest = message.updates.at(-1)?.activity ?? message.activity;
    const attachments = (latest['attachments'] ?? []) as { content?: unknown }[];
    return attachments[0]?.content as Record<string, unknown> | undefined;
  }

  private activity(from: ConnectorUser, conversationId: string): Record<string, unknown> {
    return {
      id: `user-${this.nextId++}`,
      channelId: 'msteams',
      serviceUrl: this.url,
      timestamp: new Date().toISOString(),
      from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
      recipient: { id: '28:lifecycle-bot', name: 'Lifecycle' },
      conversation: { id: conversationId, conversationType: 'personal', isGroup: false, tenantId },
      channelData: { tenant: { id: tenantId } },
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    const path = decodeURIComponent(new URL(req.url ?? '/', this.url).pathname);
    const send = (status: number, payload: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    const activities = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
    this.seq += 1;
    if (req.method === 'POST' && path === '/v3/conversations') {
      const members = (body['members'] ?? []) as { id?: string }[];
      send(200, { id: `personal-${members[0]?.id ?? 'unknown'}` });
    } else if (activities && req.method === 'POST') {
      const id = `bot-${this.nextId++}`;
      const message = {
        id,
        conversationId: activities[1] ?? '',
        postedSeq: this.seq,
        activity: body,
        updates: [],
      };
      this.messages.set(id, message);
      this.onPost?.(message);
      send(200, { id });
    } else if (activities?.[2] !== undefined && req.method === 'PUT') {
      const message = this.messages.get(activities[2]);
      if (message) message.updates.push({ seq: this.seq, activity: body });
      else this.unknown.push(`PUT ${path} (no such message)`);
      send(message ? 200 : 404, { id: activities[2] });
    } else {
      this.unknown.push(`${req.method ?? ''} ${path}`);
      send(404, { error: { code: 'NotFound', message: 'Not part of this test connector' } });
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** True when the card (at any depth) contains the text. */
export function cardText(card: unknown): string {
  return JSON.stringify(card ?? null);
}

/** The Action.Execute with this title in a card. */
export function actionOf(
  card: unknown,
  title: string,
): { verb: string; data: Record<string, unknown> } | undefined {
  const actions =
    (card as { actions?: { type?: string; title?: string; verb?: string; data?: Record<string, unknown> }[] })
      .actions ?? [];
  const action = actions.find((a) => a.type === 'Action.Execute' && a.title === title);
  return action?.verb ? { verb: action.verb, data: action.data ?? {} } : undefined;
}

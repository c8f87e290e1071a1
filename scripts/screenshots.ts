/**
 * `npm run screenshots`: starts the `npm run dev` stack on free ports (sandbox with realistic latency),
 * drives an offboarding through the Agents Playground web UI in headless Chromium (the operator and
 * the approver in two browser profiles) and saves the cards as PNGs in docs/images/.
 *
 * The manager's 1:1 notice needs help: the playground delivers chats only to its configured current
 * user, so the bot's 1:1 message to Megan Bowen fails there (and the bot falls back to e-mail). The
 * script reads the card the bot sent from the playground's log stream and hands it to Megan's page
 * through that page's own conversation socket, where the playground renders it like any bot message.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, WebSocketRoute } from 'playwright-core';
import WebSocket from 'ws';
import { seeded } from '../src/sandbox/index.js';
import { launchChromium } from '../test/support/chromium.js';
import { startDevStack } from '../test/support/dev-stack.js';
import { PlaygroundPage } from '../test/support/playground-ui.js';

const outDir = join(import.meta.dirname, '..', 'docs', 'images');
// Tall enough for the longest card (the request card with its plan and options) to fit on screen.
const view = { viewport: { width: 1280, height: 2400 }, deviceScaleFactor: 1.5 };

async function shoot(page: PlaygroundPage, card: Locator, name: string): Promise<void> {
  await card.scrollIntoViewIfNeeded();
  // Let late layout (fonts, images, the typing indicator) settle before the picture.
  await page.page.waitForTimeout(400);
  const path = join(outDir, name);
  await page.frameOf(card).screenshot({ path, animations: 'disabled' });
  console.log(`saved ${path}`);
}

interface BotActivity {
  recipient?: { id?: string };
  attachments?: { contentType?: string; content?: unknown }[];
}

interface LogEvent {
  log?: { activityName?: string; request?: { body?: BotActivity } };
}

/** Collects the bot's outgoing messages from the playground's log stream. */
async function watchBotMessages(playgroundUrl: string): Promise<{ messages: BotActivity[]; close(): void }> {
  const messages: BotActivity[] = [];
  const socket = new WebSocket(`${playgroundUrl.replace(/^http/, 'ws')}/_ws/log/stream`);
  socket.on('message', (raw: Buffer) => {
    try {
      const event = JSON.parse(raw.toString('utf8')) as LogEvent;
      const body = event.log?.request?.body;
      if (event.log?.activityName === 'message' && body) messages.push(body);
    } catch {
      // not a log event
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => {
      resolve();
    });
    socket.once('error', reject);
  });
  return {
    messages,
    close: () => {
      socket.close();
    },
  };
}

async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const browser = await launchChromium();
  const stack = await startDevStack({ behaviours: 'realistic' });
  try {
    const operator = await PlaygroundPage.open(browser, stack.playgroundUrl, view);
    const approver = await PlaygroundPage.open(browser, stack.playgroundUrl, {
      ...view,
      personaId: '29:joni-sherman',
    });

    let managerSocket: WebSocketRoute | undefined;
    const manager = await PlaygroundPage.open(browser, stack.playgroundUrl, {
      ...view,
      personaId: '29:megan-bowen',
      beforeGoto: (page) =>
        page.routeWebSocket(/\/_ws_conversation\//, (ws) => {
          ws.connectToServer();
          managerSocket = ws;
        }),
    });
    const botMessages = await watchBotMessages(stack.playgroundUrl);

    await shoot(operator, await operator.waitForCard('Hi, I run the identity lifecycle'), 'welcome-card.png');

    await operator.openChat('Lifecycle requests');
    await approver.openChat('Lifecycle requests');
    await operator.sendMention('Lifecycle', 'offboard adele.vance@contoso.com');
    const request = await operator.waitForCard('Offboard Adele Vance', 'Confirm');
    await request.getByText('Block sign-in').first().waitFor();
    await shoot(operator, request, 'offboard-request-card.png');
    await request.getByRole('button', { name: 'Confirm' }).click();

    const approval = await approver.waitForCard('approval needed', 'Approve');
    await shoot(approver, approval, 'approval-card.png');
    await approval.getByRole('button', { name: 'Approve' }).click();

    // Catch the progress card while steps are still running (it is updated in place).
    const progress = await operator.waitForCard(/Offboarding Adele Vance[\s\S]*Running/);
    await progress
      .getByText(/running|done/)
      .first()
      .waitFor();
    await shoot(operator, progress, 'progress-card.png');

    const summary = await operator.waitForCard(
      /Completed: Adele Vance[\s\S]*JSON export/,
      undefined,
      180_000,
    );
    await shoot(operator, summary, 'summary-card.png');

    const notice = await waitFor(
      () =>
        botMessages.messages.find(
          (m) =>
            m.recipient?.id === seeded.users.meganBowen &&
            JSON.stringify(m.attachments ?? []).includes("You now look after Adele Vance's work"),
        ),
      "the bot's notice to Megan Bowen",
    );
    botMessages.close();
    const socket = managerSocket;
    if (!socket) throw new Error("Megan Bowen's page has no conversation socket");
    socket.send(
      JSON.stringify({
        action: 'createMessage',
        actionConversationId: 'lifecycle-personal-chat',
        message: {
          messageId: String(Date.now()),
          timestamp: Date.now(),
          from: { id: '28:lifecycle-bot' },
          attachments: notice.attachments ?? [],
          attachmentLayout: 'list',
          mentions: [],
        },
      }),
    );
    await shoot(
      manager,
      await manager.waitForCard("You now look after Adele Vance's work"),
      'manager-notice-card.png',
    );
  } finally {
    await browser.close();
    await stack.close();
  }
}

await main();

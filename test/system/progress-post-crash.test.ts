/**
 * The narrowest crash of a run's start: the bot process is SIGKILLed at the moment the Bot Connector
 * accepts the run's first message, before the bot reads the message's id back, twice in a row. The id
 * is lost with the answer (a post takes no idempotency key and a chat's messages can't be listed), so
 * the restarted bot posts again. The first message is a "starting" line that becomes the progress card
 * only once its id is stored: the lost posts stay one-line notes, and the request has exactly one
 * progress card, updated in place to the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import { BotProcess } from '../support/bot-process.js';
import { ConnectorEndpoint } from '../support/connector-endpoint.js';
import { freePort } from '../support/free-port.js';
import {
  approveOffboarding,
  progressCardsOf,
  requestOffboarding,
  summaryOf,
} from '../support/offboard-conversation.js';

it('leaves one progress card when the bot dies twice as the first message is posted', async () => {
  const sandbox = await startSandbox({ port: 0, seed: 11, tenant: { users: 3, seed: 11 } });
  const endpoint = await ConnectorEndpoint.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'lifecycle-progress-crash-'));
  const bot = new BotProcess({
    port: await freePort(),
    sandboxUrl: sandbox.baseUrl,
    instanceId: 'lifecycle-progress-crash',
    dataDir,
    env: { RESUME_INTERVAL_MS: '1000', RUN_LEASE_MS: '4000' },
  });
  try {
    await bot.start();
    const leaverId = sandbox.generated?.userIds[2] ?? '';
    const upn = sandbox.state.directory.getUser(leaverId)?.userPrincipalName ?? leaverId;
    const pending = await requestOffboarding(endpoint, () => bot.url, upn, 'progress-crash-chat');
    const started = { ...pending, approvedSeq: endpoint.sequence };
    let kills = 0;
    endpoint.onPost = (message) => {
      const text = message.activity['text'];
      const isStarting = typeof text === 'string' && text.endsWith(': starting.');
      if (kills < 2 && message.conversationId === started.conversationId && isStarting) {
        kills += 1;
        void bot.kill();
      }
    };
    await approveOffboarding(endpoint, () => bot.url, pending).catch(() => undefined);
    const deadline = Date.now() + 180_000;
    while (!summaryOf(endpoint, started) && Date.now() < deadline) {
      if (!bot.isRunning) await bot.start();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    expect(kills).toBe(2);
    expect(summaryOf(endpoint, started), 'the run finished with its summary').toBeDefined();
    const cards = progressCardsOf(endpoint, started);
    expect(cards, 'one progress card').toHaveLength(1);
    expect(cards[0]?.updates.length).toBeGreaterThan(1);
    const starting = [...endpoint.messages.values()].filter(
      (m) => m.conversationId === started.conversationId && m.postedSeq > started.approvedSeq,
    );
    // The two posts whose answers were lost, then the card's own message and the summary.
    expect(starting.filter((m) => m.updates.length === 0 && m.activity['text'] !== undefined)).toHaveLength(
      2,
    );
  } finally {
    endpoint.onPost = undefined;
    await bot.kill();
    await endpoint.close();
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 300_000);

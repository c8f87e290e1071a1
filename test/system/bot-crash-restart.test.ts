/**
 * Crash and restart of the whole bot: a real bot process (src/app/main.ts, sandbox mode, PGlite in a
 * data folder) runs several offboardings started through card clicks; the test SIGKILLs it at
 * seeded-random moments several times and starts it again with the same DATA_DIR and INSTANCE_ID.
 * Every run must resume and complete, each progress card must continue on the same message, and the
 * sandbox must have applied each change once. Teams is played by a minimal Bot Connector endpoint in
 * the test process (see docs/reliability.md for why not the Agents Playground here).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports/store.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { openStore } from '../../src/store/index.js';
import { BotProcess } from '../support/bot-process.js';
import { cardText, ConnectorEndpoint } from '../support/connector-endpoint.js';
import { freePort } from '../support/free-port.js';
import {
  approveOffboarding,
  progressCardsOf,
  requestOffboarding,
  summaryOf,
  type StartedOffboarding,
} from '../support/offboard-conversation.js';
import { checkRun, duplicateWrites } from '../support/soak-checks.js';

const leaverCount = Number(process.env['CRASH_LEAVERS'] ?? 5);
const killCount = Number(process.env['CRASH_KILLS'] ?? 4);
const seed = Number(process.env['CRASH_SEED'] ?? 11);
/**
 * Repeating these is harmless by design. A random password reset whose answer died with a killed
 * process can't be told from one never sent (nothing to read back), so the resumed run sets another.
 */
const repeatableOperations = new Set([
  'user.revoke-sessions',
  'user.reset-password',
  'mail.send',
  'token.issue',
]);

/** mulberry32: the kill moments are reproducible for a seed. */
function prng(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe(`bot process killed ${killCount} times during ${leaverCount} offboardings`, () => {
  let sandbox: Sandbox;
  let endpoint: ConnectorEndpoint;
  let bot: BotProcess;
  let dataDir: string;
  let store: Store | undefined;

  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      seed,
      tenant: { users: leaverCount * 3, seed },
      // Service-like latency and replication delays keep runs in flight long enough to be killed.
      behaviours: {
        latency: {
          graph: { kind: 'normal', meanMs: 150, jitterMs: 50 },
          exchange: { kind: 'normal', meanMs: 600, jitterMs: 200 },
          sharepoint: { kind: 'normal', meanMs: 300, jitterMs: 100 },
        },
        throttling: { enabled: true, scale: 1 },
        consistency: { delayMs: 2000, areas: { mailboxPermission: 5000, folderPermission: 3000 } },
      },
    });
    endpoint = await ConnectorEndpoint.start();
    dataDir = mkdtempSync(join(tmpdir(), 'lifecycle-bot-crash-'));
    bot = new BotProcess({
      port: await freePort(),
      sandboxUrl: sandbox.baseUrl,
      instanceId: 'lifecycle-crash-1',
      dataDir,
      // A restarted instance waits for its own leases to lapse (see docs/reliability.md): keep them short.
      env: { RESUME_INTERVAL_MS: '1000', RUN_LEASE_MS: '8000' },
    });
    await bot.start();
  });

  afterAll(async () => {
    await bot.kill();
    await store?.close();
    await endpoint.close();
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes every run after each SIGKILL, on the same progress message, applying each change once', async () => {
    const random = prng(seed);
    let interruptedApprovals = 0;
    const leavers = (sandbox.generated?.userIds ?? [])
      .filter((_, i) => i % 3 === 2)
      .slice(0, leaverCount)
      .map((id) => sandbox.state.directory.getUser(id)?.userPrincipalName ?? id);
    const pending = await Promise.all(
      leavers.map((upn, i) => requestOffboarding(endpoint, () => bot.url, upn, `crash-chat-${i}`)),
    );
    const approvedSeq = endpoint.sequence;
    const started: StartedOffboarding[] = pending.map((p) => ({ ...p, approvedSeq }));
    // The approvals race the first kill: the approving turn plans and starts the run.
    const approvals = pending.map(async (p) => {
      try {
        return (await approveOffboarding(endpoint, () => bot.url, p)).status;
      } catch {
        return 0;
      }
    });
    // Each restart: which runs were still unfinished when it was killed, and where the endpoint stood.
    const restarts: { seq: number; unfinished: string[] }[] = [];
    for (let kill = 0; kill < killCount; kill++) {
      const delayMs = kill === 0 ? 200 + Math.floor(random() * 1500) : 500 + Math.floor(random() * 4000);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await bot.kill();
      const unfinished = started.filter((s) => !summaryOf(endpoint, s)).map((s) => s.requestId);
      restarts.push({ seq: endpoint.sequence, unfinished });
      await bot.start();
      if (kill === 0) {
        // An approver whose click failed with the bot clicks again (refused if it was approved already).
        const statuses = await Promise.all(approvals);
        interruptedApprovals = statuses.filter((status) => status !== 200).length;
        for (const [i, status] of statuses.entries()) {
          const p = pending[i];
          if (status !== 200 && p) await approveOffboarding(endpoint, () => bot.url, p);
        }
      }
    }
    for (const s of started) {
      try {
        await endpoint.waitFor(
          (m) => m.conversationId === s.conversationId && summaryOf(endpoint, s)?.id === m.id,
          240_000,
        );
      } catch (error) {
        // Say which run stalled and where, with the bot's last words, rather than only "timed out".
        const shown = progressCardsOf(endpoint, s).map((m) => cardText(endpoint.cardOf(m)).slice(0, 600));
        throw new Error(
          `no summary for ${s.requestId} (${s.upn}): ${String(error)}\nprogress: ${JSON.stringify(shown)}\nbot output:\n${bot.output.slice(-40).join('\n')}`,
        );
      }
    }
    await bot.stop();

    const killedMidRun = restarts.filter((r) => r.unfinished.length > 0);
    expect(killedMidRun.length, 'no kill landed while runs were in flight').toBeGreaterThan(0);
    for (const s of started) {
      const progress = progressCardsOf(endpoint, s);
      expect(progress, `one progress card for ${s.requestId}`).toHaveLength(1);
      const card = progress[0];
      if (!card) continue;
      for (const restart of restarts.filter((r) => r.unfinished.includes(s.requestId))) {
        expect(
          card.updates.some((u) => u.seq > restart.seq),
          `${s.requestId}: progress card updated after the restart at ${restart.seq}`,
        ).toBe(true);
      }
    }
    expect(endpoint.unknown).toEqual([]);

    store = await openStore({ dataDir });
    for (const s of started) {
      const request = await store.requests.get(s.requestId);
      expect(request?.state, s.requestId).toBe('completed');
      const check = await checkRun(store, request?.runId ?? '', [
        'request.created',
        'request.awaiting-approval',
        'request.approved',
        'request.running',
      ]);
      expect(check.problems, s.requestId).toEqual([]);
      expect(check.status).toBe('completed');
    }
    expect(duplicateWrites(sandbox.requestLog.all(), repeatableOperations)).toEqual([]);
    console.info(
      `crash figures ${JSON.stringify({ runs: started.length, kills: killCount, killedMidRun: killedMidRun.length, interruptedApprovals, starts: bot.starts })}`,
    );
  }, 420_000);
});

/**
 * Scale-out: two bot processes on one PostgreSQL server behind a round-robin proxy in front of
 * /api/messages. Messages and card clicks land on either instance; each run executes once (journal,
 * audit, sandbox request log). One instance is SIGKILLed while it holds runs: after its lease expires
 * (RUN_LEASE_MS) the other instance's resume poll (RESUME_INTERVAL_MS) takes them over, and their
 * progress cards continue on the same messages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord, Store } from '../../src/core/ports/store.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { openStore } from '../../src/store/index.js';
import { BotProcess } from '../support/bot-process.js';
import { ConnectorEndpoint } from '../support/connector-endpoint.js';
import { freePort } from '../support/free-port.js';
import {
  progressCardsOf,
  startOffboarding,
  type StartedOffboarding,
} from '../support/offboard-conversation.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { RoundRobinProxy } from '../support/round-robin-proxy.js';
import { checkRun, duplicateWrites } from '../support/soak-checks.js';

const leaverCount = Number(process.env['SCALE_LEAVERS'] ?? 6);
const leaseMs = 6000;
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
const instanceIds = ['scale-a', 'scale-b'] as const;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const postgres: TestPostgres | null = await startTestPostgres();

describe.skipIf(postgres === null)('two bot instances on one PostgreSQL behind a round-robin proxy', () => {
  let sandbox: Sandbox;
  let endpoint: ConnectorEndpoint;
  let proxy: RoundRobinProxy;
  let bots: BotProcess[] = [];
  let store: Store;

  beforeAll(async () => {
    if (!postgres) return;
    const databaseUrl = await postgres.createDatabase('scale_out');
    sandbox = await startSandbox({
      port: 0,
      seed: 5,
      tenant: { users: leaverCount * 3, seed: 5 },
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
    bots = await Promise.all(
      instanceIds.map(
        async (instanceId) =>
          new BotProcess({
            port: await freePort(),
            sandboxUrl: sandbox.baseUrl,
            instanceId,
            databaseUrl,
            env: { RUN_LEASE_MS: String(leaseMs), RESUME_INTERVAL_MS: '1000' },
          }),
      ),
    );
    // Both at once: their migrations race on the same database.
    await Promise.all(bots.map((bot) => bot.start()));
    proxy = await RoundRobinProxy.start(bots.map((bot) => `http://127.0.0.1:${bot.options.port}`));
    store = await openStore({ databaseUrl });
  });

  afterAll(async () => {
    await Promise.all(bots.map((bot) => bot.kill()));
    await store?.close();
    await proxy?.close();
    await endpoint?.close();
    await sandbox?.close();
    await postgres?.stop();
  });

  it('spreads actions over both instances, runs each run once, and takes over a killed instance’s runs', async () => {
    const leavers = (sandbox.generated?.userIds ?? [])
      .filter((_, i) => i % 3 === 1)
      .slice(0, leaverCount)
      .map((id) => sandbox.state.directory.getUser(id)?.userPrincipalName ?? id);
    const botUrl = (): string => `${proxy.url}/api/messages`;
    const started: StartedOffboarding[] = await Promise.all(
      leavers.map((upn, i) => startOffboarding(endpoint, botUrl, upn, `scale-chat-${i}`)),
    );
    const servedBeforeKill = proxy.served.map((s) => s.target);
    expect(new Set(servedBeforeKill), 'both instances served card actions').toEqual(new Set([0, 1]));

    const runOf = async (s: StartedOffboarding): Promise<RunRecord | undefined> => {
      const runId = (await store.requests.get(s.requestId))?.runId;
      return (runId && (await store.runs.get(runId))) || undefined;
    };
    // Kill instance A while it holds at least one unfinished run.
    const victim = bots[0];
    if (!victim) throw new Error('no bot');
    const held = await until(
      'instance A to hold a running run',
      async () => {
        const runs = await Promise.all(started.map(runOf));
        const mine = runs.filter((r) => r?.status === 'running' && r.owner === instanceIds[0]);
        // Mid-run: at least one of them has journaled a change, so its takeover is a resume.
        const journaled = await Promise.all(
          mine.map(async (r) => (await store.journal.list(r?.id ?? '')).length),
        );
        return journaled.some((n) => n > 0) ? mine : undefined;
      },
      60_000,
    );
    await victim.kill();
    const killSeq = endpoint.sequence;
    const heldIds = new Set(held.map((r) => r?.id));
    const stillHeld = (await Promise.all(started.map(runOf))).filter(
      (r) => r && heldIds.has(r.id) && r.status === 'running' && r.owner === instanceIds[0],
    );
    // A run A had started but not yet journaled anything is started afresh by B, not resumed.
    const journaledAtKill = new Map<string, number>();
    for (const r of stillHeld) {
      if (r) journaledAtKill.set(r.id, (await store.journal.list(r.id)).length);
    }

    for (const s of started) {
      await until(
        `${s.requestId} to finish`,
        async () => {
          const state = (await store.requests.get(s.requestId))?.state;
          return state === 'completed' || state === 'completed-with-errors' || state === 'failed'
            ? state
            : undefined;
        },
        240_000,
      );
    }

    let takeovers = 0;
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
      const events = await store.audit.list({ requestId: s.requestId, limit: 1000 });
      expect(
        events.filter((e) => e.type === 'run.finished'),
        `${s.requestId} finished once`,
      ).toHaveLength(1);
      if (stillHeld.some((r) => r?.id === request?.runId)) {
        takeovers += 1;
        const resumedByB = events.filter(
          (e) =>
            e.type === 'run.started' &&
            e.actor !== undefined &&
            'system' in e.actor &&
            e.actor.system === `runner:${instanceIds[1]}` &&
            e.details['isResumed'] === (journaledAtKill.get(request?.runId ?? '') ?? 0) > 0,
        );
        expect(resumedByB, `${s.requestId} taken over by instance B`).toHaveLength(1);
        const progress = progressCardsOf(endpoint, s);
        expect(progress, `one progress card for ${s.requestId}`).toHaveLength(1);
        expect(
          progress[0]?.updates.some((u) => u.seq > killSeq),
          `${s.requestId}: progress card updated by instance B after the kill`,
        ).toBe(true);
      }
    }
    expect(takeovers, 'runs held by the killed instance were taken over').toBeGreaterThan(0);
    expect(duplicateWrites(sandbox.requestLog.all(), repeatableOperations)).toEqual([]);
    expect(endpoint.unknown).toEqual([]);
    const perInstance = [0, 1].map((i) => proxy.served.filter((s) => s.target === i).length);
    console.info(
      `scale-out figures ${JSON.stringify({ runs: started.length, takeovers, requestsPerInstance: perInstance, leaseMs })}`,
    );
  }, 420_000);
});

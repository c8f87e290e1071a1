/**
 * Bot turn latency: from an incoming activity on the bot's HTTP endpoint to the first reply, with 50
 * users talking at once. The bot runs as in `npm run dev` (sandbox mode, real CloudAdapter, real
 * connectors against the sandbox with service-like latency, PGlite in memory); activities carry a
 * `serviceUrl` pointing at a small local Bot Connector stub that records every reply.
 *
 *   npm run bench:bot -- [--users 50] [--rounds 4] [--graph-ms 100] [--exchange-ms 500] [--jitter 0.2]
 *
 * Each user sends `help` and `offboard <a different generated user>` in turns, waiting for the first
 * reply before the next message. The naive strategy is the same conversation served one message at a
 * time with one call in flight per system, on `--naive-users` users (its wall time extrapolated to
 * all: it is strictly sequential). Writes bench/results/bot-turn.json.
 *
 * With `--mailboxes N` (issue 14's scale run: `--mailboxes 10000`) the tenant has about N mailboxes and
 * runs in a child process (bench/bot-scale-sandbox.ts), so the bench process holds the bot alone
 * (plus the connector stub and the clients): its peak RSS is sampled every 100 ms. The inventory is
 * empty at start; the bot builds it in the background (the scheduled job) while the 50 users talk.
 * Measured: the HTTP turn, the request card ready (the placeholder replaced in place), the peak RSS
 * during the workload and until the inventory is complete (or `--inventory-wait-s`). Naive run
 * skipped. Writes bench/results/bot-turn-scale.json.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../src/app/config.js';
import { startBot } from '../src/app/wiring.js';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { openMemoryStore } from '../src/store/index.js';
import {
  defaultLatency,
  latencyBehaviours,
  naiveLimits,
  percentile,
  round,
  writeResult,
  type LatencyProfile,
} from './offboard-bench-support.js';
import { startBuiltBot } from './built-bot.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '4' },
    'naive-users': { type: 'string', default: '10' },
    'graph-ms': { type: 'string', default: String(defaultLatency.graph) },
    'exchange-ms': { type: 'string', default: String(defaultLatency.exchange) },
    'sharepoint-ms': { type: 'string', default: String(defaultLatency.sharepoint) },
    'login-ms': { type: 'string', default: String(defaultLatency.login) },
    jitter: { type: 'string', default: '0.2' },
    mailboxes: { type: 'string', default: '0' },
    'inventory-wait-s': { type: 'string', default: '1200' },
  },
});
const mailboxTarget = Number(values.mailboxes);
const inventoryWaitMs = Number(values['inventory-wait-s']) * 1000;
const userCount = Number(values.users);
const rounds = Number(values.rounds);
/** The naive workload is strictly sequential: a sample of users, its wall time extrapolated. */
const naiveUsers = Math.min(userCount, Number(values['naive-users']));
const profile: LatencyProfile = {
  graph: Number(values['graph-ms']),
  exchange: Number(values['exchange-ms']),
  sharepoint: Number(values['sharepoint-ms']),
  login: Number(values['login-ms']),
  jitter: Number(values.jitter),
};
const tenantId = '11111111-1111-4111-8111-111111111111';
const requesters = [
  { aadObjectId: '10000000-0000-4000-8000-000000000013', name: 'Isaiah Langer' },
  { aadObjectId: '10000000-0000-4000-8000-000000000014', name: 'Miriam Graham' },
];

/** A Bot Connector stub: answers replies and records when the first one for each activity arrived. */
class ConnectorStub {
  /** First activity of any kind (typing included): what the user first sees. */
  readonly firstActivityAt = new Map<string, number>();
  readonly firstReplyAt = new Map<string, number>();
  /** When the first reply to an activity was replaced in place (a deferred answer is ready). */
  readonly updatedAt = new Map<string, number>();
  /** Reply id → the activity it answered. */
  private readonly replyOf = new Map<string, string>();
  private updateWaiters = new Map<string, () => void>();
  private waiters = new Map<string, () => void>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req).then((body) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/`;
  }

  /** Resolves when the first reply to `activityId` arrived (or at once if it did). */
  replied(activityId: string): Promise<void> {
    if (this.firstReplyAt.has(activityId)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.set(activityId, resolve));
  }

  /** Resolves when the reply to `activityId` was replaced in place, or after `timeoutMs`. */
  updated(activityId: string, timeoutMs: number): Promise<void> {
    if (this.updatedAt.has(activityId)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.updateWaiters.set(activityId, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async handle(req: IncomingMessage): Promise<object> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const at = performance.now();
    const match = /\/v3\/conversations\/[^/]+\/activities\/([^/?]+)/.exec(req.url ?? '');
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
      replyToId?: string;
      type?: string;
    };
    if (req.method === 'PUT' && match) {
      const original = this.replyOf.get(decodeURIComponent(match[1] ?? ''));
      if (original && !this.updatedAt.has(original)) {
        this.updatedAt.set(original, at);
        this.updateWaiters.get(original)?.();
        this.updateWaiters.delete(original);
      }
      return { id: match[1] };
    }
    const replyTo = body.replyToId ?? (match ? decodeURIComponent(match[1] ?? '') : undefined);
    if (replyTo && !this.firstActivityAt.has(replyTo)) this.firstActivityAt.set(replyTo, at);
    if (replyTo && body.type !== 'typing' && !this.firstReplyAt.has(replyTo)) {
      this.firstReplyAt.set(replyTo, at);
      this.waiters.get(replyTo)?.();
      this.waiters.delete(replyTo);
    }
    const id = randomUUID();
    if (replyTo && body.type !== 'typing') this.replyOf.set(id, replyTo);
    return { id };
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.close(() => {
        resolve();
      });
      this.server?.closeAllConnections();
    });
  }
}

interface Workload {
  latencies: { help: number[]; offboard: number[]; offboardFirstActivity: number[]; offboardTurn: number[] };
  wallMs: number;
}

async function runWorkload(sandbox: Sandbox, isNaive: boolean, leavers: string[]): Promise<Workload> {
  const stub = new ConnectorStub();
  await stub.start();
  const store = await openMemoryStore();
  const config = loadConfig({
    LIFECYCLE_MODE: 'sandbox',
    SANDBOX_URL: sandbox.baseUrl,
    PORT: '0',
    LOG_LEVEL: 'silent',
    // A load test, not people: the per-person limit on directory reads would cap the throughput.
    TENANT_READS_PER_MINUTE: '10000',
  });
  const bot = await startBot(config, {
    store,
    logger: pino({ level: 'silent' }),
    resumeIntervalMs: 3_600_000,
    ...(isNaive && { systemLimits: naiveLimits }),
  });
  const endpoint = `http://127.0.0.1:${bot.port}/api/messages`;
  const latencies: Workload['latencies'] = {
    help: [],
    offboard: [],
    offboardFirstActivity: [],
    offboardTurn: [],
  };
  let next = 0;
  /** First message (card or text) latency; also records the first activity and the whole turn. */
  const send = async (user: number, text: string): Promise<number> => {
    const id = randomUUID();
    const who = requesters[user % requesters.length] ?? requesters[0];
    const activity = {
      type: 'message',
      id,
      text,
      channelId: 'msteams',
      serviceUrl: stub.url,
      timestamp: new Date().toISOString(),
      from: { id: `29:bench-${user}`, name: who?.name, aadObjectId: who?.aadObjectId },
      recipient: { id: '28:lifecycle-bot', name: 'Lifecycle' },
      conversation: { id: `a:bench-${user}`, conversationType: 'personal', tenantId },
      channelData: { tenant: { id: tenantId } },
    };
    const started = performance.now();
    const replied = stub.replied(id);
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    await response.arrayBuffer();
    const turnMs = performance.now() - started;
    await replied;
    if (text.startsWith('offboard')) {
      latencies.offboardTurn.push(turnMs);
      latencies.offboardFirstActivity.push((stub.firstActivityAt.get(id) ?? performance.now()) - started);
    }
    return (stub.firstReplyAt.get(id) ?? performance.now()) - started;
  };
  const conversation = async (user: number): Promise<void> => {
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) latencies.help.push(await send(user, 'help'));
      else latencies.offboard.push(await send(user, `offboard ${leavers[next++ % leavers.length] ?? ''}`));
    }
  };
  const started = performance.now();
  if (isNaive) for (let u = 0; u < naiveUsers; u++) await conversation(u);
  else await Promise.all(Array.from({ length: userCount }, (_, u) => conversation(u)));
  const measuredMs = performance.now() - started;
  const wallMs = isNaive ? (measuredMs * userCount) / naiveUsers : measuredMs;
  await bot.close();
  await store.close();
  await stub.close();
  return { latencies, wallMs };
}

const summary = (xs: number[]) => ({
  count: xs.length,
  p50Ms: round(percentile(xs, 50)),
  p99Ms: round(percentile(xs, 99)),
  maxMs: round(Math.max(...xs)),
});

let resets = 0;

/**
 * POSTs an activity; a connection the server closed while idle (keep-alive race, frequent on a loaded
 * machine) is reset before the request is read, so it is sent again on a new connection.
 */
async function postActivity(endpoint: string, activity: object): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      if (code !== 'ECONNRESET' || attempt >= 3) throw error;
      resets += 1;
    }
  }
}

/** Issue 14's scale run: see the header. */
async function runScale(): Promise<void> {
  // The generator adds one shared mailbox per 20 users on top of the named organisation (22 mailboxes).
  const generatedUsers = Math.max(userCount * rounds + 10, Math.round((mailboxTarget - 22) / 1.05));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      new URL('./bot-scale-sandbox.ts', import.meta.url).pathname,
      String(generatedUsers),
      String(profile.graph),
      String(profile.exchange),
      String(profile.sharepoint),
      String(profile.login),
      String(profile.jitter),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const ready = await new Promise<{ baseUrl: string; leavers: string[]; mailboxes: number }>(
    (resolve, reject) => {
      child.once('exit', (code) => {
        reject(new Error(`the sandbox exited (${code})`));
      });
      createInterface({ input: child.stdout }).once('line', (line) => {
        resolve(JSON.parse(line) as { baseUrl: string; leavers: string[]; mailboxes: number });
      });
    },
  );
  // The bot as users run it: `npm start` (node dist/app/main.js) in its own process, on a fresh data
  // folder (PGlite on disk), so its memory is the bot's alone; the peak is the kernel's high-water mark.
  const bot = await startBuiltBot(ready.baseUrl);
  const stub = new ConnectorStub();
  await stub.start();
  const startedAt = performance.now();
  const endpoint = `http://127.0.0.1:${bot.port}/api/messages`;
  const turns: number[] = [];
  const helpTurns: number[] = [];
  const cardReady: number[] = [];
  // Turns by round: the first is 50 first turns at once on a freshly started bot.
  const byRound: number[][] = Array.from({ length: rounds }, () => []);
  let cardTimeouts = 0;
  let next = 0;
  const send = async (user: number, text: string, roundIndex: number): Promise<void> => {
    const id = randomUUID();
    const who = requesters[user % requesters.length] ?? requesters[0];
    const started = performance.now();
    const response = await postActivity(endpoint, {
      type: 'message',
      id,
      text,
      channelId: 'msteams',
      serviceUrl: stub.url,
      timestamp: new Date().toISOString(),
      from: { id: `29:bench-${user}`, name: who?.name, aadObjectId: who?.aadObjectId },
      recipient: { id: '28:lifecycle-bot', name: 'Lifecycle' },
      conversation: { id: `a:bench-${user}`, conversationType: 'personal', tenantId },
      channelData: { tenant: { id: tenantId } },
    });
    await response.arrayBuffer();
    const turnMs = performance.now() - started;
    byRound[roundIndex]?.push(turnMs);
    if (!text.startsWith('offboard')) {
      helpTurns.push(turnMs);
      return;
    }
    turns.push(turnMs);
    await stub.updated(id, 120_000);
    const at = stub.updatedAt.get(id);
    if (at === undefined) cardTimeouts += 1;
    cardReady.push((at ?? performance.now()) - started);
  };
  await Promise.all(
    Array.from({ length: userCount }, async (_, user) => {
      for (let r = 0; r < rounds; r++) {
        await send(
          user,
          r % 2 === 0 ? 'help' : `offboard ${ready.leavers[next++ % ready.leavers.length] ?? ''}`,
          r,
        );
      }
    }),
  );
  const workloadMs = performance.now() - startedAt;
  const workloadPeak = bot.phasePeakKb();
  while (bot.inventorySummary === undefined && performance.now() - startedAt < inventoryWaitMs) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const inventoryMs = performance.now() - startedAt;
  const afterWorkloadPeak = bot.phasePeakKb();
  const overallPeak = bot.highWaterMarkKb();
  await bot.stop();
  await stub.close();
  child.kill('SIGTERM');
  const mb = (kb: number): number => round(kb / 1024, 1);
  const result = {
    users: userCount,
    rounds,
    mailboxes: ready.mailboxes,
    latencyMs: profile,
    workloadMs: round(workloadMs),
    offboardTurn: summary(turns),
    helpTurn: summary(helpTurns),
    turnByRound: byRound.map((xs, r) => ({
      round: r + 1,
      command: r % 2 === 0 ? 'help' : 'offboard',
      ...summary(xs),
    })),
    requestCardReady: { ...summary(cardReady), timedOutAfter120s: cardTimeouts },
    botProcess: 'node dist/app/main.js, fresh data folder (PGlite on disk)',
    peakRssMb: {
      atReady: mb(bot.readyRssKb),
      workload: mb(workloadPeak),
      afterWorkload: mb(afterWorkloadPeak),
      overall: mb(overallPeak),
    },
    inventory: {
      isComplete: bot.inventorySummary !== undefined,
      elapsedMs: round(inventoryMs),
      summary: bot.inventorySummary ?? null,
    },
    connectionResetsRetried: resets,
  };
  const line = (name: string, s: ReturnType<typeof summary>): string =>
    `${name} p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, max ${s.maxMs} ms (n=${s.count})`;
  process.stdout.write(
    [
      `bot at scale: ${userCount} users × ${rounds} messages, ${ready.mailboxes} mailboxes, empty inventory at start`,
      `  ${line('offboard HTTP turn', result.offboardTurn)}; ${line('help HTTP turn', result.helpTurn)}`,
      `  ${result.turnByRound.map((t) => `round ${t.round} (${t.command}) p99 ${t.p99Ms} ms`).join(', ')}`,
      `  ${line('request card ready', result.requestCardReady)}; ${cardTimeouts} not ready within 120 s`,
      `  bot process RSS ${result.peakRssMb.atReady} MB when ready; peak ${result.peakRssMb.workload} MB during the workload, ${result.peakRssMb.afterWorkload} MB after it (inventory), overall ${result.peakRssMb.overall} MB (VmHWM)`,
      `  inventory ${result.inventory.isComplete ? `complete (${bot.inventorySummary ?? ''})` : 'not complete'} after ${round(inventoryMs / 1000, 1)} s`,
      `wrote ${writeResult('bot-turn-scale', result)}`,
      '',
    ].join('\n'),
  );
}

if (mailboxTarget > 0) {
  await runScale();
  process.exit(0);
}

const sandbox = await startSandbox({
  port: 0,
  tenant: { users: userCount * rounds + 10 },
  behaviours: { latency: latencyBehaviours(profile), throttling: { enabled: true } },
});
try {
  const ids = sandbox.generated?.userIds ?? [];
  const leavers = ids.map((id) => sandbox.state.directory.getUser(id)?.userPrincipalName ?? id);
  const snapshot = sandbox.snapshot();
  const optimised = await runWorkload(sandbox, false, leavers);
  sandbox.restore(snapshot);
  const naive = await runWorkload(sandbox, true, leavers);
  const result = {
    users: userCount,
    rounds,
    latencyMs: profile,
    concurrent: {
      wallMs: round(optimised.wallMs),
      help: summary(optimised.latencies.help),
      offboard: summary(optimised.latencies.offboard),
      offboardFirstActivity: summary(optimised.latencies.offboardFirstActivity),
      offboardTurn: summary(optimised.latencies.offboardTurn),
    },
    naiveSequential: {
      users: naiveUsers,
      wallMsExtrapolated: round(naive.wallMs),
      help: summary(naive.latencies.help),
      offboard: summary(naive.latencies.offboard),
      offboardFirstActivity: summary(naive.latencies.offboardFirstActivity),
      offboardTurn: summary(naive.latencies.offboardTurn),
    },
    speedUpOfWorkload: round(naive.wallMs / optimised.wallMs, 1),
  };
  const line = (name: string, s: ReturnType<typeof summary>): string =>
    `${name} p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms (n=${s.count})`;
  process.stdout.write(
    [
      `bot turn latency, ${userCount} users at once × ${rounds} messages (graph ${profile.graph} ms, exchange ${profile.exchange} ms)`,
      `  concurrent: ${line('help', result.concurrent.help)}; ${line('offboard card', result.concurrent.offboard)}; ${line('offboard first activity', result.concurrent.offboardFirstActivity)}; ${line('offboard HTTP turn', result.concurrent.offboardTurn)}; workload ${round(optimised.wallMs / 1000, 1)} s`,
      `  naive (one message at a time, one call per system): ${line('help', result.naiveSequential.help)}; ${line('offboard card', result.naiveSequential.offboard)}; workload ${round(naive.wallMs / 1000, 1)} s`,
      `  workload speed-up ×${result.speedUpOfWorkload}`,
      `wrote ${writeResult('bot-turn', result)}`,
      '',
    ].join('\n'),
  );
} finally {
  await sandbox.close();
}

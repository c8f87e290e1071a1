/**
 * Revoke discovery on a large generated tenant: a cold permission inventory (every mailbox scanned)
 * for one user, then a warm discovery, with the sandbox's Exchange latency and throttling on.
 *
 *   npm run bench:revoke -- [--mailboxes 10000] [--scale 1] [--latency-ms 500] [--jitter-ms 200]
 *                           [--max-concurrency 32]
 *
 * Throttling uses the sandbox's documented Exchange budget (200 cmdlets per 5 s per app) times `--scale`.
 * The throttle-bound ideal is the number of calls the discovery needed divided by that rate; the ratio
 * says how close the adaptive scan came to the ceiling. Writes bench/results/revoke-discovery.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { discoverPermissions, parseRevokeInput } from '../src/core/revoke/index.js';
import { startRevokeHarness } from '../test/contract/revoke-harness.js';

const { values } = parseArgs({
  options: {
    mailboxes: { type: 'string', default: '10000' },
    scale: { type: 'string', default: '1' },
    'latency-ms': { type: 'string', default: '500' },
    'jitter-ms': { type: 'string', default: '200' },
    'max-concurrency': { type: 'string', default: '32' },
    user: { type: 'string', default: 'adele.vance@contoso.com' },
  },
});

const targetMailboxes = Number(values.mailboxes);
const scale = Number(values.scale);
const latencyMs = Number(values['latency-ms']);
const jitterMs = Number(values['jitter-ms']);
const maxConcurrency = Number(values['max-concurrency']);
for (const [name, value] of Object.entries({ targetMailboxes, scale, latencyMs, jitterMs, maxConcurrency })) {
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
}

// The generator adds one shared mailbox per 20 users on top of the named organisation (22 mailboxes).
const namedMailboxes = 22;
const users = Math.max(0, Math.round((targetMailboxes - namedMailboxes) / 1.05));
const exchangeBudget = { cmdlets: 200, windowMs: 5000 };
const allowedPerSecond = (exchangeBudget.cmdlets * scale * 1000) / exchangeBudget.windowMs;

const h = await startRevokeHarness({
  sandbox: {
    tenant: { users },
    behaviours: {
      latency: {
        exchange: { kind: 'normal', meanMs: latencyMs, jitterMs },
        login: { kind: 'normal', meanMs: 60, jitterMs: 20 },
      },
      throttling: { enabled: true, scale },
    },
  },
  // The connector's own retries are off: every 429 reaches the AIMD limiter, which owns the pacing.
  exchangeRetry: { maxRetries: 0, baseDelayMs: 500, maxDelayMs: 30_000 },
  limiter: { initialConcurrency: 4, maxConcurrency, maxAttempts: 20 },
});

interface Phase {
  wallMs: number;
  calls: number;
  callsThrottled: number;
  callsNeeded: number;
  idealMs: number;
  ratioToIdeal: number;
  permissionsFound: number;
}

async function measure(inventoryMaxStalenessMs?: number): Promise<Phase> {
  h.sandbox.requestLog.clear();
  const startedAt = performance.now();
  const discovery = await discoverPermissions(
    parseRevokeInput({ user: values.user }),
    h.deps,
    inventoryMaxStalenessMs === undefined ? {} : { inventoryMaxStalenessMs },
  );
  const wallMs = performance.now() - startedAt;
  const log = h.sandbox.requestLog.find({ service: 'exchange' });
  const callsThrottled = log.filter((entry) => entry.outcome === 'throttled').length;
  const callsNeeded = log.length - callsThrottled;
  const idealMs = (callsNeeded / allowedPerSecond) * 1000;
  return {
    wallMs: Math.round(wallMs),
    calls: log.length,
    callsThrottled,
    callsNeeded,
    idealMs: Math.round(idealMs),
    ratioToIdeal: Number((wallMs / idealMs).toFixed(3)),
    permissionsFound: discovery.permissions.length,
  };
}

try {
  const mailboxes = [...h.sandbox.state.exchange.mailboxes()].length;
  process.stdout.write(
    `tenant: ${mailboxes} mailboxes; throttle ${allowedPerSecond}/s; latency ${latencyMs}±${jitterMs} ms\n`,
  );
  const cold = await measure();
  process.stdout.write(`cold (inventory build): ${JSON.stringify(cold)}\n`);
  const limiter = h.limiter.stats();
  // Warm: a later discovery re-lists the mailboxes (new ones would be scanned) and re-reads only the
  // candidates live; no mailbox is older than the inventory's maximum age.
  const warm = await measure(0);
  process.stdout.write(`warm (stored inventory): ${JSON.stringify(warm)}\n`);
  const result = {
    benchmark: 'revoke-discovery',
    at: new Date().toISOString(),
    tenant: { mailboxes, generatedUsers: users },
    sandbox: {
      exchangeLatency: { meanMs: latencyMs, jitterMs },
      throttling: { ...exchangeBudget, scale, allowedPerSecond },
    },
    limiter: { initialConcurrency: 4, maxConcurrency, ...limiter },
    cold,
    warm,
  };
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'revoke-discovery.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`wrote ${out}\n`);
} finally {
  await h.close();
}

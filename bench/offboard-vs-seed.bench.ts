/**
 * The product's command line against a seed-style admin script, in one run against one sandbox
 * (service-like latency, the documented throttling budgets): `lifecycle offboard --from leavers.csv
 * --execute` offboards one half of the generated users, `bench/seed-style-offboard.ts` the other half,
 * one after the other (they would share the app's budgets if run at once). Each is its own process,
 * measured by /usr/bin/time (wall time, peak RSS).
 *
 *   npm run bench:offboard:seed -- [--users 150] [--scale 1] [--graph-ms 100] [--exchange-ms 500]
 *                                  [--sharepoint-ms 300] [--login-ms 60] [--jitter 0.2]
 *                                  [--option name=value]…
 *
 * `--option` is passed to the product (the batch's options, e.g. `blockMailClients=false` to compare
 * at the scope the script's comparison names); the result then goes to offboard-vs-seed-options.json.
 *
 * Throttle floor of the product: its Exchange destructive writes (answered, not throttled) less the
 * bucket's initial burst, over the allowed rate (120 per 60 s × scale): no schedule of those writes can
 * finish sooner. Reported: wall times, peak RSS, 429s per service, Exchange writes per leaver, and the
 * share of the floor. Writes bench/results/offboard-vs-seed.json.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSandbox, type RequestLogEntry } from '../src/sandbox/index.js';
import { latencyBehaviours, round, writeResult, type LatencyProfile } from './offboard-bench-support.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '150' },
    scale: { type: 'string', default: '1' },
    'graph-ms': { type: 'string', default: '100' },
    'exchange-ms': { type: 'string', default: '500' },
    'sharepoint-ms': { type: 'string', default: '300' },
    'login-ms': { type: 'string', default: '60' },
    jitter: { type: 'string', default: '0.2' },
    /** Product only (to profile it): the seed-style script is not run. */
    'product-only': { type: 'boolean', default: false },
    option: { type: 'string', multiple: true },
  },
});
const productOptions = (values.option ?? []).flatMap((pair) => ['--option', pair]);
const users = Number(values.users);
const scale = Number(values.scale);
const profile: LatencyProfile = {
  graph: Number(values['graph-ms']),
  exchange: Number(values['exchange-ms']),
  sharepoint: Number(values['sharepoint-ms']),
  login: Number(values['login-ms']),
  jitter: Number(values.jitter),
};
const destructive = { limit: 120 * scale, perSecond: (120 * scale) / 60 };

// `lifecycle` runs the built entry when there is one: build it, so the figures are of this source.
const root = new URL('..', import.meta.url).pathname;
const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) throw new Error('npm run build failed');

const sandbox = await startSandbox({
  port: 0,
  tenant: { users: 2 * users },
  behaviours: { latency: latencyBehaviours(profile), throttling: { enabled: true, scale } },
});
const dir = mkdtempSync(join(tmpdir(), 'lifecycle-bench-'));

interface Measured {
  wallMs: number;
  peakRssMb: number;
  exitCode: number;
  stdout: string;
  stderrTail: string;
}

/** Runs a command under /usr/bin/time; peak RSS (kB) and wall seconds come from its last line. */
function measured(command: string[], env: Record<string, string>): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'TIME %M %e', ...command], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const match = /TIME (\d+) ([\d.]+)\s*$/.exec(stderr);
      resolve({
        wallMs: match ? Math.round(Number(match[2]) * 1000) : Number.NaN,
        peakRssMb: match ? round(Number(match[1]) / 1024, 1) : Number.NaN,
        exitCode: code ?? -1,
        stdout,
        stderrTail: stderr.replace(/TIME .*$/, '').slice(-600),
      });
    });
  });
}

const isWrite = (e: RequestLogEntry): boolean => e.operation !== null && e.operation !== 'token.issue';

/** Requests per leaver by service and what they did (Graph path shape, Exchange cmdlet), most first. */
function perLeaver(entries: readonly RequestLogEntry[], leavers: number): Record<string, number> {
  const counts = new Map<string, number>();
  for (const e of entries) {
    const what =
      e.action ??
      e.path
        .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '{id}')
        .replace(/\/users\/[^/]+/g, '/users/{id}')
        .replace(/\/sites\/[^/]+/g, '/sites/{id}');
    const key = `${e.service} ${e.method} ${what}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Object.fromEntries(
    [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, round(n / leavers, 2)]),
  );
}

/** Exchange calls per 20 s from the first call: reads and writes, to see which one binds when. */
function exchangeTimeline(entries: readonly RequestLogEntry[]): string[] {
  const calls = entries.filter((e) => e.service === 'exchange');
  const start = Date.parse(calls[0]?.time ?? new Date().toISOString());
  const buckets: { reads: number; writes: number }[] = [];
  for (const e of calls) {
    const i = Math.floor((Date.parse(e.time) - start) / 20_000);
    for (let k = buckets.length; k <= i; k++) buckets.push({ reads: 0, writes: 0 });
    const bucket = buckets[i];
    if (bucket) bucket[isWrite(e) ? 'writes' : 'reads'] += 1;
  }
  return buckets.map((b, i) => `${i * 20}s r${b.reads} w${b.writes}`);
}

function usage(entries: readonly RequestLogEntry[], leavers: number) {
  const throttled = Object.fromEntries(
    ['graph', 'exchange', 'sharepoint'].map((s) => [
      s,
      entries.filter((e) => e.service === s && e.outcome === 'throttled').length,
    ]),
  );
  const exchangeWrites = entries.filter(
    (e) => e.service === 'exchange' && e.outcome !== 'throttled' && isWrite(e),
  ).length;
  const floorMs = Math.round(
    (Math.max(0, exchangeWrites - destructive.limit) / destructive.perSecond) * 1000,
  );
  return {
    requests: entries.length,
    requestsPerLeaver: perLeaver(entries, leavers),
    exchangeTimeline: exchangeTimeline(entries),
    throttled,
    exchangeWrites,
    exchangeWritesPerLeaver: round(exchangeWrites / leavers, 2),
    throttleFloorMs: floorMs,
  };
}

const upns = (sandbox.generated?.userIds ?? []).map(
  (id) => sandbox.state.directory.getUser(id)?.userPrincipalName ?? id,
);
const csv = (list: readonly string[]) =>
  ['upn,delegate', ...list.map((u) => `${u},megan.bowen@contoso.com`)].join('\n') + '\n';
const productCsv = join(dir, 'leavers.csv');
const seedCsv = join(dir, 'seed-leavers.csv');
writeFileSync(productCsv, csv(upns.slice(0, users)));
writeFileSync(seedCsv, csv(upns.slice(users, 2 * users)));
const certFile = join(dir, 'app.crt.pem');
const keyFile = join(dir, 'app.key.pem');
writeFileSync(certFile, sandbox.credentials.certificatePem);
writeFileSync(keyFile, sandbox.credentials.privateKeyPem, { mode: 0o600 });

try {
  const loadBefore = loadavg().map((l) => round(l, 2));
  process.stderr.write(`product: lifecycle offboard --from leavers.csv --execute (${users} leavers)…\n`);
  const productMark = sandbox.requestLog.all().at(-1)?.seq ?? 0;
  const product = await measured(
    ['node', 'bin/lifecycle.js', 'offboard', '--from', productCsv, '--execute', '--json', ...productOptions],
    {
      LIFECYCLE_MODE: 'sandbox',
      SANDBOX_URL: sandbox.baseUrl,
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'silent',
      MAX_USERS_PER_REQUEST: String(users),
      EXCHANGE_WRITES_PER_MINUTE: String(120 * scale),
      GRAPH_WRITES_PER_150_SECONDS: String(3000 * scale),
      ...(process.env['PRODUCT_NODE_OPTIONS'] && { NODE_OPTIONS: process.env['PRODUCT_NODE_OPTIONS'] }),
    },
  );
  const productUsage = usage(
    sandbox.requestLog.all().filter((e) => e.seq > productMark),
    users,
  );
  let productReport: { report?: { results?: { status: string }[] } } = {};
  try {
    productReport = JSON.parse(product.stdout) as typeof productReport;
  } catch {
    process.stderr.write(
      `product output was not JSON:\n${product.stdout.slice(0, 500)}\n${product.stderrTail}\n`,
    );
  }
  const statuses = (productReport.report?.results ?? []).map((r) => r.status);
  const loadMiddle = loadavg().map((l) => round(l, 2));
  if (values['product-only']) {
    const { wallMs, peakRssMb, exitCode } = product;
    process.stdout.write(
      `${JSON.stringify({ wallMs, peakRssMb, exitCode, statuses: statuses.length, ...productUsage }, null, 1)}\n`,
    );
    process.stderr.write(`product stderr tail:\n${product.stderrTail}\n`);
    process.exit(exitCode === 0 ? 0 : 1);
  }

  process.stderr.write(`seed-style script (${users} leavers)…\n`);
  const seedMark = sandbox.requestLog.all().at(-1)?.seq ?? 0;
  const seed = await measured(
    [
      'node',
      '--import',
      'tsx',
      'bench/seed-style-offboard.ts',
      '--csv',
      seedCsv,
      '--sandbox',
      sandbox.baseUrl,
      '--tenant',
      sandbox.credentials.tenantId,
      '--client-id',
      sandbox.credentials.clientId,
      '--cert-file',
      certFile,
      '--key-file',
      keyFile,
    ],
    {},
  );
  const seedUsage = usage(
    sandbox.requestLog.all().filter((e) => e.seq > seedMark),
    users,
  );
  const seedOut = JSON.parse(seed.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
  const loadAfter = loadavg().map((l) => round(l, 2));

  const result = {
    users,
    latencyMs: profile,
    throttlingScale: scale,
    loadAverage: { before: loadBefore, betweenRuns: loadMiddle, after: loadAfter },
    product: {
      command: ['lifecycle offboard --from leavers.csv --execute', ...productOptions].join(' '),
      wallMs: product.wallMs,
      peakRssMb: product.peakRssMb,
      exitCode: product.exitCode,
      completed: statuses.filter((s) => s === 'completed').length,
      notCompleted: statuses.filter((s) => s !== 'completed').length,
      ...productUsage,
      shareOfThrottleFloor: round(productUsage.throttleFloorMs / product.wallMs, 3),
    },
    seedStyle: {
      command: 'tsx bench/seed-style-offboard.ts',
      wallMs: seed.wallMs,
      peakRssMb: seed.peakRssMb,
      exitCode: seed.exitCode,
      ...seedOut,
      ...seedUsage,
    },
    speedUpOfProduct: round(seed.wallMs / product.wallMs, 2),
  };
  const seconds = (ms: number) => round(ms / 1000, 1);
  process.stdout.write(
    [
      `${users} leavers each (throttling ×${scale}; graph ${profile.graph} ms, exchange ${profile.exchange} ms, sharepoint ${profile.sharepoint} ms); load average ${loadBefore.join(' ')} → ${loadAfter.join(' ')}`,
      `  product: ${seconds(product.wallMs)} s, peak RSS ${product.peakRssMb} MB, ${result.product.completed} completed / ${result.product.notCompleted} not; 429s ${JSON.stringify(productUsage.throttled)}; ${productUsage.exchangeWritesPerLeaver} Exchange writes per leaver; floor ${seconds(productUsage.throttleFloorMs)} s → ${round(result.product.shareOfThrottleFloor * 100, 1)} % of the floor`,
      `  seed-style: ${seconds(seed.wallMs)} s, peak RSS ${seed.peakRssMb} MB, ${String(seedOut['done'])} done, ${String(seedOut['errors'])} call errors ${JSON.stringify(seedOut['errorsByStep'])} ${JSON.stringify(seedOut['firstErrors'])}; 429s ${JSON.stringify(seedUsage.throttled)}; ${seedUsage.exchangeWritesPerLeaver} Exchange writes per leaver`,
      `  product ×${result.speedUpOfProduct} the seed-style script's speed`,
      `wrote ${writeResult(productOptions.length > 0 ? 'offboard-vs-seed-options' : 'offboard-vs-seed', result)}`,
      '',
    ].join('\n'),
  );
  if (product.exitCode !== 0) process.stderr.write(`product stderr tail:\n${product.stderrTail}\n`);
} finally {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Incident mode against the sandbox with service-like latency and the documented throttling: from the
 * responder's Approve click to the last system cut off, over N runs, the time to the first session
 * revocation, which system took longest (checked against what the timeline card says), and the
 * process's peak RSS. Two cases:
 *
 * - `cloud`: Adele Vance as seeded, cloud-only, with Intune devices, sign-in methods and rights on
 *   other mailboxes;
 * - `synced`: the same Adele made a synced user (directory sync on, paired with a fresh account in a
 *   real Samba AD domain controller over LDAPS, see test/support/samba.ts), so the plan also resets the
 *   AD password and disables the AD account. Samba answers on loopback without added latency.
 *
 *   npm run bench:contain -- [--case both|cloud|synced] [--runs 10] [--graph-ms 100]
 *                            [--exchange-ms 500] [--sharepoint-ms 300] [--login-ms 60] [--jitter 0.2]
 *
 * Each run starts from the same sandbox snapshot with fresh services (store, tokens, inventory) and,
 * for `synced`, a fresh AD account, so no run benefits from the one before. Before the click, the
 * request is prepared and planned exactly as `contain <upn>` does to show the approval card; the click
 * goes through the bot (TestAdapter, the route guard, the request service, the RunService). Times are
 * read from the run's journal (the process clock) against the click. Writes bench/results/contain.json
 * and bench/results/contain-synced.json.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EqualityFilter } from 'ldapts';
import type { Principal } from '../src/core/model.js';
import { buildContainTimeline, type ContainTimeline } from '../src/core/contain/contain-timeline.js';
import { seeded, startSandbox, type Sandbox, type TenantSnapshot } from '../src/sandbox/index.js';
import { botDriver, personas, tenantId } from '../test/support/bot-harness.js';
import type { RecordingGateway } from '../test/support/recording-gateway.js';
import type { SambaDc } from '../test/support/samba.js';
import {
  defaultLatency,
  latencyBehaviours,
  percentile,
  round,
  startServices,
  writeResult,
  type LatencyProfile,
} from './offboard-bench-support.js';

const { values } = parseArgs({
  options: {
    case: { type: 'string', default: 'both' },
    runs: { type: 'string', default: '10' },
    'graph-ms': { type: 'string', default: String(defaultLatency.graph) },
    'exchange-ms': { type: 'string', default: String(defaultLatency.exchange) },
    'sharepoint-ms': { type: 'string', default: String(defaultLatency.sharepoint) },
    'login-ms': { type: 'string', default: String(defaultLatency.login) },
    jitter: { type: 'string', default: '0.2' },
  },
});
if (!['both', 'cloud', 'synced'].includes(values.case)) {
  throw new Error(`--case is both, cloud or synced, not ${values.case}`);
}
const profile: LatencyProfile = {
  graph: Number(values['graph-ms']),
  exchange: Number(values['exchange-ms']),
  sharepoint: Number(values['sharepoint-ms']),
  login: Number(values['login-ms']),
  jitter: Number(values.jitter),
};
const runCount = Math.max(1, Number(values.runs));
const leaverUpn = 'adele.vance@contoso.com';
const ACCOUNTDISABLE = 0x2;

const responder: Principal = {
  aadObjectId: personas.operator.aadObjectId,
  tenantId,
  displayName: personas.operator.name,
};

interface RunFigures {
  status: string;
  clickToLastCutOffMs: number;
  firstSessionRevocationMs: number;
  longest: string;
  /** The "Took longest" fact of the timeline card posted by the bot. */
  cardLongest: string;
  systems: Record<string, number | null>;
  steps: number;
}

/** What a case adds around each run: the arrangement before it, the env, the check after it. */
interface CaseSetup {
  env: Record<string, string>;
  arrange(sandbox: Sandbox): Promise<void>;
  check(): Promise<void>;
  cleanUp(): Promise<void>;
}

/** The "Took longest" fact of the timeline card the bot posted. */
function longestOnCard(gateway: RecordingGateway): string {
  const card = gateway.messages
    .map((m) => gateway.cardOf(m))
    .find((c) => JSON.stringify(c ?? {}).includes('Containment timeline of'));
  if (!card) throw new Error('the bot posted no containment timeline card');
  const facts = (card['body'] as { type?: string; facts?: { title: string; value: string }[] }[])
    .filter((b) => b.type === 'FactSet')
    .flatMap((b) => b.facts ?? []);
  const fact = facts.find((f) => f.title === 'Took longest');
  if (!fact) throw new Error('the timeline card has no "Took longest" fact');
  return fact.value;
}

async function oneRun(sandbox: Sandbox, snapshot: TenantSnapshot, setup: CaseSetup): Promise<RunFigures> {
  sandbox.restore(snapshot);
  await setup.arrange(sandbox);
  const bench = await startServices(sandbox, {
    INCIDENT_RESPONDER_GROUP_IDS: seeded.groups.lifecycleRequesters,
    ...setup.env,
  });
  try {
    const { deps, store } = bench.services;
    const contain = deps.contain;
    if (!contain) throw new Error('contain is not wired');
    const prepared = await contain.prepare(responder, leaverUpn);
    if (prepared.kind !== 'ready') throw new Error(`${leaverUpn}: ${prepared.kind}`);
    // What `contain <upn>` does for the approval card before anyone can click.
    await contain.preview(prepared.request);
    const driver = botDriver(bench.services.app);
    const clickedAt = Date.now();
    const { body } = await driver.click(personas.operator2, 'request.approve', {
      requestId: prepared.request.id,
      version: prepared.request.version,
    });
    if (body?.type !== 'application/vnd.microsoft.card.adaptive')
      throw new Error(`approve refused: ${JSON.stringify(body)}`);
    await bench.services.coordinator.idle();
    const request = await store.requests.get(prepared.request.id);
    const run = request?.runId ? await store.runs.get(request.runId) : null;
    if (!request || !run) throw new Error('no run');
    const journal = await store.journal.list(run.id);
    const timeline: ContainTimeline = buildContainTimeline(
      run.plan,
      journal,
      new Date(clickedAt).toISOString(),
    );
    if (!timeline.isComplete)
      process.stderr.write(`not every system was cut off: ${JSON.stringify(timeline.systems)}\n`);
    // The card counts from the approval the store recorded, the bench from the click: the system
    // named must be the same one.
    const cardLongest = longestOnCard(bench.gateway);
    if (!timeline.longest || !cardLongest.startsWith(`${timeline.longest} (+`)) {
      throw new Error(`the card says "${cardLongest}" took longest; the journal says ${timeline.longest}`);
    }
    await setup.check();
    return {
      status: request.state,
      clickToLastCutOffMs: Math.max(...timeline.systems.map((s) => s.elapsedMs ?? 0)),
      firstSessionRevocationMs: timeline.firstSessionRevocation?.elapsedMs ?? Number.NaN,
      longest: timeline.longest,
      cardLongest,
      systems: Object.fromEntries(
        timeline.systems.map((s) => [s.name, s.isCutOff ? (s.elapsedMs ?? null) : null]),
      ),
      steps: run.plan.steps.length,
    };
  } finally {
    await bench.close();
    await setup.cleanUp();
  }
}

const cloudCase: CaseSetup = {
  env: {},
  arrange: () => Promise.resolve(),
  check: () => Promise.resolve(),
  cleanUp: () => Promise.resolve(),
};

/** Adele made a synced user, paired with a fresh account in the Samba DC for each run. */
async function syncedCase(): Promise<CaseSetup | { skipReason: string }> {
  // Imported here: loading the AD fixtures starts (or finds) the Samba DC.
  const ad = await import('../test/system/ad/ad-fixtures.js');
  const dc: SambaDc | undefined = ad.started.dc;
  if (!dc) return { skipReason: ad.started.skipReason ?? 'the Samba DC did not start' };
  const caFile = join(mkdtempSync(join(tmpdir(), 'lifecycle-ca-')), 'ca.pem');
  writeFileSync(caFile, dc.caPem);
  let current: Awaited<ReturnType<typeof ad.createTestUser>> | undefined;
  return {
    env: {
      AD_URL: dc.url,
      AD_BIND_DN: dc.bindDn,
      AD_BIND_PASSWORD: dc.bindPassword,
      AD_BASE_DN: dc.baseDn,
      AD_DISABLED_OU: dc.disabledOuDn,
      AD_CA_FILE: caFile,
      AD_TLS_SERVER_NAME: dc.tlsServerName,
    },
    async arrange(sandbox) {
      current = await ad.createTestUser(dc, { cn: 'Contained Leaver' });
      const userId = seeded.users.adeleVance;
      sandbox.state.directory.updateUser(userId, {
        onPremisesSyncEnabled: true,
        onPremisesSamAccountName: current.sAMAccountName,
        onPremisesDistinguishedName: current.dn,
        onPremisesDomainName: 'lifecycle.test',
        onPremisesImmutableId: Buffer.from(current.sAMAccountName).toString('base64'),
      });
      sandbox.state.exchange.updateMailbox(userId, { isDirSynced: true });
    },
    async check() {
      if (!current) throw new Error('no AD account');
      const sam = current.sAMAccountName;
      const uac = await ad.withAdmin(dc, async (client) => {
        const { searchEntries } = await client.search(dc.baseDn, {
          filter: new EqualityFilter({ attribute: 'sAMAccountName', value: sam }),
          attributes: ['userAccountControl'],
        });
        return Number(searchEntries[0]?.['userAccountControl']);
      });
      if ((uac & ACCOUNTDISABLE) === 0) throw new Error(`the AD account ${sam} is still enabled`);
    },
    async cleanUp() {
      if (current) await ad.deleteTestUsers(dc, [current]);
      current = undefined;
    },
  };
}

function report(name: string, userKind: string, runs: RunFigures[]) {
  const total = runs.map((r) => r.clickToLastCutOffMs);
  const first = runs.map((r) => r.firstSessionRevocationMs);
  const longestCounts: Record<string, number> = {};
  for (const r of runs) longestCounts[r.longest] = (longestCounts[r.longest] ?? 0) + 1;
  const result = {
    user: leaverUpn,
    userKind,
    latencyMs: profile,
    throttling: 'documented budgets (scale 1)',
    runs: runs.length,
    statuses: [...new Set(runs.map((r) => r.status))],
    steps: runs[0]?.steps,
    clickToLastCutOffMs: {
      p50: round(percentile(total, 50)),
      p99: round(percentile(total, 99)),
      max: round(Math.max(...total)),
    },
    firstSessionRevocationMs: {
      p50: round(percentile(first, 50)),
      p99: round(percentile(first, 99)),
      max: round(Math.max(...first)),
    },
    longestSystem: longestCounts,
    cardNamesLongest: runs.every((r) => r.cardLongest.startsWith(`${r.longest} (+`)),
    perRun: runs,
    peakRssMb: round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(
    [
      `containment of ${leaverUpn}, ${userKind} (${result.steps} steps; graph ${profile.graph} ms, exchange ${profile.exchange} ms, jitter ${profile.jitter}), ${runs.length} runs`,
      `  approve click → last system cut off: p50 ${result.clickToLastCutOffMs.p50} ms, p99 ${result.clickToLastCutOffMs.p99} ms (targets 30 s / 60 s)`,
      `  approve click → first session revocation: p50 ${result.firstSessionRevocationMs.p50} ms, p99 ${result.firstSessionRevocationMs.p99} ms (target 2 s)`,
      `  took longest: ${Object.entries(longestCounts)
        .map(([k, v]) => `${k} ×${v}`)
        .join(', ')}; the timeline card names it in every run: ${result.cardNamesLongest}`,
      `  statuses: ${result.statuses.join(', ')}; peak RSS so far ${result.peakRssMb} MB`,
      `wrote ${writeResult(name, result)}`,
      '',
    ].join('\n'),
  );
}

const sandbox = await startSandbox({
  port: 0,
  behaviours: { latency: latencyBehaviours(profile), throttling: { enabled: true } },
});
const snapshot = sandbox.snapshot();
try {
  if (values.case !== 'synced') {
    const runs: RunFigures[] = [];
    for (let i = 0; i < runCount; i++) runs.push(await oneRun(sandbox, snapshot, cloudCase));
    report('contain', 'cloud-only, with Intune devices, sign-in methods and rights on other mailboxes', runs);
  }
  if (values.case !== 'cloud') {
    const setup = await syncedCase();
    if ('skipReason' in setup) {
      process.stdout.write(`synced case not run: ${setup.skipReason}\n`);
      writeResult('contain-synced', { skipped: setup.skipReason });
    } else {
      const runs: RunFigures[] = [];
      for (let i = 0; i < runCount; i++) runs.push(await oneRun(sandbox, snapshot, setup));
      report(
        'contain-synced',
        'synced from on-premises AD (Samba DC over LDAPS), with Intune devices, sign-in methods and rights on other mailboxes',
        runs,
      );
    }
  }
} finally {
  await sandbox.close();
}

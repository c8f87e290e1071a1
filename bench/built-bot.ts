/**
 * The bot as users run it (`npm run build && npm start`: node dist/app/main.js) in its own process,
 * in sandbox mode against a running sandbox tenant, on a fresh data folder. Builds dist/ first. Its
 * memory is read from /proc: VmRSS sampled every 100 ms for per-phase peaks, VmHWM (the kernel's
 * high-water mark) for the overall peak. Its log is read for the permission inventory's completion.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createServer } from 'node:net';

const root = new URL('..', import.meta.url).pathname;

export interface BuiltBot {
  port: number;
  /** VmRSS when /readyz first answered. */
  readyRssKb: number;
  /** The one-line result of the first finished permission-inventory job, once there is one. */
  inventorySummary: string | undefined;
  /** The highest VmRSS sampled since the last call (or since ready). */
  phasePeakKb(): number;
  /** VmHWM: the process's peak resident set. */
  highWaterMarkKb(): number;
  stop(): Promise<void>;
}

function status(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

export async function startBuiltBot(sandboxUrl: string, env: Record<string, string> = {}): Promise<BuiltBot> {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'lifecycle-bench-bot-'));
  // BENCH_CPU_PROF_DIR=<dir>: the bot writes a V8 CPU profile there when it stops (where the time went).
  const profileDir = process.env['BENCH_CPU_PROF_DIR'];
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, join(root, 'dist/app/main.js')], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      LIFECYCLE_MODE: 'sandbox',
      SANDBOX_URL: sandboxUrl,
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      TENANT_READS_PER_MINUTE: '10000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the bot did not start');
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const bot: BuiltBot = {
    port,
    readyRssKb: 0,
    inventorySummary: undefined,
    phasePeakKb: () => {
      const peak = phasePeak;
      phasePeak = exited ? 0 : status(pid, 'VmRSS');
      return peak;
    },
    highWaterMarkKb: () => (exited ? 0 : status(pid, 'VmHWM')),
    stop: async () => {
      clearInterval(sampler);
      if (!exited) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  let phasePeak = 0;
  const sampler = setInterval(() => {
    if (!exited) phasePeak = Math.max(phasePeak, status(pid, 'VmRSS'));
  }, 100);
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      const entry = JSON.parse(line) as { msg?: string; job?: string; summary?: string };
      if (entry.msg === 'scheduled job finished' && entry.job === 'revoke.inventory') {
        bot.inventorySummary ??= entry.summary ?? '';
      }
    } catch {
      // Not a log line.
    }
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited) throw new Error('the bot exited before it was ready');
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error('the bot was not ready within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  bot.readyRssKb = status(pid, 'VmRSS');
  phasePeak = bot.readyRssKb;
  return bot;
}

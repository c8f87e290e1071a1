/**
 * The `npm run dev` stack for end-to-end tests: the sandbox, the bot in sandbox mode (real
 * CloudAdapter, real connectors, PGlite) and the Microsoft 365 Agents Playground as the Teams
 * client, each on a free port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/app/config.js';
import { playgroundMemberIds } from '../../src/app/playground-persona.js';
import { startBot, type RunningBot } from '../../src/app/wiring.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';

export interface DevStack {
  sandbox: Sandbox;
  bot: RunningBot;
  playgroundUrl: string;
  close(): Promise<void>;
}

export interface DevStackOptions {
  behaviours?: SandboxOptions['behaviours'];
  /** Extra bot environment (AD_* for the Samba DC, policy overrides…). */
  env?: Record<string, string>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
    server.once('error', reject);
  });
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`${url}/_debug/ping`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`The playground did not start at ${url}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function playgroundCli(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('@microsoft/m365agentsplayground/package.json');
  const pkg = require(pkgPath) as { bin: Record<string, string> };
  return join(dirname(pkgPath), pkg.bin['agentsplayground'] ?? 'cli.js');
}

export async function startDevStack(options: DevStackOptions = {}): Promise<DevStack> {
  const sandbox = await startSandbox({
    port: 0,
    ...(options.behaviours !== undefined && { behaviours: options.behaviours }),
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'lifecycle-e2e-'));
  const config = loadConfig({
    LIFECYCLE_MODE: 'sandbox',
    SANDBOX_URL: sandbox.baseUrl,
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const root = join(import.meta.dirname, '../..');
  const bot = await startBot(config, {
    logger: pino({ level: process.env['E2E_LOG_LEVEL'] ?? 'silent' }),
    chatMemberIds: playgroundMemberIds(join(root, '.m365agentsplayground.yml')),
  });
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      playgroundCli(),
      '-e',
      `http://127.0.0.1:${bot.port}/api/messages`,
      '-c',
      'msteams',
      '-p',
      String(port),
      '--disable-telemetry',
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: 'none',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: join(root, '.m365agentsplayground.yml'),
        M365_AGENTS_PLAYGROUND_LOGFILE: join(dataDir, 'playground.log'),
      },
      stdio: 'ignore',
    },
  );
  const playgroundUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForPing(playgroundUrl, 90_000);
  } catch (error) {
    child.kill('SIGKILL');
    await bot.close();
    await sandbox.close();
    throw error;
  }
  return {
    sandbox,
    bot,
    playgroundUrl,
    async close() {
      child.kill('SIGTERM');
      await bot.close();
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

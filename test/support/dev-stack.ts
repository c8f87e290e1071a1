/**
 * The `npm run dev` stack for end-to-end tests: the sandbox, the bot in sandbox mode (real
 * CloudAdapter, real connectors, PGlite) and the Microsoft 365 Agents Playground as the Teams
 * client, each on a free port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/app/config.js';
import { playgroundConfigFor, playgroundMemberIds } from '../../src/app/playground-persona.js';
import { startBot, type RunningBot } from '../../src/app/wiring.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';

export interface DevStack {
  sandbox: Sandbox;
  bot: RunningBot;
  playgroundUrl: string;
  /**
   * Starts one more playground against the same bot, signed in as another persona of
   * `.m365agentsplayground.yml` (as `PLAYGROUND_USER` does for `npm run dev`): that person's own Teams
   * client, which streams their 1:1 chat with the bot. Stopped with the stack. Returns its URL.
   */
  startPlaygroundAs(userPrincipalName: string): Promise<string>;
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

/** Starts the playground with a config, on a free port, against the bot; resolves once it answers. */
async function startPlayground(
  root: string,
  botPort: number,
  configPath: string,
  logFile: string,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      playgroundCli(),
      '-e',
      `http://127.0.0.1:${botPort}/api/messages`,
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
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
        M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
      },
      stdio: 'ignore',
    },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForPing(url, 90_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { url, child };
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
  const configPath = join(root, '.m365agentsplayground.yml');
  const bot = await startBot(config, {
    logger: pino({ level: process.env['E2E_LOG_LEVEL'] ?? 'silent' }),
    chatMemberIds: playgroundMemberIds(configPath),
  });
  const children: ChildProcess[] = [];
  let playgroundUrl: string;
  try {
    const main = await startPlayground(root, bot.port, configPath, join(dataDir, 'playground.log'));
    children.push(main.child);
    playgroundUrl = main.url;
  } catch (error) {
    await bot.close();
    await sandbox.close();
    throw error;
  }
  return {
    sandbox,
    bot,
    playgroundUrl,
    async startPlaygroundAs(userPrincipalName) {
      const dir = join(dataDir, `playground-${String(children.length)}`);
      mkdirSync(dir);
      const persona = playgroundConfigFor(root, userPrincipalName, dir);
      const started = await startPlayground(root, bot.port, persona, join(dir, 'playground.log'));
      children.push(started.child);
      return started.url;
    },
    async close() {
      for (const child of children) child.kill('SIGTERM');
      await bot.close();
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

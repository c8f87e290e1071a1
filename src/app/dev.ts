/**
 * `npm run dev`: the sandbox tenant, the bot in sandbox mode (PGlite data folder) and the Microsoft 365
 * Agents Playground, in one command. Ctrl-C stops everything. Ports: bot 3978, playground 56150,
 * sandbox 4010 (PORT, PLAYGROUND_PORT, SANDBOX_PORT override them). PLAYGROUND_USER=<upn> starts the
 * playground as another persona (the approver, the manager).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startSandbox } from '../sandbox/index.js';
import { loadConfig } from './config.js';
import { playgroundConfigFor, playgroundMemberIds } from './playground-persona.js';
import { createLogger } from './logger.js';
import { startBot } from './wiring.js';

const env = process.env;
const logger = createLogger(env['LOG_LEVEL'] ?? 'info');
const sandboxPort = Number(env['SANDBOX_PORT'] ?? 4010);
const playgroundPort = Number(env['PLAYGROUND_PORT'] ?? 56150);

const sandbox = await startSandbox({
  port: sandboxPort,
  behaviours: env['SANDBOX_BEHAVIOURS'] === 'off' ? 'off' : 'realistic',
  logger: logger.child({ component: 'sandbox' }),
});
const config = loadConfig({ ...env, LIFECYCLE_MODE: 'sandbox', SANDBOX_URL: sandbox.baseUrl });

const require = createRequire(import.meta.url);
const playgroundPackage = require.resolve('@microsoft/m365agentsplayground/package.json');
const playgroundBin = join(
  dirname(playgroundPackage),
  (require(playgroundPackage) as { bin: Record<string, string> }).bin['agentsplayground'] ?? 'dist/cli.js',
);
const projectRoot = join(import.meta.dirname, '../..');
const configPath = playgroundConfigFor(
  projectRoot,
  env['PLAYGROUND_USER'],
  mkdtempSync(join(tmpdir(), 'lifecycle-playground-')),
);
// The delegate's notice opens a 1:1 chat: the playground knows its personas by their configured ids.
const bot = await startBot(config, { logger, chatMemberIds: playgroundMemberIds(configPath) });
const playground = spawn(
  process.execPath,
  [
    playgroundBin,
    '-e',
    `http://127.0.0.1:${bot.port}/api/messages`,
    '-c',
    'msteams',
    '-p',
    String(playgroundPort),
    '--disable-telemetry',
  ],
  {
    stdio: 'inherit',
    cwd: projectRoot,
    env: {
      ...env,
      TEAMSAPPTESTER_BROWSER: env['TEAMSAPPTESTER_BROWSER'] ?? 'none',
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
    },
  },
);

logger.info(
  {
    bot: `http://127.0.0.1:${bot.port}/api/messages`,
    sandbox: sandbox.baseUrl,
    playground: `http://localhost:${playgroundPort}`,
  },
  `Ready: open http://localhost:${playgroundPort} and type "offboard adele.vance@contoso.com"`,
);

let isStopping = false;
const stop = (): void => {
  if (isStopping) return;
  isStopping = true;
  playground.kill('SIGTERM');
  void bot
    .close()
    .then(() => sandbox.close())
    .then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
playground.once('exit', (code) => {
  if (!isStopping) {
    logger.error({ code }, 'the playground stopped');
    stop();
  }
});

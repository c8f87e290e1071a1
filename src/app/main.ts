/** Production entry point: `node dist/app/main.js` (or `npm start`). */
// First: V8's heap settings apply before anything large is allocated.
import './heap-mode.js';
import './baseline-wasm.js';
import './eager-baseline-js.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startBot } from './wiring.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const bot = await startBot(config, { logger });
  const stop = (signal: string): void => {
    logger.info({ signal }, 'stopping');
    void bot.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => {
    stop('SIGINT');
  });
  process.once('SIGTERM', () => {
    stop('SIGTERM');
  });
}

await main();

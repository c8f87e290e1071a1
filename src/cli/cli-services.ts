/**
 * The services of a subcommand that acts on the tenant: the configuration from the environment, logs
 * on stderr and quieter than the bot's (stdout keeps only the plan and the report), the CLI operator as
 * the actor (it holds the app's own rights), and a clean shutdown however the work ends.
 */
import { userInfo } from 'node:os';
import { pino } from 'pino';
import { loadConfig, type AppConfig } from '../app/config.js';
import { createCoreServices, type CoreServices } from '../app/wiring.js';
import type { Principal } from '../core/model.js';

export interface CliSession {
  config: AppConfig;
  services: CoreServices;
  operator: Principal;
}

/** `quietLevel` replaces the default `info` level; an explicit LOG_LEVEL is kept. */
export async function withCliServices<T>(
  quietLevel: 'warn' | 'error',
  work: (session: CliSession) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const logger = pino(
    { level: config.logLevel === 'info' ? quietLevel : config.logLevel },
    pino.destination(2),
  );
  const services = await createCoreServices(config, { logger });
  try {
    const operator: Principal = {
      aadObjectId: `cli:${userInfo().username}`,
      tenantId: config.tenant.id,
      displayName: `lifecycle CLI (${userInfo().username})`,
    };
    return await work({ config, services, operator });
  } finally {
    await services.coordinator.idle();
    await services.writeBudgets.flush();
    await services.store.close();
  }
}

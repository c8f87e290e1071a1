/**
 * `npm run sandbox`: runs the simulated tenant as its own process. This entry point reads its own
 * environment: SANDBOX_PORT (default 4010), SANDBOX_HOST (127.0.0.1), SANDBOX_SEED (1),
 * SANDBOX_BEHAVIOURS ('off' | 'realistic', default 'realistic'), SANDBOX_USERS (generated users, default 0).
 */
import { pino } from 'pino';
import { startSandbox } from './sandbox.js';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${raw}'`);
  return n;
}

const logger = pino({ name: 'sandbox' });
const mode = process.env['SANDBOX_BEHAVIOURS'] ?? 'realistic';
if (mode !== 'off' && mode !== 'realistic')
  throw new Error(`SANDBOX_BEHAVIOURS must be 'off' or 'realistic', got '${mode}'`);

const sandbox = await startSandbox({
  port: intFromEnv('SANDBOX_PORT', 4010),
  host: process.env['SANDBOX_HOST'] ?? '127.0.0.1',
  seed: intFromEnv('SANDBOX_SEED', 1),
  behaviours: mode,
  tenant: { users: intFromEnv('SANDBOX_USERS', 0) },
  logger,
});
logger.info({ urls: sandbox.urls }, 'sandbox ready');

const stop = (): void => {
  void sandbox.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

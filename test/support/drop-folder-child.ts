/**
 * The joiners drop-folder crash test's worker process: the bot's services (real connectors against
 * the parent's sandbox, the embedded store in a data folder) read the drop folder once. With
 * killAt > 0 it SIGKILLs itself just before storing the killAt-th row's result, so that row's
 * provisioning has run but its fate is not recorded; file claims last `claimMs`.
 *   <dataDir> <sandboxUrl> <mappingFile> <folder> <killAt> <claimMs>
 */
import { pino } from 'pino';
import { loadConfig } from '../../src/app/config.js';
import { createServices } from '../../src/app/wiring.js';
import { systemClock } from '../../src/core/ports/clock.js';
import { JoinersDropFolder } from '../../src/core/provision/joiners-drop-folder.js';
import { openStore } from '../../src/store/index.js';
import { itChannelId } from '../contract/provision-harness.js';
import { RecordingGateway } from './recording-gateway.js';

const [dataDir = '', sandboxUrl = '', mappingFile = '', folder = '', killAtText = '0', claimMsText = ''] =
  process.argv.slice(2);
const killAt = Number(killAtText);

const store = await openStore({ dataDir });
const set = store.state.set.bind(store.state);
let results = 0;
store.state.set = async (key, value) => {
  const isRowResult = key.includes(':row:') && (value as { phase?: unknown } | null)?.phase === 'done';
  if (isRowResult && ++results === killAt) process.kill(process.pid, 'SIGKILL');
  await set(key, value);
};
const config = loadConfig({
  LIFECYCLE_MODE: 'sandbox',
  SANDBOX_URL: sandboxUrl,
  PORT: '0',
  LOG_LEVEL: 'silent',
  PROVISIONING_CONFIG_FILE: mappingFile,
  IT_CHANNEL_CONVERSATION_ID: itChannelId,
});
const services = await createServices(config, {
  store,
  gateway: new RecordingGateway(),
  logger: pino({ level: 'silent' }),
});
if (!services.provisioning) throw new Error('provisioning was not built');
const dropFolder = new JoinersDropFolder(
  {
    store,
    clock: systemClock,
    log: services.logger,
    batch: services.provisioning.batch,
    policy: services.deps.policy,
    requester: {
      aadObjectId: 'joiners.drop-folder',
      tenantId: config.tenant.id,
      displayName: 'Joiners drop folder',
    },
  },
  { folder, schedule: '* * * * *', settleMs: 0, claimMs: Number(claimMsText) },
);
await dropFolder.run();
await services.coordinator.idle();
await store.close();
process.exit(0);

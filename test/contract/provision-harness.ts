/**
 * Provisioning wired as in production (createServices: real connectors against an in-process sandbox,
 * the store on in-memory PGlite, the provisioning services built from a mapping file), plus two things
 * the simulated tenant needs from the outside: joiners that appear in Entra ID (the directory sync),
 * and Exchange Online creating a mailbox after an Exchange licence is assigned.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/app/config.js';
import { createServices, type Services } from '../../src/app/wiring.js';
import type { Store } from '../../src/core/ports/store.js';
import type { ProvisioningServices } from '../../src/app/provisioning-wiring.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { makeMailbox, makeUser, type UserSpec } from '../../src/sandbox/seed/builders.js';
import { openMemoryStore, openStore } from '../../src/store/index.js';
import { RecordingGateway } from '../support/recording-gateway.js';

export const itChannelId = '19:it-channel@thread.tacv2';

/** The sandbox mapping with test-sized waits, written to a temporary file. */
export function writeTestMapping(overrides: Record<string, unknown> = {}): string {
  const base = JSON.parse(
    readFileSync(join(import.meta.dirname, '../../config/provisioning.sandbox.json'), 'utf8'),
  ) as Record<string, unknown>;
  const mapping = {
    ...base,
    mailbox: { pollSeconds: 0.05 },
    pending: { horizonHours: 1, firstRetryMinutes: 0.001, maxRetryMinutes: 0.002, pollSeconds: 3600 },
    ...overrides,
  };
  const dir = mkdtempSync(join(tmpdir(), 'provisioning-'));
  const path = join(dir, 'provisioning.json');
  writeFileSync(path, JSON.stringify(mapping));
  return path;
}

export interface ProvisionHarness {
  sandbox: Sandbox;
  store: Store;
  services: Services;
  provisioning: ProvisioningServices;
  gateway: RecordingGateway;
  /** A joiner appears in Entra ID (as directory sync would create them). */
  addJoiner(spec: Omit<UserSpec, 'id'> & { id?: string }): string;
  close(): Promise<void>;
}

let joinerCount = 0;

export async function startProvisionHarness(
  options: {
    sandbox?: SandboxOptions;
    mapping?: Record<string, unknown>;
    mailboxDelayMs?: number;
    env?: Record<string, string>;
    /** Changes to the tenant before the services start (the mapping is validated against its SKUs). */
    prepare?: (sandbox: Sandbox) => void;
    /** A PGlite data folder (to reopen the same store after a restart); default in memory. */
    dataDir?: string;
  } = {},
): Promise<ProvisionHarness> {
  const sandbox = await startSandbox({ port: 0, ...options.sandbox });
  options.prepare?.(sandbox);
  const store = options.dataDir ? await openStore({ dataDir: options.dataDir }) : await openMemoryStore();
  const gateway = new RecordingGateway();
  const config = loadConfig({
    LIFECYCLE_MODE: 'sandbox',
    SANDBOX_URL: sandbox.baseUrl,
    PORT: '0',
    LOG_LEVEL: 'silent',
    PROVISIONING_CONFIG_FILE: writeTestMapping(options.mapping),
    IT_CHANNEL_CONVERSATION_ID: itChannelId,
    ...options.env,
  });
  const services = await createServices(config, { store, gateway, logger: pino({ level: 'silent' }) });
  if (!services.provisioning) throw new Error('provisioning was not built');
  await store.conversations.save(`conversation:${itChannelId}`, {
    conversation: {
      id: itChannelId,
      isGroup: true,
      conversationType: 'channel',
      tenantId: sandbox.tenant.tenantId,
    },
    serviceUrl: 'https://smba.example.test/teams/',
    channelId: 'msteams',
  });
  const stopMailboxes = simulateMailboxProvisioning(sandbox, options.mailboxDelayMs ?? 0);
  const provisioning = services.provisioning;
  return {
    sandbox,
    store,
    services,
    provisioning,
    gateway,
    addJoiner(spec) {
      const id = spec.id ?? `20000000-0000-4000-8000-${String(++joinerCount).padStart(12, '0')}`;
      sandbox.state.seed((t) => {
        t.directory.addUser(makeUser(t.info, { ...spec, id }));
      });
      return id;
    },
    async close() {
      stopMailboxes();
      await provisioning.background.idle();
      await services.coordinator.idle();
      await store.close();
      await sandbox.close();
    },
  };
}

/**
 * Exchange Online creates a mailbox some time after a licence with an Exchange plan is assigned; the
 * sandbox does not, so this watcher does it for users whose effective licences carry an enabled
 * EXCHANGE_S_* plan, `delayMs` after it first sees the licence.
 */
export function simulateMailboxProvisioning(sandbox: Sandbox, delayMs: number): () => void {
  const firstSeen = new Map<string, number>();
  const timer = setInterval(() => {
    const state = sandbox.state;
    for (const user of state.directory.users()) {
      if (state.exchange.getMailbox(user.id)) continue;
      const hasExchange = state.directory.effectiveLicenses(user).some((l) => {
        const disabled = new Set(l.disabledPlans.map((p) => p.toLowerCase()));
        return (state.getSku(l.skuId)?.servicePlans ?? []).some(
          (p) => /^EXCHANGE_S_/.test(p.servicePlanName) && !disabled.has(p.servicePlanId.toLowerCase()),
        );
      });
      if (!hasExchange) continue;
      const seen = firstSeen.get(user.id) ?? Date.now();
      firstSeen.set(user.id, seen);
      if (Date.now() - seen >= delayMs) state.exchange.addMailbox(makeMailbox(state.info, user));
    }
  }, 20);
  return () => {
    clearInterval(timer);
  };
}

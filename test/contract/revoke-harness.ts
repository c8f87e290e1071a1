/**
 * The revoke flow wired to real components: the sandbox over HTTP, the real connectors (msal token,
 * ExchangeMailbox, GraphIdentity, SharePointFiles), the in-memory PGlite store and the plan runner.
 * Used by the revoke contract tests and the discovery benchmark.
 */
import pino, { type Logger } from 'pino';
import { certificateCredentialFromPem } from '../../src/connectors/auth/certificate-credential.js';
import { EntraAppAuth } from '../../src/connectors/auth/entra-app-auth.js';
import { EXCHANGE_SCOPE, GRAPH_SCOPE } from '../../src/connectors/auth/resource-scopes.js';
import { ExchangeAdminClient } from '../../src/connectors/exchange/exchange-admin-client.js';
import { ExchangeMailbox } from '../../src/connectors/exchange/exchange-mailbox.js';
import { ExchangeMeetings } from '../../src/connectors/exchange/exchange-meetings.js';
import { ExchangeMobileMail } from '../../src/connectors/exchange/exchange-mobile-mail.js';
import { GraphApi } from '../../src/connectors/graph/graph-api.js';
import { createGraphConnection } from '../../src/connectors/graph/graph-client-factory.js';
import { createGraphIdentity } from '../../src/connectors/graph/graph-identity.js';
import type { RetryPolicy } from '../../src/connectors/http/retrying-fetch.js';
import { SharePointFiles } from '../../src/connectors/sharepoint/sharepoint-files.js';
import { ConflictError } from '../../src/core/errors.js';
import { systemClock, type Notifier, type Ports, type Store } from '../../src/core/ports/index.js';
import {
  AdaptiveLimiter,
  PermissionInventory,
  revokeSteps,
  type AdaptiveLimiterOptions,
  type DiscoveryDeps,
  type RevokeInput,
} from '../../src/core/revoke/index.js';
import { buildPlan, Runner } from '../../src/core/runner/index.js';
import type { Plan } from '../../src/core/step.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { openMemoryStore } from '../../src/store/index.js';

/** Revoke runs never send notices: a notice attempt is a bug, so it fails loudly. */
const noNotices: Notifier = {
  notifyDelegate: () => Promise.reject(new ConflictError('The revoke flow sends no delegate notices')),
};

export interface RevokeHarness {
  sandbox: Sandbox;
  mailbox: ExchangeMailbox;
  ports: Ports;
  store: Store;
  inventory: PermissionInventory;
  limiter: AdaptiveLimiter;
  deps: DiscoveryDeps;
  logger: Logger;
  /** Forgets the stored inventory and starts a new one (after the sandbox state was restored). */
  resetInventory(): Promise<void>;
  close(): Promise<void>;
}

export interface RevokeHarnessOptions {
  sandbox?: SandboxOptions;
  /** Retries inside the Exchange client; 0 lets the AIMD limiter see every 429 itself. */
  exchangeRetry?: RetryPolicy;
  limiter?: Omit<AdaptiveLimiterOptions, 'clock'>;
  logger?: Logger;
}

export async function startRevokeHarness(options: RevokeHarnessOptions = {}): Promise<RevokeHarness> {
  const sandbox = await startSandbox({ port: 0, ...options.sandbox });
  const logger = options.logger ?? pino({ level: 'silent' });
  const credentials = sandbox.credentials;
  const auth = new EntraAppAuth({
    tenantId: credentials.tenantId,
    clientId: credentials.clientId,
    credential: certificateCredentialFromPem({
      certificatePem: credentials.certificatePem,
      privateKeyPem: credentials.privateKeyPem,
    }),
    authorityHost: sandbox.urls.authorityHost,
    isSandbox: true,
    logger,
  });
  const exchange = new ExchangeAdminClient({
    baseUrl: sandbox.urls.exchange,
    isSandbox: true,
    tenantId: credentials.tenantId,
    tokenProvider: auth.tokenProvider(EXCHANGE_SCOPE),
    logger,
    ...(options.exchangeRetry && { retry: options.exchangeRetry }),
  });
  const graph = createGraphConnection({
    baseUrl: sandbox.urls.graph,
    isSandbox: true,
    tokenProvider: auth.tokenProvider(GRAPH_SCOPE),
    logger,
  });
  const mailbox = new ExchangeMailbox({ client: exchange, logger });
  const ports: Ports = {
    ...createGraphIdentity({ connection: graph, logger }),
    mailbox,
    mobileMail: new ExchangeMobileMail(exchange),
    meetings: new ExchangeMeetings(new GraphApi(graph), exchange, logger),
    files: new SharePointFiles({
      graph,
      tokenSource: auth,
      adminUrl: 'https://contoso-admin.sharepoint.com',
      sandboxBaseUrl: sandbox.baseUrl,
      logger,
    }),
    notifier: noNotices,
    clock: systemClock,
  };
  const store = await openMemoryStore();
  const limiter = new AdaptiveLimiter({ clock: systemClock, ...options.limiter });
  const newInventory = (): PermissionInventory =>
    new PermissionInventory({ state: store.state, mailbox, clock: systemClock, limiter });
  const inventory = newInventory();
  const harness: RevokeHarness = {
    sandbox,
    mailbox,
    ports,
    store,
    inventory,
    limiter,
    deps: { mailbox, limiter, inventory },
    logger,
    async resetInventory() {
      await store.state.delete('revoke.inventory.meta');
      harness.inventory = newInventory();
      harness.deps = { mailbox, limiter, inventory: harness.inventory };
    },
    async close() {
      await store.close();
      await sandbox.close();
    },
  };
  return harness;
}

let runCounter = 0;

/** Plans and runs the stand-alone revoke flow through the real runner; returns the plan and journal. */
export async function runRevoke(
  h: RevokeHarness,
  input: RevokeInput,
  stepOptions: { verifyRetryAfterMs?: number } = {},
): Promise<{
  runId: string;
  plan: Plan;
  status: string;
  journal: Awaited<ReturnType<Store['journal']['list']>>;
}> {
  const steps = revokeSteps({ inventory: h.inventory, limiter: h.limiter, ...stepOptions });
  const runner = new Runner({ store: h.store, steps, ports: h.ports, owner: 'revoke-contract' });
  const signal = new AbortController().signal;
  const plan = await buildPlan(steps, { input, ports: h.ports, signal }, { limiter: runner.systemLimiter });
  runCounter += 1;
  const runId = `run-revoke-${runCounter}`;
  await h.store.runs.create({
    id: runId,
    requestId: `REQ-REVOKE-${runCounter}`,
    status: 'queued',
    plan,
    input,
  });
  const outcome = await runner.execute(runId);
  const status = outcome.kind === 'finished' ? outcome.status : outcome.kind;
  // The rights were planned when each step started: the stored plan holds them, as the product reads it.
  const stored = await h.store.runs.get(runId);
  return { runId, plan: stored?.plan ?? plan, status, journal: await h.store.journal.list(runId) };
}

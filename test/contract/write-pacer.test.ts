/**
 * The write pacer against the sandbox's destructive-cmdlet budget (shrunk to 4 writes per second):
 * concurrent write cmdlets through a paced client all pass without a single 429, where the same writes
 * unpaced are refused and retried; reads are not paced. A process starting right after another spends
 * only what that one left of the budget (the ledger in the store).
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WriteBudgetLedger } from '../../src/app/write-budget-ledger.js';
import { EXCHANGE_SCOPE } from '../../src/connectors/auth/resource-scopes.js';
import { ExchangeAdminClient } from '../../src/connectors/exchange/exchange-admin-client.js';
import { WritePacer } from '../../src/connectors/http/write-pacer.js';
import { systemClock } from '../../src/core/ports/clock.js';
import { migrate } from '../../src/store/migrate.js';
import { PgliteClient } from '../../src/store/pglite-client.js';
import { SqlStore } from '../../src/store/sql-store.js';
import { startConnectorHarness, type ConnectorHarness } from './connectors-harness.js';

const budget = { name: 'exchange destructive cmdlets', limit: 4, windowMs: 1_000 };
const MAILBOXES = [
  'adele.vance@contoso.com',
  'megan.bowen@contoso.com',
  'nestor.wilke@contoso.com',
  'lee.gu@contoso.com',
];
let h: ConnectorHarness;

beforeAll(async () => {
  h = await startConnectorHarness({
    behaviours: {
      throttling: {
        enabled: true,
        rules: {
          exchange: [
            {
              name: 'DestructiveCmdletLimitExceeded',
              limit: budget.limit,
              windowMs: budget.windowMs,
              appliesTo: 'writes',
            },
          ],
        },
      },
    },
  });
});
afterAll(async () => h.close());

const pacedClient = (pacer: WritePacer) =>
  new ExchangeAdminClient({
    baseUrl: h.sandbox.urls.exchange,
    isSandbox: true,
    tenantId: h.sandbox.credentials.tenantId,
    tokenProvider: h.auth.tokenProvider(EXCHANGE_SCOPE),
    logger: h.logger,
    writePacer: pacer,
  });

const throttled = () =>
  h.sandbox.requestLog.find({ service: 'exchange' }).filter((e) => e.outcome === 'throttled').length;

let sent = 0;
/** `count` Set-Mailbox writes at once (16: four per mailbox), each setting a value not set before. */
const writeAll = (client: ExchangeAdminClient, count = 16) =>
  Promise.all(
    Array.from({ length: count }, (_, i) =>
      client.invoke('Set-Mailbox', {
        Identity: MAILBOXES[i % MAILBOXES.length] ?? '',
        RetentionComment: `comment ${i} (${++sent})`,
      }),
    ),
  );

describe('write pacer (Exchange admin client against the sandbox)', () => {
  it('sends concurrent write cmdlets under the budget: no 429; unpaced, the same writes are throttled', async () => {
    const pacer = new WritePacer({ budget, clock: systemClock });
    const paced = pacedClient(pacer);
    h.sandbox.requestLog.clear();
    await writeAll(paced);
    expect(h.sandbox.requestLog.applied('exo.set-mailbox')).toHaveLength(16);
    expect(throttled()).toBe(0);
    expect(pacer.stats()).toMatchObject({ writes: 16, throttled: 0 });
    expect(pacer.stats().waited).toBeGreaterThan(0);

    // Reads take no slot.
    await Promise.all(MAILBOXES.map((m) => paced.invoke('Get-Mailbox', { Identity: m })));
    expect(pacer.stats().writes).toBe(16);

    // The budget refills, then the same writes without the pacer meet the service's limit.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    h.sandbox.requestLog.clear();
    await writeAll(h.exchange);
    expect(h.sandbox.requestLog.applied('exo.set-mailbox')).toHaveLength(16);
    expect(throttled()).toBeGreaterThan(0);
  });

  it('a process starting right after another spends only what is left of the budget', async () => {
    const client = await PgliteClient.open();
    await migrate(client);
    const store = new SqlStore(client);
    const key = WriteBudgetLedger.key(
      { id: 'tenant', clientId: 'app', managedIdentityClientId: undefined },
      budget.name,
    );
    /** One process: its pacer resumes from the store, and saves what it spent when it stops. */
    const processWrites = async (count: number) => {
      const ledger = new WriteBudgetLedger(store.state, { logger: pino({ level: 'silent' }) });
      const pacer = new WritePacer({ budget, clock: systemClock });
      await ledger.track(pacer, key);
      await writeAll(pacedClient(pacer), count);
      await ledger.flush();
      return pacer.stats();
    };
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      h.sandbox.requestLog.clear();
      // The first process spends its whole burst at once; the second starts at once and must wait.
      const burst = new WritePacer({ budget, clock: systemClock }).burst;
      expect(await processWrites(burst)).toMatchObject({ writes: burst, waited: 0 });
      const second = await processWrites(burst);
      expect(second).toMatchObject({ writes: burst, throttled: 0 });
      expect(second.waited).toBeGreaterThan(0);
      expect(throttled()).toBe(0);
      expect(h.sandbox.requestLog.applied('exo.set-mailbox')).toHaveLength(2 * burst);

      // Without the ledger, a new process assumes a full bucket right after the burst was spent.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      h.sandbox.requestLog.clear();
      await processWrites(burst);
      await writeAll(pacedClient(new WritePacer({ budget, clock: systemClock })), burst);
      expect(throttled()).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});

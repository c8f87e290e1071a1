/**
 * The write pacer against the sandbox's destructive-cmdlet budget (shrunk to 4 writes per second):
 * concurrent write cmdlets through a paced client all pass without a single 429, where the same writes
 * unpaced are refused and retried; reads are not paced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXCHANGE_SCOPE } from '../../src/connectors/auth/resource-scopes.js';
import { ExchangeAdminClient } from '../../src/connectors/exchange/exchange-admin-client.js';
import { WritePacer } from '../../src/connectors/http/write-pacer.js';
import { systemClock } from '../../src/core/ports/clock.js';
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

const throttled = () =>
  h.sandbox.requestLog.find({ service: 'exchange' }).filter((e) => e.outcome === 'throttled').length;

/** 16 Set-Mailbox writes at once, four per mailbox. */
const writeAll = (client: ExchangeAdminClient) =>
  Promise.all(
    Array.from({ length: 16 }, (_, i) =>
      client.invoke('Set-Mailbox', {
        Identity: MAILBOXES[i % MAILBOXES.length] ?? '',
        RetentionComment: `comment ${i}`,
      }),
    ),
  );

describe('write pacer (Exchange admin client against the sandbox)', () => {
  it('sends concurrent write cmdlets under the budget: no 429; unpaced, the same writes are throttled', async () => {
    const pacer = new WritePacer({ budget, clock: systemClock });
    const paced = new ExchangeAdminClient({
      baseUrl: h.sandbox.urls.exchange,
      isSandbox: true,
      tenantId: h.sandbox.credentials.tenantId,
      tokenProvider: h.auth.tokenProvider(EXCHANGE_SCOPE),
      logger: h.logger,
      writePacer: pacer,
    });
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
});

/**
 * The permission inventory against the sandbox through the real ExchangeMailbox: durable in the store,
 * incremental refresh (new, stale, changed-type and vanished mailboxes), write-through of our own
 * changes, and the AIMD limiter under the sandbox's throttling.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src/core/ports/clock.js';
import {
  AdaptiveLimiter,
  PermissionInventory,
  discoverPermissions,
  parseRevokeInput,
  revokeUserFrom,
} from '../../src/core/revoke/index.js';
import { makeMailbox, makeUser } from '../../src/sandbox/seed/builders.js';
import { runRevoke, startRevokeHarness, type RevokeHarness } from './revoke-harness.js';

/** Real time plus an offset the test moves forward, to age the inventory without waiting. */
class ShiftedClock implements Clock {
  offsetMs = 0;
  now(): number {
    return systemClock.now() + this.offsetMs;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms, signal);
  }
}

const adele = 'adele.vance@contoso.com';
const day = 24 * 60 * 60 * 1000;

let h: RevokeHarness;
let initial: ReturnType<RevokeHarness['sandbox']['snapshot']>;

beforeAll(async () => {
  h = await startRevokeHarness();
  initial = h.sandbox.snapshot();
});

afterAll(async () => {
  await h.close();
});

beforeEach(async () => {
  h.sandbox.restore(initial);
  await h.resetInventory();
  h.sandbox.requestLog.clear();
});

function inventoryWith(clock: Clock): PermissionInventory {
  return new PermissionInventory({
    state: h.store.state,
    mailbox: h.mailbox,
    clock,
    limiter: new AdaptiveLimiter({ clock }),
    maxAgeMs: day,
  });
}

const exchangeCalls = (): number => h.sandbox.requestLog.find({ service: 'exchange' }).length;

async function adeleUser() {
  return revokeUserFrom(adele, await h.mailbox.getMailbox(adele));
}

describe('permission inventory', () => {
  it('is built from one listing plus a scan of each mailbox and survives a restart through the store', async () => {
    const clock = new ShiftedClock();
    const first = inventoryWith(clock);
    const report = await first.refresh();
    const mailboxCount = [...h.sandbox.state.exchange.mailboxes()].length;
    expect(report).toMatchObject({
      listed: mailboxCount,
      scanned: mailboxCount,
      added: mailboxCount,
      failures: [],
    });
    // One listing page, then FullAccess + calendar folder + calendar permissions per mailbox.
    expect(exchangeCalls()).toBe(1 + 3 * mailboxCount);

    const user = await adeleUser();
    h.sandbox.requestLog.clear();
    const restarted = inventoryWith(clock);
    await restarted.load();
    expect(exchangeCalls()).toBe(0);
    const candidates = restarted.candidatesFor(user);
    expect(candidates.fullAccess.map((r) => r.mailbox).sort()).toEqual([
      'billing@contoso.com',
      'diego.siciliani@contoso.com',
      'megan.bowen@contoso.com',
      'support@contoso.com',
    ]);
    expect(candidates.calendar.map((r) => r.mailbox).sort()).toEqual([
      'isabelle.dubois@contoso.com',
      'johanna.lorenz@contoso.com',
    ]);
  });

  it('shares one refresh between concurrent callers (the five revoke steps plan at once)', async () => {
    const clock = new ShiftedClock();
    const inventory = inventoryWith(clock);
    const reports = await Promise.all([
      inventory.ensureFresh(),
      inventory.ensureFresh(),
      inventory.ensureFresh(),
    ]);
    const mailboxCount = [...h.sandbox.state.exchange.mailboxes()].length;
    expect(reports[0]).toMatchObject({ scanned: mailboxCount });
    expect(reports[1]).toBe(reports[0]);
    expect(exchangeCalls()).toBe(1 + 3 * mailboxCount);
    h.sandbox.requestLog.clear();
    expect(await inventory.ensureFresh(60_000)).toBeUndefined();
    expect(exchangeCalls()).toBe(0);
  });

  it('refreshes incrementally: new, stale, changed and vanished mailboxes only', async () => {
    const clock = new ShiftedClock();
    const inventory = inventoryWith(clock);
    const mailboxCount = (await inventory.refresh()).listed;

    h.sandbox.requestLog.clear();
    expect(await inventory.refresh()).toMatchObject({
      listed: mailboxCount,
      scanned: 0,
      added: 0,
      dropped: 0,
    });
    expect(exchangeCalls()).toBe(1);

    const state = h.sandbox.state;
    const newcomer = makeUser(state.info, {
      id: '90000000-0000-4000-8000-000000000001',
      alias: 'new.hire',
      displayName: 'New Hire',
    });
    state.directory.addUser(newcomer);
    state.exchange.addMailbox(makeMailbox(state.info, newcomer));
    state.exchange.grantRight('FullAccess', newcomer.id, '10000000-0000-4000-8000-000000000001');
    const megan = [...state.exchange.mailboxes()].find(
      (m) => m.primarySmtpAddress === 'megan.bowen@contoso.com',
    );
    state.exchange.updateMailbox(megan!.userId, { recipientTypeDetails: 'SharedMailbox' });
    const diego = [...state.exchange.mailboxes()].find(
      (m) => m.primarySmtpAddress === 'diego.siciliani@contoso.com',
    );
    state.exchange.updateMailbox(diego!.userId, { whenSoftDeleted: new Date().toISOString() });

    h.sandbox.requestLog.clear();
    const report = await inventory.refresh();
    expect(report).toMatchObject({ listed: mailboxCount, scanned: 2, added: 1, dropped: 1, failures: [] });
    // Listing, then 3 calls for the newcomer and 2 for Megan's re-typed mailbox (calendar name cached).
    expect(exchangeCalls()).toBe(1 + 3 + 2);
    const user = await adeleUser();
    const fullAccess = inventory
      .candidatesFor(user)
      .fullAccess.map((r) => [r.mailbox, r.recipientTypeDetails]);
    expect(fullAccess).toContainEqual(['new.hire@contoso.com', 'UserMailbox']);
    expect(fullAccess).toContainEqual(['megan.bowen@contoso.com', 'SharedMailbox']);
    expect(fullAccess.map(([mailbox]) => mailbox)).not.toContain('diego.siciliani@contoso.com');

    clock.offsetMs = day + 60_000;
    h.sandbox.requestLog.clear();
    expect(await inventory.refresh()).toMatchObject({ scanned: mailboxCount });
    expect(exchangeCalls()).toBe(1 + 2 * mailboxCount);
  });

  it('takes in our own removals at once, so a restarted instance no longer looks there', async () => {
    await h.inventory.refresh();
    await runRevoke(h, parseRevokeInput({ user: adele, targetMailboxes: ['megan.bowen@contoso.com'] }));
    const restarted = inventoryWith(systemClock);
    await restarted.load();
    const user = await adeleUser();
    const candidates = restarted.candidatesFor(user);
    expect(candidates.fullAccess.map((r) => r.mailbox)).not.toContain('megan.bowen@contoso.com');
    expect(candidates.fullAccess.map((r) => r.mailbox)).toContain('diego.siciliani@contoso.com');
  });

  it("sees another instance's write-through at its next refresh", async () => {
    const clock = new ShiftedClock();
    const a = inventoryWith(clock);
    const b = inventoryWith(clock);
    await a.refresh();
    await b.load();
    const user = await adeleUser();
    expect(b.candidatesFor(user).fullAccess.map((r) => r.mailbox)).toContain('megan.bowen@contoso.com');
    await a.recordChange('megan.bowen@contoso.com', { kind: 'full-access', op: 'remove', trustee: adele });
    await b.refresh();
    expect(b.candidatesFor(user).fullAccess.map((r) => r.mailbox)).not.toContain('megan.bowen@contoso.com');
  });

  it('re-checks candidates live: a right removed behind its back is not reported', async () => {
    await h.inventory.refresh();
    const state = h.sandbox.state;
    const megan = [...state.exchange.mailboxes()].find(
      (m) => m.primarySmtpAddress === 'megan.bowen@contoso.com',
    );
    state.exchange.revokeRight('FullAccess', megan!.userId, '10000000-0000-4000-8000-000000000001');
    const discovery = await discoverPermissions(parseRevokeInput({ user: adele }), h.deps, {
      inventoryMaxStalenessMs: false,
    });
    expect(discovery.permissions.map((p) => `${p.category}:${p.mailbox}`)).not.toContain(
      'full_access:megan.bowen@contoso.com',
    );
  });
});

describe('permission inventory under throttling', () => {
  let throttled: RevokeHarness;

  beforeAll(async () => {
    // The documented Exchange budget (200 cmdlets per 5 s) scaled to a quarter: 50 per 5 s.
    throttled = await startRevokeHarness({
      sandbox: { behaviours: { throttling: { enabled: true, scale: 0.25 } } },
      exchangeRetry: { maxRetries: 0, baseDelayMs: 100, maxDelayMs: 1000 },
      limiter: { initialConcurrency: 8, maxConcurrency: 16 },
    });
  });

  afterAll(async () => {
    await throttled.close();
  });

  it('backs off on 429, lowers its concurrency and still scans every mailbox', async () => {
    const report = await throttled.inventory.refresh();
    const mailboxCount = [...throttled.sandbox.state.exchange.mailboxes()].length;
    expect(report).toMatchObject({ listed: mailboxCount, scanned: mailboxCount, failures: [] });
    const stats = throttled.limiter.stats();
    const rejected = throttled.sandbox.requestLog
      .find({ service: 'exchange' })
      .filter((e) => e.outcome === 'throttled');
    expect(rejected.length).toBeGreaterThan(0);
    expect(stats.throttled).toBe(rejected.length);
    expect(stats.lowestConcurrency).toBeLessThan(8);
  });
});

/**
 * The permission inventory as background work against the sandbox through the real ExchangeMailbox:
 * its status (incomplete, progress, age), one refresh shared by every caller, a stop that keeps what
 * was scanned, and previews that answer from the stored inventory without scanning.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/ports/clock.js';
import {
  AdaptiveLimiter,
  PermissionInventory,
  discoverPermissions,
  parseRevokeInput,
} from '../../src/core/revoke/index.js';
import { startRevokeHarness, type RevokeHarness } from './revoke-harness.js';

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

function inventory(checkpointEvery = 500): PermissionInventory {
  return new PermissionInventory({
    state: h.store.state,
    mailbox: h.mailbox,
    clock: systemClock,
    limiter: new AdaptiveLimiter({ clock: systemClock }),
    checkpointEvery,
  });
}

const exchangeCalls = (): number => h.sandbox.requestLog.find({ service: 'exchange' }).length;

describe('permission inventory in the background', () => {
  it('is incomplete until a refresh listed every mailbox, shows progress at checkpoints, then its age', async () => {
    const builder = inventory(2);
    expect(await builder.status()).toEqual({ isComplete: false, records: 0 });
    const refreshing = builder.refresh();
    // Every caller shares the one refresh in progress.
    expect(builder.refresh()).toBe(refreshing);
    const report = await refreshing;
    expect(report.scanned).toBeGreaterThan(2);

    const other = inventory();
    const status = await other.status();
    expect(status).toMatchObject({ isComplete: true, records: report.listed });
    expect(status.listedAt).toBeLessThanOrEqual(systemClock.now());
    expect(status.progress).toBeUndefined();
  });

  it('keeps what was scanned when stopped, stays incomplete, and a preview then scans nothing', async () => {
    const builder = inventory(1);
    const listed = (await h.mailbox.listMailboxes(undefined, 1000)).items.length;
    const stop = new AbortController();
    // Stop once a few mailboxes were fully scanned (the calendar read is a scan's last).
    let calendarsRead = 0;
    const original = h.mailbox.listFolderPermissions.bind(h.mailbox);
    h.mailbox.listFolderPermissions = async (...args: Parameters<typeof original>) => {
      calendarsRead += 1;
      if (calendarsRead === 3) stop.abort(new Error('The scheduler is stopping'));
      return original(...args);
    };
    try {
      await expect(builder.refresh(stop.signal)).rejects.toThrow('The scheduler is stopping');
    } finally {
      h.mailbox.listFolderPermissions = original;
    }
    const status = await inventory().status();
    expect(status.isComplete).toBe(false);
    expect(status.progress?.scanned).toBeGreaterThanOrEqual(2);
    expect(status.progress?.scanned).toBeLessThan(listed);

    h.sandbox.requestLog.clear();
    const preview = await discoverPermissions(
      parseRevokeInput({ user: 'adele.vance@contoso.com' }),
      { mailbox: h.mailbox, limiter: new AdaptiveLimiter({ clock: systemClock }), inventory: inventory() },
      { inventoryMaxStalenessMs: false },
    );
    expect(preview.inventoryStatus?.isComplete).toBe(false);
    // The user, SendAs, SendOnBehalf and live reads of the candidates known so far; a scan would cost
    // at least two calls per mailbox.
    expect(exchangeCalls()).toBeLessThan(listed);
    expect(await inventory().status()).toMatchObject({ isComplete: false });
  });
});

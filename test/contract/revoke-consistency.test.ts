/**
 * Exchange shows permission changes after a replication delay. With the sandbox's consistency delay on,
 * verification first still sees the removed rights; the runner reads back again and the run completes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRevokeInput } from '../../src/core/revoke/index.js';
import { reportRevokeRun } from '../../src/core/revoke/index.js';
import { runRevoke, startRevokeHarness, type RevokeHarness } from './revoke-harness.js';

const adele = 'adele.vance@contoso.com';
let h: RevokeHarness;

beforeAll(async () => {
  h = await startRevokeHarness({
    sandbox: {
      behaviours: { consistency: { delayMs: 0, areas: { mailboxPermission: 1500, folderPermission: 1500 } } },
    },
  });
});

afterAll(async () => {
  await h.close();
});

describe('revoke with replication delay', () => {
  it('retries verification until the removals are visible, then reports everything cleared', async () => {
    const input = parseRevokeInput({ user: adele });
    const run = await runRevoke(h, input, { verifyRetryAfterMs: 1000 });
    expect(run.status).toBe('completed');
    const verificationRetries = run.journal.filter(
      (entry) => entry.changeKey === undefined && entry.phase === 'verified' && entry.attempt > 1,
    );
    expect(verificationRetries.length).toBeGreaterThan(0);
    const { summary } = await reportRevokeRun({
      input,
      deps: h.deps,
      plan: run.plan,
      journal: run.journal,
      user: { email: adele, displayName: 'Adele Vance' },
      company: 'Contoso',
    });
    expect(summary.success).toBe(true);
    expect(summary.removal_summary.total_permissions_removed).toBe(8);
    expect(summary.verification.all_permissions_cleared).toBe(true);
  });
});

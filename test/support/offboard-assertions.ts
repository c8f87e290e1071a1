/**
 * What a completed offboarding must leave behind in the sandbox, read straight from its state:
 * blocked, sessions revoked, delegate with FullAccess, mailbox shared, OneDrive admin set, direct
 * licences removed, the leaver's rights on other mailboxes gone.
 */
import { expect } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';

export interface OffboardExpectations {
  leaverId: string;
  delegateId: string;
  /** Sign-in sessions must have been revoked after this instant. */
  startedAt: string;
  /** SKUs assigned directly before the run. */
  directSkuIds: readonly string[];
  /** Expect the leaver's rights on other mailboxes to be gone. */
  isRevokeExpected?: boolean;
}

export function expectOffboarded(sandbox: Sandbox, e: OffboardExpectations): void {
  const state = sandbox.state;
  const user = state.directory.getUser(e.leaverId);
  expect(user, 'leaver exists').toBeDefined();
  expect(user?.accountEnabled, 'sign-in blocked').toBe(false);
  expect(Date.parse(user?.signInSessionsValidFromDateTime ?? '0'), 'sessions revoked').toBeGreaterThanOrEqual(
    Date.parse(e.startedAt) - 1000,
  );
  const mailbox = state.exchange.getMailbox(e.leaverId);
  expect(mailbox?.recipientTypeDetails, 'mailbox shared').toBe('SharedMailbox');
  expect(state.exchange.hasRight('FullAccess', e.leaverId, e.delegateId), 'delegate has FullAccess').toBe(
    true,
  );
  const drive = state.sharing.driveOfUser(e.leaverId);
  if (drive) {
    expect(
      state.sharing.siteAdmins(drive.siteUrl).map((a) => a.userId),
      'delegate is OneDrive admin',
    ).toContain(e.delegateId);
  }
  const skus = new Set((user?.assignedLicenses ?? []).map((l) => l.skuId));
  for (const sku of e.directSkuIds) expect(skus.has(sku), `licence ${sku} removed`).toBe(false);
  if (e.isRevokeExpected) {
    expect(
      state.exchange.rightsHeldBy(e.leaverId).map((r) => `${r.kind}:${r.mailboxId}`),
      'rights on other mailboxes',
    ).toEqual([]);
    expect(state.exchange.folderPermissionsHeldBy(e.leaverId), 'calendar delegations').toEqual([]);
  }
}

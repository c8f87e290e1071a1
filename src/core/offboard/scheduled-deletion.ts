/**
 * "Delete after N days": a finished offboarding schedules the account's deletion in the durable queue;
 * a worker deletes it when due. Before deleting, the account is checked again: still disabled, not
 * protected, the request still completed. Anything else cancels the deletion and says why in the audit.
 * Deleted users stay restorable for 30 days (Entra deleted items).
 */
import { describeError } from '../errors.js';
import type { LifecycleRequest } from '../model.js';
import type { Policy } from '../policy/policy.js';
import type { Accounts } from '../ports/accounts.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { Users } from '../ports/users.js';

export const deletionQueueKind = 'offboard.delete';

interface DeletionPayload {
  requestId: string;
  userId: string;
  userPrincipalName: string;
}

export interface ScheduledDeletionDeps {
  store: Pick<Store, 'queue' | 'audit' | 'requests'>;
  users: Pick<Users, 'getUser'>;
  accounts: Pick<Accounts, 'deleteUser'>;
  policy: Policy;
  clock: Clock;
}

export async function scheduleDeletion(
  deps: Pick<ScheduledDeletionDeps, 'store' | 'clock'>,
  request: LifecycleRequest,
  afterDays: number,
): Promise<void> {
  const dueMs = deps.clock.now() + afterDays * 86_400_000;
  const payload: DeletionPayload = {
    requestId: request.id,
    userId: request.subject.id,
    userPrincipalName: request.subject.userPrincipalName,
  };
  await deps.store.queue.enqueue({
    kind: deletionQueueKind,
    key: request.subject.id,
    payload,
    notBeforeMs: dueMs,
  });
  await deps.store.audit.append({
    at: new Date(deps.clock.now()).toISOString(),
    type: 'deletion.scheduled',
    requestId: request.id,
    actor: { system: 'offboarding' },
    details: { user: request.subject.userPrincipalName, dueAt: new Date(dueMs).toISOString() },
  });
}

/** Handle the due deletions; returns how many accounts were deleted. */
export async function processDueDeletions(deps: ScheduledDeletionDeps, limit = 20): Promise<number> {
  const items = await deps.store.queue.claimDue(deletionQueueKind, deps.clock.now(), limit);
  let deleted = 0;
  for (const item of items) {
    const payload = item.payload as DeletionPayload;
    const audit = (type: string, details: Record<string, unknown>): Promise<void> =>
      deps.store.audit.append({
        at: new Date(deps.clock.now()).toISOString(),
        type,
        requestId: payload.requestId,
        actor: { system: 'scheduled-deletion' },
        details: { user: payload.userPrincipalName, ...details },
      });
    try {
      const reason = await refusalReason(deps, payload);
      if (reason) {
        await audit('deletion.cancelled', { reason });
        await deps.store.queue.complete(item.id);
        continue;
      }
      await deps.accounts.deleteUser(payload.userId);
      await audit('deletion.applied', { restorableForDays: 30 });
      await deps.store.queue.complete(item.id);
      deleted++;
    } catch (error) {
      const described = describeError(error);
      const retryAt =
        item.attempts >= 10 ? null : deps.clock.now() + Math.min(2 ** item.attempts, 360) * 60_000;
      await audit('deletion.failed', { error: described.message, willRetry: retryAt !== null });
      await deps.store.queue.fail(item.id, described.message, retryAt);
    }
  }
  return deleted;
}

async function refusalReason(deps: ScheduledDeletionDeps, payload: DeletionPayload): Promise<string | null> {
  const request = await deps.store.requests.get(payload.requestId);
  if (!request || (request.state !== 'completed' && request.state !== 'completed-with-errors')) {
    return `the offboarding request is ${request?.state ?? 'gone'}`;
  }
  const user = await deps.users.getUser(payload.userId);
  if (!user) return 'the account no longer exists';
  if (user.accountEnabled) return 'the account was enabled again';
  if (await deps.policy.isProtected({ id: user.id, userPrincipalName: user.userPrincipalName })) {
    return 'the account is protected';
  }
  return null;
}

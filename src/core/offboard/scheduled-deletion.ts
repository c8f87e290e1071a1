/**
 * "Delete after N days", the offboarding's last stage: a finished offboarding puts the deletion in the
 * durable queue (`offboard.delete`, keyed by the user); when it is due, `OffboardStages` checks the
 * account again (the request still completed and not undone, the account still there, still disabled,
 * not protected) and deletes it in a run of its own (`<request id>:deletion`) whose journal keeps the
 * account as it was. Anything else cancels the deletion and says why in the audit. Deleted users stay
 * restorable for 30 days (Entra deleted items).
 */
import { ConflictError } from '../errors.js';
import type { LifecycleRequest } from '../model.js';
import type { Policy } from '../policy/policy.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { Users } from '../ports/users.js';
import { fail, ok, type Step } from '../step.js';
import { undoneMessage, undoOf } from '../undo/undo-of.js';
import type { OffboardInput } from './offboard-input.js';

/** Kept from the version that deleted outside a run, so items queued before an upgrade still run. */
export const deletionQueueKind = 'offboard.delete';

/** The deletion stage's run: one per request, so an account is never deleted twice by one. */
export const deletionRunId = (requestId: string): string => `${requestId}:deletion`;

export interface DeletionPayload {
  requestId: string;
  userId: string;
  userPrincipalName: string;
}

export async function scheduleDeletion(
  deps: { store: Pick<Store, 'queue' | 'audit'>; clock: Clock },
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

/** Why a due deletion must not happen now, or null when the account may be deleted. */
export async function deletionRefusal(
  deps: {
    store: Pick<Store, 'requests'>;
    users: Pick<Users, 'getUser'>;
    protection: Pick<Policy, 'isProtected'>;
  },
  request: LifecycleRequest | null,
  payload: DeletionPayload,
): Promise<string | null> {
  if (!request || (request.state !== 'completed' && request.state !== 'completed-with-errors')) {
    return `the offboarding request is ${request?.state ?? 'gone'}`;
  }
  const undo = await undoOf(deps.store.requests, request);
  if (undo) return undoneMessage(request, undo);
  // Fresh reads: the decision to delete is never taken on a cached membership.
  const user = await deps.users.getUser(payload.userId);
  if (!user) return 'the account no longer exists';
  if (user.accountEnabled) return 'the account was enabled again';
  if (
    await deps.protection.isProtected(
      { id: user.id, userPrincipalName: user.userPrincipalName },
      { isFresh: true },
    )
  ) {
    return 'the account is protected';
  }
  return null;
}

/**
 * Deletes the leaver's account (soft delete: restorable for 30 days). The plan records the account as
 * it was; `apply` reads it again and refuses an account enabled since the plan (a resumed run).
 */
export const entraDeleteUser: Step<OffboardInput> = {
  id: 'entra.delete-user',
  system: 'entra',
  title: 'Delete the account (restorable for 30 days)',
  async plan(ctx) {
    const user = await ctx.ports.users.getUser(ctx.input.leaver.id);
    if (!user) return [];
    return [
      {
        key: `user:${user.id}`,
        description: `Delete ${user.userPrincipalName} (restorable for 30 days)`,
        data: { userId: user.id },
        before: user,
        after: { isDeleted: true },
      },
    ];
  },
  async apply(change, ctx) {
    const user = await ctx.ports.users.getUser(String(change.data['userId']));
    if (!user) return;
    if (user.accountEnabled) {
      throw new ConflictError(`${user.userPrincipalName} was enabled again: it is not deleted`);
    }
    await ctx.ports.accounts.deleteUser(user.id);
  },
  async verify(changes, ctx) {
    for (const change of changes) {
      if (await ctx.ports.users.getUser(String(change.data['userId'])))
        return fail('The account still exists');
    }
    return ok();
  },
};

export const deletionSteps: readonly Step<OffboardInput>[] = [entraDeleteUser];

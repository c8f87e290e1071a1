/**
 * The undo of an offboarding, if it has one: an `undo` request aimed at it that counts (a rejected
 * one, or one cancelled before it ran, doesn't). Once an offboarding has an undo, actions that would
 * offboard the user again or act on what the offboarding set up (Retry, Extend, the later stages) are
 * refused or cancelled: the undo put the account back, or is about to.
 */
import type { LifecycleRequest } from '../model.js';
import type { RequestStore } from '../ports/store.js';

export async function undoOf(
  requests: Pick<RequestStore, 'listBySubject'>,
  target: Pick<LifecycleRequest, 'id' | 'subject'>,
): Promise<LifecycleRequest | undefined> {
  const found = await requests.listBySubject(target.subject.userPrincipalName, 200);
  return found.find(
    (r) =>
      r.kind === 'undo' &&
      (r.options as { targetRequestId?: unknown }).targetRequestId === target.id &&
      r.state !== 'rejected' &&
      !(r.state === 'cancelled' && r.runId === undefined),
  );
}

/** Why an action is refused on an offboarding that has an undo, for people. */
export const undoneMessage = (target: Pick<LifecycleRequest, 'id'>, undo: LifecycleRequest): string =>
  undo.state === 'completed' || undo.state === 'completed-with-errors'
    ? `The offboarding ${target.id} was undone (${undo.id})`
    : `The offboarding ${target.id} has an undo (${undo.id}, ${undo.state})`;

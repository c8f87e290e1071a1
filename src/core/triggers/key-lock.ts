/**
 * An exclusive, expiring hold on a name (a ticket, a person), shared by every instance through the
 * store's durable work queue: the item of kind {@link keyLockKind} keyed by the name is inserted if
 * absent (`enqueue` is an insert-or-update on the queue's unique `(kind, key)`) and then claimed
 * (`claimKey`, exclusive across instances on PGlite and PostgreSQL alike). Whoever holds the claim
 * does the read-then-write the hold protects and completes the item; anyone else is told the name is
 * busy and does nothing. A holder that dies lets go when the claim lapses (`leaseMs`).
 */
import type { WorkQueue } from '../ports/store.js';

export const keyLockKind = 'trigger.key-lock';

/** Long enough for the guarded work (a few store and directory calls), short enough to recover a crash. */
export const defaultKeyLockMs = 5 * 60_000;

export type KeyLockQueue = Pick<WorkQueue, 'enqueue' | 'claimKey' | 'complete'>;

export type KeyLockResult<T> = { isHeld: true; value: T } | { isHeld: false };

/**
 * Runs `work` while holding `name`; `{ isHeld: false }` (and `work` not run) when another caller holds
 * it. The hold is released when `work` ends, also when it throws.
 */
export async function withKeyLock<T>(
  queue: KeyLockQueue,
  name: string,
  nowMs: number,
  work: () => Promise<T>,
  leaseMs: number = defaultKeyLockMs,
): Promise<KeyLockResult<T>> {
  await queue.enqueue({ kind: keyLockKind, key: name, payload: {}, notBeforeMs: 0 });
  const claim = await queue.claimKey(keyLockKind, name, nowMs, leaseMs);
  if (!claim) return { isHeld: false };
  try {
    return { isHeld: true, value: await work() };
  } finally {
    await queue.complete(claim.id);
  }
}

/**
 * Eventual consistency for relationships (grants, memberships, shares).
 *
 * A relationship written at time T with a consistency delay D becomes visible to reads at T + D; a removal
 * requested at T stays visible until T + D. Times are epoch milliseconds from the tenant clock.
 */
export interface Visibility {
  /** Reads see the entry from this time on. */
  visibleFrom: number;
  /** Null while the entry is live; otherwise reads stop seeing it from this time on. */
  hiddenFrom: number | null;
}

/** Areas whose writes can be delayed independently (see the consistency behaviour). */
export type ConsistencyArea =
  'membership' | 'mailboxPermission' | 'folderPermission' | 'sharing' | 'teamsApp';

export function isVisible(entry: Visibility, now: number): boolean {
  return entry.visibleFrom <= now && (entry.hiddenFrom === null || entry.hiddenFrom > now);
}

/** True when a removal was requested (whether or not reads see it yet): the entry must not be removed again. */
export function isRemovalPending(entry: Visibility): boolean {
  return entry.hiddenFrom !== null;
}

/** True when the entry is gone for good and can be dropped from the state. */
export function isExpired(entry: Visibility, now: number): boolean {
  return entry.hiddenFrom !== null && entry.hiddenFrom <= now;
}

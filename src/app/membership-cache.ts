/**
 * Group and role membership for the policy: `transitiveMemberOf`, so nested groups and roles held
 * through role-assignable groups count. Cached briefly for role checks on every command and click;
 * a fresh read (confirm and approve) always asks the directory and refreshes the cache. Transient
 * failures (a 5xx, a reset connection, throttling) are read again twice before the answer fails.
 */
import { isRetryable, retryAfterOf } from '../core/errors.js';
import type { Groups } from '../core/ports/groups.js';
import type { GroupLookup } from '../core/policy/policy.js';

/** A click should not fail on one dropped connection or 503: a transient failure is read again. */
const attemptDelaysMs = [250, 1000];

async function readWithRetries(
  groups: Pick<Groups, 'listTransitiveMemberships'>,
  userId: string,
): Promise<ReadonlySet<string>> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      const m = await groups.listTransitiveMemberships(userId);
      return new Set([...m.groupIds, ...m.roleTemplateIds]);
    } catch (error) {
      const delay = attemptDelaysMs[attempt];
      if (delay === undefined || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfterOf(error) ?? delay, 5_000)));
    }
  }
}

export function membershipCache(
  groups: Pick<Groups, 'listTransitiveMemberships'>,
  ttlMs: number,
  now: () => number = Date.now,
): GroupLookup {
  const cache = new Map<string, { at: number; ids: Promise<ReadonlySet<string>> }>();
  return (userId, options = {}) => {
    const at = now();
    const hit = cache.get(userId);
    if (hit && !options.isFresh && at - hit.at < ttlMs) return hit.ids;
    const ids = readWithRetries(groups, userId);
    const entry = { at, ids };
    cache.set(userId, entry);
    ids.catch(() => {
      if (cache.get(userId) === entry) cache.delete(userId);
    });
    return ids;
  };
}

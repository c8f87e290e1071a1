/**
 * Group and role membership for the policy: `transitiveMemberOf`, so nested groups and roles held
 * through role-assignable groups count. Cached briefly for role checks on every command and click;
 * a fresh read (confirm and approve) always asks the directory and refreshes the cache.
 */
import type { Groups } from '../core/ports/groups.js';
import type { GroupLookup } from '../core/policy/policy.js';

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
    const ids = groups
      .listTransitiveMemberships(userId)
      .then((m) => new Set([...m.groupIds, ...m.roleTemplateIds]) as ReadonlySet<string>);
    const entry = { at, ids };
    cache.set(userId, entry);
    ids.catch(() => {
      if (cache.get(userId) === entry) cache.delete(userId);
    });
    return ids;
  };
}

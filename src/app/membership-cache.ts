/** Group membership for the policy, cached briefly: every card click checks roles. */
import type { Groups } from '../core/ports/groups.js';
import type { GroupLookup } from '../core/policy/policy.js';

export function membershipCache(groups: Pick<Groups, 'listMemberships'>, ttlMs: number): GroupLookup {
  const cache = new Map<string, { at: number; groups: Promise<ReadonlySet<string>> }>();
  return (userId) => {
    const now = Date.now();
    const hit = cache.get(userId);
    if (hit && now - hit.at < ttlMs) return hit.groups;
    const memberships = groups
      .listMemberships(userId)
      .then((list) => new Set(list.map((g) => g.id)) as ReadonlySet<string>);
    cache.set(userId, { at: now, groups: memberships });
    memberships.catch(() => cache.delete(userId));
    return memberships;
  };
}

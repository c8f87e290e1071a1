/** Group membership for the policy, cached briefly: every card click checks roles. */
import type { Identity } from '../core/ports/identity.js';
import type { GroupLookup } from '../core/policy/policy.js';

export function membershipCache(identity: Identity, ttlMs: number): GroupLookup {
  const cache = new Map<string, { at: number; groups: Promise<ReadonlySet<string>> }>();
  return (userId) => {
    const now = Date.now();
    const hit = cache.get(userId);
    if (hit && now - hit.at < ttlMs) return hit.groups;
    const groups = identity
      .listMemberships(userId)
      .then((list) => new Set(list.map((g) => g.id)) as ReadonlySet<string>);
    cache.set(userId, { at: now, groups });
    groups.catch(() => cache.delete(userId));
    return groups;
  };
}

/**
 * Litigation hold needs Exchange Online Plan 2 (service plan EXCHANGE_S_ENTERPRISE) or Plan 1 plus Exchange
 * Online Archiving (EXCHANGE_S_ARCHIVE_ADDON), directly assigned or inherited from a group, and not disabled.
 */
import type { Tenant } from '../state/tenant.js';

const HOLD_PLANS = new Set(['EXCHANGE_S_ENTERPRISE', 'EXCHANGE_S_ARCHIVE_ADDON']);

export function canHoldMailbox(tenant: Tenant, userId: string): boolean {
  const user = tenant.directory.getUser(userId);
  if (!user) return false;
  for (const licence of tenant.directory.effectiveLicenses(user)) {
    const sku = tenant.getSku(licence.skuId);
    const disabled = new Set(licence.disabledPlans.map((p) => p.toLowerCase()));
    for (const plan of sku?.servicePlans ?? []) {
      if (HOLD_PLANS.has(plan.servicePlanName) && !disabled.has(plan.servicePlanId.toLowerCase()))
        return true;
    }
  }
  return false;
}

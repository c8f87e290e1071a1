/** Entra ID (Microsoft Graph) licences: the tenant's subscriptions and a user's assignments. */

export interface LicenceAssignment {
  skuId: string;
  skuPartNumber?: string;
  /** Null when directly assigned; the group id when inherited. */
  assignedByGroup: string | null;
  disabledPlans: string[];
  state?: string;
}

export interface SubscribedSku {
  skuId: string;
  skuPartNumber: string;
  enabledUnits: number;
  consumedUnits: number;
  servicePlans: { servicePlanId: string; servicePlanName: string }[];
}

export interface Licences {
  /** One entry per assignment path: direct, and once per group the SKU is inherited from. */
  getLicences(userId: string): Promise<LicenceAssignment[]>;
  listSubscribedSkus(): Promise<SubscribedSku[]>;
  /** Direct assignments only; group-inherited licences go with the group membership. */
  assignLicences(
    userId: string,
    add: { skuId: string; disabledPlans?: string[] }[],
    removeSkuIds: string[],
  ): Promise<void>;
}

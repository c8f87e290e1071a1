import { ConflictError, InvalidInputError } from '../../core/errors.js';
import type { LicenceAssignment, Licences, SubscribedSku } from '../../core/ports/licences.js';
import type { GraphApi } from './graph-api.js';
import { graphMessageMatches } from './graph-errors.js';
import { licenceDetailSchema, subscribedSkuSchema, userLicencesSchema } from './graph-schemas.js';
import { assertObjectId, buildQueryString, userKeySegment } from './odata-query.js';
import { z } from 'zod';

type UserLicences = z.infer<typeof userLicencesSchema>;

/**
 * One entry per assignment path: a SKU assigned directly and also inherited from a group yields two
 * entries. `licenseAssignmentStates` tells them apart; when a tenant omits it, `assignedLicenses`
 * is reported as direct.
 */
export function toLicenceAssignments(
  user: UserLicences,
  partNumbers: ReadonlyMap<string, string>,
): LicenceAssignment[] {
  const states = user.licenseAssignmentStates ?? [];
  if (states.length > 0) {
    return states.map((state) => ({
      skuId: state.skuId,
      skuPartNumber: partNumbers.get(state.skuId.toLowerCase()),
      assignedByGroup: state.assignedByGroup ?? null,
      disabledPlans: state.disabledPlans ?? [],
      state: state.state ?? undefined,
    }));
  }
  return (user.assignedLicenses ?? []).map((licence) => ({
    skuId: licence.skuId,
    skuPartNumber: partNumbers.get(licence.skuId.toLowerCase()),
    assignedByGroup: null,
    disabledPlans: licence.disabledPlans ?? [],
  }));
}

/** Licence reads (licenseAssignmentStates, subscribedSkus) and direct assignment changes. */
export class GraphLicences implements Licences {
  constructor(private readonly api: GraphApi) {}

  async getLicences(userId: string): Promise<LicenceAssignment[]> {
    const key = userKeySegment(userId);
    const [user, details] = await Promise.all([
      this.api.get(
        `/users${key}${buildQueryString({ $select: 'id,onPremisesSyncEnabled,assignedLicenses,licenseAssignmentStates' })}`,
        userLicencesSchema,
        {
          what: `Read licences of ${userId}`,
        },
      ),
      this.api.list(
        `/users${key}/licenseDetails${buildQueryString({ $select: 'skuId,skuPartNumber' })}`,
        licenceDetailSchema,
        {
          what: `Read licence details of ${userId}`,
        },
      ),
    ]);
    const partNumbers = new Map<string, string>();
    for (const detail of details)
      if (detail.skuPartNumber) partNumbers.set(detail.skuId.toLowerCase(), detail.skuPartNumber);
    return toLicenceAssignments(user, partNumbers);
  }

  /** Seat stock per SKU (Organization.Read.All). Free seats = enabledUnits − consumedUnits. */
  async listSubscribedSkus(): Promise<SubscribedSku[]> {
    const skus = await this.api.list('/subscribedSkus', subscribedSkuSchema, {
      what: 'List subscribed SKUs',
    });
    return skus.map((sku) => ({
      skuId: sku.skuId,
      skuPartNumber: sku.skuPartNumber,
      enabledUnits: sku.prepaidUnits?.enabled ?? 0,
      consumedUnits: sku.consumedUnits,
      servicePlans: (sku.servicePlans ?? []).map((plan) => ({
        servicePlanId: plan.servicePlanId,
        servicePlanName: plan.servicePlanName,
      })),
    }));
  }

  /**
   * Changes direct assignments only. Reads first so that a repeated call is a no-op, and so that a
   * removal of a group-inherited SKU fails with a clear ConflictError instead of Graph's 400.
   */
  async assignLicences(
    userId: string,
    add: { skuId: string; disabledPlans?: string[] }[],
    removeSkuIds: string[],
  ): Promise<void> {
    for (const item of add) assertObjectId(item.skuId, 'SKU id');
    for (const skuId of removeSkuIds) assertObjectId(skuId, 'SKU id');
    const addIds = new Set(add.map((item) => item.skuId.toLowerCase()));
    if (removeSkuIds.some((skuId) => addIds.has(skuId.toLowerCase()))) {
      throw new InvalidInputError('A SKU can not be both added and removed in one call');
    }
    const current = await this.getLicences(userId);
    const direct = new Map(
      current.filter((l) => l.assignedByGroup === null).map((l) => [l.skuId.toLowerCase(), l]),
    );
    const inherited = new Map(
      current.filter((l) => l.assignedByGroup !== null).map((l) => [l.skuId.toLowerCase(), l]),
    );

    const removeLicenses: string[] = [];
    for (const skuId of removeSkuIds) {
      const key = skuId.toLowerCase();
      if (direct.has(key)) removeLicenses.push(key);
      else if (inherited.has(key)) {
        throw new ConflictError(
          `Licence ${skuId} of ${userId} is inherited from group ${inherited.get(key)?.assignedByGroup ?? ''}: remove the group membership instead`,
        );
      }
    }
    const addLicenses = add
      .filter((item) => !sameAssignment(direct.get(item.skuId.toLowerCase()), item.disabledPlans ?? []))
      .map((item) => ({ skuId: item.skuId.toLowerCase(), disabledPlans: item.disabledPlans ?? [] }));
    if (addLicenses.length === 0 && removeLicenses.length === 0) return;
    try {
      await this.api.postNoContent(
        `/users${userKeySegment(userId)}/assignLicense`,
        { addLicenses, removeLicenses },
        {
          what: `Assign licences of ${userId}`,
        },
      );
    } catch (error) {
      // A concurrent removal between our read and the write: the state we wanted is there.
      if (addLicenses.length === 0 && graphMessageMatches(error, /does not have a corresponding license/i))
        return;
      throw error;
    }
  }
}

function sameAssignment(existing: LicenceAssignment | undefined, disabledPlans: string[]): boolean {
  if (existing === undefined) return false;
  const a = [...existing.disabledPlans].map((p) => p.toLowerCase()).sort();
  const b = [...disabledPlans].map((p) => p.toLowerCase()).sort();
  return a.length === b.length && a.every((plan, i) => plan === b[i]);
}

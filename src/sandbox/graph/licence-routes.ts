/** Licences: `subscribedSkus`, `assignLicense` (with the documented failures) and `licenseDetails`. */
import type { RouteContext, RouteDefinition, SandboxResponse } from '../http/service.js';
import { makeMailbox } from '../seed/builders.js';
import type { AssignedLicense, UserRecord } from '../state/directory-types.js';
import { directoryBadRequest, ok } from './errors.js';
import { requireUser } from './lookup.js';
import { userRead } from './users-routes.js';
import { fullUserJson, project } from './user-view.js';

function subscribedSkus(rc: RouteContext): SandboxResponse {
  const consumed = rc.tenant.consumedUnits();
  const value = rc.tenant.skus().map((s) => ({
    accountName: s.accountName,
    accountId: s.accountId,
    appliesTo: s.appliesTo,
    capabilityStatus: s.capabilityStatus,
    consumedUnits: consumed.get(s.skuId.toLowerCase()) ?? 0,
    id: `${rc.tenant.tenantId}_${s.skuId}`,
    prepaidUnits: { ...s.prepaidUnits },
    servicePlans: s.servicePlans.map((p) => ({ ...p })),
    skuId: s.skuId,
    skuPartNumber: s.skuPartNumber,
    subscriptionIds: [...s.subscriptionIds],
  }));
  return ok({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#subscribedSkus', value });
}

function licenseDetails(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  const seen = new Set<string>();
  const value = [];
  for (const l of rc.tenant.directory.effectiveLicenses(user)) {
    const sku = rc.tenant.getSku(l.skuId);
    if (!sku || seen.has(sku.skuId)) continue;
    seen.add(sku.skuId);
    value.push({
      id: Buffer.from(`${user.id}_${sku.skuId}`).toString('base64url'),
      skuId: sku.skuId,
      skuPartNumber: sku.skuPartNumber,
      servicePlans: sku.servicePlans.map((p) => ({
        servicePlanId: p.servicePlanId,
        servicePlanName: p.servicePlanName,
        provisioningStatus: l.disabledPlans.includes(p.servicePlanId) ? 'Disabled' : 'Success',
        appliesTo: p.appliesTo,
      })),
    });
  }
  return ok({
    '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${user.id}')/licenseDetails`,
    value,
  });
}

function parseAdd(rc: RouteContext, raw: unknown): AssignedLicense[] {
  if (!Array.isArray(raw))
    return directoryBadRequest(
      rc.request,
      "Invalid value specified for property 'addLicenses' of resource 'User'.",
    );
  return raw.map((item: unknown) => {
    const o = item as Record<string, unknown> | null;
    const skuId = o?.['skuId'];
    const disabled = o?.['disabledPlans'] ?? [];
    if (
      typeof skuId !== 'string' ||
      !Array.isArray(disabled) ||
      disabled.some((d) => typeof d !== 'string')
    ) {
      return directoryBadRequest(
        rc.request,
        "Invalid value specified for property 'addLicenses' of resource 'User'.",
      );
    }
    return { skuId: skuId.toLowerCase(), disabledPlans: disabled as string[] };
  });
}

function assignLicense(rc: RouteContext): SandboxResponse {
  const req = rc.request;
  const user = requireUser(rc);
  const body = req.body as Record<string, unknown> | undefined;
  if (!body || !('addLicenses' in body) || !('removeLicenses' in body)) {
    return directoryBadRequest(req, "Both 'addLicenses' and 'removeLicenses' are required.");
  }
  const add = parseAdd(rc, body['addLicenses']);
  const removeRaw = body['removeLicenses'];
  if (!Array.isArray(removeRaw) || removeRaw.some((r) => typeof r !== 'string')) {
    return directoryBadRequest(
      req,
      "Invalid value specified for property 'removeLicenses' of resource 'User'.",
    );
  }
  const remove = (removeRaw as string[]).map((r) => r.toLowerCase());
  const effective = rc.tenant.directory.effectiveLicenses(user);
  for (const skuId of remove) {
    if (!rc.tenant.getSku(skuId))
      directoryBadRequest(req, `License ${skuId} does not correspond to a valid company License.`);
    const direct = user.assignedLicenses.some((l) => l.skuId.toLowerCase() === skuId);
    if (!direct && effective.some((l) => l.skuId.toLowerCase() === skuId && l.assignedByGroup !== null)) {
      directoryBadRequest(
        req,
        'User license is inherited from a group membership and it cannot be removed directly from the user.',
      );
    }
    if (!direct) directoryBadRequest(req, 'User does not have a corresponding license.');
  }
  const consumed = rc.tenant.consumedUnits();
  for (const l of add) {
    const sku = rc.tenant.getSku(l.skuId);
    if (!sku) directoryBadRequest(req, `License ${l.skuId} does not correspond to a valid company License.`);
    if (user.usageLocation === null)
      directoryBadRequest(req, 'License assignment cannot be done for user with invalid usage location.');
    const isHeld = effective.some((e) => e.skuId.toLowerCase() === l.skuId);
    if (!isHeld && (consumed.get(l.skuId) ?? 0) >= sku.prepaidUnits.enabled) {
      directoryBadRequest(req, `Subscription with SKU ${sku.skuId} does not have any available licenses.`);
    }
  }
  const next = user.assignedLicenses.filter(
    (l) => !remove.includes(l.skuId.toLowerCase()) && !add.some((a) => a.skuId === l.skuId.toLowerCase()),
  );
  for (const l of add)
    next.push({ skuId: rc.tenant.getSku(l.skuId)?.skuId ?? l.skuId, disabledPlans: l.disabledPlans });
  rc.setOperation(
    add.length > 0 && remove.length === 0
      ? 'licence.assign'
      : remove.length > 0 && add.length === 0
        ? 'licence.remove'
        : 'licence.change',
  );
  const updated = rc.tenant.directory.updateUser(user.id, { assignedLicenses: next });
  provisionMailboxIfLicensed(rc, updated);
  const full = fullUserJson(rc.tenant, updated);
  return ok({
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
    ...project(full, null),
    accountEnabled: full['accountEnabled'],
    assignedLicenses: full['assignedLicenses'],
    assignedPlans: full['assignedPlans'],
    city: full['city'],
    companyName: full['companyName'],
  });
}

/**
 * Exchange Online creates a mailbox once a licence with an enabled Exchange plan is assigned (a cloud
 * user without one). The sandbox creates it at once; its calendar grants still follow the consistency
 * delays of their own.
 */
function provisionMailboxIfLicensed(rc: RouteContext, user: UserRecord): void {
  if (rc.tenant.exchange.getMailbox(user.id)) return;
  const hasExchange = rc.tenant.directory.effectiveLicenses(user).some((l) => {
    const disabled = new Set(l.disabledPlans.map((p) => p.toLowerCase()));
    return (rc.tenant.getSku(l.skuId)?.servicePlans ?? []).some(
      (plan) =>
        plan.servicePlanName.startsWith('EXCHANGE_S_') && !disabled.has(plan.servicePlanId.toLowerCase()),
    );
  });
  if (hasExchange) rc.tenant.exchange.addMailbox(makeMailbox(rc.tenant.info, user, {}));
}

export const licenceRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    path: '/v1.0/subscribedSkus',
    permissions: [
      'Organization.Read.All',
      'Directory.Read.All',
      'Organization.ReadWrite.All',
      'Directory.ReadWrite.All',
    ],
    handler: subscribedSkus,
  },
  { method: 'GET', path: '/v1.0/users/:id/licenseDetails', permissions: userRead, handler: licenseDetails },
  {
    method: 'POST',
    path: '/v1.0/users/:id/assignLicense',
    permissions: ['LicenseAssignment.ReadWrite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
    operation: 'licence.change',
    handler: assignLicense,
  },
];

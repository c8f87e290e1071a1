/** The Graph JSON of a user: every supported property, the default set, and `$select` projection. */
import type { UserRecord } from '../state/directory-types.js';
import type { Tenant } from '../state/tenant.js';

export const defaultUserProperties = [
  'businessPhones',
  'displayName',
  'givenName',
  'id',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
] as const;

const licenceProperties = ['assignedLicenses', 'assignedPlans', 'licenseAssignmentStates'];

/** True when any of the texts (a $select, $filter, …) names a licence property (costly to compute). */
export function mentionsLicences(...texts: (string | null | undefined)[]): boolean {
  return texts.some(
    (t) =>
      t !== null &&
      t !== undefined &&
      licenceProperties.some((p) => t.toLowerCase().includes(p.toLowerCase())),
  );
}

/**
 * All properties the sandbox knows for microsoft.graph.user (the universe for `$select` and `$filter`).
 * With `withLicences` false the licence properties are present but null (cheap, for queries not using them).
 */
export function fullUserJson(tenant: Tenant, u: UserRecord, withLicences = true): Record<string, unknown> {
  const effective = withLicences ? tenant.directory.effectiveLicenses(u) : [];
  const assigned = new Map<string, { skuId: string; disabledPlans: string[] }>();
  for (const l of effective)
    if (!assigned.has(l.skuId)) assigned.set(l.skuId, { disabledPlans: l.disabledPlans, skuId: l.skuId });
  const assignedPlans = [...assigned.values()].flatMap((l) =>
    (tenant.getSku(l.skuId)?.servicePlans ?? [])
      .filter((p) => !l.disabledPlans.includes(p.servicePlanId))
      .map((p) => ({
        assignedDateTime: u.createdDateTime,
        capabilityStatus: 'Enabled',
        service: p.servicePlanName,
        servicePlanId: p.servicePlanId,
      })),
  );
  return {
    id: u.id,
    deletedDateTime: null,
    accountEnabled: u.accountEnabled,
    assignedLicenses: withLicences ? [...assigned.values()] : null,
    assignedPlans: withLicences ? assignedPlans : null,
    businessPhones: [...u.businessPhones],
    city: u.city,
    companyName: u.companyName,
    country: u.country,
    createdDateTime: u.createdDateTime,
    department: u.department,
    displayName: u.displayName,
    employeeHireDate: u.employeeHireDate,
    employeeId: u.employeeId,
    employeeLeaveDateTime: u.employeeLeaveDateTime,
    employeeType: u.employeeType,
    givenName: u.givenName,
    identities: [
      { signInType: 'userPrincipalName', issuer: tenant.info.domain, issuerAssignedId: u.userPrincipalName },
    ],
    jobTitle: u.jobTitle,
    lastPasswordChangeDateTime: u.lastPasswordChangeDateTime,
    licenseAssignmentStates: !withLicences
      ? null
      : effective.map((l) => ({
          assignedByGroup: l.assignedByGroup,
          disabledPlans: l.disabledPlans,
          error: 'None',
          lastUpdatedDateTime: u.createdDateTime,
          skuId: l.skuId,
          state: 'Active',
        })),
    mail: u.mail,
    mailNickname: u.mailNickname,
    mobilePhone: u.mobilePhone,
    officeLocation: u.officeLocation,
    onPremisesDistinguishedName: u.onPremisesDistinguishedName,
    onPremisesDomainName: u.onPremisesDomainName,
    onPremisesExtensionAttributes: { ...u.onPremisesExtensionAttributes },
    onPremisesImmutableId: u.onPremisesImmutableId,
    onPremisesSamAccountName: u.onPremisesSamAccountName,
    onPremisesSyncEnabled: u.onPremisesSyncEnabled,
    postalCode: u.postalCode,
    preferredLanguage: u.preferredLanguage,
    proxyAddresses: [...u.proxyAddresses],
    signInSessionsValidFromDateTime: u.signInSessionsValidFromDateTime,
    surname: u.surname,
    usageLocation: u.usageLocation,
    userPrincipalName: u.userPrincipalName,
    userType: u.userType,
  };
}

export class SelectError extends Error {}

/** Parses `$select` (comma-separated); null when absent. Unknown names throw SelectError. */
export function parseSelect(raw: string | null, known: readonly string[]): string[] | null {
  if (raw === null || raw.trim() === '') return null;
  const out: string[] = [];
  for (const name of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = known.find((k) => k.toLowerCase() === name.toLowerCase());
    if (!match)
      throw new SelectError(`Could not find a property named '${name}' on type 'microsoft.graph.user'.`);
    if (!out.includes(match)) out.push(match);
  }
  return out;
}

export function project(
  full: Record<string, unknown>,
  select: readonly string[] | null,
): Record<string, unknown> {
  const names = select ?? defaultUserProperties;
  const out: Record<string, unknown> = {};
  for (const n of names) out[n] = full[n] ?? null;
  return out;
}

/** The short directoryObject form used in manager / directReports / members lists. */
export function userReference(u: UserRecord): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.user',
    id: u.id,
    businessPhones: [...u.businessPhones],
    displayName: u.displayName,
    givenName: u.givenName,
    jobTitle: u.jobTitle,
    mail: u.mail,
    mobilePhone: u.mobilePhone,
    officeLocation: u.officeLocation,
    preferredLanguage: u.preferredLanguage,
    surname: u.surname,
    userPrincipalName: u.userPrincipalName,
  };
}

import { z } from 'zod';
import type { IdentityUser } from '../../core/ports/identity.js';

/** Properties requested for every user read (all but the first four are "returned only on $select"). */
export const USER_SELECT = [
  'id',
  'displayName',
  'userPrincipalName',
  'mail',
  'accountEnabled',
  'onPremisesSyncEnabled',
  'onPremisesSamAccountName',
  'onPremisesDistinguishedName',
  'employeeId',
  'employeeType',
  'department',
  'jobTitle',
  'usageLocation',
  'userType',
  'onPremisesExtensionAttributes',
].join(',');

const optionalString = z.string().nullish();

export const graphUserSchema = z.object({
  '@odata.type': z.string().optional(),
  id: z.string(),
  displayName: optionalString,
  userPrincipalName: optionalString,
  mail: optionalString,
  accountEnabled: z.boolean().nullish(),
  onPremisesSyncEnabled: z.boolean().nullish(),
  onPremisesSamAccountName: optionalString,
  onPremisesDistinguishedName: optionalString,
  employeeId: optionalString,
  employeeType: optionalString,
  department: optionalString,
  jobTitle: optionalString,
  usageLocation: optionalString,
  userType: optionalString,
  onPremisesExtensionAttributes: z.record(z.string(), z.string().nullable()).nullish(),
});
export type GraphUser = z.infer<typeof graphUserSchema>;

function defined(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : value;
}

export function toIdentityUser(user: GraphUser): IdentityUser {
  const extensions: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(user.onPremisesExtensionAttributes ?? {}))
    extensions[key] = defined(value);
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName ?? '',
    displayName: user.displayName ?? '',
    mail: defined(user.mail),
    // A missing value (not selected, or an orgContact) is reported as disabled only if Graph says so.
    accountEnabled: user.accountEnabled !== false,
    isSynced: user.onPremisesSyncEnabled === true,
    onPremisesSamAccountName: defined(user.onPremisesSamAccountName),
    onPremisesDistinguishedName: defined(user.onPremisesDistinguishedName),
    employeeId: defined(user.employeeId),
    employeeType: defined(user.employeeType),
    department: defined(user.department),
    jobTitle: defined(user.jobTitle),
    usageLocation: defined(user.usageLocation),
    extensionAttributes: Object.keys(extensions).length === 0 ? undefined : extensions,
    userType: defined(user.userType),
  };
}

export const licenceStateSchema = z.object({
  skuId: z.string(),
  assignedByGroup: z.string().nullish(),
  state: z.string().nullish(),
  error: z.string().nullish(),
  disabledPlans: z.array(z.string()).nullish(),
});

export const userLicencesSchema = z.object({
  id: z.string(),
  onPremisesSyncEnabled: z.boolean().nullish(),
  assignedLicenses: z
    .array(z.object({ skuId: z.string(), disabledPlans: z.array(z.string()).nullish() }))
    .nullish(),
  licenseAssignmentStates: z.array(licenceStateSchema).nullish(),
});

export const licenceDetailSchema = z.object({ skuId: z.string(), skuPartNumber: z.string().nullish() });

export const subscribedSkuSchema = z.object({
  skuId: z.string(),
  skuPartNumber: z.string(),
  capabilityStatus: z.string().nullish(),
  consumedUnits: z.number(),
  prepaidUnits: z.object({ enabled: z.number() }).nullish(),
  servicePlans: z.array(z.object({ servicePlanId: z.string(), servicePlanName: z.string() })).nullish(),
});

export const directoryObjectSchema = z.object({
  '@odata.type': z.string().optional(),
  id: z.string(),
  displayName: z.string().nullish(),
  groupTypes: z.array(z.string()).nullish(),
  mailEnabled: z.boolean().nullish(),
  securityEnabled: z.boolean().nullish(),
  onPremisesSyncEnabled: z.boolean().nullish(),
  isAssignableToRole: z.boolean().nullish(),
  resourceProvisioningOptions: z.array(z.string()).nullish(),
  /** directoryRole only. */
  roleTemplateId: z.string().nullish(),
  mail: z.string().nullish(),
  membershipRule: z.string().nullish(),
});
export type DirectoryObject = z.infer<typeof directoryObjectSchema>;

const dateTimeTimeZoneSchema = z.object({ dateTime: z.string(), timeZone: z.string().nullish() });

export const automaticRepliesSchema = z.object({
  status: z.string(),
  externalAudience: z.string().nullish(),
  internalReplyMessage: z.string().nullish(),
  externalReplyMessage: z.string().nullish(),
  scheduledStartDateTime: dateTimeTimeZoneSchema.nullish(),
  scheduledEndDateTime: dateTimeTimeZoneSchema.nullish(),
});

export const teamsAppSchema = z.object({
  id: z.string(),
  externalId: z.string().nullish(),
  displayName: z.string().nullish(),
});

export const installedAppSchema = z.object({ id: z.string(), teamsApp: teamsAppSchema.nullish() });

export const driveSchema = z.object({
  id: z.string(),
  webUrl: z.string(),
  driveType: z.string().nullish(),
});

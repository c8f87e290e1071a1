/** Input of the provisioning steps, and the joiner row every entry point (Teams, CSV, queue) produces. */
import { z } from 'zod';
import { upnSchema } from '../upn.js';
import type { ResolvedLicence, UsageLocationSource } from './provision-mapping.js';

const upn = upnSchema('is not a user principal name');

/** One joiner as an import gives them. Columns other than these feed the mapping by attribute name. */
export const joinerRowSchema = z.object({
  userPrincipalName: upn,
  displayName: z.string().trim().max(256).optional(),
  employeeType: z.string().trim().max(256).optional(),
  employeeId: z
    .string()
    .trim()
    .max(64)
    .regex(/^[A-Za-z0-9._-]+$/, 'may contain letters, digits, dot, dash and underscore only')
    .optional(),
  usageLocation: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, 'must be a two-letter ISO country code')
    .optional(),
  /** Other columns by lower-cased header (extensionattribute1, department…). */
  attributes: z.record(z.string(), z.string().max(1024)).default({}),
});

export type JoinerRow = z.infer<typeof joinerRowSchema>;

export interface ProvisionLicence {
  skuId: string;
  skuPartNumber: string;
  disabledPlans: string[];
  disabledPlanNames: string[];
}

export const toProvisionLicence = (l: ResolvedLicence): ProvisionLicence => ({
  skuId: l.skuId,
  skuPartNumber: l.skuPartNumber,
  disabledPlans: l.disabledPlanIds,
  disabledPlanNames: l.disabledPlanNames,
});

/** What the steps receive (stored with the run, JSON only). */
export interface ProvisionInput {
  requestId: string;
  /** The account that is changed: the joiner's, or a rehire's former account. */
  user: { id: string; userPrincipalName: string; displayName: string; mail?: string };
  usageLocation: { value: string; source: UsageLocationSource } | null;
  licences: ProvisionLicence[];
  /** Why these licences ("employeeType is Contractor (rule 2)"). */
  reason: string;
  /** Re-enable a disabled account (rehire). */
  reactivate: boolean;
  /** Wait for the Exchange Online mailbox after licensing. */
  mailbox: { isExpected: boolean; pollMs: number };
}

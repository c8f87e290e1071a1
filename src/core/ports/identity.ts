/** The Entra ID user (Microsoft Graph) as the Entra capability ports and their callers see it. */

export interface IdentityUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mail?: string;
  accountEnabled: boolean;
  /** True when synced from on-premises AD (`onPremisesSyncEnabled`). */
  isSynced: boolean;
  onPremisesSamAccountName?: string;
  onPremisesDistinguishedName?: string;
  employeeId?: string;
  employeeType?: string;
  department?: string;
  jobTitle?: string;
  usageLocation?: string;
  /** Extension attributes 1–15 as `extensionAttribute1`… */
  extensionAttributes?: Record<string, string | undefined>;
  userType?: string;
}

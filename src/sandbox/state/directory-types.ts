/** Entra ID objects of the simulated tenant (users, groups, licences, app registrations). */
import type { Visibility } from './visibility.js';

export interface AssignedLicense {
  skuId: string;
  disabledPlans: string[];
}

export type ExtensionAttributeName =
  | 'extensionAttribute1'
  | 'extensionAttribute2'
  | 'extensionAttribute3'
  | 'extensionAttribute4'
  | 'extensionAttribute5'
  | 'extensionAttribute6'
  | 'extensionAttribute7'
  | 'extensionAttribute8'
  | 'extensionAttribute9'
  | 'extensionAttribute10'
  | 'extensionAttribute11'
  | 'extensionAttribute12'
  | 'extensionAttribute13'
  | 'extensionAttribute14'
  | 'extensionAttribute15';

export type OnPremisesExtensionAttributes = Record<ExtensionAttributeName, string | null>;

/** A user as Graph stores it. Property names are Graph's so routes can project them directly. */
export interface UserRecord {
  id: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  mailNickname: string;
  /** `SMTP:primary@…` (upper-case prefix) and `smtp:alias@…`. */
  proxyAddresses: string[];
  accountEnabled: boolean;
  userType: 'Member' | 'Guest';
  jobTitle: string | null;
  department: string | null;
  companyName: string | null;
  officeLocation: string | null;
  city: string | null;
  country: string | null;
  postalCode: string | null;
  businessPhones: string[];
  mobilePhone: string | null;
  preferredLanguage: string | null;
  /** ISO 3166 alpha-2; null until set (licences can't be assigned without it). */
  usageLocation: string | null;
  employeeId: string | null;
  employeeType: string | null;
  employeeHireDate: string | null;
  employeeLeaveDateTime: string | null;
  /** true = synced from AD now, false = was synced, null = cloud-only. */
  onPremisesSyncEnabled: boolean | null;
  onPremisesSamAccountName: string | null;
  onPremisesDistinguishedName: string | null;
  onPremisesImmutableId: string | null;
  onPremisesDomainName: string | null;
  onPremisesExtensionAttributes: OnPremisesExtensionAttributes;
  managerId: string | null;
  /** Direct assignments only; group-inherited licences are derived from group licences. */
  assignedLicenses: AssignedLicense[];
  createdDateTime: string;
  signInSessionsValidFromDateTime: string;
  lastPasswordChangeDateTime: string;
  forceChangePasswordNextSignIn: boolean;
  /** Entra directory roles held (e.g. 'Global Administrator'): makes the user a sensitive target. */
  directoryRoles: string[];
  /**
   * Set when another cloud service (e.g. Exchange Online, or a former sync source) masters the object:
   * Graph refuses writes of its attributes ("…objects that have originated within an external service.").
   */
  masteredByExternalService?: boolean;
}

export interface DeletedUserRecord {
  user: UserRecord;
  deletedDateTime: string;
  /** Cloud groups the user belonged to, restored with the user. */
  groupIds: string[];
}

export interface GroupRecord {
  id: string;
  displayName: string;
  description: string | null;
  mail: string | null;
  mailNickname: string;
  mailEnabled: boolean;
  securityEnabled: boolean;
  /** 'Unified' (Microsoft 365), 'DynamicMembership'. */
  groupTypes: string[];
  membershipRule: string | null;
  membershipRuleProcessingState: string | null;
  onPremisesSyncEnabled: boolean | null;
  /** ['Team'] for Teams-enabled Microsoft 365 groups. */
  resourceProvisioningOptions: string[];
  isAssignableToRole: boolean;
  visibility: 'Public' | 'Private' | null;
  /** Group-based licensing: every member inherits these. */
  assignedLicenses: AssignedLicense[];
  createdDateTime: string;
}

export interface MembershipRecord extends Visibility {
  groupId: string;
  /** A user or group id. */
  memberId: string;
}

export interface ServicePlanInfo {
  servicePlanId: string;
  servicePlanName: string;
  provisioningStatus: string;
  appliesTo: string;
}

export interface SkuRecord {
  skuId: string;
  skuPartNumber: string;
  accountId: string;
  accountName: string;
  appliesTo: 'User' | 'Company';
  capabilityStatus: 'Enabled' | 'Suspended' | 'Warning' | 'LockedOut' | 'Deleted';
  prepaidUnits: { enabled: number; lockedOut: number; suspended: number; warning: number };
  /** Seats used by accounts that are not modelled as users (so realistic numbers need not mean 1000s of users). */
  externallyConsumedUnits: number;
  servicePlans: ServicePlanInfo[];
  subscriptionIds: string[];
}

/** Which token audience an application permission belongs to. */
export type ResourceName = 'graph' | 'exchange' | 'sharepoint';

export interface AppCertificate {
  /** base64url SHA-1 of the DER certificate (the JWT `x5t` header). */
  thumbprintSha1: string;
  /** base64url SHA-256 of the DER certificate (the JWT `x5t#S256` header). */
  thumbprintSha256: string;
  publicKeyPem: string;
}

export interface AppRegistration {
  appId: string;
  displayName: string;
  /** Hex SHA-256 of each valid client secret (the plain secret is never stored). */
  secretSha256: string[];
  certificates: AppCertificate[];
  /** Application permissions (app roles) granted with admin consent, per resource. */
  roles: Record<ResourceName, string[]>;
  /** Entra roles held by the app's service principal (needed for writes on sensitive targets). */
  directoryRoles: string[];
}

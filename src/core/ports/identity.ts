/** Entra ID (Microsoft Graph): users, managers, sign-in, licences, groups, deletion. */

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

export type GroupKind = 'security' | 'microsoft365' | 'distribution' | 'mail-enabled-security' | 'role';

export interface GroupMembership {
  id: string;
  displayName: string;
  kind: GroupKind;
  /** Membership rule–driven: can't be removed, only reported. */
  isDynamic: boolean;
  /** Synced from AD: must be changed in AD. */
  isSynced: boolean;
  /** Mail-enabled security or distribution group: must be changed in Exchange. */
  isMailEnabled: boolean;
  /** Teams-enabled Microsoft 365 group. */
  isTeam: boolean;
}

export interface AutomaticReplies {
  status: 'disabled' | 'alwaysEnabled' | 'scheduled';
  internalReplyMessage?: string;
  externalReplyMessage?: string;
  externalAudience?: 'none' | 'contactsOnly' | 'all';
  scheduledStartDateTime?: string;
  scheduledEndDateTime?: string;
}

export interface MailMessage {
  to: string[];
  subject: string;
  /** HTML body. */
  html: string;
}

export type UserSearchResult =
  | { kind: 'found'; user: IdentityUser }
  | { kind: 'ambiguous'; choices: IdentityUser[] }
  | { kind: 'not-found'; suggestions: IdentityUser[] };

export interface Identity {
  /** By object id, UPN or mail; null when absent. */
  getUser(idOrUpn: string): Promise<IdentityUser | null>;
  /** Resolve free text: UPN, mail, id, or a display-name search returning choices or suggestions. */
  resolveUser(query: string): Promise<UserSearchResult>;
  /** Users whose employeeId equals the value (rehire detection). */
  findByEmployeeId(employeeId: string): Promise<IdentityUser[]>;
  getManager(userId: string): Promise<IdentityUser | null>;
  /** Manager, manager's manager, … up to `maxDepth`. */
  getManagerChain(userId: string, maxDepth?: number): Promise<IdentityUser[]>;
  getDirectReports(userId: string): Promise<IdentityUser[]>;
  setAccountEnabled(userId: string, isEnabled: boolean): Promise<void>;
  revokeSignInSessions(userId: string): Promise<void>;
  /** Cloud-only users: set a random password (never returned or logged). */
  resetPassword(userId: string): Promise<void>;
  setUsageLocation(userId: string, countryCode: string): Promise<void>;
  getLicences(userId: string): Promise<LicenceAssignment[]>;
  listSubscribedSkus(): Promise<SubscribedSku[]>;
  assignLicences(
    userId: string,
    add: { skuId: string; disabledPlans?: string[] }[],
    removeSkuIds: string[],
  ): Promise<void>;
  listMemberships(userId: string): Promise<GroupMembership[]>;
  removeGroupMember(groupId: string, userId: string): Promise<void>;
  addGroupMember(groupId: string, userId: string): Promise<void>;
  getAutomaticReplies(userId: string): Promise<AutomaticReplies>;
  setAutomaticReplies(userId: string, replies: AutomaticReplies): Promise<void>;
  /** Send as the configured sender mailbox. */
  sendMail(fromUserId: string, message: MailMessage): Promise<void>;
  /** Install the org-catalog Teams app for the user; returns false when it was already installed. */
  installTeamsApp(userId: string, manifestAppId: string): Promise<boolean>;
  deleteUser(userId: string): Promise<void>;
  restoreUser(userId: string): Promise<void>;
}

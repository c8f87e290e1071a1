/** Entra ID (Microsoft Graph) group membership: what a user belongs to, and cloud membership changes. */

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
  /** Primary SMTP address of a mail-enabled group (how Exchange names it). */
  mail?: string;
  /** The membership rule of a dynamic group, reported on the card. */
  membershipRule?: string;
}

/** What a user belongs to, nested groups included: for policy checks, never for changes. */
export interface TransitiveMemberships {
  /** Object ids of every group the user is a member of, directly or through nested groups. */
  groupIds: string[];
  /** Template ids of the directory roles the user holds (stable across tenants, unlike role object ids). */
  roleTemplateIds: string[];
}

export interface Groups {
  /** Direct group and directory role memberships, classified. */
  listMemberships(userId: string): Promise<GroupMembership[]>;
  /** Groups (transitively) and directory roles of the user, read now. */
  listTransitiveMemberships(userId: string): Promise<TransitiveMemberships>;
  removeGroupMember(groupId: string, userId: string): Promise<void>;
  addGroupMember(groupId: string, userId: string): Promise<void>;
}

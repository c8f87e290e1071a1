/** Exchange Online mailboxes and the permissions on them. */

export type RecipientType = 'UserMailbox' | 'SharedMailbox' | 'RoomMailbox' | 'EquipmentMailbox';

export interface MailboxInfo {
  /** Exchange identity (ExternalDirectoryObjectId when known). */
  id: string;
  primarySmtpAddress: string;
  userPrincipalName?: string;
  displayName: string;
  /** A `RecipientType`, or another Exchange recipient type (e.g. `DiscoveryMailbox`) passed through. */
  recipientTypeDetails: string;
  /** Exchange DN, used by the GrantSendOnBehalfTo filter. */
  distinguishedName?: string;
  isDirSynced: boolean;
  litigationHoldEnabled: boolean;
  hiddenFromAddressListsEnabled: boolean;
  forwardingSmtpAddress?: string | null;
  deliverToMailboxAndForward?: boolean;
  /** Identities of principals in GrantSendOnBehalfTo. */
  grantSendOnBehalfTo: string[];
}

export interface FullAccessGrant {
  mailbox: string;
  trustee: string;
  accessRights: string[];
  isInherited: boolean;
  isDeny: boolean;
}

export interface SendAsGrant {
  mailbox: string;
  trustee: string;
}

export interface FolderPermission {
  mailbox: string;
  /** Folder identity as used by the API, e.g. `ada@contoso.com:\Calendar` (localized). */
  folder: string;
  user: string;
  accessRights: string[];
  isDelegate?: boolean;
}

/** Settings `updateMailboxSettings` can change together; absent fields are left as they are. */
export interface MailboxSettingsUpdate {
  type?: 'Shared' | 'Regular';
  hiddenFromAddressLists?: boolean;
  /** `smtpAddress: null` clears forwarding. */
  forwarding?: { smtpAddress: string | null; deliverToMailboxAndForward: boolean };
}

export interface MailboxPage<T> {
  items: T[];
  /** Opaque continuation; absent on the last page. */
  next?: string;
}

export interface Mailbox {
  getMailbox(identity: string): Promise<MailboxInfo | null>;
  /** Page through every mailbox (for the permission inventory). */
  listMailboxes(page?: string, pageSize?: number): Promise<MailboxPage<MailboxInfo>>;
  listFullAccess(mailbox: string): Promise<FullAccessGrant[]>;
  addFullAccess(mailbox: string, trustee: string, automapping: boolean): Promise<void>;
  removeFullAccess(mailbox: string, trustee: string): Promise<void>;
  /** SendAs grants held by the trustee, tenant-wide. */
  listSendAsByTrustee(trustee: string): Promise<SendAsGrant[]>;
  removeSendAs(mailbox: string, trustee: string): Promise<void>;
  addSendAs(mailbox: string, trustee: string): Promise<void>;
  /**
   * Mailboxes whose GrantSendOnBehalfTo includes the trustee. The filter names the trustee by its
   * Exchange DN: pass `distinguishedName` when a `getMailbox` of the trustee already answered it (never a
   * value typed by someone), else it is read first.
   */
  listSendOnBehalfByTrustee(trustee: string, distinguishedName?: string): Promise<MailboxInfo[]>;
  addSendOnBehalf(mailbox: string, trustee: string): Promise<void>;
  removeSendOnBehalf(mailbox: string, trustee: string): Promise<void>;
  /** The calendar folder identity, localized (`…:\Calendar`, `…:\Kalender`). */
  getCalendarFolder(mailbox: string): Promise<string>;
  /**
   * Entries of a folder's permission list. Exchange prints folder trustees by display name, which is not
   * unique: pass `user` (UPN or address) to let Exchange resolve the person and return only their entry;
   * the result is then empty when they have none (Exchange's UserNotFoundInPermissionEntryException).
   */
  listFolderPermissions(folder: string, mailbox: string, user?: string): Promise<FolderPermission[]>;
  removeFolderPermission(folder: string, mailbox: string, user: string): Promise<void>;
  /**
   * Adds (or sets) a folder permission. `isDelegate` makes a calendar Editor a delegate again
   * (`SharingPermissionFlags Delegate`), as the undo of a removed delegate needs.
   */
  addFolderPermission(
    folder: string,
    mailbox: string,
    user: string,
    accessRights: string[],
    options?: { isDelegate?: boolean },
  ): Promise<void>;
  convertToShared(mailbox: string): Promise<void>;
  /**
   * Several settings of one mailbox in one Set-Mailbox call (one destructive cmdlet instead of one per
   * setting): all are made or none. Absent fields are left as they are.
   */
  updateMailboxSettings(mailbox: string, settings: MailboxSettingsUpdate): Promise<void>;
  convertToRegular(mailbox: string): Promise<void>;
  setLitigationHold(mailbox: string, isEnabled: boolean, durationDays?: number): Promise<void>;
  setHiddenFromAddressLists(mailbox: string, isHidden: boolean): Promise<void>;
  setForwarding(
    mailbox: string,
    forwarding: { smtpAddress: string | null; deliverToMailboxAndForward: boolean },
  ): Promise<void>;
  /**
   * Removes a member from a distribution group or mail-enabled security group (not dynamic ones),
   * bypassing the group-manager check; a member already gone is not an error.
   */
  removeDistributionGroupMember(group: string, member: string): Promise<void>;
  /** Adds a member back (undo); a member already present is not an error. */
  addDistributionGroupMember(group: string, member: string): Promise<void>;
}

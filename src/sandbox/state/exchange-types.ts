/** Exchange Online and OneDrive objects of the simulated tenant. */
import type { Visibility } from './visibility.js';

export type RecipientTypeDetails = 'UserMailbox' | 'SharedMailbox' | 'RoomMailbox' | 'EquipmentMailbox';

export interface LitigationHold {
  enabled: boolean;
  /** Days, 'Unlimited', or null when not set. */
  duration: number | 'Unlimited' | null;
  owner: string | null;
  /** ISO time the hold was placed. */
  date: string | null;
}

export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

/** Graph `automaticRepliesSetting` (the same data as Exchange's Get-MailboxAutoReplyConfiguration). */
export interface AutomaticRepliesSetting {
  status: 'disabled' | 'alwaysEnabled' | 'scheduled';
  externalAudience: 'none' | 'contactsOnly' | 'all';
  internalReplyMessage: string;
  externalReplyMessage: string;
  scheduledStartDateTime: DateTimeTimeZone;
  scheduledEndDateTime: DateTimeTimeZone;
}

/**
 * A mailbox. Keyed by the Entra object id of its user account (`ExternalDirectoryObjectId`): shared, room and
 * equipment mailboxes have a (disabled) user account too, as in Exchange Online.
 */
export interface MailboxRecord {
  userId: string;
  exchangeGuid: string;
  /** Exchange object name (Name / Identity in cmdlet output). */
  name: string;
  alias: string;
  displayName: string;
  primarySmtpAddress: string;
  /** `SMTP:primary`, `smtp:secondary`, … */
  emailAddresses: string[];
  /** Exchange Online DN, used by `-Filter "GrantSendOnBehalfTo -eq '<DN>'"`. */
  distinguishedName: string;
  recipientTypeDetails: RecipientTypeDetails;
  /** Mirrors the user's onPremisesSyncEnabled: synced attributes (GAL, addresses) can't be written in EXO. */
  isDirSynced: boolean;
  litigationHold: LitigationHold;
  hiddenFromAddressListsEnabled: boolean;
  /** Recipient id (user or group object id) of an internal forwarding target. */
  forwardingAddress: string | null;
  /** `smtp:x@y` as Exchange returns it. */
  forwardingSmtpAddress: string | null;
  deliverToMailboxAndForward: boolean;
  /** Localized name of the default calendar folder: 'Calendar', 'Kalender', 'Calendrier', … */
  calendarFolderName: string;
  automaticReplies: AutomaticRepliesSetting;
  timeZone: string;
  language: { locale: string; displayName: string };
  totalItemSizeBytes: number;
  archiveStatus: 'None' | 'Active';
  whenCreated: string;
  /** Set when the user was deleted (mailbox soft-deleted). */
  whenSoftDeleted: string | null;
  /**
   * A soft-deleted mailbox that was on hold when its user was deleted: Exchange keeps it as an inactive
   * mailbox (`Get-Mailbox -InactiveMailboxOnly`) instead of purging it after 30 days. Absent: false.
   */
  isInactiveMailbox?: boolean;
}

export type MailboxRightKind = 'FullAccess' | 'SendAs' | 'SendOnBehalf';

/**
 * One right a trustee holds on a mailbox. FullAccess is a mailbox ACE (Get-MailboxPermission), SendAs an AD
 * ACE (Get-RecipientPermission), SendOnBehalf an entry of the mailbox's GrantSendOnBehalfTo list.
 */
export interface MailboxRight extends Visibility {
  id: string;
  kind: MailboxRightKind;
  /** Mailbox (its user id). */
  mailboxId: string;
  /** Trustee recipient: a user or a mail-enabled group object id. */
  trusteeId: string;
  /** FullAccess only; true by default in Add-MailboxPermission. */
  autoMapping: boolean;
  inheritanceType: 'All' | 'None' | 'Children' | 'Descendents' | 'SelfAndChildren';
  isInherited: boolean;
  deny: boolean;
}

export type FolderTrustee =
  | { kind: 'default' }
  | { kind: 'anonymous' }
  | { kind: 'recipient'; recipientId: string }
  | { kind: 'external'; address: string; name: string };

export type SharingPermissionFlag = 'Delegate' | 'CanViewPrivateItems';

/** A permission on a mailbox folder. Only the default calendar folder is modelled. */
export interface FolderPermissionRecord extends Visibility {
  id: string;
  mailboxId: string;
  folder: 'calendar';
  trustee: FolderTrustee;
  /** Exchange roles or rights: 'Editor', 'Reviewer', 'AvailabilityOnly', 'LimitedDetails', 'Owner', 'None', … */
  accessRights: string[];
  sharingPermissionFlags: SharingPermissionFlag[];
}

/** A OneDrive for Business (personal site). */
export interface DriveRecord {
  /** Graph drive id (`b!…`). */
  id: string;
  ownerUserId: string;
  /** `https://contoso-my.sharepoint.com/personal/adele_vance_contoso_com` */
  siteUrl: string;
  /** `<siteUrl>/Documents` */
  webUrl: string;
  createdDateTime: string;
  quota: { total: number; used: number; deleted: number; remaining: number; state: string };
  /** Files and folders at the top of the drive (absent: none); their permissions are DrivePermissionRecords. */
  items?: DriveItemRecord[];
}

/** A file or folder of a OneDrive (only the top level is modelled). */
export interface DriveItemRecord {
  id: string;
  name: string;
  isFolder: boolean;
  createdDateTime: string;
}

export type DriveGrantee =
  | { kind: 'user'; userId: string }
  | { kind: 'email'; email: string }
  /** A sharing link: `anonymous` (anyone with the link) or `organization` (anyone in the tenant). */
  | { kind: 'link'; scope: 'anonymous' | 'organization'; type: 'view' | 'edit'; createdByUserId: string };

export interface DrivePermissionRecord extends Visibility {
  id: string;
  driveId: string;
  /** 'root' or an item id. */
  itemId: string;
  roles: string[];
  grantee: DriveGrantee;
  invitationEmail: string | null;
  signInRequired: boolean;
  /** ISO time after which the grant no longer applies (invite `expirationDateTime`); absent = never. */
  expirationDateTime?: string | null;
}

/** A site collection administrator of a site (OneDrive personal sites included). */
export interface SiteAdminRecord extends Visibility {
  id: string;
  siteUrl: string;
  userId: string;
  /** The primary owner can't be removed as admin. */
  isPrimaryOwner: boolean;
}

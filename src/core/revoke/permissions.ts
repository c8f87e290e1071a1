/**
 * The permissions the revoke flow deals with, how a trustee is recognised, and which found permissions
 * fall inside a request's scope (types, target mailboxes, shared mailboxes).
 */
import type { MailboxInfo } from '../ports/mailbox.js';
import type { PermissionType, RevokeInput } from './input.js';

/** The five groups of the summary JSON (`permissions_removed.*`). */
export const revokeCategories = [
  'full_access',
  'send_as',
  'send_on_behalf',
  'calendar_delegates',
  'shared_mailboxes',
] as const;
export type RevokeCategory = (typeof revokeCategories)[number];

export type PermissionName =
  'FullAccess' | 'SendAs' | 'SendOnBehalf' | 'CalendarDelegate' | 'CalendarPermission';

/** One right the user holds on another mailbox, as read live from Exchange. JSON only. */
export interface FoundPermission {
  category: RevokeCategory;
  /** Primary SMTP address of the mailbox the right is on (lower case). */
  mailbox: string;
  mailboxDisplayName?: string;
  recipientTypeDetails?: string;
  permission: PermissionName;
  /** Calendar role (`Editor`, `Reviewer`…) or rights joined with commas. */
  accessLevel?: string;
  /** The trustee exactly as Exchange returned it: removal uses this value. */
  trustee: string;
  /** Calendar: the localized folder identity (`ceo@contoso.com:\Kalender`). */
  folder?: string;
  /** Calendar and FullAccess: the rights held, kept for undo. */
  accessRights?: string[];
  /** Calendar: whether the user was a delegate (SharingPermissionFlags Delegate). */
  isDelegate?: boolean;
}

/** The names under which Exchange may show the user as a trustee. */
export interface RevokeUser {
  userPrincipalName: string;
  displayName: string;
  primarySmtpAddress: string;
  /** Lower-cased UPN, SMTP address, object id and DN. Display names are never used: they are not unique. */
  identities: string[];
  /** Exchange's DN of the user's mailbox, as Exchange wrote it (the SendOnBehalf filter needs it). */
  distinguishedName?: string;
}

export function revokeUserFrom(upn: string, mailbox: MailboxInfo | null): RevokeUser {
  const identities = new Set<string>([upn.toLowerCase()]);
  if (mailbox) {
    for (const value of [
      mailbox.primarySmtpAddress,
      mailbox.userPrincipalName,
      mailbox.id,
      mailbox.distinguishedName,
    ]) {
      if (value) identities.add(value.toLowerCase());
    }
  }
  return {
    userPrincipalName: mailbox?.userPrincipalName?.toLowerCase() ?? upn.toLowerCase(),
    displayName: mailbox?.displayName ?? upn,
    primarySmtpAddress: mailbox?.primarySmtpAddress.toLowerCase() ?? upn.toLowerCase(),
    identities: [...identities],
    ...(mailbox?.distinguishedName && { distinguishedName: mailbox.distinguishedName }),
  };
}

export function isTrustee(value: string, identities: readonly string[]): boolean {
  return identities.includes(value.trim().toLowerCase());
}

/** The names a mailbox answers to (SMTP, UPN, id), lower case, for matching targets and grants. */
export function mailboxNames(
  info: Pick<MailboxInfo, 'primarySmtpAddress' | 'userPrincipalName' | 'id'>,
): string[] {
  const names = [info.primarySmtpAddress.toLowerCase(), info.id.toLowerCase()];
  if (info.userPrincipalName) names.push(info.userPrincipalName.toLowerCase());
  return names;
}

export function isSharedMailbox(recipientTypeDetails: string | undefined): boolean {
  return recipientTypeDetails === 'SharedMailbox';
}

/** The summary categories a request covers. Shared memberships are FullAccess grants: they need `full_access`. */
export function categoriesFor(
  input: Pick<RevokeInput, 'permissionTypes' | 'removeFromShared'>,
): RevokeCategory[] {
  const byType: Record<PermissionType, RevokeCategory[]> = {
    full_access: input.removeFromShared ? ['full_access', 'shared_mailboxes'] : ['full_access'],
    send_as: ['send_as'],
    send_on_behalf: ['send_on_behalf'],
    calendar: ['calendar_delegates'],
  };
  const wanted = new Set(input.permissionTypes.flatMap((type) => byType[type]));
  return revokeCategories.filter((category) => wanted.has(category));
}

/**
 * Whether a right on `mailbox` is in the request's scope. With `removeFromShared: false` every right on a
 * shared mailbox is kept: the user keeps working with that mailbox.
 */
export function isMailboxInScope(
  input: Pick<RevokeInput, 'targetMailboxes' | 'removeFromShared'>,
  user: RevokeUser,
  mailbox: Pick<MailboxInfo, 'primarySmtpAddress' | 'userPrincipalName' | 'id' | 'recipientTypeDetails'>,
): boolean {
  const names = mailboxNames(mailbox);
  if (names.some((name) => user.identities.includes(name))) return false;
  if (!input.removeFromShared && isSharedMailbox(mailbox.recipientTypeDetails)) return false;
  if (input.targetMailboxes && !names.some((name) => input.targetMailboxes?.includes(name))) return false;
  return true;
}

/** The summary category of a FullAccess grant: membership of a shared mailbox, or plain FullAccess. */
export function fullAccessCategory(recipientTypeDetails: string | undefined): RevokeCategory {
  return isSharedMailbox(recipientTypeDetails) ? 'shared_mailboxes' : 'full_access';
}

/** Calendar rights that are not a grant to a person (`Default`, `Anonymous`) or grant nothing (`None`). */
export function isMeaningfulCalendarGrant(user: string, accessRights: readonly string[]): boolean {
  const name = user.trim().toLowerCase();
  if (name === 'default' || name === 'anonymous') return false;
  return accessRights.some((right) => right.toLowerCase() !== 'none');
}

/** FullAccess ACEs that a person was given explicitly (not inherited, not a deny, not SELF). */
export function isExplicitFullAccess(grant: {
  trustee: string;
  accessRights: readonly string[];
  isInherited: boolean;
  isDeny: boolean;
}): boolean {
  if (grant.isInherited || grant.isDeny) return false;
  if (grant.trustee.toUpperCase() === 'NT AUTHORITY\\SELF') return false;
  return grant.accessRights.some((right) => right.toLowerCase() === 'fullaccess');
}

export function permissionKey(permission: Pick<FoundPermission, 'category' | 'mailbox'>): string {
  return `${permission.category}:${permission.mailbox}`;
}

/** Graph calendar roles ⇄ Exchange folder rights (AccessRights + SharingPermissionFlags). */
import type { FolderPermissionRecord, SharingPermissionFlag } from '../state/exchange-types.js';

/** Roles that are one Exchange role without sharing flags: the roles the Default and Anonymous entries take. */
const folderRoles = ['none', 'freeBusyRead', 'limitedRead', 'read', 'write'] as const;
const delegateRoles = ['delegateWithoutPrivateEventAccess', 'delegateWithPrivateEventAccess'] as const;

export const calendarRoles = [...folderRoles, ...delegateRoles, 'custom'] as const;
export type CalendarRole = (typeof calendarRoles)[number];

interface FolderRights {
  /** The Exchange folder role (one AccessRights value). */
  role: string;
  flags: SharingPermissionFlag[];
}

/** The Exchange role and flags of each Graph role; `custom` stands for every other combination. */
const rightsOfRole: Record<Exclude<CalendarRole, 'custom'>, FolderRights> = {
  none: { role: 'None', flags: [] },
  freeBusyRead: { role: 'AvailabilityOnly', flags: [] },
  limitedRead: { role: 'LimitedDetails', flags: [] },
  read: { role: 'Reviewer', flags: [] },
  write: { role: 'Editor', flags: [] },
  delegateWithoutPrivateEventAccess: { role: 'Editor', flags: ['Delegate'] },
  delegateWithPrivateEventAccess: { role: 'Editor', flags: ['Delegate', 'CanViewPrivateItems'] },
};

export function graphRole(
  p: Pick<FolderPermissionRecord, 'accessRights' | 'sharingPermissionFlags'>,
): CalendarRole {
  const rights = p.accessRights.map((r) => r.toLowerCase());
  if (rights.length !== 1) return 'custom';
  // The flags only make a delegate of an Editor, and CanViewPrivateItems counts only with Delegate.
  const flags = p.sharingPermissionFlags;
  if (rights[0] === 'editor' && flags.includes('Delegate')) {
    return flags.includes('CanViewPrivateItems')
      ? 'delegateWithPrivateEventAccess'
      : 'delegateWithoutPrivateEventAccess';
  }
  return folderRoles.find((role) => rightsOfRole[role].role.toLowerCase() === rights[0]) ?? 'custom';
}

export function exchangeRights(
  role: CalendarRole,
): { accessRights: string[]; flags: SharingPermissionFlag[] } | null {
  if (role === 'custom') return null;
  const rights = rightsOfRole[role];
  return { accessRights: [rights.role], flags: [...rights.flags] };
}

export function allowedRoles(
  trusteeKind: 'default' | 'anonymous' | 'recipient' | 'external',
): CalendarRole[] {
  if (trusteeKind === 'default' || trusteeKind === 'anonymous') return [...folderRoles];
  if (trusteeKind === 'external') return ['freeBusyRead', 'limitedRead', 'read'];
  return [...folderRoles.filter((role) => role !== 'none'), ...delegateRoles];
}

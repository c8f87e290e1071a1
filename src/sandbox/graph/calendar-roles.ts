/** Graph calendar roles ⇄ Exchange folder rights (AccessRights + SharingPermissionFlags). */
import type { FolderPermissionRecord, SharingPermissionFlag } from '../state/exchange-types.js';

export const calendarRoles = [
  'none',
  'freeBusyRead',
  'limitedRead',
  'read',
  'write',
  'delegateWithoutPrivateEventAccess',
  'delegateWithPrivateEventAccess',
  'custom',
] as const;
export type CalendarRole = (typeof calendarRoles)[number];

export function graphRole(
  p: Pick<FolderPermissionRecord, 'accessRights' | 'sharingPermissionFlags'>,
): CalendarRole {
  const rights = p.accessRights.map((r) => r.toLowerCase());
  if (rights.length !== 1) return 'custom';
  switch (rights[0]) {
    case 'none':
      return 'none';
    case 'availabilityonly':
      return 'freeBusyRead';
    case 'limiteddetails':
      return 'limitedRead';
    case 'reviewer':
      return 'read';
    case 'editor':
      if (p.sharingPermissionFlags.includes('Delegate')) {
        return p.sharingPermissionFlags.includes('CanViewPrivateItems')
          ? 'delegateWithPrivateEventAccess'
          : 'delegateWithoutPrivateEventAccess';
      }
      return 'write';
    default:
      return 'custom';
  }
}

export function exchangeRights(
  role: CalendarRole,
): { accessRights: string[]; flags: SharingPermissionFlag[] } | null {
  switch (role) {
    case 'none':
      return { accessRights: ['None'], flags: [] };
    case 'freeBusyRead':
      return { accessRights: ['AvailabilityOnly'], flags: [] };
    case 'limitedRead':
      return { accessRights: ['LimitedDetails'], flags: [] };
    case 'read':
      return { accessRights: ['Reviewer'], flags: [] };
    case 'write':
      return { accessRights: ['Editor'], flags: [] };
    case 'delegateWithoutPrivateEventAccess':
      return { accessRights: ['Editor'], flags: ['Delegate'] };
    case 'delegateWithPrivateEventAccess':
      return { accessRights: ['Editor'], flags: ['Delegate', 'CanViewPrivateItems'] };
    case 'custom':
      return null;
  }
}

export function allowedRoles(
  trusteeKind: 'default' | 'anonymous' | 'recipient' | 'external',
): CalendarRole[] {
  if (trusteeKind === 'default' || trusteeKind === 'anonymous')
    return ['none', 'freeBusyRead', 'limitedRead', 'read', 'write'];
  if (trusteeKind === 'external') return ['freeBusyRead', 'limitedRead', 'read'];
  return [
    'freeBusyRead',
    'limitedRead',
    'read',
    'write',
    'delegateWithoutPrivateEventAccess',
    'delegateWithPrivateEventAccess',
  ];
}

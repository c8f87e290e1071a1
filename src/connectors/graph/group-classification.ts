import type { GroupKind, GroupMembership } from '../../core/ports/groups.js';
import type { DirectoryObject } from './graph-schemas.js';

const GROUP_TYPE = '#microsoft.graph.group';
const ROLE_TYPE = '#microsoft.graph.directoryRole';

/**
 * Classifies a `memberOf` entry so the offboarding plan can route each membership to the system
 * that can change it (graph.md §7): dynamic groups are only reported, synced groups are changed in
 * AD, mail-enabled security groups and distribution lists in Exchange, the rest through Graph.
 * Returns null for objects that are not memberships of a group or role (administrative units).
 */
export function classifyMembership(entry: DirectoryObject): GroupMembership | null {
  const type = entry['@odata.type'] ?? GROUP_TYPE;
  if (type === ROLE_TYPE) {
    return {
      id: entry.id,
      displayName: entry.displayName ?? '',
      kind: 'role',
      isDynamic: false,
      isSynced: false,
      isMailEnabled: false,
      isTeam: false,
    };
  }
  if (type !== GROUP_TYPE) return null;
  const groupTypes = entry.groupTypes ?? [];
  const isUnified = groupTypes.includes('Unified');
  const isMailEnabled = entry.mailEnabled === true;
  const isSecurity = entry.securityEnabled === true;
  let kind: GroupKind;
  if (entry.isAssignableToRole === true) kind = 'role';
  else if (isUnified) kind = 'microsoft365';
  else if (isMailEnabled && isSecurity) kind = 'mail-enabled-security';
  else if (isMailEnabled) kind = 'distribution';
  else kind = 'security';
  return {
    id: entry.id,
    displayName: entry.displayName ?? '',
    kind,
    isDynamic: groupTypes.includes('DynamicMembership'),
    isSynced: entry.onPremisesSyncEnabled === true,
    // Microsoft 365 groups are mail-enabled but managed through Graph; the flag marks Exchange-managed ones.
    isMailEnabled: isMailEnabled && !isUnified,
    isTeam: isUnified && (entry.resourceProvisioningOptions ?? []).includes('Team'),
    ...(entry.mail && { mail: entry.mail }),
    ...(entry.membershipRule && { membershipRule: entry.membershipRule }),
  };
}

/**
 * Which cmdlets each surface serves. InvokeCommand (beta) serves every cmdlet below with all its parameters;
 * each v2.0 endpoint serves a focused whitelist of cmdlets and parameters (admin-api-endpoints-reference).
 */
import type { ParamSpec } from './binding.js';
import type { CmdletDefinition } from './cmdlet.js';
import {
  addMailboxFolderPermission,
  getMailboxFolderPermission,
  removeMailboxFolderPermission,
  setMailboxFolderPermission,
} from './cmdlets/folder-permission.js';
import {
  addDistributionGroupMember,
  removeDistributionGroupMember,
} from './cmdlets/distribution-group-member.js';
import { removeCalendarEvents } from './cmdlets/calendar-events.js';
import { getMailboxFolderStatistics } from './cmdlets/folder-statistics.js';
import { getMailbox, GET_MAILBOX_V2_PARAMS } from './cmdlets/get-mailbox.js';
import {
  getCasMailbox,
  getMobileDevice,
  clearMobileDevice,
  removeMobileDevice,
  setCasMailbox,
} from './cmdlets/mobile-access.js';
import {
  addMailboxPermission,
  getMailboxPermission,
  removeMailboxPermission,
} from './cmdlets/mailbox-permission.js';
import {
  getAcceptedDomain,
  getDistributionGroupMember,
  getDynamicDistributionGroupMember,
  getOrganizationConfig,
} from './cmdlets/organization.js';
import {
  addRecipientPermission,
  getRecipientPermission,
  removeRecipientPermission,
} from './cmdlets/recipient-permission.js';
import { setMailbox, SET_MAILBOX_V2_PARAMS } from './cmdlets/set-mailbox.js';
import { commandNotFound } from './errors.js';

const BETA_CMDLETS: readonly CmdletDefinition[] = [
  getMailbox,
  setMailbox,
  getMailboxPermission,
  addMailboxPermission,
  removeMailboxPermission,
  getRecipientPermission,
  addRecipientPermission,
  removeRecipientPermission,
  getMailboxFolderStatistics,
  getMailboxFolderPermission,
  addMailboxFolderPermission,
  setMailboxFolderPermission,
  removeMailboxFolderPermission,
  getOrganizationConfig,
  getAcceptedDomain,
  getDistributionGroupMember,
  getDynamicDistributionGroupMember,
  addDistributionGroupMember,
  removeDistributionGroupMember,
  getMobileDevice,
  clearMobileDevice,
  removeMobileDevice,
  getCasMailbox,
  setCasMailbox,
  removeCalendarEvents,
];

interface V2Entry {
  cmdlet: CmdletDefinition;
  /** Whitelisted parameter names (a subset of the cmdlet's). */
  params: readonly string[];
}

const FOLDER_WRITE = [
  'Identity',
  'User',
  'AccessRights',
  'SharingPermissionFlags',
  'SendNotificationToUser',
  'Confirm',
];

const V2_ENDPOINTS: ReadonlyMap<string, readonly V2Entry[]> = new Map([
  ['organizationconfig', [{ cmdlet: getOrganizationConfig, params: [] }]],
  ['accepteddomain', [{ cmdlet: getAcceptedDomain, params: ['Identity', 'ResultSize'] }]],
  [
    'mailbox',
    [
      { cmdlet: getMailbox, params: GET_MAILBOX_V2_PARAMS },
      { cmdlet: setMailbox, params: SET_MAILBOX_V2_PARAMS },
    ],
  ],
  [
    'mailboxfolderpermission',
    [
      { cmdlet: getMailboxFolderPermission, params: ['Identity', 'User', 'ResultSize'] },
      { cmdlet: addMailboxFolderPermission, params: FOLDER_WRITE },
      { cmdlet: setMailboxFolderPermission, params: FOLDER_WRITE },
      { cmdlet: removeMailboxFolderPermission, params: ['Identity', 'User', 'Confirm'] },
    ],
  ],
  ['distributiongroupmember', [{ cmdlet: getDistributionGroupMember, params: ['Identity', 'ResultSize'] }]],
  [
    'dynamicdistributiongroupmember',
    [{ cmdlet: getDynamicDistributionGroupMember, params: ['Identity', 'ResultSize'] }],
  ],
]);

/** Canonical names of the v2.0 endpoints, as they appear in URLs. */
export const V2_ENDPOINT_NAMES = [
  'OrganizationConfig',
  'AcceptedDomain',
  'Mailbox',
  'MailboxFolderPermission',
  'DistributionGroupMember',
  'DynamicDistributionGroupMember',
] as const;

export interface ResolvedCmdlet {
  cmdlet: CmdletDefinition;
  specs: readonly ParamSpec[];
}

export function isV2Endpoint(endpoint: string): boolean {
  return V2_ENDPOINTS.has(endpoint.toLowerCase());
}

/** The cmdlet (case-insensitive) and its whitelisted parameters on a surface; throws CommandNotFound. */
export function resolveCmdlet(
  surface: { kind: 'beta' } | { kind: 'v2'; endpoint: string },
  name: string,
): ResolvedCmdlet {
  const lower = name.toLowerCase();
  if (surface.kind === 'beta') {
    const cmdlet = BETA_CMDLETS.find((c) => c.name.toLowerCase() === lower);
    if (!cmdlet) throw commandNotFound(name);
    return { cmdlet, specs: cmdlet.params };
  }
  const entry = V2_ENDPOINTS.get(surface.endpoint.toLowerCase())?.find(
    (e) => e.cmdlet.name.toLowerCase() === lower,
  );
  if (!entry) throw commandNotFound(name);
  const allowed = new Set(entry.params.map((p) => p.toLowerCase()));
  return {
    cmdlet: entry.cmdlet,
    specs: entry.cmdlet.params.filter((s) => allowed.has(s.name.toLowerCase())),
  };
}

/**
 * Which surface serves a cmdlet call. The official v2.0 Admin API (Preview) serves a focused whitelist
 * of cmdlets and parameters per endpoint (exchange-online.md §1.5); everything else goes to the beta
 * InvokeCommand gateway. A call is routed to v2.0 only when the cmdlet and every parameter sent are
 * on that endpoint's whitelist.
 */
export type ExchangeRoute = { surface: 'v2'; endpoint: string } | { surface: 'beta' };

interface V2Entry {
  endpoint: string;
  parameters: readonly string[];
}

const FOLDER_WRITE = ['Identity', 'User', 'AccessRights', 'SharingPermissionFlags', 'SendNotificationToUser'];

const V2_WHITELIST: ReadonlyMap<string, V2Entry> = new Map([
  ['get-organizationconfig', { endpoint: 'OrganizationConfig', parameters: [] }],
  ['get-accepteddomain', { endpoint: 'AcceptedDomain', parameters: ['Identity', 'ResultSize'] }],
  [
    'get-mailbox',
    {
      endpoint: 'Mailbox',
      parameters: ['Identity', 'ResultSize', 'IncludeGrantSendOnBehalfToWithDisplayNames'],
    },
  ],
  // v2.0 documents Set-Mailbox for GrantSendOnBehalfTo only.
  ['set-mailbox', { endpoint: 'Mailbox', parameters: ['Identity', 'GrantSendOnBehalfTo'] }],
  [
    'get-mailboxfolderpermission',
    { endpoint: 'MailboxFolderPermission', parameters: ['Identity', 'User', 'ResultSize'] },
  ],
  ['add-mailboxfolderpermission', { endpoint: 'MailboxFolderPermission', parameters: FOLDER_WRITE }],
  ['set-mailboxfolderpermission', { endpoint: 'MailboxFolderPermission', parameters: FOLDER_WRITE }],
  [
    'remove-mailboxfolderpermission',
    { endpoint: 'MailboxFolderPermission', parameters: ['Identity', 'User'] },
  ],
  [
    'get-distributiongroupmember',
    { endpoint: 'DistributionGroupMember', parameters: ['Identity', 'ResultSize'] },
  ],
  [
    'get-dynamicdistributiongroupmember',
    { endpoint: 'DynamicDistributionGroupMember', parameters: ['Identity', 'ResultSize'] },
  ],
]);

export function routeCmdlet(
  cmdlet: string,
  parameterNames: readonly string[],
  isV2Enabled: boolean,
): ExchangeRoute {
  if (!isV2Enabled) return { surface: 'beta' };
  const entry = V2_WHITELIST.get(cmdlet.toLowerCase());
  if (entry === undefined) return { surface: 'beta' };
  const allowed = new Set(entry.parameters.map((name) => name.toLowerCase()));
  const isAllowed = parameterNames.every((name) => allowed.has(name.toLowerCase()));
  return isAllowed ? { surface: 'v2', endpoint: entry.endpoint } : { surface: 'beta' };
}

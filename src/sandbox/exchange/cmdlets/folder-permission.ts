/** Get-/Add-/Set-/Remove-MailboxFolderPermission on the default calendar folder (both surfaces). */
import type {
  FolderPermissionRecord,
  FolderTrustee,
  SharingPermissionFlag,
} from '../../state/exchange-types.js';
import { builtInTrusteeNames } from '../../state/exchange-store.js';
import type { Tenant } from '../../state/tenant.js';
import type { BoundParameters } from '../binding.js';
import { readResult, WRITE_COMMON_PARAMS, writeResult, type CmdletDefinition } from '../cmdlet.js';
import {
  folderPermissionExists,
  folderPermissionMissing,
  invalidOperation,
  invalidParameter,
} from '../errors.js';
import { resolveCalendarFolder, type ResolvedFolder } from '../folder-identity.js';
import { recipientDisplayName, resolveRecipient } from '../recipients.js';
import { ExoObjectBuilder, type ExoObject } from '../response.js';
import { permissionWriteParams } from './permission-cmdlet.js';
import { noSettingsModifiedWarning } from './set-mailbox.js';

export const FOLDER_ROLES = [
  'None',
  'Owner',
  'PublishingEditor',
  'Editor',
  'PublishingAuthor',
  'Author',
  'NonEditingAuthor',
  'Reviewer',
  'Contributor',
  'AvailabilityOnly',
  'LimitedDetails',
] as const;

const FLAGS = ['None', 'Delegate', 'CanViewPrivateItems'] as const;

function resolveTrustee(tenant: Tenant, user: string): FolderTrustee {
  const key = user.trim().toLowerCase();
  if (key === 'default') return { kind: 'default' };
  if (key === 'anonymous') return { kind: 'anonymous' };
  const r = resolveRecipient(tenant, user);
  return { kind: 'recipient', recipientId: r.kind === 'user' ? r.user.id : r.group.id };
}

function trusteeName(tenant: Tenant, t: FolderTrustee): string {
  if (t.kind === 'recipient') return recipientDisplayName(tenant, t.recipientId);
  if (t.kind === 'external') return t.name;
  return builtInTrusteeNames[t.kind];
}

function sameTrustee(a: FolderTrustee, b: FolderTrustee): boolean {
  if (a.kind === 'recipient' && b.kind === 'recipient') return a.recipientId === b.recipientId;
  if (a.kind === 'external' && b.kind === 'external')
    return a.address.toLowerCase() === b.address.toLowerCase();
  return a.kind === b.kind;
}

function entryObject(
  tenant: Tenant,
  folder: ResolvedFolder,
  p: Pick<FolderPermissionRecord, 'trustee' | 'accessRights' | 'sharingPermissionFlags'>,
): ExoObject {
  return new ExoObjectBuilder()
    .value('Identity', folder.identity)
    .value('FolderName', folder.folderName)
    .value('User', trusteeName(tenant, p.trustee))
    .strings('AccessRights', p.accessRights)
    .value(
      'SharingPermissionFlags',
      p.sharingPermissionFlags.length === 0 ? null : p.sharingPermissionFlags.join(', '),
    )
    .build();
}

/** Rights and flags to write, checked: Delegate needs Editor; CanViewPrivateItems needs Delegate. */
function requestedRights(
  p: BoundParameters,
  previousFlags: SharingPermissionFlag[],
): { rights: string[]; flags: SharingPermissionFlag[] } {
  const rights = p.list('AccessRights') ?? [];
  if (rights.length !== 1)
    throw invalidParameter('AccessRights', 'Specify exactly one folder permission role.');
  const sent = p.list('SharingPermissionFlags');
  let flags: SharingPermissionFlag[];
  if (sent !== undefined) flags = sent.filter((f): f is SharingPermissionFlag => f !== 'None');
  else if (p.has('SendNotificationToUser'))
    flags = []; // documented pitfall: the flags are reset to None
  else flags = previousFlags;
  flags = [...new Set(flags)];
  if (flags.length > 0 && rights[0] !== 'Editor') {
    throw invalidParameter(
      'SharingPermissionFlags',
      'Delegate and CanViewPrivateItems can only be set with the Editor role.',
    );
  }
  if (flags.includes('CanViewPrivateItems') && !flags.includes('Delegate')) {
    throw invalidParameter(
      'SharingPermissionFlags',
      'CanViewPrivateItems can only be set together with Delegate.',
    );
  }
  return { rights, flags };
}

const writeParams = permissionWriteParams('User', FOLDER_ROLES, [
  { name: 'SharingPermissionFlags', kind: 'stringList', values: FLAGS },
  { name: 'SendNotificationToUser', kind: 'bool' },
]);

export const getMailboxFolderPermission: CmdletDefinition = {
  name: 'Get-MailboxFolderPermission',
  params: [
    { name: 'Identity', kind: 'string', isMandatory: true },
    { name: 'User', kind: 'string' },
    { name: 'ResultSize', kind: 'resultSize' },
  ],
  run({ tenant }, p) {
    const folder = resolveCalendarFolder(tenant, p.requiredString('Identity'));
    const user = p.string('User');
    const trustee = user === undefined ? null : resolveTrustee(tenant, user);
    const order = (e: FolderPermissionRecord): number =>
      e.trustee.kind === 'default' ? 0 : e.trustee.kind === 'anonymous' ? 1 : 2;
    const entries = tenant.exchange
      .folderPermissions(folder.mailbox.userId)
      .filter((e) => trustee === null || sameTrustee(e.trustee, trustee))
      .sort(
        (a, b) =>
          order(a) - order(b) || trusteeName(tenant, a.trustee).localeCompare(trusteeName(tenant, b.trustee)),
      );
    if (trustee !== null && entries.length === 0) throw folderPermissionMissing(user ?? '');
    return readResult(
      entries.map((e) => entryObject(tenant, folder, e)),
      p.limit('ResultSize'),
    );
  },
};

export const addMailboxFolderPermission: CmdletDefinition = {
  name: 'Add-MailboxFolderPermission',
  params: writeParams,
  run({ tenant, recordWrite }, p) {
    recordWrite('exo.add-folder-permission');
    const folder = resolveCalendarFolder(tenant, p.requiredString('Identity'));
    const trustee = resolveTrustee(tenant, p.requiredString('User'));
    const { rights, flags } = requestedRights(p, []);
    const existing = tenant.exchange.findFolderPermission(folder.mailbox.userId, trustee);
    // Default and Anonymous always exist (as None when not set).
    if (existing || trustee.kind !== 'recipient') throw folderPermissionExists(trusteeName(tenant, trustee));
    const { record } = tenant.exchange.setFolderPermission(folder.mailbox.userId, trustee, rights, flags);
    return writeResult([entryObject(tenant, folder, record)]);
  },
};

export const setMailboxFolderPermission: CmdletDefinition = {
  name: 'Set-MailboxFolderPermission',
  params: writeParams,
  run({ tenant, recordWrite }, p) {
    recordWrite('exo.set-folder-permission');
    const identity = p.requiredString('Identity');
    const folder = resolveCalendarFolder(tenant, identity);
    const trustee = resolveTrustee(tenant, p.requiredString('User'));
    const existing = tenant.exchange.findFolderPermission(folder.mailbox.userId, trustee);
    if (!existing && trustee.kind === 'recipient')
      throw folderPermissionMissing(trusteeName(tenant, trustee));
    const { rights, flags } = requestedRights(p, existing?.sharingPermissionFlags ?? []);
    const isSame =
      existing !== undefined &&
      JSON.stringify(existing.accessRights) === JSON.stringify(rights) &&
      JSON.stringify(existing.sharingPermissionFlags) === JSON.stringify(flags);
    if (isSame) return writeResult([], [noSettingsModifiedWarning(identity)]);
    tenant.exchange.setFolderPermission(folder.mailbox.userId, trustee, rights, flags);
    return writeResult();
  },
};

export const removeMailboxFolderPermission: CmdletDefinition = {
  name: 'Remove-MailboxFolderPermission',
  params: [
    { name: 'Identity', kind: 'string', isMandatory: true },
    { name: 'User', kind: 'string', isMandatory: true },
    { name: 'SendNotificationToUser', kind: 'bool' },
    { name: 'ResetDelegateUserCollection', kind: 'bool' },
    ...WRITE_COMMON_PARAMS,
  ],
  run({ tenant, recordWrite }, p) {
    recordWrite('exo.remove-folder-permission');
    const folder = resolveCalendarFolder(tenant, p.requiredString('Identity'));
    const trustee = resolveTrustee(tenant, p.requiredString('User'));
    const name = trusteeName(tenant, trustee);
    if (trustee.kind !== 'recipient') {
      throw invalidOperation(
        'ExC5D0A9',
        `The permission entry for '${name}' can't be removed. Use Set-MailboxFolderPermission to set its AccessRights to None.`,
      );
    }
    if (tenant.exchange.removeFolderPermission(folder.mailbox.userId, trustee) === 'absent') {
      throw folderPermissionMissing(name);
    }
    return writeResult();
  },
};

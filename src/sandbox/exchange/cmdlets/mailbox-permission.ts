/** Get-/Add-/Remove-MailboxPermission: FullAccess ACEs on a mailbox (InvokeCommand only). */
import type { MailboxRecord, MailboxRight } from '../../state/exchange-types.js';
import type { Tenant } from '../../state/tenant.js';
import type { ParamSpec } from '../binding.js';
import { readResult, WRITE_COMMON_PARAMS, writeResult, type CmdletDefinition } from '../cmdlet.js';
import { ExoObjectBuilder, type ExoObject } from '../response.js';
import { recipientId, resolveMailbox, resolveRecipient, trusteeLabel } from '../recipients.js';

/** Only FullAccess is modelled; the other mailbox rights are refused at binding. */
const ACCESS_RIGHTS = ['FullAccess'] as const;
const INHERITANCE = ['All', 'None', 'Children', 'Descendents', 'SelfAndChildren'] as const;

export function aceAlreadyPresentWarning(objectName: string, account: string): string {
  return `The appropriate access control entry is already present on object "${objectName}" for account "${account}".`;
}

export function fullAccessAbsentWarning(objectName: string, account: string): string {
  return (
    `Can't remove the access control entry on the object "${objectName}" for account "${account}" ` +
    `because the ACE doesn't exist on the object.`
  );
}

function aceObject(tenant: Tenant, mailbox: MailboxRecord, right: MailboxRight): ExoObject {
  return new ExoObjectBuilder()
    .value('Identity', mailbox.name)
    .value('User', trusteeLabel(tenant, right.trusteeId))
    .strings('AccessRights', ['FullAccess'])
    .value('IsInherited', right.isInherited)
    .value('Deny', right.deny)
    .value('InheritanceType', right.inheritanceType)
    .build();
}

/** The mailbox owner's own entry, which Exchange always lists. */
function selfObject(mailbox: MailboxRecord): ExoObject {
  return new ExoObjectBuilder()
    .value('Identity', mailbox.name)
    .value('User', 'NT AUTHORITY\\SELF')
    .strings('AccessRights', ['FullAccess, ReadPermission'])
    .value('IsInherited', false)
    .value('Deny', false)
    .value('InheritanceType', 'All')
    .build();
}

const getParams: readonly ParamSpec[] = [
  { name: 'Identity', kind: 'string', isMandatory: true },
  { name: 'User', kind: 'string' },
  { name: 'ResultSize', kind: 'resultSize' },
];

export const getMailboxPermission: CmdletDefinition = {
  name: 'Get-MailboxPermission',
  params: getParams,
  run({ tenant }, p) {
    const mailbox = resolveMailbox(tenant, p.requiredString('Identity'));
    const user = p.string('User');
    const rights = tenant.exchange.rightsOn(mailbox.userId, 'FullAccess');
    if (user !== undefined) {
      const trustee = recipientId(resolveRecipient(tenant, user));
      const objects = rights.filter((r) => r.trusteeId === trustee).map((r) => aceObject(tenant, mailbox, r));
      return readResult(objects, p.limit('ResultSize'));
    }
    const objects = [selfObject(mailbox), ...rights.map((r) => aceObject(tenant, mailbox, r))];
    return readResult(objects, p.limit('ResultSize'));
  },
};

export const addMailboxPermission: CmdletDefinition = {
  name: 'Add-MailboxPermission',
  params: [
    { name: 'Identity', kind: 'string', isMandatory: true },
    { name: 'User', kind: 'string', isMandatory: true },
    { name: 'AccessRights', kind: 'stringList', isMandatory: true, values: ACCESS_RIGHTS },
    { name: 'InheritanceType', kind: 'string', values: INHERITANCE },
    { name: 'AutoMapping', kind: 'bool' },
    ...WRITE_COMMON_PARAMS,
  ],
  run({ tenant, recordWrite }, p) {
    recordWrite('exo.add-mailbox-permission');
    const mailbox = resolveMailbox(tenant, p.requiredString('Identity'));
    const trustee = recipientId(resolveRecipient(tenant, p.requiredString('User')));
    const inheritanceType = (p.string('InheritanceType') ?? 'All') as MailboxRight['inheritanceType'];
    const outcome = tenant.exchange.grantRight('FullAccess', mailbox.userId, trustee, {
      autoMapping: p.bool('AutoMapping') ?? true,
      inheritanceType,
    });
    const entry: MailboxRight = {
      id: '',
      kind: 'FullAccess',
      mailboxId: mailbox.userId,
      trusteeId: trustee,
      autoMapping: p.bool('AutoMapping') ?? true,
      inheritanceType,
      isInherited: false,
      deny: false,
      visibleFrom: 0,
      hiddenFrom: null,
    };
    const warnings =
      outcome === 'exists' ? [aceAlreadyPresentWarning(mailbox.name, trusteeLabel(tenant, trustee))] : [];
    return writeResult([aceObject(tenant, mailbox, entry)], warnings);
  },
};

export const removeMailboxPermission: CmdletDefinition = {
  name: 'Remove-MailboxPermission',
  params: [
    { name: 'Identity', kind: 'string', isMandatory: true },
    { name: 'User', kind: 'string', isMandatory: true },
    { name: 'AccessRights', kind: 'stringList', isMandatory: true, values: ACCESS_RIGHTS },
    { name: 'InheritanceType', kind: 'string', values: INHERITANCE },
    { name: 'BypassMasterAccountSid', kind: 'bool' },
    ...WRITE_COMMON_PARAMS,
  ],
  run({ tenant, recordWrite }, p) {
    recordWrite('exo.remove-mailbox-permission');
    const mailbox = resolveMailbox(tenant, p.requiredString('Identity'));
    const trustee = recipientId(resolveRecipient(tenant, p.requiredString('User')));
    const outcome = tenant.exchange.revokeRight('FullAccess', mailbox.userId, trustee);
    const warnings =
      outcome === 'absent' ? [fullAccessAbsentWarning(mailbox.name, trusteeLabel(tenant, trustee))] : [];
    return writeResult([], warnings);
  },
};

/** Get-/Add-/Remove-MailboxPermission: FullAccess ACEs on a mailbox (InvokeCommand only). */
import type { MailboxRecord, MailboxRight } from '../../state/exchange-types.js';
import type { Tenant } from '../../state/tenant.js';
import type { ParamSpec } from '../binding.js';
import { readResult, type CmdletDefinition } from '../cmdlet.js';
import { ExoObjectBuilder, type ExoObject } from '../response.js';
import { recipientId, resolveMailbox, resolveRecipient, trusteeLabel } from '../recipients.js';
import { mailboxRightCmdlets } from './permission-cmdlet.js';

const INHERITANCE = ['All', 'None', 'Children', 'Descendents', 'SelfAndChildren'] as const;

export function fullAccessAbsentWarning(objectName: string, account: string): string {
  return (
    `Can't remove the access control entry on the object "${objectName}" for account "${account}" ` +
    `because the ACE doesn't exist on the object.`
  );
}

function aceObject(
  tenant: Tenant,
  mailbox: MailboxRecord,
  right: Pick<MailboxRight, 'trusteeId' | 'isInherited' | 'deny' | 'inheritanceType'>,
): ExoObject {
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

const inheritanceParam: ParamSpec = { name: 'InheritanceType', kind: 'string', values: INHERITANCE };

/** Only FullAccess is modelled; the other mailbox rights are refused at binding. */
const fullAccess = mailboxRightCmdlets('FullAccess', 'User', {
  add: {
    name: 'Add-MailboxPermission',
    operation: 'exo.add-mailbox-permission',
    params: [inheritanceParam, { name: 'AutoMapping', kind: 'bool' }],
    grantOptions: (p) => ({
      autoMapping: p.bool('AutoMapping') ?? true,
      inheritanceType: (p.string('InheritanceType') ?? 'All') as MailboxRight['inheritanceType'],
    }),
    echo: ({ tenant, mailbox, trusteeId }, options) =>
      aceObject(tenant, mailbox, {
        trusteeId,
        isInherited: false,
        deny: false,
        inheritanceType: options.inheritanceType ?? 'All',
      }),
  },
  remove: {
    name: 'Remove-MailboxPermission',
    operation: 'exo.remove-mailbox-permission',
    params: [inheritanceParam, { name: 'BypassMasterAccountSid', kind: 'bool' }],
    absentWarning: fullAccessAbsentWarning,
  },
});

export const addMailboxPermission = fullAccess.add;
export const removeMailboxPermission = fullAccess.remove;

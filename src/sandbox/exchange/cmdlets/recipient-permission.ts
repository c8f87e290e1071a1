/** Get-/Add-/Remove-RecipientPermission: SendAs rights (InvokeCommand only). */
import type { MailboxRight } from '../../state/exchange-types.js';
import type { Tenant } from '../../state/tenant.js';
import { readResult, type CmdletDefinition } from '../cmdlet.js';
import { ExoObjectBuilder, type ExoObject } from '../response.js';
import { recipientId, resolveMailbox, resolveRecipient, sidOf, trusteeLabel } from '../recipients.js';
import { mailboxRightCmdlets } from './permission-cmdlet.js';

const ACCESS_RIGHTS = ['SendAs'] as const;

export function sendAsAbsentWarning(objectName: string, account: string): string {
  return (
    `Can't remove the access control entry on the object "${objectName}" for account "${account}" ` +
    `because the ACE isn't present.`
  );
}

function sendAsObject(tenant: Tenant, mailboxName: string, trusteeId: string): ExoObject {
  return new ExoObjectBuilder()
    .value('Identity', mailboxName)
    .value('Trustee', trusteeLabel(tenant, trusteeId))
    .value('AccessControlType', 'Allow')
    .strings('AccessRights', ['SendAs'])
    .value('IsInherited', false)
    .value('InheritanceType', 'None')
    .value('TrusteeSidString', sidOf(trusteeId))
    .value('IsValid', true)
    .build();
}

function byMailboxThenTrustee(tenant: Tenant): (a: MailboxRight, b: MailboxRight) => number {
  const key = (r: MailboxRight): string =>
    `${tenant.exchange.getMailbox(r.mailboxId)?.name ?? ''}\u0000${trusteeLabel(tenant, r.trusteeId)}`.toLowerCase();
  return (a, b) => key(a).localeCompare(key(b));
}

export const getRecipientPermission: CmdletDefinition = {
  name: 'Get-RecipientPermission',
  params: [
    { name: 'Identity', kind: 'string' },
    { name: 'Trustee', kind: 'string' },
    { name: 'AccessRights', kind: 'stringList', values: ACCESS_RIGHTS },
    { name: 'ResultSize', kind: 'resultSize' },
  ],
  run({ tenant }, p) {
    const identity = p.string('Identity');
    const trustee = p.string('Trustee');
    const trusteeId = trustee === undefined ? undefined : recipientId(resolveRecipient(tenant, trustee));
    let rights: MailboxRight[];
    if (identity !== undefined) {
      const mailbox = resolveMailbox(tenant, identity);
      rights = tenant.exchange.rightsOn(mailbox.userId, 'SendAs');
      if (trusteeId !== undefined) rights = rights.filter((r) => r.trusteeId === trusteeId);
    } else if (trusteeId !== undefined) {
      // The efficient reverse lookup: every recipient the trustee can send as, tenant-wide.
      rights = tenant.exchange.rightsHeldBy(trusteeId, 'SendAs');
    } else {
      rights = [...tenant.exchange.mailboxes()].flatMap((m) => tenant.exchange.rightsOn(m.userId, 'SendAs'));
    }
    const objects = rights
      .filter((r) => tenant.exchange.getMailbox(r.mailboxId)?.whenSoftDeleted === null)
      .sort(byMailboxThenTrustee(tenant))
      .map((r) => sendAsObject(tenant, tenant.exchange.getMailbox(r.mailboxId)?.name ?? '', r.trusteeId));
    return readResult(objects, p.limit('ResultSize'));
  },
};

const sendAs = mailboxRightCmdlets('SendAs', 'Trustee', {
  add: {
    name: 'Add-RecipientPermission',
    operation: 'exo.add-recipient-permission',
    params: [],
    echo: ({ tenant, mailbox, trusteeId }) => sendAsObject(tenant, mailbox.name, trusteeId),
  },
  remove: {
    name: 'Remove-RecipientPermission',
    operation: 'exo.remove-recipient-permission',
    params: [],
    absentWarning: sendAsAbsentWarning,
  },
});

export const addRecipientPermission = sendAs.add;
export const removeRecipientPermission = sendAs.remove;

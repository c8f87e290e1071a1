/** Get-Mailbox: one mailbox by Identity, or a list (RecipientTypeDetails, the documented -Filter forms, paging). */
import type { MailboxRecord } from '../../state/exchange-types.js';
import type { Tenant } from '../../state/tenant.js';
import type { ParamSpec } from '../binding.js';
import { readResult, type CmdletDefinition } from '../cmdlet.js';
import { invalidParameter, objectNotFound } from '../errors.js';
import { parseMailboxFilter, type MailboxFilter } from '../filter.js';
import { mailboxObject, sendOnBehalfIds } from '../mailbox-view.js';
import { recipientDn, resolveMailbox } from '../recipients.js';

const RECIPIENT_TYPES = ['UserMailbox', 'SharedMailbox', 'RoomMailbox', 'EquipmentMailbox'] as const;

/** The v2.0 Mailbox endpoint whitelist for Get-Mailbox. */
export const GET_MAILBOX_V2_PARAMS = ['Identity', 'ResultSize', 'IncludeGrantSendOnBehalfToWithDisplayNames'];

const params: readonly ParamSpec[] = [
  { name: 'Identity', kind: 'string' },
  { name: 'ResultSize', kind: 'resultSize' },
  { name: 'Filter', kind: 'string' },
  { name: 'RecipientTypeDetails', kind: 'stringList', values: RECIPIENT_TYPES },
  { name: 'IncludeGrantSendOnBehalfToWithDisplayNames', kind: 'bool' },
  /** Only inactive mailboxes (held mailboxes of deleted users), by Identity or all. */
  { name: 'InactiveMailboxOnly', kind: 'bool' },
];

function matchesFilter(tenant: Tenant, m: MailboxRecord, filter: MailboxFilter): boolean {
  const wanted = filter.value.toLowerCase();
  switch (filter.property) {
    case 'GrantSendOnBehalfTo':
      // A multi-valued property matches when it contains the value.
      return sendOnBehalfIds(tenant, m).some((id) => recipientDn(tenant, id)?.toLowerCase() === wanted);
    case 'RecipientTypeDetails':
      return m.recipientTypeDetails.toLowerCase() === wanted;
    case 'PrimarySmtpAddress':
      return m.primarySmtpAddress.toLowerCase() === wanted;
    case 'Alias':
      return m.alias.toLowerCase() === wanted;
  }
}

export const getMailbox: CmdletDefinition = {
  name: 'Get-Mailbox',
  params,
  run({ tenant, retention }, p) {
    const view = (m: MailboxRecord) =>
      mailboxObject(tenant, m, {
        withSendOnBehalfDisplayNames: p.bool('IncludeGrantSendOnBehalfToWithDisplayNames') ?? false,
        retention: retention.get(m.userId),
      });
    const identity = p.string('Identity');
    if (p.bool('InactiveMailboxOnly') === true) {
      if (identity !== undefined) {
        const inactive = tenant.exchange.findInactiveMailbox(identity);
        if (!inactive) throw objectNotFound(identity);
        return readResult([view(inactive)], p.limit('ResultSize'));
      }
      const all = [...tenant.exchange.mailboxes()]
        .filter((m) => m.whenSoftDeleted !== null && m.isInactiveMailbox === true)
        .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()))
        .map(view);
      return readResult(all, p.limit('ResultSize'));
    }
    if (identity !== undefined) {
      if (p.has('Filter')) throw invalidParameter('Filter', 'Filter and Identity cannot be used together.');
      return readResult([view(resolveMailbox(tenant, identity))], p.limit('ResultSize'));
    }
    const rawFilter = p.string('Filter');
    const filter = rawFilter === undefined ? null : parseMailboxFilter(rawFilter);
    const types = p.list('RecipientTypeDetails');
    const objects = [...tenant.exchange.mailboxes()]
      .filter((m) => m.whenSoftDeleted === null)
      .filter((m) => types === undefined || types.includes(m.recipientTypeDetails))
      .filter((m) => filter === null || matchesFilter(tenant, m, filter))
      .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()))
      .map(view);
    return readResult(objects, p.limit('ResultSize'));
  },
};

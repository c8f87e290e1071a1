/** How Get-Mailbox prints a mailbox (a trimmed but faithful subset of the real property set). */
import type { MailboxRecord } from '../state/exchange-types.js';
import type { Tenant } from '../state/tenant.js';
import type { RetentionSettings } from './retention-settings.js';
import { recipientDisplayName, recipientName } from './recipients.js';
import { ExoObjectBuilder, type ExoObject } from './response.js';

const QUOTA = { UserMailbox: '99 GB (106,300,440,576 bytes)', other: '49.5 GB (53,150,220,288 bytes)' };

/** `Unlimited` or a TimeSpan in days (`2555.00:00:00`), as Get-Mailbox prints LitigationHoldDuration. */
export function holdDurationText(duration: number | 'Unlimited' | null): string {
  if (duration === null || duration === 'Unlimited') return 'Unlimited';
  return `${duration}.00:00:00`;
}

/** Trustee ids in the mailbox's GrantSendOnBehalfTo list, as reads see it now. */
export function sendOnBehalfIds(tenant: Tenant, mailbox: MailboxRecord): string[] {
  return tenant.exchange.rightsOn(mailbox.userId, 'SendOnBehalf').map((r) => r.trusteeId);
}

export interface MailboxViewOptions {
  withSendOnBehalfDisplayNames: boolean;
  retention: RetentionSettings;
}

export function mailboxObject(tenant: Tenant, m: MailboxRecord, options: MailboxViewOptions): ExoObject {
  const user = tenant.directory.getUser(m.userId);
  const delegates = sendOnBehalfIds(tenant, m);
  const isShared = m.recipientTypeDetails === 'SharedMailbox';
  const b = new ExoObjectBuilder()
    .value('Identity', m.name)
    .value('Name', m.name)
    .value('DisplayName', m.displayName)
    .value('Alias', m.alias)
    .value('UserPrincipalName', user?.userPrincipalName ?? m.primarySmtpAddress)
    .value('PrimarySmtpAddress', m.primarySmtpAddress)
    .value('RecipientType', 'UserMailbox')
    .value('RecipientTypeDetails', m.recipientTypeDetails)
    .value('ExternalDirectoryObjectId', m.userId)
    .value('IsDirSynced', m.isDirSynced)
    .value('IsShared', isShared)
    .value('LitigationHoldEnabled', m.litigationHold.enabled)
    .value('LitigationHoldDuration', holdDurationText(m.litigationHold.duration))
    .value('LitigationHoldOwner', m.litigationHold.owner)
    .dateTime('LitigationHoldDate', m.litigationHold.date)
    .value('RetentionComment', options.retention.comment)
    .value('RetentionUrl', options.retention.url)
    .value('HiddenFromAddressListsEnabled', m.hiddenFromAddressListsEnabled)
    .value(
      'ForwardingAddress',
      m.forwardingAddress === null ? null : recipientName(tenant, m.forwardingAddress),
    )
    .value('ForwardingSmtpAddress', m.forwardingSmtpAddress)
    .value('DeliverToMailboxAndForward', m.deliverToMailboxAndForward)
    .value('ProhibitSendQuota', m.recipientTypeDetails === 'UserMailbox' ? QUOTA.UserMailbox : QUOTA.other)
    .value('ArchiveStatus', m.archiveStatus)
    .value('IsInactiveMailbox', m.isInactiveMailbox === true)
    .strings(
      'GrantSendOnBehalfTo',
      delegates.map((id) => recipientName(tenant, id)),
    );
  if (options.withSendOnBehalfDisplayNames) {
    b.objects(
      'GrantSendOnBehalfToWithDisplayNames',
      delegates.map((id) => ({
        DisplayName: recipientDisplayName(tenant, id),
        PrimarySmtpAddress:
          tenant.exchange.getMailbox(id)?.primarySmtpAddress ??
          tenant.directory.getUser(id)?.mail ??
          tenant.directory.getGroup(id)?.mail ??
          null,
      })),
    );
  }
  return b
    .strings('EmailAddresses', m.emailAddresses)
    .guid('ExchangeGuid', m.exchangeGuid)
    .guid('Guid', m.userId)
    .value('DistinguishedName', m.distinguishedName)
    .dateTime('WhenMailboxCreated', m.whenCreated)
    .build();
}

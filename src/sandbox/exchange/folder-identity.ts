/**
 * Folder identities `<mailbox>:\<folder path>` (on the wire in JSON: `"ada@contoso.com:\\Kalender"`). Only the
 * default calendar folder is modelled, and only under its localized name: `:\Calendar` on a mailbox whose
 * calendar is `Kalender` does not resolve, as in Exchange.
 */
import type { MailboxRecord } from '../state/exchange-types.js';
import type { Tenant } from '../state/tenant.js';
import { folderNotFound } from './errors.js';
import { resolveMailbox } from './recipients.js';

const SEPARATOR = ':\\';

export interface ResolvedFolder {
  mailbox: MailboxRecord;
  /** The identity to print: `<primary SMTP>:\<localized name>`. */
  identity: string;
  folderName: string;
}

export function calendarIdentity(mailbox: MailboxRecord): string {
  return `${mailbox.primarySmtpAddress}${SEPARATOR}${mailbox.calendarFolderName}`;
}

export function resolveCalendarFolder(tenant: Tenant, identity: string): ResolvedFolder {
  const at = identity.indexOf(SEPARATOR);
  if (at <= 0) {
    // A bare mailbox identity names its root folder, which is not modelled.
    resolveMailbox(tenant, identity);
    throw folderNotFound(identity);
  }
  const mailbox = resolveMailbox(tenant, identity.slice(0, at));
  const path = identity.slice(at + SEPARATOR.length).replace(/^\\+|\\+$/g, '');
  if (path.toLowerCase() !== mailbox.calendarFolderName.toLowerCase()) throw folderNotFound(identity);
  return { mailbox, identity: calendarIdentity(mailbox), folderName: mailbox.calendarFolderName };
}

import { InvalidInputError } from '../../core/errors.js';
import { isSmtpAddress } from './exchange-anchor.js';

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A mailbox the connector acts on: an SMTP address/UPN or an object GUID. Folder identities
 * (`<mailbox>:\<folder>`) and routing hints are built from it, so nothing else is accepted
 * (exchange-online.md §6: validate identities before building `mbx:\Calendar`).
 */
export function assertMailboxIdentity(value: string): string {
  const identity = value.trim();
  if (isSmtpAddress(identity) || GUID.test(identity)) return identity;
  throw new InvalidInputError(`Not a mailbox address or object id: ${JSON.stringify(identity.slice(0, 80))}`);
}

/**
 * A principal in a permission (trustee, folder user). These come back from Exchange in several forms
 * (SMTP, alias, display name, `Default`), so any printable text is accepted: it travels only as a JSON
 * parameter value, bound by Exchange to a typed parameter.
 */
export function assertPrincipal(value: string, what = 'user'): string {
  const principal = value.trim();
  if (principal === '') throw new InvalidInputError(`The ${what} is empty`);
  if (CONTROL.test(principal)) throw new InvalidInputError(`The ${what} contains control characters`);
  if (principal.length > 256) throw new InvalidInputError(`The ${what} is longer than 256 characters`);
  return principal;
}

/** `ada@contoso.com` + `/Kalender` (FolderPath) → `ada@contoso.com:\Kalender`. */
export function folderIdentity(mailbox: string, folderPath: string): string {
  const path = folderPath.replace(/^\/+/, '').replace(/\//g, '\\');
  if (path === '' || CONTROL.test(path))
    throw new InvalidInputError(`Invalid folder path ${JSON.stringify(folderPath)}`);
  return `${assertMailboxIdentity(mailbox)}:\\${path}`;
}

/** Checks that a folder identity belongs to the mailbox it is used with. */
export function assertFolderOfMailbox(folder: string, mailbox: string): string {
  const prefix = `${assertMailboxIdentity(mailbox)}:\\`;
  if (
    !folder.toLowerCase().startsWith(prefix.toLowerCase()) ||
    folder.length === prefix.length ||
    CONTROL.test(folder)
  ) {
    throw new InvalidInputError(
      `Folder ${JSON.stringify(folder.slice(0, 120))} is not a folder of ${mailbox}`,
    );
  }
  return folder;
}

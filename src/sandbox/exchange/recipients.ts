/**
 * Resolving `Identity`, `User`, `Trustee` and similar values to tenant objects, and naming them in output.
 * Values are only ever looked up (exact, case-insensitive); a value that is not an identity of an object is
 * "not found", whatever characters it holds.
 */
import type { MailboxRecord } from '../state/exchange-types.js';
import type { Recipient, Tenant } from '../state/tenant.js';
import { objectAmbiguous, objectNotFound } from './errors.js';

/** Longest identity the sandbox looks up; longer values can't name anything. */
const MAX_IDENTITY_LENGTH = 1024;

function lookupKey(identity: string): string | null {
  const trimmed = identity.trim();
  return trimmed === '' || trimmed.length > MAX_IDENTITY_LENGTH ? null : trimmed;
}

/** A live mailbox by any Exchange identity, or by a unique display name. Throws not found / ambiguous. */
export function resolveMailbox(tenant: Tenant, identity: string): MailboxRecord {
  const key = lookupKey(identity);
  if (key === null) throw objectNotFound(identity);
  const direct = tenant.exchange.findMailbox(key);
  if (direct) return direct;
  const lower = key.toLowerCase();
  const named = [...tenant.exchange.mailboxes()].filter(
    (m) => m.whenSoftDeleted === null && m.displayName.toLowerCase() === lower,
  );
  if (named.length > 1) throw objectAmbiguous(identity);
  const only = named[0];
  if (!only) throw objectNotFound(identity);
  return only;
}

/** A user or mail-enabled group usable as a permission trustee; also by unique display name. */
export function resolveRecipient(tenant: Tenant, identity: string): Recipient {
  const key = lookupKey(identity);
  if (key === null) throw objectNotFound(identity);
  const found = tenant.findRecipient(key);
  if (found) return found;
  const lower = key.toLowerCase();
  const users = [...tenant.directory.users()].filter((u) => u.displayName.toLowerCase() === lower);
  if (users.length > 1) throw objectAmbiguous(identity);
  const only = users[0];
  if (!only) throw objectNotFound(identity);
  return { kind: 'user', user: only };
}

export function recipientId(r: Recipient): string {
  return r.kind === 'user' ? r.user.id : r.group.id;
}

/** How permission cmdlets print a trustee: the UPN for users, the name for groups. */
export function trusteeLabel(tenant: Tenant, id: string): string {
  const user = tenant.directory.getUser(id);
  if (user) return user.userPrincipalName;
  const group = tenant.directory.getGroup(id);
  if (group) return group.displayName;
  // A trustee whose object was deleted: Exchange shows its orphaned SID.
  return orphanSid(id);
}

/** Display name of a recipient id (folder permissions print display names). */
export function recipientDisplayName(tenant: Tenant, id: string): string {
  return (
    tenant.directory.getUser(id)?.displayName ?? tenant.directory.getGroup(id)?.displayName ?? orphanSid(id)
  );
}

/** The Exchange object name of a recipient id (GrantSendOnBehalfTo and ForwardingAddress print names). */
export function recipientName(tenant: Tenant, id: string): string {
  const mailbox = tenant.exchange.getMailbox(id);
  if (mailbox) return mailbox.name;
  const user = tenant.directory.getUser(id);
  if (user) return user.mailNickname;
  return tenant.directory.getGroup(id)?.mailNickname ?? orphanSid(id);
}

/** A stable SID-like string for an object id (`S-1-5-21-…`), used for TrusteeSidString. */
export function sidOf(id: string): string {
  const hex = id.replace(/-/g, '');
  const parts = [0, 8, 16, 24].map((i) => parseInt(hex.slice(i, i + 8) || '0', 16) >>> 1);
  return `S-1-5-21-${parts.slice(0, 3).join('-')}-${(parts[3] ?? 0) % 100000}`;
}

function orphanSid(id: string): string {
  return sidOf(id);
}

/** The Exchange DN of any recipient: a mailbox's stored DN; for others, the same container as the mailboxes. */
export function recipientDn(tenant: Tenant, id: string): string | undefined {
  const mailbox = tenant.exchange.getMailbox(id);
  if (mailbox) return mailbox.distinguishedName;
  const name = tenant.directory.getUser(id)?.mailNickname ?? tenant.directory.getGroup(id)?.mailNickname;
  if (name === undefined) return undefined;
  const sample = tenant.exchange.mailboxes().next();
  const container = sample.done
    ? `,OU=${tenant.info.initialDomain},OU=Microsoft Exchange Hosted Organizations,DC=NAMPR01A001,DC=PROD,DC=OUTLOOK,DC=COM`
    : sample.value.distinguishedName.slice(sample.value.distinguishedName.indexOf(','));
  return `CN=${name}${container}`;
}

/**
 * The permission inventory's records and the pure rules over them: what a scan keeps, which records are
 * stale, which mailboxes are candidates for a user, how our own changes update a record, and how records
 * are spread over storage chunks.
 */
import { z } from 'zod';
import type { FolderPermission, FullAccessGrant, MailboxInfo } from '../ports/mailbox.js';
import { isExplicitFullAccess, isMeaningfulCalendarGrant, isTrustee, mailboxNames } from './permissions.js';

const recordSchema = z.object({
  /** Primary SMTP address, lower case: the record's key. */
  mailbox: z.string(),
  id: z.string(),
  userPrincipalName: z.string().optional(),
  displayName: z.string(),
  recipientTypeDetails: z.string(),
  /** Localized calendar folder identity, cached so a re-scan costs one call less. */
  calendarFolder: z.string().optional(),
  fullAccess: z.array(z.object({ trustee: z.string(), accessRights: z.array(z.string()) })),
  calendar: z.array(
    z.object({ user: z.string(), accessRights: z.array(z.string()), isDelegate: z.boolean().optional() }),
  ),
  /** Epoch ms of the last live scan; 0 forces a re-scan. */
  scannedAt: z.number(),
});
export type InventoryRecord = z.infer<typeof recordSchema>;

export const inventoryChunkSchema = z.array(recordSchema);

export const inventoryMetaSchema = z.object({
  version: z.literal(1),
  chunkCount: z.number().int().positive(),
  updatedAt: z.number(),
  /** Epoch ms of the last refresh that paged through every mailbox. */
  lastListedAt: z.number().optional(),
  /** Set while a refresh runs (written at its checkpoints): what it has done so far. */
  progress: z
    .object({ startedAt: z.number(), listed: z.number(), scanned: z.number(), toScan: z.number() })
    .optional(),
});
export type InventoryMeta = z.infer<typeof inventoryMetaSchema>;

export function mailboxKey(info: Pick<MailboxInfo, 'primarySmtpAddress'>): string {
  return info.primarySmtpAddress.toLowerCase();
}

/** Who a mailbox is, as a record keeps it: what a scan starts from and discovery reports. */
export type MailboxIdentity = Pick<
  MailboxInfo,
  'id' | 'primarySmtpAddress' | 'userPrincipalName' | 'displayName' | 'recipientTypeDetails'
>;

/** Only the identity of a listed mailbox (a listing row also carries settings and delegates). */
export function identityOf(info: MailboxInfo): MailboxIdentity {
  const identity: MailboxIdentity = {
    id: info.id,
    primarySmtpAddress: info.primarySmtpAddress,
    displayName: info.displayName,
    recipientTypeDetails: info.recipientTypeDetails,
  };
  if (info.userPrincipalName !== undefined) identity.userPrincipalName = info.userPrincipalName;
  return identity;
}

/** The record a live scan produces: only explicit FullAccess ACEs and real calendar grants are kept. */
export function recordFromScan(
  info: MailboxIdentity,
  fullAccess: readonly FullAccessGrant[],
  calendarFolder: string | undefined,
  calendar: readonly FolderPermission[],
  scannedAt: number,
): InventoryRecord {
  const record: InventoryRecord = {
    mailbox: mailboxKey(info),
    id: info.id,
    displayName: info.displayName,
    recipientTypeDetails: info.recipientTypeDetails,
    fullAccess: fullAccess
      .filter(isExplicitFullAccess)
      .map((grant) => ({ trustee: grant.trustee.toLowerCase(), accessRights: [...grant.accessRights] })),
    calendar: calendar
      .filter((grant) => isMeaningfulCalendarGrant(grant.user, grant.accessRights))
      .map((grant) => {
        const entry: InventoryRecord['calendar'][number] = {
          user: grant.user.toLowerCase(),
          accessRights: [...grant.accessRights],
        };
        if (grant.isDelegate !== undefined) entry.isDelegate = grant.isDelegate;
        return entry;
      }),
    scannedAt,
  };
  if (info.userPrincipalName) record.userPrincipalName = info.userPrincipalName.toLowerCase();
  if (calendarFolder) record.calendarFolder = calendarFolder;
  return record;
}

/** Whether a listed mailbox must be scanned: unknown, never scanned, older than `maxAgeMs`, or changed type. */
export function needsScan(
  record: InventoryRecord | undefined,
  listed: MailboxInfo,
  nowMs: number,
  maxAgeMs: number,
): boolean {
  if (!record) return true;
  if (record.scannedAt <= 0 || nowMs - record.scannedAt > maxAgeMs) return true;
  return (
    record.recipientTypeDetails !== listed.recipientTypeDetails ||
    record.id.toLowerCase() !== listed.id.toLowerCase()
  );
}

/**
 * Mailboxes where the inventory saw the user: FullAccess by identity; calendar grants also by display
 * name, because Exchange prints folder trustees that way. A namesake makes an extra candidate, never a
 * removal: candidates are re-read live with Exchange resolving the exact user.
 */
export function candidateRecords(
  records: Iterable<InventoryRecord>,
  user: { identities: readonly string[]; displayName: string },
): { fullAccess: InventoryRecord[]; calendar: InventoryRecord[] } {
  const calendarNames = [...user.identities, user.displayName.toLowerCase()];
  const fullAccess: InventoryRecord[] = [];
  const calendar: InventoryRecord[] = [];
  for (const record of records) {
    if (record.fullAccess.some((grant) => isTrustee(grant.trustee, user.identities))) fullAccess.push(record);
    if (record.calendar.some((grant) => isTrustee(grant.user, calendarNames))) calendar.push(record);
  }
  return { fullAccess, calendar };
}

/** A change we made ourselves, applied to the record at once so the inventory never lags our own runs. */
export type LocalChange =
  | { kind: 'full-access'; op: 'remove'; trustee: string }
  | { kind: 'full-access'; op: 'add'; trustee: string; accessRights: string[] }
  | { kind: 'calendar'; op: 'remove'; user: string }
  | { kind: 'calendar'; op: 'add'; user: string; accessRights: string[]; isDelegate?: boolean };

export function applyLocalChange(record: InventoryRecord, change: LocalChange): InventoryRecord {
  if (change.kind === 'full-access') {
    const trustee = change.trustee.toLowerCase();
    const others = record.fullAccess.filter((grant) => grant.trustee !== trustee);
    return {
      ...record,
      fullAccess: change.op === 'add' ? [...others, { trustee, accessRights: change.accessRights }] : others,
    };
  }
  const user = change.user.toLowerCase();
  const others = record.calendar.filter((grant) => grant.user !== user);
  if (change.op === 'remove') return { ...record, calendar: others };
  const entry: InventoryRecord['calendar'][number] = { user, accessRights: change.accessRights };
  if (change.isDelegate !== undefined) entry.isDelegate = change.isDelegate;
  return { ...record, calendar: [...others, entry] };
}

/** Whether a record is the mailbox named by an address, UPN or id (case-insensitive). */
export function recordAnswersTo(record: InventoryRecord, name: string): boolean {
  const wanted = name.toLowerCase();
  return mailboxNames({
    primarySmtpAddress: record.mailbox,
    id: record.id,
    ...(record.userPrincipalName ? { userPrincipalName: record.userPrincipalName } : {}),
  }).includes(wanted);
}

/** FNV-1a over the key: a stable spread of mailboxes over `chunkCount` storage chunks. */
export function chunkOf(key: string, chunkCount: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % chunkCount;
}

/**
 * Mailboxes, mailbox rights (FullAccess, SendAs, SendOnBehalf) and calendar folder permissions, indexed both
 * by mailbox and by trustee so reverse lookups ("every mailbox X has rights on") are O(rights of X).
 */
import type { StateEnvironment } from './environment.js';
import type {
  FolderPermissionRecord,
  FolderTrustee,
  MailboxRecord,
  MailboxRight,
  MailboxRightKind,
  SharingPermissionFlag,
} from './exchange-types.js';
import { IndexedStore } from './indexed-store.js';
import type { TenantData } from './tenant-data.js';
import { isRemovalPending } from './visibility.js';

export interface GrantOptions {
  autoMapping?: boolean;
  inheritanceType?: MailboxRight['inheritanceType'];
}

/** The entries every folder has, by the names Exchange shows (and accepts as `User`) for them. */
export const builtInTrusteeNames = { default: 'Default', anonymous: 'Anonymous' } as const;

/** Stable key of a folder trustee (also the basis of the Graph calendarPermission id). */
export function folderTrusteeKey(t: FolderTrustee): string {
  if (t.kind === 'recipient') return `recipient:${t.recipientId}`;
  if (t.kind === 'external') return `external:${t.address.toLowerCase()}`;
  return builtInTrusteeNames[t.kind];
}

export class ExchangeStore extends IndexedStore {
  private readonly identities = this.lookup();
  private readonly rightsOnMailbox = this.keyIndex();
  private readonly rightsOfTrustee = this.keyIndex();
  private readonly foldersOfMailbox = this.keyIndex();
  private readonly foldersOfTrustee = this.keyIndex();

  constructor(data: TenantData, env: StateEnvironment) {
    super(data, env);
    this.rebuild();
  }

  protected indexAll(): void {
    for (const m of this.data.mailboxes.values()) this.indexMailbox(m);
    for (const [key, r] of this.data.mailboxRights) this.indexRight(key, r);
    for (const [key, p] of this.data.folderPermissions) this.indexFolder(key, p);
  }

  // ---- mailboxes -----------------------------------------------------------------------------------------

  getMailbox(userId: string): MailboxRecord | undefined {
    return this.data.mailboxes.get(userId);
  }

  /**
   * Resolves an Exchange `Identity` value: user object id, ExchangeGuid, any SMTP address, UPN, alias, name
   * or distinguished name (all case-insensitive). Soft-deleted mailboxes are not found.
   */
  findMailbox(identity: string): MailboxRecord | undefined {
    const id = this.identities.get(identity.trim().toLowerCase());
    const m = id === undefined ? undefined : this.data.mailboxes.get(id);
    return m && m.whenSoftDeleted === null ? m : undefined;
  }

  /** Resolves an `Identity` among inactive mailboxes only (`Get-Mailbox -InactiveMailboxOnly -Identity`). */
  findInactiveMailbox(identity: string): MailboxRecord | undefined {
    const id = this.identities.get(identity.trim().toLowerCase());
    const m = id === undefined ? undefined : this.data.mailboxes.get(id);
    return m && m.whenSoftDeleted !== null && m.isInactiveMailbox === true ? m : undefined;
  }

  mailboxes(): IterableIterator<MailboxRecord> {
    return this.data.mailboxes.values();
  }

  addMailbox(m: MailboxRecord): void {
    if (this.data.mailboxes.has(m.userId)) throw new Error(`mailbox ${m.userId} already exists`);
    this.data.mailboxes.set(m.userId, m);
    this.indexMailbox(m);
  }

  /** Applies a patch; identity fields (addresses, alias, name, DN) are re-indexed. */
  updateMailbox(userId: string, patch: Partial<Omit<MailboxRecord, 'userId'>>): MailboxRecord {
    const m = this.data.mailboxes.get(userId);
    if (!m) throw new Error(`mailbox ${userId} not found`);
    for (const k of this.identityKeys(m)) if (this.identities.get(k) === userId) this.identities.delete(k);
    // Records are replaced, never changed in place: snapshots share them (see Tenant.snapshot).
    const next: MailboxRecord = { ...m, ...patch, userId };
    this.data.mailboxes.set(userId, next);
    this.indexMailbox(next);
    return next;
  }

  // ---- FullAccess / SendAs / SendOnBehalf ----------------------------------------------------------------

  /** Write-side check, ignoring read delay. */
  hasRight(kind: MailboxRightKind, mailboxId: string, trusteeId: string): boolean {
    const r = this.data.mailboxRights.get(`${kind}|${mailboxId}|${trusteeId}`);
    return r !== undefined && !isRemovalPending(r);
  }

  grantRight(
    kind: MailboxRightKind,
    mailboxId: string,
    trusteeId: string,
    opts: GrantOptions = {},
  ): 'added' | 'exists' {
    const key = `${kind}|${mailboxId}|${trusteeId}`;
    const existing = this.data.mailboxRights.get(key);
    if (existing && !isRemovalPending(existing)) return 'exists';
    const right: MailboxRight = {
      id: this.env.newId(),
      kind,
      mailboxId,
      trusteeId,
      autoMapping: kind === 'FullAccess' ? (opts.autoMapping ?? true) : false,
      inheritanceType: opts.inheritanceType ?? 'All',
      isInherited: false,
      deny: false,
      ...this.visibleAfterDelay('mailboxPermission', existing),
    };
    this.data.mailboxRights.set(key, right);
    this.indexRight(key, right);
    return 'added';
  }

  revokeRight(kind: MailboxRightKind, mailboxId: string, trusteeId: string): 'removed' | 'absent' {
    const key = `${kind}|${mailboxId}|${trusteeId}`;
    return this.removeEntry('mailboxPermission', this.data.mailboxRights, key, (r) => {
      this.rightsOnMailbox.delete(r.mailboxId, key);
      this.rightsOfTrustee.delete(r.trusteeId, key);
    });
  }

  /** Rights on a mailbox visible to reads now, optionally of one kind. */
  rightsOn(mailboxId: string, kind?: MailboxRightKind): MailboxRight[] {
    return this.visibleRights(this.rightsOnMailbox.get(mailboxId), kind);
  }

  /** Rights a trustee holds on any mailbox, visible to reads now (the reverse lookup). */
  rightsHeldBy(trusteeId: string, kind?: MailboxRightKind): MailboxRight[] {
    return this.visibleRights(this.rightsOfTrustee.get(trusteeId), kind);
  }

  // ---- calendar folder permissions -----------------------------------------------------------------------

  folderPermissions(mailboxId: string): FolderPermissionRecord[] {
    return this.visible(this.data.folderPermissions, this.foldersOfMailbox.get(mailboxId));
  }

  folderPermissionsHeldBy(recipientId: string): FolderPermissionRecord[] {
    return this.visible(this.data.folderPermissions, this.foldersOfTrustee.get(recipientId));
  }

  /** Write-side lookup of the live (not removal-pending) entry for a trustee. */
  findFolderPermission(mailboxId: string, trustee: FolderTrustee): FolderPermissionRecord | undefined {
    const p = this.data.folderPermissions.get(`${mailboxId}|calendar|${folderTrusteeKey(trustee)}`);
    return p && !isRemovalPending(p) ? p : undefined;
  }

  /** Adds or replaces the trustee's entry. `created` is false when an entry existed (Set semantics). */
  setFolderPermission(
    mailboxId: string,
    trustee: FolderTrustee,
    accessRights: string[],
    sharingPermissionFlags: SharingPermissionFlag[],
  ): { record: FolderPermissionRecord; created: boolean } {
    const key = `${mailboxId}|calendar|${folderTrusteeKey(trustee)}`;
    const existing = this.data.folderPermissions.get(key);
    if (existing && !isRemovalPending(existing)) {
      const updated = {
        ...existing,
        accessRights: [...accessRights],
        sharingPermissionFlags: [...sharingPermissionFlags],
      };
      this.data.folderPermissions.set(key, updated);
      return { record: updated, created: false };
    }
    const record: FolderPermissionRecord = {
      id: Buffer.from(folderTrusteeKey(trustee)).toString('base64'),
      mailboxId,
      folder: 'calendar',
      trustee,
      accessRights: [...accessRights],
      sharingPermissionFlags: [...sharingPermissionFlags],
      ...this.visibleAfterDelay('folderPermission', existing),
    };
    if (trustee.kind === 'default') record.id = 'RGVmYXVsdA==';
    this.data.folderPermissions.set(key, record);
    this.indexFolder(key, record);
    return { record, created: true };
  }

  /** Removes the trustee's entry. The Default and Anonymous entries can't be removed (set them to None). */
  removeFolderPermission(mailboxId: string, trustee: FolderTrustee): 'removed' | 'absent' {
    const key = `${mailboxId}|calendar|${folderTrusteeKey(trustee)}`;
    return this.removeEntry('folderPermission', this.data.folderPermissions, key, (p) => {
      this.foldersOfMailbox.delete(p.mailboxId, key);
      if (p.trustee.kind === 'recipient') this.foldersOfTrustee.delete(p.trustee.recipientId, key);
    });
  }

  // ---- internals ------------------------------------------------------------------------------------------

  private visibleRights(keys: ReadonlySet<string>, kind: MailboxRightKind | undefined): MailboxRight[] {
    return this.visible(this.data.mailboxRights, keys, (r) => kind === undefined || r.kind === kind);
  }

  /** Identity keys of a mailbox, including the owner's UPN (Exchange accepts it as an identity). */
  private identityKeys(m: MailboxRecord): string[] {
    const upn = (this.data.users.get(m.userId) ?? this.data.deletedUsers.get(m.userId)?.user)
      ?.userPrincipalName;
    const keys = [m.userId, m.exchangeGuid, m.alias, m.name, m.distinguishedName, m.primarySmtpAddress];
    for (const a of m.emailAddresses) {
      const colon = a.indexOf(':');
      keys.push(colon > 0 ? a.slice(colon + 1) : a);
    }
    if (upn) keys.push(upn);
    return keys.map((k) => k.toLowerCase());
  }

  private indexMailbox(m: MailboxRecord): void {
    for (const k of this.identityKeys(m)) this.identities.set(k, m.userId);
  }

  private indexRight(key: string, r: MailboxRight): void {
    this.rightsOnMailbox.add(r.mailboxId, key);
    this.rightsOfTrustee.add(r.trusteeId, key);
  }

  private indexFolder(key: string, p: FolderPermissionRecord): void {
    this.foldersOfMailbox.add(p.mailboxId, key);
    if (p.trustee.kind === 'recipient') this.foldersOfTrustee.add(p.trustee.recipientId, key);
  }
}

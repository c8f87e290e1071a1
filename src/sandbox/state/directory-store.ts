/** Users, groups and memberships with their lookup indexes (id, UPN, SMTP address, manager, membership). */
import type { DeletedUserRecord, GroupRecord, MembershipRecord, UserRecord } from './directory-types.js';
import type { StateEnvironment } from './environment.js';
import { IndexedStore } from './indexed-store.js';
import type { TenantData } from './tenant-data.js';
import { isRemovalPending } from './visibility.js';

export interface EffectiveLicense {
  skuId: string;
  disabledPlans: string[];
  /** Null for a direct assignment, else the group it is inherited from. */
  assignedByGroup: string | null;
}

/** Addresses (lower-case, no `smtp:` prefix) a user or group answers to. */
export function addressesOf(obj: { mail: string | null; proxyAddresses?: string[] }): string[] {
  const out = new Set<string>();
  if (obj.mail) out.add(obj.mail.toLowerCase());
  for (const p of obj.proxyAddresses ?? []) {
    const colon = p.indexOf(':');
    if (colon > 0 && p.slice(0, colon).toLowerCase() === 'smtp') out.add(p.slice(colon + 1).toLowerCase());
  }
  return [...out];
}

export class DirectoryStore extends IndexedStore {
  private readonly byUpn = this.lookup();
  private readonly byAddress = this.lookup();
  private readonly reports = this.keyIndex();
  private readonly membersOf = this.keyIndex();
  private readonly groupsOf = this.keyIndex();

  constructor(data: TenantData, env: StateEnvironment) {
    super(data, env);
    this.rebuild();
  }

  protected indexAll(): void {
    for (const u of this.data.users.values()) this.indexUser(u);
    for (const g of this.data.groups.values()) for (const a of addressesOf(g)) this.byAddress.set(a, g.id);
    for (const [key, m] of this.data.memberships) {
      this.membersOf.add(m.groupId, key);
      this.groupsOf.add(m.memberId, key);
    }
  }

  // ---- users ---------------------------------------------------------------------------------------------

  /** By object id, UPN (case-insensitive) or primary/proxy SMTP address. */
  getUser(idOrUpn: string): UserRecord | undefined {
    const byId = this.data.users.get(idOrUpn);
    if (byId) return byId;
    const key = idOrUpn.toLowerCase();
    const id = this.byUpn.get(key) ?? this.byAddress.get(key);
    return id === undefined ? undefined : this.data.users.get(id);
  }

  /** A user or group id owning this SMTP address. */
  findByAddress(address: string): string | undefined {
    return this.byAddress.get(address.toLowerCase());
  }

  users(): IterableIterator<UserRecord> {
    return this.data.users.values();
  }

  get userCount(): number {
    return this.data.users.size;
  }

  addUser(user: UserRecord): void {
    if (this.data.users.has(user.id)) throw new Error(`user ${user.id} already exists`);
    this.data.users.set(user.id, user);
    this.indexUser(user);
  }

  /** Applies a patch and keeps the indexes right; the caller validates the values. */
  updateUser(id: string, patch: Partial<Omit<UserRecord, 'id'>>): UserRecord {
    const user = this.data.users.get(id);
    if (!user) throw new Error(`user ${id} not found`);
    // Records are replaced, never changed in place: snapshots share them (see Tenant.snapshot).
    const next: UserRecord = { ...user, ...patch, id };
    this.unindexUser(user);
    this.data.users.set(id, next);
    this.indexUser(next);
    return next;
  }

  directReports(managerId: string): UserRecord[] {
    return [...this.reports.get(managerId)]
      .map((id) => this.data.users.get(id))
      .filter((u): u is UserRecord => u !== undefined);
  }

  /** Soft-deletes: the user leaves the live indexes and its memberships, and can be restored. */
  deleteUser(id: string): DeletedUserRecord {
    const user = this.data.users.get(id);
    if (!user) throw new Error(`user ${id} not found`);
    const groupIds = [...this.groupsOf.get(id)]
      .map((key) => this.data.memberships.get(key))
      .filter((m): m is MembershipRecord => m !== undefined && !isRemovalPending(m))
      .map((m) => m.groupId);
    for (const groupId of groupIds) this.dropMembership(groupId, id);
    this.unindexUser(user);
    this.data.users.delete(id);
    const record: DeletedUserRecord = {
      user,
      deletedDateTime: new Date(this.env.now()).toISOString(),
      groupIds,
    };
    this.data.deletedUsers.set(id, record);
    return record;
  }

  deletedUsers(): IterableIterator<DeletedUserRecord> {
    return this.data.deletedUsers.values();
  }

  getDeletedUser(id: string): DeletedUserRecord | undefined {
    return this.data.deletedUsers.get(id);
  }

  /** Restores a soft-deleted user and its cloud memberships. Throws if the id is not in deleted items. */
  restoreUser(id: string): UserRecord {
    const record = this.data.deletedUsers.get(id);
    if (!record) throw new Error(`deleted user ${id} not found`);
    this.data.deletedUsers.delete(id);
    this.data.users.set(id, record.user);
    this.indexUser(record.user);
    for (const groupId of record.groupIds) if (this.data.groups.has(groupId)) this.addMember(groupId, id);
    return record.user;
  }

  /** True when the UPN or an address of the deleted user is now used by a live object. */
  restoreConflicts(id: string): boolean {
    const record = this.data.deletedUsers.get(id);
    if (!record) return false;
    const u = record.user;
    if (this.byUpn.has(u.userPrincipalName.toLowerCase())) return true;
    return addressesOf(u).some((a) => this.byAddress.has(a));
  }

  // ---- groups and memberships -----------------------------------------------------------------------------

  getGroup(id: string): GroupRecord | undefined {
    return this.data.groups.get(id);
  }

  groups(): IterableIterator<GroupRecord> {
    return this.data.groups.values();
  }

  addGroup(group: GroupRecord): void {
    if (this.data.groups.has(group.id)) throw new Error(`group ${group.id} already exists`);
    this.data.groups.set(group.id, group);
    for (const a of addressesOf(group)) this.byAddress.set(a, group.id);
  }

  /** Write-side check (ignores the read delay): is the member in the group or being added? */
  hasMember(groupId: string, memberId: string): boolean {
    const m = this.data.memberships.get(`${groupId}|${memberId}`);
    return m !== undefined && !isRemovalPending(m);
  }

  addMember(groupId: string, memberId: string): 'added' | 'exists' {
    const key = `${groupId}|${memberId}`;
    const existing = this.data.memberships.get(key);
    if (existing && !isRemovalPending(existing)) return 'exists';
    this.data.memberships.set(key, { groupId, memberId, ...this.visibleAfterDelay('membership', existing) });
    this.membersOf.add(groupId, key);
    this.groupsOf.add(memberId, key);
    return 'added';
  }

  removeMember(groupId: string, memberId: string): 'removed' | 'absent' {
    return this.removeEntry('membership', this.data.memberships, `${groupId}|${memberId}`, () => {
      this.unindexMembership(groupId, memberId);
    });
  }

  /** Member ids visible to reads now. */
  members(groupId: string): string[] {
    return this.visible(this.data.memberships, this.membersOf.get(groupId)).map((m) => m.memberId);
  }

  /** Group ids (direct) the object is a visible member of. */
  memberOf(memberId: string): string[] {
    return this.visible(this.data.memberships, this.groupsOf.get(memberId)).map((m) => m.groupId);
  }

  /** Direct licences plus those inherited from (visible) group memberships. */
  effectiveLicenses(user: UserRecord): EffectiveLicense[] {
    const out: EffectiveLicense[] = user.assignedLicenses.map((l) => ({
      skuId: l.skuId,
      disabledPlans: [...l.disabledPlans],
      assignedByGroup: null,
    }));
    for (const groupId of this.memberOf(user.id)) {
      const g = this.data.groups.get(groupId);
      for (const l of g?.assignedLicenses ?? [])
        out.push({ skuId: l.skuId, disabledPlans: [...l.disabledPlans], assignedByGroup: groupId });
    }
    return out;
  }

  private dropMembership(groupId: string, memberId: string): void {
    this.data.memberships.delete(`${groupId}|${memberId}`);
    this.unindexMembership(groupId, memberId);
  }

  private unindexMembership(groupId: string, memberId: string): void {
    const key = `${groupId}|${memberId}`;
    this.membersOf.delete(groupId, key);
    this.groupsOf.delete(memberId, key);
  }

  private indexUser(u: UserRecord): void {
    this.byUpn.set(u.userPrincipalName.toLowerCase(), u.id);
    for (const a of addressesOf(u)) this.byAddress.set(a, u.id);
    if (u.managerId) this.reports.add(u.managerId, u.id);
  }

  private unindexUser(u: UserRecord): void {
    this.byUpn.delete(u.userPrincipalName.toLowerCase());
    for (const a of addressesOf(u)) if (this.byAddress.get(a) === u.id) this.byAddress.delete(a);
    if (u.managerId) this.reports.delete(u.managerId, u.id);
  }
}

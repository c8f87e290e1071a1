/**
 * The simulated tenant: plain data plus the stores that index and mutate it. Every route reads and writes
 * through a Tenant; tests reach it as `sandbox.state`. Snapshots are deep clones (structuredClone).
 */
import { ChecklistStore } from './checklist-store.js';
import type { AppRegistration, GroupRecord, SkuRecord, UserRecord } from './directory-types.js';
import { DirectoryStore } from './directory-store.js';
import { nextId, type StateEnvironment } from './environment.js';
import { ExchangeStore } from './exchange-store.js';
import { SharingStore } from './sharing-store.js';
import { TeamsStore } from './teams-store.js';
import { copyTenantData, type TenantData, type TenantInfo } from './tenant-data.js';
import type { ConsistencyArea } from './visibility.js';

/** Time of seeded records (2024-01-15T09:00:00Z). */
export const seedEpochMs = Date.UTC(2024, 0, 15, 9, 0, 0);

/** An opaque deep copy of the tenant data. */
export interface TenantSnapshot {
  readonly data: TenantData;
}

export interface TenantOptions {
  /** Epoch ms; defaults to Date.now. */
  now?: () => number;
  /** Consistency delay per area in ms; defaults to 0 (writes visible at once). */
  delayMs?: (area: ConsistencyArea) => number;
}

/** A recipient an Exchange identity or a Graph address resolves to. */
export type Recipient = { kind: 'user'; user: UserRecord } | { kind: 'group'; group: GroupRecord };

export class Tenant {
  readonly directory: DirectoryStore;
  readonly exchange: ExchangeStore;
  readonly sharing: SharingStore;
  readonly teams: TeamsStore;
  /** Sign-in methods, owners, app objects and devices: the leaver checklist's state. */
  readonly checklist: ChecklistStore;
  private current: TenantData;
  private readonly env: StateEnvironment;
  private isSeeding = false;

  constructor(data: TenantData, options: TenantOptions = {}) {
    this.current = data;
    const now = options.now ?? Date.now;
    const delayMs = options.delayMs ?? (() => 0);
    this.env = {
      // While seeding, time stands at the seed epoch so seeded records are identical across runs.
      now: () => (this.isSeeding ? seedEpochMs : now()),
      delayMs: (area) => (this.isSeeding ? 0 : delayMs(area)),
      newId: () => nextId(this.current),
    };
    // The stores hold a reference to a data object; restore() swaps contents in place so that stays valid.
    this.directory = new DirectoryStore(this.current, this.env);
    this.exchange = new ExchangeStore(this.current, this.env);
    this.sharing = new SharingStore(this.current, this.env);
    this.teams = new TeamsStore(this.current, this.env);
    this.checklist = new ChecklistStore(this.current);
  }

  get info(): TenantInfo {
    return this.current.info;
  }

  get tenantId(): string {
    return this.current.info.tenantId;
  }

  /**
   * Raw data, for assertions. Records are shared with snapshots: never change one in place; write through the
   * stores (they replace records), or replace records and call `reindex()`.
   */
  get data(): TenantData {
    return this.current;
  }

  now(): number {
    return this.env.now();
  }

  nowIso(): string {
    return new Date(this.env.now()).toISOString();
  }

  newId(): string {
    return this.env.newId();
  }

  /** Runs `fn` with consistency delays off, so seeded relationships are visible at once. */
  seed(fn: (tenant: Tenant) => void): void {
    this.isSeeding = true;
    try {
      fn(this);
    } finally {
      this.isSeeding = false;
    }
  }

  // ---- registrations and licences -------------------------------------------------------------------------

  getApp(appId: string): AppRegistration | undefined {
    return this.current.apps.get(appId);
  }

  addApp(app: AppRegistration): void {
    this.current.apps.set(app.appId, app);
  }

  skus(): SkuRecord[] {
    return [...this.current.skus.values()];
  }

  getSku(skuId: string): SkuRecord | undefined {
    return this.current.skus.get(skuId.toLowerCase());
  }

  addSku(sku: SkuRecord): void {
    this.current.skus.set(sku.skuId.toLowerCase(), sku);
  }

  /** Consumed seats per skuId (lower-case): users holding it directly or through a group, plus external use. */
  consumedUnits(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const sku of this.current.skus.values())
      counts.set(sku.skuId.toLowerCase(), sku.externallyConsumedUnits);
    for (const user of this.directory.users()) {
      const held = new Set(this.directory.effectiveLicenses(user).map((l) => l.skuId.toLowerCase()));
      for (const skuId of held) counts.set(skuId, (counts.get(skuId) ?? 0) + 1);
    }
    return counts;
  }

  // ---- recipients -----------------------------------------------------------------------------------------

  /**
   * Resolves a user or group by object id, UPN, SMTP address, Exchange alias/name/DN (through the mailbox),
   * or a group's display name / mailNickname. Returns undefined when nothing or several groups match.
   */
  findRecipient(identity: string): Recipient | undefined {
    const user = this.directory.getUser(identity);
    if (user) return { kind: 'user', user };
    const mailbox = this.exchange.findMailbox(identity);
    const owner = mailbox ? this.directory.getUser(mailbox.userId) : undefined;
    if (owner) return { kind: 'user', user: owner };
    const byId = this.directory.getGroup(identity);
    if (byId) return { kind: 'group', group: byId };
    const addressOwner = this.directory.findByAddress(identity);
    const byAddress = addressOwner === undefined ? undefined : this.directory.getGroup(addressOwner);
    if (byAddress) return { kind: 'group', group: byAddress };
    const key = identity.trim().toLowerCase();
    const named = [...this.directory.groups()].filter(
      (g) => g.displayName.toLowerCase() === key || g.mailNickname.toLowerCase() === key,
    );
    const only = named.length === 1 ? named[0] : undefined;
    return only ? { kind: 'group', group: only } : undefined;
  }

  // ---- snapshots ------------------------------------------------------------------------------------------

  /**
   * A point-in-time copy. Records are immutable once stored (the stores replace them on every change), so the
   * copy shares them and only the collections are copied: cheap even for 10 000 mailboxes.
   */
  snapshot(): TenantSnapshot {
    return { data: copyTenantData(this.current) };
  }

  /** Replaces the state with a copy of the snapshot (the snapshot stays reusable). */
  restore(snapshot: TenantSnapshot): void {
    const copy = copyTenantData(snapshot.data);
    Object.assign(this.current, copy);
    this.reindex();
  }

  /** Rebuilds every index from the raw data. */
  reindex(): void {
    this.directory.rebuild();
    this.exchange.rebuild();
    this.sharing.rebuild();
  }
}

/**
 * The permission inventory: who holds FullAccess and calendar rights on which mailbox. Exchange has no
 * reverse lookup for these, so the inventory is built by scanning every mailbox (bounded, throttle-aware
 * concurrency through the AIMD limiter) and kept durably in the store's key-value state, spread over a
 * fixed number of chunks. It only narrows where to look: the revoke plan re-reads every candidate live.
 *
 * Refresh is incremental: paging through the mailbox list finds new mailboxes, records older than
 * `maxAgeMs` are re-scanned, mailboxes no longer listed are dropped, and our own changes are written
 * through at once (`recordChange`).
 */
import { NotFoundError, describeError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { FolderPermission, Mailbox } from '../ports/mailbox.js';
import type { KeyValueStore } from '../ports/store.js';
import type { AdaptiveLimiter } from './adaptive-limiter.js';
import type { RevokeUser } from './permissions.js';
import {
  applyLocalChange,
  candidateRecords,
  chunkOf,
  identityOf,
  inventoryChunkSchema,
  inventoryMetaSchema,
  mailboxKey,
  needsScan,
  recordAnswersTo,
  recordFromScan,
  type InventoryMeta,
  type InventoryRecord,
  type LocalChange,
  type MailboxIdentity,
} from './inventory-records.js';

export interface PermissionInventoryOptions {
  state: KeyValueStore;
  mailbox: Mailbox;
  clock: Clock;
  limiter: AdaptiveLimiter;
  /** Records older than this are re-scanned on refresh. Default 24 h. */
  maxAgeMs?: number;
  /**
   * Mailboxes per listMailboxes page. Default 200 (Exchange allows 1000): each page is parsed and its
   * scans queued in one go on the bot's thread, and a 1000-row page held turns back for a few hundred
   * milliseconds; the listing is a few dozen calls against the thousands of the scan either way.
   */
  pageSize?: number;
  /** Scans at once (default 16). */
  scanners?: number;
  /** Storage layout, fixed when the inventory is first written. Default 64 chunks. */
  chunkCount?: number;
  /** Write finished scans to the store every N mailboxes, so a crash loses little. Default 500. */
  checkpointEvery?: number;
  keyPrefix?: string;
}

export interface RefreshReport {
  listed: number;
  scanned: number;
  added: number;
  dropped: number;
  /** Mailboxes that could not be scanned; their previous record (if any) was kept. */
  failures: { mailbox: string; error: { code: string; name: string; message: string } }[];
  durationMs: number;
}

/** What `status` tells about the inventory, for the request cards and `jobs`. */
export interface InventoryStatus {
  /** False until a refresh has paged through every mailbox once: candidates may be missing. */
  isComplete: boolean;
  /** When the last complete listing started (epoch ms): the inventory's age. */
  listedAt?: number;
  /** Mailboxes with a record. */
  records: number;
  /** The refresh in progress (here or, as of its last checkpoint, on another instance). */
  progress?: { startedAt: number; listed: number; scanned: number; toScan: number };
}

const defaultPageSize = 200;
/**
 * Scans at once, each a FullAccess read beside one or two calendar reads: enough to keep the adaptive
 * limiter (at most 16 reads in flight) busy.
 */
const defaultScanners = 16;

export class PermissionInventory {
  private readonly records = new Map<string, InventoryRecord>();
  private chunkCount: number;
  private lastListedAt: number | undefined;
  /** `updatedAt` of the stored meta that memory reflects: another instance's write changes it. */
  private syncedAt: number | undefined;
  private readonly dirty = new Set<number>();
  private writing: Promise<void> = Promise.resolve();
  private inflight: Promise<RefreshReport | undefined> | undefined;
  /** The refresh this instance is running: callers share it, and memory is ahead of the store meanwhile. */
  private refreshing: Promise<RefreshReport> | undefined;
  private progress: InventoryStatus['progress'];
  /** Stops the refresh in progress: scans not started are skipped, finished ones are kept. */
  private signal: AbortSignal | undefined;
  private readonly prefix: string;

  constructor(private readonly options: PermissionInventoryOptions) {
    this.chunkCount = options.chunkCount ?? 64;
    this.prefix = options.keyPrefix ?? 'revoke.inventory.';
  }

  get size(): number {
    return this.records.size;
  }

  /** Reads the stored inventory (replacing what is in memory). Unreadable chunks are left to the next scan. */
  async load(): Promise<void> {
    const meta = inventoryMetaSchema.safeParse(await this.options.state.get(`${this.prefix}meta`));
    this.records.clear();
    this.syncedAt = undefined;
    if (!meta.success) return;
    this.chunkCount = meta.data.chunkCount;
    this.lastListedAt = meta.data.lastListedAt;
    this.syncedAt = meta.data.updatedAt;
    const chunks = await Promise.all(
      Array.from({ length: this.chunkCount }, (_, index) => this.options.state.get(this.chunkKey(index))),
    );
    for (const raw of chunks) {
      const parsed = inventoryChunkSchema.safeParse(raw ?? []);
      if (!parsed.success) continue;
      for (const record of parsed.data) this.records.set(record.mailbox, record);
    }
  }

  /**
   * The inventory's state as stored (one read), or as this instance's own refresh has it. Loads the
   * stored records into memory when another instance changed them, so `candidatesFor` answers from
   * the latest stored inventory without scanning anything.
   */
  async status(): Promise<InventoryStatus> {
    if (!this.refreshing) await this.sync();
    const meta = this.refreshing
      ? undefined
      : inventoryMetaSchema.safeParse(await this.options.state.get(`${this.prefix}meta`));
    const listedAt = this.lastListedAt;
    const status: InventoryStatus = { isComplete: listedAt !== undefined, records: this.records.size };
    if (listedAt !== undefined) status.listedAt = listedAt;
    const progress = this.progress ?? (meta?.success ? meta.data.progress : undefined);
    if (progress) status.progress = { ...progress };
    return status;
  }

  /** Reloads only when the stored inventory changed since this instance last read or wrote it. */
  private async sync(): Promise<void> {
    // During this instance's own refresh memory is ahead of the store: reloading would lose scans.
    if (this.refreshing) return;
    const meta = inventoryMetaSchema.safeParse(await this.options.state.get(`${this.prefix}meta`));
    const storedAt = meta.success ? meta.data.updatedAt : undefined;
    if (storedAt === undefined || storedAt !== this.syncedAt) await this.load();
  }

  /**
   * Reloads from the store, pages through every mailbox and scans the new and stale ones. Scans start
   * while later pages are still being fetched.
   */
  refresh(signal?: AbortSignal): Promise<RefreshReport> {
    if (this.refreshing) return this.refreshing;
    this.signal = signal;
    const running = this.sync()
      .then(() => {
        this.progress = { startedAt: this.options.clock.now(), listed: 0, scanned: 0, toScan: 0 };
        return this.refreshAll();
      })
      .finally(() => {
        this.refreshing = undefined;
        this.progress = undefined;
        this.signal = undefined;
      });
    this.refreshing = running;
    return running;
  }

  private async refreshAll(): Promise<RefreshReport> {
    const startedAt = this.options.clock.now();
    const maxAgeMs = this.options.maxAgeMs ?? 24 * 60 * 60 * 1000;
    const report: RefreshReport = {
      listed: 0,
      scanned: 0,
      added: 0,
      dropped: 0,
      failures: [],
      durationMs: 0,
    };
    const seen = new Set<string>();
    // Pages are fetched back to back (Exchange's next links expire within minutes); the mailboxes to
    // scan wait in `toScan` (only what a record keeps) for a fixed pool of scanners, so a 10,000-mailbox
    // tenant holds 10,000 small entries, not 10,000 pending scans with their listings.
    const toScan: (MailboxIdentity | undefined)[] = [];
    let next = 0;
    let isListed = false;
    const idle: (() => void)[] = [];
    const wakeScanners = (): void => {
      for (const resume of idle.splice(0)) resume();
    };
    const scanner = async (): Promise<void> => {
      for (;;) {
        if (next < toScan.length) {
          const item = toScan[next] as MailboxIdentity;
          toScan[next++] = undefined;
          await this.scanAndStore(item, this.records.get(mailboxKey(item)), report);
          continue;
        }
        if (isListed) return;
        await new Promise<void>((resolve) => idle.push(resolve));
      }
    };
    const scanners = Array.from({ length: this.options.scanners ?? defaultScanners }, scanner);
    try {
      let cursor: string | undefined;
      do {
        const pageCursor = cursor;
        const page = await this.options.limiter.run(() =>
          this.options.mailbox.listMailboxes(pageCursor, this.options.pageSize ?? defaultPageSize),
        );
        for (const info of page.items) {
          const key = mailboxKey(info);
          if (seen.has(key)) continue;
          seen.add(key);
          report.listed += 1;
          const existing = this.records.get(key);
          if (needsScan(existing, info, this.options.clock.now(), maxAgeMs)) {
            if (this.progress) this.progress.toScan += 1;
            toScan.push(identityOf(info));
          }
        }
        if (this.progress) this.progress.listed = report.listed;
        cursor = page.next;
        wakeScanners();
      } while (cursor !== undefined && this.signal?.aborted !== true);
    } catch (error) {
      // The listing failed: what is queued is left for the next refresh; the scanners finish theirs.
      next = toScan.length;
      throw error;
    } finally {
      isListed = true;
      wakeScanners();
      await Promise.all(scanners);
    }
    if (this.signal?.aborted) {
      // Keep what was scanned; the listing is incomplete, so nothing is dropped and the age stays.
      await this.flush();
      throw this.signal.reason instanceof Error ? this.signal.reason : new Error('The refresh was stopped');
    }
    for (const key of [...this.records.keys()]) {
      if (!seen.has(key)) {
        this.records.delete(key);
        this.dirty.add(chunkOf(key, this.chunkCount));
        report.dropped += 1;
      }
    }
    this.lastListedAt = startedAt;
    this.progress = undefined;
    await this.flush();
    report.durationMs = this.options.clock.now() - startedAt;
    return report;
  }

  /**
   * Refreshes unless a refresh (by this or another instance) listed every mailbox within `withinMs`;
   * concurrent callers share one refresh. Returns the report when a refresh ran.
   */
  ensureFresh(withinMs = 60_000): Promise<RefreshReport | undefined> {
    if (this.inflight) return this.inflight;
    if (this.refreshing) return this.refreshing;
    const running = (async (): Promise<RefreshReport | undefined> => {
      if (this.lastListedAt === undefined) await this.load();
      const listedAt = this.lastListedAt;
      if (listedAt !== undefined && this.options.clock.now() - listedAt < withinMs) return undefined;
      return this.refresh();
    })().finally(() => {
      this.inflight = undefined;
    });
    this.inflight = running;
    return running;
  }

  /** Mailboxes where the inventory saw one of the identities with FullAccess or a calendar grant. */
  candidatesFor(user: Pick<RevokeUser, 'identities' | 'displayName'>): {
    fullAccess: InventoryRecord[];
    calendar: InventoryRecord[];
  } {
    return candidateRecords(this.records.values(), user);
  }

  /** The record of a mailbox by address, UPN or id. */
  find(name: string): InventoryRecord | undefined {
    const direct = this.records.get(name.toLowerCase());
    if (direct) return direct;
    for (const record of this.records.values()) if (recordAnswersTo(record, name)) return record;
    return undefined;
  }

  /** Applies a change made by our own run to the stored record at once. */
  async recordChange(mailbox: string, change: LocalChange): Promise<void> {
    await this.sync();
    const key = mailbox.toLowerCase();
    const current = this.records.get(key);
    if (!current) return; // not inventoried yet: the next refresh scans it live
    this.records.set(key, applyLocalChange(current, change));
    this.dirty.add(chunkOf(key, this.chunkCount));
    await this.flush();
  }

  private async scanAndStore(
    info: MailboxIdentity,
    existing: InventoryRecord | undefined,
    report: RefreshReport,
  ): Promise<void> {
    const key = mailboxKey(info);
    try {
      if (this.signal?.aborted) return;
      const record = await this.scan(info, existing?.calendarFolder);
      this.records.set(key, record);
      report.scanned += 1;
      if (this.progress) this.progress.scanned = report.scanned;
      if (!existing) report.added += 1;
    } catch (error) {
      if (this.signal?.aborted) return;
      if (error instanceof NotFoundError) {
        // Deleted between listing and scanning: nothing to inventory.
        if (this.records.delete(key)) report.dropped += 1;
      } else {
        report.failures.push({ mailbox: key, error: describeError(error) });
        return;
      }
    }
    this.dirty.add(chunkOf(key, this.chunkCount));
    const checkpointEvery = this.options.checkpointEvery ?? 500;
    if (report.scanned % checkpointEvery === 0) await this.flush();
  }

  /** One Exchange read of a scan, through the limiter; skipped once the refresh was stopped. */
  private read<T>(call: () => Promise<T>): Promise<T> {
    return this.options.limiter.run(() => {
      this.signal?.throwIfAborted();
      return call();
    });
  }

  private async scan(info: MailboxIdentity, cachedFolder: string | undefined): Promise<InventoryRecord> {
    const address = info.primarySmtpAddress;
    const [fullAccess, calendar] = await Promise.all([
      this.read(() => this.options.mailbox.listFullAccess(address)),
      this.scanCalendar(address, cachedFolder),
    ]);
    return recordFromScan(info, fullAccess, calendar.folder, calendar.grants, this.options.clock.now());
  }

  /**
   * The calendar's permissions. The folder name is localized (`Kalender`, `Calendrier`…), so the first
   * scan asks Exchange for it (folder statistics) and the record caches it; a re-scan with a cached name
   * that no longer exists (mailbox language changed) resolves it again once.
   */
  private async scanCalendar(
    address: string,
    cachedFolder: string | undefined,
  ): Promise<{ folder: string; grants: FolderPermission[] }> {
    const { mailbox } = this.options;
    const resolveFolder = (): Promise<string> => this.read(() => mailbox.getCalendarFolder(address));
    const folder = cachedFolder ?? (await resolveFolder());
    try {
      return { folder, grants: await this.read(() => mailbox.listFolderPermissions(folder, address)) };
    } catch (error) {
      if (!(error instanceof NotFoundError) || cachedFolder === undefined) throw error;
      const fresh = await resolveFolder();
      return {
        folder: fresh,
        grants: await this.read(() => mailbox.listFolderPermissions(fresh, address)),
      };
    }
  }

  private async flush(): Promise<void> {
    await this.serialise(async () => {
      const chunks = [...this.dirty];
      this.dirty.clear();
      for (const chunk of chunks) {
        const records = [...this.records.values()].filter(
          (record) => chunkOf(record.mailbox, this.chunkCount) === chunk,
        );
        await this.options.state.set(this.chunkKey(chunk), records);
      }
      // Strictly increasing, so two writes in one millisecond still tell other instances to reload.
      const updatedAt = Math.max(this.options.clock.now(), (this.syncedAt ?? 0) + 1);
      const meta: InventoryMeta = { version: 1, chunkCount: this.chunkCount, updatedAt };
      if (this.lastListedAt !== undefined) meta.lastListedAt = this.lastListedAt;
      if (this.progress) meta.progress = { ...this.progress };
      await this.options.state.set(`${this.prefix}meta`, meta);
      this.syncedAt = updatedAt;
    });
  }

  /** Store writes happen one at a time, in order, so checkpoints and write-throughs never interleave. */
  private serialise(write: () => Promise<void>): Promise<void> {
    const next = this.writing.then(write);
    // The failure reaches the caller through `next`; the chain only orders writes and must stay usable.
    this.writing = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  private chunkKey(index: number): string {
    return `${this.prefix}chunk:${index}`;
  }
}

/**
 * What the stores over the tenant data share: lookup indexes rebuilt from the data, and relationship writes
 * that follow the consistency delays (see visibility.ts).
 */
import type { StateEnvironment } from './environment.js';
import { KeyIndex } from './key-index.js';
import type { TenantData } from './tenant-data.js';
import { isRemovalPending, isVisible, type ConsistencyArea, type Visibility } from './visibility.js';

export abstract class IndexedStore {
  private readonly indexes: { clear(): void }[] = [];

  constructor(
    protected readonly data: TenantData,
    protected readonly env: StateEnvironment,
  ) {}

  /** Empties every index and files the data again (after a restore, or when records were replaced). */
  rebuild(): void {
    for (const index of this.indexes) index.clear();
    this.indexAll();
  }

  /** Files every record of the data in the indexes (they are empty when this runs). */
  protected abstract indexAll(): void;

  /** A new index from a key to the keys of the records carrying it, emptied by `rebuild`. */
  protected keyIndex(): KeyIndex {
    const index = new KeyIndex();
    this.indexes.push(index);
    return index;
  }

  /** A new map from a unique key to one record's key, emptied by `rebuild`. */
  protected lookup(): Map<string, string> {
    const map = new Map<string, string>();
    this.indexes.push(map);
    return map;
  }

  /** The records under these keys that reads see now (and that `where` accepts). */
  protected visible<T extends Visibility>(
    records: ReadonlyMap<string, T>,
    keys: ReadonlySet<string>,
    where: (record: T) => boolean = () => true,
  ): T[] {
    const now = this.env.now();
    const out: T[] = [];
    for (const key of keys) {
      const record = records.get(key);
      if (record && isVisible(record, now) && where(record)) out.push(record);
    }
    return out;
  }

  /** Visibility of an entry written now: after the area's delay, unless it replaces one reads still see. */
  protected visibleAfterDelay(area: ConsistencyArea, replaced: Visibility | undefined): Visibility {
    const now = this.env.now();
    // Re-adding while a removal is still propagating: reads never stop seeing it.
    if (replaced && isVisible(replaced, now)) return { visibleFrom: replaced.visibleFrom, hiddenFrom: null };
    return { visibleFrom: now + this.env.delayMs(area), hiddenFrom: null };
  }

  /**
   * Removes the live entry under `key`: drops it now (and `unindex` takes it out of the indexes), or with a
   * delay replaces it by a copy hidden from reads after the delay. 'absent' when no live entry is there.
   */
  protected removeEntry<T extends Visibility>(
    area: ConsistencyArea,
    records: Map<string, T>,
    key: string,
    unindex: (entry: T) => void,
  ): 'removed' | 'absent' {
    const entry = records.get(key);
    if (!entry || isRemovalPending(entry)) return 'absent';
    const delay = this.env.delayMs(area);
    if (delay > 0) {
      records.set(key, { ...entry, hiddenFrom: this.env.now() + delay });
    } else {
      records.delete(key);
      unindex(entry);
    }
    return 'removed';
  }
}

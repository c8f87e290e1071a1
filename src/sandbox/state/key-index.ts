/** A secondary index from a key (lower-cased by the caller when needed) to the ids of the records carrying it. */
export class KeyIndex {
  private readonly map = new Map<string, Set<string>>();

  add(key: string, id: string): void {
    let ids = this.map.get(key);
    if (!ids) {
      ids = new Set();
      this.map.set(key, ids);
    }
    ids.add(id);
  }

  delete(key: string, id: string): void {
    const ids = this.map.get(key);
    if (!ids) return;
    ids.delete(id);
    if (ids.size === 0) this.map.delete(key);
  }

  get(key: string): ReadonlySet<string> {
    return this.map.get(key) ?? emptySet;
  }

  clear(): void {
    this.map.clear();
  }
}

const emptySet: ReadonlySet<string> = new Set();

/**
 * The hash chain over the evidence of a request: its audit events and the journal entries of its
 * runs, one sequence per request. Every link stores the hash of the link before it, so an entry
 * edited, removed, inserted or moved afterwards breaks the chain at that point. The algorithm is
 * documented in docs/proof.md so that anyone can check a chain without this code.
 *
 *   hash = lowercase hex SHA-256 of the UTF-8 bytes of
 *          canonicalJson({ chain, entry, prevHash, seq, table })
 *
 * `chain` is the request id ("" for audit events that belong to no request), `table` is `audit` or
 * `journal`, `seq` counts from 1 within the chain, `prevHash` is the previous link's hash (64 zeros
 * for the first link) and `entry` is the entry's stored fields as the store reads them back (an audit
 * event or a journal entry without its row id; absent fields are left out).
 */
import { createHash } from 'node:crypto';

export const genesisHash = '0'.repeat(64);

export type ChainTable = 'audit' | 'journal';

/** One stored link: where the entry lives, its place in the chain and what was hashed. */
export interface ChainLink {
  table: ChainTable;
  /** The row id in its table (audit event id or journal entry id). */
  id: number;
  seq: number;
  prevHash: string;
  hash: string;
  entry: Record<string, unknown>;
}

/** The last link of a chain, as recorded separately from the entries. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * Canonical JSON (RFC 8785, JCS, for the values JSON can carry here): object keys sorted by UTF-16
 * code units, no whitespace, strings and numbers as `JSON.stringify` writes them (which is what JCS
 * specifies), object members whose value is `undefined` left out. Non-finite numbers are refused.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('Canonical JSON has no form for a non-finite number');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
      const members = Object.entries(value as Record<string, unknown>)
        .filter(([, member]) => member !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new TypeError(`Canonical JSON has no form for a ${typeof value}`);
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hash of one link. */
export function linkHash(
  chain: string,
  link: { table: ChainTable; seq: number; prevHash: string; entry: Record<string, unknown> },
): string {
  return sha256Hex(
    canonicalJson({
      chain,
      entry: link.entry,
      prevHash: link.prevHash,
      seq: link.seq,
      table: link.table,
    }),
  );
}

export type ChainBreakField = 'seq' | 'prevHash' | 'hash' | 'order' | 'head';

/** The first place where a chain does not hold, with what was expected there and what was found. */
export interface ChainBreak {
  chain: string;
  /** The position (1-based) in the chain where it breaks. */
  position: number;
  /** The entry found there; absent when the break is a missing tail (head check). */
  link?: { table: ChainTable; id: number; seq: number };
  field: ChainBreakField;
  expected: string;
  found: string;
  message: string;
}

export type ChainVerdict =
  | { isIntact: true; chain: string; length: number; head: ChainHead }
  | { isIntact: false; chain: string; length: number; break: ChainBreak };

/**
 * Checks a chain's links. `links` come in any order: they are walked by `seq` (ties by table and id),
 * and within each table the row ids must grow with `seq` (rows listed in id order must be in chain
 * order, so two entries swapped by hand are caught even when their hashes are swapped with them).
 * `head`, when given, must name the last link: a removed tail is caught there.
 */
export function verifyChain(
  chain: string,
  links: readonly ChainLink[],
  head?: ChainHead | null,
): ChainVerdict {
  const ordered = [...links].sort((a, b) => a.seq - b.seq || a.table.localeCompare(b.table) || a.id - b.id);
  let prevHash = genesisHash;
  const lastId = new Map<ChainTable, number>();
  const broken = (
    position: number,
    link: ChainLink | undefined,
    field: ChainBreakField,
    expected: string,
    found: string,
    message: string,
  ): ChainVerdict => ({
    isIntact: false,
    chain,
    length: ordered.length,
    break: {
      chain,
      position,
      ...(link && { link: { table: link.table, id: link.id, seq: link.seq } }),
      field,
      expected,
      found,
      message,
    },
  });
  for (const [index, link] of ordered.entries()) {
    const position = index + 1;
    const name = `${link.table} entry ${link.id}`;
    if (link.seq !== position) {
      const message =
        link.seq > position
          ? `link ${position} is missing: the next entry found is ${name} with seq ${link.seq}`
          : `${name} repeats seq ${link.seq}`;
      return broken(position, link, 'seq', String(position), String(link.seq), message);
    }
    const previousId = lastId.get(link.table);
    if (previousId !== undefined && link.id <= previousId) {
      return broken(
        position,
        link,
        'order',
        `a ${link.table} row id above ${previousId}`,
        String(link.id),
        `${name} (seq ${link.seq}) is stored before ${link.table} entry ${previousId} that precedes it in the chain: entries were reordered`,
      );
    }
    lastId.set(link.table, link.id);
    if (link.prevHash !== prevHash) {
      return broken(
        position,
        link,
        'prevHash',
        prevHash,
        link.prevHash,
        `${name} (seq ${link.seq}) does not point at the link before it: an entry was removed, inserted or replaced`,
      );
    }
    const computed = linkHash(chain, link);
    if (computed !== link.hash) {
      return broken(
        position,
        link,
        'hash',
        computed,
        link.hash,
        `${name} (seq ${link.seq}) does not match its hash: the entry was edited after it was written`,
      );
    }
    prevHash = link.hash;
  }
  const last = ordered.at(-1);
  const tail: ChainHead = { seq: last?.seq ?? 0, hash: last?.hash ?? genesisHash };
  if (head !== undefined) {
    const expected = head ?? { seq: 0, hash: genesisHash };
    if (expected.seq !== tail.seq || expected.hash !== tail.hash) {
      return broken(
        tail.seq + 1,
        undefined,
        'head',
        `seq ${expected.seq} ${expected.hash}`,
        `seq ${tail.seq} ${tail.hash}`,
        head === null
          ? 'the chain has entries but no recorded head'
          : `the recorded head is seq ${expected.seq} but the entries end at seq ${tail.seq}: entries at the end were removed or the head was changed`,
      );
    }
  }
  return { isIntact: true, chain, length: ordered.length, head: tail };
}

/** One line for a person reading a verdict. */
export function describeVerdict(verdict: ChainVerdict): string {
  const name = verdict.chain === '' ? 'events without a request' : verdict.chain;
  if (verdict.isIntact) {
    return `${name}: intact, ${verdict.length} links, head ${verdict.head.hash}`;
  }
  const b = verdict.break;
  return `${name}: BROKEN at link ${b.position}: ${b.message} (${b.field}: expected ${b.expected}, found ${b.found})`;
}

/**
 * The store's side of the hash chain (src/core/audit/hash-chain.ts): appending a link under the
 * chain's head row lock, and reading a chain back for verification.
 *
 * Concurrency: an append runs in one transaction that first makes sure the chain's row in
 * `hash_chain_heads` exists (`INSERT … ON CONFLICT DO NOTHING`), then locks it with
 * `SELECT … FOR UPDATE`, computes the link from the head, inserts the entry and moves the head. Two
 * instances appending to one request's chain on PostgreSQL queue on that row lock, and the second
 * reads the head the first committed, so the chain never forks; the unique `(request, chain_seq)`
 * indexes stop a duplicate link even if that protocol were bypassed. PGlite is one connection whose
 * transactions never interleave. Existing rows are never updated: the hash is known before the
 * INSERT.
 */
import {
  genesisHash,
  linkHash,
  verifyChain,
  type ChainHead,
  type ChainLink,
  type ChainTable,
  type ChainVerdict,
} from '../core/audit/hash-chain.js';
import { journalColumns, toAuditEvent, toJournalEntry } from './row-mapping.js';
import type { SqlClient, SqlExecutor, SqlRow } from './sql-client.js';

export interface NewLink {
  seq: number;
  prevHash: string;
  hash: string;
}

/**
 * Appends one entry to `chain`: `insert` writes the row with the link it is given, inside the
 * transaction that holds the chain's head. `entry` is the entry exactly as the store will read it back.
 */
export async function appendLinked(
  client: SqlClient,
  chain: string,
  table: ChainTable,
  entry: Record<string, unknown>,
  insert: (tx: SqlExecutor, link: NewLink) => Promise<void>,
): Promise<void> {
  await client.transaction((tx) => appendLinkedIn(tx, chain, table, entry, insert));
}

/**
 * {@link appendLinked} inside a transaction the caller holds (`tx`), so the entry commits or rolls
 * back with the caller's other statements.
 */
export async function appendLinkedIn(
  tx: SqlExecutor,
  chain: string,
  table: ChainTable,
  entry: Record<string, unknown>,
  insert: (tx: SqlExecutor, link: NewLink) => Promise<void>,
): Promise<void> {
  await tx.query(
    'INSERT INTO hash_chain_heads (chain, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (chain) DO NOTHING',
    [chain, genesisHash],
  );
  const [head] = await tx.query('SELECT seq, hash FROM hash_chain_heads WHERE chain = $1 FOR UPDATE', [
    chain,
  ]);
  if (head === undefined) throw new Error(`The head of chain ${chain} vanished`);
  const seq = Number(head['seq']) + 1;
  const prevHash = text(head, 'hash');
  const hash = linkHash(chain, { table, seq, prevHash, entry });
  await insert(tx, { seq, prevHash, hash });
  await tx.query('UPDATE hash_chain_heads SET seq = $2, hash = $3, updated_at = now() WHERE chain = $1', [
    chain,
    seq,
    hash,
  ]);
}

/** A JSON value as it comes back from a jsonb column (`null` for SQL NULL). */
export function asStoredJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

/** A timestamp as the store writes and reads it back (ISO 8601, milliseconds, UTC). */
export function asStoredInstant(value: string): string {
  return new Date(value).toISOString();
}

/** Drops the row id: a link hashes the entry's content, its place is `seq`. */
export function withoutId(value: object): Record<string, unknown> {
  const { id: _id, ...rest } = value as Record<string, unknown>;
  return rest;
}

function text(row: SqlRow, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new Error(`Column ${column} is not text`);
  return value;
}

/** A chain as stored: its links in order, the recorded head, and rows that should carry a link but do not. */
export interface StoredChain {
  chain: string;
  links: ChainLink[];
  head: ChainHead | null;
  unlinked: { table: ChainTable; id: number }[];
}

const auditColumns = 'e.id, e.at, e.type, e.request_id, e.run_id, e.actor, e.details';
const startOf = (table: string): string =>
  `(SELECT first_id FROM hash_chain_start WHERE table_name = '${table}')`;

/** Reading and checking the chains. */
export class SqlHashChains {
  constructor(private readonly db: SqlExecutor) {}

  /** Every chain key in the store ('' is the chain of audit events without a request). */
  async keys(): Promise<string[]> {
    const rows = await this.db.query(
      `SELECT chain FROM hash_chain_heads
       UNION SELECT COALESCE(request_id, '') FROM audit_events WHERE id >= ${startOf('audit_events')}
       UNION SELECT COALESCE(j.request_id, r.request_id) FROM step_journal j LEFT JOIN runs r ON r.id = j.run_id
         WHERE j.id >= ${startOf('step_journal')}
       ORDER BY 1`,
    );
    return rows.map((row) => String(row['chain']));
  }

  /** One chain with its audit events and its runs' journal entries. */
  async read(chain: string): Promise<StoredChain> {
    const auditRows = await this.db.query(
      `SELECT ${auditColumns}, e.chain_seq, e.prev_hash, e.hash FROM audit_events e
       WHERE COALESCE(e.request_id, '') = $1 AND e.id >= ${startOf('audit_events')} ORDER BY e.id`,
      [chain],
    );
    const journalRows = await this.db.query(
      `SELECT ${journalColumns}, chain_seq, prev_hash, hash FROM step_journal
       WHERE (request_id = $1 OR run_id IN (SELECT id FROM runs WHERE request_id = $1))
         AND id >= ${startOf('step_journal')} ORDER BY id`,
      [chain],
    );
    const [head] = await this.db.query('SELECT seq, hash FROM hash_chain_heads WHERE chain = $1', [chain]);
    const links: ChainLink[] = [];
    const unlinked: StoredChain['unlinked'] = [];
    const collect = (table: ChainTable, row: SqlRow, entry: { id?: number }): void => {
      const id = Number(row['id']);
      if (row['chain_seq'] === null || row['prev_hash'] === null || row['hash'] === null) {
        unlinked.push({ table, id });
        return;
      }
      links.push({
        table,
        id,
        seq: Number(row['chain_seq']),
        prevHash: text(row, 'prev_hash'),
        hash: text(row, 'hash'),
        entry: withoutId(entry),
      });
    };
    for (const row of auditRows) collect('audit', row, toAuditEvent(row));
    for (const row of journalRows) collect('journal', row, toJournalEntry(row));
    links.sort((a, b) => a.seq - b.seq || a.table.localeCompare(b.table) || a.id - b.id);
    return {
      chain,
      links,
      head: head === undefined ? null : { seq: Number(head['seq']), hash: text(head, 'hash') },
      unlinked,
    };
  }

  /** Checks one chain and returns the first break, if any. */
  async verify(chain: string): Promise<ChainVerdict> {
    return verifyStoredChain(await this.read(chain));
  }
}

/** The verdict on a stored chain: a row without its link is a break of its own. */
export function verifyStoredChain(stored: StoredChain): ChainVerdict {
  const [missing] = stored.unlinked;
  if (missing !== undefined) {
    const position =
      1 + stored.links.filter((link) => link.table === missing.table && link.id < missing.id).length;
    return {
      isIntact: false,
      chain: stored.chain,
      length: stored.links.length + stored.unlinked.length,
      break: {
        chain: stored.chain,
        position,
        field: 'hash',
        expected: 'a chain link (seq, previous hash, hash)',
        found: 'none',
        message: `${missing.table} entry ${missing.id} carries no link although it was written after the chain began: its link was removed`,
      },
    };
  }
  return verifyChain(stored.chain, stored.links, stored.head);
}

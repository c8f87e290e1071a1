import type { ConversationStore, KeyValueStore } from '../core/ports/store.js';
import { jsonParam } from './row-mapping.js';
import type { SqlExecutor } from './sql-client.js';

/** A table of JSON values by text `key`: its name and its jsonb column (constants, never input). */
type KeyValueTable =
  | { readonly name: 'bot_state'; readonly column: 'value' }
  | { readonly name: 'conversation_refs'; readonly column: 'reference' };

const BOT_STATE: KeyValueTable = { name: 'bot_state', column: 'value' };
const CONVERSATION_REFS: KeyValueTable = { name: 'conversation_refs', column: 'reference' };

/** Small JSON values by key (the bot state table unless told otherwise). */
export class SqlKeyValueStore implements KeyValueStore {
  constructor(
    private readonly db: SqlExecutor,
    private readonly table: KeyValueTable = BOT_STATE,
  ) {}

  /** The stored value, or undefined when `key` is absent. */
  async get(key: string): Promise<unknown> {
    const { name, column } = this.table;
    const rows = await this.db.query(`SELECT ${column} FROM ${name} WHERE key = $1`, [key]);
    return rows[0]?.[column];
  }

  /** Stores `value` (`undefined` is stored as JSON null; use `delete` to remove a key). */
  async set(key: string, value: unknown): Promise<void> {
    const { name, column } = this.table;
    await this.db.query(
      `INSERT INTO ${name} (key, ${column}) VALUES ($1, $2::jsonb)
       ON CONFLICT (key) DO UPDATE SET ${column} = EXCLUDED.${column}, updated_at = now()`,
      [key, jsonParam(value ?? null)],
    );
  }

  async delete(key: string): Promise<void> {
    await this.db.query(`DELETE FROM ${this.table.name} WHERE key = $1`, [key]);
  }

  async deleteOlderThan(prefix: string, beforeIso: string): Promise<number> {
    const { name, column } = this.table;
    const rows = await this.db.query(
      `DELETE FROM ${name}
       WHERE starts_with(key, $1) AND jsonb_typeof(${column}) = 'object'
         AND jsonb_typeof(${column}->'at') = 'string' AND (${column}->>'at') COLLATE "C" < $2
       RETURNING key`,
      [prefix, beforeIso],
    );
    return rows.length;
  }
}

/** Conversation references for proactive messages, by key (user, channel or conversation id). */
export class SqlConversationStore implements ConversationStore {
  private readonly references: SqlKeyValueStore;

  constructor(private readonly db: SqlExecutor) {
    this.references = new SqlKeyValueStore(db, CONVERSATION_REFS);
  }

  save(key: string, reference: unknown): Promise<void> {
    return this.references.set(key, reference);
  }

  async saveIfChanged(key: string, reference: unknown): Promise<void> {
    await this.db.query(
      `INSERT INTO conversation_refs (key, reference) VALUES ($1, $2::jsonb)
       ON CONFLICT (key) DO UPDATE SET reference = EXCLUDED.reference, updated_at = now()
       WHERE conversation_refs.reference IS DISTINCT FROM EXCLUDED.reference`,
      [key, jsonParam(reference ?? null)],
    );
  }

  /** The saved reference, or undefined when none was saved under `key`. */
  get(key: string): Promise<unknown> {
    return this.references.get(key);
  }
}

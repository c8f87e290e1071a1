import type { ConversationStore, KeyValueStore } from '../core/ports/store.js';
import { jsonParam } from './row-mapping.js';
import type { SqlExecutor } from './sql-client.js';

/** Conversation references for proactive messages, by key (user, channel or conversation id). */
export class SqlConversationStore implements ConversationStore {
  constructor(private readonly db: SqlExecutor) {}

  async save(key: string, reference: unknown): Promise<void> {
    await this.db.query(
      `INSERT INTO conversation_refs (key, reference) VALUES ($1, $2::jsonb)
       ON CONFLICT (key) DO UPDATE SET reference = EXCLUDED.reference, updated_at = now()`,
      [key, jsonParam(reference ?? null)],
    );
  }

  /** The saved reference, or undefined when none was saved under `key`. */
  async get(key: string): Promise<unknown> {
    const rows = await this.db.query('SELECT reference FROM conversation_refs WHERE key = $1', [key]);
    return rows[0]?.['reference'];
  }
}

/** Small JSON values by key. */
export class SqlKeyValueStore implements KeyValueStore {
  constructor(private readonly db: SqlExecutor) {}

  /** The stored value, or undefined when `key` is absent. */
  async get(key: string): Promise<unknown> {
    const rows = await this.db.query('SELECT value FROM bot_state WHERE key = $1', [key]);
    return rows[0]?.['value'];
  }

  /** Stores `value` (`undefined` is stored as JSON null; use `delete` to remove a key). */
  async set(key: string, value: unknown): Promise<void> {
    await this.db.query(
      `INSERT INTO bot_state (key, value) VALUES ($1, $2::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [key, jsonParam(value ?? null)],
    );
  }

  async delete(key: string): Promise<void> {
    await this.db.query('DELETE FROM bot_state WHERE key = $1', [key]);
  }
}

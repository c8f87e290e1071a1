import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { SqlClient, SqlExecutor, SqlParam, SqlRow } from './sql-client.js';

/**
 * PGlite driver. PGlite is one embedded connection: its `query` and `transaction` share a mutex, so a
 * statement issued outside a transaction waits until the transaction ends, and statements never
 * interleave. Code inside a transaction must use the transaction's executor (the top-level one would
 * wait for the transaction it runs in).
 */
export class PgliteClient implements SqlClient {
  readonly driver = 'pglite';

  private constructor(private readonly db: PGlite) {}

  /** Opens (creating when needed) the database in `dataDir`, or in memory when it is absent. */
  static async open(dataDir?: string): Promise<PgliteClient> {
    if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir);
    return new PgliteClient(db);
  }

  async query(text: string, params: readonly SqlParam[] = []): Promise<SqlRow[]> {
    const result = await this.db.query<SqlRow>(text, [...params]);
    return result.rows;
  }

  async execScript(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(executorOf(tx)));
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

function executorOf(tx: Transaction): SqlExecutor {
  return {
    async query(text, params = []) {
      const result = await tx.query<SqlRow>(text, [...params]);
      return result.rows;
    },
    async execScript(sql) {
      await tx.exec(sql);
    },
  };
}

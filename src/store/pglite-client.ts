import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { ExecutorClient, executorOver } from './executor-client.js';
import type { SqlExecutor } from './sql-client.js';

/**
 * PGlite driver. PGlite is one embedded connection: its `query` and `transaction` share a mutex, so a
 * statement issued outside a transaction waits until the transaction ends, and statements never
 * interleave. Code inside a transaction must use the transaction's executor (the top-level one would
 * wait for the transaction it runs in).
 */
export class PgliteClient extends ExecutorClient {
  readonly driver = 'pglite';

  private constructor(private readonly db: PGlite) {
    super(executorOf(db));
  }

  /** Opens (creating when needed) the database in `dataDir`, or in memory when it is absent. */
  static async open(dataDir?: string): Promise<PgliteClient> {
    if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir);
    return new PgliteClient(db);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(executorOf(tx)));
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

function executorOf(connection: PGlite | Transaction): SqlExecutor {
  return executorOver(connection, (sql) => connection.exec(sql));
}

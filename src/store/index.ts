/**
 * The durable store: PGlite embedded in a data folder (or in memory), or PostgreSQL when a
 * `databaseUrl` is given. Both drivers run the same SQL and the same migrations.
 */
import type { Logger } from 'pino';
import type { Store } from '../core/ports/store.js';
import { migrate } from './migrate.js';
import { PgClient } from './pg-client.js';
import { PgliteClient } from './pglite-client.js';
import type { SqlClient } from './sql-client.js';
import { SqlStore } from './sql-store.js';

export { migrations, type Migration } from './migrations/index.js';
export { SqlStore } from './sql-store.js';

export interface StoreOptions {
  /** PGlite data folder, created when missing. Only one process may open a folder at a time. */
  dataDir?: string;
  /** PostgreSQL connection string; when set it wins over `dataDir`. */
  databaseUrl?: string;
  /** PostgreSQL pool size (default 10). */
  maxConnections?: number;
  logger?: Logger;
}

/**
 * Opens the store and applies pending migrations (serialised by an advisory lock, so instances that
 * start together against one PostgreSQL database migrate it once). With neither `databaseUrl` nor
 * `dataDir`, the database lives in memory.
 */
export async function openStore(options: StoreOptions = {}): Promise<SqlStore> {
  const client: SqlClient =
    options.databaseUrl !== undefined && options.databaseUrl !== ''
      ? await PgClient.open({
          databaseUrl: options.databaseUrl,
          ...(options.maxConnections !== undefined && { maxConnections: options.maxConnections }),
          ...(options.logger !== undefined && { logger: options.logger }),
        })
      : await PgliteClient.open(options.dataDir);
  try {
    await migrate(client, options.logger);
  } catch (error) {
    await client.close();
    throw error;
  }
  options.logger?.info({ driver: client.driver }, 'store opened');
  return new SqlStore(client);
}

/** A migrated PGlite database in memory: for tests and throwaway runs. */
export async function openMemoryStore(options: { logger?: Logger } = {}): Promise<Store> {
  return openStore(options.logger === undefined ? {} : { logger: options.logger });
}

/**
 * The durable store: PGlite embedded in a data folder (or in memory), or PostgreSQL when a
 * `databaseUrl` is given. Both drivers run the same SQL and the same migrations.
 */
import type { Logger } from 'pino';
import type { Store } from '../core/ports/store.js';
import { assertMigrated, migrate } from './migrate.js';
import type { SqlClient } from './sql-client.js';
import { SqlStore } from './sql-store.js';

export { migrations, type Migration } from './migrations/index.js';
export { SqlStore } from './sql-store.js';

export interface StoreOptions {
  /** PGlite data folder, created when missing. Only one process may open a folder at a time. */
  dataDir?: string;
  /** PostgreSQL connection string; when set it wins over `dataDir`. */
  databaseUrl?: string;
  /**
   * PostgreSQL connection string of the role that owns the schema and runs migrations. When set, the
   * `databaseUrl` role only gets the rights the application needs (`runtime-role.ts`): it can insert
   * and read the audit trail and the journal but not change, delete or truncate them, nor drop their
   * triggers. Without it, the `databaseUrl` role runs migrations and owns everything.
   */
  migrationUrl?: string;
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
  const isPostgres = options.databaseUrl !== undefined && options.databaseUrl !== '';
  // Each driver is loaded when used: a PGlite deployment never loads `pg`, a PostgreSQL one never PGlite.
  const client: SqlClient = isPostgres
    ? await (
        await import('./pg-client.js')
      ).PgClient.open({
        databaseUrl: options.databaseUrl ?? '',
        ...(options.maxConnections !== undefined && { maxConnections: options.maxConnections }),
        ...(options.logger !== undefined && { logger: options.logger }),
      })
    : await (await import('./pglite-client.js')).PgliteClient.open(options.dataDir);
  try {
    if (isPostgres && options.migrationUrl !== undefined && options.migrationUrl !== '') {
      await migrateAsOwner(client, options.migrationUrl, options.logger);
      await assertMigrated(client);
    } else {
      await migrate(client, options.logger);
    }
  } catch (error) {
    await client.close();
    throw error;
  }
  options.logger?.info({ driver: client.driver }, 'store opened');
  return new SqlStore(client);
}

/** Migrates through a short-lived connection of the owner role and grants the runtime role its rights. */
async function migrateAsOwner(runtime: SqlClient, migrationUrl: string, logger?: Logger): Promise<void> {
  const [row] = await runtime.query('SELECT current_user AS name');
  const role = row?.['name'];
  if (typeof role !== 'string') throw new Error('The runtime database role could not be read');
  const { PgClient } = await import('./pg-client.js');
  const owner = await PgClient.open({
    databaseUrl: migrationUrl,
    maxConnections: 1,
    ...(logger !== undefined && { logger }),
  });
  try {
    await migrate(owner, logger, undefined, role);
  } finally {
    await owner.close();
  }
}

/** A migrated PGlite database in memory: for tests and throwaway runs. */
export async function openMemoryStore(options: { logger?: Logger } = {}): Promise<Store> {
  return openStore(options.logger === undefined ? {} : { logger: options.logger });
}

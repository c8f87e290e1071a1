/** How the shared store suite reaches a database: the same tests run on PGlite and on PostgreSQL. */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { StoreOptions } from '../../src/store/index.js';
import { migrate } from '../../src/store/migrate.js';
import { PgClient } from '../../src/store/pg-client.js';
import { PgliteClient } from '../../src/store/pglite-client.js';
import type { SqlClient } from '../../src/store/sql-client.js';
import { SqlStore } from '../../src/store/sql-store.js';
import type { TestPostgres } from '../support/postgres.js';

/** A migrated store on its own empty database, with raw SQL access to check what the store may not do. */
export interface OpenedStore {
  store: SqlStore;
  /** The store's own connection; closed with the store. */
  sql: SqlClient;
  /** Set on PostgreSQL, so a test can open more instances on the same database. */
  databaseUrl?: string;
  /** Set when the schema belongs to another role than `databaseUrl`'s (least-privilege runtime role). */
  migrationUrl?: string;
}

/** Options that open another instance of an opened PostgreSQL store, as the same roles. */
export function instanceOptionsOf(opened: OpenedStore): { databaseUrl: string; migrationUrl?: string } {
  if (opened.databaseUrl === undefined) throw new Error('A PostgreSQL target exposes its database URL');
  return {
    databaseUrl: opened.databaseUrl,
    ...(opened.migrationUrl !== undefined && { migrationUrl: opened.migrationUrl }),
  };
}

/** An empty database that can be opened more than once. */
export interface DatabaseLocation {
  options: StoreOptions;
  openClient(): Promise<SqlClient>;
  dispose(): Promise<void>;
}

export interface StoreTarget {
  driver: 'pglite' | 'postgres';
  open(): Promise<OpenedStore>;
  newLocation(): Promise<DatabaseLocation>;
}

async function migrated(sql: SqlClient, databaseUrl?: string): Promise<OpenedStore> {
  await migrate(sql);
  return { store: new SqlStore(sql), sql, ...(databaseUrl !== undefined && { databaseUrl }) };
}

export const pgliteTarget: StoreTarget = {
  driver: 'pglite',
  open: async () => migrated(await PgliteClient.open()),
  newLocation: async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lifecycle-pglite-'));
    return {
      options: { dataDir },
      openClient: () => PgliteClient.open(dataDir),
      dispose: () => rm(dataDir, { recursive: true, force: true }),
    };
  },
};

export function postgresTarget(server: TestPostgres): StoreTarget {
  const newDatabase = (): Promise<string> =>
    server.createDatabase(`store_${randomUUID().replaceAll('-', '')}`);
  return {
    driver: 'postgres',
    open: async () => {
      const databaseUrl = await newDatabase();
      return migrated(await PgClient.open({ databaseUrl, maxConnections: 20 }), databaseUrl);
    },
    newLocation: async () => {
      const databaseUrl = await newDatabase();
      return {
        options: { databaseUrl },
        openClient: () => PgClient.open({ databaseUrl }),
        // The cluster is thrown away when the file ends.
        dispose: async () => undefined,
      };
    },
  };
}

/**
 * One store for a whole test file (opening PGlite costs seconds of CPU). Tests keep apart by unique
 * ids and kinds; the run-lease tests sweep runnable runs before each test.
 */
export function useSharedStore(target: StoreTarget): () => OpenedStore {
  let opened: OpenedStore | undefined;
  beforeAll(async () => {
    opened = await target.open();
  });
  afterAll(async () => {
    await opened?.store.close();
  });
  return () => {
    if (opened === undefined) throw new Error('The shared store is opened in beforeAll');
    return opened;
  };
}

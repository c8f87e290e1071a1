import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { ConflictError } from '../core/errors.js';
import { migrations as allMigrations, type Migration } from './migrations/index.js';
import { grantRuntimeRole } from './runtime-role.js';
import type { SqlClient, SqlExecutor } from './sql-client.js';

/**
 * Key of the transaction-scoped advisory lock that serialises migrations, so several instances
 * starting at once against one PostgreSQL database apply each migration exactly once.
 */
const migrationLockKey = 4_242_031_977;

/**
 * Applies the pending migrations in one transaction; returns the versions it applied. With
 * `runtimeRole` (PostgreSQL with a separate migration role), that role then gets least privilege
 * (`runtime-role.ts`) in the same transaction.
 */
export async function migrate(
  client: SqlClient,
  logger?: Logger,
  migrations: readonly Migration[] = allMigrations,
  runtimeRole?: string,
): Promise<number[]> {
  assertOrdered(migrations);
  const applied = await client.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
    await tx.execScript(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = await appliedChecksums(tx);
    checkHistory(done, migrations);
    const versions: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await tx.execScript(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        checksumOf(migration),
      ]);
      versions.push(migration.version);
    }
    if (runtimeRole !== undefined) await grantRuntimeRole(tx, runtimeRole);
    return versions;
  });
  if (applied.length > 0) logger?.info({ versions: applied, driver: client.driver }, 'store schema migrated');
  return applied;
}

/**
 * For a role that may not migrate (the runtime role when a migration role is configured): checks that
 * every migration this version knows has been applied, unedited, and none it does not know.
 */
export async function assertMigrated(
  client: SqlClient,
  migrations: readonly Migration[] = allMigrations,
): Promise<void> {
  const done = await appliedChecksums(client);
  checkHistory(done, migrations);
  const pending = migrations.filter((m) => !done.has(m.version)).map((m) => m.version);
  if (pending.length > 0) {
    throw new ConflictError(
      `Schema migrations ${pending.join(', ')} are not applied: the migration role must run them first`,
    );
  }
}

async function appliedChecksums(tx: SqlExecutor): Promise<Map<number, string>> {
  const rows = await tx.query('SELECT version, checksum FROM schema_migrations ORDER BY version');
  return new Map(rows.map((row) => [Number(row['version']), String(row['checksum'])]));
}

function checkHistory(done: ReadonlyMap<number, string>, migrations: readonly Migration[]): void {
  const known = new Map(migrations.map((m) => [m.version, m]));
  for (const [version, checksum] of done) {
    const migration = known.get(version);
    if (migration === undefined) {
      throw new ConflictError(
        `The database has schema migration ${version}, which this version of the application does not know: it was written by a newer version`,
      );
    }
    if (checksumOf(migration) !== checksum) {
      throw new ConflictError(
        `Schema migration ${version} (${migration.name}) was changed after it was applied: add a new migration instead`,
      );
    }
  }
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    const previous = migrations[index - 1];
    if (previous !== undefined && migration.version <= previous.version) {
      throw new ConflictError(`Schema migrations are out of order at version ${migration.version}`);
    }
  });
}

function checksumOf(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}

/**
 * Least privilege for the runtime role on PostgreSQL. When migrations run as an owner role
 * (`DATABASE_MIGRATION_URL`), the role of `DATABASE_URL` owns nothing: it gets only the table rights
 * listed here, so it cannot update or delete evidence, truncate it, or drop or disable the triggers
 * that keep it append-only (only a table's owner can). The grants are applied after the migrations, in
 * the same transaction and under the same advisory lock, every time the store opens.
 *
 * A migration that adds a table adds it here too; a test checks that every table of the schema is listed.
 */
import { ConflictError } from '../core/errors.js';
import type { SqlExecutor } from './sql-client.js';

type Privilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

/** What the runtime role may do per table. Evidence (audit, journal) is insert-and-read only. */
export const runtimeTablePrivileges: Readonly<Record<string, readonly Privilege[]>> = {
  audit_events: ['SELECT', 'INSERT'],
  step_journal: ['SELECT', 'INSERT'],
  requests: ['SELECT', 'INSERT', 'UPDATE'],
  runs: ['SELECT', 'INSERT', 'UPDATE'],
  work_queue: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  conversation_refs: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  bot_state: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  // The last link of each hash chain moves with every append; the rows it points to stay append-only.
  hash_chain_heads: ['SELECT', 'INSERT', 'UPDATE'],
  // Where the chains begin: written once by the migration.
  hash_chain_start: ['SELECT'],
  // Read at open, to check the schema is current; written only by the migration role.
  schema_migrations: ['SELECT'],
};

/** A role name as a quoted SQL identifier (the name comes from configuration, never from users). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Refuses a runtime role that would defeat the split (the migration role itself, a superuser, or an
 * owner of the tables), then revokes everything from it and grants `runtimeTablePrivileges`.
 */
export async function grantRuntimeRole(tx: SqlExecutor, role: string): Promise<void> {
  const [owner] = await tx.query('SELECT current_user AS name');
  if (owner?.['name'] === role) {
    throw new ConflictError(
      'DATABASE_URL and DATABASE_MIGRATION_URL log in as the same role: the runtime role must be another, unprivileged role',
    );
  }
  const [info] = await tx.query(
    `SELECT r.rolsuper AS is_super,
            (SELECT count(*) FROM pg_tables t WHERE t.schemaname = current_schema() AND t.tableowner = r.rolname) AS owned
       FROM pg_roles r WHERE r.rolname = $1`,
    [role],
  );
  if (!info) throw new ConflictError(`The runtime database role ${role} does not exist`);
  if (info['is_super'] === true || Number(info['owned']) > 0) {
    throw new ConflictError(
      `The runtime database role ${role} is a superuser or owns tables of the schema: it could drop the audit trail's triggers`,
    );
  }
  const quoted = quoteIdentifier(role);
  const tables = Object.keys(runtimeTablePrivileges);
  await tx.query(`REVOKE ALL ON ${tables.join(', ')} FROM ${quoted}`);
  await tx.query(`GRANT USAGE ON SCHEMA ${quoteIdentifier(await currentSchema(tx))} TO ${quoted}`);
  for (const [table, privileges] of Object.entries(runtimeTablePrivileges)) {
    await tx.query(`GRANT ${privileges.join(', ')} ON ${table} TO ${quoted}`);
  }
}

async function currentSchema(tx: SqlExecutor): Promise<string> {
  const [row] = await tx.query('SELECT current_schema() AS name');
  const name = row?.['name'];
  if (typeof name !== 'string') throw new ConflictError('The database has no current schema');
  return name;
}

/**
 * Two roles on PostgreSQL (issue 19, item 11): migrations run as the owner (`migrationUrl`), the
 * application as a runtime role with least privilege. The runtime role runs the whole store suite, and
 * cannot change, delete or truncate the audit trail or the journal, nor drop or disable their triggers.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type SqlStore } from '../../src/store/index.js';
import { assertMigrated, migrate } from '../../src/store/migrate.js';
import { PgClient } from '../../src/store/pg-client.js';
import { runtimeTablePrivileges } from '../../src/store/runtime-role.js';
import { SqlStore as Store } from '../../src/store/sql-store.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { aRequest, uniqueId } from './fixtures.js';
import { describeQueueContract } from './queue-contract.js';
import { describeRecordsContract } from './records-contract.js';
import { describeRunsContract } from './runs-contract.js';
import { useSharedStore, type StoreTarget } from './store-target.js';

const server = await startTestPostgres();

afterAll(async () => {
  await server?.stop();
});

/** A new database owned by `postgres` and a new login role with no rights on it yet. */
async function newDatabaseAndRole(
  pgServer: TestPostgres,
): Promise<{ ownerUrl: string; runtimeUrl: string; role: string }> {
  const suffix = randomUUID().replaceAll('-', '').slice(0, 16);
  const ownerUrl = await pgServer.createDatabase(`roles_${suffix}`);
  const role = `lifecycle_app_${suffix}`;
  const admin = new pg.Client({ connectionString: pgServer.url });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${role} LOGIN`);
  } finally {
    await admin.end();
  }
  const runtimeUrl = ownerUrl.replace('postgres://postgres@', `postgres://${role}@`);
  return { ownerUrl, runtimeUrl, role };
}

/** Raw SQL as a role, for what the store itself never does. */
async function asRole<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

if (server === null) {
  describe.skip('PostgreSQL roles (no PostgreSQL server could be started)', () => {
    it('keeps the runtime role from changing the audit trail', () => undefined);
  });
} else {
  const pgServer = server;

  /** The store suite, with the store on the runtime role of a database migrated by its owner. */
  const splitRoles: StoreTarget = {
    driver: 'postgres',
    open: async () => {
      const { ownerUrl, runtimeUrl, role } = await newDatabaseAndRole(pgServer);
      const owner = await PgClient.open({ databaseUrl: ownerUrl, maxConnections: 1 });
      try {
        await migrate(owner, undefined, undefined, role);
      } finally {
        await owner.close();
      }
      const sql = await PgClient.open({ databaseUrl: runtimeUrl, maxConnections: 20 });
      await assertMigrated(sql);
      return { store: new Store(sql), sql, databaseUrl: runtimeUrl, migrationUrl: ownerUrl };
    },
    newLocation: () => Promise.reject(new Error('not used by these suites')),
  };

  describe('store on PostgreSQL as a least-privilege runtime role', () => {
    const shared = useSharedStore(splitRoles);
    describeRecordsContract(splitRoles, shared);
    describeRunsContract(splitRoles, shared);
    describeQueueContract(splitRoles, shared);
  });

  describe('openStore with a migration role', () => {
    let urls: { ownerUrl: string; runtimeUrl: string; role: string };
    let store: SqlStore;
    const requestId = uniqueId('REQ');

    beforeAll(async () => {
      urls = await newDatabaseAndRole(pgServer);
      store = await openStore({ databaseUrl: urls.runtimeUrl, migrationUrl: urls.ownerUrl });
      await store.requests.create(aRequest({ id: requestId }));
      await store.audit.append({
        at: '2026-12-04T09:00:00.000Z',
        type: 'request.created',
        requestId,
        details: {},
      });
    });
    afterAll(async () => {
      await store.close();
    });

    it('lets the runtime role insert and read evidence, and nothing more', async () => {
      expect((await store.audit.list({ requestId })).map((e) => e.type)).toEqual(['request.created']);
      const refused = [
        `UPDATE audit_events SET type = 'forged' WHERE request_id = '${requestId}'`,
        `DELETE FROM audit_events WHERE request_id = '${requestId}'`,
        'TRUNCATE audit_events',
        `UPDATE step_journal SET phase = 'verified'`,
        'DELETE FROM step_journal',
        'TRUNCATE step_journal CASCADE',
        'DROP TRIGGER audit_events_append_only ON audit_events',
        'DROP TRIGGER step_journal_append_only ON step_journal',
        'ALTER TABLE audit_events DISABLE TRIGGER USER',
        'ALTER TABLE step_journal DISABLE TRIGGER ALL',
        'DROP TABLE audit_events',
        'DROP TABLE step_journal CASCADE',
        'DROP FUNCTION reject_append_only_change() CASCADE',
        `INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, 'forged', 'x')`,
      ];
      const outcomes = await asRole(urls.runtimeUrl, async (client) => {
        const errors: [string, string][] = [];
        for (const statement of refused) {
          try {
            await client.query(statement);
            errors.push([statement, 'succeeded']);
          } catch (error) {
            errors.push([statement, error instanceof Error ? error.message : String(error)]);
          }
        }
        return errors;
      });
      for (const [statement, outcome] of outcomes) {
        expect({ statement, outcome }).toEqual({
          statement,
          outcome: expect.stringMatching(/permission denied|must be owner/),
        });
      }
      expect((await store.audit.list({ requestId })).map((e) => e.type)).toEqual(['request.created']);
    });

    it('grants the runtime role exactly the listed rights on every table of the schema', async () => {
      const rows = await asRole(urls.ownerUrl, async (client) => {
        const result = await client.query<{ table_name: string; privilege_type: string }>(
          `SELECT t.table_name, p.privilege_type
             FROM information_schema.tables t
             LEFT JOIN information_schema.role_table_grants p
               ON p.table_name = t.table_name AND p.table_schema = t.table_schema AND p.grantee = $1
            WHERE t.table_schema = current_schema()`,
          [urls.role],
        );
        return result.rows;
      });
      const granted: Record<string, string[]> = {};
      for (const row of rows) {
        granted[row.table_name] ??= [];
        if (row.privilege_type) granted[row.table_name]?.push(row.privilege_type);
      }
      const expected = Object.fromEntries(
        Object.entries(runtimeTablePrivileges).map(([table, privileges]) => [table, [...privileges].sort()]),
      );
      expect(Object.fromEntries(Object.entries(granted).map(([t, p]) => [t, p.sort()]))).toEqual(expected);
    });

    it('opens again as the runtime role (migrations already applied, grants re-applied)', async () => {
      const again = await openStore({ databaseUrl: urls.runtimeUrl, migrationUrl: urls.ownerUrl });
      try {
        expect(await again.requests.get(requestId)).toMatchObject({ id: requestId });
      } finally {
        await again.close();
      }
    });

    it('refuses a runtime role that is the migration role, or a superuser', async () => {
      await expect(openStore({ databaseUrl: urls.ownerUrl, migrationUrl: urls.ownerUrl })).rejects.toThrow(
        /same role/,
      );
      const other = await newDatabaseAndRole(pgServer);
      await asRole(pgServer.url, (client) => client.query(`ALTER ROLE ${other.role} SUPERUSER`));
      await expect(
        openStore({ databaseUrl: other.runtimeUrl, migrationUrl: other.ownerUrl }),
      ).rejects.toThrow(/superuser or owns tables/);
    });

    it('refuses to open as a runtime role that may not migrate while migrations are pending', async () => {
      const fresh = await newDatabaseAndRole(pgServer);
      const runtime = await PgClient.open({ databaseUrl: fresh.runtimeUrl });
      try {
        await asRole(fresh.ownerUrl, (client) =>
          client.query(
            `CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
             GRANT SELECT ON schema_migrations TO ${fresh.role}`,
          ),
        );
        await expect(assertMigrated(runtime)).rejects.toThrow(/not applied/);
      } finally {
        await runtime.close();
      }
    });
  });

  describe('a single role (DATABASE_URL only)', () => {
    it('owns the schema, so the append-only triggers are only as strong as that role (documented)', async () => {
      const { ownerUrl } = await newDatabaseAndRole(pgServer);
      const store = await openStore({ databaseUrl: ownerUrl });
      await store.close();
      // The owner can drop the trigger: why production runs the application as another role.
      await asRole(ownerUrl, async (client) => {
        await client.query('BEGIN');
        await client.query('DROP TRIGGER audit_events_append_only ON audit_events');
        await client.query('ROLLBACK');
      });
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations, openStore } from '../../src/store/index.js';
import { migrate } from '../../src/store/migrate.js';
import type { SqlClient } from '../../src/store/sql-client.js';
import { aRequest } from './fixtures.js';
import type { DatabaseLocation, StoreTarget } from './store-target.js';

export function describeSchemaContract(target: StoreTarget): void {
  describe('schema migrations', () => {
    // One database for the suite (creating a PGlite folder costs seconds); each test leaves it as it was.
    let location: DatabaseLocation;
    beforeAll(async () => {
      location = await target.newLocation();
      await (await openStore(location.options)).close();
    });
    afterAll(async () => {
      await location.dispose();
    });

    it('applies the schema once and keeps the data however often the store is opened', async () => {
      const request = aRequest();
      const first = await openStore(location.options);
      await first.requests.create(request);
      await first.close();

      const second = await openStore(location.options);
      expect(await second.requests.get(request.id)).toEqual(request);
      await second.close();

      const client = await location.openClient();
      try {
        expect(await migrate(client)).toEqual([]);
        const rows = await client.query('SELECT version, name FROM schema_migrations ORDER BY version');
        expect(rows).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })));
      } finally {
        await client.close();
      }
    });

    it('refuses a database written by a newer version of the application', async () => {
      await withClient(location, (client) =>
        client.query(`INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, 'future', 'x')`),
      );
      try {
        await expect(openStore(location.options)).rejects.toThrow(/migration 9999.*newer version/);
      } finally {
        await withClient(location, (client) =>
          client.query('DELETE FROM schema_migrations WHERE version = 9999'),
        );
      }
    });

    it('refuses to run when an applied migration was edited', async () => {
      const edited = migrations.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
      await withClient(location, async (client) => {
        await expect(migrate(client, undefined, edited)).rejects.toThrow(/changed after it was applied/);
      });
    });

    it('rolls a failed migration back completely', async () => {
      const broken = [
        ...migrations,
        {
          version: 10_000,
          name: 'broken',
          sql: 'CREATE TABLE half_done (id int); SELECT no_such_function();',
        },
      ];
      await withClient(location, async (client) => {
        await expect(migrate(client, undefined, broken)).rejects.toThrow(/no_such_function/);
        const tables = await client.query(
          `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'half_done'`,
        );
        expect(tables).toEqual([{ n: 0 }]);
        const versions = await client.query('SELECT max(version) AS v FROM schema_migrations');
        expect(versions).toEqual([{ v: migrations.at(-1)?.version }]);
      });
    });

    it.runIf(target.driver === 'postgres')(
      'migrates once when several instances open a database together',
      async () => {
        const fresh = await target.newLocation();
        const stores = await Promise.all([1, 2, 3, 4].map(() => openStore(fresh.options)));
        await Promise.all(stores.map((store) => store.close()));
        await withClient(fresh, async (client) => {
          const rows = await client.query('SELECT count(*)::int AS applied FROM schema_migrations');
          expect(rows).toEqual([{ applied: migrations.length }]);
        });
        await fresh.dispose();
      },
    );
  });
}

async function withClient<T>(
  location: DatabaseLocation,
  work: (client: SqlClient) => Promise<T>,
): Promise<T> {
  const client = await location.openClient();
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
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

  /**
   * Opens (creating when needed) the database in `dataDir`, or in memory when it is absent.
   *
   * A new data folder is initialised in a short-lived child process: PGlite's initdb keeps about
   * 500 MB of WebAssembly memory alive in the process that ran it, so a bot started on an empty
   * folder would otherwise carry ~780 MB for its whole life instead of ~180 MB. Shared buffers are
   * 16 MB (PostgreSQL's default is 128 MB): the store is one embedded connection over a small
   * database, and the buffers are resident memory of the bot.
   */
  static async open(dataDir?: string): Promise<PgliteClient> {
    if (dataDir !== undefined) {
      await mkdir(dataDir, { recursive: true });
      if (!existsSync(join(dataDir, 'PG_VERSION'))) await initialiseInChild(dataDir);
    }
    const db = await PGlite.create(dataDir, { postgresqlconf: embeddedSettings });
    return new PgliteClient(db);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(executorOf(tx)));
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

const embeddedSettings = 'shared_buffers = 16MB\n';

/** The module path and the data folder are arguments, never part of the evaluated code. */
const initialiseScript = `
const [modulePath, dataDir, settings] = process.argv.slice(1);
const { PGlite } = require(modulePath);
PGlite.create(dataDir, { postgresqlconf: settings })
  .then((db) => db.close())
  .catch((error) => { console.error(error); process.exit(1); });
`;

async function initialiseInChild(dataDir: string): Promise<void> {
  const modulePath = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  await promisify(execFile)(
    process.execPath,
    ['-e', initialiseScript, modulePath, dataDir, embeddedSettings],
    {
      timeout: 300_000,
    },
  );
}

function executorOf(connection: PGlite | Transaction): SqlExecutor {
  return executorOver(connection, (sql) => connection.exec(sql));
}

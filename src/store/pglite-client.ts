import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
   * A new data folder is a copy of an initialised cluster kept in `node_modules/.cache` (made once, by
   * the first new folder). PGlite's initdb keeps about 500 MB of WebAssembly memory alive in the
   * process that ran it, and peaks near 800 MB: it runs in a short-lived child process, once per
   * installation, and never in the bot or the CLI. Shared buffers are 16 MB (PostgreSQL's default is
   * 128 MB): the store is one embedded connection over a small database, and the buffers are resident
   * memory of the bot.
   */
  static async open(dataDir?: string): Promise<PgliteClient> {
    if (dataDir !== undefined) {
      await mkdir(dataDir, { recursive: true });
      if (!existsSync(join(dataDir, 'PG_VERSION'))) await initialiseDataDir(dataDir);
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
  await promisify(execFile)(
    process.execPath,
    ['-e', initialiseScript, pgliteModule(), dataDir, embeddedSettings],
    {
      timeout: 300_000,
    },
  );
}

function pgliteModule(): string {
  return createRequire(import.meta.url).resolve('@electric-sql/pglite');
}

/** `node_modules/.cache/lifecycle/pglite-<version>-<settings>`: a fresh cluster, per PGlite version. */
export function templateDirOf(modulePath = pgliteModule()): string | undefined {
  let dir = dirname(modulePath);
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  const nodeModules = dirname(dirname(dir));
  const settings = embeddedSettings.replace(/\W+/g, '-').replace(/^-|-$/g, '');
  return join(nodeModules, '.cache', 'lifecycle', `pglite-${version}-${settings}`);
}

/**
 * Makes `dataDir` (existing, without a cluster) a copy of the template cluster, making the template
 * first when there is none. Where the cache can't be written, the folder is initialised directly (in
 * a child process). Nothing in `dataDir` is ever removed: an empty folder is replaced by a complete
 * copy made beside it (so a crash never leaves half a cluster that looks initialised); a folder that
 * already holds other files gets the cluster's files added, as initdb would.
 */
async function initialiseDataDir(dataDir: string): Promise<void> {
  const template = await templateCluster().catch(() => undefined);
  if (template === undefined) {
    await initialiseInChild(dataDir);
    return;
  }
  const staging =
    (await readdir(dataDir)).length === 0
      ? await mkdtemp(join(dirname(dataDir), '.pglite-new-')).catch(() => undefined)
      : undefined;
  if (staging === undefined) {
    // Other files in the folder, or no room beside it: the cluster's files are added in place.
    await cp(template, dataDir, { recursive: true, force: false });
    return;
  }
  try {
    await cp(template, staging, { recursive: true });
    await rmdir(dataDir);
    await rename(staging, dataDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * The template cluster's folder, made when missing: in a temporary folder renamed into place, so two
 * processes starting at once never see half of one. Undefined when there is no cache folder.
 */
async function templateCluster(): Promise<string | undefined> {
  const template = templateDirOf();
  if (template === undefined || existsSync(join(template, 'PG_VERSION'))) return template;
  await mkdir(dirname(template), { recursive: true });
  const making = await mkdtemp(`${template}.tmp-`);
  try {
    await initialiseInChild(making);
    await rename(making, template).catch((error: unknown) => {
      // Another process made it first: theirs is as good.
      if (!existsSync(join(template, 'PG_VERSION'))) throw error;
    });
  } finally {
    await rm(making, { recursive: true, force: true });
  }
  return template;
}

function executorOf(connection: PGlite | Transaction): SqlExecutor {
  return executorOver(connection, (sql) => connection.exec(sql));
}

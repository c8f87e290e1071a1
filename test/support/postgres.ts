/**
 * A throwaway PostgreSQL cluster for tests and benchmarks, from Debian's `postgresql` package:
 * `initdb` + `pg_ctl` in a temporary folder, trust authentication, listening on a free port on
 * 127.0.0.1 only. When we run as root the server runs as the `postgres` user. When the binaries are
 * missing they are installed with apt-get (the package list is in system-packages.ts). If the server cannot start, `startTestPostgres` returns
 * null (the caller skips) unless CI is 'true', where it throws (the run fails).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { rmSync } from 'node:fs';
import { appendFile, chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensureComponent, POSTGRES_COMPONENT, postgresBinDir } from './system-packages.js';

export interface TestPostgres {
  /** Connection string of the `postgres` database. */
  url: string;
  port: number;
  /** Creates an empty database and returns its connection string. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server immediately and deletes its folder. */
  stop(): Promise<void>;
}

export interface TestPostgresOptions {
  /**
   * Keep fsync and synchronous commit on, as in production (benchmarks). Tests turn them off: they
   * never survive a machine crash and run faster without.
   */
  isDurable?: boolean;
}

export async function startTestPostgres(options: TestPostgresOptions = {}): Promise<TestPostgres | null> {
  try {
    return await startCluster(options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env['CI'] === 'true') throw new Error(`PostgreSQL test server could not start: ${reason}`);
    console.warn(`Skipping PostgreSQL tests: the test server could not start (${reason})`);
    return null;
  }
}

async function startCluster(options: TestPostgresOptions): Promise<TestPostgres> {
  ensureComponent(POSTGRES_COMPONENT);
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error('PostgreSQL is installed but no server binaries were found');
  const isRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), 'lifecycle-pg-'));
  const dataDir = join(dir, 'data');
  if (isRoot) {
    await chmod(dir, 0o755);
    run('chown', ['postgres:postgres', dir]);
  }
  const asServerUser = (command: string, args: readonly string[]): SpawnSyncReturns<string> =>
    run(...serverUserCommand(isRoot, command, args));
  try {
    asServerUser(join(bin, 'initdb'), [
      '-D',
      dataDir,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    const port = await freePort();
    // Settings go in the configuration file, never through a shell-parsed option string.
    const settings = [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${dir}'`,
      'max_connections = 100',
      ...(options.isDurable === true
        ? []
        : ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off']),
    ];
    await appendFile(join(dataDir, 'postgresql.conf'), `\n${settings.join('\n')}\n`);
    asServerUser(join(bin, 'pg_ctl'), [
      '-D',
      dataDir,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    let isStopped = false;
    // A test process that ends without calling stop() must not leave a server running.
    const stopOnExit = (): void => {
      if (isStopped) return;
      isStopped = true;
      spawnSync(
        ...serverUserCommand(isRoot, join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop']),
        {
          cwd: '/',
        },
      );
      rmSync(dir, { recursive: true, force: true });
    };
    process.once('exit', stopOnExit);
    return {
      url,
      port,
      createDatabase: async (name) => {
        if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid test database name: ${name}`);
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(`CREATE DATABASE ${name}`);
        } finally {
          await client.end();
        }
        return `postgres://postgres@127.0.0.1:${port}/${name}`;
      },
      stop: async () => {
        if (isStopped) return;
        isStopped = true;
        process.removeListener('exit', stopOnExit);
        asServerUser(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The server refuses to run as root: as root, commands run as the `postgres` user. */
function serverUserCommand(isRoot: boolean, command: string, args: readonly string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, [...args]];
}

function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, ...env },
    // Run from a folder every user can read: `runuser` keeps the working directory.
    cwd: '/',
  });
  if (result.error !== undefined) throw new Error(`${command} failed to start: ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-5).join(' | ');
    throw new Error(
      `${command} ${args.slice(0, 2).join(' ')} exited with ${String(result.status)}: ${output}`,
    );
  }
  return result;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('No port assigned'));
      });
    });
  });
}

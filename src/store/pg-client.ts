import pg from 'pg';
import type { Logger } from 'pino';
import { ExecutorClient, executorOver } from './executor-client.js';
import type { SqlExecutor } from './sql-client.js';

export interface PgClientOptions {
  databaseUrl: string;
  /** Pool size (default 10). */
  maxConnections?: number;
  logger?: Logger;
}

/** PostgreSQL driver over a `pg` connection pool; a transaction holds one pooled connection. */
export class PgClient extends ExecutorClient {
  readonly driver = 'postgres';

  private constructor(private readonly pool: pg.Pool) {
    super(pgExecutor(pool));
  }

  /** Creates the pool and checks that the server answers. */
  static async open(options: PgClientOptions): Promise<PgClient> {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.maxConnections ?? 10 });
    // An idle connection dropped by the server emits 'error' on the pool; unhandled, it would end the process.
    pool.on('error', (error) => {
      options.logger?.warn(
        { err: { name: error.name, message: error.message } },
        'idle PostgreSQL connection failed',
      );
    });
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PgClient(pool);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const connection = await this.pool.connect();
    let isBroken = false;
    try {
      await connection.query('BEGIN');
      const result = await work(pgExecutor(connection));
      await connection.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await connection.query('ROLLBACK');
      } catch (rollbackError) {
        // The connection is unusable: destroy it instead of returning it to the pool.
        isBroken = true;
        throw new AggregateError([error, rollbackError], 'Transaction failed and could not be rolled back');
      }
      throw error;
    } finally {
      connection.release(isBroken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function pgExecutor(connection: pg.Pool | pg.PoolClient): SqlExecutor {
  // Without parameters pg uses the simple query protocol, which accepts several statements.
  return executorOver(connection, (sql) => connection.query(sql));
}

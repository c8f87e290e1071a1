import pg from 'pg';
import type { Logger } from 'pino';
import type { SqlClient, SqlExecutor, SqlParam, SqlRow } from './sql-client.js';

export interface PgClientOptions {
  databaseUrl: string;
  /** Pool size (default 10). */
  maxConnections?: number;
  logger?: Logger;
}

/** PostgreSQL driver over a `pg` connection pool; a transaction holds one pooled connection. */
export class PgClient implements SqlClient {
  readonly driver = 'postgres';

  private constructor(private readonly pool: pg.Pool) {}

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

  async query(text: string, params: readonly SqlParam[] = []): Promise<SqlRow[]> {
    const result = await this.pool.query<SqlRow>(text, [...params]);
    return result.rows;
  }

  async execScript(sql: string): Promise<void> {
    // Without parameters pg uses the simple query protocol, which accepts several statements.
    await this.pool.query(sql);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const connection = await this.pool.connect();
    let isBroken = false;
    try {
      await connection.query('BEGIN');
      const result = await work({
        async query(text, params = []) {
          return (await connection.query<SqlRow>(text, [...params])).rows;
        },
        async execScript(sql) {
          await connection.query(sql);
        },
      });
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

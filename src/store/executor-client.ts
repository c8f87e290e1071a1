import type { SqlClient, SqlExecutor, SqlParam, SqlRow } from './sql-client.js';

/** A driver connection whose `query` resolves to `{ rows }`: a pg pool or client, PGlite or its transaction. */
export interface RowQueryable {
  query(text: string, params: SqlParam[]): Promise<{ rows: SqlRow[] }>;
}

/** The executor over one driver connection; `runScript` runs several statements without parameters. */
export function executorOver(
  connection: RowQueryable,
  runScript: (sql: string) => Promise<unknown>,
): SqlExecutor {
  return {
    async query(text, params = []) {
      const result = await connection.query(text, [...params]);
      return result.rows;
    },
    async execScript(sql) {
      await runScript(sql);
    },
  };
}

/** A client whose statements outside transactions go to one executor; the driver adds the rest. */
export abstract class ExecutorClient implements SqlClient {
  abstract readonly driver: SqlClient['driver'];

  protected constructor(private readonly executor: SqlExecutor) {}

  query(text: string, params?: readonly SqlParam[]): Promise<SqlRow[]> {
    return this.executor.query(text, params);
  }

  execScript(sql: string): Promise<void> {
    return this.executor.execScript(sql);
  }

  abstract transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  abstract close(): Promise<void>;
}

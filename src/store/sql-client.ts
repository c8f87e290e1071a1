/**
 * The small SQL surface the store needs, implemented by the PGlite and PostgreSQL drivers so that
 * both run exactly the same statements.
 */

/** A query parameter. JSON values are passed as strings produced by `JSON.stringify` and cast to jsonb. */
export type SqlParam = string | number | boolean | null | readonly string[];

/** A result row, untyped until `row-mapping.ts` parses it. */
export type SqlRow = Record<string, unknown>;

export interface SqlExecutor {
  /** One statement, with `$1…` parameters. */
  query(text: string, params?: readonly SqlParam[]): Promise<SqlRow[]>;
  /** Several statements without parameters (migrations). */
  execScript(sql: string): Promise<void>;
}

export interface SqlClient extends SqlExecutor {
  /** `pglite` (embedded, single connection) or `postgres` (server, pooled). */
  readonly driver: 'pglite' | 'postgres';
  /**
   * Run `work` in one transaction (READ COMMITTED): committed when it resolves, rolled back when it
   * throws. Inside `work`, use only the executor it receives.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** One schema change, applied once, in version order, inside the migration transaction. */
export interface Migration {
  /** Strictly increasing, never reused. */
  version: number;
  /** kebab-case, for the `schema_migrations` table and the logs. */
  name: string;
  /** Statements run as they are; an applied migration is never edited (its checksum is checked). */
  sql: string;
}

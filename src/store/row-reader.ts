import { z } from 'zod';
import type { SqlRow } from './sql-client.js';

type Fields = Record<string, z.ZodType>;

export interface RowReaderOptions<F extends Fields> {
  /** Fields whose column is not their name in snake_case. */
  columns?: Partial<Record<keyof F & string, string>>;
  /**
   * Fields present only when a boolean column says so: for JSON columns where a JSON null is a value
   * and SQL NULL is not, which the drivers both return as `null`.
   */
  presentWhen?: Partial<Record<keyof F & string, string>>;
}

/**
 * Reads a table's rows as domain objects. Each field comes from the column named after it in
 * snake_case (`approvalsRequired` ← `approvals_required`) and is parsed by its schema; the whole row
 * is parsed at once, so a mismatch fails loudly and names the column. A field declared `.optional()`
 * reads a nullable column and is left out (not set to undefined) when the column is NULL. Fields keep
 * the order they are declared in.
 */
export function rowReader<F extends Fields>(
  fields: F,
  options: RowReaderOptions<F> = {},
): (row: SqlRow) => z.output<z.ZodObject<F>> {
  const reads = Object.entries(fields).map(([field, schema]) => ({
    field,
    schema,
    column: options.columns?.[field] ?? field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`),
    isAbsentWhenNull: schema instanceof z.ZodOptional,
    flag: options.presentWhen?.[field],
  }));
  const shape: Record<string, z.ZodType> = {};
  for (const { schema, column, flag } of reads) {
    shape[column] = schema instanceof z.ZodOptional ? z.nullable(schema.unwrap()) : schema;
    if (flag !== undefined) shape[flag] = z.boolean();
  }
  const rowSchema = z.object(shape);
  return (row) => {
    const parsed = rowSchema.parse(row);
    const result: Record<string, unknown> = {};
    for (const { field, column, isAbsentWhenNull, flag } of reads) {
      const value = parsed[column];
      const isPresent =
        flag !== undefined
          ? parsed[flag] === true
          : !(isAbsentWhenNull && (value === null || value === undefined));
      if (isPresent) result[field] = value;
    }
    return result as z.output<z.ZodObject<F>>;
  };
}

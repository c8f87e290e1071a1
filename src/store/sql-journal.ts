import type { Journal, JournalEntry } from '../core/ports/store.js';
import { journalColumns, jsonParam, toJournalEntry } from './row-mapping.js';
import type { SqlExecutor } from './sql-client.js';

/** The step journal: one row per phase change, never updated (a trigger rejects it). */
export class SqlJournal implements Journal {
  constructor(private readonly db: SqlExecutor) {}

  async append(entry: JournalEntry): Promise<void> {
    await this.db.query(
      `INSERT INTO step_journal (run_id, step_id, change_key, phase, attempt, before, after, error, at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9)`,
      [
        entry.runId,
        entry.stepId,
        entry.changeKey ?? null,
        entry.phase,
        entry.attempt,
        jsonParam(entry.before),
        jsonParam(entry.after),
        jsonParam(entry.error),
        entry.at,
      ],
    );
  }

  async list(runId: string): Promise<JournalEntry[]> {
    const rows = await this.db.query(
      `SELECT ${journalColumns} FROM step_journal WHERE run_id = $1 ORDER BY id`,
      [runId],
    );
    return rows.map(toJournalEntry);
  }
}

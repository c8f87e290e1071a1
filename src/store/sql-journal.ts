import { NotFoundError } from '../core/errors.js';
import type { Journal, JournalEntry } from '../core/ports/store.js';
import { journalColumns, jsonParam, toJournalEntry } from './row-mapping.js';
import type { SqlClient } from './sql-client.js';
import { appendLinked, asStoredInstant, asStoredJson, withoutId } from './sql-hash-chain.js';

/**
 * The step journal: one row per phase change, never updated (a trigger rejects it), and each entry a
 * link in the hash chain of its run's request (`sql-hash-chain.ts`).
 */
export class SqlJournal implements Journal {
  constructor(private readonly client: SqlClient) {}

  async append(entry: JournalEntry): Promise<void> {
    const [run] = await this.client.query('SELECT request_id FROM runs WHERE id = $1', [entry.runId]);
    if (run === undefined) throw new NotFoundError(`Run ${entry.runId} does not exist`);
    const requestId = String(run['request_id']);
    const at = asStoredInstant(entry.at);
    // The entry exactly as `list` will read it back: that is what the chain hashes.
    const stored = toJournalEntry({
      id: 0,
      run_id: entry.runId,
      step_id: entry.stepId,
      change_key: entry.changeKey ?? null,
      phase: entry.phase,
      attempt: entry.attempt,
      before: asStoredJson(entry.before),
      after: asStoredJson(entry.after),
      has_before: entry.before !== undefined,
      has_after: entry.after !== undefined,
      error: asStoredJson(entry.error),
      at,
    });
    await appendLinked(this.client, requestId, 'journal', withoutId(stored), async (tx, link) => {
      await tx.query(
        `INSERT INTO step_journal
           (run_id, step_id, change_key, phase, attempt, before, after, error, at, request_id, chain_seq, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9, $10, $11, $12, $13)`,
        [
          entry.runId,
          entry.stepId,
          entry.changeKey ?? null,
          entry.phase,
          entry.attempt,
          jsonParam(entry.before),
          jsonParam(entry.after),
          jsonParam(entry.error),
          at,
          requestId,
          link.seq,
          link.prevHash,
          link.hash,
        ],
      );
    });
  }

  async list(runId: string): Promise<JournalEntry[]> {
    const rows = await this.client.query(
      `SELECT ${journalColumns} FROM step_journal WHERE run_id = $1 ORDER BY id`,
      [runId],
    );
    return rows.map(toJournalEntry);
  }
}

import type { QueueItem, QueueItemStatus, WorkQueue } from '../core/ports/store.js';
import { jsonParam, toQueueItem } from './row-mapping.js';
import type { SqlExecutor } from './sql-client.js';

const columns =
  'q.id, q.kind, q.key, q.payload, q.attempts, q.next_attempt_at_ms, q.last_error, q.status, q.created_at, q.updated_at';

const defaultClaimMs = 5 * 60_000;

/**
 * The durable work queue. A claim is a lease carried by `next_attempt_at_ms`: a claimed item whose
 * claim expired is due again, so an item held by a crashed worker is retried (at-least-once).
 */
export class SqlWorkQueue implements WorkQueue {
  constructor(private readonly db: SqlExecutor) {}

  async enqueue(item: {
    kind: string;
    key: string;
    payload: unknown;
    notBeforeMs?: number;
  }): Promise<QueueItem> {
    const rows = await this.db.query(
      `INSERT INTO work_queue AS q (kind, key, payload, next_attempt_at_ms) VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (kind, key) DO UPDATE SET
         payload = EXCLUDED.payload,
         attempts = CASE WHEN q.status IN ('done', 'dead') THEN 0 ELSE q.attempts END,
         last_error = CASE WHEN q.status IN ('done', 'dead') THEN NULL ELSE q.last_error END,
         requeue_at_ms = CASE WHEN q.status = 'claimed' THEN EXCLUDED.next_attempt_at_ms END,
         next_attempt_at_ms = CASE WHEN q.status = 'claimed' THEN q.next_attempt_at_ms ELSE EXCLUDED.next_attempt_at_ms END,
         status = CASE WHEN q.status = 'claimed' THEN 'claimed' ELSE 'pending' END,
         updated_at = now()
       RETURNING ${columns}`,
      [item.kind, item.key, jsonParam(item.payload ?? null), item.notBeforeMs ?? 0],
    );
    return toQueueItem(single(rows));
  }

  async claimDue(kind: string, nowMs: number, limit: number, claimMs = defaultClaimMs): Promise<QueueItem[]> {
    const rows = await this.db.query(
      `WITH due AS (
         SELECT id FROM work_queue
         WHERE kind = $1 AND status IN ('pending', 'claimed') AND next_attempt_at_ms <= $2
         ORDER BY next_attempt_at_ms, id LIMIT $3
         FOR UPDATE SKIP LOCKED
       )
       UPDATE work_queue q SET status = 'claimed', attempts = q.attempts + 1, next_attempt_at_ms = $4,
         updated_at = now()
       FROM due WHERE q.id = due.id
       RETURNING ${columns}`,
      [kind, nowMs, limit, nowMs + claimMs],
    );
    return rows.map(toQueueItem).sort((a, b) => a.id - b.id);
  }

  async claimKey(kind: string, key: string, nowMs: number, claimMs: number): Promise<QueueItem | null> {
    const rows = await this.db.query(
      `UPDATE work_queue q SET status = 'claimed', attempts = q.attempts + 1, next_attempt_at_ms = $4,
         updated_at = now()
       WHERE q.id = (
         SELECT id FROM work_queue
         WHERE kind = $1 AND key = $2 AND status IN ('pending', 'claimed') AND next_attempt_at_ms <= $3
         FOR UPDATE SKIP LOCKED
       )
       RETURNING ${columns}`,
      [kind, key, nowMs, nowMs + claimMs],
    );
    return rows[0] === undefined ? null : toQueueItem(rows[0]);
  }

  async extendClaim(id: number, attempts: number, untilMs: number): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE work_queue SET next_attempt_at_ms = $3, updated_at = now()
       WHERE id = $1 AND status = 'claimed' AND attempts = $2 RETURNING id`,
      [id, attempts, untilMs],
    );
    return rows.length > 0;
  }

  async complete(id: number): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE work_queue SET
         status = CASE WHEN requeue_at_ms IS NULL THEN 'done' ELSE 'pending' END,
         attempts = CASE WHEN requeue_at_ms IS NULL THEN attempts ELSE 0 END,
         next_attempt_at_ms = COALESCE(requeue_at_ms, next_attempt_at_ms),
         requeue_at_ms = NULL, last_error = NULL, updated_at = now()
       WHERE id = $1 AND status = 'claimed' RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  async fail(id: number, error: string, retryAtMs: number | null): Promise<boolean> {
    // An item enqueued again during the failed claim carries new data: it is retried even if the old
    // payload was given up on.
    const rows = await this.db.query(
      `UPDATE work_queue SET
         status = CASE WHEN requeue_at_ms IS NULL AND $3::bigint IS NULL THEN 'dead' ELSE 'pending' END,
         next_attempt_at_ms = COALESCE(requeue_at_ms, $3::bigint, next_attempt_at_ms),
         requeue_at_ms = NULL, last_error = $2, updated_at = now()
       WHERE id = $1 AND status = 'claimed' RETURNING id`,
      [id, error, retryAtMs],
    );
    return rows.length > 0;
  }

  async get(kind: string, key: string): Promise<QueueItem | null> {
    const rows = await this.db.query(`SELECT ${columns} FROM work_queue q WHERE q.kind = $1 AND q.key = $2`, [
      kind,
      key,
    ]);
    return rows[0] === undefined ? null : toQueueItem(rows[0]);
  }

  async purge(kind: string, beforeMs: number): Promise<number> {
    const rows = await this.db.query(
      `DELETE FROM work_queue WHERE kind = $1 AND status <> 'pending' AND next_attempt_at_ms < $2 RETURNING id`,
      [kind, beforeMs],
    );
    return rows.length;
  }

  async list(kind: string, statuses?: readonly QueueItemStatus[], limit = 100): Promise<QueueItem[]> {
    const rows = await this.db.query(
      `SELECT ${columns} FROM work_queue q
       WHERE q.kind = $1 AND ($2::text[] IS NULL OR q.status = ANY($2::text[]))
       ORDER BY q.next_attempt_at_ms, q.id LIMIT $3`,
      [kind, statuses ?? null, limit],
    );
    return rows.map(toQueueItem);
  }
}

function single<T>(rows: readonly T[]): T {
  const row = rows[0];
  if (row === undefined) throw new Error('The statement returned no row');
  return row;
}

import type { AuditEvent } from '../core/model.js';
import type { AuditLog } from '../core/ports/store.js';
import { jsonParam, toAuditEvent } from './row-mapping.js';
import type { SqlClient, SqlExecutor } from './sql-client.js';
import { appendLinkedIn, asStoredInstant, asStoredJson, withoutId } from './sql-hash-chain.js';

const columns = 'e.id, e.at, e.type, e.request_id, e.run_id, e.actor, e.details';

/**
 * The audit trail: append-only (a trigger rejects UPDATE, DELETE and TRUNCATE), and each event a
 * link in its request's hash chain (`sql-hash-chain.ts`).
 */
export class SqlAuditLog implements AuditLog {
  constructor(private readonly client: SqlClient) {}

  async append(event: AuditEvent): Promise<void> {
    await this.client.transaction((tx) => appendAuditEvent(tx, event));
  }

  async list(filter: { requestId?: string; subject?: string; limit?: number }): Promise<AuditEvent[]> {
    // NULL filters match everything, so one statement serves every combination.
    const rows = await this.client.query(
      `SELECT ${columns} FROM audit_events e
       WHERE ($1::text IS NULL OR e.request_id = $1)
         AND ($2::text IS NULL OR e.request_id IN (SELECT r.id FROM requests r WHERE lower(r.subject_upn) = lower($2)))
       ORDER BY e.id DESC LIMIT $3`,
      [filter.requestId ?? null, filter.subject ?? null, filter.limit ?? 100],
    );
    return rows.map(toAuditEvent);
  }
}

/**
 * Appends `event` to the audit trail inside the caller's transaction (`tx`): it commits with the
 * caller's other statements or not at all. The event is linked into its request's hash chain.
 */
export async function appendAuditEvent(tx: SqlExecutor, event: AuditEvent): Promise<void> {
  const at = asStoredInstant(event.at);
  // The event exactly as `list` will read it back: that is what the chain hashes.
  const stored = toAuditEvent({
    id: 0,
    at,
    type: event.type,
    request_id: event.requestId ?? null,
    run_id: event.runId ?? null,
    actor: asStoredJson(event.actor),
    details: asStoredJson(event.details),
  });
  await appendLinkedIn(tx, event.requestId ?? '', 'audit', withoutId(stored), async (db, link) => {
    await db.query(
      `INSERT INTO audit_events (at, type, request_id, run_id, actor, details, chain_seq, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9)`,
      [
        at,
        event.type,
        event.requestId ?? null,
        event.runId ?? null,
        jsonParam(event.actor),
        jsonParam(event.details),
        link.seq,
        link.prevHash,
        link.hash,
      ],
    );
  });
}

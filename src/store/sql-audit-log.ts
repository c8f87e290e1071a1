import type { AuditEvent } from '../core/model.js';
import type { AuditLog } from '../core/ports/store.js';
import { jsonParam, toAuditEvent } from './row-mapping.js';
import type { SqlExecutor } from './sql-client.js';

const columns = 'e.id, e.at, e.type, e.request_id, e.run_id, e.actor, e.details';

/** The audit trail: append-only (a trigger rejects UPDATE, DELETE and TRUNCATE). */
export class SqlAuditLog implements AuditLog {
  constructor(private readonly db: SqlExecutor) {}

  async append(event: AuditEvent): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_events (at, type, request_id, run_id, actor, details)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)`,
      [
        event.at,
        event.type,
        event.requestId ?? null,
        event.runId ?? null,
        jsonParam(event.actor),
        jsonParam(event.details),
      ],
    );
  }

  async list(filter: { requestId?: string; subject?: string; limit?: number }): Promise<AuditEvent[]> {
    // NULL filters match everything, so one statement serves every combination.
    const rows = await this.db.query(
      `SELECT ${columns} FROM audit_events e
       WHERE ($1::text IS NULL OR e.request_id = $1)
         AND ($2::text IS NULL OR e.request_id IN (SELECT r.id FROM requests r WHERE lower(r.subject_upn) = lower($2)))
       ORDER BY e.id DESC LIMIT $3`,
      [filter.requestId ?? null, filter.subject ?? null, filter.limit ?? 100],
    );
    return rows.map(toAuditEvent);
  }
}

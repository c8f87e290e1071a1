import type { AuditEvent, LifecycleRequest, RequestState } from '../core/model.js';
import type { RequestStore } from '../core/ports/store.js';
import { jsonParam, toRequest } from './row-mapping.js';
import { appendAuditEvent } from './sql-audit-log.js';
import type { SqlClient, SqlExecutor, SqlParam } from './sql-client.js';

const columns =
  'id, kind, state, version, subject, requester, approvals, approvals_required, options, ticket_id, run_id, created_at, updated_at';

/**
 * The values an update replaces, as $1…$11 in the column order of the statements below. An insert
 * writes them too and adds `id`, `version` and `created_at` ($12…$14), which an update never changes.
 */
function replacedValues(request: LifecycleRequest): SqlParam[] {
  return [
    request.kind,
    request.state,
    jsonParam(request.subject),
    request.subject.userPrincipalName,
    jsonParam(request.requester),
    jsonParam(request.approvals),
    request.approvalsRequired,
    jsonParam(request.options),
    request.ticketId ?? null,
    request.runId ?? null,
    request.updatedAt,
  ];
}

/**
 * Requests, with optimistic concurrency on `version`. A change that carries its audit event is
 * stored with it in one transaction.
 */
export class SqlRequestStore implements RequestStore {
  constructor(private readonly client: SqlClient) {}

  async create(request: LifecycleRequest, event?: AuditEvent): Promise<void> {
    if (event === undefined) return this.insert(this.client, request);
    await this.client.transaction(async (tx) => {
      await this.insert(tx, request);
      await appendAuditEvent(tx, event);
    });
  }

  async get(id: string): Promise<LifecycleRequest | null> {
    const rows = await this.client.query(`SELECT ${columns} FROM requests WHERE id = $1`, [id]);
    return rows[0] === undefined ? null : toRequest(rows[0]);
  }

  /** Replaces everything but `id` and `createdAt`, which never change. */
  async update(
    request: LifecycleRequest,
    expectedVersion: number,
    event?: AuditEvent,
  ): Promise<LifecycleRequest | null> {
    if (event === undefined) return this.replace(this.client, request, expectedVersion);
    return this.client.transaction(async (tx) => {
      const stored = await this.replace(tx, request, expectedVersion);
      if (stored !== null) await appendAuditEvent(tx, event);
      return stored;
    });
  }

  async listBySubject(userPrincipalName: string, limit = 50): Promise<LifecycleRequest[]> {
    const rows = await this.client.query(
      `SELECT ${columns} FROM requests WHERE lower(subject_upn) = lower($1)
       ORDER BY created_at DESC, id DESC LIMIT $2`,
      [userPrincipalName, limit],
    );
    return rows.map(toRequest);
  }

  async listByState(states: readonly RequestState[], limit = 100): Promise<LifecycleRequest[]> {
    const rows = await this.client.query(
      `SELECT ${columns} FROM requests WHERE state = ANY($1::text[])
       ORDER BY created_at DESC, id DESC LIMIT $2`,
      [states, limit],
    );
    return rows.map(toRequest);
  }

  private async insert(db: SqlExecutor, request: LifecycleRequest): Promise<void> {
    await db.query(
      `INSERT INTO requests (kind, state, subject, subject_upn, requester, approvals, approvals_required,
         options, ticket_id, run_id, updated_at, id, version, created_at)
       VALUES ($1, $2, $3::jsonb, $4, $5::jsonb, $6::jsonb, $7, $8::jsonb, $9, $10, $11, $12, $13, $14)`,
      [...replacedValues(request), request.id, request.version, request.createdAt],
    );
  }

  private async replace(
    db: SqlExecutor,
    request: LifecycleRequest,
    expectedVersion: number,
  ): Promise<LifecycleRequest | null> {
    const rows = await db.query(
      `UPDATE requests SET kind = $1, state = $2, subject = $3::jsonb, subject_upn = $4, requester = $5::jsonb,
         approvals = $6::jsonb, approvals_required = $7, options = $8::jsonb, ticket_id = $9, run_id = $10,
         updated_at = $11, version = $13 + 1
       WHERE id = $12 AND version = $13
       RETURNING ${columns}`,
      [...replacedValues(request), request.id, expectedVersion],
    );
    return rows[0] === undefined ? null : toRequest(rows[0]);
  }
}

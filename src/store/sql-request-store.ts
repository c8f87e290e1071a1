import type { LifecycleRequest, RequestState } from '../core/model.js';
import type { RequestStore } from '../core/ports/store.js';
import { jsonParam, toRequest } from './row-mapping.js';
import type { SqlExecutor } from './sql-client.js';

const columns =
  'id, kind, state, version, subject, requester, approvals, approvals_required, options, ticket_id, run_id, created_at, updated_at';

/** Requests, with optimistic concurrency on `version`. */
export class SqlRequestStore implements RequestStore {
  constructor(private readonly db: SqlExecutor) {}

  async create(request: LifecycleRequest): Promise<void> {
    await this.db.query(
      `INSERT INTO requests (${columns}, subject_upn)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8, $9::jsonb, $10, $11, $12, $13, $14)`,
      [
        request.id,
        request.kind,
        request.state,
        request.version,
        jsonParam(request.subject),
        jsonParam(request.requester),
        jsonParam(request.approvals),
        request.approvalsRequired,
        jsonParam(request.options),
        request.ticketId ?? null,
        request.runId ?? null,
        request.createdAt,
        request.updatedAt,
        request.subject.userPrincipalName,
      ],
    );
  }

  async get(id: string): Promise<LifecycleRequest | null> {
    const rows = await this.db.query(`SELECT ${columns} FROM requests WHERE id = $1`, [id]);
    return rows[0] === undefined ? null : toRequest(rows[0]);
  }

  /** Replaces everything but `id` and `createdAt`, which never change. */
  async update(request: LifecycleRequest, expectedVersion: number): Promise<LifecycleRequest | null> {
    const rows = await this.db.query(
      `UPDATE requests SET kind = $3, state = $4, version = $2 + 1, subject = $5::jsonb, subject_upn = $6,
         requester = $7::jsonb, approvals = $8::jsonb, approvals_required = $9, options = $10::jsonb,
         ticket_id = $11, run_id = $12, updated_at = $13
       WHERE id = $1 AND version = $2
       RETURNING ${columns}`,
      [
        request.id,
        expectedVersion,
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
      ],
    );
    return rows[0] === undefined ? null : toRequest(rows[0]);
  }

  async listBySubject(userPrincipalName: string, limit = 50): Promise<LifecycleRequest[]> {
    const rows = await this.db.query(
      `SELECT ${columns} FROM requests WHERE lower(subject_upn) = lower($1)
       ORDER BY created_at DESC, id DESC LIMIT $2`,
      [userPrincipalName, limit],
    );
    return rows.map(toRequest);
  }

  async listByState(states: readonly RequestState[], limit = 100): Promise<LifecycleRequest[]> {
    const rows = await this.db.query(
      `SELECT ${columns} FROM requests WHERE state = ANY($1::text[])
       ORDER BY created_at DESC, id DESC LIMIT $2`,
      [states, limit],
    );
    return rows.map(toRequest);
  }
}

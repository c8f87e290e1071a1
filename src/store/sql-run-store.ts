import { ConflictError, NotFoundError } from '../core/errors.js';
import type { Plan, PlannedStep } from '../core/step.js';
import type { RunRecord, RunStatus, RunStore } from '../core/ports/store.js';
import { jsonParam, toRun } from './row-mapping.js';
import type { SqlClient, SqlExecutor } from './sql-client.js';

const columns =
  'id, request_id, status, plan, input, owner, lease_until_ms, is_cancel_requested, progress, created_at, updated_at, finished_at';

const terminalStatuses: readonly RunStatus[] = ['completed', 'completed-with-errors', 'failed', 'cancelled'];
const retryableStatuses: readonly RunStatus[] = ['completed-with-errors', 'failed'];

/**
 * A run is runnable when it is queued or running and nobody holds a live lease on it ($1 = now, ms).
 * A queued run normally has no lease; a running one whose holder died keeps an expired one.
 */
const runnable = `status IN ('queued', 'running') AND (lease_until_ms IS NULL OR lease_until_ms <= $1)`;

/**
 * Runs and their leases. A lease is (owner, lease_until_ms): claimed with `SELECT … FOR UPDATE SKIP
 * LOCKED` so concurrent claimers on PostgreSQL never wait on or receive the same run; the owner must
 * heartbeat before the lease expires, after which any instance may take the run over.
 */
export class SqlRunStore implements RunStore {
  constructor(private readonly db: SqlClient) {}

  async create(run: Omit<RunRecord, 'createdAt' | 'updatedAt' | 'isCancelRequested'>): Promise<void> {
    const isTerminal = terminalStatuses.includes(run.status);
    await this.db.query(
      `INSERT INTO runs (id, request_id, status, plan, input, owner, lease_until_ms, progress, finished_at)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8::jsonb, CASE WHEN $9::boolean THEN now() END)`,
      [
        run.id,
        run.requestId,
        run.status,
        jsonParam(run.plan),
        jsonParam(run.input ?? null),
        run.owner ?? null,
        run.leaseUntil ?? null,
        jsonParam(run.progress),
        isTerminal,
      ],
    );
  }

  async get(id: string): Promise<RunRecord | null> {
    const rows = await this.db.query(`SELECT ${columns} FROM runs WHERE id = $1`, [id]);
    return rows[0] === undefined ? null : toRun(rows[0]);
  }

  async claim(owner: string, leaseMs: number, nowMs: number): Promise<RunRecord | null> {
    return this.db.transaction(async (tx) => {
      const candidates = await tx.query(
        `SELECT id FROM runs WHERE ${runnable} ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [nowMs],
      );
      const id = candidates[0]?.['id'];
      return typeof id === 'string' ? takeLease(tx, id, owner, leaseMs, nowMs) : null;
    });
  }

  async claimById(id: string, owner: string, leaseMs: number, nowMs: number): Promise<RunRecord | null> {
    return this.db.transaction(async (tx) => {
      const candidates = await tx.query(
        `SELECT id FROM runs WHERE id = $2 AND ${runnable} FOR UPDATE SKIP LOCKED`,
        [nowMs, id],
      );
      return candidates.length === 0 ? null : takeLease(tx, id, owner, leaseMs, nowMs);
    });
  }

  async heartbeat(id: string, owner: string, leaseMs: number, nowMs: number): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE runs SET lease_until_ms = $3, updated_at = now()
       WHERE id = $1 AND owner = $2 AND status = 'running' RETURNING id`,
      [id, owner, nowMs + leaseMs],
    );
    return rows.length > 0;
  }

  async setStatus(id: string, owner: string, status: RunStatus): Promise<boolean> {
    // A terminal status ends the lease and the run; `queued` hands the run back to the queue.
    const isTerminal = terminalStatuses.includes(status);
    const releasesLease = isTerminal || status === 'queued';
    const rows = await this.db.query(
      `UPDATE runs SET status = $3, updated_at = now(),
         owner = CASE WHEN $4::boolean THEN NULL ELSE owner END,
         lease_until_ms = CASE WHEN $4::boolean THEN NULL ELSE lease_until_ms END,
         finished_at = CASE WHEN $5::boolean THEN now() ELSE finished_at END
       WHERE id = $1 AND owner = $2 RETURNING id`,
      [id, owner, status, releasesLease, isTerminal],
    );
    return rows.length > 0;
  }

  async requeue(id: string, plan?: Plan): Promise<void> {
    const rows = await this.db.query(
      `UPDATE runs SET status = 'queued', plan = COALESCE($2::jsonb, plan), owner = NULL, lease_until_ms = NULL,
         is_cancel_requested = false, finished_at = NULL, updated_at = now()
       WHERE id = $1 AND status = ANY($3::text[]) RETURNING id`,
      [id, jsonParam(plan), retryableStatuses],
    );
    if (rows.length > 0) return;
    const run = await this.get(id);
    if (run === null) throw new NotFoundError(`Run ${id} does not exist`);
    throw new ConflictError(`Run ${id} is ${run.status}: only a failed or partly failed run can be retried`);
  }

  async replaceStep(id: string, owner: string, index: number, step: PlannedStep): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE runs SET plan = jsonb_set(plan, ARRAY['steps', $3::text], $4::jsonb), updated_at = now()
       WHERE id = $1 AND owner = $2 AND status = 'running' AND plan->'steps'->($6::int)->>'stepId' = $5
       RETURNING id`,
      [id, owner, String(index), jsonParam(step), step.stepId, index],
    );
    return rows.length > 0;
  }

  async requestCancel(id: string): Promise<void> {
    const rows = await this.db.query(
      'UPDATE runs SET is_cancel_requested = true, updated_at = now() WHERE id = $1 RETURNING id',
      [id],
    );
    if (rows.length === 0) throw new NotFoundError(`Run ${id} does not exist`);
  }

  async setProgress(id: string, progress: unknown): Promise<void> {
    const rows = await this.db.query(
      'UPDATE runs SET progress = $2::jsonb, updated_at = now() WHERE id = $1 RETURNING id',
      [id, jsonParam(progress)],
    );
    if (rows.length === 0) throw new NotFoundError(`Run ${id} does not exist`);
  }
}

/** Inside the claiming transaction, on a row locked by it. */
async function takeLease(
  tx: SqlExecutor,
  id: string,
  owner: string,
  leaseMs: number,
  nowMs: number,
): Promise<RunRecord> {
  const rows = await tx.query(
    `UPDATE runs SET owner = $2, lease_until_ms = $3, status = 'running', updated_at = now()
     WHERE id = $1 RETURNING ${columns}`,
    [id, owner, nowMs + leaseMs],
  );
  const row = rows[0];
  if (row === undefined) throw new NotFoundError(`Run ${id} vanished while it was being claimed`);
  return toRun(row);
}

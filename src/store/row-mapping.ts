/**
 * The one place where database rows become domain objects. Every column is parsed with zod, JSON
 * columns included, so a row that does not match the domain fails loudly here rather than later.
 * JSON objects keep unknown keys (loose objects): a field added by a newer writer is never dropped.
 */
import { z } from 'zod';
import type { AuditEvent, LifecycleRequest } from '../core/model.js';
import type { JournalEntry, QueueItem, RunRecord } from '../core/ports/store.js';
import type { SqlRow } from './sql-client.js';

const timestamp = z.union([z.date(), z.string()]).transform((value) => new Date(value).toISOString());
/** int8 (ids, epoch ms) arrives as a string from `pg` and as a number from PGlite. */
const int8 = z.union([z.number(), z.string(), z.bigint()]).transform(Number).pipe(z.number().int());
const nullableText = z.string().nullable();

const principal = z.looseObject({
  aadObjectId: z.string(),
  tenantId: z.string(),
  displayName: z.string().optional(),
});
const subject = z.looseObject({
  id: z.string(),
  userPrincipalName: z.string(),
  displayName: z.string(),
  mail: z.string().optional(),
  isSynced: z.boolean(),
  onPremisesSamAccountName: z.string().optional(),
  employeeId: z.string().optional(),
});
const approval = z.looseObject({
  approver: principal,
  decision: z.enum(['approved', 'rejected']),
  reason: z.string().optional(),
  at: z.string(),
});
const change = z.looseObject({
  key: z.string(),
  description: z.string(),
  data: z.record(z.string(), z.unknown()),
  before: z.unknown().optional(),
});
const plannedStep = z.looseObject({
  stepId: z.string(),
  system: z.enum(['ad', 'entra', 'exchange', 'sharepoint', 'teams', 'mail', 'local']),
  title: z.string(),
  dependsOn: z.array(z.string()),
  changes: z.array(change),
  skippedReason: z.string().optional(),
  warnings: z.array(z.string()).optional(),
});
/** A stored plan. */
const planSchema = z.looseObject({ steps: z.array(plannedStep) });

const requestRow = z.object({
  id: z.string(),
  kind: z.enum(['offboard', 'revoke', 'provision']),
  state: z.enum([
    'draft',
    'awaiting-confirmation',
    'awaiting-approval',
    'approved',
    'running',
    'completed',
    'completed-with-errors',
    'failed',
    'cancelled',
    'rejected',
  ]),
  version: z.number().int(),
  subject,
  requester: principal,
  approvals: z.array(approval),
  approvals_required: z.number().int(),
  options: z.record(z.string(), z.unknown()),
  ticket_id: nullableText,
  run_id: nullableText,
  created_at: timestamp,
  updated_at: timestamp,
});

export function toRequest(row: SqlRow): LifecycleRequest {
  const r = requestRow.parse(row);
  return {
    id: r.id,
    kind: r.kind,
    subject: r.subject,
    options: r.options,
    requester: r.requester,
    approvals: r.approvals,
    approvalsRequired: r.approvals_required,
    state: r.state,
    version: r.version,
    ...(r.ticket_id !== null && { ticketId: r.ticket_id }),
    ...(r.run_id !== null && { runId: r.run_id }),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export const runStatusSchema = z.enum([
  'queued',
  'running',
  'completed',
  'completed-with-errors',
  'failed',
  'cancelled',
]);

const runRow = z.object({
  id: z.string(),
  request_id: z.string(),
  status: runStatusSchema,
  plan: planSchema,
  input: z.unknown(),
  owner: nullableText,
  lease_until_ms: int8.nullable(),
  is_cancel_requested: z.boolean(),
  progress: z.unknown(),
  created_at: timestamp,
  updated_at: timestamp,
  finished_at: timestamp.nullable(),
});

export function toRun(row: SqlRow): RunRecord {
  const r = runRow.parse(row);
  return {
    id: r.id,
    requestId: r.request_id,
    status: r.status,
    plan: r.plan,
    input: r.input,
    ...(r.owner !== null && { owner: r.owner }),
    ...(r.lease_until_ms !== null && { leaseUntil: r.lease_until_ms }),
    isCancelRequested: r.is_cancel_requested,
    ...(r.progress !== null && r.progress !== undefined && { progress: r.progress }),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.finished_at !== null && { finishedAt: r.finished_at }),
  };
}

const journalRow = z.object({
  id: int8,
  run_id: z.string(),
  step_id: z.string(),
  change_key: nullableText,
  phase: z.enum(['planned', 'applying', 'applied', 'verified', 'failed', 'skipped', 'undone']),
  attempt: z.number().int(),
  before: z.unknown(),
  after: z.unknown(),
  /** Distinguish a JSON `null` before/after-state from an absent one. */
  has_before: z.boolean(),
  has_after: z.boolean(),
  error: z.object({ code: z.string(), name: z.string(), message: z.string() }).nullable(),
  at: timestamp,
});

/** Journal columns to select: `toJournalEntry` needs the `has_*` flags. */
export const journalColumns =
  'id, run_id, step_id, change_key, phase, attempt, before, after, before IS NOT NULL AS has_before, after IS NOT NULL AS has_after, error, at';

export function toJournalEntry(row: SqlRow): JournalEntry {
  const r = journalRow.parse(row);
  return {
    id: r.id,
    runId: r.run_id,
    stepId: r.step_id,
    ...(r.change_key !== null && { changeKey: r.change_key }),
    phase: r.phase,
    attempt: r.attempt,
    ...(r.has_before && { before: r.before }),
    ...(r.has_after && { after: r.after }),
    ...(r.error !== null && { error: r.error }),
    at: r.at,
  };
}

const auditRow = z.object({
  id: int8,
  at: timestamp,
  type: z.string(),
  request_id: nullableText,
  run_id: nullableText,
  actor: z.union([principal, z.looseObject({ system: z.string() })]).nullable(),
  details: z.record(z.string(), z.unknown()),
});

export function toAuditEvent(row: SqlRow): AuditEvent {
  const r = auditRow.parse(row);
  return {
    id: r.id,
    at: r.at,
    type: r.type,
    ...(r.request_id !== null && { requestId: r.request_id }),
    ...(r.run_id !== null && { runId: r.run_id }),
    ...(r.actor !== null && { actor: r.actor }),
    details: r.details,
  };
}

const queueRow = z.object({
  id: int8,
  kind: z.string(),
  key: z.string(),
  payload: z.unknown(),
  attempts: z.number().int(),
  next_attempt_at_ms: int8,
  last_error: nullableText,
  status: z.enum(['pending', 'claimed', 'done', 'dead']),
  created_at: timestamp,
  updated_at: timestamp,
});

export function toQueueItem(row: SqlRow): QueueItem {
  const r = queueRow.parse(row);
  return {
    id: r.id,
    kind: r.kind,
    key: r.key,
    payload: r.payload,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at_ms,
    ...(r.last_error !== null && { lastError: r.last_error }),
    status: r.status,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/**
 * A JSON value as a query parameter (to be cast with `::jsonb`). `undefined` becomes SQL NULL;
 * `null` becomes the JSON null. Always stringified: `pg` would turn a JS array into a SQL array.
 */
export function jsonParam(value: unknown): string | null {
  if (value === undefined) return null;
  return JSON.stringify(value);
}

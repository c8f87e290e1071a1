/**
 * The one place where database rows become domain objects. Every column is parsed with zod, JSON
 * columns included, so a row that does not match the domain fails loudly here rather than later.
 * JSON objects keep unknown keys (loose objects): a field added by a newer writer is never dropped.
 */
import { z } from 'zod';
import type { AuditEvent, LifecycleRequest } from '../core/model.js';
import type { JournalEntry, QueueItem, RunRecord } from '../core/ports/store.js';
import { rowReader } from './row-reader.js';
import type { SqlRow } from './sql-client.js';

const timestamp = z.union([z.date(), z.string()]).transform((value) => new Date(value).toISOString());
/** int8 (ids, epoch ms) arrives as a string from `pg` and as a number from PGlite. */
const int8 = z.union([z.number(), z.string(), z.bigint()]).transform(Number).pipe(z.number().int());

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
  planError: z.string().optional(),
  warnings: z.array(z.string()).optional(),
});
/** A stored plan. */
const planSchema = z.looseObject({ steps: z.array(plannedStep) });

export const toRequest: (row: SqlRow) => LifecycleRequest = rowReader({
  id: z.string(),
  kind: z.enum(['offboard', 'revoke', 'provision', 'contain', 'undo']),
  subject,
  options: z.record(z.string(), z.unknown()),
  requester: principal,
  approvals: z.array(approval),
  approvalsRequired: z.number().int(),
  state: z.enum([
    'draft',
    'awaiting-confirmation',
    'awaiting-approval',
    'approved',
    'scheduled',
    'running',
    'completed',
    'completed-with-errors',
    'failed',
    'cancelled',
    'rejected',
  ]),
  version: z.number().int(),
  ticketId: z.string().optional(),
  runId: z.string().optional(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const runStatusSchema = z.enum([
  'queued',
  'running',
  'completed',
  'completed-with-errors',
  'failed',
  'cancelled',
]);

export const toRun: (row: SqlRow) => RunRecord = rowReader(
  {
    id: z.string(),
    requestId: z.string(),
    status: runStatusSchema,
    plan: planSchema,
    input: z.unknown(),
    owner: z.string().optional(),
    leaseUntil: int8.optional(),
    isCancelRequested: z.boolean(),
    progress: z.unknown().optional(),
    createdAt: timestamp,
    updatedAt: timestamp,
    finishedAt: timestamp.optional(),
  },
  { columns: { leaseUntil: 'lease_until_ms' } },
);

/** Journal columns to select: `toJournalEntry` needs the `has_*` flags. */
export const journalColumns =
  'id, run_id, step_id, change_key, phase, attempt, before, after, before IS NOT NULL AS has_before, after IS NOT NULL AS has_after, error, at';

export const toJournalEntry: (row: SqlRow) => JournalEntry = rowReader(
  {
    id: int8,
    runId: z.string(),
    stepId: z.string(),
    changeKey: z.string().optional(),
    phase: z.enum(['planned', 'applying', 'applied', 'verified', 'failed', 'skipped', 'undone']),
    attempt: z.number().int(),
    before: z.unknown(),
    after: z.unknown(),
    error: z.object({ code: z.string(), name: z.string(), message: z.string() }).optional(),
    at: timestamp,
  },
  // A JSON null before/after-state is not the same as an absent one.
  { presentWhen: { before: 'has_before', after: 'has_after' } },
);

export const toAuditEvent: (row: SqlRow) => AuditEvent = rowReader({
  id: int8,
  at: timestamp,
  type: z.string(),
  requestId: z.string().optional(),
  runId: z.string().optional(),
  actor: z.union([principal, z.looseObject({ system: z.string() })]).optional(),
  details: z.record(z.string(), z.unknown()),
});

export const toQueueItem: (row: SqlRow) => QueueItem = rowReader(
  {
    id: int8,
    kind: z.string(),
    key: z.string(),
    payload: z.unknown(),
    attempts: z.number().int(),
    nextAttemptAt: int8,
    lastError: z.string().optional(),
    status: z.enum(['pending', 'claimed', 'done', 'dead']),
    createdAt: timestamp,
    updatedAt: timestamp,
  },
  { columns: { nextAttemptAt: 'next_attempt_at_ms' } },
);

/**
 * A JSON value as a query parameter (to be cast with `::jsonb`). `undefined` becomes SQL NULL;
 * `null` becomes the JSON null. Always stringified: `pg` would turn a JS array into a SQL array.
 */
export function jsonParam(value: unknown): string | null {
  if (value === undefined) return null;
  return JSON.stringify(value);
}

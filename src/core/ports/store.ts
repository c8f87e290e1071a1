/** Durable state: requests, runs, the step journal, audit events, conversation references, bot state. */
import type { AuditEvent, LifecycleRequest, RequestState } from '../model.js';
import type { Plan, PlannedStep } from '../step.js';

export type RunStatus = 'queued' | 'running' | 'completed' | 'completed-with-errors' | 'failed' | 'cancelled';

export interface RunRecord {
  id: string;
  requestId: string;
  status: RunStatus;
  plan: Plan;
  /** The flow input the steps receive (JSON). */
  input: unknown;
  /** Process holding the lease, if any. */
  owner?: string;
  /** Epoch ms until which the owner's lease is valid. */
  leaseUntil?: number;
  isCancelRequested: boolean;
  /** Where the progress card lives: opaque to the store (conversation reference + activity id). */
  progress?: unknown;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
}

export type JournalPhase = 'planned' | 'applying' | 'applied' | 'verified' | 'failed' | 'skipped' | 'undone';

export interface JournalEntry {
  id?: number;
  runId: string;
  stepId: string;
  /** Absent for step-level entries (verified, failed verification, skipped). */
  changeKey?: string;
  phase: JournalPhase;
  attempt: number;
  before?: unknown;
  after?: unknown;
  error?: { code: string; name: string; message: string };
  at: string;
}

export interface RequestStore {
  /**
   * Store a new request. With `event`, the audit event is appended in the same transaction: both
   * are stored or neither is.
   */
  create(request: LifecycleRequest, event?: AuditEvent): Promise<void>;
  get(id: string): Promise<LifecycleRequest | null>;
  /**
   * Replace the request if its stored version equals `expectedVersion`; the stored version becomes
   * `expectedVersion + 1`. Returns the stored request, or null when the version did not match. With
   * `event`, the audit event is appended in the same transaction when the request is replaced, so a
   * state change is never stored without its audit entry (a crash between two statements would
   * otherwise lose it), and nothing is appended when the version did not match.
   */
  update(
    request: LifecycleRequest,
    expectedVersion: number,
    event?: AuditEvent,
  ): Promise<LifecycleRequest | null>;
  /** Requests about a subject (by UPN, case-insensitive), newest first. */
  listBySubject(userPrincipalName: string, limit?: number): Promise<LifecycleRequest[]>;
  listByState(states: readonly RequestState[], limit?: number): Promise<LifecycleRequest[]>;
}

export interface RunStore {
  create(run: Omit<RunRecord, 'createdAt' | 'updatedAt' | 'isCancelRequested'>): Promise<void>;
  get(id: string): Promise<RunRecord | null>;
  /**
   * Claim one runnable run (queued, or running with an expired lease), oldest first, for `owner`:
   * its status becomes `running` and its lease lasts `leaseMs` from `nowMs` (epoch ms). Concurrent
   * callers never receive the same run while a lease is live.
   */
  claim(owner: string, leaseMs: number, nowMs: number): Promise<RunRecord | null>;
  /** Claim a specific run if it is runnable; null if someone else holds a live lease. */
  claimById(id: string, owner: string, leaseMs: number, nowMs: number): Promise<RunRecord | null>;
  /** Extend the lease; false when the lease was lost (taken over). */
  heartbeat(id: string, owner: string, leaseMs: number, nowMs: number): Promise<boolean>;
  /**
   * Set the status (and release the lease on a terminal status, recording `finishedAt`; `queued`
   * also releases it). False when `owner` no longer holds the run (taken over or already released).
   */
  setStatus(id: string, owner: string, status: RunStatus): Promise<boolean>;
  /**
   * Put a `failed` or `completed-with-errors` run back in the queue (retry failed steps), optionally
   * with a new plan. Throws NotFoundError for an unknown run, ConflictError for any other status.
   */
  requeue(id: string, plan?: Plan): Promise<void>;
  /**
   * Replace the step at `index` of a running run's plan (a step planned when it starts, `PlannedStep.
   * isPlannedAtStart`). False when `owner` no longer holds the run or that step is not at `index`.
   */
  replaceStep(id: string, owner: string, index: number, step: PlannedStep): Promise<boolean>;
  /** Flag the run for cancellation; the runner holding it checks the flag. Throws NotFoundError. */
  requestCancel(id: string): Promise<void>;
  /** Record where the progress card lives. Throws NotFoundError for an unknown run. */
  setProgress(id: string, progress: unknown): Promise<void>;
}

/** Append-only step journal (the store rejects updates and deletes). */
export interface Journal {
  append(entry: JournalEntry): Promise<void>;
  /** A run's entries in append order. */
  list(runId: string): Promise<JournalEntry[]>;
}

/** Append-only audit trail (the store rejects updates and deletes). */
export interface AuditLog {
  append(event: AuditEvent): Promise<void>;
  /**
   * Events newest first (default limit 100). `subject` is a UPN, case-insensitive: it selects the
   * events of requests about that person.
   */
  list(filter: { requestId?: string; subject?: string; limit?: number }): Promise<AuditEvent[]>;
}

export interface ConversationStore {
  save(key: string, reference: unknown): Promise<void>;
  /** Saves unless an equal reference (as JSON, key order aside) is stored: one statement either way. */
  saveIfChanged(key: string, reference: unknown): Promise<void>;
  get(key: string): Promise<unknown>;
}

/** Small JSON values (bot state, queues' cursors, inventory metadata). */
export interface KeyValueStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Retention: delete the entries whose key starts with `prefix` and whose value is an object with an
   * ISO-8601 UTC `at` (as `Date#toISOString` writes it) earlier than `beforeIso`. Entries without such
   * an `at` are kept. Returns how many were deleted.
   */
  deleteOlderThan(prefix: string, beforeIso: string): Promise<number>;
}

/**
 * Where a queue item is: `pending` waits for `nextAttemptAt`; `claimed` is being worked on until
 * `nextAttemptAt` (the claim's expiry, after which it is due again); `done` finished; `dead` gave up.
 */
export type QueueItemStatus = 'pending' | 'claimed' | 'done' | 'dead';

export interface QueueItem {
  id: number;
  /** The flow that owns the item, e.g. `provision.await-sync`. */
  kind: string;
  /** Unique per kind (e.g. the user's UPN): enqueueing the same key again updates the item. */
  key: string;
  payload: unknown;
  /** How many times the item was claimed. */
  attempts: number;
  /** Epoch ms: when a pending item becomes due, or when a claimed item's claim expires. */
  nextAttemptAt: number;
  lastError?: string;
  status: QueueItemStatus;
  createdAt: string;
  updatedAt: string;
}

/**
 * A durable work queue shared by flows (for example joiners not yet synced to Entra, retried on a
 * schedule). Items survive restarts; one key per kind; delivery is at-least-once, so handlers must be
 * idempotent.
 */
export interface WorkQueue {
  /**
   * Add an item, or update the item with the same kind and key: its payload is replaced and it becomes
   * pending, due at `notBeforeMs` (default 0: due now), with its attempts and last error reset when it
   * had finished (`done` or `dead`). An item enqueued while claimed keeps its claim; when that claim
   * completes or fails, the item becomes pending again at `notBeforeMs` so the new payload is handled.
   */
  enqueue(item: { kind: string; key: string; payload: unknown; notBeforeMs?: number }): Promise<QueueItem>;
  /**
   * Claim up to `limit` due items of `kind` (pending and due, or claimed with an expired claim),
   * oldest due first. Each claimed item's attempt count increases and its claim lasts `claimMs`
   * (default 5 minutes) from `nowMs`. Concurrent callers never receive the same item at once.
   */
  claimDue(kind: string, nowMs: number, limit: number, claimMs?: number): Promise<QueueItem[]>;
  /**
   * Claim the item of `kind` with `key` when it is due (as `claimDue`); null when it is absent, not
   * due, finished, or claimed by someone else with a live claim.
   */
  claimKey(kind: string, key: string, nowMs: number, claimMs: number): Promise<QueueItem | null>;
  /**
   * Keep a claim alive: a claimed item whose attempt count still equals `attempts` (nobody claimed it
   * since) gets its claim extended to `untilMs`. False when the claim was lost.
   */
  extendClaim(id: number, attempts: number, untilMs: number): Promise<boolean>;
  /**
   * Mark a claimed item done (or pending again if it was enqueued meanwhile). False when the item is
   * not claimed (already finished or unknown).
   */
  complete(id: number): Promise<boolean>;
  /**
   * Record a failure of a claimed item: pending again at `retryAtMs`, or `dead` when `retryAtMs` is
   * null. False when the item is not claimed.
   */
  fail(id: number, error: string, retryAtMs: number | null): Promise<boolean>;
  get(kind: string, key: string): Promise<QueueItem | null>;
  /** Items of a kind, optionally of some statuses, by due time. */
  list(kind: string, statuses?: readonly QueueItemStatus[], limit?: number): Promise<QueueItem[]>;
  /**
   * Retention: delete the items of `kind` that are not pending (finished, or claimed with a claim
   * that ended) and whose `nextAttemptAt` is before `beforeMs`. Returns how many were deleted.
   */
  purge(kind: string, beforeMs: number): Promise<number>;
}

export interface Store {
  requests: RequestStore;
  runs: RunStore;
  journal: Journal;
  audit: AuditLog;
  conversations: ConversationStore;
  state: KeyValueStore;
  /** Durable work queue for flows (see {@link WorkQueue}). */
  queue: WorkQueue;
  close(): Promise<void>;
}

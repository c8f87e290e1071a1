/** Durable state: requests, runs, the step journal, audit events, conversation references, bot state. */
import type { AuditEvent, LifecycleRequest, RequestState } from '../model.js';
import type { Plan } from '../step.js';

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
  create(request: LifecycleRequest): Promise<void>;
  get(id: string): Promise<LifecycleRequest | null>;
  /**
   * Replace the request if its stored version equals `expectedVersion`; the stored version becomes
   * `expectedVersion + 1`. Returns the stored request, or null when the version did not match.
   */
  update(request: LifecycleRequest, expectedVersion: number): Promise<LifecycleRequest | null>;
  /** Requests about a subject (by UPN, case-insensitive), newest first. */
  listBySubject(userPrincipalName: string, limit?: number): Promise<LifecycleRequest[]>;
  listByState(states: readonly RequestState[], limit?: number): Promise<LifecycleRequest[]>;
}

export interface RunStore {
  create(run: Omit<RunRecord, 'createdAt' | 'updatedAt' | 'isCancelRequested'>): Promise<void>;
  get(id: string): Promise<RunRecord | null>;
  /** Claim one runnable run (queued, or running with an expired lease) for `owner`. */
  claim(owner: string, leaseMs: number, nowMs: number): Promise<RunRecord | null>;
  /** Claim a specific run if it is runnable; null if someone else holds a live lease. */
  claimById(id: string, owner: string, leaseMs: number, nowMs: number): Promise<RunRecord | null>;
  /** Extend the lease; false when the lease was lost (taken over). */
  heartbeat(id: string, owner: string, leaseMs: number, nowMs: number): Promise<boolean>;
  /** Set the status (and release the lease on a terminal status). False when `owner` lost the lease. */
  setStatus(id: string, owner: string, status: RunStatus): Promise<boolean>;
  /** Put a finished run back in the queue (retry failed steps). */
  requeue(id: string, plan?: Plan): Promise<void>;
  requestCancel(id: string): Promise<void>;
  setProgress(id: string, progress: unknown): Promise<void>;
}

export interface Journal {
  append(entry: JournalEntry): Promise<void>;
  list(runId: string): Promise<JournalEntry[]>;
}

export interface AuditLog {
  append(event: AuditEvent): Promise<void>;
  list(filter: { requestId?: string; subject?: string; limit?: number }): Promise<AuditEvent[]>;
}

export interface ConversationStore {
  save(key: string, reference: unknown): Promise<void>;
  get(key: string): Promise<unknown>;
}

/** Small JSON values (bot state, queues' cursors, inventory metadata). */
export interface KeyValueStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface Store {
  requests: RequestStore;
  runs: RunStore;
  journal: Journal;
  audit: AuditLog;
  conversations: ConversationStore;
  state: KeyValueStore;
  close(): Promise<void>;
}

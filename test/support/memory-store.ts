/**
 * The Store port in process memory: a test double of our own store for unit tests that need no SQL.
 * Values are copied through JSON on the way in and out, like the real store's jsonb columns, so a
 * test can never mutate stored state through a reference. Semantics follow the port's documentation.
 */
import { ConflictError, NotFoundError } from '../../src/core/errors.js';
import type { AuditEvent, LifecycleRequest, RequestState } from '../../src/core/model.js';
import type {
  AuditLog,
  ConversationStore,
  Journal,
  JournalEntry,
  KeyValueStore,
  QueueItem,
  QueueItemStatus,
  RequestStore,
  RunRecord,
  RunStatus,
  RunStore,
  Store,
  WorkQueue,
} from '../../src/core/ports/store.js';
import type { Plan, PlannedStep } from '../../src/core/step.js';

const terminal: readonly RunStatus[] = ['completed', 'completed-with-errors', 'failed', 'cancelled'];
const defaultClaimMs = 5 * 60_000;

function copy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

const isoNow = (): string => new Date().toISOString();

class MemoryRequestStore implements RequestStore {
  private readonly rows = new Map<string, LifecycleRequest>();
  /** Where a change's audit event goes, in the same synchronous step as the change. */
  audit: MemoryAuditLog | undefined;

  async create(request: LifecycleRequest, event?: AuditEvent): Promise<void> {
    if (this.rows.has(request.id)) throw new ConflictError(`Request ${request.id} already exists`);
    this.rows.set(request.id, copy(request));
    if (event !== undefined) this.audit?.push(event);
  }

  async get(id: string): Promise<LifecycleRequest | null> {
    return copy(this.rows.get(id) ?? null);
  }

  async update(
    request: LifecycleRequest,
    expectedVersion: number,
    event?: AuditEvent,
  ): Promise<LifecycleRequest | null> {
    const stored = this.rows.get(request.id);
    if (!stored || stored.version !== expectedVersion) return null;
    const next = { ...copy(request), version: expectedVersion + 1, updatedAt: isoNow() };
    this.rows.set(request.id, next);
    if (event !== undefined) this.audit?.push(event);
    return copy(next);
  }

  async listBySubject(userPrincipalName: string, limit = 50): Promise<LifecycleRequest[]> {
    const upn = userPrincipalName.toLowerCase();
    return this.newestFirst((r) => r.subject.userPrincipalName.toLowerCase() === upn).slice(0, limit);
  }

  async listByState(states: readonly RequestState[], limit = 50): Promise<LifecycleRequest[]> {
    return this.newestFirst((r) => states.includes(r.state)).slice(0, limit);
  }

  subjectOf(requestId: string): string | undefined {
    return this.rows.get(requestId)?.subject.userPrincipalName.toLowerCase();
  }

  private newestFirst(keep: (request: LifecycleRequest) => boolean): LifecycleRequest[] {
    return [...this.rows.values()]
      .filter(keep)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map(copy);
  }
}

class MemoryRunStore implements RunStore {
  private readonly rows = new Map<string, RunRecord>();

  async create(run: Omit<RunRecord, 'createdAt' | 'updatedAt' | 'isCancelRequested'>): Promise<void> {
    if (this.rows.has(run.id)) throw new ConflictError(`Run ${run.id} already exists`);
    const at = isoNow();
    this.rows.set(run.id, { ...copy(run), isCancelRequested: false, createdAt: at, updatedAt: at });
  }

  async get(id: string): Promise<RunRecord | null> {
    return copy(this.rows.get(id) ?? null);
  }

  async claim(owner: string, leaseMs: number, nowMs: number): Promise<RunRecord | null> {
    const next = [...this.rows.values()].find((run) => this.isRunnable(run, nowMs));
    return next ? this.takeLease(next, owner, leaseMs, nowMs) : null;
  }

  async claimById(id: string, owner: string, leaseMs: number, nowMs: number): Promise<RunRecord | null> {
    const run = this.rows.get(id);
    return run && this.isRunnable(run, nowMs) ? this.takeLease(run, owner, leaseMs, nowMs) : null;
  }

  async heartbeat(id: string, owner: string, leaseMs: number, nowMs: number): Promise<boolean> {
    const run = this.rows.get(id);
    if (run?.owner !== owner || run.status !== 'running') return false;
    this.touch(run, { leaseUntil: nowMs + leaseMs });
    return true;
  }

  async setStatus(id: string, owner: string, status: RunStatus): Promise<boolean> {
    const run = this.rows.get(id);
    if (run?.owner !== owner) return false;
    const isTerminal = terminal.includes(status);
    const release = isTerminal || status === 'queued' ? { owner: undefined, leaseUntil: undefined } : {};
    this.touch(run, { status, ...release, ...(isTerminal && { finishedAt: isoNow() }) });
    return true;
  }

  async requeue(id: string, plan?: Plan): Promise<void> {
    const run = this.mustGet(id);
    if (run.status !== 'failed' && run.status !== 'completed-with-errors') {
      throw new ConflictError(
        `Run ${id} is ${run.status}: only a failed or partly failed run can be retried`,
      );
    }
    this.touch(run, {
      status: 'queued',
      plan: plan ? copy(plan) : run.plan,
      owner: undefined,
      leaseUntil: undefined,
      isCancelRequested: false,
      finishedAt: undefined,
    });
  }

  async replaceStep(id: string, owner: string, index: number, step: PlannedStep): Promise<boolean> {
    const run = this.rows.get(id);
    if (run?.owner !== owner || run.status !== 'running' || run.plan.steps[index]?.stepId !== step.stepId) {
      return false;
    }
    const steps = run.plan.steps.map((s, i) => (i === index ? copy(step) : s));
    this.touch(run, { plan: { ...run.plan, steps } });
    return true;
  }

  async requestCancel(id: string): Promise<void> {
    this.touch(this.mustGet(id), { isCancelRequested: true });
  }

  async setProgress(id: string, progress: unknown): Promise<void> {
    this.touch(this.mustGet(id), { progress: copy(progress) });
  }

  private isRunnable(run: RunRecord, nowMs: number): boolean {
    const isFree = run.leaseUntil === undefined || run.leaseUntil <= nowMs;
    return (run.status === 'queued' || run.status === 'running') && isFree;
  }

  private takeLease(run: RunRecord, owner: string, leaseMs: number, nowMs: number): RunRecord {
    this.touch(run, { owner, leaseUntil: nowMs + leaseMs, status: 'running' });
    return copy(run);
  }

  private mustGet(id: string): RunRecord {
    const run = this.rows.get(id);
    if (!run) throw new NotFoundError(`Run ${id} does not exist`);
    return run;
  }

  private touch(run: RunRecord, changes: Partial<RunRecord>): void {
    Object.assign(run, changes, { updatedAt: isoNow() });
  }
}

class MemoryJournal implements Journal {
  private readonly entries: JournalEntry[] = [];

  async append(entry: JournalEntry): Promise<void> {
    this.entries.push({ ...copy(entry), id: this.entries.length + 1 });
  }

  async list(runId: string): Promise<JournalEntry[]> {
    return this.entries.filter((entry) => entry.runId === runId).map(copy);
  }
}

class MemoryAuditLog implements AuditLog {
  private readonly events: AuditEvent[] = [];

  constructor(private readonly requests: MemoryRequestStore) {}

  async append(event: AuditEvent): Promise<void> {
    this.push(event);
  }

  push(event: AuditEvent): void {
    this.events.push({ ...copy(event), id: this.events.length + 1 });
  }

  async list(filter: { requestId?: string; subject?: string; limit?: number }): Promise<AuditEvent[]> {
    const subject = filter.subject?.toLowerCase();
    return this.events
      .filter((event) => filter.requestId === undefined || event.requestId === filter.requestId)
      .filter((event) => subject === undefined || this.requests.subjectOf(event.requestId ?? '') === subject)
      .reverse()
      .slice(0, filter.limit ?? 100)
      .map(copy);
  }
}

/** JSON with object keys sorted, so two equal references compare equal whatever their key order. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, sorted(v)]),
  );
}

class MemoryKeyValueStore implements KeyValueStore, ConversationStore {
  private readonly values = new Map<string, unknown>();

  async get(key: string): Promise<unknown> {
    return copy(this.values.get(key));
  }

  async set(key: string, value: unknown): Promise<void> {
    this.values.set(key, copy(value));
  }

  async save(key: string, reference: unknown): Promise<void> {
    await this.set(key, reference);
  }

  async saveIfChanged(key: string, reference: unknown): Promise<void> {
    if (JSON.stringify(sorted(this.values.get(key))) !== JSON.stringify(sorted(reference)))
      await this.set(key, reference);
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }

  async deleteOlderThan(prefix: string, beforeIso: string): Promise<number> {
    let deleted = 0;
    for (const [key, value] of [...this.values]) {
      const at =
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? (value as { at?: unknown }).at
          : undefined;
      if (key.startsWith(prefix) && typeof at === 'string' && at < beforeIso) {
        this.values.delete(key);
        deleted += 1;
      }
    }
    return deleted;
  }
}

class MemoryWorkQueue implements WorkQueue {
  private readonly items: (QueueItem & { requeueAt?: number })[] = [];
  private lastId = 0;

  async enqueue(item: {
    kind: string;
    key: string;
    payload: unknown;
    notBeforeMs?: number;
  }): Promise<QueueItem> {
    const dueMs = item.notBeforeMs ?? 0;
    const existing = this.items.find((q) => q.kind === item.kind && q.key === item.key);
    if (!existing) {
      const at = isoNow();
      const created = {
        id: ++this.lastId,
        kind: item.kind,
        key: item.key,
        payload: copy(item.payload),
      };
      this.items.push({
        ...created,
        attempts: 0,
        nextAttemptAt: dueMs,
        status: 'pending',
        createdAt: at,
        updatedAt: at,
      });
      return this.view(created.id);
    }
    if (existing.status === 'done' || existing.status === 'dead') {
      Object.assign(existing, { attempts: 0, lastError: undefined });
    }
    if (existing.status === 'claimed') existing.requeueAt = dueMs;
    else Object.assign(existing, { status: 'pending', nextAttemptAt: dueMs });
    Object.assign(existing, { payload: copy(item.payload), updatedAt: isoNow() });
    return this.view(existing.id);
  }

  async claimDue(kind: string, nowMs: number, limit: number, claimMs = defaultClaimMs): Promise<QueueItem[]> {
    const due = this.items
      .filter(
        (q) =>
          q.kind === kind && (q.status === 'pending' || q.status === 'claimed') && q.nextAttemptAt <= nowMs,
      )
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id)
      .slice(0, limit);
    for (const q of due) {
      Object.assign(q, {
        status: 'claimed',
        attempts: q.attempts + 1,
        nextAttemptAt: nowMs + claimMs,
        updatedAt: isoNow(),
      });
    }
    return due.map((q) => this.view(q.id));
  }

  async claimKey(kind: string, key: string, nowMs: number, claimMs: number): Promise<QueueItem | null> {
    const q = this.items.find((i) => i.kind === kind && i.key === key);
    if (!q || (q.status !== 'pending' && q.status !== 'claimed') || q.nextAttemptAt > nowMs) return null;
    Object.assign(q, {
      status: 'claimed',
      attempts: q.attempts + 1,
      nextAttemptAt: nowMs + claimMs,
      updatedAt: isoNow(),
    });
    return this.view(q.id);
  }

  async extendClaim(id: number, attempts: number, untilMs: number): Promise<boolean> {
    const q = this.byId(id);
    if (q?.status !== 'claimed' || q.attempts !== attempts) return false;
    Object.assign(q, { nextAttemptAt: untilMs, updatedAt: isoNow() });
    return true;
  }

  async complete(id: number): Promise<boolean> {
    const q = this.byId(id);
    if (q?.status !== 'claimed') return false;
    if (q.requeueAt === undefined) Object.assign(q, { status: 'done' });
    else
      Object.assign(q, { status: 'pending', attempts: 0, nextAttemptAt: q.requeueAt, requeueAt: undefined });
    Object.assign(q, { lastError: undefined, updatedAt: isoNow() });
    return true;
  }

  async fail(id: number, error: string, retryAtMs: number | null): Promise<boolean> {
    const q = this.byId(id);
    if (q?.status !== 'claimed') return false;
    const nextAttemptAt = q.requeueAt ?? retryAtMs ?? q.nextAttemptAt;
    const status = q.requeueAt === undefined && retryAtMs === null ? 'dead' : 'pending';
    Object.assign(q, { status, nextAttemptAt, requeueAt: undefined, lastError: error, updatedAt: isoNow() });
    return true;
  }

  async get(kind: string, key: string): Promise<QueueItem | null> {
    const q = this.items.find((item) => item.kind === kind && item.key === key);
    return q ? this.view(q.id) : null;
  }

  async list(kind: string, statuses?: readonly QueueItemStatus[], limit = 100): Promise<QueueItem[]> {
    return this.items
      .filter((q) => q.kind === kind && (statuses === undefined || statuses.includes(q.status)))
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id)
      .slice(0, limit)
      .map((q) => this.view(q.id));
  }

  async purge(kind: string, beforeMs: number): Promise<number> {
    const gone = this.items.filter(
      (q) => q.kind === kind && q.status !== 'pending' && q.nextAttemptAt < beforeMs,
    );
    for (const q of gone) this.items.splice(this.items.indexOf(q), 1);
    return gone.length;
  }

  private byId(id: number): (QueueItem & { requeueAt?: number }) | undefined {
    return this.items.find((q) => q.id === id);
  }

  private view(id: number): QueueItem {
    const { requeueAt: _requeueAt, ...item } = this.byId(id)!;
    return copy(item);
  }
}

/** A fresh, empty in-memory store. */
export function createMemoryStore(): Store {
  const requests = new MemoryRequestStore();
  const audit = new MemoryAuditLog(requests);
  requests.audit = audit;
  const keyValues = new MemoryKeyValueStore();
  return {
    requests,
    runs: new MemoryRunStore(),
    journal: new MemoryJournal(),
    audit,
    conversations: keyValues,
    state: new MemoryKeyValueStore(),
    queue: new MemoryWorkQueue(),
    close: async () => undefined,
  };
}

/**
 * Checks shared by the reliability harnesses (fault soak, crash and restart, scale-out): the journal
 * of a finished run is complete, the audit trail has every applied change, and the sandbox applied
 * each write at most once per target.
 */
import type { AuditEvent } from '../../src/core/model.js';
import type { JournalEntry, RunRecord, Store } from '../../src/core/ports/store.js';
import type { RequestLogEntry } from '../../src/sandbox/index.js';

export interface RunCheck {
  runId: string;
  requestId: string;
  status: RunRecord['status'];
  problems: string[];
  /** Steps that failed, with the error they ended on. */
  failures: string[];
  /** Change attempts that failed and were retried within the run (from the journal). */
  retriedAttempts: number;
  /** Changes recorded from a fresh plan after a crash left them in doubt. */
  reconciled: number;
}

const finalStepPhases = new Set(['verified', 'failed', 'skipped']);

/** Journal completeness of one run: every planned change applied, every step with a final outcome. */
export function checkJournal(run: RunRecord, journal: readonly JournalEntry[]): string[] {
  const problems: string[] = [];
  for (const step of run.plan.steps) {
    const entries = journal.filter((e) => e.stepId === step.stepId);
    const last = entries.filter((e) => e.changeKey === undefined && e.phase !== 'planned').at(-1);
    if (!last || !finalStepPhases.has(last.phase))
      problems.push(`${step.stepId}: no final outcome (last ${last?.phase ?? 'none'})`);
    if (last?.phase !== 'verified') continue;
    for (const change of step.changes) {
      const applied = entries.filter((e) => e.changeKey === change.key && e.phase === 'applied');
      if (applied.length === 0) problems.push(`${step.stepId}/${change.key}: verified but never applied`);
      if (applied.length > 1)
        problems.push(`${step.stepId}/${change.key}: applied ${applied.length} times in the journal`);
    }
  }
  return problems;
}

/** Audit completeness of one run: the request's lifecycle and a `step.applied` per applied change. */
export function checkAudit(
  run: RunRecord,
  journal: readonly JournalEntry[],
  events: readonly AuditEvent[],
  requestTypes: readonly string[],
): string[] {
  const problems: string[] = [];
  const types = new Set(events.map((e) => e.type));
  for (const type of [...requestTypes, 'run.started', 'run.finished']) {
    if (!types.has(type)) problems.push(`audit: no ${type}`);
  }
  const audited = new Set(
    events
      .filter((e) => e.type === 'step.applied' && e.runId === run.id)
      .map((e) => `${String(e.details['stepId'])}/${String(e.details['changeKey'])}`),
  );
  for (const entry of journal) {
    if (entry.phase !== 'applied') continue;
    const key = `${entry.stepId}/${entry.changeKey ?? ''}`;
    if (!audited.has(key)) problems.push(`audit: no step.applied for ${key}`);
  }
  return problems;
}

export async function checkRun(
  store: Store,
  runId: string,
  requestTypes: readonly string[],
): Promise<RunCheck> {
  const run = await store.runs.get(runId);
  if (!run)
    return {
      runId,
      requestId: '',
      status: 'failed',
      problems: ['run missing'],
      failures: [],
      retriedAttempts: 0,
      reconciled: 0,
    };
  const journal = await store.journal.list(runId);
  const events = await store.audit.list({ requestId: run.requestId, limit: 1000 });
  return {
    runId,
    requestId: run.requestId,
    status: run.status,
    problems: [...checkJournal(run, journal), ...checkAudit(run, journal, events, requestTypes)],
    failures: journal
      .filter((e) => e.changeKey === undefined && e.phase === 'failed')
      .map((e) => `${e.stepId}: ${e.error?.message ?? 'failed'}`),
    retriedAttempts: journal.filter((e) => e.changeKey !== undefined && e.phase === 'failed').length,
    reconciled: journal.filter(
      (e) =>
        e.phase === 'applied' &&
        typeof e.after === 'object' &&
        e.after !== null &&
        (e.after as Record<string, unknown>)['isReconciled'] === true,
    ).length,
  };
}

/**
 * Successful writes grouped by operation and target, for those applied more than once. Operations in
 * `repeatable` are allowed to repeat (e.g. a sign-in session revocation is a fresh action each time).
 */
export function duplicateWrites(
  log: readonly RequestLogEntry[],
  repeatable: ReadonlySet<string> = new Set(),
): { operation: string; target: string; count: number }[] {
  const counts = new Map<string, { operation: string; target: string; count: number }>();
  for (const entry of log) {
    if (entry.operation === null || entry.status < 200 || entry.status >= 300) continue;
    if (repeatable.has(entry.operation)) continue;
    const target = entry.target ?? entry.path;
    const key = `${entry.operation} ${target}`;
    const found = counts.get(key) ?? { operation: entry.operation, target, count: 0 };
    found.count += 1;
    counts.set(key, found);
  }
  return [...counts.values()].filter((c) => c.count > 1);
}

/** Injected faults and throttling answers seen by the sandbox, by kind. */
export function faultFigures(log: readonly RequestLogEntry[]): Record<string, number> {
  const figures: Record<string, number> = {
    requests: log.length,
    fault: 0,
    timeout: 0,
    reset: 0,
    throttled: 0,
  };
  for (const entry of log) {
    if (entry.outcome in figures && entry.outcome !== 'ok')
      figures[entry.outcome] = (figures[entry.outcome] ?? 0) + 1;
  }
  return figures;
}

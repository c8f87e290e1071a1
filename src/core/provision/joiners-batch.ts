/**
 * A joiners file as a request: the previewed rows are stored as the options of one parent request
 * (kind `provision`, a synthetic "batch" subject that is nobody), which the request service guards
 * like any other: the sender confirms, an approver approves (four eyes, protection read again,
 * versions), the approved batch is claimed once, and a batch not decided in time expires.
 */
import { randomUUID } from 'node:crypto';
import type { LifecycleRequest, Principal } from '../model.js';
import type { Policy } from '../policy/policy.js';
import type { NewRequest } from '../requests/request-service.js';
import type { BatchLine } from './provision-batch.js';
import type { BatchReport } from './provision-report.js';

/** How long a previewed file may wait for its confirmation and approval. */
export const joinersBatchTtlMs = 24 * 60 * 60_000;

export interface JoinersItem {
  line: number;
  userPrincipalName: string;
  /** `ready`: previewed as provisionable and allowed by the policy; only ready rows run. */
  status: 'ready' | 'not-ready';
  subject?: { id: string; userPrincipalName: string };
}

export interface StoredJoinersOptions {
  joiners: { source: string; lines: BatchLine[]; items: JoinersItem[]; expiresAt: string };
}

export function isJoinersBatch(request: LifecycleRequest): boolean {
  const joiners = (request.options as Partial<StoredJoinersOptions>).joiners;
  return typeof joiners === 'object' && Array.isArray(joiners.items);
}

export function joinersOf(request: LifecycleRequest): StoredJoinersOptions['joiners'] {
  return (request.options as unknown as StoredJoinersOptions).joiners;
}

export function isExpired(request: LifecycleRequest, nowMs: number): boolean {
  return Date.parse(joinersOf(request).expiresAt) <= nowMs;
}

/** The lines that run once the batch is approved: the ready rows, in file order. */
export function readyLines(request: LifecycleRequest): BatchLine[] {
  const joiners = joinersOf(request);
  const ready = new Set(joiners.items.filter((i) => i.status === 'ready').map((i) => i.line));
  return joiners.lines.filter((l) => ready.has(l.line));
}

/**
 * The parent request of a previewed file. Rows the policy refuses (protected accounts under
 * `refuse`) are marked failed in `preview` and don't run. The batch needs one approver at least,
 * two when a protected account is in it. Null when no row can run.
 */
export async function joinersRequest(
  policy: Policy,
  actor: Principal,
  preview: BatchReport,
  lines: BatchLine[],
  nowMs: number,
): Promise<NewRequest | null> {
  const items: JoinersItem[] = [];
  let approvalsRequired = 1;
  for (const row of preview.rows) {
    const base = { line: row.line, userPrincipalName: row.userPrincipalName };
    if (row.status !== 'planned' || row.userId === undefined) {
      items.push({ ...base, status: 'not-ready' });
      continue;
    }
    const subject = { id: row.userId, userPrincipalName: row.userPrincipalName };
    const check = await policy.checkSubject(actor, subject, 'provision');
    if (!check.decision.isAllowed) {
      row.status = 'failed';
      row.error = check.decision.reason;
      items.push({ ...base, status: 'not-ready' });
      continue;
    }
    approvalsRequired = Math.max(approvalsRequired, check.approvalsRequired);
    items.push({ ...base, status: 'ready', subject });
  }
  const ready = items.filter((i) => i.status === 'ready').length;
  if (ready === 0) return null;
  const batchId = `batch:${randomUUID()}`;
  const options: StoredJoinersOptions = {
    joiners: {
      source: preview.source.slice(0, 200),
      lines,
      items,
      expiresAt: new Date(nowMs + joinersBatchTtlMs).toISOString(),
    },
  };
  return {
    kind: 'provision',
    subject: { id: batchId, userPrincipalName: batchId, displayName: `${ready} joiners`, isSynced: false },
    options: { ...options },
    requester: actor,
    approvalsRequired,
  };
}

/**
 * The JSON export of a request and its run: who asked, who approved, every change with its
 * before/after state, and the audit trail. Used by `status <id> json` and `lifecycle export <id>`.
 */
import type { Store } from '../ports/store.js';
import { summariseRun } from '../runner/summarise-run.js';
import { revokeSummaryKey } from '../revoke/index.js';

export async function exportRequest(store: Store, requestId: string) {
  const request = await store.requests.get(requestId);
  if (!request) return null;
  const run = request.runId ? await store.runs.get(request.runId) : null;
  const journal = run ? await store.journal.list(run.id) : [];
  const audit = await store.audit.list({ requestId, limit: 1000 });
  /** The mailbox part in the revoke summary's shape (revoke runs and offboarding with that option). */
  const mailboxPermissions = (await store.state.get(revokeSummaryKey(requestId))) ?? null;
  return {
    exportedAt: new Date().toISOString(),
    request,
    run: run && {
      id: run.id,
      status: run.status,
      createdAt: run.createdAt,
      finishedAt: run.finishedAt ?? null,
      summary: summariseRun(run.plan, journal),
      plan: run.plan,
      journal,
    },
    mailboxPermissions,
    audit,
  };
}

/**
 * The end of a run that removed mailbox rights (a revoke request, or an offboarding with that option):
 * the summary JSON is built from a final live verification, validated, stored for exports, and for
 * revoke requests handed to the ticket webhook in the background (its outcome is audited and never
 * changes the run's result).
 */
import type { LifecycleRequest } from '../model.js';
import type { Clock } from '../ports/clock.js';
import type { RunRecord, RunStatus, Store } from '../ports/store.js';
import type { DiscoveryDeps } from './discovery.js';
import { revokeInputOf } from './input.js';
import { reportRevokeRun, revokeSummaryKey, type SummaryDelivery } from './revoke-report.js';
import { revokeStepIds } from './revoke-steps.js';
import type { RevokeSummary } from './revoke-summary.js';

export interface RevokeFinishDeps {
  discovery: DiscoveryDeps;
  store: Pick<Store, 'journal' | 'state' | 'audit'>;
  clock: Clock;
  /** The organisation's name in the summary. */
  company: string;
  webhook?: SummaryDelivery;
}

const revokeIds: ReadonlySet<string> = new Set<string>(Object.values(revokeStepIds));

export class RevokeRunFinisher {
  constructor(private readonly deps: RevokeFinishDeps) {}

  /** The summary of the run's revoke steps; null when it had none or was cancelled. */
  async finish(request: LifecycleRequest, run: RunRecord, status: RunStatus): Promise<RevokeSummary | null> {
    if (status === 'cancelled') return null;
    if (!run.plan.steps.some((s) => revokeIds.has(s.stepId))) return null;
    const { store, webhook } = this.deps;
    const report = await reportRevokeRun({
      input: revokeInputOf(run.input),
      deps: this.deps.discovery,
      plan: { steps: run.plan.steps.filter((s) => revokeIds.has(s.stepId)) },
      journal: await store.journal.list(run.id),
      user: {
        email: request.subject.mail ?? request.subject.userPrincipalName,
        displayName: request.subject.displayName,
      },
      company: this.deps.company,
      ...(webhook && request.kind === 'revoke' && { webhook }),
    });
    await store.state.set(revokeSummaryKey(request.id), report.summary);
    if (report.ticket) {
      void report.ticket.then((delivery) =>
        store.audit.append({
          at: new Date(this.deps.clock.now()).toISOString(),
          type: delivery.isDelivered ? 'ticket.updated' : 'ticket.failed',
          requestId: request.id,
          actor: { system: 'ticket-webhook' },
          details: {
            attempts: delivery.attempts,
            ...(delivery.status !== undefined && { status: delivery.status }),
          },
        }),
      );
    }
    return report.summary;
  }
}

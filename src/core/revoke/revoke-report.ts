/**
 * The end of a revoke run: a final live verification, the summary JSON (validated against its schema)
 * and the ticket webhook started in the background. The caller gets the summary
 * at once; the webhook's outcome arrives later in `ticket` and never changes the run's result.
 */
import type { JournalEntry } from '../ports/store.js';
import type { DiscoveryDeps } from './discovery.js';
import type { RevokeInput } from './input.js';
import { buildRevokeSummary, verifyRevocation, type RevokeSummary } from './revoke-summary.js';
import type { Plan } from '../step.js';
import { assertValidRevokeSummary } from './revoke-summary-schema.js';

/** Where a request's revoke summary JSON is kept (the state store), for `status <id> json` and exports. */
export const revokeSummaryKey = (requestId: string): string => `revoke-summary:${requestId}`;

/** The outcome of handing the summary to a ticket system. */
export interface WebhookDelivery {
  isDelivered: boolean;
  attempts: number;
  /** HTTP status of the last attempt, when there was a response. */
  status?: number;
  /** Why delivery failed (last attempt), for the run result and the card. */
  error?: string;
}

/** Where the summary goes after the run (the signed ticket webhook); never rejects. */
export interface SummaryDelivery {
  deliver(summary: RevokeSummary): Promise<WebhookDelivery>;
}

export interface RevokeReportSource {
  input: RevokeInput;
  deps: DiscoveryDeps;
  plan: Plan;
  journal: readonly JournalEntry[];
  user: { email: string; displayName: string };
  company: string;
  webhook?: SummaryDelivery;
}

export interface RevokeReport {
  summary: RevokeSummary;
  /** Present when a webhook is configured; resolves (never rejects) with the delivery outcome. */
  ticket?: Promise<WebhookDelivery>;
}

export async function reportRevokeRun(source: RevokeReportSource): Promise<RevokeReport> {
  const remaining = await verifyRevocation(source.input, source.deps, source.plan);
  const summaryInput = {
    user: source.user,
    company: source.company,
    plan: source.plan,
    journal: source.journal,
    remaining,
  };
  const summary = buildRevokeSummary(
    source.input.ticketId === undefined ? summaryInput : { ...summaryInput, ticketId: source.input.ticketId },
  );
  assertValidRevokeSummary(summary);
  const report: RevokeReport = { summary };
  if (source.webhook) report.ticket = source.webhook.deliver(summary);
  return report;
}

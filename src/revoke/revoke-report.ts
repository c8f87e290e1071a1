/**
 * The end of a revoke run: a final live verification, the summary JSON (validated against its schema),
 * the summary card's data, and the ticket webhook started in the background. The caller gets the summary
 * at once; the webhook's outcome arrives later in `ticket` and never changes the run's result.
 */
import type { JournalEntry } from '../core/ports/store.js';
import {
  buildRevokeSummary,
  toRevokeSummaryCardData,
  verifyRevocation,
  type DiscoveryDeps,
  type RevokeInput,
  type RevokeSummary,
  type RevokeSummaryCardData,
} from '../core/revoke/index.js';
import type { Plan } from '../core/step.js';
import { assertValidRevokeSummary } from './revoke-summary-validator.js';
import type { TicketWebhook, WebhookDelivery } from './ticket-webhook.js';

export interface RevokeReportSource {
  input: RevokeInput;
  deps: DiscoveryDeps;
  plan: Plan;
  journal: readonly JournalEntry[];
  user: { email: string; displayName: string };
  company: string;
  webhook?: TicketWebhook;
}

export interface RevokeReport {
  summary: RevokeSummary;
  card: RevokeSummaryCardData;
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
  const report: RevokeReport = { summary, card: toRevokeSummaryCardData(summary) };
  if (source.webhook) report.ticket = source.webhook.deliver(summary);
  return report;
}

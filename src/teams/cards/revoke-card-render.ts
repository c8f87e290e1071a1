/** Renders the revoke preview (request) and summary cards from the revoke core's card data. */
import type { LifecycleRequest } from '../../core/model.js';
import type { Discovery, RevokeSummary } from '../../core/revoke/index.js';
import { toRevokePreviewCardData, toRevokeSummaryCardData } from './revoke-summary.data.js';
import { renderCard, type AdaptiveCardJson } from './render-card.js';
import requestTemplate from './revoke-request.card.json' with { type: 'json' };
import summaryTemplate from './revoke-summary.card.json' with { type: 'json' };

export function revokeRequestCard(request: LifecycleRequest, discovery: Discovery): AdaptiveCardJson {
  const preview = toRevokePreviewCardData(discovery);
  const approvalNote =
    request.approvalsRequired === 0
      ? 'Not needed (incident response or policy)'
      : request.approvalsRequired === 1
        ? 'One approver after you confirm'
        : `${request.approvalsRequired} approvers after you confirm`;
  return renderCard(requestTemplate, {
    requestId: request.id,
    version: request.version,
    approvalNote,
    preview,
  });
}

export function revokeSummaryCard(requestId: string, summary: RevokeSummary): AdaptiveCardJson {
  const data = toRevokeSummaryCardData(summary);
  return renderCard(summaryTemplate, {
    requestId,
    summary: { ...data, groups: data.groups.map((g) => ({ ...g, remaining: g.remaining ?? 0 })) },
    color: data.isAllCleared ? 'Good' : 'Warning',
    clearedText: data.isAllCleared ? 'Yes' : 'No: see the remaining counts',
    ticketText: data.ticketId ?? 'none',
  });
}

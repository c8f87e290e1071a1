/** Renders the revoke preview (request) and summary cards from the revoke core's card data. */
import type { LifecycleRequest } from '../../core/model.js';
import type { Discovery, RevokeSummary } from '../../core/revoke/index.js';
import { markdownText as md } from './markdown-text.js';
import {
  toRevokePreviewCardData,
  toRevokeSummaryCardData,
  type RevokeCardGroup,
} from './revoke-summary.data.js';
import { renderCard, type AdaptiveCardJson } from './render-card.js';
import requestTemplate from './revoke-request.card.json' with { type: 'json' };
import summaryTemplate from './revoke-summary.card.json' with { type: 'json' };

export function revokeRequestCard(request: LifecycleRequest, discovery: Discovery): AdaptiveCardJson {
  const data = toRevokePreviewCardData(discovery);
  const preview = {
    ...data,
    userDisplayName: md(data.userDisplayName),
    userEmail: md(data.userEmail),
    headline: md(data.headline),
    warnings: data.warnings.map(md),
    groups: escapedGroups(data.groups),
  };
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
    summary: {
      ...data,
      userDisplayName: md(data.userDisplayName),
      userEmail: md(data.userEmail),
      headline: md(data.headline),
      groups: escapedGroups(data.groups).map((g) => ({ ...g, remaining: g.remaining ?? 0 })),
    },
    color: data.isAllCleared ? 'Good' : 'Warning',
    clearedText: data.isAllCleared ? 'Yes' : 'No: see the remaining counts',
    ticketText: md(data.ticketId ?? 'none'),
  });
}

/** Mailbox names and details are tenant data: escaped for the card's Markdown. */
function escapedGroups(groups: readonly RevokeCardGroup[]): RevokeCardGroup[] {
  return groups.map((g) => ({
    ...g,
    items: g.items.map((i) => ({ ...i, mailbox: md(i.mailbox), detail: md(i.detail) })),
  }));
}

/** Data of the bulk offboarding card (request, approval, progress and result are one card). */
import type { LifecycleRequest } from '../../core/model.js';
import { batchOptionsSummary } from '../../core/offboard/batch-options.js';
import { bulkOf, type BulkItem } from '../../core/offboard/bulk-offboard.js';
import { markdownText as md } from './markdown-text.js';

export const bulkVerbs = {
  confirm: 'bulk.confirm',
  approve: 'bulk.approve',
  reject: 'bulk.reject',
} as const;

/** Names listed on the card; the rest is counted ("… and 140 more"). */
const maxListed = 30;

export interface BulkProgress {
  done: number;
  total: number;
  failed: number;
}

export interface BulkCardData {
  title: string;
  blastRadius: string;
  source: string;
  /** The options every leaver gets. */
  optionsText: string;
  requester: string;
  requestId: string;
  version: number;
  approvalsText: string;
  statusText: string;
  protectedTitle: string;
  protectedUsers: string[];
  readyTitle: string;
  readyUsers: string[];
  notReady: string[];
  isAwaitingConfirmation: boolean;
  isAwaitingApproval: boolean;
  isOpen: boolean;
}

const nameOf = (i: BulkItem): string =>
  i.subject
    ? `${md(i.subject.displayName)} \\<${md(i.subject.userPrincipalName)}\\>`
    : md(i.userPrincipalName);

function capped(lines: string[]): string[] {
  return lines.length <= maxListed
    ? lines
    : [...lines.slice(0, maxListed), `… and ${lines.length - maxListed} more`];
}

export function bulkCardData(
  request: LifecycleRequest,
  isActionable: boolean,
  progress?: BulkProgress,
): BulkCardData {
  const bulk = bulkOf(request);
  const ready = bulk.items.filter((i) => i.status === 'ready');
  const protectedUsers = ready.filter((i) => i.isProtected).map(nameOf);
  const approved = request.approvals.filter((a) => a.decision === 'approved');
  const state = request.state;
  const statusText = progress
    ? `${state}: ${progress.done} of ${progress.total} finished${progress.failed > 0 ? `, ${progress.failed} with errors` : ''}`
    : state;
  return {
    title: `Bulk offboarding: ${ready.length} leavers`,
    blastRadius: `${ready.length} accounts will be disabled and handed over (${bulk.totals.changes} changes)${
      protectedUsers.length > 0 ? `, ${protectedUsers.length} of them protected` : ''
    }.`,
    source: md(bulk.source),
    optionsText: md(batchOptionsSummary(bulk.options ?? {})),
    requester: md(request.requester.displayName ?? request.requester.aadObjectId),
    requestId: request.id,
    version: request.version,
    approvalsText: `${approved.length} of ${request.approvalsRequired}${
      approved.length > 0
        ? ` (${approved.map((a) => md(a.approver.displayName ?? a.approver.aadObjectId)).join(', ')})`
        : ''
    }`,
    statusText,
    protectedTitle: `Protected or privileged accounts (${protectedUsers.length}): two approvers needed`,
    protectedUsers: capped(protectedUsers),
    readyTitle: `Leavers (${ready.length})`,
    readyUsers: capped(
      ready.map(
        (i) =>
          `${i.isProtected ? '⚠ ' : ''}${nameOf(i)} → ${md(i.delegate?.displayName ?? 'no delegate')}: ${i.changeCount} changes`,
      ),
    ),
    notReady: capped(
      bulk.items
        .filter((i) => i.status !== 'ready')
        .map(
          (i) =>
            `line ${i.line} ${md(i.userPrincipalName)}: ${i.status}${i.message ? ` (${md(i.message)})` : ''}`,
        ),
    ),
    isAwaitingConfirmation: isActionable && state === 'awaiting-confirmation',
    isAwaitingApproval: isActionable && state === 'awaiting-approval',
    isOpen: isActionable && (state === 'awaiting-confirmation' || state === 'awaiting-approval'),
  };
}

/**
 * Pure data for the revoke cards (the Teams layer renders it): the preview shown before confirming and
 * the summary shown after the run. Strings are formatted here so templates stay logic-free.
 */
import type { Discovery } from '../../core/revoke/discovery.js';
import {
  revokeCategories,
  type FoundPermission,
  type RevokeCategory,
} from '../../core/revoke/permissions.js';
import type { RevokeSummary } from '../../core/revoke/revoke-summary.js';

export const revokeCategoryLabels: Record<RevokeCategory, string> = {
  full_access: 'Full Access',
  send_as: 'Send As',
  send_on_behalf: 'Send on Behalf',
  calendar_delegates: 'Calendar delegates',
  shared_mailboxes: 'Shared mailboxes',
};

export interface RevokeCardItem {
  mailbox: string;
  /** "Editor", "FullAccess"… */
  detail: string;
  /** `will remove` (preview), `removed` or `not removed` (summary). */
  status: 'will remove' | 'removed' | 'not removed';
}

export interface RevokeCardGroup {
  category: RevokeCategory;
  label: string;
  count: number;
  /** Summary only: what the final verification still found. */
  remaining?: number;
  items: RevokeCardItem[];
}

export interface RevokePreviewCardData {
  userEmail: string;
  userDisplayName: string;
  total: number;
  isNothingToDo: boolean;
  /** "3 rights on 2 mailboxes will be removed." */
  headline: string;
  groups: RevokeCardGroup[];
  warnings: string[];
}

export interface RevokeSummaryCardData {
  userEmail: string;
  userDisplayName: string;
  ticketId?: string;
  isSuccess: boolean;
  isAllCleared: boolean;
  totalRemoved: number;
  headline: string;
  groups: RevokeCardGroup[];
}

function detailOf(permission: Pick<FoundPermission, 'category' | 'permission' | 'accessLevel'>): string {
  if (permission.category === 'shared_mailboxes') return 'Member (FullAccess)';
  return permission.accessLevel ?? permission.permission;
}

const plural = (count: number, word: string, words = `${word}s`): string =>
  `${count} ${count === 1 ? word : words}`;

export function toRevokePreviewCardData(discovery: Discovery): RevokePreviewCardData {
  const groups = revokeCategories
    .filter((category) => discovery.categories.includes(category))
    .map((category): RevokeCardGroup => {
      const items = discovery.permissions
        .filter((permission) => permission.category === category)
        .map((permission): RevokeCardItem => ({
          mailbox: permission.mailbox,
          detail: detailOf(permission),
          status: 'will remove',
        }));
      return { category, label: revokeCategoryLabels[category], count: items.length, items };
    });
  const total = discovery.permissions.length;
  const mailboxes = new Set(discovery.permissions.map((permission) => permission.mailbox)).size;
  return {
    userEmail: discovery.user.userPrincipalName,
    userDisplayName: discovery.user.displayName,
    total,
    isNothingToDo: total === 0,
    headline:
      total === 0
        ? `${discovery.user.displayName} holds no rights on other mailboxes in scope: nothing to do.`
        : `${plural(total, 'right')} on ${plural(mailboxes, 'mailbox', 'mailboxes')} will be removed.`,
    groups,
    warnings: [...discovery.warnings],
  };
}

export function toRevokeSummaryCardData(summary: RevokeSummary): RevokeSummaryCardData {
  const remaining: Record<RevokeCategory, number> = {
    full_access: summary.verification.remaining_full_access,
    send_as: summary.verification.remaining_send_as,
    send_on_behalf: summary.verification.remaining_send_on_behalf,
    calendar_delegates: summary.verification.remaining_calendar_delegates,
    shared_mailboxes: summary.verification.remaining_shared_mailboxes,
  };
  const groups = revokeCategories.map((category): RevokeCardGroup => {
    const entries = summary.permissions_removed[category];
    const items = entries.map((entry): RevokeCardItem => {
      const detail =
        'permission' in entry
          ? (entry.access_level ?? entry.permission)
          : detailOf({ category, permission: 'FullAccess' });
      return { mailbox: entry.mailbox, detail, status: entry.removed ? 'removed' : 'not removed' };
    });
    return {
      category,
      label: revokeCategoryLabels[category],
      count: items.filter((item) => item.status === 'removed').length,
      remaining: remaining[category],
      items,
    };
  });
  const total = summary.removal_summary.total_permissions_removed;
  const leftOver = Object.values(remaining).reduce((sum, value) => sum + value, 0);
  const data: RevokeSummaryCardData = {
    userEmail: summary.removal_summary.user_email,
    userDisplayName: summary.removal_summary.user_display_name,
    isSuccess: summary.success,
    isAllCleared: summary.verification.all_permissions_cleared,
    totalRemoved: total,
    headline: summary.verification.all_permissions_cleared
      ? `${plural(total, 'right')} removed; verification found none left.`
      : `${plural(total, 'right')} removed; ${plural(leftOver, 'right')} still present: needs attention.`,
    groups,
  };
  if (summary.ticket_id !== null) data.ticketId = summary.ticket_id;
  return data;
}

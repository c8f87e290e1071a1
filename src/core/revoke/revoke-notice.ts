/**
 * The organisation's revoke notifications: when a run that removed mailbox rights ends (a revoke
 * request, or an offboarding or containment with that option), the configured recipients are told
 * whether it completed or failed. The port is implemented by the Teams layer (channel post and e-mail).
 */
import type { RequestKind } from '../model.js';
import type { RunStatus } from '../ports/store.js';

export interface RevokeOutcomeNotice {
  requestId: string;
  /** The request the revoke ran in (`revoke`, `offboard`, `contain`). */
  requestKind: RequestKind;
  /** The run's final status; `failed` also when the end-of-run verification itself failed. */
  status: RunStatus;
  user: { email: string; displayName: string };
  ticketId?: string;
  totalRemoved: number;
  /** Rights still found by the final verification (all kinds). */
  remaining: number;
  allCleared: boolean;
  /** Why the summary could not be built (the verification failed), when it could not. */
  problem?: string;
}

export interface RevokeNoticeDelivery {
  isPostedToChannel: boolean;
  mailedTo: number;
  /** What went wrong, per channel; never throws instead. */
  problems: string[];
}

export interface RevokeNotifier {
  /** Tells the configured recipients; resolves with what was delivered, never rejects. */
  revokeFinished(notice: RevokeOutcomeNotice): Promise<RevokeNoticeDelivery>;
}

/** Whether the revoke part of a run counts as completed for the notice's wording. */
export function isRevokeSuccess(notice: RevokeOutcomeNotice): boolean {
  return notice.status === 'completed' && notice.allCleared && notice.problem === undefined;
}

/** One line for people: what happened to whose rights, and where to look. */
export function revokeNoticeLine(notice: RevokeOutcomeNotice): string {
  const whose = `${notice.user.displayName} (${notice.user.email})`;
  const ticket = notice.ticketId === undefined ? '' : `, ticket ${notice.ticketId}`;
  const where = `request ${notice.requestId}${ticket}`;
  if (notice.problem !== undefined) {
    return `Mailbox permission removal for ${whose} failed: ${notice.problem} (${where}).`;
  }
  if (isRevokeSuccess(notice)) {
    return `Mailbox permissions of ${whose} removed: ${String(notice.totalRemoved)} right(s), none left (${where}).`;
  }
  return (
    `Mailbox permission removal for ${whose} ended ${notice.status}: ` +
    `${String(notice.totalRemoved)} right(s) removed, ${String(notice.remaining)} still present (${where}).`
  );
}

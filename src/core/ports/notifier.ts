/** Notices to people: the delegate's handover notice, reports to IT. */

export interface DelegateNotice {
  requestId: string;
  delegate: { id: string; userPrincipalName: string; displayName: string; mail?: string };
  leaver: { userPrincipalName: string; displayName: string };
  requestedBy: string;
  mailbox?: { address: string; hasFullAccess: boolean; isShared: boolean };
  /** `until`: ISO date the OneDrive is deleted (account deletion plus the tenant's retention), if staged. */
  oneDrive?: { webUrl: string; until?: string };
  forwardingTo?: string;
  /** Future meetings the leaver organised, kept (not cancelled): the delegate decides what becomes of them. */
  meetings?: { subject: string; start: string; attendeeCount: number; isRecurring: boolean }[];
  /** ISO date until which the access is kept (deletion date), if any. */
  until?: string;
}

export interface NoticeResult {
  channel: 'teams' | 'email' | 'none';
  /** Why a fallback was used or nothing was delivered. */
  detail?: string;
}

export interface Notifier {
  notifyDelegate(notice: DelegateNotice): Promise<NoticeResult>;
}

/** Notices of the offboarding's later stages: the delegation expiry and its extension requests. */
import type { Principal } from '../model.js';
import type { NoticeResult } from './notifier.js';

/** The notice a delegate gets before their access to a leaver's mailbox and OneDrive ends. */
export interface ExpiryNotice {
  requestId: string;
  /** The expiry's version: the "Extend" button carries it, so a notice made stale by an extension is refused. */
  version: number;
  delegate: { id: string; userPrincipalName: string; displayName: string; mail?: string };
  leaver: { userPrincipalName: string; displayName: string };
  /** ISO time at which the access ends. */
  expiresAt: string;
  /** Whether the policy still allows an extension (the button is shown only then). */
  canExtend: boolean;
  extensionDays: number;
}

/** An extension the delegate asked for, for approvers to decide. */
export interface ExtensionRequestNotice {
  requestId: string;
  version: number;
  requestedBy: Principal;
  leaver: { userPrincipalName: string; displayName: string };
  expiresAt: string;
  /** ISO time the expiry moves to when approved. */
  extendedTo: string;
}

/** The outcome of an extension, for the delegate. */
export interface ExtensionDecisionNotice {
  requestId: string;
  delegate: { id: string; userPrincipalName: string; displayName: string; mail?: string };
  leaver: { userPrincipalName: string; displayName: string };
  decision: 'approved' | 'rejected';
  decidedBy: Principal;
  /** ISO time at which the access ends now. */
  expiresAt: string;
  reason?: string;
}

export interface StageNotifier {
  notifyExpiry(notice: ExpiryNotice): Promise<NoticeResult>;
  /** Posts the extension request where approvers decide (the approvals channel). */
  askForExtension(notice: ExtensionRequestNotice): Promise<void>;
  notifyExtensionDecision(notice: ExtensionDecisionNotice): Promise<NoticeResult>;
}

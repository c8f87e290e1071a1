/** Reaching people through Microsoft Graph: mail, and the Teams app a 1:1 chat needs. */

export interface MailMessage {
  to: string[];
  subject: string;
  /** HTML body. */
  html: string;
}

export interface Messaging {
  /** Send as the configured sender mailbox. Not idempotent: a retry may send twice. */
  sendMail(fromUserId: string, message: MailMessage): Promise<void>;
  /** Install the org-catalog Teams app for the user; returns false when it was already installed. */
  installTeamsApp(userId: string, manifestAppId: string): Promise<boolean>;
}

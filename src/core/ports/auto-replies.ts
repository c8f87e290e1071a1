/** A user's automatic replies (out of office), a mailbox setting read and written through Microsoft Graph. */

export interface AutomaticReplies {
  status: 'disabled' | 'alwaysEnabled' | 'scheduled';
  internalReplyMessage?: string;
  externalReplyMessage?: string;
  externalAudience?: 'none' | 'contactsOnly' | 'all';
  scheduledStartDateTime?: string;
  scheduledEndDateTime?: string;
}

export interface AutoReplies {
  getAutomaticReplies(userId: string): Promise<AutomaticReplies>;
  /** Same settings, same state: idempotent. */
  setAutomaticReplies(userId: string, replies: AutomaticReplies): Promise<void>;
}

/**
 * RetentionComment / RetentionUrl of mailboxes. The tenant state model has no fields for them, so the Exchange
 * service keeps them here, keyed by the mailbox's user id. They are not part of tenant snapshots: a restore
 * leaves them as they were.
 */
export interface RetentionSettings {
  comment: string | null;
  url: string | null;
}

export class RetentionSettingsStore {
  private readonly byMailbox = new Map<string, RetentionSettings>();

  get(mailboxId: string): RetentionSettings {
    return this.byMailbox.get(mailboxId) ?? { comment: null, url: null };
  }

  set(mailboxId: string, settings: RetentionSettings): void {
    if (settings.comment === null && settings.url === null) this.byMailbox.delete(mailboxId);
    else this.byMailbox.set(mailboxId, { ...settings });
  }
}

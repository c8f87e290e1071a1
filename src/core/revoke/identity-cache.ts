/**
 * The leaver's own mailbox identity (UPN, SMTP address, object id, DN), read once a minute rather than
 * once per step: a run's five mailbox-rights steps each plan and read back, and every discovery starts
 * from who the user is. What the identity is used for is matching trustees and naming the user in
 * Exchange filters; the rights themselves are always read live, never from here.
 */
import type { Clock } from '../ports/clock.js';
import type { MailboxInfo } from '../ports/mailbox.js';

/** Entries kept at most: a bulk batch's leavers in flight, with room to spare. */
const maxEntries = 2_000;

export class MailboxIdentityCache {
  private readonly entries = new Map<string, { at: number; info: Promise<MailboxInfo | null> }>();

  constructor(private readonly ttlMs = 60_000) {}

  /** The cached answer for `user` when younger than the TTL, else `read()` (shared by callers meanwhile). */
  get(user: string, clock: Clock, read: () => Promise<MailboxInfo | null>): Promise<MailboxInfo | null> {
    const key = user.toLowerCase();
    const at = clock.now();
    const hit = this.entries.get(key);
    if (hit && at - hit.at < this.ttlMs) return hit.info;
    const entry = { at, info: read() };
    this.entries.delete(key);
    this.entries.set(key, entry);
    // A failed read is not remembered: the next caller asks again.
    entry.info.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= maxEntries) break;
      this.entries.delete(oldest);
    }
    return entry.info;
  }
}

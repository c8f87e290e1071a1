/** Meetings a user organises: read from their calendar (Graph), cancelled through Exchange. */

export interface OrganizedMeeting {
  /** The meeting's id; a series' id for a recurring meeting. */
  id: string;
  subject: string;
  /** ISO date-time (UTC) of the first start within the queried window. */
  start: string;
  attendeeCount: number;
  isRecurring: boolean;
}

export interface Meetings {
  /**
   * Future meetings the user organises with at least one attendee, starting in [from, to) (ISO
   * date-times), one entry per meeting or series, earliest first. Cancelled meetings are not listed;
   * a user without a mailbox has none.
   */
  listOrganizedMeetings(userId: string, from: string, to: string): Promise<OrganizedMeeting[]>;
  /**
   * Cancels every meeting the mailbox organises with an occurrence in the next `windowDays` days, a
   * series as a whole; attendees get a cancellation. Idempotent: nothing left to cancel is success.
   */
  cancelOrganizedMeetings(mailbox: string, windowDays: number): Promise<void>;
}

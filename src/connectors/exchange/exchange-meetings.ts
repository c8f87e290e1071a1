/**
 * Meetings a user organises. Read: Graph `GET /users/{id}/calendarView` (user-list-calendarview,
 * application permission Calendars.Read), occurrences folded into one entry per series. Cancel: Exchange
 * `Remove-CalendarEvents -CancelOrganizedMeetings -QueryWindowInDays N` through InvokeCommand
 * (remove-calendarevents), values as JSON parameters.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import type { Meetings, OrganizedMeeting } from '../../core/ports/meetings.js';
import type { GraphApi } from '../graph/graph-api.js';
import { assertObjectId, encodeQueryComponent } from '../graph/odata-query.js';
import type { ExchangeAdminClient } from './exchange-admin-client.js';
import { logWarnings, mailboxAnchor } from './exchange-mailbox-settings.js';
import { assertMailboxIdentity } from './mailbox-identity.js';

/** Remove-CalendarEvents accepts at most five years. */
export const MAX_MEETING_WINDOW_DAYS = 1825;

const eventSchema = z.object({
  id: z.string(),
  subject: z.string().nullish(),
  isOrganizer: z.boolean(),
  isCancelled: z.boolean().nullish(),
  type: z.string().nullish(),
  seriesMasterId: z.string().nullish(),
  start: z.object({ dateTime: z.string(), timeZone: z.string().nullish() }),
  attendees: z.array(z.unknown()).nullish(),
});

/** Graph's dateTimeTimeZone in UTC (asked for with Prefer: outlook.timezone) as an ISO instant. */
function utcInstant(dateTime: string): string {
  const ms = Date.parse(`${dateTime.slice(0, 19)}Z`);
  return Number.isNaN(ms) ? dateTime : new Date(ms).toISOString();
}

function assertInstant(value: string, what: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?Z$/.test(value) || Number.isNaN(Date.parse(value)))
    throw new InvalidInputError(`Invalid ${what}: expected an ISO date-time in UTC`);
  return value;
}

export class ExchangeMeetings implements Meetings {
  constructor(
    private readonly graph: GraphApi,
    private readonly exchange: ExchangeAdminClient,
    private readonly logger: Logger,
  ) {}

  async listOrganizedMeetings(userId: string, from: string, to: string): Promise<OrganizedMeeting[]> {
    const id = assertObjectId(userId, 'user id');
    const query = [
      `startDateTime=${encodeQueryComponent(assertInstant(from, 'start'))}`,
      `endDateTime=${encodeQueryComponent(assertInstant(to, 'end'))}`,
      '$select=subject,start,isOrganizer,isCancelled,type,seriesMasterId,attendees',
      '$top=100',
    ].join('&');
    let events: z.infer<typeof eventSchema>[];
    try {
      events = await this.graph.list(`/users/${id}/calendarView?${query}`, eventSchema, {
        what: `List the calendar of ${id}`,
        headers: { Prefer: 'outlook.timezone="UTC"' },
      });
    } catch (error) {
      // No mailbox (never licensed, or already removed): no calendar, so no meetings to cancel.
      if (error instanceof NotFoundError) return [];
      throw error;
    }
    const byMeeting = new Map<string, OrganizedMeeting>();
    for (const e of events) {
      const attendees = e.attendees?.length ?? 0;
      if (!e.isOrganizer || e.isCancelled === true || attendees === 0) continue;
      const key = e.seriesMasterId ?? e.id;
      const start = utcInstant(e.start.dateTime);
      const known = byMeeting.get(key);
      if (known && known.start <= start) continue;
      byMeeting.set(key, {
        id: key,
        subject: e.subject ?? '',
        start,
        attendeeCount: attendees,
        isRecurring: e.seriesMasterId != null || e.type === 'occurrence' || e.type === 'exception',
      });
    }
    return [...byMeeting.values()].sort((a, b) => a.start.localeCompare(b.start));
  }

  async cancelOrganizedMeetings(mailbox: string, windowDays: number): Promise<void> {
    const identity = assertMailboxIdentity(mailbox);
    if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > MAX_MEETING_WINDOW_DAYS)
      throw new InvalidInputError(`The meeting window must be 1 to ${String(MAX_MEETING_WINDOW_DAYS)} days`);
    const result = await this.exchange.invoke(
      'Remove-CalendarEvents',
      { Identity: identity, CancelOrganizedMeetings: true, QueryWindowInDays: windowDays, Confirm: false },
      { anchor: mailboxAnchor(identity) },
    );
    logWarnings(this.logger, result, 'Remove-CalendarEvents');
  }
}

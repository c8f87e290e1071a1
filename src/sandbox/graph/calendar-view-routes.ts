/**
 * `GET /users/{id | userPrincipalName}/calendarView?startDateTime=&endDateTime=` (user-list-calendarview):
 * occurrences, exceptions and single instances of the user's meetings in a time range, from their default
 * calendar. A series is expanded into occurrences (`type: occurrence`, `seriesMasterId`); a meeting the
 * organiser cancelled is gone from their calendar and stays, marked cancelled, in the attendees'. Pages of
 * `$top` (default 10, as Graph) with an `@odata.nextLink`. Application permission Calendars.Read.
 */
import type { RouteContext, RouteDefinition, SandboxResponse } from '../http/service.js';
import { occurrencesBetween, type Occurrence } from '../state/calendar-occurrences.js';
import { fail, ok } from './errors.js';
import { requireMailbox, requireUser } from './lookup.js';

const meta = 'https://graph.microsoft.com/v1.0/$metadata';
const DEFAULT_PAGE = 10;
const MAX_PAGE = 1000;
const NEVER = '0001-01-01T00:00:00Z';

/** ISO 8601 with or without an offset; without one it is UTC (as the documentation says). */
function parseBound(text: string | null): number | null {
  if (text === null || text.trim() === '') return null;
  const value = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

const param = (rc: RouteContext, name: string): string | null =>
  [...rc.request.query].find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? null;

/** Graph's dateTimeTimeZone in UTC: `2026-12-14T09:00:00.0000000`. */
const dateTimeTimeZone = (ms: number) => ({
  dateTime: new Date(ms).toISOString().replace(/\.\d{3}Z$/, '.0000000'),
  timeZone: 'UTC',
});

function emailAddressOf(rc: RouteContext, userId: string): { name: string; address: string } {
  const u = rc.tenant.directory.getUser(userId);
  return { name: u?.displayName ?? userId, address: u?.mail ?? u?.userPrincipalName ?? '' };
}

function eventJson(rc: RouteContext, viewerId: string, o: Occurrence): Record<string, unknown> {
  const e = o.event;
  const isOrganizer = e.organizerId === viewerId;
  const isCancelled = e.cancelledDateTime !== undefined;
  const isSeries = e.recurrence !== 'none';
  const id = isSeries ? `${e.id}_${String(o.index)}` : e.id;
  return {
    '@odata.etag': `W/"${e.id.slice(-8)}${String(o.index)}"`,
    id,
    createdDateTime: e.createdDateTime,
    lastModifiedDateTime: e.cancelledDateTime ?? e.createdDateTime,
    categories: [],
    originalStartTimeZone: 'UTC',
    originalEndTimeZone: 'UTC',
    iCalUId: e.iCalUId,
    reminderMinutesBeforeStart: 15,
    isReminderOn: true,
    hasAttachments: false,
    subject: isCancelled ? `Canceled: ${e.subject}` : e.subject,
    importance: 'normal',
    sensitivity: 'normal',
    isAllDay: false,
    isCancelled,
    isOrganizer,
    responseRequested: true,
    seriesMasterId: isSeries ? e.id : null,
    showAs: isCancelled ? 'free' : 'busy',
    type: isSeries ? 'occurrence' : 'singleInstance',
    isOnlineMeeting: false,
    onlineMeetingUrl: null,
    responseStatus: { response: isOrganizer ? 'organizer' : 'accepted', time: NEVER },
    start: dateTimeTimeZone(o.startMs),
    end: dateTimeTimeZone(o.endMs),
    location: { displayName: '', locationType: 'default', uniqueIdType: 'unknown' },
    locations: [],
    recurrence: null,
    attendees: e.attendeeIds.map((a) => ({
      type: 'required',
      status: { response: 'none', time: NEVER },
      emailAddress: emailAddressOf(rc, a),
    })),
    organizer: { emailAddress: emailAddressOf(rc, e.organizerId) },
  };
}

function listCalendarView(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  requireMailbox(rc, user);
  const from = parseBound(param(rc, 'startDateTime'));
  const to = parseBound(param(rc, 'endDateTime'));
  if (from === null || to === null) {
    return fail(
      rc.request,
      400,
      'ErrorInvalidParameter',
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
    );
  }
  const topText = param(rc, '$top');
  const skipText = param(rc, '$skip');
  const top = topText === null ? DEFAULT_PAGE : Number(topText);
  const skip = skipText === null ? 0 : Number(skipText);
  if (!Number.isInteger(top) || top < 1 || !Number.isInteger(skip) || skip < 0) {
    return fail(rc.request, 400, 'ErrorInvalidParameter', 'The value of $top or $skip is not valid.');
  }
  const now = rc.tenant.now();
  const occurrences = rc.tenant.checklist
    .calendarEventsOf(user.id)
    // The organiser's copy of a cancelled meeting is deleted; the attendees' copies remain.
    .filter((e) => !(e.organizerId === user.id && e.cancelledDateTime !== undefined))
    .flatMap((e) => occurrencesBetween(e, now, from, to))
    .sort((a, b) => a.startMs - b.startMs || a.event.id.localeCompare(b.event.id));
  const size = Math.min(top, MAX_PAGE);
  const page = occurrences.slice(skip, skip + size);
  const rest = skip + size < occurrences.length;
  const query = new URLSearchParams({
    startDateTime: param(rc, 'startDateTime') ?? '',
    endDateTime: param(rc, 'endDateTime') ?? '',
    $top: String(size),
    $skip: String(skip + size),
  });
  return ok({
    '@odata.context': `${meta}#users('${user.id}')/calendarView`,
    value: page.map((o) => eventJson(rc, user.id, o)),
    ...(rest && {
      '@odata.nextLink': `${rc.request.baseUrl}/graph.microsoft.com/v1.0/users/${user.id}/calendarView?${query.toString()}`,
    }),
  });
}

export const calendarViewRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    path: '/v1.0/users/:id/calendarView',
    permissions: ['Calendars.Read', 'Calendars.ReadWrite'],
    handler: listCalendarView,
  },
];

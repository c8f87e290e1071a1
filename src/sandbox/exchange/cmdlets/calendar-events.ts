/**
 * Remove-CalendarEvents -CancelOrganizedMeetings: cancels the future meetings a mailbox organises
 * (https://learn.microsoft.com/powershell/module/exchange/remove-calendarevents). Documented parameters:
 * `Identity` (MailboxIdParameter, mandatory), `QueryWindowInDays` (Int32, mandatory: days after the
 * start date to look for meetings; five years, 1825 days, at most), `CancelOrganizedMeetings` (switch),
 * `QueryStartDate` (ExDateTime, default today), `PreviewOnly` (switch: shows what would be cancelled,
 * changes nothing), `UseCustomRouting`, `Confirm`, `WhatIf`.
 *
 * Only meetings the mailbox organises with one or more attendees are cancelled (appointments without
 * attendees are left); a series with an occurrence in the window is cancelled as a whole. A cancelled
 * meeting leaves the organiser's calendar and a cancellation is recorded for its attendees, whose copies
 * stay, marked cancelled. Meetings the mailbox only attends are never touched. Running it again finds
 * nothing left and succeeds.
 */
import { occurrencesBetween } from '../../state/calendar-occurrences.js';
import type { BoundParameters } from '../binding.js';
import { WRITE_COMMON_PARAMS, writeResult, type CmdletDefinition } from '../cmdlet.js';
import { invalidOperation, invalidParameter } from '../errors.js';
import { resolveMailbox } from '../recipients.js';

const DAY_MS = 86_400_000;
/** The documented maximum window (five years). */
export const MAX_QUERY_WINDOW_DAYS = 1825;

function windowDays(p: BoundParameters): number {
  const text = p.requiredString('QueryWindowInDays');
  const days = /^\d{1,5}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isInteger(days) || days < 1 || days > MAX_QUERY_WINDOW_DAYS) {
    throw invalidParameter(
      'QueryWindowInDays',
      `"${text}" is not valid: use a whole number of days from 1 to ${String(MAX_QUERY_WINDOW_DAYS)}.`,
    );
  }
  return days;
}

/** Start of the window: the given date (UTC when it names no offset) or today, at midnight UTC. */
function windowStart(p: BoundParameters, nowMs: number): number {
  const text = p.string('QueryStartDate');
  if (text === undefined) return Math.floor(nowMs / DAY_MS) * DAY_MS;
  const ms = Date.parse(/(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) || !text.includes('T') ? text : `${text}Z`);
  if (Number.isNaN(ms))
    throw invalidParameter('QueryStartDate', `Cannot convert "${text}" to the type "ExDateTime".`);
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export const removeCalendarEvents: CmdletDefinition = {
  name: 'Remove-CalendarEvents',
  params: [
    { name: 'Identity', kind: 'string', isMandatory: true },
    { name: 'QueryWindowInDays', kind: 'string', isMandatory: true },
    { name: 'CancelOrganizedMeetings', kind: 'bool' },
    { name: 'QueryStartDate', kind: 'string' },
    { name: 'PreviewOnly', kind: 'bool' },
    { name: 'UseCustomRouting', kind: 'bool' },
    { name: 'WhatIf', kind: 'bool' },
    ...WRITE_COMMON_PARAMS,
  ],
  run({ tenant, recordWrite }, p) {
    const mailbox = resolveMailbox(tenant, p.requiredString('Identity'));
    const days = windowDays(p);
    if (p.bool('CancelOrganizedMeetings') !== true) {
      throw invalidOperation(
        'Ex5C1A7E',
        'Only -CancelOrganizedMeetings is supported: specify it to cancel the meetings this mailbox organises.',
      );
    }
    const now = tenant.now();
    const from = windowStart(p, now);
    const to = from + days * DAY_MS;
    const meetings = tenant.checklist
      .calendarEventsOf(mailbox.userId)
      .filter(
        (e) =>
          e.organizerId === mailbox.userId &&
          e.attendeeIds.length > 0 &&
          e.cancelledDateTime === undefined &&
          occurrencesBetween(e, now, Math.max(from, now), to).length > 0,
      );
    if (p.bool('PreviewOnly') === true || p.bool('WhatIf') === true || meetings.length === 0)
      return writeResult();
    recordWrite('exo.remove-calendar-events');
    const sent = tenant.nowIso();
    for (const m of meetings) tenant.checklist.cancelMeeting(m.id, sent);
    return writeResult();
  },
};

/**
 * Future meetings the leaver organises. Listed by default (the card and the delegate's notice name each
 * one); cancelled on request with Exchange's Remove-CalendarEvents -CancelOrganizedMeetings, which needs
 * the leaver's mailbox to still send mail: it runs before the conversion to shared and before licences go.
 * A cancellation is sent to every attendee and can't be taken back, so there is no undo; the before-state
 * records what was cancelled.
 */
import type { OrganizedMeeting, Ports } from '../ports/index.js';
import { fail, ok, type Step } from '../step.js';
import type { OffboardInput } from './offboard-input.js';

const DAY_MS = 86_400_000;

/** The window Remove-CalendarEvents uses: from now to N days after today (UTC). */
export function meetingWindow(input: OffboardInput, nowMs: number): { from: string; to: string } {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  return {
    from: new Date(nowMs).toISOString(),
    to: new Date(today + input.options.meetingWindowDays * DAY_MS).toISOString(),
  };
}

export async function listOrganizedMeetings(
  input: OffboardInput,
  ports: Pick<Ports, 'meetings' | 'clock'>,
): Promise<OrganizedMeeting[]> {
  const { from, to } = meetingWindow(input, ports.clock.now());
  return ports.meetings.listOrganizedMeetings(input.leaver.id, from, to);
}

/** "Weekly sales sync, weekly from 2026-12-07 09:00 UTC, 3 attendees". */
export function meetingText(m: OrganizedMeeting): string {
  const when = `${m.start.slice(0, 10)} ${m.start.slice(11, 16)} UTC`;
  const attendees = `${String(m.attendeeCount)} attendee${m.attendeeCount === 1 ? '' : 's'}`;
  return `${m.subject || '(no subject)'}, ${m.isRecurring ? `recurring, next on ${when}` : when}, ${attendees}`;
}

const mailboxOf = (input: OffboardInput): string => input.leaver.mail ?? input.leaver.userPrincipalName;

export const exoCancelMeetings: Step<OffboardInput> = {
  id: 'exo.cancel-meetings',
  system: 'exchange',
  title: 'Cancel the future meetings the user organises',
  async plan(ctx) {
    const { options } = ctx.input;
    if (options.organizedMeetings !== 'cancel') return [];
    const meetings = await listOrganizedMeetings(ctx.input, ctx.ports);
    if (meetings.length === 0) return [];
    const { to } = meetingWindow(ctx.input, ctx.ports.clock.now());
    const n = meetings.length;
    return [
      {
        key: `meetings:${mailboxOf(ctx.input).toLowerCase()}`,
        description:
          `Cancel ${String(n)} future meeting${n === 1 ? '' : 's'} the user organises (next ` +
          `${String(options.meetingWindowDays)} days); attendees get a cancellation, which can't be undone`,
        data: { mailbox: mailboxOf(ctx.input), windowDays: options.meetingWindowDays, until: to },
        before: { meetings },
        after: { meetings: [] },
      },
    ];
  },
  apply: (change, ctx) =>
    ctx.ports.meetings.cancelOrganizedMeetings(
      String(change.data['mailbox']),
      Number(change.data['windowDays']),
    ),
  async verify(changes, ctx) {
    const until = changes[0]?.data['until'];
    if (typeof until !== 'string') return ok();
    const from = new Date(ctx.ports.clock.now()).toISOString();
    if (from >= until) return ok();
    const left = await ctx.ports.meetings.listOrganizedMeetings(ctx.input.leaver.id, from, until);
    return left.length === 0
      ? ok()
      : fail(
          `${String(left.length)} organised meeting(s) still in the calendar: ${left.map((m) => m.subject).join(', ')}`,
        );
  },
};

/** Each future meeting the leaver organises, said on the card with what happens to it. */
export async function meetingWarnings(
  input: OffboardInput,
  ports: Pick<Ports, 'meetings' | 'clock'>,
): Promise<string[]> {
  const meetings = await listOrganizedMeetings(input, ports);
  const fate =
    input.options.organizedMeetings === 'cancel'
      ? 'cancelled, attendees are told'
      : input.delegate
        ? 'kept: listed in the delegate’s notice'
        : 'kept: cancel it or hand it over by hand';
  return meetings.map((m) => `${meetingText(m)}: ${fate}`);
}

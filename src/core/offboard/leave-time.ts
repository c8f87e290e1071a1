/**
 * The leave date of a scheduled offboarding: a local wall time (`2026-12-31 17:00`) in an IANA time
 * zone, turned into one instant. A wall time that a daylight-saving change skips (nonexistent) or
 * repeats (ambiguous) is refused with a message rather than guessed, and so is a time in the past.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors.js';

/** What an offboarding request stores under `options.schedule`. */
export const leaveScheduleSchema = z.object({
  /** The instant the run starts (ISO 8601, UTC). */
  dueAt: z.iso.datetime(),
  /** IANA zone the requester gave the time in. */
  timeZone: z.string().min(1).max(64),
  /** The wall time as given, `YYYY-MM-DD HH:mm`. */
  local: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/),
});

export type LeaveSchedule = z.infer<typeof leaveScheduleSchema>;

/** The stored schedule of a request, or undefined when it runs as soon as it is approved. */
export function leaveScheduleOf(options: Record<string, unknown>): LeaveSchedule | undefined {
  const parsed = leaveScheduleSchema.safeParse(options['schedule']);
  return parsed.success ? parsed.data : undefined;
}

const zoneCharacters = /^[A-Za-z0-9_+\-/]+$/;

/** True for a zone name the runtime's time zone database knows (`Europe/Paris`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64 || !zoneCharacters.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    // RangeError: unknown zone. Answered as false; the caller words the message.
    return false;
  }
}

const wallTime = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/;
const maxAheadMs = 2 * 366 * 86_400_000;

/**
 * Reads `2026-12-31 17:00` or `2026-12-31 17:00 Europe/Paris`; without a zone, `defaultZone` applies
 * (the requester's Teams time zone). Throws InvalidInputError with a message for the requester.
 */
export function parseLeaveTime(text: string, defaultZone: string | undefined, nowMs: number): LeaveSchedule {
  const parts = text.trim().split(/\s+/);
  const zoneText = parts.length >= 3 ? parts.slice(2).join(' ') : undefined;
  const when = parts.slice(0, 2).join(' ');
  return leaveTimeAt(when, zoneText ?? defaultZone, nowMs);
}

/** The date and time inputs of the request card, with the zone input or the requester's zone. */
export function leaveTimeAt(when: string, zone: string | undefined, nowMs: number): LeaveSchedule {
  const match = wallTime.exec(when.trim());
  if (!match) {
    throw new InvalidInputError(
      'That is not a date and time: write it as 2026-12-31 17:00, optionally followed by a time zone such as Europe/Paris.',
    );
  }
  if (zone === undefined || zone === '') {
    throw new InvalidInputError(
      'Your Teams client did not say which time zone you are in: add one, for example "2026-12-31 17:00 Europe/Paris".',
    );
  }
  if (!isTimeZone(zone)) {
    // Only a name made of zone characters is repeated back: the message is shown as Markdown.
    const named = zoneCharacters.test(zone) && zone.length <= 64 ? `"${zone}"` : 'That';
    throw new InvalidInputError(
      `${named} is not a time zone I know: use an IANA name such as Europe/Paris or America/New_York.`,
    );
  }
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const local = `${pad(y, 4)}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}`;
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  const check = new Date(asUtc);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) {
    throw new InvalidInputError(`${local} is not a valid date and time.`);
  }
  // Every offset the zone uses within a day of that time; the instants that read back as the same
  // wall time are the candidates: none in a spring-forward gap, two in an autumn overlap.
  const offsets = new Set([-36, -12, 0, 12, 36].map((hours) => offsetMs(zone, asUtc + hours * 3_600_000)));
  const instants = [...new Set([...offsets].map((o) => asUtc - o))].filter(
    (t) => wallTimeIn(zone, t) === local,
  );
  if (instants.length === 0) {
    throw new InvalidInputError(
      `${local} does not exist in ${zone} (the clocks skip it for daylight saving time): pick another time.`,
    );
  }
  if (instants.length > 1) {
    throw new InvalidInputError(
      `${local} happens twice in ${zone} (the clocks go back for daylight saving time): pick another time.`,
    );
  }
  const dueMs = instants[0] ?? asUtc;
  if (dueMs <= nowMs) {
    throw new InvalidInputError(`${local} ${zone} is in the past: pick a time to come.`);
  }
  if (dueMs - nowMs > maxAheadMs) {
    throw new InvalidInputError(`${local} ${zone} is more than two years away: pick an earlier time.`);
  }
  return { dueAt: new Date(dueMs).toISOString(), timeZone: zone, local };
}

/** "2026-12-31 17:00 Europe/Paris (16:00 UTC)". */
export function describeLeaveTime(schedule: LeaveSchedule): string {
  const utc = schedule.dueAt.slice(0, 16).replace('T', ' ');
  const sameDay = utc.slice(0, 10) === schedule.local.slice(0, 10);
  const utcText = sameDay ? utc.slice(11) : utc;
  return schedule.timeZone === 'UTC' || schedule.timeZone === 'Etc/UTC'
    ? `${schedule.local} UTC`
    : `${schedule.local} ${schedule.timeZone} (${utcText} UTC)`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

function fieldsIn(zone: string, ms: number): Record<string, number> {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return fields;
}

function wallTimeIn(zone: string, ms: number): string {
  const f = fieldsIn(zone, ms);
  return `${pad(f['year'] ?? 0, 4)}-${pad(f['month'] ?? 0)}-${pad(f['day'] ?? 0)} ${pad(f['hour'] ?? 0)}:${pad(f['minute'] ?? 0)}`;
}

/** The zone's offset from UTC at `ms`, in milliseconds (positive east of Greenwich). */
function offsetMs(zone: string, ms: number): number {
  const f = fieldsIn(zone, ms);
  const asUtc = Date.UTC(
    f['year'] ?? 0,
    (f['month'] ?? 1) - 1,
    f['day'] ?? 1,
    f['hour'] ?? 0,
    f['minute'] ?? 0,
    f['second'] ?? 0,
  );
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** When the (anchored) seeded meetings take place: occurrences of a meeting that overlap a time range. */
import type { CalendarEventRecord } from './checklist-types.js';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** Enough for any window the cmdlet or calendarView accepts (five years of weekly occurrences). */
const MAX_OCCURRENCES = 400;

export interface Occurrence {
  event: CalendarEventRecord;
  /** 0 for a single meeting; the occurrence's number in a series. */
  index: number;
  startMs: number;
  endMs: number;
}

/** The first start of the meeting, anchored to the current UTC day of `nowMs`. */
export function firstStartMs(event: CalendarEventRecord, nowMs: number): number {
  return Math.floor(nowMs / DAY_MS) * DAY_MS + event.dayOffset * DAY_MS + event.startMinutes * 60_000;
}

/** Occurrences overlapping [fromMs, toMs), in start order. */
export function occurrencesBetween(
  event: CalendarEventRecord,
  nowMs: number,
  fromMs: number,
  toMs: number,
): Occurrence[] {
  const first = firstStartMs(event, nowMs);
  const duration = event.durationMinutes * 60_000;
  const at = (index: number): Occurrence => {
    const startMs = first + index * WEEK_MS;
    return { event, index, startMs, endMs: startMs + duration };
  };
  const overlaps = (o: Occurrence): boolean => o.startMs < toMs && o.endMs > fromMs;
  if (event.recurrence === 'none') return [at(0)].filter(overlaps);
  const out: Occurrence[] = [];
  for (
    let i = Math.max(0, Math.floor((fromMs - duration - first) / WEEK_MS));
    out.length < MAX_OCCURRENCES;
    i++
  ) {
    const o = at(i);
    if (o.startMs >= toMs) break;
    if (overlaps(o)) out.push(o);
  }
  return out;
}

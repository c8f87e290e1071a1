/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week), evaluated in UTC:
 * `*`, numbers, ranges `a-b`, steps `*\/n` and `a-b/n`, lists `a,b`, month and weekday names
 * (`jan`, `mon`), Sunday as 0 or 7. As in Vixie cron, when both day fields are restricted a day
 * matches either of them. No seconds, no `L`/`W`/`#`, no time zones.
 */
import { InvalidInputError } from '../errors.js';

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const fields: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

export interface CronSchedule {
  /** The expression as given (trimmed, single spaces). */
  readonly expression: string;
  /** The first matching minute strictly after `afterMs` (epoch ms), at second 0. */
  nextAfter(afterMs: number): number;
}

function parseValue(text: string, field: Field): number {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  const offset = field.name === 'month' ? 1 : 0;
  if (named >= 0) return named + offset;
  if (!/^\d{1,2}$/.test(text)) throw new InvalidInputError(`"${text}" is not a valid ${field.name}.`);
  const value = Number(text);
  if (value < field.min || value > field.max) {
    throw new InvalidInputError(`${field.name} ${value} is outside ${field.min}-${field.max}.`);
  }
  return value;
}

function parseField(text: string, field: Field): { values: Set<number>; isAny: boolean } {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^([^/]+)(?:\/(\d{1,2}))?$/.exec(part);
    if (!match?.[1]) throw new InvalidInputError(`"${part}" is not a valid ${field.name} entry.`);
    const step = match[2] === undefined ? 1 : Number(match[2]);
    if (step < 1) throw new InvalidInputError(`The step of "${part}" must be at least 1.`);
    let low: number;
    let high: number;
    if (match[1] === '*') {
      low = field.min;
      high = field.max;
    } else if (match[1].includes('-')) {
      const [a = '', b = '', ...rest] = match[1].split('-');
      if (rest.length > 0) throw new InvalidInputError(`"${part}" is not a valid ${field.name} range.`);
      low = parseValue(a, field);
      high = parseValue(b, field);
      if (low > high) throw new InvalidInputError(`The range "${part}" runs backwards.`);
    } else {
      low = parseValue(match[1], field);
      high = match[2] === undefined ? low : field.max;
    }
    for (let value = low; value <= high; value += step) values.add(value);
  }
  if (field.name === 'day of week' && values.delete(7)) values.add(0);
  return { values, isAny: text === '*' || text === '*/1' };
}

/** Parses an expression; throws `InvalidInputError` naming the bad field. */
export function parseCron(expression: string): CronSchedule {
  const text = expression.trim().replace(/\s+/g, ' ');
  if (text.length > 200) throw new InvalidInputError('The cron expression is too long.');
  const parts = text.split(' ');
  if (parts.length !== 5) {
    throw new InvalidInputError(
      `A cron expression has five fields (minute hour day-of-month month day-of-week); "${text.slice(0, 60)}" has ${parts.length}.`,
    );
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parts.map((part, index) =>
    parseField(part, fields[index] as Field),
  ) as [
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
  ];

  const dayMatches = (date: Date): boolean => {
    const byMonthDay = dayOfMonth.values.has(date.getUTCDate());
    const byWeekday = dayOfWeek.values.has(date.getUTCDay());
    if (dayOfMonth.isAny && dayOfWeek.isAny) return true;
    if (dayOfMonth.isAny) return byWeekday;
    if (dayOfWeek.isAny) return byMonthDay;
    return byMonthDay || byWeekday;
  };

  const nextAfter = (afterMs: number): number => {
    const date = new Date(Math.floor(afterMs / 60_000) * 60_000 + 60_000);
    // Eight years cover every leap-day and weekday combination; beyond that nothing ever matches.
    const limit = date.getTime() + 8 * 366 * 86_400_000;
    while (date.getTime() <= limit) {
      if (!month.values.has(date.getUTCMonth() + 1)) {
        date.setUTCMonth(date.getUTCMonth() + 1, 1);
        date.setUTCHours(0, 0, 0, 0);
        continue;
      }
      if (!dayMatches(date)) {
        date.setUTCDate(date.getUTCDate() + 1);
        date.setUTCHours(0, 0, 0, 0);
        continue;
      }
      if (!hour.values.has(date.getUTCHours())) {
        date.setUTCHours(date.getUTCHours() + 1, 0, 0, 0);
        continue;
      }
      if (!minute.values.has(date.getUTCMinutes())) {
        date.setUTCMinutes(date.getUTCMinutes() + 1, 0, 0);
        continue;
      }
      return date.getTime();
    }
    throw new InvalidInputError(`The cron expression "${text}" never matches a date.`);
  };

  nextAfter(Date.UTC(2000, 0, 1)); // refuses an expression that never matches (31 February)
  return { expression: text, nextAfter };
}

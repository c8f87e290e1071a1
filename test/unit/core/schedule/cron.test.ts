import { describe, expect, it } from 'vitest';
import { parseCron } from '../../../../src/core/schedule/cron.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('cron expressions', () => {
  it('finds the next matching minute in UTC, strictly after the given time', () => {
    const hourly = parseCron('0 * * * *');
    expect(iso(hourly.nextAfter(at('2026-11-23T09:00:00.000Z')))).toBe('2026-11-23T10:00:00.000Z');
    expect(iso(hourly.nextAfter(at('2026-11-23T09:59:59.999Z')))).toBe('2026-11-23T10:00:00.000Z');
    const nightly = parseCron('30 2 * * *');
    expect(iso(nightly.nextAfter(at('2026-11-23T09:00:00.000Z')))).toBe('2026-11-24T02:30:00.000Z');
    const everyQuarter = parseCron('*/15 8-17 * * mon-fri');
    // Friday 17:50 → Monday 08:00
    expect(iso(everyQuarter.nextAfter(at('2026-11-27T17:50:00.000Z')))).toBe('2026-11-30T08:00:00.000Z');
    expect(iso(everyQuarter.nextAfter(at('2026-11-30T08:00:00.000Z')))).toBe('2026-11-30T08:15:00.000Z');
  });

  it('handles month ends, leap days, names, lists and Sunday as 7', () => {
    expect(iso(parseCron('0 0 29 2 *').nextAfter(at('2026-03-01T00:00:00.000Z')))).toBe(
      '2028-02-29T00:00:00.000Z',
    );
    expect(iso(parseCron('0 0 31 * *').nextAfter(at('2026-11-01T00:00:00.000Z')))).toBe(
      '2026-12-31T00:00:00.000Z',
    );
    expect(iso(parseCron('5,35 6 * jan,jul sun').nextAfter(at('2026-12-31T23:00:00.000Z')))).toBe(
      '2027-01-03T06:05:00.000Z',
    );
    expect(parseCron('0 0 * * 7').nextAfter(0)).toBe(parseCron('0 0 * * 0').nextAfter(0));
    // Both day fields restricted: either matches (the 1st, or any Monday).
    expect(iso(parseCron('0 12 1 * mon').nextAfter(at('2026-11-24T00:00:00.000Z')))).toBe(
      '2026-11-30T12:00:00.000Z',
    );
  });

  it('refuses malformed expressions with a message naming the problem', () => {
    expect(() => parseCron('0 * * *')).toThrow('five fields');
    expect(() => parseCron('60 * * * *')).toThrow('minute 60 is outside 0-59');
    expect(() => parseCron('0 24 * * *')).toThrow('hour 24');
    expect(() => parseCron('0 0 0 * *')).toThrow('day of month 0');
    expect(() => parseCron('0 0 * 13 *')).toThrow('month 13');
    expect(() => parseCron('*/0 * * * *')).toThrow('step');
    expect(() => parseCron('5-1 * * * *')).toThrow('backwards');
    expect(() => parseCron('a * * * *')).toThrow('not a valid minute');
    expect(() => parseCron('0 0 31 2 *')).toThrow('never matches');
  });
});

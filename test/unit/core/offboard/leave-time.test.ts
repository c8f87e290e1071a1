import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../../src/core/errors.js';
import { describeLeaveTime, parseLeaveTime } from '../../../../src/core/offboard/leave-time.js';

const now = Date.parse('2026-11-23T09:00:00Z');

describe('leave time of a scheduled offboarding', () => {
  it('reads a wall time in the given zone, or in the requester’s zone when none is given', () => {
    expect(parseLeaveTime('2026-12-31 17:00 Europe/Paris', 'UTC', now)).toEqual({
      dueAt: '2026-12-31T16:00:00.000Z',
      timeZone: 'Europe/Paris',
      local: '2026-12-31 17:00',
    });
    expect(parseLeaveTime('2027-07-01 09:00', 'America/New_York', now).dueAt).toBe(
      '2027-07-01T13:00:00.000Z',
    );
    expect(describeLeaveTime(parseLeaveTime('2026-12-31 17:00 Europe/Paris', undefined, now))).toBe(
      '2026-12-31 17:00 Europe/Paris (16:00 UTC)',
    );
  });

  it.each([
    ['2026-11-01 10:00 UTC', 'is in the past'],
    ['2027-03-28 02:30 Europe/Paris', 'does not exist in Europe/Paris'],
    ['2027-10-31 02:30 Europe/Paris', 'happens twice in Europe/Paris'],
    ['2027-03-14 02:30 America/New_York', 'does not exist in America/New_York'],
    ['2026-02-30 10:00 UTC', 'is not a valid date and time'],
    ['2026-12-31 17:00 Mars/Olympus', 'is not a time zone I know'],
    ['31/12/2026 17:00', 'That is not a date and time'],
    ['2026-12-31 17:00 <b>x</b>', 'That is not a time zone I know'],
    ['2026-12-31 17:00', 'did not say which time zone'],
    ['2029-12-31 17:00 UTC', 'more than two years away'],
  ])('refuses %s with a clear message', (text, message) => {
    const read = (): unknown => parseLeaveTime(text, undefined, now);
    expect(read).toThrow(InvalidInputError);
    expect(read).toThrow(message);
  });
});

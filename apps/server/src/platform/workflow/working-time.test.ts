import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addWorkingMinutes, isWorkingDay, officeCalendar, workingMinutesBetween } from './working-time.js';

// 2026 National Day: 1–7 October off, Saturday 10 October worked (调休). Times are Beijing time.
const calendar = officeCalendar(
  ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
  ['2026-10-10'],
);
const beijing = (text: string) => new Date(`${text}+08:00`);

describe('addWorkingMinutes', () => {
  it('counts within a period, across lunch, and across a weekend', () => {
    expect(addWorkingMinutes(beijing('2026-11-30T09:00:00'), 60, calendar)).toEqual(
      beijing('2026-11-30T10:00:00'),
    );
    // 11:30 + 60 working minutes: 30 before lunch, 30 after 13:30.
    expect(addWorkingMinutes(beijing('2026-11-30T11:30:00'), 60, calendar)).toEqual(
      beijing('2026-11-30T14:00:00'),
    );
    // Friday 17:00 + 60: 30 on Friday, 30 on Monday morning.
    expect(addWorkingMinutes(beijing('2026-12-04T17:00:00'), 60, calendar)).toEqual(
      beijing('2026-12-07T09:00:00'),
    );
  });

  it('starts outside office hours at the next working period and ends at a period’s end, not after it', () => {
    expect(addWorkingMinutes(beijing('2026-11-28T22:00:00'), 30, calendar)).toEqual(
      beijing('2026-11-30T09:00:00'),
    );
    expect(addWorkingMinutes(beijing('2026-11-30T08:30:00'), 210, calendar)).toEqual(
      beijing('2026-11-30T12:00:00'),
    );
    expect(addWorkingMinutes(beijing('2026-11-30T12:00:00'), 0, calendar)).toEqual(
      beijing('2026-11-30T13:30:00'),
    );
  });

  it('skips public holidays and works the make-up Saturday', () => {
    expect(isWorkingDay(Date.UTC(2026, 9, 1) / 86_400_000, calendar)).toBe(false);
    expect(isWorkingDay(Date.UTC(2026, 9, 10) / 86_400_000, calendar)).toBe(true);
    // Wednesday 30 September 17:00 + 60 minutes → Thursday 8 October 09:00 (1–7 October off, weekend inside).
    expect(addWorkingMinutes(beijing('2026-09-30T17:00:00'), 60, calendar)).toEqual(
      beijing('2026-10-08T09:00:00'),
    );
    // Friday 9 October 17:00 + 60 → the make-up Saturday 10 October, 09:00.
    expect(addWorkingMinutes(beijing('2026-10-09T17:00:00'), 60, calendar)).toEqual(
      beijing('2026-10-10T09:00:00'),
    );
  });

  it('rejects negative durations and calendars without working time', () => {
    expect(() => addWorkingMinutes(new Date(), -1, calendar)).toThrow(RangeError);
    expect(() => addWorkingMinutes(new Date(), 10, { ...calendar, periods: [] })).toThrow(RangeError);
  });
});

describe('workingMinutesBetween', () => {
  it('counts only office hours', () => {
    expect(
      workingMinutesBetween(beijing('2026-11-30T08:00:00'), beijing('2026-11-30T20:00:00'), calendar),
    ).toBe(450);
    expect(
      workingMinutesBetween(beijing('2026-12-04T12:00:00'), beijing('2026-12-07T09:00:00'), calendar),
    ).toBe(240 + 30);
    expect(
      workingMinutesBetween(beijing('2026-12-07T09:00:00'), beijing('2026-12-04T12:00:00'), calendar),
    ).toBe(0);
  });

  it('inverts addWorkingMinutes for any whole-minute start and duration (property)', () => {
    const start = Date.UTC(2026, 0, 1) / 60_000;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 * 365 * 24 * 60 }),
        fc.integer({ min: 0, max: 20 * 450 }),
        (offset, minutes) => {
          const from = new Date((start + offset) * 60_000);
          const deadline = addWorkingMinutes(from, minutes, calendar);
          expect(deadline.getTime()).toBeGreaterThanOrEqual(from.getTime());
          expect(workingMinutesBetween(from, deadline, calendar)).toBe(minutes);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('grows with the duration (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 5000 }), (a, b) => {
        const from = beijing('2026-09-28T10:17:00');
        const [small, large] = a <= b ? [a, b] : [b, a];
        expect(addWorkingMinutes(from, small, calendar).getTime()).toBeLessThanOrEqual(
          addWorkingMinutes(from, large, calendar).getTime(),
        );
      }),
      { numRuns: 200 },
    );
  });
});

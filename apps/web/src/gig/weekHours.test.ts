import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALL_HOURS,
  DEFAULT_WEEK_HOURS,
  hasAnyHours,
  hoursMask,
  periodMask,
  setPeriodEveryDay,
  toAvailability,
  togglePeriod,
  toWeekHours,
  type PeriodState,
} from './weekHours';

describe('masks', () => {
  it('covers each part of the day with its hours', () => {
    expect(periodMask('night')).toBe(0b111111);
    expect(periodMask('morning')).toBe(0b111111 << 6);
    expect(periodMask('evening')).toBe(0b111111 << 18);
    expect(
      periodMask('night') | periodMask('morning') | periodMask('afternoon') | periodMask('evening'),
    ).toBe(ALL_HOURS);
    expect(hoursMask(8, 9)).toBe(1 << 8);
  });
});

describe('toAvailability / toWeekHours', () => {
  it('reads whole parts as on and empty ones as off', () => {
    const availability = toAvailability([ALL_HOURS, 0, hoursMask(6, 12), ...DEFAULT_WEEK_HOURS.slice(3)]);
    expect(availability[0]).toEqual(['on', 'on', 'on', 'on']);
    expect(availability[1]).toEqual(['off', 'off', 'off', 'off']);
    expect(availability[2]).toEqual(['on', 'off', 'off', 'off']);
    expect(availability[3]).toEqual(['on', 'on', 'off', 'off']);
  });

  it('marks a part covered only in places as partial and keeps its hours when saved', () => {
    const nineToFive = hoursMask(9, 17);
    const week = Array.from({ length: 7 }, () => nineToFive);
    const availability = toAvailability(week);
    expect(availability[0]).toEqual(['partial', 'partial', 'off', 'off']);
    expect(toWeekHours(availability, week)).toEqual(week);
  });

  it('treats missing days as unavailable', () => {
    expect(toAvailability([]).every((day) => day.every((state) => state === 'off'))).toBe(true);
    expect(toWeekHours(toAvailability([]))).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('round-trips any masks exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: ALL_HOURS }), { minLength: 7, maxLength: 7 }),
        (week) => {
          expect(toWeekHours(toAvailability(week), week)).toEqual(week);
        },
      ),
    );
  });

  it('without the previous masks, only whole parts survive', () => {
    const availability: PeriodState[][] = Array.from({ length: 7 }, () => ['partial', 'on', 'off', 'off']);
    expect(toWeekHours(availability)).toEqual(Array.from({ length: 7 }, () => periodMask('afternoon')));
  });
});

describe('toggles', () => {
  it('turns a part on and off, partial becoming on', () => {
    const start = toAvailability([hoursMask(9, 17), 0, 0, 0, 0, 0, 0]);
    const once = togglePeriod(start, 0, 0);
    expect(once[0]).toEqual(['on', 'partial', 'off', 'off']);
    const twice = togglePeriod(once, 0, 0);
    expect(twice[0]).toEqual(['off', 'partial', 'off', 'off']);
    expect(start[0]).toEqual(['partial', 'partial', 'off', 'off']);
    expect(toWeekHours(twice, [hoursMask(9, 17), 0, 0, 0, 0, 0, 0])[0]).toBe(hoursMask(12, 17));
  });

  it('sets a part for the whole week', () => {
    const evenings = setPeriodEveryDay(toAvailability([]), 2, true);
    expect(toWeekHours(evenings)).toEqual(Array.from({ length: 7 }, () => periodMask('evening')));
    expect(hasAnyHours(toWeekHours(setPeriodEveryDay(evenings, 2, false)))).toBe(false);
    expect(hasAnyHours(DEFAULT_WEEK_HOURS)).toBe(true);
  });
});

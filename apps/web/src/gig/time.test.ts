import { describe, expect, it } from 'vitest';
import {
  hoursAndMinutes,
  nextDay,
  paidMinutes,
  shanghaiLocal,
  shiftInstants,
  shiftSpan,
  toShanghaiIso,
} from './time';

describe('shanghaiLocal', () => {
  it('reads instants as Shanghai wall-clock time with the ISO weekday', () => {
    expect(shanghaiLocal('2026-11-29T00:30:00Z')).toEqual({ day: '2026-11-29', time: '08:30', weekday: 7 });
    expect(shanghaiLocal('2026-11-29T16:00:00Z')).toEqual({ day: '2026-11-30', time: '00:00', weekday: 1 });
    expect(shanghaiLocal('nonsense')).toBeNull();
  });

  it('spots night shifts', () => {
    expect(shiftSpan('2026-11-29T14:00:00Z', '2026-11-29T22:00:00Z')?.overnight).toBe(true);
    expect(shiftSpan('2026-11-29T00:00:00Z', '2026-11-29T09:00:00Z')?.overnight).toBe(false);
  });
});

describe('shift arithmetic', () => {
  it('pays the span less the break', () => {
    expect(
      paidMinutes({
        startsAt: '2026-11-29T08:00:00+08:00',
        endsAt: '2026-11-29T17:00:00+08:00',
        breakMinutes: 60,
      }),
    ).toBe(480);
    expect(paidMinutes({ startsAt: 'x', endsAt: 'y', breakMinutes: 0 })).toBe(0);
    expect(
      paidMinutes({
        startsAt: '2026-11-29T08:00:00+08:00',
        endsAt: '2026-11-29T08:30:00+08:00',
        breakMinutes: 60,
      }),
    ).toBe(0);
  });

  it('builds instants in Shanghai, rolling an early end into the next day', () => {
    expect(toShanghaiIso('2026-11-29', '08:00')).toBe('2026-11-29T08:00:00+08:00');
    expect(toShanghaiIso('2026-11-29', '8:00')).toBeNull();
    expect(shiftInstants('2026-11-29', '08:00', '17:30')).toEqual({
      startsAt: '2026-11-29T08:00:00+08:00',
      endsAt: '2026-11-29T17:30:00+08:00',
    });
    expect(shiftInstants('2026-12-31', '22:00', '06:00')).toEqual({
      startsAt: '2026-12-31T22:00:00+08:00',
      endsAt: '2027-01-01T06:00:00+08:00',
    });
    expect(shiftInstants('2026-12-31', '22:00', '25:00')).toBeNull();
  });

  it('steps calendar days across months and leap days', () => {
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
    expect(nextDay('2026-02-28')).toBe('2026-03-01');
    expect(nextDay('bad')).toBeNull();
  });

  it('splits minutes into hours and minutes', () => {
    expect(hoursAndMinutes(510)).toEqual({ hours: 8, minutes: 30 });
    expect(hoursAndMinutes(-5)).toEqual({ hours: 0, minutes: 0 });
  });
});

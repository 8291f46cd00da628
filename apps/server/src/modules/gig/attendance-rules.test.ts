import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EARTH_RADIUS_M, haversineMeters } from '../../platform/geo/geojson.js';
import {
  ATTENDANCE_DEFAULTS,
  attendanceStatus,
  checkClockIn,
  checkClockOut,
  confirmDeadline,
  earnedFen,
  holdAmountFen,
  isLateCancel,
  locationFlags,
  nextReliability,
  shiftPaidMinutes,
  type Fix,
  type LocationFlag,
  type ReliabilityEvent,
  type Shift,
  type WageKind,
} from './attendance-rules.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const site = { lng: 120.1, lat: 30.3, radiusM: 300 };
/** 09:00–17:00 Shanghai with an hour's break: 420 paid minutes. */
const shift: Shift = {
  startsAt: new Date('2026-11-30T01:00:00Z'),
  endsAt: new Date('2026-11-30T09:00:00Z'),
  breakMinutes: 60,
};
const startMs = shift.startsAt.getTime();
const endMs = shift.endsAt.getTime();
const at = (offsetMs: number) => new Date(startMs + offsetMs);

/** Longitude `meters` due east of the site, by inverting the haversine along a parallel. */
function eastLng(meters: number, from = site): number {
  const dLng = 2 * Math.asin(Math.sin(meters / (2 * EARTH_RADIUS_M)) / Math.cos((from.lat * Math.PI) / 180));
  return from.lng + (dLng * 180) / Math.PI;
}

function fix(extra: Partial<Fix> = {}): Fix {
  return { lng: eastLng(50), lat: site.lat, accuracyM: 12, at: at(0), ...extra };
}

describe('ATTENDANCE_DEFAULTS', () => {
  it('has the agreed values', () => {
    expect(ATTENDANCE_DEFAULTS).toEqual({
      geofenceRadiusM: 300,
      earliestClockInMinutes: 60,
      lateGraceMinutes: 5,
      earlyLeaveGraceMinutes: 5,
      noShowAfterMinutes: 30,
      confirmWindowMinutes: 15,
      maxAccuracyM: 200,
      maxSpeedKmh: 120,
    });
  });
});

describe('shiftPaidMinutes and holdAmountFen', () => {
  it('pays the shift length minus breaks, never below zero', () => {
    expect(shiftPaidMinutes(shift)).toBe(420);
    expect(shiftPaidMinutes({ ...shift, breakMinutes: 0 })).toBe(480);
    expect(shiftPaidMinutes({ ...shift, breakMinutes: 600 })).toBe(0);
    expect(shiftPaidMinutes({ ...shift, endsAt: shift.startsAt })).toBe(0);
    expect(shiftPaidMinutes({ ...shift, endsAt: at(-HOUR), breakMinutes: 0 })).toBe(0);
  });

  it('holds the paid hours, the day wage, or the expected pieces', () => {
    expect(holdAmountFen({ wageKind: 'hour', wageFen: 2_500 }, shift)).toBe(17_500);
    // 7 minutes at 1 yuan an hour is 11.67 fen: floored.
    expect(
      holdAmountFen(
        { wageKind: 'hour', wageFen: 100 },
        { ...shift, endsAt: at(7 * MINUTE), breakMinutes: 0 },
      ),
    ).toBe(11);
    expect(holdAmountFen({ wageKind: 'day', wageFen: 20_000 }, shift)).toBe(20_000);
    expect(holdAmountFen({ wageKind: 'piece', wageFen: 150, expectedPieces: 40 }, shift)).toBe(6_000);
    expect(holdAmountFen({ wageKind: 'piece', wageFen: 150 }, shift)).toBe(150);
  });
});

describe('checkClockIn', () => {
  it('refuses a worker 812 m away, naming the distance and the radius', () => {
    const result = checkClockIn({ site, shift, fix: fix({ lng: eastLng(811.6) }) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('outside_geofence');
    expect(result.distanceM).toBeGreaterThan(811);
    expect(result.distanceM).toBeLessThan(813);
    expect(result.radiusM).toBe(300);
    expect(result.messageZh).toBe('距工作地点 812 米，超出打卡范围 300 米');
    expect(result.message).toContain('812 m');
    expect(result.message).toContain('300 m');
  });

  it('accepts a worker exactly on the radius and refuses one a metre beyond', () => {
    const onEdge = fix({ lng: eastLng(300) });
    const distance = haversineMeters([site.lng, site.lat], [onEdge.lng, onEdge.lat]);
    expect(distance).toBeCloseTo(300, 6);
    expect(checkClockIn({ site: { ...site, radiusM: distance }, shift, fix: onEdge }).ok).toBe(true);
    expect(checkClockIn({ site, shift, fix: fix({ lng: eastLng(299.999) }) }).ok).toBe(true);
    // Any distance beyond the radius is refused, however little.
    expect(checkClockIn({ site: { ...site, radiusM: distance - 0.001 }, shift, fix: onEdge }).ok).toBe(false);
    expect(checkClockIn({ site, shift, fix: fix({ lng: eastLng(300.01) }) }).ok).toBe(false);
    const beyond = checkClockIn({ site, shift, fix: fix({ lng: eastLng(301) }) });
    expect(beyond).toMatchObject({ ok: false, reason: 'outside_geofence', radiusM: 300 });
    expect(checkClockIn({ site: { ...site, radiusM: distance - 1 }, shift, fix: onEdge })).toMatchObject({
      ok: false,
      reason: 'outside_geofence',
    });
  });

  it('uses the default radius when the site sets none', () => {
    const { lng, lat } = site;
    expect(checkClockIn({ site: { lng, lat }, shift, fix: fix({ lng: eastLng(290) }) }).ok).toBe(true);
    expect(checkClockIn({ site: { lng, lat }, shift, fix: fix({ lng: eastLng(310) }) })).toMatchObject({
      ok: false,
      radiusM: 300,
    });
    expect(
      checkClockIn({ site: { lng, lat, radiusM: 500 }, shift, fix: fix({ lng: eastLng(450) }) }).ok,
    ).toBe(true);
  });

  it('opens exactly 60 minutes before the start, and says when', () => {
    expect(checkClockIn({ site, shift, fix: fix({ at: at(-60 * MINUTE) }) })).toMatchObject({
      ok: true,
      lateMinutes: 0,
    });
    const early = checkClockIn({ site, shift, fix: fix({ at: at(-60 * MINUTE - 1) }) });
    expect(early).toMatchObject({ ok: false, reason: 'too_early', earliestAt: at(-60 * MINUTE) });
    if (early.ok) return;
    expect(early.messageZh).toBe('班次开始前 60 分钟才能打卡，请 1 分钟后再试');
    const dayEarly = checkClockIn({ site, shift, fix: fix({ at: at(-25 * HOUR) }) });
    expect(dayEarly).toMatchObject({ ok: false, reason: 'too_early' });
    if (!dayEarly.ok) expect(dayEarly.message).toContain('try again in 1440 minutes');
  });

  it('closes when the shift ends', () => {
    expect(checkClockIn({ site, shift, fix: fix({ at: shift.endsAt }) })).toMatchObject({
      ok: false,
      reason: 'shift_over',
    });
    expect(checkClockIn({ site, shift, fix: fix({ at: new Date(endMs - 1) }) })).toMatchObject({
      ok: true,
      lateMinutes: 480,
    });
  });

  it('refuses poor or missing accuracy, naming both figures', () => {
    expect(checkClockIn({ site, shift, fix: fix({ accuracyM: 200 }) }).ok).toBe(true);
    const poor = checkClockIn({ site, shift, fix: fix({ accuracyM: 200.1 }) });
    expect(poor).toMatchObject({ ok: false, reason: 'poor_accuracy' });
    if (!poor.ok) expect(poor.messageZh).toBe('定位精度 201 米，需在 200 米以内，请到开阔处重试');
    for (const accuracyM of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      expect(checkClockIn({ site, shift, fix: fix({ accuracyM }) })).toMatchObject({
        reason: 'poor_accuracy',
      });
    }
  });

  it('checks time first, then accuracy, then the geofence', () => {
    const far = eastLng(5_000);
    expect(
      checkClockIn({ site, shift, fix: fix({ lng: far, accuracyM: 900, at: at(-2 * HOUR) }) }),
    ).toMatchObject({ reason: 'too_early' });
    expect(
      checkClockIn({ site, shift, fix: fix({ lng: far, accuracyM: 900, at: shift.endsAt }) }),
    ).toMatchObject({ reason: 'shift_over' });
    expect(checkClockIn({ site, shift, fix: fix({ lng: far, accuracyM: 900 }) })).toMatchObject({
      reason: 'poor_accuracy',
    });
    expect(checkClockIn({ site, shift, fix: fix({ lng: far }) })).toMatchObject({
      reason: 'outside_geofence',
    });
  });

  it('counts lateness from the start once the grace period has passed', () => {
    const late = (offsetMs: number) => {
      const result = checkClockIn({ site, shift, fix: fix({ at: at(offsetMs) }) });
      return result.ok ? result.lateMinutes : undefined;
    };
    expect(late(-10 * MINUTE)).toBe(0);
    expect(late(0)).toBe(0);
    expect(late(5 * MINUTE)).toBe(0);
    expect(late(5 * MINUTE + 1)).toBe(6);
    expect(late(17.5 * MINUTE)).toBe(18);
    expect(late(2 * HOUR)).toBe(120);
  });

  it('treats a reading without coordinates as outside, never inside', () => {
    const result = checkClockIn({ site, shift, fix: fix({ lng: Number.NaN }) });
    expect(result).toMatchObject({
      ok: false,
      reason: 'outside_geofence',
      distanceM: Number.POSITIVE_INFINITY,
    });
  });

  it('marks suspicious readings without refusing them', () => {
    const previous = [fix({ at: at(-2 * MINUTE), accuracyM: 0, mocked: true })];
    const result = checkClockIn({ site, shift, previous, fix: fix({ accuracyM: 0, mocked: true }) });
    expect(result).toMatchObject({ ok: true, flags: ['zero_accuracy', 'repeated_fix', 'mocked'] });
  });

  it('throws on an invalid date, which is a bug in the caller', () => {
    expect(() => checkClockIn({ site, shift, fix: fix({ at: new Date(Number.NaN) }) })).toThrow(RangeError);
  });
});

describe('checkClockOut', () => {
  const clockInAt = at(-2 * MINUTE);
  const out = (offsetMs: number, extra: Partial<Fix> = {}) =>
    checkClockOut({ site, shift, clockInAt, fix: fix({ at: at(offsetMs), ...extra }) });

  it('refuses a clock-out before the clock-in and accepts one at the same instant', () => {
    expect(out(-3 * MINUTE)).toMatchObject({ ok: false, reason: 'before_clock_in' });
    expect(out(-2 * MINUTE)).toMatchObject({ ok: true, earlyLeaveMinutes: 482 });
  });

  it('counts an early leave only past the grace period', () => {
    const eightHours = 8 * HOUR;
    expect(out(eightHours - 5 * MINUTE)).toMatchObject({ ok: true, earlyLeaveMinutes: 0 });
    expect(out(eightHours - 5 * MINUTE - 1)).toMatchObject({ ok: true, earlyLeaveMinutes: 6 });
    expect(out(eightHours - 90 * MINUTE)).toMatchObject({ ok: true, earlyLeaveMinutes: 90 });
  });

  it('allows a clock-out after the shift ended', () => {
    expect(out(8 * HOUR)).toMatchObject({ ok: true, earlyLeaveMinutes: 0 });
    expect(out(11 * HOUR)).toMatchObject({ ok: true, earlyLeaveMinutes: 0 });
  });

  it('applies the same accuracy and geofence checks as clock-in', () => {
    expect(out(8 * HOUR, { accuracyM: 250 })).toMatchObject({ ok: false, reason: 'poor_accuracy' });
    const far = out(8 * HOUR, { lng: eastLng(1_499.5) });
    expect(far).toMatchObject({ ok: false, reason: 'outside_geofence', radiusM: 300 });
    if (!far.ok) expect(far.messageZh).toBe('距工作地点 1500 米，超出打卡范围 300 米');
  });
});

describe('locationFlags', () => {
  const base = fix({ at: at(0) });
  const moved = (meters: number, offsetMs: number, extra: Partial<Fix> = {}) =>
    fix({ lng: eastLng(50 + meters), at: at(offsetMs), accuracyM: 9, ...extra });

  it('raises nothing for an ordinary reading', () => {
    expect(locationFlags(base, [])).toEqual([]);
    expect(locationFlags(base, [moved(30, -5 * MINUTE)])).toEqual([]);
  });

  it('flags a zero accuracy and a mock provider', () => {
    expect(locationFlags(fix({ accuracyM: 0 }), [])).toEqual(['zero_accuracy']);
    expect(locationFlags(fix({ mocked: true }), [])).toEqual(['mocked']);
    expect(locationFlags(fix({ mocked: false }), [])).toEqual([]);
  });

  it('flags a speed above 120 km/h from the latest earlier reading', () => {
    // 1 km in a minute is 60 km/h; 3 km is 180 km/h.
    expect(locationFlags(base, [moved(1_000, -MINUTE)])).toEqual([]);
    expect(locationFlags(base, [moved(3_000, -MINUTE)])).toEqual(['impossible_speed']);
    expect(locationFlags(base, [moved(1_999, -MINUTE)])).toEqual([]);
    expect(locationFlags(base, [moved(2_001, -MINUTE)])).toEqual(['impossible_speed']);
    // The latest reading decides, in whatever order they come.
    expect(locationFlags(base, [moved(1_000, -MINUTE), moved(50_000, -HOUR)])).toEqual([]);
    expect(locationFlags(base, [moved(50_000, -MINUTE), moved(10, -HOUR)])).toEqual(['impossible_speed']);
    expect(
      locationFlags(base, [moved(3_000, -MINUTE)], { ...ATTENDANCE_DEFAULTS, maxSpeedKmh: 200 }),
    ).toEqual([]);
  });

  it('flags a jump of more than 50 m with no time between the readings', () => {
    expect(locationFlags(base, [moved(40, 0)])).toEqual([]);
    expect(locationFlags(base, [moved(60, 0)])).toEqual(['impossible_speed']);
    expect(locationFlags(base, [moved(60, MINUTE)])).toEqual(['impossible_speed']);
  });

  it('flags a reading identical to one taken at another time', () => {
    const again = { ...base, at: at(10 * MINUTE) };
    expect(locationFlags(again, [base])).toEqual(['repeated_fix']);
    expect(locationFlags(base, [base])).toEqual([]);
    expect(locationFlags(again, [{ ...base, accuracyM: 13 }])).toEqual([]);
    expect(locationFlags(again, [{ ...base, lng: base.lng + 1e-7 }])).toEqual([]);
    expect(locationFlags(again, [{ ...base, lat: base.lat - 1e-7 }])).toEqual([]);
    expect(locationFlags(again, [{ ...base, lng: base.lng + 1e-9 }])).toEqual(['repeated_fix']);
    // Any earlier reading counts, not only the latest.
    expect(locationFlags(again, [base, moved(20, 5 * MINUTE)])).toEqual(['repeated_fix']);
  });

  it('returns every flag once, in a fixed order', () => {
    const faked = fix({ accuracyM: 0, mocked: true, at: at(MINUTE) });
    const previous = [
      { ...faked, at: at(0) },
      { ...faked, at: at(-MINUTE) },
      fix({ lng: eastLng(9_000), at: at(MINUTE - 1_000) }),
    ];
    expect(locationFlags(faked, previous)).toEqual([
      'zero_accuracy',
      'impossible_speed',
      'repeated_fix',
      'mocked',
    ]);
  });

  it('never repeats a flag and keeps the fixed order (property)', () => {
    const order: LocationFlag[] = ['zero_accuracy', 'impossible_speed', 'repeated_fix', 'mocked'];
    const arbitraryFix = fc.record({
      lng: fc.constantFrom(120.1, 120.1001, 120.2),
      lat: fc.constantFrom(30.3, 30.3001),
      accuracyM: fc.constantFrom(0, 5, 12),
      at: fc.integer({ min: -3, max: 3 }).map((minutes) => at(minutes * MINUTE)),
      mocked: fc.option(fc.boolean(), { nil: undefined }),
    });
    fc.assert(
      fc.property(arbitraryFix, fc.array(arbitraryFix, { maxLength: 6 }), (current, previous) => {
        const flags = locationFlags(current, previous);
        expect(new Set(flags).size).toBe(flags.length);
        expect(flags).toEqual(order.filter((flag) => flags.includes(flag)));
      }),
    );
  });
});

describe('earnedFen', () => {
  const hourly = { wageKind: 'hour' as const, wageFen: 2_500, shift, holdFen: 17_500 };

  it('pays a full on-time hourly shift exactly the hold', () => {
    expect(earnedFen({ ...hourly, clockInAt: shift.startsAt, clockOutAt: shift.endsAt })).toEqual({
      workedMinutes: 420,
      earnedFen: 17_500,
    });
  });

  it('pays neither early arrival nor overtime', () => {
    expect(earnedFen({ ...hourly, clockInAt: at(-HOUR), clockOutAt: at(10 * HOUR) })).toEqual({
      workedMinutes: 420,
      earnedFen: 17_500,
    });
  });

  it('deducts breaks in proportion to the share of the shift covered', () => {
    // 450 of 480 minutes covered: breaks floor(60 × 450 / 480) = 56, so 394 minutes worked.
    expect(earnedFen({ ...hourly, clockInAt: at(30 * MINUTE), clockOutAt: shift.endsAt })).toEqual({
      workedMinutes: 394,
      earnedFen: Math.floor((394 * 2_500) / 60),
    });
    expect(Math.floor((394 * 2_500) / 60)).toBe(16_416);
    // Partial minutes are not paid.
    expect(earnedFen({ ...hourly, clockInAt: shift.startsAt, clockOutAt: at(59_999) }).workedMinutes).toBe(0);
  });

  it('pays a day wage in proportion to the paid minutes worked', () => {
    const daily = { wageKind: 'day' as const, wageFen: 20_000, shift, holdFen: 20_000 };
    expect(earnedFen({ ...daily, clockInAt: shift.startsAt, clockOutAt: shift.endsAt }).earnedFen).toBe(
      20_000,
    );
    // 240 covered, 30 break: 210 of 420 paid minutes.
    expect(earnedFen({ ...daily, clockInAt: shift.startsAt, clockOutAt: at(4 * HOUR) })).toEqual({
      workedMinutes: 210,
      earnedFen: 10_000,
    });
    // 100 covered, floor(12.5) = 12 break: 88 of 420 → 4190.47…
    expect(earnedFen({ ...daily, clockInAt: shift.startsAt, clockOutAt: at(100 * MINUTE) }).earnedFen).toBe(
      4_190,
    );
  });

  it('pays pieces delivered, up to the hold', () => {
    const piece = {
      wageKind: 'piece' as const,
      wageFen: 200,
      expectedPieces: 40,
      shift,
      holdFen: 8_000,
      clockInAt: shift.startsAt,
      clockOutAt: shift.endsAt,
    };
    expect(earnedFen({ ...piece, pieces: 30 }).earnedFen).toBe(6_000);
    expect(earnedFen({ ...piece, pieces: 55 }).earnedFen).toBe(8_000);
    expect(earnedFen(piece).earnedFen).toBe(8_000);
    expect(earnedFen({ ...piece, expectedPieces: undefined }).earnedFen).toBe(0);
    expect(earnedFen({ ...piece, pieces: -3 }).earnedFen).toBe(0);
  });

  it('pays nothing for a clock-out before the clock-in, or outside the shift', () => {
    expect(earnedFen({ ...hourly, clockInAt: at(2 * HOUR), clockOutAt: at(HOUR) })).toEqual({
      workedMinutes: 0,
      earnedFen: 0,
    });
    expect(earnedFen({ ...hourly, clockInAt: at(9 * HOUR), clockOutAt: at(10 * HOUR) }).earnedFen).toBe(0);
  });

  it('never pays more than was held, nor anything for a bad input', () => {
    const full = { clockInAt: shift.startsAt, clockOutAt: shift.endsAt };
    expect(earnedFen({ ...hourly, ...full, holdFen: 10_000 }).earnedFen).toBe(10_000);
    expect(earnedFen({ ...hourly, ...full, wageFen: Number.NaN }).earnedFen).toBe(0);
    expect(earnedFen({ ...hourly, ...full, holdFen: Number.NaN }).earnedFen).toBe(0);
    expect(earnedFen({ ...hourly, ...full, holdFen: -5 }).earnedFen).toBe(0);
  });

  const wageKind = fc.constantFrom<WageKind>('hour', 'day', 'piece');
  const arbitraryShift = fc
    .record({
      lengthMinutes: fc.integer({ min: 0, max: 24 * 60 }),
      breakMinutes: fc.integer({ min: 0, max: 600 }),
    })
    .map(({ lengthMinutes, breakMinutes }) => ({
      startsAt: shift.startsAt,
      endsAt: at(lengthMinutes * MINUTE),
      breakMinutes,
    }));
  /** A moment from 3 hours before the start to 27 hours after, to the millisecond. */
  const moment = fc.integer({ min: -3 * HOUR, max: 27 * HOUR }).map(at);

  it('always pays whole fen within [0, hold] (property)', () => {
    fc.assert(
      fc.property(
        wageKind,
        fc.integer({ min: 0, max: 1_000_000 }),
        arbitraryShift,
        moment,
        moment,
        fc.option(fc.integer({ min: -5, max: 500 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (kind, wageFen, anyShift, clockInAt, clockOutAt, pieces, expectedPieces, holdFen) => {
          const result = earnedFen({
            wageKind: kind,
            wageFen,
            expectedPieces,
            shift: anyShift,
            clockInAt,
            clockOutAt,
            pieces,
            holdFen,
          });
          expect(Number.isInteger(result.earnedFen)).toBe(true);
          expect(result.earnedFen).toBeGreaterThanOrEqual(0);
          expect(result.earnedFen).toBeLessThanOrEqual(holdFen);
          expect(Number.isInteger(result.workedMinutes)).toBe(true);
          expect(result.workedMinutes).toBeGreaterThanOrEqual(0);
          expect(result.workedMinutes).toBeLessThanOrEqual(shiftPaidMinutes(anyShift));
        },
      ),
    );
  });

  it('pays a full on-time hourly or daily shift exactly the hold (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<WageKind>('hour', 'day'),
        fc.integer({ min: 0, max: 1_000_000 }),
        arbitraryShift,
        fc.integer({ min: 0, max: HOUR }),
        fc.integer({ min: 0, max: 3 * HOUR }),
        (kind, wageFen, anyShift, earlyMs, overtimeMs) => {
          fc.pre(kind === 'hour' || shiftPaidMinutes(anyShift) > 0);
          const holdFen = holdAmountFen({ wageKind: kind, wageFen }, anyShift);
          const result = earnedFen({
            wageKind: kind,
            wageFen,
            shift: anyShift,
            clockInAt: new Date(anyShift.startsAt.getTime() - earlyMs),
            clockOutAt: new Date(anyShift.endsAt.getTime() + overtimeMs),
            holdFen,
          });
          expect(result).toEqual({ workedMinutes: shiftPaidMinutes(anyShift), earnedFen: holdFen });
        },
      ),
    );
  });

  it('never pays less for a later clock-out or an earlier clock-in (property)', () => {
    fc.assert(
      fc.property(
        wageKind,
        fc.integer({ min: 0, max: 1_000_000 }),
        arbitraryShift,
        moment,
        moment,
        moment,
        (kind, wageFen, anyShift, clockInAt, first, second) => {
          const [earlier, later] = first <= second ? [first, second] : [second, first];
          const terms = { wageKind: kind, wageFen, expectedPieces: 3, shift: anyShift };
          const holdFen = holdAmountFen(terms, anyShift);
          const pay = (inAt: Date, outAt: Date) =>
            earnedFen({ ...terms, clockInAt: inAt, clockOutAt: outAt, holdFen });
          const byClockOut = [pay(clockInAt, earlier), pay(clockInAt, later)] as const;
          expect(byClockOut[1].earnedFen).toBeGreaterThanOrEqual(byClockOut[0].earnedFen);
          expect(byClockOut[1].workedMinutes).toBeGreaterThanOrEqual(byClockOut[0].workedMinutes);
          expect(pay(earlier, clockInAt).earnedFen).toBeGreaterThanOrEqual(pay(later, clockInAt).earnedFen);
        },
      ),
    );
  });
});

describe('attendanceStatus', () => {
  const status = (clockInAt: Date | null, clockOutAt: Date | null, now: Date) =>
    attendanceStatus({ shift, clockInAt, clockOutAt, now });

  it('walks a shift from scheduled to completed', () => {
    expect(status(null, null, at(-HOUR))).toBe('scheduled');
    expect(status(null, null, at(30 * MINUTE - 1))).toBe('scheduled');
    expect(status(null, null, at(30 * MINUTE))).toBe('no_show');
    expect(status(null, null, at(10 * HOUR))).toBe('no_show');
    expect(status(at(-MINUTE), null, at(0))).toBe('on_shift');
    expect(status(at(-MINUTE), null, new Date(endMs - 1))).toBe('on_shift');
    expect(status(at(-MINUTE), null, shift.endsAt)).toBe('awaiting_clock_out');
    expect(status(at(-MINUTE), at(8 * HOUR), at(9 * HOUR))).toBe('completed');
    expect(status(at(-MINUTE), at(2 * HOUR), at(3 * HOUR))).toBe('completed');
  });

  it('follows the no-show rule it is given', () => {
    const rules = { ...ATTENDANCE_DEFAULTS, noShowAfterMinutes: 10 };
    expect(attendanceStatus({ shift, clockInAt: null, clockOutAt: null, now: at(10 * MINUTE), rules })).toBe(
      'no_show',
    );
  });
});

describe('confirmDeadline', () => {
  it('gives the employer 15 minutes after the clock-out', () => {
    expect(confirmDeadline(shift.endsAt)).toEqual(new Date(endMs + 15 * MINUTE));
    expect(confirmDeadline(shift.endsAt, { ...ATTENDANCE_DEFAULTS, confirmWindowMinutes: 60 })).toEqual(
      new Date(endMs + HOUR),
    );
  });
});

describe('reliability', () => {
  it('moves by the agreed amounts and stays within 0–100', () => {
    expect(nextReliability(80, 'completed')).toBe(81);
    expect(nextReliability(80, 'late')).toBe(78);
    expect(nextReliability(80, 'early_leave')).toBe(78);
    expect(nextReliability(80, 'no_show')).toBe(65);
    expect(nextReliability(80, 'late_cancel')).toBe(72);
    expect(nextReliability(80, 'cancel')).toBe(80);
    expect(nextReliability(100, 'completed')).toBe(100);
    expect(nextReliability(10, 'no_show')).toBe(0);
  });

  it('stays an integer in [0, 100] over any history (property)', () => {
    const events: ReliabilityEvent[] = [
      'completed',
      'late',
      'early_leave',
      'no_show',
      'late_cancel',
      'cancel',
    ];
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -50, max: 150 }), fc.double({ noNaN: false })),
        fc.array(fc.constantFrom(...events), { maxLength: 50 }),
        (start, history) => {
          let score = start;
          for (const event of history) {
            score = nextReliability(score, event);
            expect(Number.isInteger(score)).toBe(true);
            expect(score).toBeGreaterThanOrEqual(0);
            expect(score).toBeLessThanOrEqual(100);
          }
        },
      ),
    );
  });

  it('calls a cancel late when it comes less than 24 hours before the start', () => {
    expect(isLateCancel(shift.startsAt, at(-24 * HOUR))).toBe(false);
    expect(isLateCancel(shift.startsAt, at(-24 * HOUR + 1))).toBe(true);
    expect(isLateCancel(shift.startsAt, at(-HOUR))).toBe(true);
    expect(isLateCancel(shift.startsAt, at(HOUR))).toBe(true);
    expect(isLateCancel(shift.startsAt, at(-3 * 24 * HOUR))).toBe(false);
  });
});

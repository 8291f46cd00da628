import { haversineMeters } from '../../platform/geo/geojson.js';

/**
 * Attendance and wage rules of the gig market (零工市场), as pure functions: geofenced clock-in and
 * clock-out, heuristics for faked locations, what is held from the employer at hire, what a worker
 * earned from verified attendance, and the worker's reliability score. No database, no clock: the
 * caller passes every time, so the same inputs always give the same answer (and tests need no fakes).
 *
 * Money is integer fen; every division floors, so rounding never pays out more than was held.
 */

/** Defaults a site or tenant may override; minutes, metres and km/h. */
export const ATTENDANCE_DEFAULTS = {
  geofenceRadiusM: 300,
  earliestClockInMinutes: 60,
  lateGraceMinutes: 5,
  earlyLeaveGraceMinutes: 5,
  noShowAfterMinutes: 30,
  confirmWindowMinutes: 15,
  maxAccuracyM: 200,
  maxSpeedKmh: 120,
} as const;

/** The same knobs as {@link ATTENDANCE_DEFAULTS}, with any numbers. */
export type AttendanceRules = { [K in keyof typeof ATTENDANCE_DEFAULTS]: number };

/** A device location reading (WGS84), as the worker's phone reported it. */
export interface Fix {
  lng: number;
  lat: number;
  /** Radius of the device's 68 % confidence circle, metres. */
  accuracyM: number;
  at: Date;
  /** The OS said the location came from a mock provider (Android `isMock`). */
  mocked?: boolean;
}

export type WageKind = 'hour' | 'day' | 'piece';

/** What the employer pays, per worker and shift. */
export interface WageTerms {
  wageKind: WageKind;
  /** Per hour, per day or per piece, by `wageKind`. */
  wageFen: number;
  /** Pieces the employer expects per shift; sizes the hold of a piece-rate job. */
  expectedPieces?: number;
}

export interface Shift {
  startsAt: Date;
  endsAt: Date;
  /** Unpaid breaks within the shift. */
  breakMinutes: number;
}

export interface Site {
  lng: number;
  lat: number;
  /** Clock-in range around the site; `rules.geofenceRadiusM` when absent. */
  radiusM?: number;
}

/**
 * Marks on a reading that looks faked. They never refuse a clock-in by themselves (a false positive
 * would cost a worker a day's pay); they mark it for the employer and the operator to look at.
 */
export type LocationFlag = 'zero_accuracy' | 'impossible_speed' | 'repeated_fix' | 'mocked';

/** The order flags are returned in, so stored flags compare equal. */
const FLAG_ORDER: readonly LocationFlag[] = ['zero_accuracy', 'impossible_speed', 'repeated_fix', 'mocked'];

export type ClockInRefusal = 'outside_geofence' | 'too_early' | 'shift_over' | 'poor_accuracy';
export type ClockOutRefusal = 'outside_geofence' | 'poor_accuracy' | 'before_clock_in';

/** A refused clock-in or clock-out, with the reason in words for the worker (en and zh-CN). */
export interface AttendanceRefusal<R extends string> {
  ok: false;
  reason: R;
  /** Distance from the site, metres (Infinity when the reading has no valid coordinates). */
  distanceM: number;
  radiusM: number;
  message: string;
  messageZh: string;
  /** For `too_early`: when clock-in opens. */
  earliestAt?: Date;
}

export type ClockInResult =
  | { ok: true; distanceM: number; lateMinutes: number; flags: LocationFlag[] }
  | AttendanceRefusal<ClockInRefusal>;

export type ClockOutResult =
  | { ok: true; distanceM: number; earlyLeaveMinutes: number; flags: LocationFlag[] }
  | AttendanceRefusal<ClockOutRefusal>;

export type AttendanceStatus = 'scheduled' | 'no_show' | 'on_shift' | 'awaiting_clock_out' | 'completed';

export type ReliabilityEvent = 'completed' | 'late' | 'early_leave' | 'no_show' | 'late_cancel' | 'cancel';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** A cancellation closer than this to the shift start leaves the employer without a replacement. */
const LATE_CANCEL_MS = 24 * HOUR_MS;
/** Below this, two readings with no time between them may be the same place with jitter. */
const SAME_INSTANT_TOLERANCE_M = 50;
/** Half a unit in the 7th decimal (≈ 1 cm): readings that agree this closely were not measured. */
const SAME_COORDINATE_DEGREES = 0.5e-7;

/** Milliseconds of a date; an invalid date is a bug in the caller, not a worker's mistake. */
function msOf(date: Date, name: string): number {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`${name} is not a valid date`);
  return ms;
}

/** Whole minutes a shift is paid for: its length minus breaks, never below 0. */
export function shiftPaidMinutes(shift: Shift): number {
  const lengthMinutes = Math.floor(
    (msOf(shift.endsAt, 'endsAt') - msOf(shift.startsAt, 'startsAt')) / MINUTE_MS,
  );
  return Math.max(0, lengthMinutes - Math.max(0, shift.breakMinutes));
}

/**
 * What is held from the employer at hire for one worker on one shift: the most the worker can earn
 * there, so the wage is already funded when attendance is verified.
 */
export function holdAmountFen(job: WageTerms, shift: Shift): number {
  switch (job.wageKind) {
    case 'hour':
      return Math.floor((shiftPaidMinutes(shift) * job.wageFen) / 60);
    case 'day':
      return job.wageFen;
    case 'piece':
      return job.wageFen * (job.expectedPieces ?? 1);
    default:
      return job.wageKind satisfies never;
  }
}

/**
 * Heuristics for a faked location. `previous` are the worker's earlier readings (any order):
 * - `zero_accuracy`: real GNSS never reports an accuracy of exactly 0;
 * - `impossible_speed`: from the latest earlier reading to this one faster than `maxSpeedKmh`
 *   (or more than 50 m apart with no time between them);
 * - `repeated_fix`: the same coordinates (to the 7th decimal) and accuracy as a reading taken at
 *   another time, which real readings never are because they jitter;
 * - `mocked`: the OS said so.
 */
export function locationFlags(
  fix: Fix,
  previous: readonly Fix[],
  rules: AttendanceRules = ATTENDANCE_DEFAULTS,
): LocationFlag[] {
  const flags = new Set<LocationFlag>();
  const at = msOf(fix.at, 'fix.at');
  if (fix.accuracyM === 0) flags.add('zero_accuracy');
  if (fix.mocked === true) flags.add('mocked');

  let latest: Fix | undefined;
  for (const earlier of previous) {
    if (latest === undefined || msOf(earlier.at, 'previous.at') >= latest.at.getTime()) latest = earlier;
  }
  if (latest !== undefined) {
    const distanceM = haversineMeters([latest.lng, latest.lat], [fix.lng, fix.lat]);
    const elapsedMs = at - latest.at.getTime();
    const isImpossible =
      elapsedMs <= 0
        ? distanceM > SAME_INSTANT_TOLERANCE_M
        : distanceM / 1000 / (elapsedMs / HOUR_MS) > rules.maxSpeedKmh;
    if (isImpossible) flags.add('impossible_speed');
  }

  const isRepeated = previous.some(
    (earlier) =>
      earlier.at.getTime() !== at &&
      earlier.accuracyM === fix.accuracyM &&
      Math.abs(earlier.lng - fix.lng) < SAME_COORDINATE_DEGREES &&
      Math.abs(earlier.lat - fix.lat) < SAME_COORDINATE_DEGREES,
  );
  if (isRepeated) flags.add('repeated_fix');

  return FLAG_ORDER.filter((flag) => flags.has(flag));
}

interface PlaceCheck {
  distanceM: number;
  radiusM: number;
}

/** Distance to the site; a reading without valid coordinates is infinitely far, never inside. */
function measure(site: Site, fix: Fix, rules: AttendanceRules): PlaceCheck {
  const distanceM = haversineMeters([site.lng, site.lat], [fix.lng, fix.lat]);
  return {
    distanceM: Number.isFinite(distanceM) ? distanceM : Number.POSITIVE_INFINITY,
    radiusM: site.radiusM ?? rules.geofenceRadiusM,
  };
}

/** The accuracy and geofence refusals shared by clock-in and clock-out; undefined when both pass. */
function refusePlace(
  fix: Fix,
  place: PlaceCheck,
  rules: AttendanceRules,
): AttendanceRefusal<'poor_accuracy' | 'outside_geofence'> | undefined {
  // NaN or negative accuracy is no accuracy at all; `!(a <= max)` refuses NaN too.
  if (!(fix.accuracyM >= 0 && fix.accuracyM <= rules.maxAccuracyM)) {
    const shown = Number.isFinite(fix.accuracyM) && fix.accuracyM >= 0 ? Math.ceil(fix.accuracyM) : undefined;
    return {
      ok: false,
      reason: 'poor_accuracy',
      ...place,
      message:
        shown === undefined
          ? `Location accuracy is unknown; it must be within ${rules.maxAccuracyM} m. Move into the open and try again.`
          : `Location accuracy is ${shown} m; it must be within ${rules.maxAccuracyM} m. Move into the open and try again.`,
      messageZh:
        shown === undefined
          ? `定位精度未知，需在 ${rules.maxAccuracyM} 米以内，请到开阔处重试`
          : `定位精度 ${shown} 米，需在 ${rules.maxAccuracyM} 米以内，请到开阔处重试`,
    };
  }
  if (place.distanceM > place.radiusM) {
    if (!Number.isFinite(place.distanceM)) {
      return {
        ok: false,
        reason: 'outside_geofence',
        ...place,
        message: 'Your location could not be read, so it cannot be checked against the work site.',
        messageZh: '无法读取您的位置，不能确认是否在工作地点',
      };
    }
    // Ceil, so the named distance is always beyond the named radius.
    const shown = Math.ceil(place.distanceM);
    return {
      ok: false,
      reason: 'outside_geofence',
      ...place,
      message: `You are ${shown} m from the work site, beyond the ${place.radiusM} m clock-in range.`,
      messageZh: `距工作地点 ${shown} 米，超出打卡范围 ${place.radiusM} 米`,
    };
  }
  return undefined;
}

/**
 * May the worker clock in with this reading? Checks time first (a worker a day early should hear
 * that, not how far away they are), then accuracy, then the geofence. Lateness is counted from the
 * shift start once it passes the grace period. `previous` readings feed {@link locationFlags}.
 */
export function checkClockIn(input: {
  site: Site;
  fix: Fix;
  shift: Shift;
  previous?: readonly Fix[];
  rules?: AttendanceRules;
}): ClockInResult {
  const { site, fix, shift } = input;
  const rules = input.rules ?? ATTENDANCE_DEFAULTS;
  const at = msOf(fix.at, 'fix.at');
  const startsAt = msOf(shift.startsAt, 'startsAt');
  const endsAt = msOf(shift.endsAt, 'endsAt');
  const place = measure(site, fix, rules);

  const earliestAt = startsAt - rules.earliestClockInMinutes * MINUTE_MS;
  if (at < earliestAt) {
    const waitMinutes = Math.ceil((earliestAt - at) / MINUTE_MS);
    return {
      ok: false,
      reason: 'too_early',
      ...place,
      earliestAt: new Date(earliestAt),
      message: `Clock-in opens ${rules.earliestClockInMinutes} minutes before the shift starts; try again in ${waitMinutes} minutes.`,
      messageZh: `班次开始前 ${rules.earliestClockInMinutes} 分钟才能打卡，请 ${waitMinutes} 分钟后再试`,
    };
  }
  if (at >= endsAt) {
    return {
      ok: false,
      reason: 'shift_over',
      ...place,
      message: 'The shift has ended; it can no longer be clocked in.',
      messageZh: '班次已结束，不能再上班打卡',
    };
  }
  const refusal = refusePlace(fix, place, rules);
  if (refusal !== undefined) return refusal;

  const isLate = at > startsAt + rules.lateGraceMinutes * MINUTE_MS;
  return {
    ok: true,
    distanceM: place.distanceM,
    lateMinutes: isLate ? Math.ceil((at - startsAt) / MINUTE_MS) : 0,
    flags: locationFlags(fix, input.previous ?? [], rules),
  };
}

/**
 * May the worker clock out with this reading? Allowed after the shift ended (the wage stops at
 * `endsAt` anyway); leaving before the end, past the grace period, counts as early leave.
 */
export function checkClockOut(input: {
  site: Site;
  fix: Fix;
  shift: Shift;
  clockInAt: Date;
  previous?: readonly Fix[];
  rules?: AttendanceRules;
}): ClockOutResult {
  const { site, fix, shift } = input;
  const rules = input.rules ?? ATTENDANCE_DEFAULTS;
  const at = msOf(fix.at, 'fix.at');
  const endsAt = msOf(shift.endsAt, 'endsAt');
  const place = measure(site, fix, rules);

  if (at < msOf(input.clockInAt, 'clockInAt')) {
    return {
      ok: false,
      reason: 'before_clock_in',
      ...place,
      message: 'The clock-out time is before the clock-in time.',
      messageZh: '下班打卡时间早于上班打卡时间',
    };
  }
  const refusal = refusePlace(fix, place, rules);
  if (refusal !== undefined) return refusal;

  const isEarly = at < endsAt - rules.earlyLeaveGraceMinutes * MINUTE_MS;
  return {
    ok: true,
    distanceM: place.distanceM,
    earlyLeaveMinutes: isEarly ? Math.ceil((endsAt - at) / MINUTE_MS) : 0,
    flags: locationFlags(fix, input.previous ?? [], rules),
  };
}

/**
 * What a worker earned from verified attendance. Only time inside the shift counts (overtime was
 * never agreed or funded); breaks are deducted in proportion to the share of the shift covered, in
 * whole minutes so that staying longer never earns less. The result is clamped to `[0, holdFen]`:
 * the hold is all the employer funded, and whatever is not earned returns to them.
 */
export function earnedFen(
  input: WageTerms & {
    shift: Shift;
    clockInAt: Date;
    clockOutAt: Date;
    /** Pieces delivered (piece rate); `expectedPieces`, else 0, when absent. */
    pieces?: number;
    holdFen: number;
  },
): { workedMinutes: number; earnedFen: number } {
  const { shift } = input;
  const startsAt = msOf(shift.startsAt, 'startsAt');
  const endsAt = msOf(shift.endsAt, 'endsAt');
  const from = Math.max(msOf(input.clockInAt, 'clockInAt'), startsAt);
  const to = Math.min(msOf(input.clockOutAt, 'clockOutAt'), endsAt);
  const coveredMinutes = Math.max(0, Math.floor((to - from) / MINUTE_MS));
  const shiftMinutes = Math.floor((endsAt - startsAt) / MINUTE_MS);
  const breakMinutes = Math.max(0, shift.breakMinutes);
  const workedMinutes =
    shiftMinutes > 0
      ? Math.max(0, coveredMinutes - Math.floor((breakMinutes * coveredMinutes) / shiftMinutes))
      : 0;

  let earned: number;
  switch (input.wageKind) {
    case 'hour':
      earned = Math.floor((workedMinutes * input.wageFen) / 60);
      break;
    case 'day': {
      const paidMinutes = shiftPaidMinutes(shift);
      // A shift with no paid minutes has nothing to pay by time.
      earned =
        paidMinutes > 0
          ? Math.floor((input.wageFen * Math.min(workedMinutes, paidMinutes)) / paidMinutes)
          : 0;
      break;
    }
    case 'piece':
      earned = Math.floor(input.wageFen * Math.max(0, input.pieces ?? input.expectedPieces ?? 0));
      break;
    default:
      earned = input.wageKind satisfies never;
  }
  // NaN (a bad wage, piece count or hold) pays nothing rather than poisoning the ledger.
  const holdFen = Number.isFinite(input.holdFen) ? Math.max(0, Math.floor(input.holdFen)) : 0;
  return { workedMinutes, earnedFen: Number.isFinite(earned) ? Math.min(holdFen, Math.max(0, earned)) : 0 };
}

/** Where a hired worker's shift stands at `now`, from the clock-in and clock-out recorded. */
export function attendanceStatus(input: {
  shift: Shift;
  clockInAt: Date | null;
  clockOutAt: Date | null;
  now: Date;
  rules?: AttendanceRules;
}): AttendanceStatus {
  const rules = input.rules ?? ATTENDANCE_DEFAULTS;
  const now = msOf(input.now, 'now');
  if (input.clockInAt === null) {
    const noShowAt = msOf(input.shift.startsAt, 'startsAt') + rules.noShowAfterMinutes * MINUTE_MS;
    return now >= noShowAt ? 'no_show' : 'scheduled';
  }
  if (input.clockOutAt !== null) return 'completed';
  return now < msOf(input.shift.endsAt, 'endsAt') ? 'on_shift' : 'awaiting_clock_out';
}

/** Until when the employer may confirm or dispute the attendance; after it, it is confirmed for them. */
export function confirmDeadline(clockOutAt: Date, rules: AttendanceRules = ATTENDANCE_DEFAULTS): Date {
  return new Date(msOf(clockOutAt, 'clockOutAt') + rules.confirmWindowMinutes * MINUTE_MS);
}

/** How much each event moves reliability; a no-show costs most because the employer is left short. */
function reliabilityDelta(event: ReliabilityEvent): number {
  switch (event) {
    case 'completed':
      return 1;
    case 'late':
      return -2;
    case 'early_leave':
      return -2;
    case 'no_show':
      return -15;
    case 'late_cancel':
      return -8;
    case 'cancel':
      return 0;
    default:
      return event satisfies never;
  }
}

/** The worker's reliability (an integer 0–100, which orders matching) after one event. */
export function nextReliability(current: number, event: ReliabilityEvent): number {
  const base = Number.isFinite(current) ? Math.round(current) : 0;
  return Math.min(100, Math.max(0, base + reliabilityDelta(event)));
}

/** A cancellation less than 24 hours before the shift starts (or after it started) is late. */
export function isLateCancel(shiftStartsAt: Date, at: Date): boolean {
  return msOf(shiftStartsAt, 'shiftStartsAt') - msOf(at, 'at') < LATE_CANCEL_MS;
}

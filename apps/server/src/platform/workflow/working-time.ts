/**
 * Deadlines in working time. Service-level limits for non-urgent cases count office hours only:
 * working periods on working days, skipping public holidays and honouring the make-up working days
 * (调休) on which a weekend day is worked. Urgent categories (fire: minutes) use calendar time and
 * need none of this.
 */
export interface WorkingCalendar {
  /** Fixed offset of local time from UTC, in minutes (Asia/Shanghai: 480, no daylight saving). */
  utcOffsetMinutes: number;
  /** ISO weekdays worked ordinarily: 1 = Monday … 7 = Sunday. */
  workdays: readonly number[];
  /** Working periods of a working day, local `HH:MM`, ascending and not overlapping. */
  periods: ReadonlyArray<{ start: string; end: string }>;
  /** Local dates (`YYYY-MM-DD`) that are not worked although their weekday is. */
  holidays: ReadonlySet<string>;
  /** Local dates worked although their weekday is not (make-up working days). */
  extraWorkdays: ReadonlySet<string>;
}

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;

/** A typical subdistrict office: Monday–Friday 08:30–12:00 and 13:30–17:30, Beijing time. */
export function officeCalendar(
  holidays: Iterable<string> = [],
  extraWorkdays: Iterable<string> = [],
): WorkingCalendar {
  return {
    utcOffsetMinutes: 480,
    workdays: [1, 2, 3, 4, 5],
    periods: [
      { start: '08:30', end: '12:00' },
      { start: '13:30', end: '17:30' },
    ],
    holidays: new Set(holidays),
    extraWorkdays: new Set(extraWorkdays),
  };
}

function toMinutes(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}

/** Local day number (days since the epoch in local time) and minute of that day. */
function localParts(time: Date, calendar: WorkingCalendar): { day: number; minute: number } {
  const localMinutes = Math.floor(time.getTime() / MINUTE) + calendar.utcOffsetMinutes;
  const day = Math.floor(localMinutes / DAY_MINUTES);
  return { day, minute: localMinutes - day * DAY_MINUTES };
}

function dayToDate(day: number, minute: number, calendar: WorkingCalendar): Date {
  return new Date((day * DAY_MINUTES + minute - calendar.utcOffsetMinutes) * MINUTE);
}

function isoDate(day: number): string {
  return new Date(day * DAY_MINUTES * MINUTE).toISOString().slice(0, 10);
}

/** True when the local day is a working day of the calendar. */
export function isWorkingDay(day: number, calendar: WorkingCalendar): boolean {
  const date = isoDate(day);
  if (calendar.extraWorkdays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  const weekday = ((new Date(day * DAY_MINUTES * MINUTE).getUTCDay() + 6) % 7) + 1;
  return calendar.workdays.includes(weekday);
}

function periodsOf(calendar: WorkingCalendar): Array<[number, number]> {
  return calendar.periods.map((period) => [toMinutes(period.start), toMinutes(period.end)]);
}

/** Guards against calendars with no working time at all (which would loop forever). */
function assertHasWorkingTime(calendar: WorkingCalendar): void {
  const minutesPerDay = periodsOf(calendar).reduce((sum, [start, end]) => sum + Math.max(0, end - start), 0);
  if (minutesPerDay <= 0 || (calendar.workdays.length === 0 && calendar.extraWorkdays.size === 0)) {
    throw new RangeError('The working calendar has no working time');
  }
}

/**
 * The moment `minutes` of working time after `start` have passed. Seconds are dropped (deadlines are
 * set to the minute). A start outside working time begins counting at the next working period.
 */
export function addWorkingMinutes(start: Date, minutes: number, calendar: WorkingCalendar): Date {
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError('minutes must be a non-negative number');
  assertHasWorkingTime(calendar);
  const periods = periodsOf(calendar);
  let { day, minute } = localParts(start, calendar);
  let left = minutes;
  // A year without a single working day is a broken calendar, not a long deadline.
  for (let guard = 0; guard < 366 * 50; guard++) {
    if (isWorkingDay(day, calendar)) {
      for (const [periodStart, periodEnd] of periods) {
        if (minute >= periodEnd) continue;
        const from = Math.max(minute, periodStart);
        const available = periodEnd - from;
        if (left <= available) return dayToDate(day, from + left, calendar);
        left -= available;
        minute = periodEnd;
      }
    }
    day += 1;
    minute = 0;
  }
  throw new RangeError('No working time found within 50 years');
}

/** Working minutes between two moments (0 when `end` is not after `start`). */
export function workingMinutesBetween(start: Date, end: Date, calendar: WorkingCalendar): number {
  if (end.getTime() <= start.getTime()) return 0;
  const periods = periodsOf(calendar);
  const from = localParts(start, calendar);
  const to = localParts(end, calendar);
  let total = 0;
  for (let day = from.day; day <= to.day; day++) {
    if (!isWorkingDay(day, calendar)) continue;
    const dayStart = day === from.day ? from.minute : 0;
    const dayEnd = day === to.day ? to.minute : DAY_MINUTES;
    for (const [periodStart, periodEnd] of periods) {
      total += Math.max(0, Math.min(periodEnd, dayEnd) - Math.max(periodStart, dayStart));
    }
  }
  return total;
}

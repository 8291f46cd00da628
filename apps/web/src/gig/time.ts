import { TIME_ZONE } from '../format';

/**
 * Shift times. The API speaks ISO instants; people read and type Shanghai wall-clock time (the
 * subdistrict's zone, whatever the phone's zone is). China has no daylight saving, so a local time is
 * always `+08:00`.
 */
const SHANGHAI_OFFSET = '+08:00';
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

const partsFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  weekday: 'short',
  hourCycle: 'h23',
});

const WEEKDAY_NUMBER: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export interface LocalTime {
  /** `YYYY-MM-DD` in Shanghai. */
  day: string;
  /** `HH:mm` in Shanghai. */
  time: string;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
}

/** An instant as Shanghai wall-clock time; `null` when the text is not a date. */
export function shanghaiLocal(iso: string): LocalTime | null {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of partsFormat.formatToParts(date)) parts[part.type] = part.value;
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}`,
    weekday: WEEKDAY_NUMBER[parts.weekday ?? ''] ?? 1,
  };
}

export interface ShiftSpan {
  start: LocalTime;
  end: LocalTime;
  /** The shift ends on a later Shanghai day than it starts (a night shift). */
  overnight: boolean;
}

export function shiftSpan(startsAt: string, endsAt: string): ShiftSpan | null {
  const start = shanghaiLocal(startsAt);
  const end = shanghaiLocal(endsAt);
  if (!start || !end) return null;
  return { start, end, overnight: end.day !== start.day };
}

/** Shifts (or anything with a start) earliest first, as a sorted copy. */
export function sortByStart<T extends { startsAt: string }>(shifts: readonly T[]): T[] {
  return [...shifts].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
}

/** Minutes between two instants, less the unpaid break; never negative. */
export function paidMinutes(shift: { startsAt: string; endsAt: string; breakMinutes: number }): number {
  const span = (Date.parse(shift.endsAt) - Date.parse(shift.startsAt)) / 60_000;
  if (!Number.isFinite(span)) return 0;
  return Math.max(0, Math.floor(span) - Math.max(0, shift.breakMinutes));
}

/** `YYYY-MM-DD` + `HH:mm` in Shanghai → an ISO instant with its offset. `null` if either is malformed. */
export function toShanghaiIso(day: string, time: string): string | null {
  if (!DAY.test(day) || !TIME.test(time)) return null;
  return `${day}T${time}:00${SHANGHAI_OFFSET}`;
}

/** The calendar day after `YYYY-MM-DD` (calendar arithmetic only, no zone involved). */
export function nextDay(day: string): string | null {
  const match = DAY.exec(day);
  if (!match) return null;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + 1));
  return date.toISOString().slice(0, 10);
}

/**
 * One shift as the form gives it — a day, a start and an end time — as the API's instants. An end at or
 * before the start means the shift runs past midnight into the next day.
 */
export function shiftInstants(
  day: string,
  startTime: string,
  endTime: string,
): { startsAt: string; endsAt: string } | null {
  const startsAt = toShanghaiIso(day, startTime);
  if (!startsAt || !TIME.test(endTime)) return null;
  const endDay = endTime <= startTime ? nextDay(day) : day;
  const endsAt = endDay ? toShanghaiIso(endDay, endTime) : null;
  return endsAt ? { startsAt, endsAt } : null;
}

/** Whole hours and the remaining minutes, for "8 小时 30 分". */
export function hoursAndMinutes(minutes: number): { hours: number; minutes: number } {
  const whole = Math.max(0, Math.round(minutes));
  return { hours: Math.floor(whole / 60), minutes: whole % 60 };
}

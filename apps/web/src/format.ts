import type { OpeningHours } from '@jiedao/contracts';
import type { TFunction } from 'i18next';

/** Every time in the UI is shown in the subdistrict's zone, whatever the browser's zone is. */
export const TIME_ZONE = 'Asia/Shanghai';

const WEEKDAY_KEYS = ['1', '2', '3', '4', '5', '6', '7'] as const;
type WeekdayKey = (typeof WEEKDAY_KEYS)[number];

function weekdayKey(day: number): WeekdayKey | null {
  return WEEKDAY_KEYS[day - 1] ?? null;
}

/** Splits ISO weekdays into runs of consecutive days: [1,2,3,5,6] → [[1,3],[5,6]]. */
export function dayRuns(days: readonly number[]): [number, number][] {
  const sorted = [...new Set(days)].filter((day) => day >= 1 && day <= 7).sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const day of sorted) {
    const last = runs[runs.length - 1];
    if (last && day === last[1] + 1) last[1] = day;
    else runs.push([day, day]);
  }
  return runs;
}

function formatDays(days: readonly number[], t: TFunction): string {
  const name = (day: number): string => {
    const key = weekdayKey(day);
    return key ? t(`weekday.${key}`) : String(day);
  };
  const parts: string[] = [];
  for (const [from, to] of dayRuns(days)) {
    if (to - from >= 2) parts.push(t('hours.dayRange', { from: name(from), to: name(to) }));
    else if (to === from) parts.push(name(from));
    else parts.push(name(from), name(to));
  }
  return parts.join(t('hours.daySeparator'));
}

/** "周一至周日 08:00–20:00"; several entries are joined ("周一至周五 08:00–20:00；周六、周日 09:00–17:00"). */
export function formatOpeningHours(hours: OpeningHours, t: TFunction): string {
  if (hours.length === 0) return t('hours.notPublished');
  return hours
    .map((entry) =>
      t('hours.entry', {
        days: formatDays(entry.days, t),
        times: t('hours.timeRange', { open: entry.open, close: entry.close }),
      }),
    )
    .join(t('hours.entrySeparator'));
}

const dateTimeFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** `2026-11-29T02:05:03Z` → `2026-11-29 10:05:03` (Asia/Shanghai), the same in every UI language. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of dateTimeFormat.formatToParts(date)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/**
 * The instants that bound calendar days in Shanghai, for API date filters:
 * `2026-11-01`..`2026-11-30` → from `2026-11-01T00:00:00+08:00`, to `2026-11-30T23:59:59.999+08:00`.
 */
export function shanghaiDayRange(
  fromDay: string | null,
  toDay: string | null,
): { from: string | undefined; to: string | undefined } {
  return {
    from: fromDay ? `${fromDay}T00:00:00+08:00` : undefined,
    to: toDay ? `${toDay}T23:59:59.999+08:00` : undefined,
  };
}

/** Whole minutes to wait after a lock-out, never less than one. */
export function lockoutMinutes(retryAfterSeconds: number | null): number {
  if (retryAfterSeconds === null || !Number.isFinite(retryAfterSeconds) || retryAfterSeconds <= 0) return 1;
  return Math.max(1, Math.ceil(retryAfterSeconds / 60));
}

/** Areas: square metres below 0.1 km², square kilometres (two decimals) above. */
export function formatArea(areaM2: number, t: TFunction, locale: string): string {
  if (areaM2 >= 100_000) {
    const value = new Intl.NumberFormat(locale, {
      maximumFractionDigits: 2,
      minimumFractionDigits: 2,
    }).format(areaM2 / 1_000_000);
    return t('units.squareKilometres', { value });
  }
  return t('units.squareMetres', {
    value: new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(areaM2),
  });
}

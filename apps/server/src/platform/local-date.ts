/**
 * Calendar dates in the subdistrict's local time. Mainland China has used UTC+8 without daylight
 * saving since 1991, so a fixed offset serves every date — and the server's own time zone (UTC in
 * containers) never leaks into "today".
 */
export const CHINA_OFFSET_MINUTES = 480;
const MINUTE_MS = 60_000;

/** The local date (`YYYY-MM-DD`) of an instant. */
export function localDate(at: Date, offsetMinutes = CHINA_OFFSET_MINUTES): string {
  return new Date(at.getTime() + offsetMinutes * MINUTE_MS).toISOString().slice(0, 10);
}

/** The instant a local date (`YYYY-MM-DD`) begins. */
export function localMidnight(date: string, offsetMinutes = CHINA_OFFSET_MINUTES): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - offsetMinutes * MINUTE_MS);
}

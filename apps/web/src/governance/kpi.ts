/** Share 0..1 as a percentage with one decimal ("95.3%"); `null` (nothing to divide) as the dash. */
export function formatRate(rate: number | null, locale: string, none: string): string {
  if (rate === null || !Number.isFinite(rate)) return none;
  return new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(rate);
}

/** Rates below these are shown in warning / error colours (the subdistrict's assessment thresholds). */
export const RATE_GOOD = 0.95;
export const RATE_POOR = 0.8;

export function rateTone(rate: number | null): 'good' | 'fair' | 'poor' | 'none' {
  if (rate === null) return 'none';
  if (rate >= RATE_GOOD) return 'good';
  if (rate >= RATE_POOR) return 'fair';
  return 'poor';
}

const dayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** `YYYY-MM-DD` of an instant in Shanghai. */
export function shanghaiDay(instant: Date): string {
  return dayFormat.format(instant);
}

/** The default KPI period: from the first of this month to today, in Shanghai. */
export function monthToDate(now: Date): [string, string] {
  const today = shanghaiDay(now);
  return [`${today.slice(0, 8)}01`, today];
}

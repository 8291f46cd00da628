import { describe, expect, it } from 'vitest';
import { formatRate, monthToDate, rateTone } from './kpi';

describe('KPI formatting', () => {
  it('formats shares as percentages with one decimal', () => {
    expect(formatRate(0.9534, 'zh-CN', '—')).toBe('95.3%');
    expect(formatRate(1, 'en', '—')).toBe('100.0%');
    expect(formatRate(null, 'zh-CN', '—')).toBe('—');
  });

  it('grades rates against the thresholds', () => {
    expect(rateTone(0.97)).toBe('good');
    expect(rateTone(0.85)).toBe('fair');
    expect(rateTone(0.5)).toBe('poor');
    expect(rateTone(null)).toBe('none');
  });

  it('defaults to the month so far in Shanghai (already the 1st there at 16:30 UTC on the 31st)', () => {
    expect(monthToDate(new Date('2026-11-29T02:00:00Z'))).toEqual(['2026-11-01', '2026-11-29']);
    expect(monthToDate(new Date('2026-12-31T16:30:00Z'))).toEqual(['2027-01-01', '2027-01-01']);
  });
});

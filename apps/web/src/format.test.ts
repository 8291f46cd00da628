import i18next, { type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  dayRuns,
  formatArea,
  formatDateTime,
  formatOpeningHours,
  lockoutMinutes,
  shanghaiDayRange,
} from './format';
import en from './i18n/en';
import zhCN from './i18n/zh-CN';

let zh: TFunction;
let english: TFunction;

beforeAll(async () => {
  const instance = i18next.createInstance();
  await instance.init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    lng: 'zh-CN',
    interpolation: { escapeValue: false },
  });
  zh = instance.getFixedT('zh-CN');
  english = instance.getFixedT('en');
});

describe('formatOpeningHours', () => {
  it('formats a whole week as a range', () => {
    expect(formatOpeningHours([{ days: [1, 2, 3, 4, 5, 6, 7], open: '08:00', close: '20:00' }], zh)).toBe(
      '周一至周日 08:00–20:00',
    );
    expect(
      formatOpeningHours([{ days: [7, 1, 2, 3, 4, 5, 6], open: '08:00', close: '20:00' }], english),
    ).toBe('Mon–Sun 08:00–20:00');
  });

  it('joins several entries and lists two adjacent days rather than a range', () => {
    const hours = [
      { days: [1, 2, 3, 4, 5], open: '09:00', close: '17:30' },
      { days: [6, 7], open: '10:00', close: '16:00' },
    ];
    expect(formatOpeningHours(hours, zh)).toBe('周一至周五 09:00–17:30；周六、周日 10:00–16:00');
    expect(formatOpeningHours(hours, english)).toBe('Mon–Fri 09:00–17:30; Sat, Sun 10:00–16:00');
  });

  it('handles gaps and unpublished hours', () => {
    expect(formatOpeningHours([{ days: [1, 3, 4, 5], open: '08:00', close: '11:00' }], zh)).toBe(
      '周一、周三至周五 08:00–11:00',
    );
    expect(formatOpeningHours([], zh)).toBe('未公布');
  });
});

describe('dayRuns', () => {
  it('groups consecutive weekdays and drops duplicates and invalid days', () => {
    expect(dayRuns([5, 1, 2, 3, 3, 9, 0, 7])).toEqual([
      [1, 3],
      [5, 5],
      [7, 7],
    ]);
  });
});

describe('formatDateTime', () => {
  it('shows instants in Asia/Shanghai whatever the zone of the input', () => {
    expect(formatDateTime('2026-11-29T02:05:03Z')).toBe('2026-11-29 10:05:03');
    expect(formatDateTime('2026-11-29T23:30:00+08:00')).toBe('2026-11-29 23:30:00');
    expect(formatDateTime('2026-12-31T16:00:00.000Z')).toBe('2027-01-01 00:00:00');
  });

  it('returns unparseable input unchanged', () => {
    expect(formatDateTime('not a date')).toBe('not a date');
  });
});

describe('shanghaiDayRange', () => {
  it('bounds whole Shanghai days', () => {
    expect(shanghaiDayRange('2026-11-01', '2026-11-30')).toEqual({
      from: '2026-11-01T00:00:00+08:00',
      to: '2026-11-30T23:59:59.999+08:00',
    });
    expect(shanghaiDayRange(null, null)).toEqual({ from: undefined, to: undefined });
  });
});

describe('lockoutMinutes', () => {
  it('rounds up to whole minutes, at least one', () => {
    expect(lockoutMinutes(900)).toBe(15);
    expect(lockoutMinutes(61)).toBe(2);
    expect(lockoutMinutes(5)).toBe(1);
    expect(lockoutMinutes(null)).toBe(1);
  });
});

describe('formatArea', () => {
  it('uses km² for large areas and m² for small ones', () => {
    expect(formatArea(1_234_567, zh, 'zh-CN')).toBe('1.23 平方千米');
    expect(formatArea(45_000, english, 'en')).toBe('45,000 m²');
  });
});

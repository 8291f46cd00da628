import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attributeFields,
  parseForm,
  parseList,
  parseW3cDateTime,
  pickLocale,
  redactContacts,
} from './open311-params.js';

describe('Open311 parameters', () => {
  it('reads W3C date-times with a time zone, and nothing else', () => {
    expect(parseW3cDateTime('1994-11-05T08:15:30-05:00')?.toISOString()).toBe('1994-11-05T13:15:30.000Z');
    expect(parseW3cDateTime('1994-11-05T13:15:30Z')?.toISOString()).toBe('1994-11-05T13:15:30.000Z');
    expect(parseW3cDateTime('2026-11-29T08:30+08:00')?.toISOString()).toBe('2026-11-29T00:30:00.000Z');
    expect(parseW3cDateTime('2026-11-29T08:30:00.123456Z')?.toISOString()).toBe('2026-11-29T08:30:00.123Z');
    for (const bad of [
      '2026-11-29',
      '2026-11-29T08:30:00',
      '2026-02-30T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-11-29T24:00:00Z',
      '2026-11-29T08:30:00+15:00',
      'yesterday',
    ])
      expect(parseW3cDateTime(bad), bad).toBeNull();
  });

  it('reads any instant written in any offset back as the same instant', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('2100-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        (date, offsetMinutes) => {
          const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 23);
          const sign = offsetMinutes < 0 ? '-' : '+';
          const absolute = Math.abs(offsetMinutes);
          const offset = `${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
          expect(parseW3cDateTime(`${local}${offset}`)?.getTime()).toBe(date.getTime());
        },
      ),
    );
  });

  it('splits comma lists', () => {
    expect(parseList(' a, b,,c ,')).toEqual(['a', 'b', 'c']);
    expect(parseList('')).toEqual([]);
  });

  it('prefers English only when asked', () => {
    expect(pickLocale('en', undefined)).toBe('en');
    expect(pickLocale('en-US', 'zh-CN')).toBe('en');
    expect(pickLocale('zh', 'en')).toBe('zh');
    expect(pickLocale(undefined, undefined)).toBe('zh');
    expect(pickLocale(undefined, 'en-GB,en;q=0.9')).toBe('en');
    expect(pickLocale(undefined, 'zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(pickLocale(undefined, 'fr, en;q=0.5, zh;q=0.8')).toBe('zh');
    expect(pickLocale(undefined, 'fr')).toBe('zh');
  });

  it('reads form bodies, collecting repeated names and attribute[…] fields', () => {
    const form = parseForm(
      'api_key=k%2B1&description=%E8%B7%AF%E7%81%AF+%E4%B8%8D%E4%BA%AE&attribute%5Bwaste_type%5D%5B%5D=odour' +
        '&attribute%5Bwaste_type%5D%5B%5D=bulky&attribute[time_of_day]=night&x=1&x=2',
    );
    expect(form).toEqual({
      api_key: 'k+1',
      description: '路灯 不亮',
      'attribute[waste_type][]': ['odour', 'bulky'],
      'attribute[time_of_day]': 'night',
      x: ['1', '2'],
    });
    expect(attributeFields(form)).toEqual(
      new Map([
        ['waste_type', ['odour', 'bulky']],
        ['time_of_day', ['night']],
      ]),
    );
  });

  it('masks mobile numbers and e-mail addresses in free text', () => {
    expect(redactContacts('请联系13912345678或 wang.xm@example.com')).toBe(
      '请联系139****5678或 w***@example.com',
    );
    // Longer digit runs (order numbers) and landlines are not mobile numbers.
    expect(redactContacts('订单 213912345678901，电话 0571-88888888')).toBe(
      '订单 213912345678901，电话 0571-88888888',
    );
  });
});

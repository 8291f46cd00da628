import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fenToYuanText, formatFen, formatSignedFen, parseYuan, sumFen } from './money';

describe('formatFen', () => {
  it('shows yuan with two decimals and a yuan sign', () => {
    expect(formatFen(1250)).toBe('¥12.50');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(12_000)).toBe('¥120.00');
    expect(formatFen(123_456_789)).toBe('¥1,234,567.89');
    expect(formatFen(-300)).toBe('−¥3.00');
  });

  it('signs wallet entries', () => {
    expect(formatSignedFen(1250)).toBe('+¥12.50');
    expect(formatSignedFen(-300)).toBe('−¥3.00');
    expect(formatSignedFen(0)).toBe('¥0.00');
  });

  it('gives plain yuan text for inputs', () => {
    expect(fenToYuanText(120005, false)).toBe('1200.05');
    expect(fenToYuanText(-7)).toBe('-0.07');
  });
});

describe('parseYuan', () => {
  it('reads what people type', () => {
    expect(parseYuan('12')).toBe(1200);
    expect(parseYuan('12.5')).toBe(1250);
    expect(parseYuan('12.50')).toBe(1250);
    expect(parseYuan(' ¥1,200.05 ')).toBe(120005);
    expect(parseYuan('￥0.1')).toBe(10);
    expect(parseYuan('0.29')).toBe(29);
    expect(parseYuan('12.')).toBe(1200);
  });

  it('refuses anything else', () => {
    for (const text of ['', ' ', 'abc', '-3', '12.345', '1e3', '.5', '12,5', undefined, null]) {
      expect(parseYuan(text), String(text)).toBeNull();
    }
  });

  it('round-trips every amount exactly (no float drift)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999 }), (fen) => {
        expect(parseYuan(fenToYuanText(fen))).toBe(fen);
        expect(parseYuan(formatFen(fen))).toBe(fen);
      }),
    );
  });

  it('sums integer amounts', () => {
    expect(sumFen([10, 20, 30])).toBe(60);
    expect(sumFen([])).toBe(0);
  });
});

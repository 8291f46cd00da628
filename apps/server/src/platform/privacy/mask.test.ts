import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskName, maskPhone } from './mask.js';

describe('maskIdNumber', () => {
  it('keeps the first 6 and last 4 characters', () => {
    expect(maskIdNumber('330106199001011234')).toBe('330106********1234');
    expect(maskIdNumber('33010619900101123X')).toBe('330106********123X');
  });

  it('handles 15-digit legacy numbers', () => {
    expect(maskIdNumber('330106900101123')).toBe('330106*****1123');
  });

  it('masks values too short to keep both ends', () => {
    expect(maskIdNumber('1234567890')).toBe('**********');
  });

  it('passes null and undefined through', () => {
    expect(maskIdNumber(null)).toBeNull();
    expect(maskIdNumber(undefined)).toBeUndefined();
  });
});

describe('maskPhone', () => {
  it('keeps the first 3 and last 4 digits', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('masks values too short to keep both ends', () => {
    expect(maskPhone('1234567')).toBe('*******');
  });

  it('passes null and undefined through', () => {
    expect(maskPhone(null)).toBeNull();
    expect(maskPhone(undefined)).toBeUndefined();
  });
});

describe('maskName', () => {
  it.each([
    ['张三', '张*'],
    ['李小明', '李*明'],
    ['欧阳娜娜', '欧**娜'],
    ['阿卜杜·热合曼', '阿*****曼'],
    ['张', '*'],
    ['', ''],
    // U+20BB7 𠮷 is outside the BMP; it must not be split into surrogate halves.
    ['𠮷野家', '𠮷*家'],
  ])('masks %j as %j', (name, expected) => {
    expect(maskName(name)).toBe(expected);
  });

  it('passes null and undefined through', () => {
    expect(maskName(null)).toBeNull();
    expect(maskName(undefined)).toBeUndefined();
  });
});

import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PiiCipher, PiiDecryptionError, normalizeIdNumber, normalizePhone } from './pii-cipher.js';

const master = randomBytes(32);
const cipher = new PiiCipher(master);
const CONTEXT = 'person.id_number';

/** Flips one bit of byte `index` inside base64url segment `segment` (1 = IV, 2 = tag, 3 = ciphertext). */
function flipByte(token: string, segment: 1 | 2 | 3, index = 0): string {
  const parts = token.split('.');
  const bytes = Buffer.from(parts[segment] ?? '', 'base64url');
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  parts[segment] = bytes.toString('base64url');
  return parts.join('.');
}

function captureError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('PiiCipher encrypt/decrypt', () => {
  it('round-trips arbitrary unicode strings', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'grapheme', minLength: 1 }),
        (text, context) => {
          expect(cipher.decrypt(cipher.encrypt(text, context), context)).toBe(text);
        },
      ),
    );
  });

  it('produces the documented v1 format', () => {
    const token = cipher.encrypt('330106199001011234', CONTEXT);
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(token).not.toContain('330106');
  });

  it('never uses an IV twice, across refills of the IV pool', () => {
    const ivs = new Set<string>();
    const count = 2000; // several pools of 256
    for (let i = 0; i < count; i++) ivs.add(cipher.encrypt('x', CONTEXT).split('.')[1]!);
    expect(ivs.size).toBe(count);
  });

  it('encrypts the same plaintext differently each time', () => {
    const a = cipher.encrypt('张三', CONTEXT);
    const b = cipher.encrypt('张三', CONTEXT);
    expect(a).not.toBe(b);
    expect(cipher.decrypt(a, CONTEXT)).toBe('张三');
    expect(cipher.decrypt(b, CONTEXT)).toBe('张三');
  });

  it.each([
    ['IV', 1],
    ['tag', 2],
    ['ciphertext', 3],
  ] as const)('detects a flipped byte in the %s', (_label, segment) => {
    const token = cipher.encrypt('13812345678', 'person.phone');
    const error = captureError(() => cipher.decrypt(flipByte(token, segment), 'person.phone'));
    expect(error).toBeInstanceOf(PiiDecryptionError);
    expect((error as PiiDecryptionError).reason).toBe('authentication');
  });

  it('detects any single-bit change anywhere in the ciphertext (property)', () => {
    const token = cipher.encrypt('欧阳娜娜 330106199001011234', CONTEXT);
    const length = Buffer.from(token.split('.')[3] ?? '', 'base64url').length;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: length - 1 }), (index) => {
        expect(() => cipher.decrypt(flipByte(token, 3, index), CONTEXT)).toThrow(PiiDecryptionError);
      }),
    );
  });

  it('rejects a wrong context', () => {
    const token = cipher.encrypt('330106199001011234', 'person.id_number');
    expect(() => cipher.decrypt(token, 'person.phone')).toThrow(PiiDecryptionError);
  });

  it('rejects a token made with another key', () => {
    const token = new PiiCipher(randomBytes(32)).encrypt('secret', CONTEXT);
    expect(() => cipher.decrypt(token, CONTEXT)).toThrow(PiiDecryptionError);
  });

  it.each([
    ['empty string', ''],
    ['too few parts', 'v1.abc.def'],
    ['too many parts', 'v1.a.b.c.d'],
    ['unknown version', 'v2.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AA'],
    ['non-base64url characters', 'v1.AAAA!AAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AA'],
    ['short IV', 'v1.AAAA.AAAAAAAAAAAAAAAAAAAAAA.AA'],
    ['truncated tag', 'v1.AAAAAAAAAAAAAAAA.AAAA.AA'],
  ])('rejects a malformed token (%s) as a format error', (_label, token) => {
    const error = captureError(() => cipher.decrypt(token, CONTEXT));
    expect(error).toBeInstanceOf(PiiDecryptionError);
    expect((error as PiiDecryptionError).reason).toBe('format');
  });

  it('rejects an empty context', () => {
    expect(() => cipher.encrypt('x', '')).toThrow(TypeError);
  });

  it('needs a 32-byte master key', () => {
    expect(() => new PiiCipher(Buffer.alloc(31))).toThrow(/32 bytes/);
  });
});

describe('PiiCipher.blindIndex', () => {
  it('is stable across calls and instances with the same master key', () => {
    const value = '13812345678';
    const index = cipher.blindIndex('phone', value);
    expect(index).toMatch(/^[0-9a-f]{64}$/);
    expect(cipher.blindIndex('phone', value)).toBe(index);
    expect(new PiiCipher(Buffer.from(master)).blindIndex('phone', value)).toBe(index);
  });

  it('separates kinds and keys', () => {
    expect(cipher.blindIndex('phone', '13812345678')).not.toBe(cipher.blindIndex('id_number', '13812345678'));
    expect(new PiiCipher(randomBytes(32)).blindIndex('phone', '13812345678')).not.toBe(
      cipher.blindIndex('phone', '13812345678'),
    );
  });

  it('differs for different values', () => {
    expect(cipher.blindIndex('phone', '13812345678')).not.toBe(cipher.blindIndex('phone', '13812345679'));
  });

  it('rejects kinds that could make the kind/value boundary ambiguous', () => {
    expect(() => cipher.blindIndex('', 'x')).toThrow(TypeError);
    expect(() => cipher.blindIndex('a\0b', 'c')).toThrow(TypeError);
  });
});

describe('normalizePhone', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['+8613812345678', '13812345678'],
    ['0086-138-1234-5678', '13812345678'],
    [' 19912345678 ', '19912345678'],
  ])('normalises %j to %j', (raw, expected) => {
    expect(normalizePhone(raw)).toBe(expected);
  });

  it.each([
    '',
    '12812345678',
    '1381234567',
    '138123456789',
    '010-12345678',
    '+1 138 1234 5678',
    '1381234567a',
  ])('rejects %j', (raw) => {
    expect(normalizePhone(raw)).toBeUndefined();
  });
});

describe('normalizeIdNumber', () => {
  it('trims and upper-cases the check digit', () => {
    expect(normalizeIdNumber('  33010619900101123x ')).toBe('33010619900101123X');
    expect(normalizeIdNumber('330106199001011234')).toBe('330106199001011234');
  });
});

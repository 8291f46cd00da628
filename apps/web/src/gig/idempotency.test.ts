import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, newIdempotencyKey, SubmissionKeys } from './idempotency';

describe('newIdempotencyKey', () => {
  it('makes distinct v4 UUIDs', () => {
    const keys = Array.from({ length: 50 }, () => newIdempotencyKey(webcrypto as unknown as Crypto));
    for (const key of keys)
      expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('SubmissionKeys', () => {
  it('reuses the key while the same body is retried, and starts afresh after settling', () => {
    let counter = 0;
    const keys = new SubmissionKeys(() => `key-${++counter}`);
    expect(keys.keyFor({ amountFen: 100 })).toBe('key-1');
    expect(keys.keyFor({ amountFen: 100 })).toBe('key-1');
    expect(keys.pendingKey).toBe('key-1');
    keys.settle();
    expect(keys.pendingKey).toBeNull();
    expect(keys.keyFor({ amountFen: 100 })).toBe('key-2');
  });

  it('takes a changed body as a new submission', () => {
    let counter = 0;
    const keys = new SubmissionKeys(() => `key-${++counter}`);
    expect(keys.keyFor({ amountFen: 100 })).toBe('key-1');
    expect(keys.keyFor({ amountFen: 200 })).toBe('key-2');
    expect(keys.keyFor({ amountFen: 200 })).toBe('key-2');
  });

  it('compares bodies regardless of key order', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: null }], e: undefined })).toBe(
      '{"a":[1,{"c":null,"d":2}],"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});

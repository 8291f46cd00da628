import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeBackoffDelay, resolveBackoffOptions, type BackoffOptions } from './backoff.js';

const options = fc.record({
  initialMs: fc.integer({ min: 1, max: 10_000 }),
  extraMs: fc.integer({ min: 0, max: 100_000 }),
  factor: fc.double({ min: 1, max: 4, noNaN: true }),
  jitter: fc.double({ min: 0, max: 1, noNaN: true }),
});
const toBackoff = (o: {
  initialMs: number;
  extraMs: number;
  factor: number;
  jitter: number;
}): BackoffOptions => ({
  initialMs: o.initialMs,
  maxMs: o.initialMs + o.extraMs,
  factor: o.factor,
  jitter: o.jitter,
});

describe('computeBackoffDelay', () => {
  it('doubles from initialMs up to the cap without jitter', () => {
    const backoff = { initialMs: 50, maxMs: 400, factor: 2, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => computeBackoffDelay(attempt, backoff))).toEqual([
      50, 100, 200, 400, 400, 400,
    ]);
  });

  it('stays between (1 − jitter) × nominal and the nominal delay, never above maxMs', () => {
    fc.assert(
      fc.property(
        options,
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (o, attempt, random) => {
          const backoff = toBackoff(o);
          const nominal = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** (attempt - 1));
          const delay = computeBackoffDelay(attempt, backoff, () => random);
          expect(delay).toBeLessThanOrEqual(Math.round(nominal));
          expect(delay).toBeGreaterThanOrEqual(Math.floor(nominal * (1 - backoff.jitter)));
          expect(delay).toBeLessThanOrEqual(backoff.maxMs);
        },
      ),
    );
  });

  it('never shrinks from one attempt to the next when there is no jitter', () => {
    fc.assert(
      fc.property(options, fc.integer({ min: 1, max: 200 }), (o, attempt) => {
        const backoff = { ...toBackoff(o), jitter: 0 };
        expect(computeBackoffDelay(attempt + 1, backoff)).toBeGreaterThanOrEqual(
          computeBackoffDelay(attempt, backoff),
        );
      }),
    );
  });
});

describe('resolveBackoffOptions', () => {
  const defaults = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.2 };

  it('fills in the defaults', () => {
    expect(resolveBackoffOptions('retry', { maxMs: 5000 }, defaults)).toEqual({ ...defaults, maxMs: 5000 });
  });

  it('rejects settings that make no sense, naming the option', () => {
    expect(() => resolveBackoffOptions('retry', { initialMs: 0 }, defaults)).toThrow('retry.initialMs');
    expect(() => resolveBackoffOptions('retry', { maxMs: 50 }, defaults)).toThrow('retry.maxMs');
    expect(() => resolveBackoffOptions('reconnect', { factor: 0.5 }, defaults)).toThrow('reconnect.factor');
    expect(() => resolveBackoffOptions('reconnect', { jitter: 2 }, defaults)).toThrow('reconnect.jitter');
  });
});

import { describe, expect, it } from 'vitest';
import { localDate, localMidnight } from './local-date.js';

describe('local dates (UTC+8)', () => {
  it('puts an instant on its Beijing date, not its UTC date', () => {
    expect(localDate(new Date('2026-11-28T16:30:00Z'))).toBe('2026-11-29');
    expect(localDate(new Date('2026-11-28T15:59:59Z'))).toBe('2026-11-28');
  });

  it('starts a local date at 16:00 UTC of the day before', () => {
    expect(localMidnight('2026-11-29').toISOString()).toBe('2026-11-28T16:00:00.000Z');
    expect(localDate(localMidnight('2026-11-29'))).toBe('2026-11-29');
  });
});

import { describe, expect, it } from 'vitest';
import { formatOpeningHoursZh } from './facility-labels.js';

describe('formatOpeningHoursZh', () => {
  it('collapses consecutive days into a range and joins slots', () => {
    expect(formatOpeningHoursZh([{ days: [1, 2, 3, 4, 5, 6, 7], open: '08:00', close: '20:30' }])).toBe(
      '周一至周日 08:00–20:30',
    );
    expect(
      formatOpeningHoursZh([
        { days: [5, 1, 2, 3, 4], open: '09:00', close: '17:00' },
        { days: [6], open: '09:00', close: '12:00' },
      ]),
    ).toBe('周一至周五 09:00–17:00；周六 09:00–12:00');
  });

  it('lists days that are not consecutive', () => {
    expect(formatOpeningHoursZh([{ days: [2, 4], open: '14:00', close: '17:00' }])).toBe(
      '周二、周四 14:00–17:00',
    );
  });
});

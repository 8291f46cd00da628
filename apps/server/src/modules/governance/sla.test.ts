import { describe, expect, it } from 'vitest';
import { buildSlaBook, dueAt } from './sla.js';

describe('service levels', () => {
  const book = buildSlaBook(
    [],
    [
      { date: '2026-10-01', kind: 'holiday' },
      { date: '2026-10-11', kind: 'workday' },
    ],
  );

  it('fire counts calendar minutes', () => {
    const terms = book.terms('fire', 'critical');
    expect(terms).toEqual({ responseMinutes: 5, resolveMinutes: 60, clock: 'calendar' });
    const start = new Date('2026-11-28T22:00:00+08:00'); // a Saturday night
    expect(dueAt(start, terms.responseMinutes, terms.clock, book.calendar).toISOString()).toBe(
      '2026-11-28T14:05:00.000Z',
    );
  });

  it('a noise complaint counts office hours and skips the weekend', () => {
    const terms = book.terms('noise', 'low');
    expect(terms.clock).toBe('working');
    const friday = new Date('2026-11-27T17:00:00+08:00');
    // 30 minutes left on Friday, the remaining 90 on Monday morning from 08:30.
    expect(dueAt(friday, terms.responseMinutes, terms.clock, book.calendar).toISOString()).toBe(
      new Date('2026-11-30T10:00:00+08:00').toISOString(),
    );
  });

  it('a critical report of an office-hours category runs on calendar time, shorter', () => {
    const terms = book.terms('noise', 'critical');
    expect(terms.clock).toBe('calendar');
    expect(terms.responseMinutes).toBe(30);
  });

  it('a tenant policy wins over the defaults', () => {
    const own = buildSlaBook(
      [{ category: 'noise', severity: 'low', responseMinutes: 10, resolveMinutes: 20, clock: 'calendar' }],
      [],
    );
    expect(own.terms('noise', 'low')).toEqual({ responseMinutes: 10, resolveMinutes: 20, clock: 'calendar' });
  });

  it('the holiday is skipped and the make-up working day is worked', () => {
    const terms = book.terms('public_service', 'medium');
    const beforeHoliday = new Date('2026-09-30T17:00:00+08:00');
    const due = dueAt(beforeHoliday, 60, terms.clock, book.calendar);
    // 1 Oct is a holiday (Thursday), 2 Oct Friday is worked: 30 min on 30 Sep, 30 min on 2 Oct.
    expect(due.toISOString()).toBe(new Date('2026-10-02T09:00:00+08:00').toISOString());
  });
});

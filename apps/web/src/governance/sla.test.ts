import { describe, expect, it } from 'vitest';
import { formatDuration, slaState, splitDuration, type DurationWords } from './sla';

const NOW = Date.parse('2026-11-29T02:00:00Z');
const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();

const open = {
  stage: 'triage' as const,
  responseDueAt: at(10),
  resolveDueAt: at(240),
  respondedAt: null,
  closedAt: null,
};

const zh: DurationWords = {
  daysHours: (d, h) => `${d}天${h}小时`,
  hoursMinutes: (h, m) => `${h}小时${m}分`,
  minutesSeconds: (m, s) => `${m}分${s}秒`,
};

describe('slaState', () => {
  it('counts towards the response deadline until someone responds', () => {
    expect(slaState(open, NOW)).toMatchObject({
      phase: 'response',
      remainingMs: 10 * 60_000,
      overdue: false,
      urgency: 'soon',
    });
  });

  it('then counts towards the resolution deadline', () => {
    const state = slaState({ ...open, stage: 'handling', respondedAt: at(-5) }, NOW);
    expect(state).toMatchObject({ phase: 'resolve', dueAt: at(240), urgency: 'ok' });
  });

  it('is overdue once the deadline has passed', () => {
    const state = slaState({ ...open, responseDueAt: at(-1) }, NOW);
    expect(state?.overdue).toBe(true);
    expect(state?.urgency).toBe('overdue');
    expect(state?.remainingMs).toBe(-60_000);
  });

  it('stops for finished, suspended and duplicate cases', () => {
    for (const stage of ['evaluation', 'closed', 'suspended', 'duplicate'] as const) {
      expect(slaState({ ...open, stage }, NOW), stage).toBeNull();
    }
    expect(slaState({ ...open, closedAt: at(-1) }, NOW)).toBeNull();
  });

  it('falls back to the resolution deadline when there is no response deadline, and to none', () => {
    expect(slaState({ ...open, responseDueAt: null }, NOW)?.phase).toBe('resolve');
    expect(slaState({ ...open, responseDueAt: null, resolveDueAt: null }, NOW)).toBeNull();
    expect(slaState({ ...open, responseDueAt: 'not a date' }, NOW)).toBeNull();
  });
});

describe('formatDuration', () => {
  it('splits durations, ignoring the sign', () => {
    expect(splitDuration(-(26 * 3600 + 61) * 1000)).toEqual({ days: 1, hours: 2, minutes: 1, seconds: 1 });
    expect(splitDuration(999)).toEqual({ days: 0, hours: 0, minutes: 0, seconds: 0 });
  });

  it('shows days and hours, hours and minutes, or minutes and seconds', () => {
    expect(formatDuration((2 * 86_400 + 3 * 3600 + 59) * 1000, zh)).toBe('2天3小时');
    expect(formatDuration((3600 + 5 * 60 + 30) * 1000, zh)).toBe('1小时05分');
    expect(formatDuration((4 * 60 + 7) * 1000, zh)).toBe('4分07秒');
    expect(formatDuration(-(4 * 60 + 7) * 1000, zh)).toBe('4分07秒');
    expect(formatDuration(0, zh)).toBe('0分00秒');
  });
});

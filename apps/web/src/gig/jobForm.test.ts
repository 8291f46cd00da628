import { describe, expect, it } from 'vitest';
import { nextShiftRow, toJobInput, type JobFormValues } from './jobForm';
import { nextDay } from './time';

const site = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

const valid: JobFormValues = {
  siteId: site,
  title: ' 商场保洁 ',
  category: 'cleaning',
  skills: ['health_cert'],
  headcount: 3,
  wageKind: 'hour',
  wageYuan: '25.5',
  settlementCycle: 'daily',
  requirements: '  ',
  injuryCover: true,
  shifts: [
    { day: '2026-12-02', start: '08:00', end: '17:00', breakMinutes: 60 },
    { day: '2026-12-01', start: '22:00', end: '06:00', breakMinutes: null },
  ],
};

describe('toJobInput', () => {
  it('builds the API body: fen, Shanghai instants, shifts in order', () => {
    const result = toJobInput(valid);
    expect(result).toEqual({
      ok: true,
      input: {
        siteId: site,
        title: '商场保洁',
        category: 'cleaning',
        skills: ['health_cert'],
        headcount: 3,
        wageKind: 'hour',
        wageFen: 2550,
        settlementCycle: 'daily',
        injuryCover: true,
        shifts: [
          { startsAt: '2026-12-01T22:00:00+08:00', endsAt: '2026-12-02T06:00:00+08:00', breakMinutes: 0 },
          { startsAt: '2026-12-02T08:00:00+08:00', endsAt: '2026-12-02T17:00:00+08:00', breakMinutes: 60 },
        ],
      },
    });
  });

  it('needs expected pieces for piece work', () => {
    const missing = toJobInput({ ...valid, wageKind: 'piece', expectedPieces: null });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.problems).toEqual([{ field: 'expectedPieces', key: 'pieces' }]);
    const ok = toJobInput({ ...valid, wageKind: 'piece', expectedPieces: 200, wageYuan: '0.5' });
    expect(ok.ok && ok.input.expectedPieces).toBe(200);
    expect(ok.ok && ok.input.wageFen).toBe(50);
  });

  it('names every wrong field and shift row', () => {
    const result = toJobInput({
      shifts: [{ day: '2026-12-01', start: '08:00', end: '08:30', breakMinutes: 60 }, { day: '2026-12-01' }],
      wageYuan: '12.345',
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toEqual([
        { field: 'siteId', key: 'required' },
        { field: 'title', key: 'required' },
        { field: 'category', key: 'required' },
        { field: 'headcount', key: 'headcount' },
        { field: 'wageKind', key: 'required' },
        { field: 'wageYuan', key: 'wage' },
        { field: 'settlementCycle', key: 'required' },
        { field: 'shifts', key: 'shiftShort', row: 0 },
        { field: 'shifts', key: 'shift', row: 1 },
      ]);
    }
    const none = toJobInput({ ...valid, shifts: [] });
    expect(!none.ok && none.problems).toEqual([{ field: 'shifts', key: 'shiftsNone' }]);
  });
});

describe('nextShiftRow', () => {
  it('repeats the last shift on the next day', () => {
    expect(nextShiftRow([], '2026-12-01', nextDay)).toEqual({
      day: '2026-12-01',
      start: '08:00',
      end: '17:00',
      breakMinutes: 60,
    });
    expect(
      nextShiftRow([{ day: '2026-12-31', start: '09:00', end: '18:00', breakMinutes: 30 }], 'x', nextDay),
    ).toEqual({
      day: '2027-01-01',
      start: '09:00',
      end: '18:00',
      breakMinutes: 30,
    });
  });
});

import type { ContractTerms } from '@jiedao/contracts';
import { GIG_APPLICATION_STATES, GIG_ASSIGNMENT_STATES } from '@jiedao/contracts/constants';
import { describe, expect, it } from 'vitest';
import {
  employerApplicationActions,
  hasShiftAhead,
  employerAssignmentActions,
  estimateHoldFen,
  estimateJobFundsFen,
  groupHash,
  isContractHash,
  sortApplications,
  summarizeContract,
  workerApplicationActions,
  workerAssignmentActions,
} from './contract';

const uuid = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

function terms(overrides: Partial<ContractTerms> = {}): ContractTerms {
  return {
    jobId: uuid,
    title: '商场保洁',
    employer: { id: uuid, name: '古荡物业', uscc: null },
    workerId: uuid,
    site: { name: '万塘路店', address: '万塘路 18 号' },
    wageKind: 'hour',
    wageFen: 2500,
    expectedPieces: null,
    settlementCycle: 'daily',
    injuryCover: true,
    shifts: [
      {
        id: uuid,
        startsAt: '2026-11-30T08:00:00+08:00',
        endsAt: '2026-11-30T17:00:00+08:00',
        breakMinutes: 60,
        holdFen: 20000,
      },
      {
        id: uuid,
        startsAt: '2026-11-29T08:00:00+08:00',
        endsAt: '2026-11-29T12:30:00+08:00',
        breakMinutes: 0,
        holdFen: 11250,
      },
    ],
    totalFen: 31250,
    requirements: '',
    ...overrides,
  };
}

describe('summarizeContract', () => {
  it('adds up shifts, hours and holds, first shift first', () => {
    expect(summarizeContract(terms())).toEqual({
      shiftCount: 2,
      paidMinutes: 480 + 270,
      holdsFen: 31250,
      totalFen: 31250,
      consistent: true,
      firstStartsAt: '2026-11-29T08:00:00+08:00',
      lastEndsAt: '2026-11-30T17:00:00+08:00',
    });
  });

  it('flags a total that is not the sum of its holds', () => {
    expect(summarizeContract(terms({ totalFen: 1 })).consistent).toBe(false);
  });
});

describe('holds', () => {
  const shift = {
    startsAt: '2026-11-29T08:00:00+08:00',
    endsAt: '2026-11-29T12:25:00+08:00',
    breakMinutes: 0,
  };
  it('estimates like the server: hourly wages floor to the fen', () => {
    // 265 minutes at ¥25.01/h = 11046.08… fen → 11046.
    expect(estimateHoldFen({ wageKind: 'hour', wageFen: 2501, expectedPieces: null }, shift)).toBe(11046);
    expect(estimateHoldFen({ wageKind: 'day', wageFen: 18000, expectedPieces: null }, shift)).toBe(18000);
    expect(estimateHoldFen({ wageKind: 'piece', wageFen: 50, expectedPieces: 300 }, shift)).toBe(15000);
    expect(estimateHoldFen({ wageKind: 'piece', wageFen: 50, expectedPieces: null }, shift)).toBe(50);
    expect(
      estimateJobFundsFen({ wageKind: 'day', wageFen: 18000, expectedPieces: null }, [shift, shift], 3),
    ).toBe(108000);
  });
});

describe('hashes', () => {
  it('groups and checks SHA-256 hex', () => {
    const hash = 'a'.repeat(64);
    expect(isContractHash(hash)).toBe(true);
    expect(isContractHash('A'.repeat(64))).toBe(false);
    expect(isContractHash(null)).toBe(false);
    expect(groupHash(hash).split(' ')).toHaveLength(8);
  });
});

describe('actions', () => {
  it('covers every application state', () => {
    for (const state of GIG_APPLICATION_STATES) {
      expect(Array.isArray(workerApplicationActions(state))).toBe(true);
      expect(Array.isArray(employerApplicationActions(state))).toBe(true);
    }
    expect(workerApplicationActions('offered')).toEqual(['accept', 'decline']);
    expect(employerApplicationActions('accepted')).toContain('confirm');
    expect(workerApplicationActions('hired')).toEqual([]);
  });

  it('offers clock-in before the shift, clock-out on it, and one rating afterwards', () => {
    const base = { myRating: null, openDispute: false };
    expect(workerAssignmentActions({ ...base, state: 'scheduled' })).toEqual(['clockIn', 'cancel']);
    expect(workerAssignmentActions({ ...base, state: 'on_shift' })).toEqual(['clockOut']);
    expect(workerAssignmentActions({ ...base, state: 'paid' })).toEqual(['dispute', 'rate']);
    expect(workerAssignmentActions({ ...base, state: 'paid', myRating: 5, openDispute: true })).toEqual([]);
    expect(employerAssignmentActions({ ...base, state: 'awaiting_confirmation' })).toEqual([
      'confirm',
      'dispute',
      'rate',
    ]);
    expect(employerAssignmentActions({ ...base, state: 'scheduled' })).toEqual(['cancel']);
    expect(employerAssignmentActions({ ...base, state: 'on_shift' })).toEqual([]);
    for (const state of GIG_ASSIGNMENT_STATES) {
      expect(Array.isArray(employerAssignmentActions({ ...base, state }))).toBe(true);
    }
  });
});

describe('sortApplications', () => {
  it('puts offers first, then the newest', () => {
    const base = { updatedAt: '2026-11-29T00:00:00Z' };
    const list = [
      { ...base, id: 'a', state: 'applied' as const },
      { ...base, id: 'b', state: 'offered' as const, updatedAt: '2026-11-28T00:00:00Z' },
      { ...base, id: 'c', state: 'rejected' as const },
      { ...base, id: 'd', state: 'applied' as const, updatedAt: '2026-11-30T00:00:00Z' },
    ];
    const sorted = sortApplications(list as unknown as Parameters<typeof sortApplications>[0]);
    expect(sorted.map((item) => item.id)).toEqual(['b', 'd', 'a', 'c']);
  });
});

describe('hasShiftAhead', () => {
  const terms = (ends: string[]) =>
    ({ shifts: ends.map((endsAt) => ({ endsAt })) }) as unknown as Parameters<typeof hasShiftAhead>[0];
  it('is true while a shift has not ended, false after the last one', () => {
    const now = Date.parse('2026-11-29T12:00:00Z');
    expect(hasShiftAhead(terms(['2026-11-29T11:00:00Z', '2026-11-29T13:00:00Z']), now)).toBe(true);
    expect(hasShiftAhead(terms(['2026-11-29T11:00:00Z']), now)).toBe(false);
    expect(hasShiftAhead(null, now)).toBe(false);
  });
});

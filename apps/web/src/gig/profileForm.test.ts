import type { WorkerProfile } from '@jiedao/contracts';
import { describe, expect, it } from 'vitest';
import {
  cleanAccountNo,
  defaultProfileValues,
  profileToValues,
  toProfileInput,
  toProfileUpdate,
} from './profileForm';

const home = { lng: 120.12, lat: 30.28 };

const saved: WorkerProfile = {
  id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  name: '王小明',
  categories: ['cleaning', 'moving'],
  skills: [],
  home,
  current: null,
  radiusKm: 5,
  weekHours: [1, 2, 3, 4, 5, 6, 7],
  settlementCycle: 'daily',
  payoutAccount: '**** **** 1234',
  reliability: 80,
  rating: 4.5,
  ratingCount: 2,
  shiftsDone: 3,
  noShows: 0,
  status: 'active',
  registeredVia: 'self',
};

describe('toProfileInput', () => {
  it('needs a category and a home', () => {
    expect(toProfileInput(defaultProfileValues())).toBeNull();
    expect(toProfileInput({ ...defaultProfileValues(), categories: ['cleaning'] })).toBeNull();
  });

  it('builds the body, with the payout account only when complete', () => {
    const values = { ...defaultProfileValues(), categories: ['cleaning' as const], home };
    const input = toProfileInput(values);
    expect(input).toMatchObject({
      categories: ['cleaning'],
      skills: [],
      home,
      radiusKm: 5,
      settlementCycle: 'daily',
    });
    expect(input?.weekHours).toHaveLength(7);
    expect(input && 'payout' in input).toBe(false);
    expect(
      toProfileInput({ ...values, payoutName: ' 王小明 ', payoutAccountNo: '6222 0212 3456 7890' })?.payout,
    ).toEqual({
      name: '王小明',
      accountNo: '6222021234567890',
    });
    expect(
      toProfileInput({ ...values, payoutName: '王小明', payoutAccountNo: '1234' })?.payout,
    ).toBeUndefined();
  });
});

describe('toProfileUpdate', () => {
  it('sends nothing when nothing changed (order of categories aside)', () => {
    expect(
      toProfileUpdate({ ...profileToValues(saved), categories: ['moving', 'cleaning'] }, saved),
    ).toBeNull();
  });

  it('sends only the changes', () => {
    expect(
      toProfileUpdate({ ...profileToValues(saved), radiusKm: 10, weekHours: [0, 2, 3, 4, 5, 6, 7] }, saved),
    ).toEqual({ radiusKm: 10, weekHours: [0, 2, 3, 4, 5, 6, 7] });
    expect(
      toProfileUpdate(
        { ...profileToValues(saved), payoutName: '王小明', payoutAccountNo: '622202123456789012' },
        saved,
      ),
    ).toEqual({ payout: { name: '王小明', accountNo: '622202123456789012' } });
  });

  it('cleans typed card numbers', () => {
    expect(cleanAccountNo('6222-0212 3456')).toBe('622202123456');
    expect(cleanAccountNo(undefined)).toBe('');
  });
});

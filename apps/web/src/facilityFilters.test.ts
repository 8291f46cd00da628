import { describe, expect, it } from 'vitest';
import { filterParams, readFacilityFilters, writeFacilityFilters } from './facilityFilters';

const COMMUNITY = '0b8f2c56-6f1e-4a39-9d7c-3f4c2b1a0e11';

describe('facility filters in the URL', () => {
  it('reads valid values and ignores invalid ones', () => {
    const filters = readFacilityFilters(
      new URLSearchParams({
        q: '  食堂 ',
        type: 'bogus',
        communityId: 'not-a-uuid',
        page: '-3',
        pageSize: '7',
      }),
    );
    expect(filters).toEqual({ q: '食堂', type: null, tier: null, communityId: null, page: 1, pageSize: 20 });
  });

  it('keeps a tier only for service complexes', () => {
    expect(readFacilityFilters(new URLSearchParams({ type: 'service_complex', tier: 'flagship' })).tier).toBe(
      'flagship',
    );
    expect(
      readFacilityFilters(new URLSearchParams({ type: 'elderly_canteen', tier: 'flagship' })).tier,
    ).toBeNull();
    expect(
      filterParams({ q: '', type: 'public_gym', tier: 'star_moon', communityId: null, page: 1, pageSize: 20 })
        .tier,
    ).toBeUndefined();
  });

  it('round-trips through the URL and leaves defaults out', () => {
    const filters = {
      q: '古荡',
      type: 'service_complex' as const,
      tier: 'pearl_chain' as const,
      communityId: COMMUNITY,
      page: 3,
      pageSize: 50,
    };
    const params = writeFacilityFilters(filters);
    expect(readFacilityFilters(params)).toEqual(filters);
    expect(
      writeFacilityFilters({
        ...filters,
        q: '',
        type: null,
        tier: null,
        communityId: null,
        page: 1,
        pageSize: 20,
      }).toString(),
    ).toBe('');
  });

  it('sends the export the same filters as the list, without paging', () => {
    const filters = readFacilityFilters(new URLSearchParams({ q: 'gym', type: 'public_gym', page: '4' }));
    expect(filterParams(filters)).toEqual({
      q: 'gym',
      type: 'public_gym',
      tier: undefined,
      communityId: undefined,
    });
  });
});

import { describe, expect, it } from 'vitest';
import { deviceFilterParams, readDeviceFilters, writeDeviceFilters } from './deviceFilters';

describe('device filters', () => {
  it('reads valid values and ignores the rest', () => {
    expect(
      readDeviceFilters(
        new URLSearchParams({ type: 'smoke', state: 'burning', q: ' GD-S ', page: '2', pageSize: '13' }),
      ),
    ).toEqual({ q: 'GD-S', type: 'smoke', state: null, communityId: null, page: 2, pageSize: 20 });
  });

  it('round-trips through the URL and gives the export the same filter without paging', () => {
    const filters = readDeviceFilters(new URLSearchParams({ state: 'alarm', page: '3' }));
    expect(writeDeviceFilters(filters).toString()).toBe('state=alarm&page=3');
    expect(deviceFilterParams(filters)).toEqual({
      q: undefined,
      type: undefined,
      state: 'alarm',
      communityId: undefined,
    });
  });
});

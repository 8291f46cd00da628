import type { Community, Facility, GridFeatureCollection } from '@jiedao/contracts';
import { describe, expect, it } from 'vitest';
import { aspectScaleFor, featureBounds } from './geometry';
import { buildMapOption, groupFacilities } from './option';
import { COMMUNITY_COLORS, communityColor, shade } from './palette';

const community = (id: string, code: string): Community => ({
  id,
  code,
  name: `社区${code}`,
  nameEn: `Community ${code}`,
  center: { lng: 120.1, lat: 30.28 },
  gridCount: 1,
  facilityCount: 1,
});

const square = (lng: number, lat: number): [number, number][][] => [
  [
    [lng, lat],
    [lng + 0.01, lat],
    [lng + 0.01, lat + 0.01],
    [lng, lat + 0.01],
    [lng, lat],
  ],
];

const grids: GridFeatureCollection = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      id: 'g1',
      geometry: { type: 'Polygon', coordinates: square(120.1, 30.27) },
      properties: {
        id: 'g1',
        code: 'G01',
        name: '一网格',
        communityId: 'c1',
        communityCode: '01',
        communityName: '甲',
        areaM2: 1000,
      },
    },
    {
      type: 'Feature',
      id: 'g2',
      geometry: { type: 'MultiPolygon', coordinates: [square(120.12, 30.28)] },
      properties: {
        id: 'g2',
        code: 'G02',
        name: '一网格',
        communityId: 'c2',
        communityCode: '02',
        communityName: '乙',
        areaM2: 1000,
      },
    },
  ],
};

const facility = (id: string, type: Facility['type']): Facility => ({
  id,
  type,
  tier: null,
  name: id,
  nameEn: null,
  communityId: 'c1',
  communityName: '甲',
  gridId: 'g1',
  gridCode: 'G01',
  address: '古荡',
  location: { lng: 120.105, lat: 30.275 },
  openingHours: [],
  phone: null,
  areaM2: null,
  capacity: null,
});

const texts = {
  facilityType: (type: string) => `T:${type}`,
  gridName: (id: string) => id,
  gridTooltip: (id: string) => id,
  facilityTooltip: (f: Facility) => f.id,
};

describe('map option', () => {
  const option = buildMapOption(
    {
      grids,
      communities: [community('c1', '01'), community('c2', '02')],
      facilities: [
        facility('f1', 'public_gym'),
        facility('f2', 'elderly_canteen'),
        facility('f3', 'public_gym'),
      ],
    },
    { elder: false, selectedGridId: 'g2', selectedCommunityId: null, selectedFacilityId: null },
    texts,
  );
  const geo = Array.isArray(option.geo) ? option.geo[0] : option.geo;
  const series = Array.isArray(option.series) ? option.series : [];

  it('colours grids by community and keys regions by grid id', () => {
    expect(geo?.nameProperty).toBe('id');
    const regions = geo?.regions ?? [];
    expect(regions.map((region) => region.name)).toEqual(['g1', 'g2']);
    expect(regions[0]?.itemStyle?.areaColor).toBe(COMMUNITY_COLORS[0]);
    expect(regions[1]?.itemStyle?.areaColor).toBe(COMMUNITY_COLORS[1]);
    expect(regions[1]?.itemStyle?.borderWidth).toBe(3);
  });

  it('draws one scatter layer per facility type on the geo coordinates, in canonical order', () => {
    expect(series.map((layer) => layer.id)).toEqual(['facility:elderly_canteen', 'facility:public_gym']);
    expect(series.every((layer) => layer.type === 'scatter' && layer.coordinateSystem === 'geo')).toBe(true);
    expect(series[1]?.name).toBe('T:public_gym (2)');
  });

  it('turns the hover tooltip off in elder mode', () => {
    const elder = buildMapOption(
      { grids, communities: [], facilities: [] },
      { elder: true, selectedGridId: null, selectedCommunityId: null, selectedFacilityId: null },
      texts,
    );
    const tooltip = Array.isArray(elder.tooltip) ? elder.tooltip[0] : elder.tooltip;
    expect(tooltip?.show).toBe(false);
  });
});

describe('map helpers', () => {
  it('groups facilities by type', () => {
    expect(
      groupFacilities([facility('a', 'study_room'), facility('b', 'service_complex')]).map(([type]) => type),
    ).toEqual(['service_complex', 'study_room']);
  });

  it('computes bounds and a latitude-correct aspect', () => {
    const bounds = featureBounds(grids);
    expect(bounds?.minLng).toBeCloseTo(120.1, 9);
    expect(bounds?.minLat).toBeCloseTo(30.27, 9);
    expect(bounds?.maxLng).toBeCloseTo(120.13, 9);
    expect(bounds?.maxLat).toBeCloseTo(30.29, 9);
    expect(aspectScaleFor(bounds)).toBeCloseTo(Math.cos((30.28 * Math.PI) / 180), 5);
    expect(featureBounds({ type: 'FeatureCollection', features: [] })).toBeNull();
  });

  it('has ten distinct community colours and shades them', () => {
    expect(new Set(COMMUNITY_COLORS).size).toBe(10);
    expect(communityColor(10)).toBe(COMMUNITY_COLORS[0]);
    expect(communityColor(-1)).toBe('#f0f0f0');
    expect(shade('#ffffff', 0.5)).toBe('#808080');
    expect(shade('nonsense', 0.5)).toBe('nonsense');
  });
});

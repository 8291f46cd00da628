import { CATEGORIES } from '@jiedao/contracts/constants';
import { describe, expect, it } from 'vitest';
import { categoriesFor, toReportRequest } from './categories';

describe('categoriesFor', () => {
  it('offers residents the common categories first and every other person-reportable one after', () => {
    const { common, more } = categoriesFor('resident');
    expect(common[0]?.zh).toBe('环境卫生');
    expect(common).toHaveLength(8);
    const codes = [...common, ...more].map((category) => category.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).not.toContain('device_fault');
    expect(codes).not.toContain('key_task');
    expect(codes).toHaveLength(CATEGORIES.length - 2);
  });

  it('puts safety hazards first for a grid worker’s patrol', () => {
    expect(categoriesFor('patrol').common[0]?.code).toBe('safety_hazard');
  });
});

describe('toReportRequest', () => {
  it('trims and leaves out empty optional fields', () => {
    expect(
      toReportRequest({
        category: 'noise',
        description: '  楼上夜间装修噪声  ',
        location: null,
        address: '  ',
        photoIds: [],
        reporterName: ' ',
      }),
    ).toEqual({ category: 'noise', description: '楼上夜间装修噪声' });
  });

  it('carries location, address, photos and the caller for a staff entry', () => {
    expect(
      toReportRequest({
        category: 'water_leak',
        description: '地下车库漏水',
        location: { lng: 120.12, lat: 30.28 },
        address: '古荡新村 3 幢',
        photoIds: ['p1'],
        reporterName: '王女士',
        reporterPhone: '13800000000',
      }),
    ).toEqual({
      category: 'water_leak',
      description: '地下车库漏水',
      location: { lng: 120.12, lat: 30.28 },
      address: '古荡新村 3 幢',
      photos: ['p1'],
      reporterName: '王女士',
      reporterPhone: '13800000000',
    });
  });
});

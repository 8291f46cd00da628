import { describe, expect, it } from 'vitest';
import { areaSquareMeters, bbox, type Polygon, type Position } from './geojson.js';
import { GUDANG_BOUNDARY, generateDemoGrids } from './synthetic.js';
import { validateGridFeatures, type GridCheck } from './validate-grids.js';

const COMMUNITIES = Array.from({ length: 10 }, (_, i) => ({ code: `C${i}`, name: `社区${i}` }));
const DEMO = generateDemoGrids(COMMUNITIES);
const options = { tenantBoundary: GUDANG_BOUNDARY };

type FeatureLike = Record<string, unknown>;

function demoCollection(): { type: 'FeatureCollection'; features: FeatureLike[] } {
  // A deep copy so that tests can corrupt features freely.
  return structuredClone({
    type: 'FeatureCollection' as const,
    features: DEMO.map((grid) => ({
      type: 'Feature',
      properties: { code: grid.code, name: grid.name, community: grid.communityCode },
      geometry: grid.geometry,
    })),
  });
}

/** A small square well inside the demo boundary. */
function square(x: number, y: number, size = 0.001): Position[] {
  return [
    [x, y],
    [x + size, y],
    [x + size, y + size],
    [x, y + size],
    [x, y],
  ];
}

function feature(code: string, geometry: unknown, extra: Record<string, unknown> = {}): FeatureLike {
  return { type: 'Feature', properties: { code, name: `${code} 网格`, community: 'C0', ...extra }, geometry };
}

describe('validateGridFeatures', () => {
  it('accepts the demo grids', () => {
    const result = validateGridFeatures(demoCollection(), options);
    expect(result.errors).toEqual([]);
    expect(result.features).toHaveLength(DEMO.length);
    result.features.forEach((f, i) => {
      const grid = DEMO[i];
      expect(f.index).toBe(i);
      expect(f.code).toBe(grid?.code);
      expect(f.name).toBe(grid?.name);
      expect(f.communityCode).toBe(grid?.communityCode);
      expect(f.geometry).toEqual(grid?.geometry);
      expect(f.bbox).toEqual(bbox(grid?.geometry as Polygon));
      expect(f.areaM2).toBeCloseTo(areaSquareMeters(grid?.geometry as Polygon), 6);
      expect(f.areaM2).toBeGreaterThan(50_000);
    });
  });

  it('reports every kind of bad feature at its index', () => {
    const input = demoCollection();
    const f = input.features;
    const bowtie: Position[] = [
      [120.11, 30.28],
      [120.111, 30.281],
      [120.111, 30.28],
      [120.11, 30.281],
      [120.11, 30.28],
    ];
    const expected: Record<number, GridCheck> = {
      1: 'ring_not_closed',
      3: 'self_intersection',
      4: 'outside_tenant',
      6: 'duplicate_code',
      7: 'missing_property',
      9: 'geometry_type',
      10: 'too_few_positions',
      12: 'coordinates',
      13: 'coordinates',
      15: 'structure',
      16: 'duplicate_code',
      18: 'missing_property',
      20: 'geometry_type',
    };
    f[1] = feature('BAD-1', { type: 'Polygon', coordinates: [square(120.11, 30.28).slice(0, 4)] });
    f[3] = feature('BAD-3', { type: 'Polygon', coordinates: [bowtie] });
    f[4] = feature('BAD-4', { type: 'Polygon', coordinates: [square(121.11, 30.28)] });
    f[6] = feature(DEMO[0]?.code ?? '', { type: 'Polygon', coordinates: [square(120.11, 30.28)] });
    f[7] = {
      type: 'Feature',
      properties: { code: 'BAD-7', community: 'C0' },
      geometry: { type: 'Polygon', coordinates: [square(120.11, 30.28)] },
    };
    f[9] = feature('BAD-9', { type: 'Point', coordinates: [120.11, 30.28] });
    f[10] = feature('BAD-10', {
      type: 'Polygon',
      coordinates: [
        [
          [120.11, 30.28],
          [120.111, 30.28],
          [120.11, 30.28],
        ],
      ],
    });
    f[12] = feature('BAD-12', {
      type: 'Polygon',
      coordinates: [[[120.11, '30.28'], ...square(120.11, 30.28).slice(1)]],
    });
    f[13] = feature('BAD-13', { type: 'Polygon', coordinates: [square(30.28, 120.11)] });
    f[15] = null as unknown as FeatureLike;
    f[16] = feature('EXISTING-1', { type: 'Polygon', coordinates: [square(120.11, 30.28)] });
    f[18] = { type: 'Feature', geometry: { type: 'Polygon', coordinates: [square(120.11, 30.28)] } };
    f[20] = feature('BAD-20', null);

    const result = validateGridFeatures(input, { ...options, existingCodes: new Set(['EXISTING-1']) });
    expect(result.errors.map((e) => e.index)).toEqual(
      Object.keys(expected)
        .map(Number)
        .sort((a, b) => a - b),
    );
    for (const error of result.errors) {
      expect(error.check).toBe(expected[error.index]);
      expect(error.reason.length).toBeGreaterThan(10);
      expect(error.reasonZh).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(result.features.map((x) => x.index)).toEqual(
      DEMO.map((_, i) => i).filter((i) => !(i in expected)),
    );
    const byIndex = new Map(result.errors.map((e) => [e.index, e]));
    expect(byIndex.get(1)?.code).toBe('BAD-1');
    expect(byIndex.get(3)?.reason).toContain('intersects itself at [120.1105000, 30.2805000]');
    expect(byIndex.get(6)?.reason).toContain('feature 0');
    expect(byIndex.get(16)?.reason).toContain('already exists');
    expect(byIndex.get(7)?.reason).toContain('"name"');
    expect(byIndex.get(13)?.reason).toContain('out of range');
    expect(byIndex.get(15)?.code).toBeUndefined();
  });

  it('lists all problems of one feature in one error', () => {
    const input = demoCollection();
    // Unclosed and outside the boundary, and reusing a code.
    input.features[2] = feature(DEMO[0]?.code ?? '', {
      type: 'Polygon',
      coordinates: [square(121, 31).slice(0, 4)],
    });
    const { errors } = validateGridFeatures(input, options);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.index).toBe(2);
    expect(errors[0]?.check).toBe('ring_not_closed');
    expect(errors[0]?.checks).toEqual(['ring_not_closed', 'outside_tenant', 'duplicate_code']);
  });

  it('rejects input that is not a FeatureCollection', () => {
    for (const input of [
      [],
      null,
      'grids',
      42,
      { type: 'Feature' },
      { type: 'FeatureCollection', features: {} },
    ]) {
      const result = validateGridFeatures(input, options);
      expect(result.features).toEqual([]);
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]).toMatchObject({ index: -1, check: 'structure' });
    }
  });

  it('accepts holes, multipolygons and repeated vertices', () => {
    const outer = square(120.11, 30.28, 0.004);
    const hole = square(120.111, 30.281, 0.001).reverse();
    const repeated: Position[] = [...square(120.12, 30.28)];
    repeated.splice(2, 0, repeated[1] as Position);
    const input = {
      type: 'FeatureCollection',
      features: [
        feature('H', { type: 'Polygon', coordinates: [outer, hole] }),
        feature('M', {
          type: 'MultiPolygon',
          coordinates: [[square(120.13, 30.28)], [square(120.135, 30.28)]],
        }),
        feature('R', { type: 'Polygon', coordinates: [repeated] }),
        feature('Z', {
          type: 'Polygon',
          coordinates: [[[120.11, 30.28, 12.5], ...square(120.11, 30.28).slice(1)]],
        }),
      ],
    };
    const result = validateGridFeatures(input, options);
    expect(result.errors).toEqual([]);
    expect(result.features.map((f) => f.code)).toEqual(['H', 'M', 'R', 'Z']);
    const [h, m] = result.features;
    expect(h?.areaM2).toBeCloseTo((15 / 16) * areaSquareMeters({ type: 'Polygon', coordinates: [outer] }), 0);
    expect(m?.geometry.type).toBe('MultiPolygon');
    // Altitude is dropped.
    expect(result.features[3]?.geometry.coordinates[0]?.[0]).toEqual([120.11, 30.28]);
  });

  it('flags self-intersections between rings, and collinear rings', () => {
    const outer = square(120.11, 30.28, 0.004);
    const crossingHole = square(120.113, 30.281, 0.002);
    const flat: Position[] = [
      [120.11, 30.28],
      [120.111, 30.28],
      [120.112, 30.28],
      [120.11, 30.28],
    ];
    const input = {
      type: 'FeatureCollection',
      features: [
        feature('X', { type: 'Polygon', coordinates: [outer, crossingHole] }),
        feature('F', { type: 'Polygon', coordinates: [flat] }),
        feature('MP', {
          type: 'MultiPolygon',
          coordinates: [[square(120.13, 30.28)], [[...square(120.12, 30.28)].reverse().slice(0, 4)]],
        }),
      ],
    };
    const { errors } = validateGridFeatures(input, options);
    expect(errors.map((e) => [e.index, e.check])).toEqual([
      [0, 'self_intersection'],
      [1, 'self_intersection'],
      [2, 'ring_not_closed'],
    ]);
    expect(errors[2]?.reason).toContain('polygon 1');
  });

  it('allows vertices on the boundary within 1e-9°, not beyond', () => {
    const ring = GUDANG_BOUNDARY.coordinates[0] as Position[];
    const corner = ring[0] as Position;
    const triangle = (dx: number): Position[] => [
      [corner[0] - dx, corner[1]],
      [corner[0] + 0.002, corner[1] + 0.001],
      [corner[0] + 0.001, corner[1] + 0.002],
      [corner[0] - dx, corner[1]],
    ];
    const input = {
      type: 'FeatureCollection',
      features: [
        feature('ON', { type: 'Polygon', coordinates: [triangle(0)] }),
        feature('NEAR', { type: 'Polygon', coordinates: [triangle(1e-10)] }),
        feature('OFF', { type: 'Polygon', coordinates: [triangle(1e-6)] }),
      ],
    };
    const { features, errors } = validateGridFeatures(input, options);
    expect(features.map((f) => f.code)).toEqual(['ON', 'NEAR']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ index: 2, check: 'outside_tenant' });
    expect(errors[0]?.reason).toContain('1 of 3 vertices');
  });

  it('reports progress periodically and at the end', () => {
    const calls: Array<[number, number]> = [];
    validateGridFeatures(demoCollection(), {
      ...options,
      progressEvery: 8,
      onProgress: (done, total) => calls.push([done, total]),
    });
    const total = DEMO.length;
    expect(calls.at(-1)).toEqual([total, total]);
    expect(calls.length).toBe(Math.ceil(total / 8));
    for (let i = 1; i < calls.length; i++)
      expect(calls[i]?.[0]).toBeGreaterThan(calls[i - 1]?.[0] ?? Infinity);
  });
});

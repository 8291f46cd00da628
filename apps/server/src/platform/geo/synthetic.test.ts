import { kinks } from '@turf/kinks';
import { describe, expect, it } from 'vitest';
import { areaSquareMeters, bbox, pointInPolygon, type BBox, type Polygon, type Position } from './geojson.js';
import { GridIndex } from './grid-index.js';
import {
  GUDANG_BOUNDARY,
  createRng,
  generateDemoGrids,
  generateSyntheticGrids,
  randomPointIn,
} from './synthetic.js';

const COMMUNITIES = [
  { code: 'GDXC', name: '古荡新村社区' },
  { code: 'HZWQ', name: '华星社区' },
  { code: 'XXC', name: '嘉绿苑社区' },
  { code: 'DSC', name: '东岳社区' },
  { code: 'YQC', name: '益乐社区' },
  { code: 'XHC', name: '西湖花园社区' },
  { code: 'JXC', name: '嘉南社区' },
  { code: 'ZJC', name: '政苑社区' },
  { code: 'DCC', name: '古荡湾社区' },
  { code: 'LJC', name: '花园社区' },
];

function ringOf(polygon: Polygon): Position[] {
  return polygon.coordinates[0] as Position[];
}

/** Shoelace in degrees: positive for counter-clockwise rings. */
function signedArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i] as Position;
    const b = ring[i + 1] as Position;
    sum += a[0] * b[1] - b[0] * a[1];
  }
  return sum / 2;
}

function distinctVertices(ring: Position[]): number {
  return new Set(ring.map((p) => p.join(','))).size;
}

/**
 * Asserts the polygons tile `inside` exactly: every sampled point inside is in exactly one
 * polygon and every point outside in none. Samples a dense lattice (offset so it does not sit
 * on design lines) plus random points. Uses pointInPolygon directly, not the index.
 */
function expectTiling(
  polygons: Polygon[],
  region: BBox,
  inside: (lng: number, lat: number) => boolean,
  seed: number,
) {
  const index = new GridIndex(polygons.map((geometry, id) => ({ id, geometry })));
  const box: BBox = [region[0] - 0.001, region[1] - 0.001, region[2] + 0.001, region[3] + 0.001];
  const points: Position[] = [];
  const steps = 260;
  for (let i = 0; i <= steps; i++) {
    for (let j = 0; j <= steps; j++) {
      points.push([
        box[0] + ((i + 0.37) / steps) * (box[2] - box[0]),
        box[1] + ((j + 0.61) / steps) * (box[3] - box[1]),
      ]);
    }
  }
  const rng = createRng(seed);
  for (let i = 0; i < 20_000; i++) points.push(randomPointIn(box, rng));
  // Plain bbox prefilter (no spatial index, so this does not test GridIndex with itself).
  const boxes = Float64Array.from(polygons.flatMap((polygon) => bbox(polygon)));
  let bad = 0;
  for (const [lng, lat] of points) {
    let count = 0;
    for (let k = 0; k < polygons.length; k++) {
      const o = 4 * k;
      if (
        lng >= (boxes[o] as number) &&
        lat >= (boxes[o + 1] as number) &&
        lng <= (boxes[o + 2] as number) &&
        lat <= (boxes[o + 3] as number) &&
        pointInPolygon(lng, lat, polygons[k] as Polygon)
      ) {
        count++;
      }
    }
    const expected = inside(lng, lat) ? 1 : 0;
    if (count !== expected) bad++;
    if ((index.locate(lng, lat) !== undefined) !== (expected === 1)) bad++;
  }
  expect(bad).toBe(0);
}

describe('createRng', () => {
  it('is deterministic, in [0, 1), and seed-dependent', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    // Crude uniformity: the mean of 1000 draws is near 0.5.
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeGreaterThan(0.45);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeLessThan(0.55);
  });

  it('randomPointIn stays inside the box', () => {
    const rng = createRng(1);
    const box: BBox = [120.1, 30.2, 120.2, 30.3];
    for (let i = 0; i < 1000; i++) {
      const [x, y] = randomPointIn(box, rng);
      expect(x >= 120.1 && x < 120.2 && y >= 30.2 && y < 30.3).toBe(true);
    }
  });
});

describe('GUDANG_BOUNDARY', () => {
  it('is a closed, counter-clockwise, simple ring around the demo area', () => {
    const ring = ringOf(GUDANG_BOUNDARY);
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    expect(signedArea(ring)).toBeGreaterThan(0);
    expect(kinks(GUDANG_BOUNDARY).features).toHaveLength(0);
    const [minX, minY, maxX, maxY] = bbox(GUDANG_BOUNDARY);
    expect(minX).toBeCloseTo(120.095, 3);
    expect(maxX).toBeCloseTo(120.145, 3);
    expect(minY).toBeCloseTo(30.265, 3);
    expect(maxY).toBeCloseTo(30.3, 3);
    // ~4.8 km × ~3.9 km.
    expect(areaSquareMeters(GUDANG_BOUNDARY) / 1e6).toBeGreaterThan(18);
    expect(areaSquareMeters(GUDANG_BOUNDARY) / 1e6).toBeLessThan(19.5);
  });
});

describe('generateDemoGrids', () => {
  const grids = generateDemoGrids(COMMUNITIES);

  it('gives each community 3–5 grids, about 40 in all, with ordinals, codes and names', () => {
    expect(grids.length).toBeGreaterThanOrEqual(36);
    expect(grids.length).toBeLessThanOrEqual(44);
    const counts = new Map<string, number>();
    for (const grid of grids) counts.set(grid.communityCode, (counts.get(grid.communityCode) ?? 0) + 1);
    expect([...counts.keys()]).toEqual(COMMUNITIES.map((c) => c.code));
    expect(new Set(counts.values())).toEqual(new Set([3, 4, 5]));
    for (const community of COMMUNITIES) {
      const own = grids.filter((g) => g.communityCode === community.code);
      expect(own.map((g) => g.ordinal)).toEqual(own.map((_, i) => i + 1));
      expect(own[0]?.name).toBe(`${community.name}第1网格`);
      expect(own[0]?.code).toBe(`${community.code}-01`);
    }
    expect(new Set(grids.map((g) => g.code)).size).toBe(grids.length);
  });

  it('is deterministic', () => {
    expect(generateDemoGrids(COMMUNITIES)).toEqual(grids);
  });

  it('produces closed, counter-clockwise, simple polygons with 7-decimal coordinates', () => {
    for (const grid of grids) {
      const ring = ringOf(grid.geometry);
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      expect(signedArea(ring)).toBeGreaterThan(0);
      expect(kinks(grid.geometry).features).toHaveLength(0);
      expect(distinctVertices(ring)).toBe(ring.length - 1);
      for (const [x, y] of ring) {
        expect(Math.round(x * 1e7) / 1e7).toBe(x);
        expect(Math.round(y * 1e7) / 1e7).toBe(y);
      }
    }
  });

  it('tiles the boundary: every point inside lies in exactly one grid', { timeout: 60_000 }, () => {
    expectTiling(
      grids.map((g) => g.geometry),
      bbox(GUDANG_BOUNDARY),
      (lng, lat) => pointInPolygon(lng, lat, GUDANG_BOUNDARY),
      5,
    );
    const total = grids.reduce((sum, g) => sum + areaSquareMeters(g.geometry), 0);
    expect(Math.abs(total - areaSquareMeters(GUDANG_BOUNDARY))).toBeLessThan(1);
  });

  it('keeps each community contiguous: its grids share edges', () => {
    // Every grid of a community touches another grid of the same community (shared vertex).
    for (const community of COMMUNITIES) {
      const own = grids.filter((g) => g.communityCode === community.code);
      const keys = own.map((g) => new Set(ringOf(g.geometry).map((p) => p.join(','))));
      keys.forEach((mine, i) => {
        const touches = keys.some((other, j) => j !== i && [...mine].some((k) => other.has(k)));
        expect(touches).toBe(true);
      });
    }
  });

  it('also tiles the boundary for other community counts', () => {
    for (const n of [1, 3, 7, 9, 12, 13]) {
      const some = generateDemoGrids(
        COMMUNITIES.concat(COMMUNITIES.map((c) => ({ code: `${c.code}2`, name: c.name }))).slice(0, n),
      );
      expect(new Set(some.map((g) => g.communityCode)).size).toBe(n);
      for (const grid of some) expect(kinks(grid.geometry).features).toHaveLength(0);
      const total = some.reduce((sum, g) => sum + areaSquareMeters(g.geometry), 0);
      expect(Math.abs(total - areaSquareMeters(GUDANG_BOUNDARY))).toBeLessThan(1);
    }
    expect(generateDemoGrids([])).toEqual([]);
    expect(() => generateDemoGrids(Array.from({ length: 40 }, (_, i) => ({ code: `X${i}` })))).toThrow(
      RangeError,
    );
  });
});

describe('generateSyntheticGrids', () => {
  const box: BBox = [120.095, 30.265, 120.145, 30.3];

  it('returns exactly `count` grids for awkward counts', () => {
    for (const count of [1, 2, 7, 97, 1000]) {
      const grids = generateSyntheticGrids(count, box, 1);
      expect(grids).toHaveLength(count);
      expect(new Set(grids.map((g) => g.code)).size).toBe(count);
    }
    expect(generateSyntheticGrids(0, box, 1)).toEqual([]);
    expect(() => generateSyntheticGrids(-1, box, 1)).toThrow(RangeError);
    expect(() => generateSyntheticGrids(2.5, box, 1)).toThrow(RangeError);
  });

  it('tiles the box with simple polygons of 5–12 vertices', { timeout: 60_000 }, () => {
    const grids = generateSyntheticGrids(2000, box, 9);
    for (const grid of grids) {
      const ring = ringOf(grid.geometry);
      expect(kinks(grid.geometry).features).toHaveLength(0);
      expect(signedArea(ring)).toBeGreaterThan(0);
      const vertices = distinctVertices(ring);
      expect(vertices).toBe(ring.length - 1);
      expect(vertices).toBeGreaterThanOrEqual(5);
      expect(vertices).toBeLessThanOrEqual(12);
    }
    expectTiling(
      grids.map((g) => g.geometry),
      box,
      (lng, lat) => lng >= box[0] && lng <= box[2] && lat >= box[1] && lat <= box[3],
      6,
    );
    const total = grids.reduce((sum, g) => sum + areaSquareMeters(g.geometry), 0);
    const boxArea = areaSquareMeters({
      type: 'Polygon',
      coordinates: [
        [
          [box[0], box[1]],
          [box[2], box[1]],
          [box[2], box[3]],
          [box[0], box[3]],
          [box[0], box[1]],
        ],
      ],
    });
    expect(Math.abs(total - boxArea)).toBeLessThan(1);
  });

  it('is deterministic per seed', () => {
    expect(generateSyntheticGrids(300, box, 5)).toEqual(generateSyntheticGrids(300, box, 5));
    expect(generateSyntheticGrids(300, box, 5)).not.toEqual(generateSyntheticGrids(300, box, 6));
  });
});

import { describe, expect, it } from 'vitest';
import {
  areaSquareMeters,
  bbox,
  centroid,
  haversineMeters,
  pointInPolygon,
  type MultiPolygon,
  type Polygon,
  type Position,
} from './geojson.js';

function rect(x0: number, y0: number, x1: number, y1: number): Position[] {
  return [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ];
}

const square: Polygon = { type: 'Polygon', coordinates: [rect(0, 0, 1, 1)] };

describe('pointInPolygon', () => {
  it('tells inside from outside for a simple square', () => {
    expect(pointInPolygon(0.5, 0.5, square)).toBe(true);
    expect(pointInPolygon(1.5, 0.5, square)).toBe(false);
    expect(pointInPolygon(-0.5, 0.5, square)).toBe(false);
    expect(pointInPolygon(0.5, 1.0001, square)).toBe(false);
    expect(pointInPolygon(0.5, -0.0001, square)).toBe(false);
  });

  it('handles concave polygons (the notch of a U is outside)', () => {
    const u: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [3, 0],
          [3, 3],
          [2, 3],
          [2, 1],
          [1, 1],
          [1, 3],
          [0, 3],
          [0, 0],
        ],
      ],
    };
    expect(pointInPolygon(1.5, 2, u)).toBe(false);
    expect(pointInPolygon(0.5, 2, u)).toBe(true);
    expect(pointInPolygon(2.5, 2, u)).toBe(true);
    expect(pointInPolygon(1.5, 0.5, u)).toBe(true);
  });

  it('excludes holes whatever their orientation', () => {
    const hole = rect(0.25, 0.25, 0.75, 0.75);
    for (const h of [hole, [...hole].reverse()]) {
      const donut: Polygon = { type: 'Polygon', coordinates: [rect(0, 0, 1, 1), h] };
      expect(pointInPolygon(0.5, 0.5, donut)).toBe(false);
      expect(pointInPolygon(0.1, 0.5, donut)).toBe(true);
      expect(pointInPolygon(0.9, 0.9, donut)).toBe(true);
      expect(pointInPolygon(1.1, 0.5, donut)).toBe(false);
    }
  });

  it('treats a MultiPolygon as the union of its parts, holes included', () => {
    const multi: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [[rect(0, 0, 1, 1), rect(0.4, 0.4, 0.6, 0.6)], [rect(2, 0, 3, 1)]],
    };
    expect(pointInPolygon(0.2, 0.2, multi)).toBe(true);
    expect(pointInPolygon(2.5, 0.5, multi)).toBe(true);
    expect(pointInPolygon(1.5, 0.5, multi)).toBe(false);
    expect(pointInPolygon(0.5, 0.5, multi)).toBe(false);
  });

  it('counts a ray through a vertex once (diamond, point level with the side vertices)', () => {
    const diamond: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [1, 0],
          [2, 1],
          [1, 2],
          [0, 1],
          [1, 0],
        ],
      ],
    };
    expect(pointInPolygon(1, 1, diamond)).toBe(true);
    expect(pointInPolygon(-1, 1, diamond)).toBe(false);
    expect(pointInPolygon(3, 1, diamond)).toBe(false);
    // Level with the bottom vertex, left of it: the ray grazes the vertex and must not count.
    expect(pointInPolygon(0, 0, diamond)).toBe(false);
  });

  it('puts a point on an edge shared by two tiles in exactly one of them', () => {
    const left: Polygon = { type: 'Polygon', coordinates: [rect(0, 0, 1, 1)] };
    const right: Polygon = { type: 'Polygon', coordinates: [[...rect(1, 0, 2, 1)].reverse()] };
    const slantedLeft: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1.1, 0],
          [0.9, 1],
          [0, 1],
          [0, 0],
        ],
      ],
    };
    const slantedRight: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [1.1, 0],
          [2, 0],
          [2, 1],
          [0.9, 1],
          [1.1, 0],
        ],
      ],
    };
    const count = (x: number, y: number, tiles: Polygon[]): number =>
      tiles.filter((tile) => pointInPolygon(x, y, tile)).length;
    for (const y of [0.1, 0.5, 0.77]) expect(count(1, y, [left, right])).toBe(1);
    for (const t of [0.1, 0.3, 1 / 3, 0.5, 0.9]) {
      // A point computed on the slanted shared edge, wherever rounding puts it.
      const x = 1.1 + t * (0.9 - 1.1);
      expect(count(x, t, [slantedLeft, slantedRight])).toBe(1);
    }
  });

  it('puts points exactly on an awkward slanted shared edge in exactly one tile', () => {
    // Small coordinates, where computing the crossing from either endpoint often rounds differently
    // (near 120° the difference is usually absorbed by the large magnitude).
    const lower: Position = [0.1234567, 0.2712345];
    const upper: Position = [0.9298761, 0.9798767];
    const west: Polygon = {
      type: 'Polygon',
      coordinates: [[[0, 0], lower, upper, [0, 1], [0, 0]]],
    };
    const east: Polygon = {
      type: 'Polygon',
      coordinates: [[lower, [1, 0], [1, 1], upper, lower]],
    };
    let misplaced = 0;
    for (let i = 1; i < 2000; i++) {
      const y = lower[1] + ((upper[1] - lower[1]) * i) / 2000;
      const x = lower[0] + ((y - lower[1]) * (upper[0] - lower[0])) / (upper[1] - lower[1]);
      const count = [west, east].filter((tile) => pointInPolygon(x, y, tile)).length;
      if (count !== 1) misplaced++;
    }
    expect(misplaced).toBe(0);
  });

  it('puts the corner shared by four tiles in exactly one of them', () => {
    const tiles: Polygon[] = [rect(0, 0, 1, 1), rect(1, 0, 2, 1), rect(0, 1, 1, 2), rect(1, 1, 2, 2)].map(
      (ring) => ({ type: 'Polygon', coordinates: [ring] }),
    );
    expect(tiles.filter((tile) => pointInPolygon(1, 1, tile))).toHaveLength(1);
    expect(tiles.filter((tile) => pointInPolygon(1, 0.5, tile))).toHaveLength(1);
    expect(tiles.filter((tile) => pointInPolygon(0.5, 1, tile))).toHaveLength(1);
  });

  it('accepts unclosed rings and rejects NaN', () => {
    const open: Polygon = { type: 'Polygon', coordinates: [rect(0, 0, 1, 1).slice(0, 4)] };
    expect(pointInPolygon(0.5, 0.5, open)).toBe(true);
    expect(pointInPolygon(1.5, 0.5, open)).toBe(false);
    expect(pointInPolygon(Number.NaN, 0.5, square)).toBe(false);
    expect(pointInPolygon(0.5, Number.NaN, square)).toBe(false);
  });
});

describe('bbox', () => {
  it('spans every part', () => {
    const multi: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [[rect(0, 0, 1, 1)], [rect(2, -1, 3, 0.5)]],
    };
    expect(bbox(multi)).toEqual([0, -1, 3, 1]);
  });
});

describe('areaSquareMeters', () => {
  // A 0.01° × 0.01° cell at Gudang's latitude: ~960 m × ~1112 m.
  const lat = 30.28;
  const cell: Polygon = { type: 'Polygon', coordinates: [rect(120.1, lat, 120.11, lat + 0.01)] };
  const expected = 1111.95 * Math.cos(((lat + 0.005) * Math.PI) / 180) * 1111.95;

  it('matches the spherical area of a small cell', () => {
    expect(areaSquareMeters(cell)).toBeGreaterThan(expected * 0.995);
    expect(areaSquareMeters(cell)).toBeLessThan(expected * 1.005);
  });

  it('does not depend on orientation or on the closing vertex', () => {
    const ring = cell.coordinates[0] as Position[];
    const reversed: Polygon = { type: 'Polygon', coordinates: [[...ring].reverse()] };
    const open: Polygon = { type: 'Polygon', coordinates: [ring.slice(0, 4)] };
    expect(areaSquareMeters(reversed)).toBeCloseTo(areaSquareMeters(cell), 6);
    expect(areaSquareMeters(open)).toBeCloseTo(areaSquareMeters(cell), 6);
  });

  it('subtracts holes and adds parts', () => {
    const hole = rect(120.1025, lat + 0.0025, 120.1075, lat + 0.0075);
    const donut: Polygon = { type: 'Polygon', coordinates: [cell.coordinates[0] as Position[], hole] };
    const holeArea = areaSquareMeters({ type: 'Polygon', coordinates: [hole] });
    expect(holeArea).toBeGreaterThan(expected * 0.24);
    expect(areaSquareMeters(donut)).toBeCloseTo(areaSquareMeters(cell) - holeArea, 3);
    const two: MultiPolygon = { type: 'MultiPolygon', coordinates: [cell.coordinates, [hole]] };
    expect(areaSquareMeters(two)).toBeCloseTo(areaSquareMeters(cell) + holeArea, 3);
  });
});

describe('centroid', () => {
  it('is the centre of a square', () => {
    const [x, y] = centroid({ type: 'Polygon', coordinates: [rect(120, 30, 120.02, 30.01)] });
    expect(x).toBeCloseTo(120.01, 10);
    expect(y).toBeCloseTo(30.005, 10);
  });

  it('is area-weighted for an L shape and honours holes', () => {
    const l: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [2, 0],
          [2, 1],
          [1, 1],
          [1, 2],
          [0, 2],
          [0, 0],
        ],
      ],
    };
    const [lx, ly] = centroid(l);
    expect(lx).toBeCloseTo(2.5 / 3, 10);
    expect(ly).toBeCloseTo(2.5 / 3, 10);

    // 2×1 rectangle with the right half removed as a hole: centroid of the left unit square.
    const withHole: Polygon = {
      type: 'Polygon',
      coordinates: [rect(0, 0, 2, 1), [...rect(1, 0, 2, 1)].reverse()],
    };
    const [hx, hy] = centroid(withHole);
    expect(hx).toBeCloseTo(0.5, 10);
    expect(hy).toBeCloseTo(0.5, 10);
  });

  it('falls back to the vertex mean for degenerate rings', () => {
    const flat: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [2, 0],
          [0, 0],
        ],
      ],
    };
    expect(centroid(flat)).toEqual([1, 0]);
  });
});

describe('haversineMeters', () => {
  it('measures a degree of latitude and is symmetric', () => {
    const a: Position = [120.12, 30];
    const b: Position = [120.12, 31];
    expect(haversineMeters(a, b)).toBeCloseTo(111_195, -1);
    expect(haversineMeters(b, a)).toBe(haversineMeters(a, b));
    expect(haversineMeters(a, a)).toBe(0);
  });

  it('shrinks longitude degrees by cos(latitude)', () => {
    const d = haversineMeters([120, 30.28], [120.01, 30.28]);
    expect(d).toBeCloseTo(1111.95 * Math.cos((30.28 * Math.PI) / 180), 0);
  });
});

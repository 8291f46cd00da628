import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bbox,
  pointInPolygon,
  type BBox,
  type MultiPolygon,
  type Polygon,
  type Position,
} from './geojson.js';
import { GridIndex } from './grid-index.js';
import {
  GUDANG_BOUNDARY,
  createRng,
  generateDemoGrids,
  generateSyntheticGrids,
  randomPointIn,
} from './synthetic.js';

function rect(x0: number, y0: number, x1: number, y1: number): Polygon {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
        [x0, y0],
      ],
    ],
  };
}

/** Independent oracle: first grid in input order containing the point, via geojson.ts. */
function bruteForce<Id>(
  grids: Array<{ id: Id; geometry: Polygon | MultiPolygon }>,
  lng: number,
  lat: number,
) {
  return grids.find((grid) => pointInPolygon(lng, lat, grid.geometry))?.id;
}

/** The box grown by `margin` of its size on every side, so some points fall outside all grids. */
function grow(box: BBox, margin: number): BBox {
  const dx = (box[2] - box[0]) * margin;
  const dy = (box[3] - box[1]) * margin;
  return [box[0] - dx, box[1] - dy, box[2] + dx, box[3] + dy];
}

const COMMUNITIES = Array.from({ length: 10 }, (_, i) => ({ code: `C${String(i).padStart(2, '0')}` }));

describe('GridIndex basics', () => {
  it('finds the grid containing a point and nothing outside', () => {
    const index = new GridIndex([
      { id: 'a', geometry: rect(0, 0, 1, 1) },
      { id: 'b', geometry: rect(1, 0, 2, 1) },
    ]);
    expect(index.size).toBe(2);
    expect(index.locate(0.5, 0.5)).toBe('a');
    expect(index.locate(1.5, 0.5)).toBe('b');
    expect(index.locate(2.5, 0.5)).toBeUndefined();
    expect(index.locate(0.5, -0.1)).toBeUndefined();
    expect(index.locate(Number.NaN, 0.5)).toBeUndefined();
    expect(index.locateIndex(1.5, 0.5)).toBe(1);
    expect(index.locateIndex(5, 5)).toBe(-1);
  });

  it('lets the earliest grid win where grids overlap, whatever their size', () => {
    const big = { id: 'big', geometry: rect(0, 0, 10, 10) };
    const small = { id: 'small', geometry: rect(4, 4, 5, 5) };
    expect(new GridIndex([big, small]).locate(4.5, 4.5)).toBe('big');
    expect(new GridIndex([small, big]).locate(4.5, 4.5)).toBe('small');
    expect(new GridIndex([small, big]).locate(1, 1)).toBe('big');
  });

  it('respects holes and multipolygon parts', () => {
    const donut: Polygon = {
      type: 'Polygon',
      coordinates: [
        rect(0, 0, 3, 3).coordinates[0] as Position[],
        rect(1, 1, 2, 2).coordinates[0] as Position[],
      ],
    };
    const islands: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [rect(1.25, 1.25, 1.75, 1.75).coordinates, rect(5, 5, 6, 6).coordinates],
    };
    const index = new GridIndex([
      { id: 'donut', geometry: donut },
      { id: 'islands', geometry: islands },
    ]);
    expect(index.locate(0.5, 0.5)).toBe('donut');
    expect(index.locate(1.5, 1.5)).toBe('islands');
    expect(index.locate(1.1, 1.1)).toBeUndefined();
    expect(index.locate(5.5, 5.5)).toBe('islands');
    expect(index.locate(4, 4)).toBeUndefined();
  });

  it('handles empty indexes and empty geometries', () => {
    expect(new GridIndex([]).locate(0, 0)).toBeUndefined();
    expect(new GridIndex([]).size).toBe(0);
    const index = new GridIndex([
      { id: 'empty', geometry: { type: 'MultiPolygon', coordinates: [] } },
      { id: 'a', geometry: rect(0, 0, 1, 1) },
    ]);
    expect(index.locate(0.5, 0.5)).toBe('a');
    expect(index.locateLinear(0.5, 0.5)).toBe('a');
  });

  it('copies geometry, so mutating the input later has no effect', () => {
    const geometry = rect(0, 0, 1, 1);
    const index = new GridIndex([{ id: 'a', geometry }]);
    (geometry.coordinates[0] as Position[]).forEach((p) => {
      p[0] += 10;
    });
    expect(index.locate(0.5, 0.5)).toBe('a');
    expect(index.locate(10.5, 0.5)).toBeUndefined();
  });

  it('never loses a candidate to Float32 box rounding', () => {
    // Boxes far narrower than a Float32 ulp at 120° (~7.6e-6): naive rounding would drop them.
    const grids = Array.from({ length: 50 }, (_, i) => {
      const x = 120.1 + i * 1e-9;
      return { id: i, geometry: rect(x, 30.2 + 1e-10, x + 5e-10, 30.2 + 6e-10) };
    });
    const index = new GridIndex(grids);
    grids.forEach((grid, i) => {
      const x = 120.1 + i * 1e-9 + 2.5e-10;
      expect(index.locate(x, 30.2 + 3e-10)).toBe(grid.id);
    });
  });

  it('assigns points on a shared slanted edge to exactly one grid', () => {
    const lower: Position = [0.1234567, 0.2712345];
    const upper: Position = [0.9298761, 0.9798767];
    const westRing: Position[] = [[0, 0], lower, upper, [0, 1], [0, 0]];
    const eastRing: Position[] = [lower, [1, 0], [1, 1], upper, lower];
    const west = { id: 'west', geometry: { type: 'Polygon', coordinates: [westRing] } satisfies Polygon };
    const east = { id: 'east', geometry: { type: 'Polygon', coordinates: [eastRing] } satisfies Polygon };
    // If a point were in both grids (or neither), input order would change (or void) the answer.
    const westFirst = new GridIndex([west, east]);
    const eastFirst = new GridIndex([east, west]);
    for (let i = 1; i < 2000; i++) {
      const y = lower[1] + ((upper[1] - lower[1]) * i) / 2000;
      const x = lower[0] + ((y - lower[1]) * (upper[0] - lower[0])) / (upper[1] - lower[1]);
      const found = westFirst.locate(x, y);
      expect(found).toBeDefined();
      expect(eastFirst.locate(x, y)).toBe(found);
    }
  });

  it('agrees with bbox pre-filtering on degenerate, subnormal-coordinate slivers', () => {
    // Found by the property test below: rounding once put the crossing of a near-vertical edge
    // outside its x-range, so a point left of the sliver's bbox tested inside it.
    const sliver: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [5e-324, 0],
          [2.1771256008210114e-24, 0],
          [5e-324, 99.99999999999999],
          [5e-324, 0],
        ],
      ],
    };
    const grids = [
      { id: 'sliver', geometry: sliver },
      { id: 'square', geometry: rect(0, 0, 0.1, 0.1) },
    ];
    const index = new GridIndex(grids, { nodeSize: 2 });
    expect(pointInPolygon(0, 99.99999999999997, sliver)).toBe(false);
    expect(index.locate(0, 99.99999999999997)).toBeUndefined();
    expect(index.locateLinear(0, 99.99999999999997)).toBeUndefined();
    expect(index.locate(0, 0)).toBe('square');
  });

  it('accepts unclosed rings like pointInPolygon does', () => {
    const open: Polygon = {
      type: 'Polygon',
      coordinates: [(rect(0, 0, 1, 1).coordinates[0] as Position[]).slice(0, 4)],
    };
    const index = new GridIndex([{ id: 'open', geometry: open }]);
    expect(index.locate(0.5, 0.5)).toBe('open');
    expect(index.locate(1.5, 0.5)).toBeUndefined();
  });
});

describe('GridIndex agrees with the linear scan', () => {
  it('on 20,000 random points over 2,000 synthetic grids', { timeout: 60_000 }, () => {
    const box: BBox = [120.095, 30.265, 120.145, 30.3];
    const grids = generateSyntheticGrids(2000, box, 7).map((g) => ({ id: g.code, geometry: g.geometry }));
    const index = new GridIndex(grids);
    const rng = createRng(11);
    const sample = grow(box, 0.05);
    let inside = 0;
    for (let i = 0; i < 20_000; i++) {
      const [lng, lat] = randomPointIn(sample, rng);
      const found = index.locate(lng, lat);
      expect(found).toBe(index.locateLinear(lng, lat));
      const inBox = lng >= box[0] && lng <= box[2] && lat >= box[1] && lat <= box[3];
      // The synthetic grids tile their box, so exactly the points inside it find a grid.
      expect(found !== undefined).toBe(inBox);
      if (inBox) inside++;
    }
    expect(inside).toBeGreaterThan(15_000);
    // Spot-check both against an oracle that shares no code with them.
    for (let i = 0; i < 500; i++) {
      const [lng, lat] = randomPointIn(sample, rng);
      expect(index.locate(lng, lat)).toBe(bruteForce(grids, lng, lat));
    }
  });

  it('on 20,000 random points over the demo grids', { timeout: 60_000 }, () => {
    const grids = generateDemoGrids(COMMUNITIES).map((g) => ({ id: g.code, geometry: g.geometry }));
    const index = new GridIndex(grids);
    const rng = createRng(12);
    const sample = grow(bbox(GUDANG_BOUNDARY), 0.05);
    const hits = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const [lng, lat] = randomPointIn(sample, rng);
      const found = index.locate(lng, lat);
      expect(found).toBe(index.locateLinear(lng, lat));
      expect(found).toBe(bruteForce(grids, lng, lat));
      expect(found !== undefined).toBe(pointInPolygon(lng, lat, GUDANG_BOUNDARY));
      if (found !== undefined) hits.add(found);
    }
    expect(hits.size).toBe(grids.length);
  });

  it('for arbitrary points (property)', { timeout: 60_000 }, () => {
    const grids = generateSyntheticGrids(500, [120.1, 30.27, 120.14, 30.29], 3).map((g) => ({
      id: g.code,
      geometry: g.geometry,
    }));
    const index = new GridIndex(grids, { nodeSize: 4 });
    fc.assert(
      fc.property(
        fc.double({ min: 120.09, max: 120.15, noNaN: true }),
        fc.double({ min: 30.26, max: 30.3, noNaN: true }),
        (lng, lat) => index.locate(lng, lat) === index.locateLinear(lng, lat),
      ),
      { numRuns: 5000 },
    );
  });

  it('for arbitrary overlapping polygons, where input order decides (property)', { timeout: 60_000 }, () => {
    const coordinate = fc.double({ min: 0, max: 100, noNaN: true });
    const triangle = fc
      .tuple(coordinate, coordinate, coordinate, coordinate, coordinate, coordinate)
      .map(([ax, ay, bx, by, cx, cy]): Polygon => ({
        type: 'Polygon',
        coordinates: [
          [
            [ax, ay],
            [bx, by],
            [cx, cy],
            [ax, ay],
          ],
        ],
      }));
    const box = fc
      .tuple(
        coordinate,
        coordinate,
        fc.double({ min: 0.1, max: 30, noNaN: true }),
        fc.double({ min: 0.1, max: 30, noNaN: true }),
      )
      .map(([x, y, w, h]) => rect(x, y, x + w, y + h));
    fc.assert(
      fc.property(
        fc.array(fc.oneof(triangle, box), { minLength: 1, maxLength: 60 }),
        fc.array(fc.tuple(coordinate, coordinate), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 2, max: 16 }),
        (geometries, points, nodeSize) => {
          const grids = geometries.map((geometry, id) => ({ id, geometry }));
          const index = new GridIndex(grids, { nodeSize });
          for (const [lng, lat] of points) {
            const expected = bruteForce(grids, lng, lat);
            if (index.locate(lng, lat) !== expected || index.locateLinear(lng, lat) !== expected)
              return false;
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});

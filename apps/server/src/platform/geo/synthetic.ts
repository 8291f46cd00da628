/**
 * Deterministic synthetic geometry: the demo subdistrict outline and grid (网格) layer, and
 * large grid layers for benchmarks.
 *
 * NOTE: every polygon produced here is SYNTHETIC. Neither GUDANG_BOUNDARY nor the demo grids
 * trace the real administrative boundaries of Gudang subdistrict (古荡街道) or its communities;
 * they only sit roughly where it is (around 30.28 N, 120.12 E) so maps look plausible.
 *
 * All randomness comes from a seeded PRNG, so the same inputs always give the same output.
 */
import type { BBox, Polygon, Position } from './geojson.js';

/** A PRNG returning floats uniformly in [0, 1), like Math.random. */
export type Rng = () => number;

/**
 * Seeded PRNG (mulberry32 on a SplitMix-scrambled seed): fast, 32-bit state, good enough for
 * test data. The seed is coerced to an unsigned 32-bit integer.
 */
export function createRng(seed: number): Rng {
  // Scramble so that nearby seeds (1, 2, 3…) give unrelated streams.
  let z = (Math.trunc(seed) + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  let state = (z ^ (z >>> 16)) | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniformly distributed point in the (lng/lat) box. */
export function randomPointIn(box: BBox, rng: Rng): Position {
  const [minLng, minLat, maxLng, maxLat] = box;
  return [minLng + rng() * (maxLng - minLng), minLat + rng() * (maxLat - minLat)];
}

// ---------------------------------------------------------------------------------------------
// Tiling engine
//
// A "brick" layout: horizontal levels ys[0] < … < ys[R] bound R bands; band r is cut into cells
// at ascending x positions cuts[r] (first and last equal to the frame's edges). Cuts may differ
// between bands, giving T-junctions. Every edge (between two nodes) is generated once as a
// jittered polyline and shared by the two cells beside it, with identical coordinates, so cells
// tile the frame with no gaps or overlaps.
//
// Why it never self-intersects: with jitter amplitude A below half the smallest gap between
// nodes on a level and half the smallest band height, every node stays within ±0.45A of its
// design point, vertical edges stay in a ±0.9A strip around their design x and only leave the
// node boxes (±A) at their ends, and horizontal edges likewise around their level. Strips of
// different edges meet only inside node boxes, where the edges are straight segments fanning
// out from the same node. The frame's sides are given polylines (see buildDemoFrame) whose wiggle
// stays within the node boxes and is gently sloped. Tests check the result with @turf/kinks and by dense
// sampling anyway.
// ---------------------------------------------------------------------------------------------

/** The outline as four monotone polylines sharing the corner vertices. */
interface Frame {
  /** South side, west → east (x ascending). */
  bottom: Position[];
  /** North side, west → east. */
  top: Position[];
  /** West side, south → north (y ascending). */
  left: Position[];
  /** East side, south → north. */
  right: Position[];
}

interface Layout {
  /** Level y values, ascending; ys[0] and ys[R] are the frame's south and north corners' y. */
  ys: number[];
  /** Per band, ascending x cuts, first and last equal to the frame corners' x. */
  cuts: number[][];
}

interface TileOptions {
  rng: Rng;
  /** Jitter amplitude A in degrees; see the invariant above. */
  amplitude: number;
  /** Intermediate vertices to put on an inner edge of the given orientation and design length. */
  interiorCount: (horizontal: boolean, length: number) => number;
  /** Round generated coordinates to this many decimals (the frame is used as given). */
  decimals?: number;
}

interface Cell {
  band: number;
  column: number;
  ring: Position[];
}

/** Vertex of a monotone side polyline at the given coordinate along its axis. */
function sidePoint(side: Position[], axis: 0 | 1, value: number): Position {
  for (let i = 0; i < side.length; i++) {
    const p = side[i] as Position;
    if (p[axis] === value) return [p[0], p[1]];
    if (p[axis] > value) {
      const q = side[i - 1];
      if (q === undefined) break;
      // Between two side vertices: interpolate so the node lies on the side itself.
      const t = (value - q[axis]) / (p[axis] - q[axis]);
      const other = axis === 0 ? 1 : 0;
      const out: Position = [0, 0];
      out[axis] = value;
      out[other] = q[other] + t * (p[other] - q[other]);
      return out;
    }
  }
  throw new RangeError(`value ${value} is outside the frame side`);
}

/** Side vertices strictly between lo and hi along the axis, ascending. */
function sideBetween(side: Position[], axis: 0 | 1, lo: number, hi: number): Position[] {
  return side.filter((p) => p[axis] > lo && p[axis] < hi).map((p): Position => [p[0], p[1]]);
}

function tile(frame: Frame, layout: Layout, options: TileOptions): Cell[] {
  const { rng, amplitude: a, interiorCount } = options;
  const factor = options.decimals === undefined ? 0 : 10 ** options.decimals;
  const round = (v: number): number => (factor === 0 ? v : Math.round(v * factor) / factor);
  const jitter = (): number => (rng() * 2 - 1) * 0.45 * a;
  const { ys, cuts } = layout;
  const bands = ys.length - 1;
  const y = (r: number): number => ys[r] as number;

  // Nodes on each level: the union of the cuts of the bands below and above.
  const levelXs: number[][] = [];
  for (let r = 0; r <= bands; r++) {
    const xs = new Set<number>([...(cuts[r - 1] ?? []), ...(cuts[r] ?? [])]);
    levelXs.push([...xs].sort((p, q) => p - q));
  }
  const nodes: Array<Map<number, Position>> = levelXs.map((xs, r) => {
    const map = new Map<number, Position>();
    xs.forEach((x, k) => {
      let p: Position;
      if (r === 0) p = sidePoint(frame.bottom, 0, x);
      else if (r === bands) p = sidePoint(frame.top, 0, x);
      else if (k === 0) p = sidePoint(frame.left, 1, y(r));
      else if (k === xs.length - 1) p = sidePoint(frame.right, 1, y(r));
      else p = [round(x + jitter()), round(y(r) + jitter())];
      map.set(x, p);
    });
    return map;
  });
  const node = (r: number, x: number): Position => {
    const p = nodes[r]?.get(x);
    if (p === undefined) throw new Error(`no node at level ${r}, x ${x}`);
    return p;
  };

  // Interior vertices of the horizontal edge between consecutive nodes k and k+1 of a level.
  const horizontal: Position[][][] = levelXs.map((xs, r) => {
    const edges: Position[][] = [];
    for (let k = 0; k + 1 < xs.length; k++) {
      const u = xs[k] as number;
      const v = xs[k + 1] as number;
      if (r === 0) edges.push(sideBetween(frame.bottom, 0, u, v));
      else if (r === bands) edges.push(sideBetween(frame.top, 0, u, v));
      else edges.push(innerEdge(node(r, u), node(r, v), u + a, v - a, 0, interiorCount(true, v - u)));
    }
    return edges;
  });

  // Interior vertices of each band's vertical edges, south → north, keyed by cut x.
  const vertical: Array<Map<number, Position[]>> = cuts.map((bandCuts, r) => {
    const map = new Map<number, Position[]>();
    const lo = y(r);
    const hi = y(r + 1);
    bandCuts.forEach((x, j) => {
      if (j === 0) map.set(x, sideBetween(frame.left, 1, lo, hi));
      else if (j === bandCuts.length - 1) map.set(x, sideBetween(frame.right, 1, lo, hi));
      else
        map.set(x, innerEdge(node(r, x), node(r + 1, x), lo + a, hi - a, 1, interiorCount(false, hi - lo)));
    });
    return map;
  });

  /**
   * Polyline of inner-edge vertices strictly between `from` and `to`, monotone along `axis`:
   * one vertex per equal slot of [lo, hi], placed in the middle 60% of its slot, displaced
   * sideways by up to 0.45A from the straight line between the end nodes.
   */
  function innerEdge(
    from: Position,
    to: Position,
    lo: number,
    hi: number,
    axis: 0 | 1,
    count: number,
  ): Position[] {
    const other = axis === 0 ? 1 : 0;
    const out: Position[] = [];
    const slot = (hi - lo) / count;
    for (let i = 0; i < count; i++) {
      const along = lo + (i + 0.2 + 0.6 * rng()) * slot;
      const t = (along - from[axis]) / (to[axis] - from[axis]);
      const side = from[other] + t * (to[other] - from[other]) + jitter();
      const p: Position = [0, 0];
      p[axis] = round(along);
      p[other] = round(side);
      out.push(p);
    }
    return out;
  }

  /** Nodes and edge vertices along level r from design x `from` to `to` (from < to). */
  function levelPath(r: number, from: number, to: number): Position[] {
    const xs = levelXs[r] as number[];
    const edges = horizontal[r] as Position[][];
    let k = xs.indexOf(from);
    const path: Position[] = [node(r, from)];
    while ((xs[k] as number) < to) {
      path.push(...(edges[k] as Position[]));
      k++;
      path.push(node(r, xs[k] as number));
    }
    return path;
  }

  const cells: Cell[] = [];
  cuts.forEach((bandCuts, r) => {
    const edges = vertical[r] as Map<number, Position[]>;
    for (let j = 0; j + 1 < bandCuts.length; j++) {
      const west = bandCuts[j] as number;
      const east = bandCuts[j + 1] as number;
      // Counter-clockwise (RFC 7946 exterior): south side eastwards, east side northwards,
      // north side westwards, west side southwards.
      const ring: Position[] = [
        ...levelPath(r, west, east),
        ...(edges.get(east) ?? []),
        ...levelPath(r + 1, west, east).reverse(),
        ...[...(edges.get(west) ?? [])].reverse(),
      ];
      const first = ring[0] as Position;
      ring.push(first);
      // Copy every position so that no two rings share mutable arrays.
      cells.push({ band: r, column: j, ring: ring.map((p): Position => [p[0], p[1]]) });
    }
  });
  return cells;
}

/** Closed counter-clockwise ring around a frame. */
function frameRing(frame: Frame): Position[] {
  return [
    ...frame.bottom,
    ...frame.right.slice(1),
    ...[...frame.top].reverse().slice(1),
    ...[...frame.left].reverse().slice(1),
  ].map((p): Position => [p[0], p[1]]);
}

/** Smallest gap between consecutive nodes on any level. */
function minNodeGap(layout: Layout): number {
  let gap = Infinity;
  for (let r = 0; r < layout.ys.length; r++) {
    const xs = [...new Set([...(layout.cuts[r - 1] ?? []), ...(layout.cuts[r] ?? [])])].sort((p, q) => p - q);
    for (let k = 1; k < xs.length; k++) gap = Math.min(gap, (xs[k] as number) - (xs[k - 1] as number));
  }
  return gap;
}

function minBandHeight(ys: number[]): number {
  let h = Infinity;
  for (let r = 1; r < ys.length; r++) h = Math.min(h, (ys[r] as number) - (ys[r - 1] as number));
  return h;
}

// ---------------------------------------------------------------------------------------------
// Demo subdistrict
// ---------------------------------------------------------------------------------------------

const DEMO_WEST = 120.095;
const DEMO_EAST = 120.145;
const DEMO_SOUTH = 30.265;
const DEMO_NORTH = 30.3;
/** Spacing of the outline's vertices, degrees. Design cuts snap to it (see generateDemoGrids). */
const DEMO_STEP = 0.0005;
const DEMO_DECIMALS = 7;
const DEMO_SEED = 0x6d0da9;

const round7 = (v: number): number => Math.round(v * 1e7) / 1e7;

/**
 * The outline: a rectangle whose sides meander gently (≤ 0.000075°, ~8 m, over long wavelengths)
 * so it looks surveyed rather than ruled. The wiggle must stay within the node boxes of the
 * tiling (0.45A, see the tiling notes), which generateDemoGrids guarantees by its minimum gap. North and south sides share vertex longitudes and east and west
 * sides share latitudes, so design cuts can snap to existing outline vertices and grid corners
 * on the outline are exact outline vertices.
 */
function buildDemoFrame(): Frame {
  const rng = createRng(DEMO_SEED);
  const wave = (): ((t: number) => number) => {
    const p1 = rng() * 2 * Math.PI;
    const p2 = rng() * 2 * Math.PI;
    // Two low-frequency harmonics; zero at both ends so corners stay square.
    return (t) =>
      Math.sin(Math.PI * t) *
      (0.00005 * Math.sin(2 * Math.PI * t + p1) + 0.000025 * Math.sin(5 * Math.PI * t + p2));
  };
  const lngSteps = Math.round((DEMO_EAST - DEMO_WEST) / DEMO_STEP);
  const latSteps = Math.round((DEMO_NORTH - DEMO_SOUTH) / DEMO_STEP);
  const horizontalSide = (lat: number): Position[] => {
    const f = wave();
    return Array.from({ length: lngSteps + 1 }, (_, i): Position => [
      round7(DEMO_WEST + i * DEMO_STEP),
      round7(lat + f(i / lngSteps)),
    ]);
  };
  const verticalSide = (lng: number): Position[] => {
    const f = wave();
    return Array.from({ length: latSteps + 1 }, (_, i): Position => [
      round7(lng + f(i / latSteps)),
      round7(DEMO_SOUTH + i * DEMO_STEP),
    ]);
  };
  return {
    bottom: horizontalSide(DEMO_SOUTH),
    top: horizontalSide(DEMO_NORTH),
    left: verticalSide(DEMO_WEST),
    right: verticalSide(DEMO_EAST),
  };
}

const DEMO_FRAME = buildDemoFrame();

/**
 * Synthetic boundary of the demo subdistrict (about 120.095–120.145 E, 30.265–30.300 N): a
 * gently meandering rectangle. NOT the real administrative boundary of 古荡街道.
 */
export const GUDANG_BOUNDARY: Polygon = { type: 'Polygon', coordinates: [frameRing(DEMO_FRAME)] };

/** One generated demo grid. */
export interface DemoGrid {
  /** `${communityCode}-${ordinal padded to 2}`, e.g. `GDXC-03`. */
  code: string;
  /** `${communityName}第N网格` when the community has a name, else `第N网格`. */
  name: string;
  communityCode: string;
  /** 1-based number of the grid within its community: north row west → east, then south row. */
  ordinal: number;
  geometry: Polygon;
}

/** Grids per community, cycled: a mix of 3, 4 and 5 summing to 40 for the ten demo communities. */
const DEMO_GRID_COUNTS = [4, 3, 5, 4, 4, 5, 3, 4, 4, 4] as const;

/**
 * Synthetic grid layer for the demo: the communities, in the given order, get blocks of
 * GUDANG_BOUNDARY laid out west → east in two rows (north row first; one row for fewer than
 * four communities), and each block is split into 3–5 grids in two sub-rows. Edges are jittered
 * so they look hand-drawn, yet the grids tile the boundary exactly, without gaps, overlaps or
 * self-intersections. Deterministic: the same communities always give the same grids.
 * Works for up to 14 communities (and some larger counts); throws a RangeError when the area
 * cannot be split cleanly.
 *
 * The polygons are synthetic, not real grid boundaries.
 */
export function generateDemoGrids(communities: ReadonlyArray<{ code: string; name?: string }>): DemoGrid[] {
  const n = communities.length;
  if (n === 0) return [];
  const rng = createRng(DEMO_SEED + n);
  const blockRows = n >= 4 ? 2 : 1;
  const northCount = Math.ceil(n / blockRows);
  const rowCounts = blockRows === 2 ? [northCount, n - northCount] : [n];

  // Snap design coordinates to outline vertices so outer corners are exact outline vertices.
  const snap = (v: number, origin: number): number =>
    round7(origin + Math.round((v - origin) / DEMO_STEP) * DEMO_STEP);
  const snapX = (x: number): number => snap(x, DEMO_WEST);
  const snapY = (yv: number): number => snap(yv, DEMO_SOUTH);

  // Levels: each block row has a north and a south sub-row.
  const height = DEMO_NORTH - DEMO_SOUTH;
  const ys =
    blockRows === 2
      ? [
          DEMO_SOUTH,
          snapY(DEMO_SOUTH + 0.26 * height),
          snapY(DEMO_SOUTH + 0.5 * height),
          snapY(DEMO_SOUTH + 0.76 * height),
          DEMO_NORTH,
        ]
      : [DEMO_SOUTH, snapY(DEMO_SOUTH + 0.5 * height), DEMO_NORTH];
  const bandCount = ys.length - 1;

  type Owner = { community: number; ordinal: number };
  /**
   * One candidate layout. Block widths vary a little, and each block's grids are split between
   * its two sub-rows; the first attempt alternates the split, later ones draw it at random.
   */
  const attemptLayout = (attempt: number): { layout: Layout; owners: Owner[][] } => {
    const boundariesFor = new Map<number, number[]>();
    const blockBoundaries = (count: number): number[] => {
      let xs = boundariesFor.get(count);
      if (xs === undefined) {
        const w = (DEMO_EAST - DEMO_WEST) / count;
        xs = Array.from({ length: count + 1 }, (_, i) =>
          i === 0 ? DEMO_WEST : i === count ? DEMO_EAST : snapX(DEMO_WEST + (i + (rng() - 0.5) * 0.2) * w),
        );
        boundariesFor.set(count, xs);
      }
      return xs;
    };
    // Bands are numbered south → north; remember which community/ordinal each cell belongs to.
    const cuts: number[][] = Array.from({ length: bandCount }, () => [DEMO_WEST]);
    const owners: Owner[][] = Array.from({ length: bandCount }, () => []);
    let community = 0;
    rowCounts.forEach((count, row) => {
      const bounds = blockBoundaries(count);
      // Row 0 is the northern block row: its north sub-row is the top band.
      const northBand = bandCount - 1 - 2 * row;
      const southBand = northBand - 1;
      for (let b = 0; b < count; b++, community++) {
        const grids = DEMO_GRID_COUNTS[community % DEMO_GRID_COUNTS.length] as number;
        const moreNorth = attempt === 0 ? community % 2 === 0 : rng() < 0.5;
        const north = moreNorth ? Math.ceil(grids / 2) : Math.floor(grids / 2);
        const south = grids - north;
        const west = bounds[b] as number;
        const east = bounds[b + 1] as number;
        let ordinal = 1;
        for (const [band, m] of [
          [northBand, north],
          [southBand, south],
        ] as const) {
          for (let i = 1; i <= m; i++) {
            (cuts[band] as number[]).push(i === m ? east : snapX(west + ((east - west) * i) / m));
            (owners[band] as Owner[]).push({ community, ordinal: ordinal++ });
          }
        }
      }
    });
    return { layout: { ys, cuts }, owners };
  };

  // Cuts from different blocks can land close together (above all when the two block rows hold
  // different numbers of blocks); retry until every gap is at least two outline steps, which
  // keeps 0.45A ≥ 0.000099°, above the outline's wiggle. Deterministic, as `rng` is seeded.
  let attempt = 0;
  let candidate = attemptLayout(attempt);
  let gap = Math.min(minNodeGap(candidate.layout), minBandHeight(ys));
  while (gap < 2 * DEMO_STEP - 1e-9) {
    if (++attempt > 500) {
      throw new RangeError(`generateDemoGrids: cannot lay out ${n} communities in the demo area`);
    }
    candidate = attemptLayout(attempt);
    gap = Math.min(minNodeGap(candidate.layout), minBandHeight(ys));
  }
  const { layout, owners } = candidate;
  const amplitude = 0.22 * gap;
  const cells = tile(DEMO_FRAME, layout, {
    rng,
    amplitude,
    // 1–3 bends per edge: enough to look hand-drawn while staying light.
    interiorCount: () => 1 + Math.floor(rng() * 3),
    decimals: DEMO_DECIMALS,
  });

  return cells
    .map((cell) => {
      const owner = owners[cell.band]?.[cell.column];
      if (owner === undefined) throw new Error('demo layout: cell without owner');
      return { owner, ring: cell.ring };
    })
    .sort((p, q) => p.owner.community - q.owner.community || p.owner.ordinal - q.owner.ordinal)
    .map(({ owner, ring }): DemoGrid => {
      const c = communities[owner.community] as { code: string; name?: string };
      return {
        code: `${c.code}-${String(owner.ordinal).padStart(2, '0')}`,
        name: `${c.name ?? ''}第${owner.ordinal}网格`,
        communityCode: c.code,
        ordinal: owner.ordinal,
        geometry: { type: 'Polygon', coordinates: [ring] },
      };
    });
}

// ---------------------------------------------------------------------------------------------
// Benchmark layers
// ---------------------------------------------------------------------------------------------

/** One generated benchmark grid. */
export interface SyntheticGrid {
  /** `S000001`, `S000002`, … in row-major order (south → north, west → east). */
  code: string;
  geometry: Polygon;
}

/**
 * `count` synthetic grids tiling `box` exactly (no gaps, no overlaps, no self-intersections):
 * a jittered lattice of roughly square cells whose rows hold ⌊count/rows⌋ or one more cell
 * (the extra cell halves one column), each a polygon of 5–12 distinct vertices (fewer only for
 * tiny counts). The outer sides are the box's straight edges. Deterministic for a given seed.
 */
export function generateSyntheticGrids(count: number, box: BBox, seed: number): SyntheticGrid[] {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (count === 0) return [];
  const [minX, minY, maxX, maxY] = box;
  if (!(maxX > minX && maxY > minY)) throw new RangeError('bbox must have positive width and height');
  const rng = createRng(seed);

  // Roughly square cells on the ground: a degree of longitude is shorter by cos(latitude).
  const widthGround = (maxX - minX) * Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const rows = Math.min(count, Math.max(1, Math.round(Math.sqrt((count * (maxY - minY)) / widthGround))));
  const perRow = Math.floor(count / rows);
  const extra = count - perRow * rows;

  const colWidth = (maxX - minX) / perRow;
  const bandHeight = (maxY - minY) / rows;
  const columns = Array.from({ length: perRow + 1 }, (_, k) =>
    k === 0 ? minX : k === perRow ? maxX : minX + (k + (rng() - 0.5) * 0.3) * colWidth,
  );
  const ys = Array.from({ length: rows + 1 }, (_, r) =>
    r === 0 ? minY : r === rows ? maxY : minY + (r + (rng() - 0.5) * 0.3) * bandHeight,
  );
  const cuts = ys.slice(1).map((_, r) => {
    const bandCuts = [...columns];
    // Spread the rows that get one more cell evenly; that cell comes from halving a column.
    if (Math.floor(((r + 1) * extra) / rows) > Math.floor((r * extra) / rows)) {
      const c = Math.floor(rng() * perRow);
      bandCuts.splice(c + 1, 0, ((columns[c] as number) + (columns[c + 1] as number)) / 2);
    }
    return bandCuts;
  });
  const layout: Layout = { ys, cuts };
  const frame: Frame = {
    bottom: [
      [minX, minY],
      [maxX, minY],
    ],
    top: [
      [minX, maxY],
      [maxX, maxY],
    ],
    left: [
      [minX, minY],
      [minX, maxY],
    ],
    right: [
      [maxX, minY],
      [maxX, maxY],
    ],
  };
  const cells = tile(frame, layout, {
    rng,
    amplitude: 0.22 * Math.min(minNodeGap(layout), minBandHeight(ys)),
    // Vertex budget per cell (4 corners + ≤2 T-junctions): full-width horizontal edges 1–2,
    // half-width ones 1, vertical edges 0–1 → 5–12 distinct vertices.
    interiorCount: (horizontal, length) =>
      horizontal ? (length >= 0.6 * colWidth ? 1 + Math.floor(rng() * 2) : 1) : Math.floor(rng() * 2),
  });
  return cells.map((cell, i) => ({
    code: `S${String(i + 1).padStart(6, '0')}`,
    geometry: { type: 'Polygon', coordinates: [cell.ring] },
  }));
}

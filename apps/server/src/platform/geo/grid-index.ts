import Flatbush from 'flatbush';
import { polygonsOf, type MultiPolygon, type Polygon, type Position } from './geojson.js';

/** One grid (网格) to index: its id and its area geometry. */
export interface GridIndexEntry<Id> {
  id: Id;
  geometry: Polygon | MultiPolygon;
}

/** Tuning knobs; the default is right for grid layers of a few dozen to tens of thousands of polygons. */
export interface GridIndexOptions {
  /** Flatbush node size (children per tree node). Default 16. */
  nodeSize?: number;
}

/**
 * Static point → grid lookup ("which 网格 is this address in?").
 *
 * Candidates come from a Flatbush R-tree over the grid bounding boxes, then an exact even-odd
 * point-in-polygon test runs over the polygons flattened into one `Float64Array`. Lookups do
 * not allocate: the tree is walked with a preallocated stack instead of `Flatbush#search`
 * (which builds a queue and a result array per call), so a hot path such as bulk geocoding
 * produces no garbage.
 *
 * With random points over thousands of grids, lookups are bound by cache misses rather than
 * arithmetic, so the layout is kept compact: tree boxes are Float32 (rounded outwards, so a box
 * never shrinks and no candidate is lost; the exact test is in Float64), and a single-ring grid
 * reaches its vertices through one span lookup.
 *
 * If grids overlap (bad data), the one earliest in input order wins, regardless of tree order,
 * so results are deterministic and match {@link GridIndex.locateLinear}. Points exactly on an
 * edge shared by two grids go to exactly one of them (see `pointInPolygon` in geojson.ts,
 * which uses the same rule).
 *
 * The index is immutable: rebuild it when the grid layer changes.
 */
export class GridIndex<Id = string> {
  /** Number of grids indexed. */
  readonly size: number;

  private readonly ids: Id[];

  // Flattened geometry, x,y pairs in `coords`, every ring stored closed. Grid g is described by
  // gridSpan[2g], gridSpan[2g+1]: for a single-ring polygon (the usual grid) the start and end
  // offsets of that ring in `coords`; otherwise -1 - firstPart and endPart (exclusive), where
  // part p owns rings [partRingStart[p], partRingStart[p+1]) and ring r owns the doubles
  // [ringStart[r], ringStart[r+1]).
  private readonly coords: Float64Array;
  private readonly gridSpan: Int32Array;
  private readonly partRingStart: Int32Array;
  private readonly ringStart: Int32Array;
  /** Per-grid bbox in input order (minX, minY, maxX, maxY), used by the linear scan. */
  private readonly gridBoxes: Float64Array;

  // Flatbush internals, kept as monomorphic typed arrays for the allocation-free walk.
  private readonly treeBoxes: Float32Array;
  private readonly treeIndices: Int32Array;
  private readonly levelBounds: Int32Array;
  private readonly nodeSize4: number;
  /** Offset in `treeBoxes` where inner nodes start (4 × number of tree items). */
  private readonly leafEnd: number;
  private readonly stack: Int32Array;
  /**
   * The point being looked up. Internal calls read it from here rather than taking lng/lat
   * arguments: V8 boxes double arguments of calls it does not inline, which would allocate two
   * HeapNumbers per lookup; typed-array reads and writes never allocate.
   */
  private readonly query = new Float64Array(2);
  private readonly minX: number;
  private readonly minY: number;
  private readonly maxX: number;
  private readonly maxY: number;

  /**
   * Build the index. Geometries are copied, so later mutation of the input has no effect.
   * @param grids grids in priority order (earlier wins where grids overlap)
   */
  constructor(grids: ReadonlyArray<GridIndexEntry<Id>>, options: GridIndexOptions = {}) {
    const size = grids.length;
    this.size = size;
    this.ids = grids.map((g) => g.id);

    let partCount = 0;
    let ringCount = 0;
    let doubleCount = 0;
    for (const { geometry } of grids) {
      for (const polygon of polygonsOf(geometry)) {
        partCount++;
        for (const ring of polygon) {
          ringCount++;
          doubleCount += 2 * (ring.length + (isClosed(ring) ? 0 : 1));
        }
      }
    }

    const coords = new Float64Array(doubleCount);
    const gridSpan = new Int32Array(size * 2);
    const partRingStart = new Int32Array(partCount + 1);
    const ringStart = new Int32Array(ringCount + 1);
    const gridBoxes = new Float64Array(size * 4);
    let c = 0;
    let r = 0;
    let p = 0;
    grids.forEach(({ geometry }, g) => {
      const firstPart = p;
      const firstRing = r;
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (const polygon of polygonsOf(geometry)) {
        partRingStart[p++] = r;
        for (const ring of polygon) {
          ringStart[r++] = c;
          for (const [x, y] of ring) {
            coords[c++] = x;
            coords[c++] = y;
            if (x < minX) minX = x;
            if (y < minY) minY = y;
            if (x > maxX) maxX = x;
            if (y > maxY) maxY = y;
          }
          const first = ring[0];
          if (first !== undefined && !isClosed(ring)) {
            coords[c++] = first[0];
            coords[c++] = first[1];
          }
        }
      }
      if (p - firstPart === 1 && r - firstRing === 1) {
        gridSpan[2 * g] = ringStart[firstRing] as number;
        gridSpan[2 * g + 1] = c;
      } else {
        gridSpan[2 * g] = -1 - firstPart;
        gridSpan[2 * g + 1] = p;
      }
      gridBoxes[4 * g] = minX;
      gridBoxes[4 * g + 1] = minY;
      gridBoxes[4 * g + 2] = maxX;
      gridBoxes[4 * g + 3] = maxY;
    });
    ringStart[r] = c;
    partRingStart[p] = r;

    this.coords = coords;
    this.gridSpan = gridSpan;
    this.partRingStart = partRingStart;
    this.ringStart = ringStart;
    this.gridBoxes = gridBoxes;

    // Grids without vertices have no box; leave them out of the tree (flatbush also rejects
    // an empty tree) and map tree items back to input indices below.
    const treeToGrid: number[] = [];
    for (let g = 0; g < size; g++) {
      if ((gridBoxes[4 * g] as number) <= (gridBoxes[4 * g + 2] as number)) treeToGrid.push(g);
    }
    const itemCount = treeToGrid.length;
    this.leafEnd = itemCount * 4;
    if (itemCount === 0) {
      this.treeBoxes = new Float32Array(0);
      this.treeIndices = new Int32Array(0);
      this.levelBounds = new Int32Array(0);
      this.nodeSize4 = 0;
      this.stack = new Int32Array(0);
      this.minX = Infinity;
      this.minY = Infinity;
      this.maxX = -Infinity;
      this.maxY = -Infinity;
      return;
    }

    const tree = new Flatbush(itemCount, options.nodeSize ?? 16, Float32Array);
    for (const g of treeToGrid) {
      tree.add(
        float32Below(gridBoxes[4 * g] as number),
        float32Below(gridBoxes[4 * g + 1] as number),
        float32Above(gridBoxes[4 * g + 2] as number),
        float32Above(gridBoxes[4 * g + 3] as number),
      );
    }
    tree.finish();

    // Layout relied on below (flatbush 4.x, see `search` in node_modules/flatbush/index.js):
    // `_boxes` holds 4 numbers per node, leaves first (Hilbert-sorted), then each level up,
    // the root last; `_indices[pos >> 2]` is the item number for a leaf and the box offset of
    // the first child for an inner node; `_levelBounds[l]` is the end offset of level l.
    // Parent boxes are min/max of children, so they stay conservative in Float32 too.
    if (!(tree._boxes instanceof Float32Array)) throw new Error('GridIndex expects Float32Array boxes');
    this.treeBoxes = tree._boxes;
    const treeIndices = Int32Array.from(tree._indices);
    // Store input indices directly in the leaves so the hot loop needs no extra lookup.
    for (let leaf = 0; leaf < itemCount; leaf++) {
      treeIndices[leaf] = treeToGrid[treeIndices[leaf] as number] as number;
    }
    this.treeIndices = treeIndices;
    this.levelBounds = Int32Array.from(tree._levelBounds);
    this.nodeSize4 = tree.nodeSize * 4;
    // Depth-first walk: at most nodeSize (offset, level) pairs are pushed per level.
    this.stack = new Int32Array(2 * tree.nodeSize * (this.levelBounds.length + 1));
    this.minX = tree.minX;
    this.minY = tree.minY;
    this.maxX = tree.maxX;
    this.maxY = tree.maxY;
  }

  /** The grid containing the point, or `undefined` if none does. Allocation-free. */
  locate(lng: number, lat: number): Id | undefined {
    this.query[0] = lng;
    this.query[1] = lat;
    const i = this.search();
    return i < 0 ? undefined : this.ids[i];
  }

  /**
   * Input index of the grid containing the point, or -1. When grids overlap the lowest
   * index wins. Allocation-free.
   */
  locateIndex(lng: number, lat: number): number {
    this.query[0] = lng;
    this.query[1] = lat;
    return this.search();
  }

  /** The tree walk behind locate/locateIndex, for the point in `query`. */
  private search(): number {
    const lng = this.query[0] as number;
    const lat = this.query[1] as number;
    // Negated comparisons also reject NaN, which every box test below would otherwise accept.
    if (!(lng >= this.minX && lng <= this.maxX && lat >= this.minY && lat <= this.maxY)) return -1;

    const boxes = this.treeBoxes;
    const indices = this.treeIndices;
    const levelBounds = this.levelBounds;
    const stack = this.stack;
    const nodeSize4 = this.nodeSize4;
    const leafEnd = this.leafEnd;
    let best = this.size;
    let sp = 0;
    let nodeIndex = boxes.length - 4;
    let level = levelBounds.length - 1;

    for (;;) {
      const end = Math.min(nodeIndex + nodeSize4, levelBounds[level] as number);
      if (nodeIndex >= leafEnd) {
        for (let pos = nodeIndex; pos < end; pos += 4) {
          if (
            lng < (boxes[pos] as number) ||
            lat < (boxes[pos + 1] as number) ||
            lng > (boxes[pos + 2] as number) ||
            lat > (boxes[pos + 3] as number)
          ) {
            continue;
          }
          stack[sp++] = indices[pos >> 2] as number;
          stack[sp++] = level - 1;
        }
      } else {
        for (let pos = nodeIndex; pos < end; pos += 4) {
          if (
            lng < (boxes[pos] as number) ||
            lat < (boxes[pos + 1] as number) ||
            lng > (boxes[pos + 2] as number) ||
            lat > (boxes[pos + 3] as number)
          ) {
            continue;
          }
          const g = indices[pos >> 2] as number;
          // Only a lower index can displace the current match, so skip the exact test otherwise.
          if (g < best && this.containsGrid(g)) best = g;
        }
      }
      if (sp === 0) break;
      level = stack[--sp] as number;
      nodeIndex = stack[--sp] as number;
    }
    return best < this.size ? best : -1;
  }

  /**
   * Reference implementation: scan every grid in input order (bbox reject, then the same exact
   * test) and return the first that contains the point. O(n); for tests and benchmarks.
   */
  locateLinear(lng: number, lat: number): Id | undefined {
    this.query[0] = lng;
    this.query[1] = lat;
    const boxes = this.gridBoxes;
    for (let g = 0; g < this.size; g++) {
      const o = g * 4;
      if (
        lng >= (boxes[o] as number) &&
        lat >= (boxes[o + 1] as number) &&
        lng <= (boxes[o + 2] as number) &&
        lat <= (boxes[o + 3] as number) &&
        this.containsGrid(g)
      ) {
        return this.ids[g];
      }
    }
    return undefined;
  }

  /**
   * Whether grid g contains the point in `query`: even-odd test per polygon part (holes
   * excluded), same half-open rule as `pointInPolygon`.
   */
  private containsGrid(g: number): boolean {
    const coords = this.coords;
    const x = this.query[0] as number;
    const y = this.query[1] as number;
    const a = this.gridSpan[2 * g] as number;
    const b = this.gridSpan[2 * g + 1] as number;
    if (a >= 0) return ringParity(coords, a, b, x, y);
    const ringStart = this.ringStart;
    const partRingStart = this.partRingStart;
    for (let p = -1 - a; p < b; p++) {
      let inside = false;
      const ringEnd = partRingStart[p + 1] as number;
      for (let r = partRingStart[p] as number; r < ringEnd; r++) {
        if (ringParity(coords, ringStart[r] as number, ringStart[r + 1] as number, x, y)) inside = !inside;
      }
      if (inside) return true;
    }
    return false;
  }
}

/**
 * Crossing parity of the closed ring stored in coords[start, end) for a ray from (x, y)
 * towards +x. The abscissa is computed from the lower endpoint so an edge shared by two grids
 * (stored in opposite directions) gives bit-identical results in both. Twin of `ringCrossings`
 * in geojson.ts (same rule, flat storage); keep the two identical.
 */
function ringParity(coords: Float64Array, start: number, end: number, x: number, y: number): boolean {
  let inside = false;
  const last = end - 2;
  for (let k = start; k < last; k += 2) {
    const y1 = coords[k + 1] as number;
    const y2 = coords[k + 3] as number;
    if (y1 > y !== y2 > y) {
      const x1 = coords[k] as number;
      const x2 = coords[k + 2] as number;
      // Decide by the edge's x-range when possible: it is cheaper, and rounding can put a
      // computed crossing just outside that range, which would make points outside a
      // polygon's bbox test inside (and disagree with bbox pre-filters).
      if (x < x1 && x < x2) inside = !inside;
      else if (x < x1 || x < x2) {
        const xCross =
          y1 < y2 ? x1 + ((y - y1) * (x2 - x1)) / (y2 - y1) : x2 + ((y - y2) * (x1 - x2)) / (y1 - y2);
        if (x < xCross) inside = !inside;
      }
    }
  }
  return inside;
}

// Scratch views for stepping to adjacent Float32 values (construction time only).
const f32 = new Float32Array(1);
const f32Bits = new Int32Array(f32.buffer);

/** Largest Float32 value ≤ v. */
function float32Below(v: number): number {
  f32[0] = v;
  const rounded = f32[0];
  if (rounded <= v) return rounded;
  // Rounded up: step one ulp towards -Infinity (for negatives that means a larger magnitude;
  // for +0 that means the smallest negative subnormal).
  if (rounded > 0) f32Bits[0] = (f32Bits[0] as number) - 1;
  else if (rounded < 0) f32Bits[0] = (f32Bits[0] as number) + 1;
  else f32Bits[0] = 0x80000001 | 0;
  return f32[0];
}

/** Smallest Float32 value ≥ v. */
function float32Above(v: number): number {
  return -float32Below(-v);
}

function isClosed(ring: Position[]): boolean {
  const first = ring[0];
  const last = ring[ring.length - 1];
  return first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1];
}

/**
 * Minimal GeoJSON (RFC 7946) types and planar/spherical helpers for the polygons we store:
 * community and grid areas of one subdistrict. Coordinates are WGS84 `[lng, lat]`.
 *
 * The area a tenant covers is a few kilometres across, so planar maths in degrees is accurate
 * enough for containment and centroids; only areas and distances are computed on the sphere.
 */

/** `[longitude, latitude]` in WGS84 degrees (altitude is not used anywhere in Jiedao). */
export type Position = [lng: number, lat: number];

/** `[minLng, minLat, maxLng, maxLat]`. */
export type BBox = [minLng: number, minLat: number, maxLng: number, maxLat: number];

export interface Polygon {
  type: 'Polygon';
  /** First ring is the exterior, the rest are holes; every ring is closed (first == last). */
  coordinates: Position[][];
}

export interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}

export type AreaGeometry = Polygon | MultiPolygon;

export interface Feature<G extends AreaGeometry = AreaGeometry, P = Record<string, unknown>> {
  type: 'Feature';
  id?: string | number;
  geometry: G;
  properties: P;
}

export interface FeatureCollection<G extends AreaGeometry = AreaGeometry, P = Record<string, unknown>> {
  type: 'FeatureCollection';
  features: Array<Feature<G, P>>;
}

/** Mean Earth radius (IUGG), metres. */
export const EARTH_RADIUS_M = 6_371_008.8;

const DEG = Math.PI / 180;

/** The polygons of a geometry as a list, so callers need not branch on Polygon vs MultiPolygon. */
export function polygonsOf(geometry: AreaGeometry): Position[][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/**
 * Bounding box of all vertices (holes included, which never widen it for valid data).
 * Returns `[Infinity, Infinity, -Infinity, -Infinity]` for a geometry without vertices.
 */
export function bbox(geometry: AreaGeometry): BBox {
  let minLng = Infinity;
  let minLat = Infinity;
  let maxLng = -Infinity;
  let maxLat = -Infinity;
  for (const polygon of polygonsOf(geometry)) {
    for (const ring of polygon) {
      for (const [lng, lat] of ring) {
        if (lng < minLng) minLng = lng;
        if (lat < minLat) minLat = lat;
        if (lng > maxLng) maxLng = lng;
        if (lat > maxLat) maxLat = lat;
      }
    }
  }
  return [minLng, minLat, maxLng, maxLat];
}

/**
 * Even-odd crossing test of one ring against a ray from (x, y) towards +x.
 *
 * Edges are half-open in y and the intersection is always computed from the lower endpoint,
 * so an edge shared by two adjacent polygons (traversed in opposite directions) yields the
 * bit-identical crossing abscissa in both. That makes a point lying exactly on a shared edge
 * or vertex belong to exactly one of the polygons, instead of both or neither. The crossing is
 * effectively clamped to the edge's x-range, so a point outside the ring's bbox is always out.
 *
 * GridIndex has a flat-array twin of this loop (`ringParity`); keep the two identical.
 */
function ringCrossings(x: number, y: number, ring: Position[]): boolean {
  let inside = false;
  const n = ring.length;
  if (n < 3) return false;
  // Walk every edge including the implicit closing one; for closed rings it is zero-length
  // and contributes nothing, for unclosed input it keeps the answer sensible.
  let prev = ring[n - 1] as Position;
  for (let i = 0; i < n; i++) {
    const cur = ring[i] as Position;
    const x1 = prev[0];
    const y1 = prev[1];
    const x2 = cur[0];
    const y2 = cur[1];
    if (y1 > y !== y2 > y) {
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
    prev = cur;
  }
  return inside;
}

/**
 * Whether the point lies inside the polygon or multipolygon: even-odd ray casting over the
 * rings of each polygon (holes excluded), true if any polygon contains it. Points exactly on
 * a boundary are decided by a half-open rule that is consistent across shared edges (a point
 * on an edge between two tiles is inside exactly one of them); do not rely on which.
 */
export function pointInPolygon(lng: number, lat: number, geometry: AreaGeometry): boolean {
  for (const polygon of polygonsOf(geometry)) {
    let inside = false;
    for (const ring of polygon) {
      if (ringCrossings(lng, lat, ring)) inside = !inside;
    }
    if (inside) return true;
  }
  return false;
}

/**
 * Area of a ring on the sphere, in m², signed by orientation (callers take the absolute value).
 * Spherical-excess approximation from Chamberlain & Duquette, "Some Algorithms for Polygons
 * on a Sphere" (JPL 2007), the same formula as @turf/area; exact enough for city-scale polygons.
 */
function ringAreaSigned(ring: Position[]): number {
  const n = ring.length;
  if (n < 3) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const lower = ring[i] as Position;
    const middle = ring[(i + 1) % n] as Position;
    const upper = ring[(i + 2) % n] as Position;
    total += (upper[0] - lower[0]) * DEG * Math.sin(middle[1] * DEG);
  }
  // The formula assumes an unclosed ring; a repeated closing vertex adds one degenerate term
  // per neighbour, which the modular walk above cancels out exactly, so both forms agree.
  return (total * EARTH_RADIUS_M * EARTH_RADIUS_M) / 2;
}

/** Area in square metres (spherical approximation); holes are subtracted, multipolygon parts summed. */
export function areaSquareMeters(geometry: AreaGeometry): number {
  let area = 0;
  for (const polygon of polygonsOf(geometry)) {
    polygon.forEach((ring, i) => {
      const a = Math.abs(ringAreaSigned(ring));
      area += i === 0 ? a : -a;
    });
  }
  return area;
}

/**
 * Area-weighted centroid in (planar) lng/lat space, holes subtracted. Planar is fine at
 * subdistrict scale. For degenerate (zero-area) input it falls back to the vertex mean, and
 * for a geometry without vertices it returns `[NaN, NaN]`. Like any centroid it may fall
 * outside a concave polygon.
 */
export function centroid(geometry: AreaGeometry): Position {
  // Accumulate relative to the first vertex so products stay small and precise.
  let originX = NaN;
  let originY = NaN;
  let area2 = 0;
  let cx = 0;
  let cy = 0;
  let sumX = 0;
  let sumY = 0;
  let count = 0;
  for (const polygon of polygonsOf(geometry)) {
    polygon.forEach((ring, ringIndex) => {
      if (ring.length === 0) return;
      const first = ring[0] as Position;
      if (Number.isNaN(originX)) {
        originX = first[0];
        originY = first[1];
      }
      // Orientation-independent: exterior counts positive, holes negative.
      let ringArea2 = 0;
      let ringCx = 0;
      let ringCy = 0;
      const n = ring.length;
      const last = ring[n - 1] as Position;
      // The closing vertex repeats the first; keep it out of the vertex-mean fallback.
      const distinct = n > 1 && last[0] === first[0] && last[1] === first[1] ? n - 1 : n;
      for (let i = 0; i < n; i++) {
        const p = ring[i] as Position;
        const q = ring[(i + 1) % n] as Position;
        const x0 = p[0] - originX;
        const y0 = p[1] - originY;
        const x1 = q[0] - originX;
        const y1 = q[1] - originY;
        const cross = x0 * y1 - x1 * y0;
        ringArea2 += cross;
        ringCx += (x0 + x1) * cross;
        ringCy += (y0 + y1) * cross;
        if (i < distinct) {
          sumX += p[0];
          sumY += p[1];
          count++;
        }
      }
      const sign = (ringArea2 >= 0 ? 1 : -1) * (ringIndex === 0 ? 1 : -1);
      area2 += sign * ringArea2;
      cx += sign * ringCx;
      cy += sign * ringCy;
    });
  }
  if (count === 0) return [NaN, NaN];
  if (Math.abs(area2) < 1e-18) return [sumX / count, sumY / count];
  return [originX + cx / (3 * area2), originY + cy / (3 * area2)];
}

/** Great-circle distance between two positions in metres (haversine, mean Earth radius). */
export function haversineMeters(a: Position, b: Position): number {
  const dLat = (b[1] - a[1]) * DEG;
  const dLng = (b[0] - a[0]) * DEG;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * DEG) * Math.cos(b[1] * DEG) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)));
}

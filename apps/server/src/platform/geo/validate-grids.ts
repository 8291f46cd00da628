/**
 * Validation of a grid (网格) layer uploaded as GeoJSON before it is imported.
 *
 * Grid files come from district GIS staff or are drawn by hand in desktop tools, so the usual
 * faults are unclosed rings, bow-ties, stray vertices outside the subdistrict and copy-pasted
 * codes. An import must be all-or-nothing, and the person fixing the file needs every problem
 * at once, so this collects all bad features instead of stopping at the first.
 */
import { kinks } from '@turf/kinks';
import {
  areaSquareMeters,
  bbox,
  pointInPolygon,
  polygonsOf,
  type BBox,
  type MultiPolygon,
  type Polygon,
  type Position,
} from './geojson.js';
import { isRecord } from '../is-record.js';

/** Which rule a feature broke. */
export type GridCheck =
  | 'structure'
  | 'geometry_type'
  | 'ring_not_closed'
  | 'too_few_positions'
  | 'self_intersection'
  | 'outside_tenant'
  | 'duplicate_code'
  | 'missing_property'
  | 'coordinates';

/** One bad feature (or, with index -1, an unusable file). */
export interface GridValidationError {
  /** 0-based index in `features`; -1 when the input as a whole is not a FeatureCollection. */
  index: number;
  /** The feature's `code` property, when it has a usable one. */
  code?: string;
  /** The first rule broken, in the order of {@link GridCheck} evaluation (structure first). */
  check: GridCheck;
  /** Every rule this feature broke, `check` first. */
  checks: GridCheck[];
  /** English explanation of all problems, `; `-separated. */
  reason: string;
  /** The same in Chinese, `；`-separated. */
  reasonZh: string;
}

/** A feature that passed every check, normalised to 2-D positions. */
export interface ValidGridFeature {
  index: number;
  code: string;
  name: string;
  communityCode: string;
  geometry: Polygon | MultiPolygon;
  bbox: BBox;
  areaM2: number;
}

export interface ValidateGridOptions {
  /** The subdistrict's boundary; every grid vertex must lie inside it (or on it). */
  tenantBoundary: Polygon | MultiPolygon;
  /** Codes already in use by the tenant's grids. */
  existingCodes?: ReadonlySet<string>;
  /** Called every `progressEvery` features and once at the end, e.g. to drive a progress bar. */
  onProgress?: (done: number, total: number) => void;
  /** Progress granularity in features. Default 100. */
  progressEvery?: number;
}

export interface GridValidationResult {
  features: ValidGridFeature[];
  errors: GridValidationError[];
}

/**
 * How far outside the boundary (in degrees, ~0.1 mm) a vertex may be and still count as on it:
 * grids that follow the outline share its vertices, and exported coordinates may be rounded.
 */
const BOUNDARY_TOLERANCE = 1e-9;

interface Problem {
  check: GridCheck;
  en: string;
  zh: string;
}

/**
 * Check a grid layer: `input` must be a GeoJSON FeatureCollection whose features have Polygon
 * or MultiPolygon geometry and string properties `code` (unique), `name` and `community`
 * (the community's code).
 *
 * Per feature: structure, finite in-range coordinates, closed rings of ≥ 4 positions (≥ 3
 * distinct), no self-intersection (@turf/kinks, per polygon), every vertex inside the tenant
 * boundary, and a code unique within the file and not in `existingCodes`. Every bad feature is
 * reported once, with all of its problems; good features are returned with bbox and area.
 * A file-level problem is reported with index -1 and no features.
 */
export function validateGridFeatures(input: unknown, options: ValidateGridOptions): GridValidationResult {
  const features: ValidGridFeature[] = [];
  const errors: GridValidationError[] = [];

  if (!isRecord(input) || input['type'] !== 'FeatureCollection') {
    errors.push(
      fileError(
        'input is not a GeoJSON FeatureCollection (expected {"type": "FeatureCollection", "features": [...]})',
        '文件不是 GeoJSON FeatureCollection',
      ),
    );
    options.onProgress?.(0, 0);
    return { features, errors };
  }
  const list = input['features'];
  if (!Array.isArray(list)) {
    errors.push(fileError('"features" is not an array', '"features" 不是数组'));
    options.onProgress?.(0, 0);
    return { features, errors };
  }

  const boundary = new BoundaryTest(options.tenantBoundary);
  const existing = options.existingCodes ?? new Set<string>();
  const firstIndexOfCode = new Map<string, number>();
  const every = Math.max(1, Math.floor(options.progressEvery ?? 100));
  const total = list.length;

  list.forEach((raw: unknown, index) => {
    const problems: Problem[] = [];
    let code: string | undefined;
    let result: Omit<ValidGridFeature, 'bbox' | 'areaM2'> | undefined;

    if (!isRecord(raw) || raw['type'] !== 'Feature') {
      problems.push({
        check: 'structure',
        en: 'not a GeoJSON Feature object',
        zh: '不是 GeoJSON Feature 对象',
      });
    } else {
      const props = raw['properties'];
      let name: string | undefined;
      let community: string | undefined;
      if (!isRecord(props)) {
        problems.push({ check: 'missing_property', en: 'properties are missing', zh: '缺少 properties' });
      } else {
        code = nonEmptyString(props['code']);
        name = nonEmptyString(props['name']);
        community = nonEmptyString(props['community']);
        const missing = (
          [
            ['code', code],
            ['name', name],
            ['community', community],
          ] as const
        )
          .filter(([, value]) => value === undefined)
          .map(([key]) => key);
        if (missing.length > 0) {
          const keys = missing.map((key) => `"${key}"`).join(', ');
          problems.push({
            check: 'missing_property',
            en: `${missing.length > 1 ? 'properties' : 'property'} ${keys} ${missing.length > 1 ? 'are' : 'is'} missing, empty or not a string`,
            zh: `属性 ${keys} 缺失、为空或不是字符串`,
          });
        }
      }

      const geometry = checkGeometry(raw['geometry'], boundary, problems);

      if (code !== undefined) {
        const earlier = firstIndexOfCode.get(code);
        if (existing.has(code)) {
          problems.push({
            check: 'duplicate_code',
            en: `code "${code}" already exists in this subdistrict`,
            zh: `编码 "${code}" 在本街道已存在`,
          });
        } else if (earlier !== undefined) {
          problems.push({
            check: 'duplicate_code',
            en: `code "${code}" is also used by feature ${earlier}`,
            zh: `编码 "${code}" 与索引为 ${earlier} 的要素重复`,
          });
        } else {
          firstIndexOfCode.set(code, index);
        }
      }

      if (
        problems.length === 0 &&
        geometry &&
        code !== undefined &&
        name !== undefined &&
        community !== undefined
      ) {
        result = { index, code, name, communityCode: community, geometry };
      }
    }

    if (result) {
      features.push({ ...result, bbox: bbox(result.geometry), areaM2: areaSquareMeters(result.geometry) });
    } else {
      errors.push(toError(index, code, problems));
    }
    if ((index + 1) % every === 0 && index + 1 < total) options.onProgress?.(index + 1, total);
  });
  options.onProgress?.(total, total);
  return { features, errors };
}

/** Runs the geometry checks, appending problems; returns the 2-D geometry when it has none. */
function checkGeometry(
  raw: unknown,
  boundary: BoundaryTest,
  problems: Problem[],
): Polygon | MultiPolygon | undefined {
  if (!isRecord(raw)) {
    problems.push({ check: 'geometry_type', en: 'geometry is missing', zh: '缺少几何图形' });
    return undefined;
  }
  const type = raw['type'];
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    const shown = typeof type === 'string' ? `"${type}"` : String(type);
    problems.push({
      check: 'geometry_type',
      en: `geometry type ${shown} is not supported; expected Polygon or MultiPolygon`,
      zh: `不支持的几何类型 ${shown}，应为 Polygon 或 MultiPolygon`,
    });
    return undefined;
  }

  const coordinateProblem = { check: 'coordinates' as const, en: '', zh: '' };
  const polygons = parsePolygons(type, raw['coordinates'], coordinateProblem);
  if (!polygons) {
    problems.push(coordinateProblem);
    return undefined;
  }
  const before = problems.length;

  // Ring shape. Later checks need well-formed rings, so they only run when these pass.
  polygons.forEach((polygon, p) => {
    polygon.forEach((ring, r) => {
      const where = ringLabel(type, p, r);
      if (ring.length < 4) {
        problems.push({
          check: 'too_few_positions',
          en: `${where.en} has ${ring.length} positions; at least 4 are required`,
          zh: `${where.zh}只有 ${ring.length} 个坐标点，至少需要 4 个`,
        });
      } else if (distinctCount(ring) < 3) {
        problems.push({
          check: 'too_few_positions',
          en: `${where.en} has fewer than 3 distinct positions`,
          zh: `${where.zh}的不同坐标点少于 3 个`,
        });
      }
      if (!samePosition(ring[0], ring[ring.length - 1])) {
        problems.push({
          check: 'ring_not_closed',
          en: `${where.en} is not closed (its first and last positions differ)`,
          zh: `${where.zh}未闭合（首尾坐标不一致）`,
        });
      }
    });
  });

  if (problems.length === before) {
    polygons.forEach((polygon, p) => {
      const where = polygonLabel(type, p);
      // Repeated consecutive vertices are harmless but make kinks report false intersections.
      const rings = polygon.map(dropRepeats);
      // kinks visits each pair of segments from both sides, so it reports points twice.
      const found = [
        ...new Set(
          kinks({ type: 'Polygon', coordinates: rings }).features.map((point) =>
            point.geometry.coordinates.map((v) => v.toFixed(7)).join(', '),
          ),
        ),
      ];
      if (found[0] !== undefined) {
        const at = `[${found[0]}]`;
        problems.push({
          check: 'self_intersection',
          en: `${where.en} intersects itself at ${at}${found.length > 1 ? ` and ${found.length - 1} more point(s)` : ''}`,
          zh: `${where.zh}存在自相交，位置 ${at}${found.length > 1 ? ` 等 ${found.length} 处` : ''}`,
        });
        return;
      }
      // A bow-tie also has zero signed area, so this runs only once kinks found nothing.
      const degenerate = rings.findIndex(
        (ring) => Math.abs(planarArea2(ring)) <= 1e-12 * extentSquared(ring),
      );
      if (degenerate >= 0) {
        const label = ringLabel(type, p, degenerate);
        problems.push({
          check: 'self_intersection',
          en: `${label.en} has zero area (its positions are collinear)`,
          zh: `${label.zh}面积为零（坐标点共线）`,
        });
      }
    });
  }

  let outside = 0;
  let vertices = 0;
  let example: Position | undefined;
  for (const polygon of polygons) {
    for (const ring of polygon) {
      // Count the closing position once, as the vertex it repeats.
      const count = samePosition(ring[0], ring[ring.length - 1]) ? ring.length - 1 : ring.length;
      for (let i = 0; i < count; i++) {
        const position = ring[i] as Position;
        vertices++;
        if (!boundary.covers(position[0], position[1])) {
          outside++;
          example ??= position;
        }
      }
    }
  }
  if (example !== undefined) {
    const at = `[${example[0]}, ${example[1]}]`;
    problems.push({
      check: 'outside_tenant',
      en: `${outside} of ${vertices} vertices lie outside the subdistrict boundary, e.g. ${at}`,
      zh: `${vertices} 个顶点中有 ${outside} 个超出街道边界，例如 ${at}`,
    });
  }

  if (problems.length > before) return undefined;
  return type === 'Polygon'
    ? { type, coordinates: polygons[0] as Position[][] }
    : { type, coordinates: polygons };
}

/**
 * Structural parse of Polygon/MultiPolygon coordinates into 2-D positions; on the first fault
 * fills `problem` and returns undefined.
 */
function parsePolygons(
  type: 'Polygon' | 'MultiPolygon',
  raw: unknown,
  problem: Problem,
): Position[][][] | undefined {
  const fail = (en: string, zh: string): undefined => {
    problem.en = en;
    problem.zh = zh;
    return undefined;
  };
  const rawPolygons = type === 'Polygon' ? [raw] : raw;
  if (!Array.isArray(rawPolygons) || rawPolygons.length === 0) {
    return fail('coordinates must be a non-empty array', 'coordinates 必须是非空数组');
  }
  const polygons: Position[][][] = [];
  for (const [p, rawPolygon] of rawPolygons.entries()) {
    const where = polygonLabel(type, p);
    if (!Array.isArray(rawPolygon) || rawPolygon.length === 0) {
      return fail(`${where.en} must be a non-empty array of rings`, `${where.zh}必须是非空的环数组`);
    }
    const rings: Position[][] = [];
    for (const [r, rawRing] of rawPolygon.entries()) {
      const ringWhere = ringLabel(type, p, r);
      if (!Array.isArray(rawRing)) {
        return fail(`${ringWhere.en} is not an array of positions`, `${ringWhere.zh}不是坐标数组`);
      }
      const ring: Position[] = [];
      for (const [i, rawPosition] of rawRing.entries()) {
        const lng: unknown = Array.isArray(rawPosition) ? rawPosition[0] : undefined;
        const lat: unknown = Array.isArray(rawPosition) ? rawPosition[1] : undefined;
        if (
          typeof lng !== 'number' ||
          typeof lat !== 'number' ||
          !Number.isFinite(lng) ||
          !Number.isFinite(lat)
        ) {
          return fail(
            `${ringWhere.en} position ${i} is not a [lng, lat] pair of finite numbers`,
            `${ringWhere.zh}第 ${i} 个坐标不是有效的 [经度, 纬度] 数值`,
          );
        }
        if (lng < -180 || lng > 180 || lat < -90 || lat > 90) {
          return fail(
            `${ringWhere.en} position ${i} [${lng}, ${lat}] is out of range (lng −180…180, lat −90…90; is it [lat, lng] or projected?)`,
            `${ringWhere.zh}第 ${i} 个坐标 [${lng}, ${lat}] 超出经纬度范围（是否写成了 [纬度, 经度] 或投影坐标？）`,
          );
        }
        ring.push([lng, lat]);
      }
      rings.push(ring);
    }
    polygons.push(rings);
  }
  return polygons;
}

/** Inside-or-on test against the tenant boundary, with a small tolerance. */
class BoundaryTest {
  /** Boundary edges as x1, y1, x2, y2 quadruples, for the distance fallback. */
  private readonly segments: Float64Array;
  private readonly box: BBox;

  constructor(private readonly geometry: Polygon | MultiPolygon) {
    const quads: number[] = [];
    for (const polygon of polygonsOf(geometry)) {
      for (const ring of polygon) {
        for (let i = 0; i + 1 < ring.length; i++) {
          const a = ring[i] as Position;
          const b = ring[i + 1] as Position;
          quads.push(a[0], a[1], b[0], b[1]);
        }
      }
    }
    this.segments = Float64Array.from(quads);
    this.box = bbox(geometry);
  }

  covers(lng: number, lat: number): boolean {
    const [minX, minY, maxX, maxY] = this.box;
    const t = BOUNDARY_TOLERANCE;
    if (lng < minX - t || lng > maxX + t || lat < minY - t || lat > maxY + t) return false;
    if (pointInPolygon(lng, lat, this.geometry)) return true;
    // Points exactly on the outline may fall either way in the crossing test.
    const s = this.segments;
    for (let i = 0; i < s.length; i += 4) {
      if (
        segmentDistance(
          lng,
          lat,
          s[i] as number,
          s[i + 1] as number,
          s[i + 2] as number,
          s[i + 3] as number,
        ) <= t
      ) {
        return true;
      }
    }
    return false;
  }
}

/** Planar distance (degrees) from a point to a segment. */
function segmentDistance(px: number, py: number, x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / len2));
  return Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
}

function fileError(en: string, zh: string): GridValidationError {
  return { index: -1, check: 'structure', checks: ['structure'], reason: en, reasonZh: zh };
}

function toError(index: number, code: string | undefined, problems: Problem[]): GridValidationError {
  const first = problems[0];
  if (first === undefined) throw new Error('toError needs at least one problem');
  return {
    index,
    ...(code !== undefined ? { code } : {}),
    check: first.check,
    checks: [...new Set(problems.map((problem) => problem.check))],
    reason: problems.map((problem) => problem.en).join('; '),
    reasonZh: problems.map((problem) => problem.zh).join('；'),
  };
}

function polygonLabel(type: 'Polygon' | 'MultiPolygon', p: number): { en: string; zh: string } {
  return type === 'Polygon'
    ? { en: 'polygon', zh: '多边形' }
    : { en: `polygon ${p}`, zh: `第 ${p} 个多边形` };
}

function ringLabel(type: 'Polygon' | 'MultiPolygon', p: number, r: number): { en: string; zh: string } {
  const polygon = polygonLabel(type, p);
  const en = r === 0 ? 'exterior ring' : `hole ${r}`;
  const zh = r === 0 ? '外环' : `第 ${r} 个内环`;
  return type === 'Polygon' ? { en, zh } : { en: `${polygon.en} ${en}`, zh: `${polygon.zh}${zh}` };
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function samePosition(a: Position | undefined, b: Position | undefined): boolean {
  return a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1];
}

function dropRepeats(ring: Position[]): Position[] {
  return ring.filter((position, i) => i === 0 || !samePosition(position, ring[i - 1]));
}

/** Distinct positions of a closed ring, ignoring the closing repeat. */
function distinctCount(ring: Position[]): number {
  return new Set(ring.map((position) => `${position[0]},${position[1]}`)).size;
}

/** Twice the signed planar area of a ring, in degrees². */
function planarArea2(ring: Position[]): number {
  let sum = 0;
  const [x0, y0] = ring[0] ?? [0, 0];
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i] as Position;
    const b = ring[i + 1] as Position;
    sum += (a[0] - x0) * (b[1] - y0) - (b[0] - x0) * (a[1] - y0);
  }
  return sum;
}

/** Squared diagonal of the ring's bbox, to make the zero-area test scale-free. */
function extentSquared(ring: Position[]): number {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of ring) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return (maxX - minX) ** 2 + (maxY - minY) ** 2;
}

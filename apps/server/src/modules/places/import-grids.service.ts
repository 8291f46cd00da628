import type { AppContext } from '../../platform/context.js';
import type { MultiPolygon, Polygon } from '../../platform/geo/geojson.js';
import { validateGridFeatures } from '../../platform/geo/validate-grids.js';
import { newId } from '../../platform/ids.js';
import type { GridLocator } from './grid-locator.js';
import * as repo from './places.repository.js';

export interface GridImportProblem {
  index: number;
  code?: string | undefined;
  reason: string;
}

export type GridImportResult =
  { ok: true; imported: number } | { ok: false; problems: GridImportProblem[]; checked: number };

const BATCH = 500;

/**
 * Imports a GeoJSON FeatureCollection of grids into a tenant. Every feature is checked first; a
 * file with any bad feature imports nothing, and the answer lists each bad feature's index and
 * reason. The insert is one transaction, so a failure half-way leaves no grid behind.
 */
export async function importGrids(
  ctx: AppContext,
  locator: GridLocator | undefined,
  tenantId: string,
  input: unknown,
  onProgress: (phase: 'validate' | 'insert', done: number, total: number) => void = () => {},
): Promise<GridImportResult> {
  const tenant = await repo.findTenant(ctx.db, tenantId);
  if (!tenant) throw new Error(`Unknown tenant ${tenantId}`);
  const [communities, existing] = await Promise.all([
    repo.listCommunityCodes(ctx.db, tenantId),
    repo.listGridCodes(ctx.db, tenantId),
  ]);
  const communityByCode = new Map(communities.map((community) => [community.code, community.id]));

  const { features, errors } = validateGridFeatures(input, {
    tenantBoundary: tenant.boundary as Polygon | MultiPolygon,
    existingCodes: new Set(existing.map((grid) => grid.code)),
    onProgress: (done, total) => onProgress('validate', done, total),
  });
  const problems: GridImportProblem[] = errors.map((error) => ({
    index: error.index,
    code: error.code,
    reason: error.reason,
  }));
  for (const feature of features) {
    if (!communityByCode.has(feature.communityCode)) {
      problems.push({
        index: feature.index,
        code: feature.code,
        reason: `community "${feature.communityCode}" does not exist in this subdistrict`,
      });
    }
  }
  if (problems.length > 0) {
    problems.sort((a, b) => a.index - b.index);
    return { ok: false, problems, checked: features.length + errors.length };
  }

  await ctx.db.transaction().execute(async (trx) => {
    for (let start = 0; start < features.length; start += BATCH) {
      const batch = features.slice(start, start + BATCH);
      await repo.insertGrids(
        trx,
        batch.map((feature) => ({
          tenantId,
          id: newId(),
          communityId: communityByCode.get(feature.communityCode)!,
          code: feature.code,
          name: feature.name,
          geometry: JSON.stringify(feature.geometry),
          minLng: feature.bbox[0],
          minLat: feature.bbox[1],
          maxLng: feature.bbox[2],
          maxLat: feature.bbox[3],
          areaM2: feature.areaM2,
        })),
      );
      onProgress('insert', Math.min(start + BATCH, features.length), features.length);
    }
  });
  locator?.invalidate(tenantId);
  return { ok: true, imported: features.length };
}

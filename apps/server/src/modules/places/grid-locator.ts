import type { Kysely } from 'kysely';
import type { Database } from '../../platform/database/schema.js';
import { GridIndex } from '../../platform/geo/grid-index.js';
import type { MultiPolygon, Polygon } from '../../platform/geo/geojson.js';
import * as repo from './places.repository.js';

export interface LocatedGrid {
  id: string;
  code: string;
  name: string;
  communityId: string;
  communityCode: string;
  communityName: string;
  areaM2: number;
}

interface TenantIndex {
  index: GridIndex<LocatedGrid>;
}

/**
 * Point → grid for every tenant, from an in-memory spatial index built on first use and rebuilt
 * after grids change. Grids change rarely (an import a year), lookups happen on every report and
 * alarm, so the index lives in memory rather than behind a database query.
 */
export class GridLocator {
  readonly #indexes = new Map<string, Promise<TenantIndex>>();

  constructor(private readonly db: Kysely<Database>) {}

  async locate(tenantId: string, lng: number, lat: number): Promise<LocatedGrid | undefined> {
    const { index } = await this.#load(tenantId);
    return index.locate(lng, lat);
  }

  /** Drops the cached index so the next lookup sees newly imported grids. */
  invalidate(tenantId: string): void {
    this.#indexes.delete(tenantId);
  }

  #load(tenantId: string): Promise<TenantIndex> {
    let loading = this.#indexes.get(tenantId);
    if (!loading) {
      loading = this.#build(tenantId);
      this.#indexes.set(tenantId, loading);
      loading.catch(() => this.#indexes.delete(tenantId));
    }
    return loading;
  }

  async #build(tenantId: string): Promise<TenantIndex> {
    const grids = await repo.listGridsWithGeometry(this.db, tenantId);
    const index = new GridIndex<LocatedGrid>(
      grids.map((grid) => ({
        id: {
          id: grid.id,
          code: grid.code,
          name: grid.name,
          communityId: grid.communityId,
          communityCode: grid.communityCode,
          communityName: grid.communityName,
          areaM2: grid.areaM2,
        },
        geometry: grid.geometry as Polygon | MultiPolygon,
      })),
    );
    return { index };
  }
}

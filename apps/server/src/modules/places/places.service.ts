import type {
  Building,
  BuildingQuery,
  Community,
  CommunityDetail,
  CreateFacilityRequest,
  Facility,
  FacilityQuery,
  GridFeatureCollection,
  LocateResult,
  OpeningHours,
  Tenant,
} from '@jiedao/contracts';
import { assertRole, type Actor } from '../../platform/auth/actor.js';
import type { AppContext } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/errors.js';
import { pageWindow } from '../../platform/http/paging.js';
import { newId } from '../../platform/ids.js';
import type { GridLocator } from './grid-locator.js';
import * as repo from './places.repository.js';

type FacilityRow = NonNullable<Awaited<ReturnType<typeof repo.findFacility>>>;

export function toFacility(row: FacilityRow): Facility {
  return {
    id: row.id,
    type: row.type as Facility['type'],
    tier: row.tier as Facility['tier'],
    name: row.name,
    nameEn: row.nameEn,
    communityId: row.communityId,
    communityName: row.communityName,
    gridId: row.gridId,
    gridCode: row.gridCode,
    address: row.address,
    location: { lng: row.lng, lat: row.lat },
    openingHours: row.openingHours as OpeningHours,
    phone: row.phone,
    areaM2: row.areaM2,
    capacity: row.capacity,
  };
}

export async function getTenant(ctx: AppContext, actor: Actor): Promise<Tenant> {
  const tenant = await repo.findTenant(ctx.db, actor.tenantId);
  if (!tenant) throw notFound('Tenant');
  return {
    id: tenant.id,
    code: tenant.code,
    name: tenant.name,
    nameEn: tenant.nameEn,
    timeZone: tenant.timeZone,
    boundary: tenant.boundary as Tenant['boundary'],
  };
}

type CommunityRow = Awaited<ReturnType<typeof repo.listCommunitiesWithCounts>>[number];
function toCommunity(row: CommunityRow): Community {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    nameEn: row.nameEn,
    center: { lng: row.centerLng, lat: row.centerLat },
    gridCount: Number(row.gridCount ?? 0),
    facilityCount: Number(row.facilityCount ?? 0),
  };
}

export async function listCommunities(ctx: AppContext, actor: Actor): Promise<Community[]> {
  return (await repo.listCommunitiesWithCounts(ctx.db, actor.tenantId)).map(toCommunity);
}

/** A community with its grids; another tenant's community is "not found". */
export async function getCommunity(
  ctx: AppContext,
  actor: Actor,
  communityId: string,
): Promise<CommunityDetail> {
  const row = await repo.findCommunityDetail(ctx.db, actor.tenantId, communityId);
  if (!row) throw notFound('Community');
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    nameEn: row.nameEn,
    center: { lng: row.centerLng, lat: row.centerLat },
    gridCount: row.grids.length,
    facilityCount: Number(row.facilityCount),
    grids: row.grids,
  };
}

export async function getGridFeatures(ctx: AppContext, actor: Actor): Promise<GridFeatureCollection> {
  const grids = await repo.listGridsWithGeometry(ctx.db, actor.tenantId);
  return {
    type: 'FeatureCollection',
    features: grids.map((grid) => ({
      type: 'Feature',
      id: grid.id,
      geometry: grid.geometry as GridFeatureCollection['features'][number]['geometry'],
      properties: {
        id: grid.id,
        code: grid.code,
        name: grid.name,
        communityId: grid.communityId,
        communityCode: grid.communityCode,
        communityName: grid.communityName,
        areaM2: grid.areaM2,
      },
    })),
  };
}

export async function locate(
  ctx: AppContext,
  locator: GridLocator,
  actor: Actor,
  point: { lng: number; lat: number },
): Promise<LocateResult> {
  const grid = await locator.locate(actor.tenantId, point.lng, point.lat);
  if (!grid) return { grid: null, community: null };
  return {
    grid: {
      id: grid.id,
      code: grid.code,
      name: grid.name,
      communityId: grid.communityId,
      areaM2: grid.areaM2,
    },
    community: { id: grid.communityId, code: grid.communityCode, name: grid.communityName },
  };
}

export async function listFacilities(
  ctx: AppContext,
  actor: Actor,
  query: FacilityQuery,
): Promise<{ items: Facility[]; total: number; page: number; pageSize: number }> {
  const { page, pageSize, limit, offset } = pageWindow(query);
  const [rows, count] = await repo.listFacilities(ctx.db, actor.tenantId, query, { limit, offset });
  return { items: rows.map(toFacility), total: count.count, page, pageSize };
}

/** Every facility matching the filter, for export; capped so one request cannot pull a city. */
export async function listAllFacilities(
  ctx: AppContext,
  actor: Actor,
  query: FacilityQuery,
): Promise<Facility[]> {
  const [rows] = await repo.listFacilities(ctx.db, actor.tenantId, query, { limit: 50_000, offset: 0 });
  return rows.map(toFacility);
}

export async function getFacility(ctx: AppContext, actor: Actor, facilityId: string): Promise<Facility> {
  const row = await repo.findFacility(ctx.db, actor.tenantId, facilityId);
  if (!row) throw notFound('Facility');
  return toFacility(row);
}

/** Adds a facility; its community and grid follow from its location, which must lie inside a grid. */
export async function createFacility(
  ctx: AppContext,
  locator: GridLocator,
  actor: Actor,
  input: CreateFacilityRequest,
): Promise<Facility> {
  assertRole(actor, ['tenant_admin']);
  if (input.type === 'service_complex' && !input.tier) {
    throw new AppError('validation_failed', '/tier is required for a service complex', {
      errors: [{ field: '/tier', message: 'is required for a service complex' }],
    });
  }
  if (input.type !== 'service_complex' && input.tier) {
    throw new AppError('validation_failed', '/tier applies only to service complexes', {
      errors: [{ field: '/tier', message: 'applies only to service complexes' }],
    });
  }
  const grid = await locator.locate(actor.tenantId, input.location.lng, input.location.lat);
  if (!grid) {
    throw new AppError('outside_tenant', '/location is not inside any grid of this subdistrict', {
      errors: [{ field: '/location', message: 'is not inside any grid of this subdistrict' }],
    });
  }
  const id = newId();
  await repo.insertFacilities(ctx.db, [
    {
      tenantId: actor.tenantId,
      id,
      type: input.type,
      tier: input.tier ?? null,
      name: input.name.trim(),
      nameEn: input.nameEn ?? null,
      communityId: grid.communityId,
      gridId: grid.id,
      buildingId: null,
      address: input.address,
      lng: input.location.lng,
      lat: input.location.lat,
      openingHours: JSON.stringify(input.openingHours),
      phone: input.phone ?? null,
      areaM2: input.areaM2 ?? null,
      capacity: input.capacity ?? null,
    },
  ]);
  return getFacility(ctx, actor, id);
}

export async function listBuildings(
  ctx: AppContext,
  actor: Actor,
  query: BuildingQuery,
): Promise<{ items: Building[]; total: number; page: number; pageSize: number }> {
  const { page, pageSize, limit, offset } = pageWindow(query);
  const [rows, count] = await repo.listBuildings(ctx.db, actor.tenantId, query, { limit, offset });
  return {
    items: rows.map((row) => ({
      id: row.id,
      name: row.name,
      address: row.address,
      communityId: row.communityId,
      gridId: row.gridId,
      gridCode: row.gridCode,
      location: { lng: row.lng, lat: row.lat },
      floors: row.floors,
    })),
    total: count.count,
    page,
    pageSize,
  };
}

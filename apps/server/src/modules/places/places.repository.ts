import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../platform/database/schema.js';
import { FACILITY_TYPES } from '@jiedao/contracts';
import { containsPattern } from '../../platform/database/like.js';
import { reusableQuery } from '../../platform/database/reusable-query.js';
import type { NewFacility } from './places.tables.js';

type Db = Kysely<Database> | Transaction<Database>;

export function findTenant(db: Db, tenantId: string) {
  return db.selectFrom('tenant').selectAll().where('id', '=', tenantId).executeTakeFirst();
}

export function findTenantByCode(db: Db, code: string) {
  return db.selectFrom('tenant').selectAll().where('code', '=', code).executeTakeFirst();
}

export function insertTenant(
  db: Db,
  tenant: { id: string; code: string; name: string; nameEn: string; boundary: string },
) {
  return db.insertInto('tenant').values(tenant).execute();
}

/** Communities with their grid and facility counts, in code order. */
export function listCommunitiesWithCounts(db: Db, tenantId: string) {
  return db
    .selectFrom('community as c')
    .select([
      'c.id',
      'c.code',
      'c.name',
      'c.nameEn',
      'c.centerLng',
      'c.centerLat',
      (eb) =>
        eb
          .selectFrom('grid as g')
          .select(sql<number>`count(*)`.as('n'))
          .whereRef('g.tenantId', '=', 'c.tenantId')
          .whereRef('g.communityId', '=', 'c.id')
          .as('gridCount'),
      (eb) =>
        eb
          .selectFrom('facility as f')
          .select(sql<number>`count(*)`.as('n'))
          .whereRef('f.tenantId', '=', 'c.tenantId')
          .whereRef('f.communityId', '=', 'c.id')
          .as('facilityCount'),
    ])
    .where('c.tenantId', '=', tenantId)
    .orderBy('c.code')
    .execute();
}

/** One community with its counts and its grids, in one round trip (a hot read of the console). */
const communityDetailQuery = reusableQuery((db, tenantId: string, communityId: string) =>
  db
    .selectFrom('community as c')
    .select([
      'c.id',
      'c.code',
      'c.name',
      'c.nameEn',
      'c.centerLng',
      'c.centerLat',
      sql<number>`(select count(*) from facility f where f.tenant_id = c.tenant_id and f.community_id = c.id)`.as(
        'facilityCount',
      ),
      sql<Array<{ id: string; code: string; name: string; communityId: string; areaM2: number }>>`coalesce((
        select jsonb_agg(jsonb_build_object('id', g.id, 'code', g.code, 'name', g.name, 'communityId', g.community_id, 'areaM2', g.area_m2) order by g.code)
        from grid g where g.tenant_id = c.tenant_id and g.community_id = c.id
      ), '[]'::jsonb)`.as('grids'),
    ])
    .where('c.tenantId', '=', tenantId)
    .where('c.id', '=', communityId),
);

export async function findCommunityDetail(db: Db, tenantId: string, communityId: string) {
  return (await communityDetailQuery(db, tenantId, communityId))[0];
}

/** Whether a community belongs to the tenant (for other modules checking references). */
export async function isCommunityOfTenant(db: Db, tenantId: string, communityId: string): Promise<boolean> {
  const row = await db
    .selectFrom('community')
    .select('id')
    .where('tenantId', '=', tenantId)
    .where('id', '=', communityId)
    .executeTakeFirst();
  return row !== undefined;
}

export function listCommunityCodes(db: Db, tenantId: string) {
  return db.selectFrom('community').select(['id', 'code', 'name']).where('tenantId', '=', tenantId).execute();
}

export function insertCommunities(
  db: Db,
  rows: Array<{
    tenantId: string;
    id: string;
    code: string;
    name: string;
    nameEn: string;
    centerLng: number;
    centerLat: number;
  }>,
) {
  return db.insertInto('community').values(rows).execute();
}

export function listGridsWithGeometry(db: Db, tenantId: string) {
  return db
    .selectFrom('grid as g')
    .innerJoin('community as c', (join) =>
      join.onRef('c.tenantId', '=', 'g.tenantId').onRef('c.id', '=', 'g.communityId'),
    )
    .select([
      'g.id',
      'g.code',
      'g.name',
      'g.communityId',
      'g.geometry',
      'g.areaM2',
      'c.code as communityCode',
      'c.name as communityName',
    ])
    .where('g.tenantId', '=', tenantId)
    .orderBy('g.code')
    .execute();
}

export function listGridCodes(db: Db, tenantId: string) {
  return db.selectFrom('grid').select('code').where('tenantId', '=', tenantId).execute();
}

export function insertGrids(
  db: Db,
  rows: Array<{
    tenantId: string;
    id: string;
    communityId: string;
    code: string;
    name: string;
    geometry: string;
    minLng: number;
    minLat: number;
    maxLng: number;
    maxLat: number;
    areaM2: number;
  }>,
) {
  return db.insertInto('grid').values(rows).execute();
}

export interface FacilityFilter {
  q?: string | undefined;
  type?: string | undefined;
  tier?: string | undefined;
  communityId?: string | undefined;
  gridId?: string | undefined;
}

function facilityQuery(db: Db, tenantId: string, filter: FacilityFilter) {
  let query = db
    .selectFrom('facility as f')
    .innerJoin('community as c', (join) =>
      join.onRef('c.tenantId', '=', 'f.tenantId').onRef('c.id', '=', 'f.communityId'),
    )
    .leftJoin('grid as g', (join) =>
      join.onRef('g.tenantId', '=', 'f.tenantId').onRef('g.id', '=', 'f.gridId'),
    )
    .where('f.tenantId', '=', tenantId);
  if (filter.type) query = query.where('f.type', '=', filter.type);
  if (filter.tier) query = query.where('f.tier', '=', filter.tier);
  if (filter.communityId) query = query.where('f.communityId', '=', filter.communityId);
  if (filter.gridId) query = query.where('f.gridId', '=', filter.gridId);
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query = query.where((eb) =>
      eb.or([
        eb('f.name', 'ilike', pattern),
        eb('f.address', 'ilike', pattern),
        eb('f.nameEn', 'ilike', pattern),
      ]),
    );
  }
  return query;
}

const FACILITY_TYPE_ORDER = sql`case f.type ${sql.join(
  FACILITY_TYPES.map((type, index) => sql`when ${sql.lit(type)} then ${sql.lit(index)}`),
  sql` `,
)} end`;

const FACILITY_COLUMNS = [
  'f.id',
  'f.type',
  'f.tier',
  'f.name',
  'f.nameEn',
  'f.communityId',
  'c.name as communityName',
  'f.gridId',
  'g.code as gridCode',
  'f.address',
  'f.lng',
  'f.lat',
  'f.openingHours',
  'f.phone',
  'f.areaM2',
  'f.capacity',
] as const;

export function listFacilities(
  db: Db,
  tenantId: string,
  filter: FacilityFilter,
  page: { limit: number; offset: number },
) {
  const query = facilityQuery(db, tenantId, filter);
  return Promise.all([
    query
      .select(FACILITY_COLUMNS)
      // Staff read the table community by community, each in the catalogue's order of types.
      .orderBy('c.code')
      .orderBy(FACILITY_TYPE_ORDER)
      .orderBy('f.name')
      .orderBy('f.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    query.select(sql<number>`count(*)`.as('count')).executeTakeFirstOrThrow(),
  ]);
}

export function findFacility(db: Db, tenantId: string, facilityId: string) {
  return facilityQuery(db, tenantId, {})
    .select(FACILITY_COLUMNS)
    .where('f.id', '=', facilityId)
    .executeTakeFirst();
}

export function insertFacilities(db: Db, rows: NewFacility[]) {
  return db.insertInto('facility').values(rows).execute();
}

export function insertBuildings(
  db: Db,
  rows: Array<{
    tenantId: string;
    id: string;
    communityId: string;
    gridId: string | null;
    name: string;
    address: string;
    lng: number;
    lat: number;
    floors: number | null;
  }>,
) {
  return db.insertInto('building').values(rows).execute();
}

export function listBuildings(
  db: Db,
  tenantId: string,
  filter: { q?: string | undefined; communityId?: string | undefined; gridId?: string | undefined },
  page: { limit: number; offset: number },
) {
  let query = db
    .selectFrom('building as b')
    .leftJoin('grid as g', (join) =>
      join.onRef('g.tenantId', '=', 'b.tenantId').onRef('g.id', '=', 'b.gridId'),
    )
    .where('b.tenantId', '=', tenantId);
  if (filter.communityId) query = query.where('b.communityId', '=', filter.communityId);
  if (filter.gridId) query = query.where('b.gridId', '=', filter.gridId);
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query = query.where((eb) => eb.or([eb('b.name', 'ilike', pattern), eb('b.address', 'ilike', pattern)]));
  }
  return Promise.all([
    query
      .select([
        'b.id',
        'b.name',
        'b.address',
        'b.communityId',
        'b.gridId',
        'g.code as gridCode',
        'b.lng',
        'b.lat',
        'b.floors',
      ])
      .orderBy('b.name')
      .orderBy('b.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    query.select(sql<number>`count(*)`.as('count')).executeTakeFirstOrThrow(),
  ]);
}

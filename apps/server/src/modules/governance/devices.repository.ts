import { sql, type Kysely, type Transaction } from 'kysely';
import { containsPattern } from '../../platform/database/like.js';
import type { Database } from '../../platform/database/schema.js';
import { unnestInsert } from '../../platform/database/unnest.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface DeviceFilter {
  q?: string | undefined;
  type?: string | undefined;
  state?: string | undefined;
  communityId?: string | undefined;
  gridId?: string | undefined;
}

function deviceQuery(db: Db, tenantId: string, filter: DeviceFilter) {
  let query = db
    .selectFrom('device as d')
    .leftJoin('building as b', (join) =>
      join.onRef('b.tenantId', '=', 'd.tenantId').onRef('b.id', '=', 'd.buildingId'),
    )
    .leftJoin('grid as g', (join) =>
      join.onRef('g.tenantId', '=', 'd.tenantId').onRef('g.id', '=', 'd.gridId'),
    )
    .leftJoin('community as c', (join) =>
      join.onRef('c.tenantId', '=', 'd.tenantId').onRef('c.id', '=', 'd.communityId'),
    )
    .where('d.tenantId', '=', tenantId);
  if (filter.type) query = query.where('d.type', '=', filter.type);
  if (filter.state) query = query.where('d.state', '=', filter.state);
  if (filter.communityId) query = query.where('d.communityId', '=', filter.communityId);
  if (filter.gridId) query = query.where('d.gridId', '=', filter.gridId);
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query = query.where((eb) =>
      eb.or([
        eb('d.code', 'ilike', pattern),
        eb('d.name', 'ilike', pattern),
        eb('d.address', 'ilike', pattern),
      ]),
    );
  }
  return query;
}

const DEVICE_COLUMNS = [
  'd.id',
  'd.code',
  'd.type',
  'd.name',
  'd.buildingId',
  'b.name as buildingName',
  'd.gridId',
  'g.name as gridName',
  'd.communityId',
  'c.name as communityName',
  'd.lng',
  'd.lat',
  'd.address',
  'd.installedOn',
  'd.state',
  'd.batteryLow',
  'd.lastSeenAt',
] as const;

/** A page of devices and the total, read community by community, grid by grid, code by code. */
export function listDevices(
  db: Db,
  tenantId: string,
  filter: DeviceFilter,
  page: { limit: number; offset: number },
) {
  const query = deviceQuery(db, tenantId, filter);
  return Promise.all([
    query
      .select(DEVICE_COLUMNS)
      .orderBy('c.code')
      .orderBy('g.code')
      .orderBy('d.code')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    query.select(sql<number>`count(*)`.as('count')).executeTakeFirstOrThrow(),
  ]);
}

export type DeviceRow = Awaited<ReturnType<typeof listDevices>>[0][number];

export function countDevices(db: Db, tenantId: string, filter: DeviceFilter) {
  return deviceQuery(db, tenantId, filter)
    .select(sql<number>`count(*)`.as('count'))
    .executeTakeFirstOrThrow();
}

/** Devices per type and state, with how many of them report a low battery: one grouped scan. */
export function countDevicesByTypeAndState(db: Db, tenantId: string) {
  return db
    .selectFrom('device')
    .select([
      'type',
      'state',
      sql<number>`count(*)`.as('count'),
      sql<number>`count(*) filter (where battery_low)`.as('batteryLow'),
    ])
    .where('tenantId', '=', tenantId)
    .groupBy(['type', 'state'])
    .execute();
}

/** The tenant's buildings, to resolve the building column of an import. */
export function listBuildingsForMatching(db: Db, tenantId: string) {
  return db
    .selectFrom('building')
    .select(['id', 'name', 'address', 'gridId', 'communityId', 'lng', 'lat'])
    .where('tenantId', '=', tenantId)
    .execute();
}

/** Which of these codes the tenant has registered already. */
export async function findExistingCodes(trx: Transaction<Database>, tenantId: string, codes: string[]) {
  const rows = await sql<{ code: string }>`
    select code from device where tenant_id = ${tenantId} and code = any(${codes}::text[])`.execute(trx);
  return rows.rows.map((row) => row.code);
}

/** What an import knows about a device; its state, battery and last message are the device's own. */
export interface DeviceRegistration {
  id: string;
  code: string;
  type: string;
  name: string;
  buildingId: string | null;
  gridId: string | null;
  communityId: string | null;
  lng: number;
  lat: number;
  address: string | null;
  installedOn: string | null;
  streamUrl: string | null;
}

/**
 * Registers devices by code: new codes are inserted, known codes take the file's description and
 * keep their id, state, battery flag and last message. One array insert per call (see unnest.ts).
 */
export async function upsertDevices(
  trx: Transaction<Database>,
  tenantId: string,
  rows: DeviceRegistration[],
) {
  if (rows.length === 0) return;
  const col = <V>(pick: (row: DeviceRegistration) => V): V[] => rows.map(pick);
  await unnestInsert(
    'device',
    [
      ['tenant_id', 'uuid', col(() => tenantId)],
      ['id', 'uuid', col((r) => r.id)],
      ['code', 'text', col((r) => r.code)],
      ['type', 'text', col((r) => r.type)],
      ['name', 'text', col((r) => r.name)],
      ['building_id', 'uuid', col((r) => r.buildingId)],
      ['grid_id', 'uuid', col((r) => r.gridId)],
      ['community_id', 'uuid', col((r) => r.communityId)],
      ['lng', 'float8', col((r) => r.lng)],
      ['lat', 'float8', col((r) => r.lat)],
      ['address', 'text', col((r) => r.address)],
      ['installed_on', 'date', col((r) => r.installedOn)],
      ['stream_url', 'text', col((r) => r.streamUrl)],
    ],
    sql`on conflict (tenant_id, code) do update set type = excluded.type, name = excluded.name,
      building_id = excluded.building_id, grid_id = excluded.grid_id, community_id = excluded.community_id,
      lng = excluded.lng, lat = excluded.lat, address = excluded.address, installed_on = excluded.installed_on,
      stream_url = excluded.stream_url, updated_at = now()`,
  ).execute(trx);
}

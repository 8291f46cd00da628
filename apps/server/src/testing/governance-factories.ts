import { expect } from 'vitest';
import type { DeviceType } from '@jiedao/contracts/constants';
import type { AppContext } from '../platform/context.js';
import { newId } from '../platform/ids.js';
import type { TestTenant } from './factories.js';

export interface TestBuilding {
  id: string;
  name: string;
  address: string;
  lng: number;
  lat: number;
  gridId: string;
  communityId: string;
}

/** A building in grid (community i, row j) of a test tenant, at the grid's centre. */
export async function createTestBuilding(
  ctx: AppContext,
  tenant: TestTenant,
  options: { community?: number; row?: number; name?: string } = {},
): Promise<TestBuilding> {
  const community = options.community ?? 0;
  const row = options.row ?? 0;
  const grid = await ctx.db
    .selectFrom('grid')
    .select(['id', 'communityId'])
    .where('tenantId', '=', tenant.id)
    .where('code', '=', `C${community + 1}-G${row + 1}`)
    .executeTakeFirstOrThrow();
  const id = newId();
  const name = options.name ?? `测试${community + 1}-${row + 1}幢${id.slice(-4)}`;
  const building = {
    id,
    name,
    address: `测试路${community + 1}号${name}`,
    lng: tenant.origin[0] + (community + 0.5) * tenant.step,
    lat: tenant.origin[1] + (row + 0.5) * tenant.step,
    gridId: grid.id,
    communityId: grid.communityId,
  };
  await ctx.db
    .insertInto('building')
    .values({ tenantId: tenant.id, ...building, floors: 6 })
    .execute();
  return building;
}

/** `count` devices of a type in a building, coded `<prefix>-<n>`. */
export async function createTestDevices(
  ctx: AppContext,
  tenant: TestTenant,
  building: TestBuilding,
  options: { count?: number; type?: DeviceType; prefix?: string; state?: string; lastSeenAt?: Date } = {},
): Promise<Array<{ id: string; code: string }>> {
  const count = options.count ?? 1;
  const type = options.type ?? 'smoke';
  const prefix = options.prefix ?? `${type}-${building.id.slice(-6)}`;
  const rows = Array.from({ length: count }, (_, index) => ({
    tenantId: tenant.id,
    id: newId(),
    code: `${prefix}-${index + 1}`,
    type,
    name: `${building.name}${index + 1}号${type}`,
    buildingId: building.id,
    gridId: building.gridId,
    communityId: building.communityId,
    lng: building.lng,
    lat: building.lat,
    address: building.address,
    installedOn: '2025-06-01',
    state: options.state ?? 'online',
    lastSeenAt: options.lastSeenAt ?? new Date(),
    streamUrl: null,
  }));
  for (let start = 0; start < rows.length; start += 500)
    await ctx.db
      .insertInto('device')
      .values(rows.slice(start, start + 500))
      .execute();
  return rows.map((row) => ({ id: row.id, code: row.code }));
}

/** Asymmetric matchers typed as `unknown`, so object patterns stay free of `any`. */
export const anyString: unknown = expect.any(String);
export const containing = (text: string): unknown => expect.stringContaining(text);
export const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern);

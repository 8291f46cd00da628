import type { Role } from '@jiedao/contracts';
import type { AppContext } from '../platform/context.js';
import { newId } from '../platform/ids.js';
import { createAccountUnchecked } from '../modules/identity/index.js';
import { importGrids, placesRepository } from '../modules/places/index.js';

export interface TestTenant {
  id: string;
  code: string;
  communities: Array<{ id: string; code: string }>;
  /** Lower-left corner of the tenant's square; grid (i, j) covers [x+i*step, x+(i+1)*step] × [y+j*step, …]. */
  origin: [number, number];
  step: number;
}

let sequence = 0;
const unique = () => `${process.pid.toString(36)}${(++sequence).toString(36)}`;

const rectangle = (x: number, y: number, width: number, height: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [x, y],
      [x + width, y],
      [x + width, y + height],
      [x, y + height],
      [x, y],
    ],
  ],
});
const square = (x: number, y: number, size: number) => rectangle(x, y, size, size);

/**
 * A tenant with `communities` communities, each owning a column of 2 square grids, through the
 * real grid import; the upper half of its boundary has no grid. Tenants made by separate calls sit in separate squares, so a point belongs to
 * exactly one tenant.
 */
export async function createTestTenant(
  ctx: AppContext,
  overrides: { code?: string; name?: string; communities?: number } = {},
): Promise<TestTenant> {
  const index = ++sequence;
  const code = overrides.code ?? `t${unique()}`;
  const communityCount = overrides.communities ?? 2;
  const step = 0.01;
  const origin: [number, number] = [100 + (index % 50) * 0.5, 20 + Math.floor(index / 50) * 0.5];
  const id = newId();
  // Grids fill the lower half of the boundary; the upper half stays free for tests that add grids.
  const boundary = rectangle(origin[0], origin[1], step * Math.max(communityCount, 2), step * 4);
  await placesRepository.insertTenant(ctx.db, {
    id,
    code,
    name: overrides.name ?? `测试街道${code}`,
    nameEn: `Test ${code}`,
    boundary: JSON.stringify(boundary),
  });
  const communities = Array.from({ length: communityCount }, (_, i) => ({ id: newId(), code: `C${i + 1}` }));
  await placesRepository.insertCommunities(
    ctx.db,
    communities.map((community, i) => ({
      tenantId: id,
      id: community.id,
      code: community.code,
      name: `社区${i + 1}`,
      nameEn: `Community ${i + 1}`,
      centerLng: origin[0] + (i + 0.5) * step,
      centerLat: origin[1] + step,
    })),
  );
  const features = communities.flatMap((community, i) =>
    [0, 1].map((j) => ({
      type: 'Feature',
      properties: {
        code: `${community.code}-G${j + 1}`,
        name: `社区${i + 1}第${j + 1}网格`,
        community: community.code,
      },
      geometry: square(origin[0] + i * step, origin[1] + j * step, step),
    })),
  );
  const result = await importGrids(ctx, undefined, id, { type: 'FeatureCollection', features });
  if (!result.ok) throw new Error(`test grids invalid: ${JSON.stringify(result.problems)}`);
  return { id, code, communities, origin, step };
}

export const TEST_PASSWORD = 'Test-pass-2026';

let phoneCounter = Math.floor(Math.random() * 1_000_000);
/** A unique synthetic mobile number. */
export function nextPhone(): string {
  phoneCounter = (phoneCounter + 1) % 100_000_000;
  return `137${String(phoneCounter).padStart(8, '0')}`;
}

export async function createTestAccount(
  ctx: AppContext,
  tenantId: string,
  overrides: {
    roles?: Array<Role | { role: Role; communityId?: string; organisationId?: string }>;
    name?: string;
    phone?: string;
    password?: string;
  } = {},
): Promise<{ accountId: string; personId: string; phone: string; password: string }> {
  const phone = overrides.phone ?? nextPhone();
  const password = overrides.password ?? TEST_PASSWORD;
  const roles = (overrides.roles ?? ['resident']).map((role) => (typeof role === 'string' ? { role } : role));
  const created = await createAccountUnchecked(ctx, tenantId, {
    name: overrides.name ?? '测试用户',
    phone,
    password,
    roles,
  });
  return { ...created, phone, password };
}

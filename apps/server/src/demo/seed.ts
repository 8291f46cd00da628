import type { AppContext } from '../platform/context.js';
import { centroid, type Polygon } from '../platform/geo/geojson.js';
import { GUDANG_BOUNDARY, createRng, generateDemoGrids } from '../platform/geo/synthetic.js';
import { newId } from '../platform/ids.js';
import {
  createAccountUnchecked,
  createOrganisationUnchecked,
  makeResidentIdNumber,
  recordVerifiedIdentityUnchecked,
} from '../modules/identity/index.js';
import { GridLocator, importGrids, placesRepository } from '../modules/places/index.js';
import {
  DEMO_ACCOUNTS,
  DEMO_COMMUNITIES,
  DEMO_ORGANISATIONS,
  DEMO_PASSWORD,
  DEMO_TENANT,
  demoFacilities,
} from './demo-data.js';
import { seedGigDemo, type GigDemoAccount, type GigDemoResult } from './gig-demo.js';
import { seedGovernanceDemo, type GovernanceDemoResult } from './governance-demo.js';

export interface SeedResult {
  created: boolean;
  tenantId: string;
  accounts: Array<{ role: string; name: string; phone: string; password: string }>;
  counts: {
    communities: number;
    grids: number;
    buildings: number;
    facilities: number;
    organisations: number;
    accounts: number;
  };
  /** The command center's demo (devices, cameras, case history); absent when nothing was created. */
  governance?: GovernanceDemoResult;
  /** The gig market's demo (workers, employers, two days of shifts and pay); absent when nothing was created. */
  gig?: GigDemoResult;
}

export type SeedProgress = (step: string, done: number, total: number) => void;

/**
 * Loads the Gudang demo: tenant, 10 communities, ~40 synthetic grids (through the real grid import),
 * the facilities MISSION.md counts, organisations and one account per role. Does nothing when the
 * tenant exists already, so it is safe at every start.
 */
export async function seedDemo(ctx: AppContext, onProgress: SeedProgress = () => {}): Promise<SeedResult> {
  const accounts = DEMO_ACCOUNTS.map((account) => ({
    role: account.role,
    name: account.name,
    phone: account.phone,
    password: DEMO_PASSWORD,
  }));
  const existing = await placesRepository.findTenantByCode(ctx.db, DEMO_TENANT.code);
  if (existing) {
    return {
      created: false,
      tenantId: existing.id,
      accounts,
      counts: { communities: 0, grids: 0, buildings: 0, facilities: 0, organisations: 0, accounts: 0 },
    };
  }

  const tenantId = newId();
  const communities = DEMO_COMMUNITIES.map((community) => ({ ...community, id: newId() }));
  const grids = generateDemoGrids(communities);
  await ctx.db.transaction().execute(async (trx) => {
    await placesRepository.insertTenant(trx, {
      id: tenantId,
      ...DEMO_TENANT,
      boundary: JSON.stringify(GUDANG_BOUNDARY),
    });
    await placesRepository.insertCommunities(
      trx,
      communities.map((community) => {
        const own = grids.filter((grid) => grid.communityCode === community.code);
        const centers = own.map((grid) => centroid(grid.geometry));
        const lng = centers.reduce((sum, c) => sum + c[0], 0) / centers.length;
        const lat = centers.reduce((sum, c) => sum + c[1], 0) / centers.length;
        return {
          tenantId,
          id: community.id,
          code: community.code,
          name: community.name,
          nameEn: community.nameEn,
          centerLng: lng,
          centerLat: lat,
        };
      }),
    );
  });
  onProgress('communities', communities.length, communities.length);

  const featureCollection = {
    type: 'FeatureCollection',
    features: grids.map((grid) => {
      const community = communities.find((c) => c.code === grid.communityCode)!;
      return {
        type: 'Feature',
        properties: {
          code: grid.code,
          name: `${community.name.replace('社区', '')}第${grid.ordinal}网格`,
          community: grid.communityCode,
        },
        geometry: grid.geometry,
      };
    }),
  };
  const imported = await importGrids(ctx, undefined, tenantId, featureCollection, (_phase, done, total) =>
    onProgress('grids', done, total),
  );
  if (!imported.ok)
    throw new Error(`Demo grids failed validation: ${JSON.stringify(imported.problems.slice(0, 3))}`);

  const locator = new GridLocator(ctx.db);
  const rng = createRng(20260315);

  // Three residential buildings per grid, placed inside it (synthetic, like the polygons).
  const storedGrids = await placesRepository.listGridsWithGeometry(ctx.db, tenantId);
  const buildings: Parameters<typeof placesRepository.insertBuildings>[1] = [];
  for (const grid of storedGrids) {
    const [cx, cy] = centroid(grid.geometry as Polygon);
    for (let n = 1; n <= 3; n++) {
      for (let attempt = 0; attempt < 20; attempt++) {
        const lng = cx + (rng() - 0.5) * 0.0025;
        const lat = cy + (rng() - 0.5) * 0.002;
        const hit = await locator.locate(tenantId, lng, lat);
        if (hit?.id !== grid.id) continue;
        const number: number = buildings.length + 1;
        buildings.push({
          tenantId,
          id: newId(),
          communityId: grid.communityId,
          gridId: grid.id,
          name: `${grid.communityName.replace('社区', '')}${number}幢`,
          address: `杭州市西湖区古荡街道${grid.communityName}${number}幢`,
          lng: Math.round(lng * 1e6) / 1e6,
          lat: Math.round(lat * 1e6) / 1e6,
          floors: 6 + Math.floor(rng() * 20),
        });
        break;
      }
    }
  }
  await placesRepository.insertBuildings(ctx.db, buildings);
  onProgress('buildings', buildings.length, buildings.length);
  const facilities = demoFacilities();
  const rows = [];
  for (const [index, facility] of facilities.entries()) {
    const community = communities[facility.community]!;
    const own = grids.filter((grid) => grid.communityCode === community.code);
    const grid = own[index % own.length]!;
    const [cx, cy] = centroid(grid.geometry);
    // Scatter facilities around the grid's centre so markers do not sit on top of each other.
    let lng = cx;
    let lat = cy;
    let located = await locator.locate(tenantId, lng, lat);
    for (let attempt = 0; attempt < 20; attempt++) {
      const tryLng = cx + (rng() - 0.5) * 0.002;
      const tryLat = cy + (rng() - 0.5) * 0.0015;
      const hit = await locator.locate(tenantId, tryLng, tryLat);
      if (hit && hit.communityId === community.id) {
        lng = tryLng;
        lat = tryLat;
        located = hit;
        break;
      }
    }
    if (!located) throw new Error(`Facility ${facility.name} is outside every grid`);
    rows.push({
      tenantId,
      id: newId(),
      type: facility.type,
      tier: facility.tier ?? null,
      name: facility.name,
      nameEn: facility.nameEn,
      communityId: located.communityId,
      gridId: located.id,
      buildingId: null,
      address: `杭州市西湖区古荡街道${community.name}${(index % 40) + 1}号`,
      lng: Math.round(lng * 1e6) / 1e6,
      lat: Math.round(lat * 1e6) / 1e6,
      openingHours: JSON.stringify(facility.openingHours),
      phone: `0571-8${String(8000000 + index * 137).slice(0, 7)}`,
      areaM2: facility.areaM2 ?? null,
      capacity: facility.capacity ?? null,
    });
  }
  await placesRepository.insertFacilities(ctx.db, rows);
  onProgress('facilities', rows.length, rows.length);

  const organisationIds = new Map<string, string>();
  for (const organisation of DEMO_ORGANISATIONS) {
    const created = await createOrganisationUnchecked(ctx, tenantId, {
      kind: organisation.kind,
      name: organisation.name,
      ...(organisation.community !== undefined
        ? { communityId: communities[organisation.community]!.id }
        : {}),
    });
    organisationIds.set(organisation.name, created.id);
  }
  onProgress('organisations', DEMO_ORGANISATIONS.length, DEMO_ORGANISATIONS.length);

  const byRole = new Map<string, GigDemoAccount>();
  for (const [index, account] of DEMO_ACCOUNTS.entries()) {
    const communityId = account.community !== undefined ? communities[account.community]!.id : undefined;
    const organisationId = account.organisation ? organisationIds.get(account.organisation) : undefined;
    const { personId, accountId } = await createAccountUnchecked(ctx, tenantId, {
      name: account.name,
      phone: account.phone,
      password: DEMO_PASSWORD,
      roles: [{ role: account.role, communityId, organisationId }],
      communityId,
    });
    byRole.set(account.role, { accountId, personId, name: account.name });
    if (account.role === 'resident') {
      // The demo resident arrives verified, born 1952 like many of the residents we serve.
      const idNumber = makeResidentIdNumber({
        regionCode: '330106',
        birthDate: '1952-03-15',
        sequence: 128,
        sex: 'female',
      });
      await recordVerifiedIdentityUnchecked(ctx, tenantId, personId, { name: account.name, idNumber });
    }
    onProgress('accounts', index + 1, DEMO_ACCOUNTS.length);
  }

  const governance = await seedGovernanceDemo(ctx, tenantId, locator, onProgress);
  accounts.push(...governance.accounts);
  const gig = await seedGigDemo(
    ctx,
    tenantId,
    { worker: byRole.get('worker')!, employer: byRole.get('employer')! },
    onProgress,
  );
  accounts.push(...gig.accounts);

  return {
    created: true,
    tenantId,
    governance,
    gig,
    accounts,
    counts: {
      communities: communities.length,
      grids: grids.length,
      buildings: buildings.length,
      facilities: rows.length,
      organisations: DEMO_ORGANISATIONS.length,
      accounts: DEMO_ACCOUNTS.length,
    },
  };
}

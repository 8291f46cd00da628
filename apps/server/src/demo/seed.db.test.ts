import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { reconcileLedger } from '../platform/ledger/index.js';
import { GIG_RECONCILE_CHECKS } from '../modules/gig/index.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo-data.js';
import { seedDemo, type SeedResult } from './seed.js';

let t: TestApp;
let result: SeedResult;
beforeAll(async () => {
  t = await createTestApp();
  result = await seedDemo(t.ctx);
});
afterAll(() => t.close());

describe('demo data', () => {
  it('loads the Gudang figures from the source', async () => {
    expect(result.created).toBe(true);
    expect(result.counts.communities).toBe(10);
    expect(result.counts.grids).toBeGreaterThanOrEqual(35);
    expect(result.counts.grids).toBeLessThanOrEqual(45);
    const byType = await t.ctx.db
      .selectFrom('facility')
      .select(['type', 'tier', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tenantId', '=', result.tenantId)
      .groupBy(['type', 'tier'])
      .execute();
    const count = (type: string, tier: string | null = null) =>
      byType.find((row) => row.type === type && row.tier === tier)?.n ?? 0;
    expect([
      count('service_complex', 'flagship'),
      count('service_complex', 'star_moon'),
      count('service_complex', 'pearl_chain'),
    ]).toEqual([2, 5, 3]);
    expect(count('elderly_canteen')).toBe(5);
    expect(count('study_room')).toBe(5);
    expect(count('youth_palace')).toBe(3);
    expect(count('public_gym')).toBe(4);
    expect(count('growth_station')).toBe(6);
    expect(count('common_prosperity_station')).toBe(2);
    expect(count('representative_studio')).toBe(13);
    expect(count('deliberation_hall')).toBe(15);
    expect(count('living_room')).toBe(11);
    expect(count('youth_station')).toBe(1);
  });

  it('puts every facility inside a grid of its own community', async () => {
    const facilities = await t.ctx.db
      .selectFrom('facility')
      .select(['lng', 'lat', 'communityId', 'gridId'])
      .where('tenantId', '=', result.tenantId)
      .execute();
    for (const facility of facilities) {
      const grid = await t.locator.locate(result.tenantId, facility.lng, facility.lat);
      expect(grid?.id).toBe(facility.gridId);
      expect(grid?.communityId).toBe(facility.communityId);
    }
  });

  it('places three buildings in every grid and lists them by community', async () => {
    expect(result.counts.buildings).toBe(result.counts.grids * 3);
    const cookie = await t.login(DEMO_ACCOUNTS[2]!.phone, DEMO_PASSWORD);
    const communities = (
      await t.app.inject({ method: 'GET', url: '/api/places/communities', headers: { cookie } })
    ).json<Array<{ id: string; gridCount: number }>>();
    const first = communities[0]!;
    const page = await t.app.inject({
      method: 'GET',
      url: `/api/places/buildings?communityId=${first.id}&pageSize=200`,
      headers: { cookie },
    });
    const body = page.json<{
      total: number;
      items: Array<{ communityId: string; gridId: string; location: { lng: number; lat: number } }>;
    }>();
    expect(body.total).toBe(first.gridCount * 3);
    for (const building of body.items) {
      expect(building.communityId).toBe(first.id);
      expect(
        (await t.locator.locate(result.tenantId, building.location.lng, building.location.lat))?.id,
      ).toBe(building.gridId);
    }
  });

  it('opens the gig market with paid history, an offer for the demo worker and whole books', async () => {
    expect(result.gig).toMatchObject({ workers: 41, employers: 3 });
    expect(result.gig!.shiftsPaid).toBeGreaterThan(5);
    const worker = DEMO_ACCOUNTS.find((account) => account.role === 'worker')!;
    const cookie = await t.login(worker.phone, DEMO_PASSWORD);
    const applications = await t.app.inject({
      method: 'GET',
      url: '/api/gig/worker/applications',
      headers: { cookie },
    });
    const mine = applications.json<Array<{ state: string }>>().map((a) => a.state);
    expect(mine.filter((state) => state === 'offered')).toHaveLength(1);
    expect(mine.filter((state) => state === 'hired').length).toBeGreaterThanOrEqual(2);
    const states = await t.ctx.db
      .selectFrom('gigAssignment')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('state')
      .execute();
    const count = (state: string) => Number(states.find((row) => row.state === state)?.n ?? 0);
    expect(count('no_show')).toBe(1);
    expect(count('disputed')).toBe(1);
    expect(count('paid')).toBeGreaterThan(5);
    // The history is history: nothing the demo wrote is dated after the moment it was written.
    const future = await t.ctx.db
      .selectFrom('gigAssignment')
      .select('id')
      .where((eb) => eb.or([eb('updatedAt', '>', new Date()), eb('clockOutAt', '>', new Date())]))
      .execute();
    expect(future).toEqual([]);
    const payouts = await t.ctx.db.selectFrom('payout').select('id').execute();
    expect(payouts.length).toBeGreaterThan(0);
    const report = await reconcileLedger(t.ctx.db, result.tenantId, GIG_RECONCILE_CHECKS);
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
  });

  it('signs in every demo account with its role, and a second run changes nothing', async () => {
    for (const account of DEMO_ACCOUNTS) {
      const cookie = await t.login(account.phone, DEMO_PASSWORD);
      const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
      expect(me.json<{ roles: Array<{ role: string }> }>().roles.map((r) => r.role)).toEqual([account.role]);
    }
    const again = await seedDemo(t.ctx);
    expect(again.created).toBe(false);
    const tenants = await t.ctx.db.selectFrom('tenant').select('id').execute();
    expect(tenants).toHaveLength(1);
  });
});

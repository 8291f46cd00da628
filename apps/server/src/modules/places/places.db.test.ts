import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp } from '../../testing/test-app.js';
import type { TestTenant } from '../../testing/factories.js';

let t: TestApp;
let tenant: TestTenant;
let other: TestTenant;
let cookie: string;
let adminCookie: string;
let otherAdminCookie: string;

const facility = (overrides: Record<string, unknown> = {}) => ({
  type: 'elderly_canteen',
  name: '测试老年食堂',
  address: '测试路1号',
  location: { lng: tenant.origin[0] + tenant.step * 0.5, lat: tenant.origin[1] + tenant.step * 0.5 },
  openingHours: [{ days: [1, 2, 3, 4, 5], open: '10:30', close: '13:00' }],
  ...overrides,
});

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTestTenant(t.ctx, { communities: 3 });
  other = await createTestTenant(t.ctx);
  cookie = (await t.signIn(tenant, ['dispatcher'])).cookie;
  adminCookie = (await t.signIn(tenant, ['tenant_admin'])).cookie;
  otherAdminCookie = (await t.signIn(other, ['tenant_admin'])).cookie;
});
afterAll(() => t.close());

describe('communities and grids', () => {
  it('lists communities with counts, and a community with its grids', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/api/places/communities', headers: { cookie } });
    expect(list.statusCode).toBe(200);
    const communities = list.json<Array<{ id: string; code: string; gridCount: number }>>();
    expect(communities.map((c) => c.code)).toEqual(['C1', 'C2', 'C3']);
    expect(communities.every((c) => c.gridCount === 2)).toBe(true);
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/places/communities/${communities[0]!.id}`,
      headers: { cookie },
    });
    expect(detail.json<{ grids: Array<{ code: string }> }>().grids.map((g) => g.code)).toEqual([
      'C1-G1',
      'C1-G2',
    ]);
  });

  it('hides another tenant’s community (404) and needs a session (401)', async () => {
    const foreign = await t.app.inject({
      method: 'GET',
      url: `/api/places/communities/${other.communities[0]!.id}`,
      headers: { cookie },
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).not.toContain(other.code);
    expect((await t.app.inject({ method: 'GET', url: '/api/places/communities' })).statusCode).toBe(401);
    const badId = await t.app.inject({
      method: 'GET',
      url: '/api/places/communities/not-a-uuid',
      headers: { cookie },
    });
    expect(badId.statusCode).toBe(400);
    expect(badId.json<{ errors: Array<{ field: string }> }>().errors[0]!.field).toBe('path/id');
  });

  it('serves grids as GeoJSON and locates points', async () => {
    const grids = await t.app.inject({ method: 'GET', url: '/api/places/grids', headers: { cookie } });
    const collection = grids.json<{ type: string; features: Array<{ properties: { code: string } }> }>();
    expect(collection.type).toBe('FeatureCollection');
    expect(collection.features).toHaveLength(6);
    const [x, y] = tenant.origin;
    const hit = await t.app.inject({
      method: 'GET',
      url: `/api/places/grids/locate?lng=${x + tenant.step * 1.5}&lat=${y + tenant.step * 1.5}`,
      headers: { cookie },
    });
    expect(hit.json<{ grid: { code: string }; community: { code: string } }>()).toMatchObject({
      grid: { code: 'C2-G2' },
      community: { code: 'C2' },
    });
    // A point of the other tenant is outside every grid of ours.
    const miss = await t.app.inject({
      method: 'GET',
      url: `/api/places/grids/locate?lng=${other.origin[0] + 0.001}&lat=${other.origin[1] + 0.001}`,
      headers: { cookie },
    });
    expect(miss.json()).toEqual({ grid: null, community: null });
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/places/grids/locate?lng=abc&lat=200',
      headers: { cookie },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json<{ errors: Array<{ field: string }> }>()
        .errors.map((e) => e.field)
        .sort(),
    ).toEqual(['query/lat', 'query/lng']);
  });
});

describe('facilities', () => {
  it('lets only tenant admins add one; its community and grid follow from the location', async () => {
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/places/facilities',
          headers: { cookie },
          payload: facility(),
        })
      ).statusCode,
    ).toBe(403);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/places/facilities',
      headers: { cookie: adminCookie },
      payload: facility(),
    });
    expect(created.statusCode).toBe(201);
    expect(created.json<{ gridCode: string; communityName: string }>()).toMatchObject({
      gridCode: 'C1-G1',
      communityName: '社区1',
    });
    const outside = await t.app.inject({
      method: 'POST',
      url: '/api/places/facilities',
      headers: { cookie: adminCookie },
      payload: facility({ location: { lng: 1, lat: 1 } }),
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.json<{ code: string; errors: Array<{ field: string }> }>()).toMatchObject({
      code: 'outside_tenant',
      errors: [{ field: '/location' }],
    });
    const noTier = await t.app.inject({
      method: 'POST',
      url: '/api/places/facilities',
      headers: { cookie: adminCookie },
      payload: facility({ type: 'service_complex' }),
    });
    expect(noTier.statusCode).toBe(400);
    const badHours = await t.app.inject({
      method: 'POST',
      url: '/api/places/facilities',
      headers: { cookie: adminCookie },
      payload: facility({ openingHours: [{ days: [8], open: '25:00', close: '13:00' }] }),
    });
    expect(badHours.statusCode).toBe(400);
    const fields = badHours.json<{ errors: Array<{ field: string }> }>().errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['/openingHours/0/days/0', '/openingHours/0/open']));
    const count = await t.ctx.db
      .selectFrom('facility')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenantId', '=', tenant.id)
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
  });

  it('searches, filters and pages; another tenant sees none of them', async () => {
    for (const [i, name] of ['莲花书房', '荷花书房', '嘉绿苑健身房'].entries()) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/places/facilities',
        headers: { cookie: adminCookie },
        payload: facility({
          type: name.includes('书房') ? 'study_room' : 'public_gym',
          name,
          location: {
            lng: tenant.origin[0] + tenant.step * (i + 0.5),
            lat: tenant.origin[1] + tenant.step * 0.5,
          },
        }),
      });
      expect(response.statusCode).toBe(201);
    }
    const search = await t.app.inject({
      method: 'GET',
      url: `/api/places/facilities?q=${encodeURIComponent('书房')}`,
      headers: { cookie },
    });
    expect(search.json<{ total: number }>().total).toBe(2);
    const byType = await t.app.inject({
      method: 'GET',
      url: '/api/places/facilities?type=public_gym',
      headers: { cookie },
    });
    expect(byType.json<{ items: Array<{ name: string }> }>().items.map((f) => f.name)).toEqual([
      '嘉绿苑健身房',
    ]);
    const byCommunity = await t.app.inject({
      method: 'GET',
      url: `/api/places/facilities?communityId=${tenant.communities[1]!.id}`,
      headers: { cookie },
    });
    expect(byCommunity.json<{ items: Array<{ name: string }> }>().items.map((f) => f.name)).toEqual([
      '荷花书房',
    ]);
    const all = await t.app.inject({ method: 'GET', url: '/api/places/facilities', headers: { cookie } });
    // Community by community, each in the catalogue's order of types.
    expect(all.json<{ items: Array<{ name: string }> }>().items.map((f) => f.name)).toEqual([
      '测试老年食堂',
      '莲花书房',
      '荷花书房',
      '嘉绿苑健身房',
    ]);
    const paged = await t.app.inject({
      method: 'GET',
      url: '/api/places/facilities?page=2&pageSize=3',
      headers: { cookie },
    });
    expect(paged.json<{ items: unknown[]; total: number; page: number }>()).toMatchObject({
      total: 4,
      page: 2,
    });
    expect(paged.json<{ items: unknown[] }>().items).toHaveLength(1);
    const wildcard = await t.app.inject({
      method: 'GET',
      url: `/api/places/facilities?q=${encodeURIComponent('%')}`,
      headers: { cookie },
    });
    expect(wildcard.json<{ total: number }>().total).toBe(0);
    const foreign = await t.app.inject({
      method: 'GET',
      url: '/api/places/facilities',
      headers: { cookie: otherAdminCookie },
    });
    expect(foreign.json<{ total: number }>().total).toBe(0);
    const badType = await t.app.inject({
      method: 'GET',
      url: '/api/places/facilities?type=casino',
      headers: { cookie },
    });
    expect(badType.statusCode).toBe(400);
    expect(badType.json<{ errors: Array<{ field: string; message: string }> }>().errors[0]).toMatchObject({
      field: 'query/type',
    });

    const one = byType.json<{ items: Array<{ id: string }> }>().items[0]!;
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/places/facilities/${one.id}`, headers: { cookie } }))
        .statusCode,
    ).toBe(200);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/places/facilities/${one.id}`,
          headers: { cookie: otherAdminCookie },
        })
      ).statusCode,
    ).toBe(404);
  });

  it('exports the filtered table to Excel with Chinese headers', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/places/facilities/export.xlsx?type=study_room',
      headers: { cookie },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    expect(response.headers['content-disposition']).toContain("filename*=UTF-8''");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('名称 Name');
    const names = [2, 3].map((row) => sheet.getRow(row).getCell(1).value);
    expect(names.sort()).toEqual(['荷花书房', '莲花书房']);
    expect(sheet.getRow(2).getCell(2).value).toBe('西湖书房');
    expect(sheet.rowCount).toBe(3);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/places/facilities/export.xlsx' })).statusCode,
    ).toBe(401);
  });
});

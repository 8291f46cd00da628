import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SOURCES } from '../modules/governance/index.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import {
  DEMO_CAMERA_COUNT,
  DEMO_CASE_COUNT,
  DEMO_DISPATCH_UNITS,
  DEMO_SENSOR_COUNTS,
} from './governance-demo.js';
import { seedDemo, type SeedResult } from './seed.js';

let t: TestApp;
let result: SeedResult;
// The whole demo goes through the real intake and case workflow: minutes on a busy machine.
beforeAll(async () => {
  t = await createTestApp();
  result = await seedDemo(t.ctx);
}, 600_000);
afterAll(() => t.close());

const count = async (query: ReturnType<typeof sql<{ n: number }>>) =>
  Number((await query.execute(t.ctx.db)).rows[0]!.n);

describe('governance demo', () => {
  it('has the source’s 16,125 IoT devices and 1,318 cameras, in the mix of a real subdistrict', async () => {
    const sensors = Object.values(DEMO_SENSOR_COUNTS).reduce((sum, n) => sum + n, 0);
    expect(sensors).toBe(16_125);
    expect(DEMO_CAMERA_COUNT).toBe(1_318);
    expect(result.governance).toMatchObject({
      sensors: 16_125,
      cameras: 1_318,
      dispatchUnits: 7,
      sources: DEFAULT_SOURCES.length,
    });
    const byType = await t.ctx.db
      .selectFrom('device')
      .select(['type', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tenantId', '=', result.tenantId)
      .groupBy('type')
      .execute();
    expect(Object.fromEntries(byType.map((row) => [row.type, Number(row.n)]))).toEqual({
      ...DEMO_SENSOR_COUNTS,
      camera: DEMO_CAMERA_COUNT,
    });
    const codes = await t.ctx.db
      .selectFrom('device')
      .select(['code', 'name', 'type'])
      .where('tenantId', '=', result.tenantId)
      .where('code', 'in', ['GD-SMK-000001', 'GD-CAM-0001', 'GD-CAM-1318', 'GD-HYD-000150'])
      .orderBy('code')
      .execute();
    expect(codes.map((row) => row.code)).toEqual([
      'GD-CAM-0001',
      'GD-CAM-1318',
      'GD-HYD-000150',
      'GD-SMK-000001',
    ]);
    expect(codes.find((row) => row.type === 'smoke')!.name).toMatch(/^.+\d+幢\d单元\d+室(卧室)?烟感$/);
  });

  it('places every device inside a grid of the subdistrict, building devices in their building’s grid', async () => {
    const devices = await t.ctx.db
      .selectFrom('device as d')
      .leftJoin('building as b', (join) =>
        join.onRef('b.tenantId', '=', 'd.tenantId').onRef('b.id', '=', 'd.buildingId'),
      )
      .select(['d.lng', 'd.lat', 'd.gridId', 'd.communityId', 'd.buildingId', 'b.gridId as buildingGridId'])
      .where('d.tenantId', '=', result.tenantId)
      .execute();
    let inBuildings = 0;
    for (const device of devices) {
      const grid = await t.locator.locate(result.tenantId, device.lng, device.lat);
      expect(grid?.id).toBe(device.gridId);
      expect(grid?.communityId).toBe(device.communityId);
      if (device.buildingId) {
        inBuildings++;
        expect(device.gridId).toBe(device.buildingGridId);
      }
    }
    expect(inBuildings).toBeGreaterThan(15_000);
  });

  it('has a small, realistic share of devices offline, faulty or low on battery, all seen recently or days ago', async () => {
    const states = await t.ctx.db
      .selectFrom('device')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tenantId', '=', result.tenantId)
      .groupBy('state')
      .execute();
    const total = 16_125 + 1_318;
    const share = (state: string) => Number(states.find((row) => row.state === state)?.n ?? 0) / total;
    expect(share('online')).toBeGreaterThan(0.95);
    expect(share('offline')).toBeGreaterThan(0.01);
    expect(share('offline')).toBeLessThan(0.04);
    expect(share('fault')).toBeGreaterThan(0.002);
    expect(share('fault')).toBeLessThan(0.015);
    const batteryLow = await count(sql<{ n: number }>`select count(*) as n from device
      where tenant_id = ${result.tenantId} and battery_low`);
    expect(batteryLow / total).toBeGreaterThan(0.005);
    expect(batteryLow / total).toBeLessThan(0.03);
    // Online and faulty devices reported within the day, so the offline sweep leaves them be.
    const silentOnline = await count(sql<{ n: number }>`select count(*) as n from device
      where tenant_id = ${result.tenantId} and state in ('online', 'fault') and last_seen_at < now() - interval '21 hours'`);
    expect(silentOnline).toBe(0);
  });

  it('maps the demo departments to dispatch units and keeps no source secret in the result', async () => {
    const units = await t.ctx.db
      .selectFrom('dispatchUnit as u')
      .innerJoin('organisation as o', (join) =>
        join.onRef('o.tenantId', '=', 'u.tenantId').onRef('o.id', '=', 'u.organisationId'),
      )
      .select(['o.name', 'u.unitType'])
      .where('u.tenantId', '=', result.tenantId)
      .execute();
    expect(Object.fromEntries(units.map((unit) => [unit.name, unit.unitType]))).toEqual(
      Object.fromEntries(DEMO_DISPATCH_UNITS.map((unit) => [unit.organisation, unit.unitType])),
    );
    expect(JSON.stringify(result)).not.toMatch(/secret|apiKey/i);
  });

  it('has a month of cases across sources, categories, communities and every stage of the loop', async () => {
    const cases = await t.ctx.db
      .selectFrom('govCase as c')
      .leftJoin('eventSource as s', (join) =>
        join.onRef('s.tenantId', '=', 'c.tenantId').onRef('s.id', '=', 'c.sourceId'),
      )
      .select([
        'c.stage',
        'c.category',
        'c.communityId',
        'c.createdAt',
        's.code as source',
        'c.rating',
        'c.escalationLevel',
      ])
      .where('c.tenantId', '=', result.tenantId)
      .execute();
    expect(cases).toHaveLength(DEMO_CASE_COUNT + 4);
    const distinct = (values: unknown[]) => new Set(values).size;
    expect(distinct(cases.map((row) => row.source))).toBe(7);
    expect(distinct(cases.map((row) => row.category))).toBeGreaterThanOrEqual(12);
    expect(distinct(cases.map((row) => row.communityId))).toBe(10);
    const stages = new Set(cases.map((row) => row.stage));
    for (const stage of ['intake', 'triage', 'dispatch', 'evaluation', 'closed', 'suspended', 'duplicate'])
      expect(stages).toContain(stage);
    expect(['handling', 'feedback', 'verify'].some((stage) => stages.has(stage))).toBe(true);
    const ages = cases.map((row) => (Date.now() - row.createdAt.getTime()) / 86_400_000);
    expect(Math.max(...ages)).toBeGreaterThan(25);
    expect(Math.max(...ages)).toBeLessThan(31);
    expect(cases.filter((row) => row.rating !== null).length).toBeGreaterThan(DEMO_CASE_COUNT / 10);
    expect(cases.filter((row) => row.escalationLevel > 0).length).toBeGreaterThan(0);
    expect(result.governance!.escalated).toBeGreaterThan(0);
  });

  it('dates every step in the past, in the order it happened, within the month', async () => {
    const late = await count(sql<{ n: number }>`select count(*) as n from case_timeline t
      join gov_case c on c.tenant_id = t.tenant_id and c.id = t.case_id
      where t.tenant_id = ${result.tenantId} and (t.at < c.created_at or t.at > now())`);
    expect(late).toBe(0);
    const disorder = await count(sql<{ n: number }>`select count(*) as n from gov_case
      where tenant_id = ${result.tenantId} and (accepted_at < created_at or responded_at < dispatched_at
        or feedback_at < responded_at or closed_at < feedback_at or evaluated_at < closed_at)`);
    expect(disorder).toBe(0);
    // Most cases responded and closed within their service levels; some did not.
    const rates = (
      await sql<{ closed: number; onTime: number }>`select count(*) as closed,
          count(*) filter (where closed_at <= resolve_due_at) as on_time
        from gov_case where tenant_id = ${result.tenantId} and closed_at is not null`.execute(t.ctx.db)
    ).rows[0]!;
    expect(Number(rates.onTime) / Number(rates.closed)).toBeGreaterThan(0.75);
    expect(Number(rates.onTime)).toBeLessThan(Number(rates.closed));
  });

  it('leaves devices whose alarm is still open in alarm, the others back online', async () => {
    const alarming = await t.ctx.db
      .selectFrom('device as d')
      .select(['d.code', 'd.state'])
      .where('d.tenantId', '=', result.tenantId)
      .where('d.state', '=', 'alarm')
      .execute();
    const open = await count(sql<{ n: number }>`select count(distinct e.device_id) as n from gov_case c
      join gov_event e on e.tenant_id = c.tenant_id and e.incident_id = c.incident_id
      where c.tenant_id = ${result.tenantId} and c.closed_at is null and e.device_id is not null`);
    expect(alarming.length).toBe(open);
  });

  it('gives the demo resident reports of her own, some rated by her', async () => {
    const rows = await sql<{ n: number; rated: number }>`select count(*) as n, count(c.rating) as rated
      from gov_case c join account a on a.tenant_id = c.tenant_id and a.person_id = c.reporter_person_id
      where c.tenant_id = ${result.tenantId}`.execute(t.ctx.db);
    expect(Number(rows.rows[0]!.n)).toBeGreaterThanOrEqual(5);
    expect(Number(rows.rows[0]!.rated)).toBeGreaterThanOrEqual(1);
  });
});

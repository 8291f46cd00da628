import type { Role } from '@jiedao/contracts';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../platform/auth/actor.js';
import { createTestAccount, createTestApp, createTestTenant, type TestApp } from '../../testing/test-app.js';
import type { TestTenant } from '../../testing/factories.js';
import {
  createTestBuilding,
  createTestDevices,
  type TestBuilding,
} from '../../testing/governance-factories.js';
import { deviceStats, exportDevices, importDevices, listDevices } from './devices.service.js';
import { createGovernance, type Governance } from './governance.js';
import { ensureDefaultSources } from './sources.js';

let t: TestApp;
let g: Governance;

beforeAll(async () => {
  t = await createTestApp();
  g = createGovernance(t.ctx, t.locator);
});
afterAll(async () => {
  await g.intake.stop();
  await t.close();
});

/** An actor as the session hook would build it, for calling services directly. */
async function actorWith(tenant: TestTenant, role: Role): Promise<Actor> {
  const account = await createTestAccount(t.ctx, tenant.id, { roles: [role] });
  return {
    tenantId: tenant.id,
    accountId: account.accountId,
    personId: account.personId,
    sessionId: '',
    roles: [{ role, communityId: null, organisationId: null }],
  };
}

async function refusal(promise: Promise<unknown>) {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('listing, counting and exporting', () => {
  let tenant: TestTenant;
  let dispatcher: Actor;
  let east: TestBuilding;
  let west: TestBuilding;
  let percent: TestBuilding;

  beforeAll(async () => {
    tenant = await createTestTenant(t.ctx);
    dispatcher = await actorWith(tenant, 'dispatcher');
    // Community 2 first in creation, to show that the order is the community's, not insertion's.
    west = await createTestBuilding(t.ctx, tenant, { community: 1, row: 0, name: '西区1幢' });
    east = await createTestBuilding(t.ctx, tenant, { community: 0, row: 1, name: '东区2幢' });
    percent = await createTestBuilding(t.ctx, tenant, { community: 0, row: 0, name: '满100%幢' });
    await createTestDevices(t.ctx, tenant, west, { count: 3, type: 'smoke', prefix: 'W-SMK' });
    await createTestDevices(t.ctx, tenant, west, {
      count: 2,
      type: 'gas',
      prefix: 'W-GAS',
      state: 'offline',
    });
    await createTestDevices(t.ctx, tenant, east, { count: 2, type: 'camera', prefix: 'E-CAM' });
    await createTestDevices(t.ctx, tenant, east, {
      count: 1,
      type: 'smoke',
      prefix: 'E-SMK',
      state: 'alarm',
    });
    await createTestDevices(t.ctx, tenant, percent, {
      count: 1,
      type: 'water',
      prefix: 'P-WAT',
      state: 'fault',
    });
    await t.ctx.db
      .updateTable('device')
      .set({ batteryLow: true })
      .where('tenantId', '=', tenant.id)
      .where('code', 'in', ['W-SMK-1', 'W-SMK-2'])
      .execute();
    // Another subdistrict's devices, with a code and a name that would match the filters below.
    const other = await createTestTenant(t.ctx);
    const elsewhere = await createTestBuilding(t.ctx, other, { community: 0, row: 0, name: '东区2幢' });
    await createTestDevices(t.ctx, other, elsewhere, { count: 4, type: 'smoke', prefix: 'E-SMK-X' });
  });

  it('lists devices community by community, grid by grid, code by code, with their places', async () => {
    const page = await listDevices(g, dispatcher, { pageSize: 50 });
    expect(page.total).toBe(9);
    expect(page.items.map((device) => device.code)).toEqual([
      'P-WAT-1',
      'E-CAM-1',
      'E-CAM-2',
      'E-SMK-1',
      'W-GAS-1',
      'W-GAS-2',
      'W-SMK-1',
      'W-SMK-2',
      'W-SMK-3',
    ]);
    expect(page.items[1]).toMatchObject({
      type: 'camera',
      buildingId: east.id,
      buildingName: '东区2幢',
      gridId: east.gridId,
      gridName: '社区1第2网格',
      communityId: east.communityId,
      communityName: '社区1',
      location: { lng: east.lng, lat: east.lat },
      installedOn: '2025-06-01',
      state: 'online',
      batteryLow: false,
    });
    expect(page.items[1]!.lastSeenAt).toMatch(/Z$/);
  });

  it('pages and filters by type, state, community, grid and text', async () => {
    const second = await listDevices(g, dispatcher, { page: 2, pageSize: 4 });
    expect(second).toMatchObject({ total: 9, page: 2, pageSize: 4 });
    expect(second.items.map((device) => device.code)).toEqual(['W-GAS-1', 'W-GAS-2', 'W-SMK-1', 'W-SMK-2']);
    const codes = async (query: Parameters<typeof listDevices>[2]) =>
      (await listDevices(g, dispatcher, { pageSize: 50, ...query })).items.map((device) => device.code);
    expect(await codes({ type: 'smoke' })).toEqual(['E-SMK-1', 'W-SMK-1', 'W-SMK-2', 'W-SMK-3']);
    expect(await codes({ state: 'offline' })).toEqual(['W-GAS-1', 'W-GAS-2']);
    expect(await codes({ communityId: west.communityId })).toHaveLength(5);
    expect(await codes({ gridId: east.gridId })).toEqual(['E-CAM-1', 'E-CAM-2', 'E-SMK-1']);
    expect(await codes({ q: 'e-smk' })).toEqual(['E-SMK-1']);
    expect(await codes({ q: '西区' })).toHaveLength(5);
    expect(await codes({ q: '测试路1号' })).toHaveLength(4);
    // LIKE wildcards in the search are the characters themselves.
    expect(await codes({ q: '100%' })).toEqual(['P-WAT-1']);
    expect(await codes({ q: '_' })).toEqual([]);
  });

  it('never shows another subdistrict’s devices', async () => {
    const other = await createTestTenant(t.ctx);
    const stranger = await actorWith(other, 'dispatcher');
    expect((await listDevices(g, stranger, {})).total).toBe(0);
    expect((await listDevices(g, dispatcher, { communityId: other.communities[0]!.id })).total).toBe(0);
    expect((await deviceStats(g, stranger)).total).toBe(0);
  });

  it('refuses residents and grid workers (403)', async () => {
    for (const role of ['resident', 'grid_worker'] as const) {
      const actor = await actorWith(tenant, role);
      for (const call of [listDevices(g, actor, {}), exportDevices(g, actor, {}), deviceStats(g, actor)])
        expect(await refusal(call)).toMatchObject({ code: 'forbidden', status: 403 });
    }
    const admin = await actorWith(tenant, 'tenant_admin');
    expect((await listDevices(g, admin, {})).total).toBe(9);
  });

  it('counts by state and low battery, in total and per type', async () => {
    const stats = await deviceStats(g, dispatcher);
    expect(stats).toMatchObject({
      total: 9,
      online: 5,
      offline: 2,
      alarm: 1,
      fault: 1,
      disabled: 0,
      batteryLow: 2,
    });
    const byType = new Map(stats.byType.map((entry) => [entry.type, entry]));
    expect(stats.byType).toHaveLength(8);
    expect(byType.get('camera')).toMatchObject({ total: 2, online: 2 });
    expect(byType.get('smoke')).toMatchObject({ total: 4, online: 3, alarm: 1, batteryLow: 2 });
    expect(byType.get('hydrant')).toMatchObject({ total: 0 });
  });

  it('exports the filtered devices as a workbook with Chinese headers', async () => {
    const buffer = await exportDevices(g, dispatcher, { communityId: west.communityId, pageSize: 1 });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const values = (row: number) => (sheet.getRow(row).values as unknown[]).slice(1);
    expect(values(1)).toEqual([
      '设备编号',
      '类型',
      '名称',
      '社区',
      '网格',
      '楼栋',
      '地址',
      '经度',
      '纬度',
      '安装日期',
      '状态',
      '电量低',
      '最后上报',
    ]);
    expect(sheet.actualRowCount).toBe(6);
    const gas = values(2);
    expect(gas.slice(0, 12)).toEqual([
      'W-GAS-1',
      '燃气探测器',
      '西区1幢1号gas',
      '社区2',
      '社区2第1网格',
      '西区1幢',
      west.address,
      west.lng,
      west.lat,
      '2025-06-01',
      '离线',
      '',
    ]);
    expect(gas[12]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(
      values(4)
        .slice(0, 1)
        .concat(values(4)[11] as string),
    ).toEqual(['W-SMK-1', '是']);
  });
});

describe('import', () => {
  let tenant: TestTenant;
  let building: TestBuilding;
  let other: TestBuilding;
  const csv = (text: string) => ({ bytes: Buffer.from(text), contentType: 'text/csv' });
  const count = async () =>
    Number(
      (
        await t.ctx.db
          .selectFrom('device')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('tenantId', '=', tenant.id)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const byCode = (code: string) =>
    t.ctx.db
      .selectFrom('device')
      .selectAll()
      .where('tenantId', '=', tenant.id)
      .where('code', '=', code)
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    tenant = await createTestTenant(t.ctx);
    building = await createTestBuilding(t.ctx, tenant, { community: 0, row: 1, name: '嘉绿苑3幢' });
    other = await createTestBuilding(t.ctx, tenant, { community: 1, row: 0, name: '荷花苑7幢' });
  });

  it('creates devices from a good file, then updates them on a second import', async () => {
    const point = { lng: tenant.origin[0] + tenant.step * 1.5, lat: tenant.origin[1] + tenant.step * 1.5 };
    const progress: Array<[number, number, string]> = [];
    const first = await importDevices(
      g,
      tenant.id,
      csv(
        [
          'code,type,name,building,lng,lat,address,installed_on,stream_url',
          'IMP-SMK-1,smoke,嘉绿苑3幢2单元烟感,嘉绿苑3幢,,,,2025-06-01,',
          'IMP-GAS-1,燃气探测器,,嘉绿苑3幢,,,,,',
          `IMP-CAM-1,camera,路口摄像机,,${point.lng},${point.lat},华星路口,,rtsp://10.1.1.1/live`,
        ].join('\n'),
      ),
      (done, total, phase) => progress.push([done, total, phase]),
    );
    expect(first).toEqual({ ok: true, created: 3, updated: 0, rows: 3, errors: [] });
    expect(progress.at(-1)).toEqual([3, 3, 'writing']);
    expect(await byCode('IMP-SMK-1')).toMatchObject({
      type: 'smoke',
      name: '嘉绿苑3幢2单元烟感',
      buildingId: building.id,
      gridId: building.gridId,
      communityId: building.communityId,
      lng: building.lng,
      lat: building.lat,
      address: building.address,
      installedOn: '2025-06-01',
      state: 'online',
    });
    expect((await byCode('IMP-GAS-1')).name).toBe('嘉绿苑3幢燃气探测器');
    const camera = await byCode('IMP-CAM-1');
    const grid = await t.locator.locate(tenant.id, point.lng, point.lat);
    expect(camera).toMatchObject({
      buildingId: null,
      gridId: grid!.id,
      communityId: grid!.communityId,
      streamUrl: 'rtsp://10.1.1.1/live',
    });

    // Runtime state belongs to the device: a re-import changes the description, not the state.
    await t.ctx.db.updateTable('device').set({ state: 'alarm' }).where('id', '=', camera.id).execute();
    const second = await importDevices(
      g,
      tenant.id,
      csv(
        [
          'code,type,name,building',
          'IMP-SMK-1,smoke,嘉绿苑3幢2单元5层烟感,荷花苑7幢',
          `IMP-CAM-1,camera,路口摄像机（东）,嘉绿苑3幢`,
          'IMP-WAT-1,water,,荷花苑7幢',
        ].join('\n'),
      ),
    );
    expect(second).toEqual({ ok: true, created: 1, updated: 2, rows: 3, errors: [] });
    expect(await byCode('IMP-SMK-1')).toMatchObject({
      name: '嘉绿苑3幢2单元5层烟感',
      buildingId: other.id,
      gridId: other.gridId,
      installedOn: null,
    });
    expect(await byCode('IMP-CAM-1')).toMatchObject({
      id: camera.id,
      state: 'alarm',
      buildingId: building.id,
      streamUrl: null,
    });
    expect(await count()).toBe(4);
  });

  it('imports nothing from a file with errors and names each bad row and field', async () => {
    const before = await count();
    const result = await importDevices(
      g,
      tenant.id,
      csv(
        [
          'code,type,building,lng,lat',
          'ERR-1,smoke,嘉绿苑3幢,,', // good
          'ERR-2,toaster,嘉绿苑3幢,,',
          'ERR-1,gas,嘉绿苑3幢,,',
          'ERR-4,smoke,莲花新村99幢,,',
          `ERR-5,smoke,,${tenant.origin[0] + tenant.step * 0.5},${tenant.origin[1] + tenant.step * 3.5}`,
          `ERR-6,smoke,嘉绿苑3幢,${tenant.origin[0] + tenant.step * 1.5},${tenant.origin[1] + tenant.step * 0.5}`,
          ',smoke,,,',
        ].join('\n'),
      ),
    );
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ created: 0, updated: 0, rows: 7 });
    expect(result.errors.map((error) => [error.row, error.field])).toEqual([
      [3, 'type'],
      [4, 'code'],
      [5, 'building'],
      [6, 'lng'],
      [7, 'lng'],
      [8, 'code'],
      [8, 'building'],
    ]);
    expect(result.errors[1]!.message).toContain('row 2');
    expect(result.errors[3]!.message).toContain('outside every grid');
    expect(result.errors[3]!.messageZh).toContain('不在本街道任何网格内');
    expect(result.errors[4]!.message).toMatch(/\d+ m from 嘉绿苑3幢/);
    expect(await count()).toBe(before);
  });

  it('reads CSV with a BOM and Chinese headers, and .xlsx workbooks', async () => {
    const text = [
      '设备编号,类型,名称,楼栋,安装日期',
      'BOM-1,烟感探测器,,嘉绿苑3幢,2024/3/5',
      'BOM-2,门磁,,荷花苑7幢,',
    ].join('\r\n');
    const result = await importDevices(g, tenant.id, {
      bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
      contentType: 'text/csv; charset=utf-8',
    });
    expect(result).toMatchObject({ ok: true, created: 2 });
    expect(await byCode('BOM-1')).toMatchObject({ type: 'smoke', installedOn: '2024-03-05' });

    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('设备台账');
    sheet.addRow(['设备编号', '类型', '楼栋', '安装日期']);
    sheet.addRow(['XLSX-1', '电气火灾监控', building.address, new Date(Date.UTC(2025, 0, 2))]);
    const xlsx = await importDevices(g, tenant.id, {
      bytes: Buffer.from(await workbook.xlsx.writeBuffer()),
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    expect(xlsx).toMatchObject({ ok: true, created: 1, rows: 1 });
    expect(await byCode('XLSX-1')).toMatchObject({
      type: 'electrical_fire',
      buildingId: building.id,
      installedOn: '2025-01-02',
    });
  });

  it('makes imported devices known to the intake at once', async () => {
    await ensureDefaultSources(t.ctx.db, t.ctx.cipher, tenant.id);
    const iot = (await g.directory.source(tenant.id, 'iot'))!;
    const alarm = (msgId: string) => ({
      tenantId: tenant.id,
      source: iot,
      topic: `jiedao/${tenant.code}/devices/NEW-SMK-1/alarm`,
      payload: { msgId },
      rawText: JSON.stringify({ msgId }),
      receivedAt: new Date(),
    });
    expect(await g.intake.submitOne(alarm('a-1'))).toEqual({
      status: 'unknown_device',
      deviceCode: 'NEW-SMK-1',
    });
    const result = await importDevices(g, tenant.id, csv('code,type,building\nNEW-SMK-1,smoke,嘉绿苑3幢'));
    expect(result.ok).toBe(true);
    const outcome = await g.intake.submitOne(alarm('a-2'));
    expect(outcome).toMatchObject({ status: 'accepted' });
    const event = await t.ctx.db
      .selectFrom('govEvent')
      .select(['category', 'gridId', 'deviceId'])
      .where('id', '=', (outcome as { eventId: string }).eventId)
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({
      category: 'fire',
      gridId: building.gridId,
      deviceId: (await byCode('NEW-SMK-1')).id,
    });
  });

  it('refuses an oversized or unreadable file with a clear error', async () => {
    expect(
      await refusal(
        importDevices(g, tenant.id, { bytes: Buffer.alloc(21 * 1024 * 1024), contentType: 'text/csv' }),
      ),
    ).toMatchObject({
      code: 'payload_too_large',
    });
    expect(
      await refusal(
        importDevices(g, tenant.id, { bytes: Buffer.from('%PDF-1.7'), contentType: 'application/pdf' }),
      ),
    ).toMatchObject({
      code: 'unsupported_media_type',
    });
  });
});

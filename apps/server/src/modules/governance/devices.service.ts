import type { Device, DeviceImportResult, DeviceQuery, DeviceStats } from '@jiedao/contracts';
import {
  DEVICE_STATES,
  DEVICE_TYPE_ZH,
  DEVICE_TYPES,
  type DeviceState,
  type DeviceType,
} from '@jiedao/contracts/constants';
import { assertRole, type Actor } from '../../platform/auth/actor.js';
import { AppError } from '../../platform/errors.js';
import { buildWorkbook } from '../../platform/export/xlsx.js';
import { pageWindow } from '../../platform/http/paging.js';
import { newId } from '../../platform/ids.js';
import { placesRepository } from '../places/index.js';
import { COMMAND_ROLES, distanceM } from './cases.service.js';
import {
  BuildingMatcher,
  capErrors,
  MAX_BUILDING_DISTANCE_M,
  parseDeviceSheet,
  readSheet,
  type ImportRowError,
  type MatchableBuilding,
} from './device-import.js';
import * as repo from './devices.repository.js';
import type { Governance } from './governance.js';

/**
 * The device register (设备台账): smoke, gas and electrical-fire sensors, water and door sensors,
 * manholes, hydrants and cameras, each placed in a grid. The command center lists, exports and
 * counts them; administrators import the register from the vendors' spreadsheets.
 */

export const DEVICE_STATE_ZH: Record<DeviceState, string> = {
  online: '在线',
  offline: '离线',
  alarm: '告警',
  fault: '故障',
  disabled: '停用',
};

/** An export larger than this is refused with advice to filter, rather than built in memory. */
export const MAX_EXPORT_ROWS = 100_000;
/** Rows per write statement and between progress reports. */
const CHUNK = 500;

function toDevice(row: repo.DeviceRow): Device {
  return {
    id: row.id,
    code: row.code,
    type: row.type as DeviceType,
    name: row.name,
    buildingId: row.buildingId,
    buildingName: row.buildingName ?? null,
    gridId: row.gridId,
    gridName: row.gridName ?? null,
    communityId: row.communityId,
    communityName: row.communityName ?? null,
    location: { lng: row.lng, lat: row.lat },
    address: row.address,
    installedOn: row.installedOn,
    state: row.state as DeviceState,
    batteryLow: row.batteryLow,
    lastSeenAt: row.lastSeenAt ? row.lastSeenAt.toISOString() : null,
  };
}

/** Devices matching the filter, a page at a time (command center). */
export async function listDevices(
  g: Governance,
  actor: Actor,
  query: DeviceQuery,
): Promise<{ items: Device[]; total: number; page: number; pageSize: number }> {
  assertRole(actor, COMMAND_ROLES);
  const { page, pageSize, limit, offset } = pageWindow(query);
  const [rows, count] = await repo.listDevices(g.ctx.db, actor.tenantId, query, { limit, offset });
  return { items: rows.map(toDevice), total: Number(count.count), page, pageSize };
}

/**
 * Every device matching the filter as an Excel workbook with Chinese headers, times in the
 * subdistrict's zone. The columns are the import's, so an exported register can be edited and
 * imported again.
 */
export async function exportDevices(g: Governance, actor: Actor, query: DeviceQuery): Promise<Buffer> {
  assertRole(actor, COMMAND_ROLES);
  const db = g.ctx.db;
  const [count, tenant] = await Promise.all([
    repo.countDevices(db, actor.tenantId, query),
    placesRepository.findTenant(db, actor.tenantId),
  ]);
  const total = Number(count.count);
  if (total > MAX_EXPORT_ROWS)
    throw new AppError(
      'validation_failed',
      `${total} devices match; an export holds at most ${MAX_EXPORT_ROWS} — filter by community, grid or type`,
      { errors: [{ field: '/communityId', message: 'narrow the export with a filter' }] },
    );
  const [rows] = await repo.listDevices(db, actor.tenantId, query, { limit: Math.max(total, 1), offset: 0 });
  const devices = rows.map(toDevice);
  const localTime = new Intl.DateTimeFormat('sv-SE', {
    timeZone: tenant?.timeZone ?? 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return buildWorkbook<Device>(
    '设备台账',
    [
      { header: '设备编号', width: 18, value: (d) => d.code },
      { header: '类型', width: 14, value: (d) => DEVICE_TYPE_ZH[d.type] },
      { header: '名称', width: 30, value: (d) => d.name },
      { header: '社区', width: 14, value: (d) => d.communityName },
      { header: '网格', width: 18, value: (d) => d.gridName },
      { header: '楼栋', width: 16, value: (d) => d.buildingName },
      { header: '地址', width: 36, value: (d) => d.address },
      { header: '经度', width: 12, value: (d) => d.location.lng },
      { header: '纬度', width: 12, value: (d) => d.location.lat },
      { header: '安装日期', width: 12, value: (d) => d.installedOn },
      { header: '状态', width: 8, value: (d) => DEVICE_STATE_ZH[d.state] },
      { header: '电量低', width: 8, value: (d) => (d.batteryLow ? '是' : '') },
      {
        header: '最后上报',
        width: 18,
        value: (d) => (d.lastSeenAt ? localTime.format(new Date(d.lastSeenAt)) : ''),
      },
    ],
    devices,
  );
}

/** Counts by state (and low battery), in total and per type, every type listed: one grouped query. */
export async function deviceStats(g: Governance, actor: Actor): Promise<DeviceStats> {
  assertRole(actor, COMMAND_ROLES);
  const rows = await repo.countDevicesByTypeAndState(g.ctx.db, actor.tenantId);
  const blank = () => ({ total: 0, online: 0, offline: 0, alarm: 0, fault: 0, disabled: 0, batteryLow: 0 });
  const totals = blank();
  const byType = new Map(DEVICE_TYPES.map((type) => [type, blank()]));
  for (const row of rows) {
    const entry = byType.get(row.type as DeviceType);
    if (!entry) continue;
    const count = Number(row.count);
    const batteryLow = Number(row.batteryLow);
    for (const target of [entry, totals]) {
      target.total += count;
      target.batteryLow += batteryLow;
      if ((DEVICE_STATES as readonly string[]).includes(row.state)) target[row.state as DeviceState] += count;
    }
  }
  return { ...totals, byType: [...byType.entries()].map(([type, counts]) => ({ type, ...counts })) };
}

export type ImportProgress = (done: number, total: number, phase: 'checking' | 'writing') => void;

/**
 * Imports a device register (.xlsx or .csv, see device-import.ts for columns and encodings) into a
 * tenant; the caller has checked that the actor may (tenant administrators). Every row is checked
 * first — fields, duplicate codes, the building or the point and its grid — and a file with any
 * error imports nothing: the answer names each bad row and field. A good file is written in one
 * transaction: new codes are created, known codes updated (keeping their state). The intake's
 * device directory is refreshed afterwards, so the next message from a new device is recognised.
 */
export async function importDevices(
  g: Governance,
  tenantId: string,
  file: { bytes: Buffer; contentType: string },
  onProgress: ImportProgress = () => {},
): Promise<DeviceImportResult> {
  const db = g.ctx.db;
  const tenant = await placesRepository.findTenant(db, tenantId);
  if (!tenant) throw new Error(`Unknown tenant ${tenantId}`);
  const sheet = await readSheet(file);
  const parsed = parseDeviceSheet(sheet, localDate(tenant.timeZone));
  const total = parsed.rows;
  const errors: ImportRowError[] = [...parsed.errors];
  const matcher = new BuildingMatcher(await repo.listBuildingsForMatching(db, tenantId));

  const registrations: repo.DeviceRegistration[] = [];
  for (const [index, draft] of parsed.drafts.entries()) {
    if (index % CHUNK === 0) onProgress(index, parsed.drafts.length, 'checking');
    let home: MatchableBuilding | undefined;
    if (draft.building) {
      const match = matcher.match(draft.building);
      if ('error' in match) {
        errors.push({
          row: draft.row,
          field: 'building',
          message: match.error.en,
          messageZh: match.error.zh,
        });
        continue;
      }
      home = match.building;
    }
    const point = draft.point ?? (home ? { lng: home.lng, lat: home.lat } : undefined);
    if (!point) continue; // parseDeviceSheet guarantees a building or a point
    if (home && draft.point) {
      const away = distanceM(draft.point, home);
      if (away > MAX_BUILDING_DISTANCE_M) {
        errors.push({
          row: draft.row,
          field: 'lng',
          message: `the point is ${Math.round(away)} m from ${home.name}; check 经度/纬度 (or the building)`,
          messageZh: `该点距${home.name} ${Math.round(away)} 米，请核对经度、纬度（或楼栋）`,
        });
        continue;
      }
    }
    // The building decides the grid the device is dispatched by; a free-standing device its point.
    let gridId = home?.gridId ?? null;
    let communityId = home?.communityId ?? null;
    if (!gridId) {
      const grid = await g.locator.locate(tenantId, point.lng, point.lat);
      if (!grid) {
        errors.push({
          row: draft.row,
          field: 'lng',
          message: `the point (${point.lng}, ${point.lat}) is outside every grid of this subdistrict`,
          messageZh: `坐标 (${point.lng}, ${point.lat}) 不在本街道任何网格内`,
        });
        continue;
      }
      gridId = grid.id;
      communityId = grid.communityId;
    }
    registrations.push({
      id: newId(),
      code: draft.code,
      type: draft.type,
      name: draft.name ?? `${home?.name ?? draft.address ?? draft.code}${DEVICE_TYPE_ZH[draft.type]}`,
      buildingId: home?.id ?? null,
      gridId,
      communityId,
      lng: point.lng,
      lat: point.lat,
      address: draft.address ?? home?.address ?? null,
      installedOn: draft.installedOn ?? null,
      streamUrl: draft.streamUrl ?? null,
    });
  }
  onProgress(parsed.drafts.length, parsed.drafts.length, 'checking');
  if (errors.length > 0) return { ok: false, created: 0, updated: 0, rows: total, errors: capErrors(errors) };

  let updated = 0;
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < registrations.length; start += CHUNK) {
      const chunk = registrations.slice(start, start + CHUNK);
      updated += (
        await repo.findExistingCodes(
          trx,
          tenantId,
          chunk.map((row) => row.code),
        )
      ).length;
      await repo.upsertDevices(trx, tenantId, chunk);
      onProgress(Math.min(start + CHUNK, registrations.length), registrations.length, 'writing');
    }
  });
  g.directory.invalidateDevices(tenantId);
  return { ok: true, created: registrations.length - updated, updated, rows: total, errors: [] };
}

/** Today's date where the subdistrict is (an installation "today" must not count as the future). */
function localDate(timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
}

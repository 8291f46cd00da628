import type { CaseDetail, CaseMoveRequest, Role, TaskActionRequest } from '@jiedao/contracts';
import {
  categoryOf,
  type CameraAlarmType,
  type CategoryCode,
  type DeviceType,
  type UnitType,
} from '@jiedao/contracts/constants';
import { sql, type Transaction } from 'kysely';
import type { Actor } from '../platform/auth/actor.js';
import type { AppContext } from '../platform/context.js';
import type { Database } from '../platform/database/schema.js';
import { unnestInsert } from '../platform/database/unnest.js';
import { bbox, type AreaGeometry } from '../platform/geo/geojson.js';
import { createRng, type Rng } from '../platform/geo/synthetic.js';
import { newId } from '../platform/ids.js';
import { createAccountUnchecked } from '../modules/identity/index.js';
import { placesRepository, type GridLocator } from '../modules/places/index.js';
import {
  actOnTask,
  createGovernance,
  ensureDefaultSources,
  moveCase,
  runSweeps,
  type Governance,
  type IntakeSubmission,
} from '../modules/governance/index.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo-data.js';

/**
 * The command center's demo: dispatch units, the default sources, the subdistrict's 16,125 IoT
 * sensors and 1,318 cameras (MISSION.md B) in the demo buildings and streets, and a month of cases
 * that went through the real intake and the real case workflow, so the console, the big screen and
 * the resident's "my reports" have something true to show.
 *
 * Webhook secrets: `ensureDefaultSources` returns the secrets of the sources it creates; the demo
 * keeps none and prints none. A secret printed at start ends up in terminal scrollback, CI logs and
 * screen shares, and the demo does not need one (its history is submitted in-process). Whoever wants
 * to connect a real sender rotates that source's secret in the console, which shows it once.
 *
 * Everything is synthetic and deterministic (seeded random numbers), except the times, which are
 * relative to when the demo is loaded.
 */

export type GovernanceDemoProgress = (step: string, done: number, total: number) => void;

export interface GovernanceDemoResult {
  dispatchUnits: number;
  sources: number;
  /** IoT sensors (everything but cameras). */
  sensors: number;
  cameras: number;
  cases: number;
  byStage: Record<string, number>;
  escalated: number;
  /** Duty accounts of the dispatch units (the demo password), to act on their tasks in the console. */
  accounts: Array<{ role: Role; name: string; phone: string; password: string }>;
}

/** The demo departments and what the command center dispatches them as. */
export const DEMO_DISPATCH_UNITS: ReadonlyArray<{ organisation: string; unitType: UnitType }> = [
  { organisation: '古荡派出所', unitType: 'police' },
  { organisation: '古荡消防救援站', unitType: 'fire' },
  { organisation: '古荡城管中队', unitType: 'urban_management' },
  { organisation: '古荡街道人民调解委员会', unitType: 'mediation' },
  { organisation: '古荡市场监管所', unitType: 'market_supervision' },
  { organisation: '古荡街道社区服务中心', unitType: 'community' },
  { organisation: '绿城物业古荡服务中心', unitType: 'property' },
];

/**
 * One duty officer per unit that has no demo account of its own (城管 has 张伟), so that every
 * dispatched task can be accepted and completed by a person of that unit. Phones 139 0000 01xx.
 */
const DUTY_OFFICERS: ReadonlyArray<{ unitType: UnitType; name: string; phone: string }> = [
  { unitType: 'police', name: '吴建华', phone: '13900000101' },
  { unitType: 'fire', name: '郑浩', phone: '13900000102' },
  { unitType: 'mediation', name: '孙美华', phone: '13900000103' },
  { unitType: 'market_supervision', name: '钱立新', phone: '13900000104' },
  { unitType: 'community', name: '周敏', phone: '13900000105' },
  { unitType: 'property', name: '黄志刚', phone: '13900000106' },
];

export const DEMO_SENSOR_COUNTS: Readonly<Record<Exclude<DeviceType, 'camera'>, number>> = {
  smoke: 9_800,
  gas: 2_900,
  electrical_fire: 1_900,
  water: 620,
  door: 540,
  manhole: 215,
  hydrant: 150,
};
export const DEMO_CAMERA_COUNT = 1_318;
/**
 * Cases of the month of history, before repeats (4 % more). Every one goes through the real intake
 * and its course through the real case functions, about 5.7 moves a case at ~25 ms of CPU each on
 * PGlite (each move is a transaction of ~8 statements plus the ~8 reads that rebuild the case
 * detail it returns): 100 cases cost ~15 s, 300 would cost ~45 s — too long for a demo that loads
 * at every fresh `serve --demo`. Raise it once the case functions offer a lighter path.
 */
export const DEMO_CASE_COUNT = 100;

const CODE_PREFIX: Record<DeviceType, string> = {
  smoke: 'SMK',
  gas: 'GAS',
  electrical_fire: 'ELE',
  water: 'WAT',
  door: 'DOR',
  manhole: 'MHL',
  hydrant: 'HYD',
  camera: 'CAM',
};

/** Battery-powered types (NB-IoT sensors); cameras and electrical-fire monitors run on mains. */
const BATTERY_TYPES = new Set<DeviceType>(['smoke', 'gas', 'water', 'door', 'manhole', 'hydrant']);

const ROADS = [
  '文一路',
  '文二路',
  '文三路',
  '学院路',
  '古翠路',
  '益乐路',
  '华星路',
  '教工路',
  '天目山路',
  '古墩路',
  '莲花街',
  '竞舟路',
];

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const DAY_MS = 24 * HOUR_MS;
/** Beijing time has no daylight saving: local days are UTC days shifted by eight hours. */
const UTC_OFFSET_MS = 8 * HOUR_MS;
/** Residents' reports of the last minutes, still waiting to be accepted. */
const NEWEST = 4;
/** Second reports of a problem already reported at the same place. */
const REPEATS = 4;

interface DemoBuilding {
  id: string;
  name: string;
  address: string;
  gridId: string;
  communityId: string;
  communityName: string;
  lng: number;
  lat: number;
  floors: number;
}

interface DemoGrid {
  id: string;
  communityId: string;
  communityName: string;
  box: [number, number, number, number];
}

interface DeviceRow {
  id: string;
  code: string;
  type: DeviceType;
  name: string;
  buildingId: string | null;
  gridId: string;
  communityId: string;
  lng: number;
  lat: number;
  address: string;
  installedOn: string;
  state: string;
  batteryLow: boolean;
  lastSeenAt: Date;
  streamUrl: string | null;
}

/**
 * Loads the command-center demo into the (just created) demo tenant. Called by `seedDemo` after
 * places and identity. Measured on PGlite: ~3.5 s of CPU for the devices (generated, placed and
 * inserted), ~13 s for the case history (see DEMO_CASE_COUNT).
 */
export async function seedGovernanceDemo(
  ctx: AppContext,
  tenantId: string,
  locator: GridLocator,
  onProgress: GovernanceDemoProgress = () => {},
): Promise<GovernanceDemoResult> {
  const rng = createRng(20261129);
  const units = await createDispatchUnits(ctx, tenantId);
  await ensureDefaultSources(ctx.db, ctx.cipher, tenantId);
  const sources = await ctx.db
    .selectFrom('eventSource')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenantId', '=', tenantId)
    .executeTakeFirstOrThrow();
  onProgress('dispatch units', units.size, units.size);

  const { buildings, grids } = await loadPlaces(ctx, tenantId);
  const devices = await generateDevices(tenantId, buildings, grids, locator, rng, Date.now());
  await ctx.db.transaction().execute(async (trx) => {
    for (let start = 0; start < devices.length; start += DEVICE_CHUNK) {
      await insertDevices(trx, tenantId, devices.slice(start, start + DEVICE_CHUNK));
      onProgress('devices', Math.min(start + DEVICE_CHUNK, devices.length), devices.length);
    }
  });

  const accounts = await createDutyAccounts(ctx, tenantId, units);
  const g = createGovernance(ctx, locator);
  try {
    const history = await seedHistory(g, tenantId, { buildings, grids, devices, units, rng }, onProgress);
    return {
      dispatchUnits: units.size,
      sources: Number(sources.n),
      sensors: devices.filter((device) => device.type !== 'camera').length,
      cameras: devices.filter((device) => device.type === 'camera').length,
      cases: history.cases,
      byStage: history.byStage,
      escalated: history.escalated,
      accounts,
    };
  } finally {
    await g.intake.stop();
  }
}

const DEVICE_CHUNK = 2000;

/**
 * One array insert per chunk (see unnest.ts): measured on PGlite a quarter faster than a VALUES list
 * of 2,000 × 16 parameters, and one statement shape for every chunk.
 */
async function insertDevices(trx: Transaction<Database>, tenantId: string, rows: DeviceRow[]) {
  const col = <V>(pick: (row: DeviceRow) => V): V[] => rows.map(pick);
  await unnestInsert('device', [
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
    ['state', 'text', col((r) => r.state)],
    ['battery_low', 'boolean', col((r) => r.batteryLow)],
    ['last_seen_at', 'timestamptz', col((r) => r.lastSeenAt)],
  ]).execute(trx);
}

/** The demo departments as dispatch units; unit type → organisation id. */
async function createDispatchUnits(ctx: AppContext, tenantId: string): Promise<Map<UnitType, string>> {
  const organisations = await ctx.db
    .selectFrom('organisation')
    .select(['id', 'name'])
    .where('tenantId', '=', tenantId)
    .where(
      'name',
      'in',
      DEMO_DISPATCH_UNITS.map((unit) => unit.organisation),
    )
    .execute();
  const idByName = new Map(organisations.map((organisation) => [organisation.name, organisation.id]));
  const units = new Map<UnitType, string>();
  for (const unit of DEMO_DISPATCH_UNITS) {
    const organisationId = idByName.get(unit.organisation);
    if (!organisationId) throw new Error(`Demo organisation ${unit.organisation} is missing`);
    units.set(unit.unitType, organisationId);
  }
  await ctx.db
    .insertInto('dispatchUnit')
    .values([...units].map(([unitType, organisationId]) => ({ tenantId, organisationId, unitType })))
    .onConflict((conflict) => conflict.columns(['tenantId', 'organisationId']).doNothing())
    .execute();
  return units;
}

async function createDutyAccounts(
  ctx: AppContext,
  tenantId: string,
  units: Map<UnitType, string>,
): Promise<GovernanceDemoResult['accounts']> {
  // Password hashing dominates; the six accounts are independent.
  await Promise.all(
    DUTY_OFFICERS.map((officer) =>
      createAccountUnchecked(ctx, tenantId, {
        name: officer.name,
        phone: officer.phone,
        password: DEMO_PASSWORD,
        roles: [{ role: 'department_staff', organisationId: units.get(officer.unitType)! }],
      }),
    ),
  );
  return DUTY_OFFICERS.map((officer) => ({
    role: 'department_staff' as const,
    name: officer.name,
    phone: officer.phone,
    password: DEMO_PASSWORD,
  }));
}

async function loadPlaces(ctx: AppContext, tenantId: string) {
  const [gridRows, [buildingRows]] = await Promise.all([
    placesRepository.listGridsWithGeometry(ctx.db, tenantId),
    placesRepository.listBuildings(ctx.db, tenantId, {}, { limit: 100_000, offset: 0 }),
  ]);
  const grids: DemoGrid[] = gridRows.map((grid) => ({
    id: grid.id,
    communityId: grid.communityId,
    communityName: grid.communityName,
    box: bbox(grid.geometry as AreaGeometry),
  }));
  const communityName = new Map(grids.map((grid) => [grid.communityId, grid.communityName]));
  const buildings: DemoBuilding[] = buildingRows
    .filter((building) => building.gridId !== null)
    .map((building) => ({
      id: building.id,
      name: building.name,
      address: building.address,
      gridId: building.gridId!,
      communityId: building.communityId,
      communityName: communityName.get(building.communityId) ?? '',
      lng: building.lng,
      lat: building.lat,
      floors: building.floors ?? 6,
    }))
    // In the order of their number (古荡新村1幢, 2幢 …), so device codes run building by building.
    .sort((a, b) => Number(/(\d+)幢/.exec(a.name)?.[1] ?? 0) - Number(/(\d+)幢/.exec(b.name)?.[1] ?? 0));
  if (buildings.length === 0 || grids.length === 0)
    throw new Error('The governance demo needs buildings and grids');
  return { buildings, grids };
}

// ——— Devices ———

interface Slot {
  building?: DemoBuilding;
  /** Name after the building's (or the street's) own. */
  suffix: string;
  street?: { road: string; lng: number; lat: number; grid: DemoGrid };
}

const unitsOf = (building: DemoBuilding) => 2 + (building.floors % 3);
const roomOf = (floor: number, room: number) => `${floor}${String(room).padStart(2, '0')}室`;

/** Where devices of each type go in a building, in a stable order; more slots than devices. */
function buildingSlots(type: DeviceType, building: DemoBuilding): string[] {
  const slots: string[] = [];
  const unitCount = unitsOf(building);
  for (let unit = 1; unit <= unitCount; unit++) {
    for (let floor = 1; floor <= building.floors; floor++) {
      if (type === 'smoke')
        for (const room of [1, 2]) {
          slots.push(`${unit}单元${roomOf(floor, room)}烟感`);
          slots.push(`${unit}单元${roomOf(floor, room)}卧室烟感`);
        }
      if (type === 'gas') for (const room of [1, 2]) slots.push(`${unit}单元${roomOf(floor, room)}燃气`);
      if (type === 'electrical_fire') slots.push(`${unit}单元${floor}层电箱电气火灾`);
    }
    if (type === 'water') slots.push(`${unit}单元管道井水浸`);
    if (type === 'door') slots.push(`${unit}单元门磁`, `${unit}单元消防通道门磁`, `${unit}单元天台门磁`);
    if (type === 'camera') slots.push(`${unit}单元入口`, `${unit}单元电梯厅`);
  }
  if (type === 'water') slots.push('地下车库水浸', '水泵房水浸', '配电房水浸', '消防水池水浸');
  if (type === 'hydrant') slots.push('东侧消火栓', '西侧消火栓');
  if (type === 'camera') slots.push('地下车库出入口', '周界');
  return slots;
}

/**
 * Picks `count` of the candidates spread evenly over the list, one at random from each of `count`
 * equal stretches, keeping their order (so device codes run building by building).
 */
function pick<T>(candidates: T[], count: number, rng: Rng): T[] {
  if (candidates.length < count) throw new Error(`Only ${candidates.length} candidates for ${count} picks`);
  const stride = candidates.length / count;
  return Array.from({ length: count }, (_, index) => {
    const start = Math.floor(index * stride);
    const end = Math.floor((index + 1) * stride);
    return candidates[start + Math.floor(rng() * (end - start))]!;
  });
}

/** A point inside a random grid, for street furniture (manholes, street cameras). */
async function streetPoint(
  tenantId: string,
  grids: DemoGrid[],
  locator: GridLocator,
  rng: Rng,
): Promise<{ lng: number; lat: number; grid: DemoGrid }> {
  for (;;) {
    const grid = grids[Math.floor(rng() * grids.length)]!;
    const [minLng, minLat, maxLng, maxLat] = grid.box;
    const lng = round6(minLng + rng() * (maxLng - minLng));
    const lat = round6(minLat + rng() * (maxLat - minLat));
    const hit = await locator.locate(tenantId, lng, lat);
    if (hit?.id === grid.id) return { lng, lat, grid };
  }
}

const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

async function generateDevices(
  tenantId: string,
  buildings: DemoBuilding[],
  grids: DemoGrid[],
  locator: GridLocator,
  rng: Rng,
  now: number,
): Promise<DeviceRow[]> {
  const rows: DeviceRow[] = [];
  const plan: Array<[DeviceType, number]> = [
    ...Object.entries(DEMO_SENSOR_COUNTS),
    ['camera', DEMO_CAMERA_COUNT],
  ] as Array<[DeviceType, number]>;
  for (const [type, count] of plan) {
    let slots: Slot[];
    if (type === 'manhole') {
      slots = [];
      for (let n = 1; n <= count; n++) {
        const point = await streetPoint(tenantId, grids, locator, rng);
        const road = ROADS[Math.floor(rng() * ROADS.length)]!;
        slots.push({ suffix: `${road}${String(n).padStart(3, '0')}号智能井盖`, street: { road, ...point } });
      }
    } else {
      const inBuildings = buildings.flatMap((building) =>
        buildingSlots(type, building).map((suffix): Slot => ({ building, suffix })),
      );
      // Cameras: a little under half at buildings (entrances, lift halls, car parks), the rest on
      // the streets (crossings and poles).
      const atBuildings = type === 'camera' ? Math.round(count * 0.45) : count;
      slots = pick(inBuildings, atBuildings, rng);
      for (let n = 1; n <= count - atBuildings; n++) {
        const point = await streetPoint(tenantId, grids, locator, rng);
        const road = ROADS[Math.floor(rng() * ROADS.length)]!;
        const cross =
          ROADS[(ROADS.indexOf(road) + 1 + Math.floor(rng() * (ROADS.length - 1))) % ROADS.length]!;
        const suffix = rng() < 0.5 ? `${road}${cross}路口` : `${road}${String(n).padStart(3, '0')}号杆`;
        slots.push({ suffix, street: { road, ...point } });
      }
    }
    const digits = type === 'camera' ? 4 : 6;
    for (const [index, slot] of slots.entries()) {
      const place = await placeOf(tenantId, slot, locator, rng);
      const roll = rng();
      const offlineShare = type === 'camera' ? 0.03 : 0.024;
      const state =
        roll < offlineShare
          ? 'offline'
          : roll < offlineShare + 0.007
            ? 'fault'
            : roll < offlineShare + 0.0085
              ? 'disabled'
              : 'online';
      // Online devices reported within the last 20 hours (daily NB-IoT heartbeats, spread); offline
      // ones fell silent one to six days ago.
      const lastSeenAt = new Date(
        state === 'offline' ? now - DAY_MS - rng() * 5 * DAY_MS : now - rng() * 20 * HOUR_MS,
      );
      const installed = new Date(Date.UTC(2021, 2, 1) + Math.floor(rng() * 1_680) * DAY_MS);
      rows.push({
        id: newId(),
        code: `GD-${CODE_PREFIX[type]}-${String(index + 1).padStart(digits, '0')}`,
        type,
        name: place.name,
        buildingId: slot.building?.id ?? null,
        gridId: place.gridId,
        communityId: place.communityId,
        lng: place.lng,
        lat: place.lat,
        address: place.address,
        installedOn: installed.toISOString().slice(0, 10),
        state,
        batteryLow: BATTERY_TYPES.has(type) && state !== 'disabled' && rng() < 0.016,
        lastSeenAt,
        streamUrl:
          type === 'camera'
            ? `rtsp://10.20.${Math.floor(index / 250)}.${(index % 250) + 1}:554/Streaming/Channels/101`
            : null,
      });
    }
  }
  return rows;
}

/** A device's name, point and grid: a few metres from its building (inside the building's grid) or on the street. */
async function placeOf(tenantId: string, slot: Slot, locator: GridLocator, rng: Rng) {
  if (slot.street) {
    const { grid, road, lng, lat } = slot.street;
    return {
      name: slot.suffix,
      gridId: grid.id,
      communityId: grid.communityId,
      lng,
      lat,
      address: `杭州市西湖区古荡街道${road}（${grid.communityName}段）`,
    };
  }
  const building = slot.building!;
  let lng = building.lng;
  let lat = building.lat;
  const tryLng = round6(building.lng + (rng() - 0.5) * 0.0003);
  const tryLat = round6(building.lat + (rng() - 0.5) * 0.0003);
  if ((await locator.locate(tenantId, tryLng, tryLat))?.id === building.gridId) {
    lng = tryLng;
    lat = tryLat;
  }
  return {
    name: `${building.name}${slot.suffix}`,
    gridId: building.gridId,
    communityId: building.communityId,
    lng,
    lat,
    address: building.address,
  };
}

// ——— Case history ———

type Source = 'minhu' | 'hotline-12345' | 'police-110' | 'camera' | 'iot' | 'patrol' | 'district';

interface CaseText {
  issues: readonly string[];
  results: readonly string[];
}

/**
 * What residents report and what the units did about it, per category; where there are as many
 * results as issues, the result at an issue's index is what was done about that issue.
 */
const TEXT: Partial<Record<CategoryCode, CaseText>> = {
  noise: {
    issues: [
      '楼下商铺夜间音响声音过大，影响休息',
      '装修噪音从早上七点持续到晚上',
      '广场舞音响音量过大',
      '夜间施工噪音扰民',
    ],
    results: [
      '已上门劝导，商户承诺22点后关闭音响',
      '已约谈装修负责人，调整施工时间',
      '已协调广场舞队伍降低音量',
      '已核查施工许可并责令停止夜间施工',
    ],
  },
  sanitation: {
    issues: ['垃圾房满溢，周边有异味', '绿化带内堆放建筑垃圾', '小区道路污水外溢'],
    results: ['已安排保洁清运并消杀', '建筑垃圾已清运，告知业主规范处置', '已疏通污水管道并清洗路面'],
  },
  illegal_parking: {
    issues: ['机动车长期占用消防通道', '人行道上乱停车辆影响通行', '非机动车堆放在楼道口'],
    results: ['已联系车主挪车并张贴告知单', '已贴单处罚并设置隔离桩', '已清理楼道口车辆，引导停放至车棚'],
  },
  road_facility: {
    issues: ['路灯不亮，夜间行走不安全', '人行道地砖松动', '窨井盖破损有安全隐患', '路面坑洼积水'],
    results: ['已更换路灯灯具', '已重新铺设松动地砖', '已更换井盖并设置警示', '已修补路面'],
  },
  property_dispute: {
    issues: ['电梯故障物业迟迟不维修', '对物业费上涨有异议', '小区门禁长期损坏物业不处理'],
    results: [
      '经调解，物业承诺一周内完成电梯维修',
      '组织业主代表与物业协商，公示收费依据',
      '门禁已修复，物业出具整改说明',
    ],
  },
  elderly_help: {
    issues: [
      '独居老人家中多日无人应答，请求上门查看',
      '老人行动不便，需要助餐服务',
      '高龄老人需要上门代办证件',
    ],
    results: ['网格员已上门探视，老人身体状况良好', '已为老人登记老年食堂送餐服务', '已协助老人预约上门办理'],
  },
  public_service: {
    issues: ['咨询居家养老服务如何申请', '希望小区增设快递柜', '询问电动自行车充电桩安装事宜'],
    results: [
      '已电话回复并告知办理流程',
      '已与物业协商选址，计划下月安装',
      '已纳入充电设施建设计划并答复居民',
    ],
  },
  water_leak: {
    issues: ['楼上渗水导致天花板发霉', '小区路面自来水管爆管', '地下车库进水'],
    results: ['已协调楼上住户维修防水层', '水务抢修已完成管道修复', '已排水并疏通排水沟'],
  },
  neighbour_dispute: {
    issues: ['邻居在公共楼道堆放杂物引发纠纷', '楼上住户养狗吠叫扰民', '两户因漏水赔偿发生争执'],
    results: ['经调解双方达成一致，杂物已清理', '经调解，住户承诺加强看管', '调解成功，签订赔偿协议'],
  },
  street_vending: {
    issues: ['小区门口流动摊贩占道经营', '早市摊位占用人行道'],
    results: ['已劝离摊贩并引导至便民市场', '已规范摊位摆放，划定经营区域'],
  },
  safety_hazard: {
    issues: ['楼道内电动自行车充电，存在火灾隐患', '消防通道被杂物堵塞', '外墙瓷砖松动有坠落风险'],
    results: ['已清理楼道电动车并宣传安全充电', '已清理杂物，打通消防通道', '已设置警戒区，物业安排维修'],
  },
  consumer_complaint: {
    issues: ['健身房突然关门，预付卡无法退费', '餐馆食品卫生问题投诉', '商家拒绝七天无理由退货'],
    results: ['已约谈经营者，制定退费方案', '已现场检查并责令整改', '已调解，商家同意退货'],
  },
  labour_dispute: {
    issues: ['装修工人反映被拖欠工资', '餐饮店员工被拖欠两个月工资'],
    results: ['经调解，雇主已结清欠薪', '已引导申请劳动仲裁，部分欠薪已支付'],
  },
  illegal_construction: {
    issues: ['顶楼住户搭建阳光房', '一楼住户私自扩建院墙'],
    results: ['已下达整改通知，违建已自行拆除', '违建已依法拆除并恢复原状'],
  },
  public_order: {
    issues: ['小区内有人酒后滋事', '商铺门口发生口角冲突', '电动车电瓶被盗'],
    results: ['民警到场处置，当事人已带离调查', '民警到场调解，双方和解', '已受案侦查并加强巡逻'],
  },
  traffic_accident: {
    issues: ['两车追尾，无人员受伤', '电动自行车与轿车剐蹭'],
    results: ['交警已认定责任，双方保险公司理赔', '事故现场已清理，当事人协商解决'],
  },
  intrusion: {
    issues: ['周界入侵告警'],
    results: ['保安到场核查，为外卖员误入，已劝离', '到场核查未发现异常'],
  },
  crowd: { issues: ['人员聚集告警'], results: ['商家促销引起聚集，已疏导人流', '婚庆车队停靠，已协助疏导'] },
  fire: {
    issues: ['烟感报警'],
    results: [
      '现场核查为厨房油烟误报，已复位设备',
      '住户炖锅干烧，已处置，无人员伤亡',
      '装修粉尘触发，已复位',
    ],
  },
  gas_leak: {
    issues: ['燃气浓度超限'],
    results: ['燃气公司检测为软管老化漏气，已更换', '经检测为误报，设备已校准'],
  },
  electrical_hazard: {
    issues: ['电气火灾监控告警'],
    results: ['线路过载，已更换空开并整理线路', '剩余电流超限，已排查漏电点并修复'],
  },
  key_task: {
    issues: [
      '开展燃气安全专项排查',
      '老旧小区加装电梯意见征询',
      '防汛防台隐患排查',
      '电动自行车违规充电整治',
      '垃圾分类督导检查',
    ],
    results: ['已按要求完成排查并上报台账', '已完成入户征询并汇总意见'],
  },
};

/** Sources with their share of cases (per hundred) and the weights of their categories. */
const SOURCE_MIX: ReadonlyArray<[Source, number, ReadonlyArray<[CategoryCode, number]>]> = [
  [
    'minhu',
    32,
    [
      ['noise', 14],
      ['sanitation', 14],
      ['illegal_parking', 12],
      ['road_facility', 10],
      ['public_service', 10],
      ['property_dispute', 8],
      ['elderly_help', 8],
      ['water_leak', 6],
      ['neighbour_dispute', 6],
      ['street_vending', 6],
      ['safety_hazard', 6],
    ],
  ],
  [
    'hotline-12345',
    22,
    [
      ['noise', 10],
      ['consumer_complaint', 10],
      ['property_dispute', 8],
      ['labour_dispute', 6],
      ['illegal_construction', 6],
      ['sanitation', 8],
      ['public_service', 10],
      ['road_facility', 8],
    ],
  ],
  [
    'police-110',
    10,
    [
      ['public_order', 14],
      ['traffic_accident', 8],
      ['neighbour_dispute', 8],
    ],
  ],
  [
    'camera',
    15,
    [
      ['illegal_parking', 20],
      ['intrusion', 12],
      ['crowd', 8],
      ['fire', 5],
    ],
  ],
  [
    'iot',
    9,
    [
      ['fire', 12],
      ['electrical_hazard', 6],
      ['gas_leak', 5],
      ['water_leak', 4],
    ],
  ],
  [
    'patrol',
    8,
    [
      ['safety_hazard', 8],
      ['sanitation', 6],
      ['street_vending', 4],
      ['illegal_construction', 3],
      ['road_facility', 3],
    ],
  ],
  ['district', 4, [['key_task', 1]]],
];

const CAMERA_TYPE: Partial<Record<CategoryCode, CameraAlarmType>> = {
  illegal_parking: 'illegal_parking',
  intrusion: 'intrusion',
  crowd: 'crowd',
  fire: 'smoke_fire',
};
const SENSOR_TYPE: Partial<Record<CategoryCode, DeviceType>> = {
  fire: 'smoke',
  electrical_hazard: 'electrical_fire',
  gas_leak: 'gas',
  water_leak: 'water',
};

/** What a unit dispatched alongside the lead unit reports (联合处置). */
const SUPPORTING_RESULT: Record<UnitType, string> = {
  police: '民警已到场维护现场秩序',
  fire: '消防救援站已到场确认无安全隐患',
  urban_management: '城管中队已到场配合处置',
  community: '社区工作人员已到场协助，做好居民解释工作',
  property: '物业已到场配合处置并做好后续跟进',
  mediation: '调解员已参与现场调解',
  market_supervision: '市场监管所已配合核查',
  emergency: '应急管理已到场配合处置',
};

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈';
const GIVEN = [
  '秀英',
  '桂英',
  '建国',
  '志强',
  '丽华',
  '国平',
  '玉兰',
  '明',
  '伟',
  '芳',
  '静',
  '磊',
  '婷',
  '杰',
  '娟',
  '涛',
  '军',
  '敏',
  '霞',
  '海燕',
];
const REMARKS: Record<number, readonly string[]> = {
  5: ['处理很及时，非常满意', '感谢网格员和社区工作人员', '效率很高，点赞'],
  4: ['问题已解决，谢谢', '基本满意'],
  3: ['解决了，但时间有点长'],
  2: ['处理太慢，反映了好几次'],
  1: ['问题没有根本解决'],
};

interface PlannedCase {
  source: Source;
  category: CategoryCode;
  receivedAt: Date;
  building: DemoBuilding;
  deviceCode?: string;
  /** Reported by the demo resident (王秀英), who then rates it herself. */
  byResident: boolean;
  /** Index of the earlier case this one repeats (same place, same problem, shortly after). */
  duplicateOf?: number;
  script: 'normal' | 'wrong_unit' | 'verify_return' | 'suspend' | 'stuck' | 'undispatched';
  /** Which of the category's issues was reported (its result is the one at the same index). */
  variant: number;
}

type Step =
  | { at: number; kind: 'move'; actor: Actor; body: CaseMoveRequest }
  | { at: number; kind: 'task'; actor: Actor; unit: string; body: TaskActionRequest };

async function seedHistory(
  g: Governance,
  tenantId: string,
  places: {
    buildings: DemoBuilding[];
    grids: DemoGrid[];
    devices: DeviceRow[];
    units: Map<UnitType, string>;
    rng: Rng;
  },
  onProgress: GovernanceDemoProgress,
): Promise<{ cases: number; byStage: Record<string, number>; escalated: number }> {
  const { ctx } = g;
  const { buildings, devices, units, rng } = places;
  const now = Date.now();
  const seedStart = new Date(now);
  const tenant = (await placesRepository.findTenant(ctx.db, tenantId))!;
  const actors = await demoActors(g, tenantId);
  const source = async (code: Source) => {
    const found = await g.directory.source(tenantId, code);
    if (!found) throw new Error(`Demo source ${code} is missing`);
    return found;
  };

  // When: a tenth today (the newest few minutes ago, so the intake queue is not empty), two fifths
  // in the past week, the rest over the month; reports by day, alarms at any hour.
  const localMidnight = Math.floor((now + UTC_OFFSET_MS) / DAY_MS) * DAY_MS - UTC_OFFSET_MS;
  const todayStart = Math.max(localMidnight, now - 14 * HOUR_MS);
  const times: number[] = [];
  for (let n = 0; n < DEMO_CASE_COUNT; n++) {
    if (n < NEWEST) times.push(now - (2 + rng() * 6) * MINUTE_MS);
    else if (n < DEMO_CASE_COUNT * 0.1)
      times.push(todayStart + rng() * Math.max(0, now - 30 * MINUTE_MS - todayStart));
    else {
      const day = n < DEMO_CASE_COUNT * 0.5 ? 1 + Math.floor(rng() * 6) : 7 + Math.floor(rng() * 23);
      const hour = 7 + rng() * 15; // 07:00–22:00 local; alarms are shifted below
      times.push(localMidnight - day * DAY_MS + hour * HOUR_MS);
    }
  }
  const sources: Source[] = SOURCE_MIX.flatMap(([code, share]) =>
    Array<Source>(Math.round((share * DEMO_CASE_COUNT) / 100)).fill(code),
  ).slice(0, DEMO_CASE_COUNT);
  shuffle(sources, rng);
  // The newest few are residents' reports still waiting to be accepted (the intake queue).
  for (let n = 0; n < NEWEST; n++) {
    const other = sources.indexOf('minhu', NEWEST);
    if (sources[n] !== 'minhu' && other >= 0) [sources[n], sources[other]] = [sources[other]!, sources[n]!];
  }

  const usedDevices = new Set<string>();
  const onlineOf = (type: DeviceType) =>
    devices.filter(
      (device) => device.type === type && device.state === 'online' && !usedDevices.has(device.code),
    );
  const communities = [...new Set(buildings.map((building) => building.communityId))];
  const residentBuildings = buildings.filter(
    (building) => building.communityId === actors.resident.communityId,
  );
  const patrolBuildings = buildings.filter(
    (building) => building.communityId === actors.gridWorker.communityId,
  );

  const planned: PlannedCase[] = [];
  for (const [index, code] of sources.entries()) {
    const categories = SOURCE_MIX.find(([name]) => name === code)![2];
    const category = weighted(categories, rng);
    let receivedAt = times[index]!;
    if (code === 'camera' || code === 'iot') receivedAt -= Math.floor(rng() * 6) * HOUR_MS; // nights too
    const byResident = code === 'minhu' && planned.filter((c) => c.byResident).length < 6 && rng() < 0.25;
    // Reports come from every community in turn; the grid worker patrols his own.
    const community = communities[index % communities.length]!;
    let building = choose(
      byResident
        ? residentBuildings
        : code === 'patrol'
          ? patrolBuildings
          : buildings.filter((candidate) => candidate.communityId === community),
      rng,
    );
    let deviceCode: string | undefined;
    if (code === 'camera' || code === 'iot') {
      const type = code === 'camera' ? 'camera' : SENSOR_TYPE[category]!;
      const candidates = onlineOf(type).filter((device) => device.buildingId !== null);
      const device = candidates[Math.floor(rng() * candidates.length)]!;
      usedDevices.add(device.code);
      deviceCode = device.code;
      building = buildings.find((candidate) => candidate.id === device.buildingId)!;
    }
    planned.push({
      source: code,
      category,
      receivedAt: new Date(Math.min(receivedAt, now - 2 * MINUTE_MS)),
      building,
      deviceCode,
      byResident,
      script: 'normal',
      variant: 0,
    });
  }
  planned.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());

  // Special courses: a few older cases went to the wrong unit first, failed the check on site, were
  // suspended, or are still waiting for a unit past their deadline; a few of today's wait in triage
  // while the dispatcher finds whose matter it is. The cases are picked among residents' and
  // callers' reports of the right age; one not of a fitting kind becomes one (none is submitted yet).
  const age = (item: PlannedCase) => (now - item.receivedAt.getTime()) / DAY_MS;
  const reported = (item: PlannedCase) =>
    item.duplicateOf === undefined && ['minhu', 'hotline-12345'].includes(item.source);
  const assign = (
    script: PlannedCase['script'],
    count: number,
    fits: (item: PlannedCase) => boolean,
    categories: readonly CategoryCode[],
    from: (item: PlannedCase) => boolean = reported,
  ) => {
    const candidates = planned.filter((item) => item.script === 'normal' && from(item) && fits(item));
    // Those already of a fitting kind first.
    candidates.sort(
      (a, b) => Number(categories.includes(b.category)) - Number(categories.includes(a.category)),
    );
    for (const item of candidates.slice(0, count)) {
      item.script = script;
      if (!categories.includes(item.category)) item.category = choose(categories, rng);
    }
  };
  assign('wrong_unit', 2, (item) => age(item) > 5, [
    'property_dispute',
    'neighbour_dispute',
    'consumer_complaint',
  ]);
  assign('verify_return', 2, (item) => age(item) > 8, ['sanitation', 'road_facility', 'illegal_parking']);
  assign('suspend', 1, (item) => age(item) > 4, ['labour_dispute', 'illegal_construction']);
  assign('stuck', 3, (item) => age(item) > 2 && age(item) < 6, [
    'noise',
    'public_service',
    'sanitation',
    'road_facility',
  ]);
  assign(
    'undispatched',
    2,
    (item) => age(item) < 0.5 && age(item) * DAY_MS > 30 * MINUTE_MS,
    ['public_service', 'property_dispute', 'elderly_help'],
    (item) => item.duplicateOf === undefined && ['minhu', 'hotline-12345', 'patrol'].includes(item.source),
  );

  // Repeats: a second resident reporting the same problem at the same place within the hour.
  const repeatable = planned
    .map((item, index) => ({ item, index }))
    .filter(
      ({ item }) =>
        ['minhu', 'hotline-12345'].includes(item.source) && categoryOf(item.category)!.duplicateRadiusM > 0,
    );
  const originals = repeatable.slice(0, -5);
  for (const { item, index } of pick(originals, Math.min(REPEATS, originals.length), rng)) {
    planned.push({
      ...item,
      source: 'minhu',
      byResident: false,
      duplicateOf: index,
      script: 'normal',
      receivedAt: new Date(
        Math.min(item.receivedAt.getTime() + (20 + rng() * 70) * MINUTE_MS, now - MINUTE_MS),
      ),
    });
  }
  const submissions: IntakeSubmission[] = [];
  for (const [index, item] of planned.entries()) {
    // A repeat reports what the first report said.
    item.variant =
      item.duplicateOf !== undefined
        ? planned[item.duplicateOf]!.variant
        : Math.floor(rng() * TEXT[item.category]!.issues.length);
    submissions.push(submissionFor(item, index, tenant.code, await source(item.source), actors, rng));
  }

  // Through the real intake, in one batch: events, incidents, cases with their deadlines.
  const outcomes = await g.intake.submit(submissions);
  const caseIds = outcomes.map((outcome, index) => {
    if (outcome.status !== 'accepted' || !outcome.caseId)
      throw new Error(`Demo case ${index} was not opened: ${JSON.stringify(outcome)}`);
    return outcome.caseId;
  });
  onProgress('cases', 0, planned.length);

  const rows = await ctx.db
    .selectFrom('govCase')
    .select(['id', 'stage', 'createdAt', 'responseDueAt', 'resolveDueAt', 'category'])
    .where('tenantId', '=', tenantId)
    .where('id', 'in', caseIds)
    .execute();
  const rowById = new Map(rows.map((row) => [row.id, row]));

  // Move each case along its course as far as "now" allows, as the people concerned would. Cases
  // are independent: on PostgreSQL several move at once (PGlite runs one statement at a time anyway).
  // Repeats go last, once the cases they repeat have settled.
  const courses = planned.map((item, index) => {
    const row = rowById.get(caseIds[index]!)!;
    return { item, row, steps: courseOf(item, row, caseIds, actors, units, rng) };
  });
  const clock: Stamp[] = [];
  const runCourse = async ({ row, steps }: (typeof courses)[number]) => {
    let last = 0;
    let detail: CaseDetail | undefined;
    for (const step of steps) {
      if (step.at > now - MINUTE_MS) break;
      // Each move stamps its records with the clock; distinct milliseconds per case keep them apart.
      while (Date.now() <= last) await new Promise((resolve) => setImmediate(resolve));
      if (step.kind === 'move') detail = await moveCase(g, step.actor, row.id, step.body);
      else {
        const wanted = step.body.action === 'complete' ? 'accepted' : 'pending';
        const task = detail?.tasks.find(
          (candidate) =>
            (candidate.organisationId === step.unit || candidate.assigneeAccountId === step.unit) &&
            candidate.state === wanted,
        );
        if (!task) break;
        detail = await actOnTask(g, step.actor, row.id, task.id, step.body);
      }
      last = Math.max(...detail.timeline.map((entry) => Date.parse(entry.at)));
      const stamp = { stamp: new Date(last), planned: new Date(step.at) };
      clock.push({ caseId: row.id, ...stamp });
      // Merging a repeat notes it on the surviving case too, with the same stamp.
      if (step.kind === 'move' && step.body.duplicateOf)
        clock.push({ caseId: step.body.duplicateOf, ...stamp });
    }
  };
  let done = 0;
  const report = () => {
    if (++done % 25 === 0) onProgress('cases', done, courses.length);
  };
  await inParallel(
    courses.filter(({ item }) => item.duplicateOf === undefined),
    ctx.databaseKind === 'postgres' ? 8 : 1,
    async (course) => {
      await runCourse(course);
      report();
    },
  );
  for (const course of courses.filter(({ item }) => item.duplicateOf !== undefined)) {
    await runCourse(course);
    report();
  }
  onProgress('cases', courses.length, courses.length);

  await backdate(g, tenantId, clock, seedStart);

  // Sensors and cameras whose alarm was dealt with report back to normal.
  const recovered = planned
    .map((item, index) => ({ item, row: rowById.get(caseIds[index]!)! }))
    .filter(({ item }) => item.deviceCode);
  const closed = await ctx.db
    .selectFrom('govCase')
    .select(['id', 'closedAt'])
    .where('tenantId', '=', tenantId)
    .where(
      'id',
      'in',
      recovered.map(({ row }) => row.id),
    )
    .where('closedAt', 'is not', null)
    .execute();
  const closedAt = new Map(closed.map((row) => [row.id, row.closedAt!]));
  const iot = await source('iot');
  await g.intake.submit(
    recovered
      .filter(({ row }) => closedAt.has(row.id))
      .map(({ item, row }) => {
        const at = new Date(closedAt.get(row.id)!.getTime() + 3 * MINUTE_MS);
        const payload = { msgId: `demo-recovered-${row.id}`, ts: at.toISOString() };
        return {
          tenantId,
          source: iot,
          topic: `jiedao/${tenant.code}/devices/${item.deviceCode}/recovered`,
          payload,
          rawText: JSON.stringify(payload),
          receivedAt: at,
        };
      }),
  );

  // The sweeps escalate what is overdue (督办) and close what nobody rated within a week, as the
  // server does every minute; their records are then dated when the server would have made them.
  // (A sweep covers every tenant: on the fresh demo database that is this one; anywhere else it does
  // what the server's next sweep would do anyway.)
  const sweepStart = new Date();
  const swept = await runSweeps(g, { now: sweepStart });
  await backdateSweeps(g, tenantId, sweepStart);

  const stages = await ctx.db
    .selectFrom('govCase')
    .select(['stage', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenantId', '=', tenantId)
    .groupBy('stage')
    .execute();
  return {
    cases: planned.length,
    byStage: Object.fromEntries(stages.map((row) => [row.stage, Number(row.n)])),
    escalated: swept.escalated,
  };
}

/** Runs `work` on every item, at most `limit` at a time. */
async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

interface DemoActors {
  dispatcher: Actor;
  resident: Actor & { name: string; communityId: string };
  gridWorker: Actor & { name: string; communityId: string };
  /** Department staff by unit type (城管 is the demo's 张伟; the others are the duty officers). */
  staff: Map<UnitType, Actor>;
}

async function demoActors(g: Governance, tenantId: string): Promise<DemoActors> {
  const { ctx } = g;
  const load = async (phone: string) => {
    const account = await ctx.db
      .selectFrom('account as a')
      .innerJoin('person as p', (join) =>
        join.onRef('p.tenantId', '=', 'a.tenantId').onRef('p.id', '=', 'a.personId'),
      )
      .select(['a.id', 'a.personId', 'p.name'])
      .where('a.tenantId', '=', tenantId)
      .where('a.phoneHash', '=', ctx.cipher.blindIndex('phone', phone))
      .executeTakeFirstOrThrow();
    const roles = await ctx.db
      .selectFrom('roleAssignment')
      .select(['role', 'communityId', 'organisationId'])
      .where('tenantId', '=', tenantId)
      .where('accountId', '=', account.id)
      .execute();
    return {
      tenantId,
      accountId: account.id,
      personId: account.personId,
      sessionId: '',
      roles: roles.map((role) => ({ ...role, role: role.role as Role })),
      name: account.name,
      communityId: roles.find((role) => role.communityId)?.communityId ?? '',
    };
  };
  const phoneOf = (role: Role) => DEMO_ACCOUNTS.find((account) => account.role === role)!.phone;
  const staff = new Map<UnitType, Actor>();
  staff.set('urban_management', await load(phoneOf('department_staff')));
  for (const officer of DUTY_OFFICERS) staff.set(officer.unitType, await load(officer.phone));
  return {
    dispatcher: await load(phoneOf('dispatcher')),
    resident: await load(phoneOf('resident')),
    gridWorker: await load(phoneOf('grid_worker')),
    staff,
  };
}

function weighted<T>(options: ReadonlyArray<readonly [T, number]>, rng: Rng): T {
  const total = options.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = rng() * total;
  for (const [value, weight] of options) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return options[options.length - 1]![0];
}

function shuffle<T>(items: T[], rng: Rng): void {
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(rng() * (index + 1));
    [items[index], items[other]] = [items[other]!, items[index]!];
  }
}

const choose = <T>(items: readonly T[], rng: Rng): T => items[Math.floor(rng() * items.length)]!;

function personName(rng: Rng): string {
  return `${SURNAMES[Math.floor(rng() * SURNAMES.length)]}${choose(GIVEN, rng)}`;
}

function phoneNumber(rng: Rng): string {
  return `1390000${String(1000 + Math.floor(rng() * 8999)).padStart(4, '0')}`;
}

/** The payload each source would really send, in its own shape (see mappings.ts). */
function submissionFor(
  item: PlannedCase,
  index: number,
  tenantCode: string,
  source: NonNullable<Awaited<ReturnType<Governance['directory']['source']>>>,
  actors: DemoActors,
  rng: Rng,
): IntakeSubmission {
  const { building, category } = item;
  const definition = categoryOf(category)!;
  const text = TEXT[category]!;
  const issue = text.issues[item.variant]!;
  const at = item.receivedAt.toISOString();
  const day = new Date(item.receivedAt.getTime() + UTC_OFFSET_MS)
    .toISOString()
    .slice(0, 10)
    .replaceAll('-', '');
  const serial = String(index + 1).padStart(4, '0');
  const spot = choose(['楼下', '东侧', '单元门口', '附近', '西侧道路'], rng);
  const point = {
    lng: round6(building.lng + (rng() - 0.5) * 0.0004),
    lat: round6(building.lat + (rng() - 0.5) * 0.0004),
  };
  let payload: Record<string, unknown>;
  let topic: string | undefined;
  let reporterPersonId: string | undefined;
  let actor: IntakeSubmission['actor'];
  switch (item.source) {
    case 'minhu':
      payload = {
        id: `MH${day}${serial}`,
        category: definition.zh,
        description: `${building.name}${spot}：${issue}`,
        ...(rng() < 0.6 ? { location: point } : {}),
        address: `${building.address}${spot}`,
        reporter: item.byResident
          ? { name: actors.resident.name, phone: DEMO_ACCOUNTS[0]!.phone }
          : { name: personName(rng), phone: phoneNumber(rng) },
      };
      if (item.byResident) reporterPersonId = actors.resident.personId;
      break;
    case 'hotline-12345':
      payload = {
        ticketNo: `GD12345${day}${serial}`,
        category: definition.zh,
        title: issue.slice(0, 20),
        content: `来电反映：${building.address}${spot}${issue}，请尽快处理。`,
        address: `${building.address}${spot}`,
        acceptTime: at,
        callerName: personName(rng),
        callerPhone: phoneNumber(rng),
        deadline: new Date(item.receivedAt.getTime() + 5 * DAY_MS).toISOString(),
      };
      break;
    case 'police-110':
      payload = {
        alarmNo: `JJ${day}${serial}`,
        type: category === 'traffic_accident' ? 'traffic_accident' : definition.zh,
        time: at,
        address: `${building.address}${spot}`,
        summary: issue,
        officer: '吴建华',
        ...(category === 'traffic_accident'
          ? {
              accident: {
                recordNo: `SG${day}${serial}`,
                injuries: 0,
                parties: [
                  {
                    name: personName(rng),
                    phone: phoneNumber(rng),
                    plate: `浙A${serial}${choose(['D', 'F', 'K'], rng)}`,
                    vehicle: '小型轿车',
                    insurer: '人保财险',
                    liability: 'full',
                  },
                  {
                    name: personName(rng),
                    phone: phoneNumber(rng),
                    plate: `浙A${String(9999 - index).padStart(4, '0')}Q`,
                    vehicle: '小型轿车',
                    insurer: '平安产险',
                    liability: 'none',
                  },
                ],
              },
            }
          : {}),
      };
      break;
    case 'camera':
      payload = {
        alarmId: `CAM${day}${serial}`,
        cameraCode: item.deviceCode,
        alarmType: CAMERA_TYPE[category],
        time: at,
        confidence: Math.round((0.82 + rng() * 0.17) * 100) / 100,
      };
      break;
    case 'iot':
      topic = `jiedao/${tenantCode}/devices/${item.deviceCode}/alarm`;
      payload = { msgId: `IOT${day}${serial}`, ts: at, value: Math.round(rng() * 100) };
      break;
    case 'patrol':
      payload = {
        id: `XC${day}${serial}`,
        category: definition.zh,
        description: `巡查发现：${building.name}${spot}${issue}`,
        location: point,
        address: `${building.address}${spot}`,
        gridWorker: actors.gridWorker.name,
      };
      actor = { accountId: actors.gridWorker.accountId, name: actors.gridWorker.name, role: 'grid_worker' };
      break;
    case 'district':
      payload = {
        taskId: `QZL${day}${serial}`,
        taskType: '重点工作',
        title: `${building.communityName}${issue}`,
        content: `请${building.communityName}按区里统一部署${issue}，按期反馈。`,
        address: building.address,
        issuedAt: at,
        deadline: new Date(item.receivedAt.getTime() + 10 * DAY_MS).toISOString(),
      };
      break;
  }
  return {
    tenantId: source.tenantId,
    source,
    topic,
    payload,
    rawText: JSON.stringify(payload),
    contentType: 'application/json',
    receivedAt: item.receivedAt,
    reporterPersonId,
    actor,
  };
}

/**
 * The course of one case as dated steps: accepted, dispatched, taken up and handled by the units,
 * checked, closed and rated — in the times the service levels allow (mostly within them, some late).
 * Steps later than "now" are not taken: where a case stands today follows from its age.
 */
function courseOf(
  item: PlannedCase,
  row: {
    id: string;
    stage: string;
    createdAt: Date;
    responseDueAt: Date | null;
    resolveDueAt: Date | null;
    category: string;
  },
  caseIds: string[],
  actors: DemoActors,
  units: Map<UnitType, string>,
  rng: Rng,
): Step[] {
  const { dispatcher } = actors;
  const steps: Step[] = [];
  const created = row.createdAt.getTime();
  const responseSpan = Math.max(5 * MINUTE_MS, (row.responseDueAt?.getTime() ?? created + HOUR_MS) - created);
  const resolveSpan = Math.max(30 * MINUTE_MS, (row.resolveDueAt?.getTime() ?? created + DAY_MS) - created);
  const definition = categoryOf(row.category)!;
  const urgent = definition.severity === 'critical' || definition.severity === 'high';
  const minutes = (low: number, high: number) => (low + rng() * (high - low)) * MINUTE_MS;
  let t = created;
  const move = (body: CaseMoveRequest, actor: Actor = dispatcher) =>
    steps.push({ at: t, kind: 'move', actor, body });

  if (row.stage === 'intake') {
    t += urgent ? minutes(1, 4) : minutes(10, 40);
    if (item.duplicateOf !== undefined) {
      move({
        move: 'mark_duplicate',
        duplicateOf: caseIds[item.duplicateOf]!,
        note: '同一地点同一问题的重复反映',
      });
      return steps;
    }
    move({ move: 'accept' });
  }

  // Who handles it: the category's units in order; community matters in the grid worker's own
  // community go to him (全科网格); fires, gas, crowds and disputes go to two units at once.
  type Target = {
    key: string;
    actor: Actor;
    target: { organisationId?: string; assigneeAccountId?: string };
    unitType?: UnitType;
  };
  const unitTarget = (type: UnitType): Target | undefined => {
    const organisationId = units.get(type);
    return organisationId
      ? { key: organisationId, actor: actors.staff.get(type)!, target: { organisationId }, unitType: type }
      : undefined;
  };
  const available = definition.units.map(unitTarget).filter((target): target is Target => !!target);
  let targets: Target[] = available.slice(
    0,
    ['fire', 'gas_leak', 'crowd', 'neighbour_dispute'].includes(row.category) ? 2 : 1,
  );
  if (definition.units[0] === 'community' && item.building.communityId === actors.gridWorker.communityId)
    targets = [
      {
        key: actors.gridWorker.accountId,
        actor: actors.gridWorker,
        target: { assigneeAccountId: actors.gridWorker.accountId },
      },
    ];
  const instructions = urgent ? '请立即到场处置并反馈' : '请核实处置，按时反馈';
  const dispatch = (to: Target[]) =>
    move({
      move: 'dispatch',
      targets: to.map((target) => ({ ...target.target, instructions })),
      note: to.length > 1 ? '联合派遣' : undefined,
    });

  // Urgent cases go out at once; most others within the hour, some wait in triage for hours while
  // the dispatcher checks whose matter it is.
  t += urgent ? minutes(1, 3) : rng() < 0.15 ? minutes(120, 480) : minutes(5, 40);
  if (item.script === 'undispatched') return steps;
  if (item.script === 'wrong_unit') {
    const wrong = unitTarget('urban_management')!;
    dispatch([wrong]);
    t += minutes(30, 180);
    steps.push({
      at: t,
      kind: 'task',
      actor: wrong.actor,
      unit: wrong.key,
      body: { action: 'return', note: '不属于城管职责范围，建议改派' },
    });
    t += minutes(5, 30);
  }
  dispatch(targets);
  if (item.script === 'stuck') return steps;

  const late = rng() < 0.08;
  const acceptAt = Math.max(t + MINUTE_MS, created + responseSpan * (late ? 1.1 + rng() : 0.1 + rng() * 0.5));
  for (const target of targets) {
    t = Math.max(t, acceptAt) + minutes(0, 5);
    steps.push({ at: t, kind: 'task', actor: target.actor, unit: target.key, body: { action: 'accept' } });
  }
  if (item.script === 'suspend') {
    t += minutes(24 * 60, 48 * 60);
    move({
      move: 'suspend',
      note:
        row.category === 'labour_dispute'
          ? '当事人已申请劳动仲裁，待仲裁结果后继续办理'
          : '当事人申请行政复议，待复议结果后继续办理',
    });
    return steps;
  }
  // Closed within the service level mostly, one in ten late; the work, the check on site and the
  // closing spread over the time until then.
  const closeAt = Math.max(
    t + 40 * MINUTE_MS,
    created + resolveSpan * (rng() < 0.1 ? 1.05 + rng() * 0.5 : 0.5 + rng() * 0.45),
  );
  const text = TEXT[row.category as CategoryCode]!;
  // The lead unit reports what was found and done; a unit dispatched with it reports its part.
  const result =
    text.results.length === text.issues.length ? text.results[item.variant]! : choose(text.results, rng);
  const complete = (at: number) => {
    for (const [index, target] of targets.entries()) {
      t = Math.max(t, at) + minutes(0, 5);
      const part = index === 0 || !target.unitType ? result : SUPPORTING_RESULT[target.unitType];
      steps.push({
        at: t,
        kind: 'task',
        actor: target.actor,
        unit: target.key,
        body: { action: 'complete', result: part },
      });
    }
  };
  complete(t + (closeAt - t) * (0.3 + rng() * 0.3));
  t += (closeAt - t) * (0.4 + rng() * 0.4);
  move({ move: 'verify', note: '已电话回访/现场核查' });
  if (item.script === 'verify_return') {
    t += minutes(10, 60);
    move({ move: 'return', note: '现场核查未整改到位，退回重办' });
    complete(t + minutes(12 * 60, 36 * 60));
    t += minutes(30, 240);
    move({ move: 'verify', note: '复查已整改到位' });
  }
  t = Math.max(t + minutes(2, 10), closeAt);
  move({ move: 'close', note: '办结' });

  const rating = weighted(
    [
      [5, 70],
      [4, 20],
      [3, 6],
      [2, 3],
      [1, 1],
    ],
    rng,
  );
  if (item.byResident) {
    t += minutes(2 * 60, 48 * 60);
    move({ move: 'evaluate', rating, note: choose(REMARKS[rating]!, rng) }, actors.resident);
  } else if (['minhu', 'hotline-12345', 'police-110'].includes(item.source) && rng() < 0.75) {
    // A phone call back to the caller (回访), recorded by the dispatcher.
    t += minutes(60, 24 * 60);
    move({ move: 'evaluate', rating, note: `回访：${choose(REMARKS[rating]!, rng)}` });
  }
  // Alarms, patrols and district tasks have nobody to rate them: the sweep closes them after a week.
  return steps;
}

/** What one move stamped (its clock time) and when the course planned it. */
interface Stamp {
  caseId: string;
  stamp: Date;
  planned: Date;
}

/**
 * The case functions stamp what they write with the current time; the demo's history happened over
 * the past month. Each move's stamp (a distinct millisecond within its case) is replaced by the time
 * the course planned for it, in every column a move writes.
 */
async function backdate(g: Governance, tenantId: string, clock: Stamp[], since: Date) {
  if (clock.length === 0) return;
  // Three arrays: one statement shape whatever the number of moves.
  const mapping = sql`with m as (select * from unnest(${clock.map((entry) => entry.caseId)}::uuid[],
    ${clock.map((entry) => entry.stamp)}::timestamptz[], ${clock.map((entry) => entry.planned)}::timestamptz[])
    as m(case_id, stamp, planned))`;
  const remap = (table: string, caseColumn: string, column: string) =>
    sql`coalesce((select m.planned from m where m.case_id = ${sql.ref(`${table}.${caseColumn}`)}
      and m.stamp = ${sql.ref(`${table}.${column}`)}), ${sql.ref(`${table}.${column}`)})`;
  const caseColumn = (column: string) => remap('gov_case', 'id', column);
  const taskColumn = (column: string) => remap('case_task', 'case_id', column);
  await g.ctx.db.transaction().execute(async (trx) => {
    await sql`${mapping} update case_timeline t set at = m.planned from m
      where t.tenant_id = ${tenantId} and t.case_id = m.case_id and t.at = m.stamp`.execute(trx);
    await sql`${mapping} update gov_case set accepted_at = ${caseColumn('accepted_at')},
        dispatched_at = ${caseColumn('dispatched_at')}, responded_at = ${caseColumn('responded_at')},
        feedback_at = ${caseColumn('feedback_at')}, closed_at = ${caseColumn('closed_at')},
        evaluated_at = ${caseColumn('evaluated_at')}
      where tenant_id = ${tenantId} and updated_at >= ${since}`.execute(trx);
    await sql`${mapping} update case_task set created_at = ${taskColumn('created_at')},
        accepted_at = ${taskColumn('accepted_at')}, completed_at = ${taskColumn('completed_at')}
      where tenant_id = ${tenantId} and created_at >= ${since}`.execute(trx);
    await sql`${mapping} update incident i set resolved_at = m.planned from m, gov_case c
      where c.tenant_id = ${tenantId} and c.id = m.case_id and i.tenant_id = c.tenant_id and i.id = c.incident_id
        and i.resolved_at = m.stamp`.execute(trx);
    await touchCases(trx, tenantId, since);
  });
}

/** Escalations dated a minute after the deadline they enforce; default evaluations a week after closing. */
async function backdateSweeps(g: Governance, tenantId: string, sweepStart: Date) {
  await g.ctx.db.transaction().execute(async (trx) => {
    await sql`update case_timeline t set at = case when (t.data->>'escalationLevel')::int >= 2
          then c.resolve_due_at else c.response_due_at end + interval '1 minute'
      from gov_case c where t.tenant_id = ${tenantId} and c.tenant_id = t.tenant_id and c.id = t.case_id
        and t.action = 'escalated' and t.at >= ${sweepStart}`.execute(trx);
    await sql`update gov_case set evaluated_at = closed_at + interval '7 days'
      where tenant_id = ${tenantId} and evaluated_at >= ${sweepStart}`.execute(trx);
    await sql`update case_timeline t set at = c.evaluated_at from gov_case c
      where t.tenant_id = ${tenantId} and c.tenant_id = t.tenant_id and c.id = t.case_id
        and t.action = 'evaluate' and t.at >= ${sweepStart}`.execute(trx);
    await touchCases(trx, tenantId, sweepStart);
  });
}

/** A case's last change is its last timeline entry. */
async function touchCases(trx: Transaction<Database>, tenantId: string, since: Date) {
  await sql`update gov_case c set updated_at = (select max(t.at) from case_timeline t
      where t.tenant_id = c.tenant_id and t.case_id = c.id)
    where c.tenant_id = ${tenantId} and c.updated_at >= ${since}`.execute(trx);
}

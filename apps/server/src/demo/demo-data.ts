import type { ComplexTier, FacilityType, OpeningHours, OrganisationKind, Role } from '@jiedao/contracts';

/**
 * Demo content for Gudang Subdistrict (古荡街道). Counts follow the source (MISSION.md); community
 * names are ones the source mentions plus plausible neighbours; every polygon, coordinate, phone
 * number and person is synthetic.
 */
export const DEMO_TENANT = { code: 'gudang', name: '古荡街道', nameEn: 'Gudang Subdistrict' } as const;

export const DEMO_COMMUNITIES = [
  { code: 'GDXC', name: '古荡新村社区', nameEn: 'Gudang Xincun' },
  { code: 'GDW', name: '古荡湾社区', nameEn: 'Gudang Bay' },
  { code: 'LHXC', name: '莲花新村社区', nameEn: 'Lianhua Xincun' },
  { code: 'JHHY', name: '嘉禾花苑社区', nameEn: 'Jiahe Garden' },
  { code: 'HHY', name: '荷花苑社区', nameEn: 'Hehua Garden' },
  { code: 'JLY', name: '嘉绿苑社区', nameEn: 'Jialü Garden' },
  { code: 'YLXC', name: '益乐新村社区', nameEn: 'Yile Xincun' },
  { code: 'HX', name: '华星社区', nameEn: 'Huaxing' },
  { code: 'SJXC', name: '世纪新城社区', nameEn: 'Century New Town' },
  { code: 'DY', name: '东岳社区', nameEn: 'Dongyue' },
] as const;

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const WEEKDAYS = [1, 2, 3, 4, 5];
const hours = (days: number[], open: string, close: string): OpeningHours => [{ days, open, close }];

export interface DemoFacility {
  type: FacilityType;
  tier?: ComplexTier;
  name: string;
  nameEn: string;
  /** Index into DEMO_COMMUNITIES. */
  community: number;
  openingHours: OpeningHours;
  areaM2?: number;
  capacity?: number;
}

const TIERS: ComplexTier[] = [
  'flagship',
  'flagship',
  'star_moon',
  'star_moon',
  'star_moon',
  'star_moon',
  'star_moon',
  'pearl_chain',
  'pearl_chain',
  'pearl_chain',
];
const TIER_ZH: Record<ComplexTier, string> = {
  flagship: '旗舰式',
  star_moon: '星月式',
  pearl_chain: '珠链式',
};
const TIER_EN: Record<ComplexTier, string> = {
  flagship: 'flagship',
  star_moon: 'star-moon',
  pearl_chain: 'pearl-chain',
};

function spread(
  count: number,
  type: FacilityType,
  nameZh: (i: number, community: string) => string,
  nameEn: (i: number, community: string) => string,
  extra: Partial<DemoFacility> & { openingHours: OpeningHours },
  offset = 0,
): DemoFacility[] {
  return Array.from({ length: count }, (_, i) => {
    const community = (i * 3 + offset) % DEMO_COMMUNITIES.length;
    const c = DEMO_COMMUNITIES[community]!;
    return {
      type,
      name: nameZh(i, c.name.replace('社区', '')),
      nameEn: nameEn(i, c.nameEn),
      community,
      ...extra,
    };
  });
}

/** 2 flagship, 5 star-moon, 3 pearl-chain complexes (one per community), the renovated-street facilities, halls and studios. */
export function demoFacilities(): DemoFacility[] {
  const complexes: DemoFacility[] = DEMO_COMMUNITIES.map((c, community) => {
    const tier = TIERS[community]!;
    return {
      type: 'service_complex',
      tier,
      name: `${c.name.replace('社区', '')}${TIER_ZH[tier]}民生综合体`,
      nameEn: `${c.nameEn} ${TIER_EN[tier]} service complex`,
      community,
      openingHours: hours(EVERY_DAY, '08:00', '20:30'),
      areaM2: tier === 'flagship' ? 3200 : tier === 'star_moon' ? 1200 : 400,
    };
  });
  return [
    ...complexes,
    ...spread(
      5,
      'elderly_canteen',
      (_i, c) => `${c}老年食堂`,
      (_i, c) => `${c} elderly canteen`,
      {
        openingHours: [
          { days: EVERY_DAY, open: '10:30', close: '13:00' },
          { days: EVERY_DAY, open: '16:30', close: '18:30' },
        ],
        capacity: 80,
      },
    ),
    ...spread(
      5,
      'study_room',
      (_i, c) => `西湖书房·${c}`,
      (_i, c) => `Xihu study room · ${c}`,
      { openingHours: hours(EVERY_DAY, '09:00', '21:00'), capacity: 60 },
      1,
    ),
    ...spread(
      3,
      'youth_palace',
      (_i, c) => `${c}嵌入式少年宫`,
      (_i, c) => `${c} embedded youth palace`,
      {
        openingHours: [
          { days: [6, 7], open: '09:00', close: '17:00' },
          { days: WEEKDAYS, open: '15:30', close: '19:00' },
        ],
      },
      2,
    ),
    ...spread(
      4,
      'public_gym',
      (_i, c) => `${c}百姓健身房`,
      (_i, c) => `${c} public gym`,
      { openingHours: hours(EVERY_DAY, '06:00', '22:00'), capacity: 40 },
      3,
    ),
    ...spread(
      6,
      'growth_station',
      (_i, c) => `${c}成长驿站`,
      (_i, c) => `${c} growth station`,
      { openingHours: hours(WEEKDAYS, '09:00', '17:30') },
      4,
    ),
    ...spread(
      2,
      'common_prosperity_station',
      (_i, c) => `${c}共富工作站`,
      (_i, c) => `${c} common-prosperity station`,
      { openingHours: hours(WEEKDAYS, '09:00', '17:00') },
      5,
    ),
    {
      type: 'youth_station',
      name: '古荡青荷驿站',
      nameEn: 'Gudang Qinghe youth station',
      community: 7,
      openingHours: hours(EVERY_DAY, '00:00', '24:00'),
      capacity: 40,
    },
    {
      type: 'social_org_platform',
      name: '益之家社会组织服务平台',
      nameEn: 'Yizhijia social-organisation platform',
      community: 0,
      openingHours: hours(WEEKDAYS, '08:30', '17:30'),
    },
    {
      type: 'industry_living_room',
      name: '古荡数字产业会客厅',
      nameEn: 'Gudang digital industry living room',
      community: 8,
      openingHours: hours(WEEKDAYS, '09:00', '18:00'),
      areaM2: 2000,
    },
    ...spread(
      15,
      'deliberation_hall',
      (i, c) => `${c}居民议事堂${i >= 10 ? '（二）' : ''}`,
      (i, c) => `${c} residents' deliberation hall${i >= 10 ? ' II' : ''}`,
      { openingHours: hours(WEEKDAYS, '09:00', '17:00') },
      0,
    ),
    ...spread(
      13,
      'representative_studio',
      (i, c) => `${c}人大代表工作室${i >= 10 ? '（园区）' : ''}`,
      (i, c) => `${c} deputies' studio${i >= 10 ? ' (park)' : ''}`,
      { openingHours: hours([2, 4], '14:00', '17:00') },
      1,
    ),
    ...spread(
      11,
      'living_room',
      (i, c) => `${c}居民会客厅${i >= 10 ? '（二）' : ''}`,
      (i, c) => `${c} residents' living room${i >= 10 ? ' II' : ''}`,
      { openingHours: hours(EVERY_DAY, '08:30', '20:00') },
      2,
    ),
  ];
}

export const DEMO_ORGANISATIONS: Array<{ kind: OrganisationKind; name: string; community?: number }> = [
  { kind: 'department', name: '古荡派出所' },
  { kind: 'department', name: '古荡消防救援站' },
  { kind: 'department', name: '古荡城管中队' },
  { kind: 'department', name: '古荡街道人民调解委员会' },
  { kind: 'department', name: '古荡市场监管所' },
  { kind: 'department', name: '古荡街道社区服务中心' },
  { kind: 'property_company', name: '绿城物业古荡服务中心', community: 0 },
  { kind: 'social_organisation', name: '益之家社会工作服务社' },
  { kind: 'employer', name: '古荡便民家政服务部' },
  { kind: 'enterprise', name: '杭州古荡数智科技有限公司' },
  { kind: 'insurer', name: '人保财险杭州西湖支公司' },
];

export const DEMO_PASSWORD = 'Jiedao@2026';

/** One demo account per role; phones are in the 139 0000 00xx range (synthetic). */
export const DEMO_ACCOUNTS: Array<{
  role: Role;
  name: string;
  phone: string;
  community?: number;
  organisation?: string;
}> = [
  { role: 'resident', name: '王秀英', phone: '13900000001', community: 0 },
  { role: 'grid_worker', name: '李建国', phone: '13900000002', community: 0 },
  { role: 'dispatcher', name: '陈晓燕', phone: '13900000003' },
  { role: 'department_staff', name: '张伟', phone: '13900000004', organisation: '古荡城管中队' },
  { role: 'service_staff', name: '刘芳', phone: '13900000005', community: 1 },
  { role: 'station_staff', name: '赵磊', phone: '13900000006' },
  { role: 'housing_staff', name: '孙丽', phone: '13900000007' },
  { role: 'market_operator', name: '周强', phone: '13900000008' },
  { role: 'worker', name: '吴小军', phone: '13900000009' },
  { role: 'employer', name: '郑海', phone: '13900000010', organisation: '古荡便民家政服务部' },
  { role: 'enterprise_rep', name: '冯婷', phone: '13900000011', organisation: '杭州古荡数智科技有限公司' },
  { role: 'representative', name: '何志明', phone: '13900000012', community: 2 },
  { role: 'insurer_agent', name: '许静', phone: '13900000013', organisation: '人保财险杭州西湖支公司' },
  { role: 'tenant_admin', name: '林卫东', phone: '13900000014' },
  { role: 'platform_admin', name: '系统管理员', phone: '13900000015' },
];

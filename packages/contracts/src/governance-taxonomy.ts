/**
 * The command center's vocabulary, shared by server and web without TypeBox: the six linkages
 * (六联), the event taxonomy with its default severity, duplicate radius/window, dispatch units and
 * service levels, the device and source kinds, and the case stages of the closed loop.
 */

/** The six linkages of integrated governance (六联). */
export const LINKAGES = [
  'security_patrol', // 治安联防
  'dispute_mediation', // 矛盾纠纷联调
  'problem_governance', // 突出问题联治
  'key_work', // 重点工作联动
  'service_management', // 服务管理联办
  'safety_creation', // 平安联创
] as const;
export type Linkage = (typeof LINKAGES)[number];

export const LINKAGE_ZH: Record<Linkage, string> = {
  security_patrol: '治安联防',
  dispute_mediation: '矛盾纠纷联调',
  problem_governance: '突出问题联治',
  key_work: '重点工作联动',
  service_management: '服务管理联办',
  safety_creation: '平安联创',
};

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const SEVERITY_ZH: Record<Severity, string> = {
  critical: '紧急',
  high: '重大',
  medium: '一般',
  low: '轻微',
};

/** Kinds of units a case can be dispatched to; each is an organisation with that unit type. */
export const UNIT_TYPES = [
  'police',
  'fire',
  'urban_management',
  'community',
  'property',
  'mediation',
  'market_supervision',
  'emergency',
] as const;
export type UnitType = (typeof UNIT_TYPES)[number];
export const UNIT_TYPE_ZH: Record<UnitType, string> = {
  police: '公安',
  fire: '消防',
  urban_management: '城管',
  community: '社区',
  property: '物业',
  mediation: '调解委员会',
  market_supervision: '市场监管',
  emergency: '应急管理',
};

/** Calendar time counts every minute; working time counts office hours of the working calendar. */
export const SLA_CLOCKS = ['calendar', 'working'] as const;
export type SlaClock = (typeof SLA_CLOCKS)[number];

export interface CategoryDefinition {
  code: string;
  zh: string;
  en: string;
  linkage: Linkage;
  severity: Severity;
  /** Citizen reports of this category within this radius and window are offered as duplicates. */
  duplicateRadiusM: number;
  duplicateWindowMinutes: number;
  /** The units a dispatcher is offered first, in order. */
  units: readonly UnitType[];
  /** Default service levels; tenants override them per category and severity. */
  responseMinutes: number;
  resolveMinutes: number;
  clock: SlaClock;
  /** Whether a new incident of this category opens a case without a dispatcher's triage. */
  autoCase: boolean;
}

const c = <const Code extends string>(
  code: Code,
  zh: string,
  en: string,
  linkage: Linkage,
  severity: Severity,
  units: readonly UnitType[],
  [responseMinutes, resolveMinutes, clock]: [number, number, SlaClock],
  duplicate: [number, number] = [150, 24 * 60],
  autoCase = true,
): CategoryDefinition & { code: Code } => ({
  code,
  zh,
  en,
  linkage,
  severity,
  units,
  responseMinutes,
  resolveMinutes,
  clock,
  duplicateRadiusM: duplicate[0],
  duplicateWindowMinutes: duplicate[1],
  autoCase,
});

/** Working-time limits are in office minutes: one working day = 450 minutes. */
const DAY = 450;

export const CATEGORIES = [
  c(
    'fire',
    '火情火警',
    'Fire',
    'safety_creation',
    'critical',
    ['fire', 'community'],
    [5, 60, 'calendar'],
    [300, 60],
  ),
  c(
    'gas_leak',
    '燃气泄漏',
    'Gas leak',
    'safety_creation',
    'critical',
    ['fire', 'property'],
    [5, 120, 'calendar'],
    [200, 60],
  ),
  c(
    'electrical_hazard',
    '电气火灾隐患',
    'Electrical fire hazard',
    'safety_creation',
    'high',
    ['property', 'fire'],
    [30, 480, 'calendar'],
    [100, 240],
  ),
  c(
    'water_leak',
    '水浸漏水',
    'Water leak',
    'service_management',
    'medium',
    ['property', 'community'],
    [60, 1440, 'calendar'],
    [100, 240],
  ),
  c(
    'intrusion',
    '非法闯入',
    'Intrusion',
    'security_patrol',
    'high',
    ['police', 'property'],
    [10, 120, 'calendar'],
    [200, 60],
  ),
  c(
    'crowd',
    '人员聚集',
    'Crowd gathering',
    'security_patrol',
    'high',
    ['police', 'community'],
    [10, 120, 'calendar'],
    [300, 60],
  ),
  c(
    'traffic_accident',
    '交通事故',
    'Traffic accident',
    'security_patrol',
    'high',
    ['police', 'emergency'],
    [10, 240, 'calendar'],
    [200, 60],
  ),
  c(
    'public_order',
    '治安警情',
    'Public-order incident',
    'security_patrol',
    'high',
    ['police', 'community'],
    [10, 240, 'calendar'],
    [200, 120],
  ),
  c(
    'illegal_parking',
    '违章停车',
    'Illegal parking',
    'problem_governance',
    'low',
    ['urban_management', 'police'],
    [60, DAY, 'working'],
    [100, 240],
  ),
  c(
    'illegal_construction',
    '违章搭建',
    'Illegal construction',
    'problem_governance',
    'medium',
    ['urban_management', 'community'],
    [DAY, 10 * DAY, 'working'],
    [100, 7 * 1440],
  ),
  c(
    'sanitation',
    '环境卫生',
    'Sanitation',
    'problem_governance',
    'low',
    ['urban_management', 'property'],
    [120, 2 * DAY, 'working'],
  ),
  c(
    'noise',
    '噪声扰民',
    'Noise',
    'problem_governance',
    'low',
    ['urban_management', 'police'],
    [120, 2 * DAY, 'working'],
    [150, 12 * 60],
  ),
  c(
    'street_vending',
    '占道经营',
    'Street vending',
    'problem_governance',
    'low',
    ['urban_management', 'market_supervision'],
    [120, DAY, 'working'],
  ),
  c(
    'neighbour_dispute',
    '邻里纠纷',
    'Neighbour dispute',
    'dispute_mediation',
    'medium',
    ['mediation', 'community'],
    [DAY, 10 * DAY, 'working'],
    [50, 7 * 1440],
  ),
  c(
    'labour_dispute',
    '劳资纠纷',
    'Wage or labour dispute',
    'dispute_mediation',
    'medium',
    ['mediation', 'market_supervision'],
    [DAY, 10 * DAY, 'working'],
    [100, 7 * 1440],
  ),
  c(
    'property_dispute',
    '物业纠纷',
    'Property-management dispute',
    'dispute_mediation',
    'medium',
    ['mediation', 'property'],
    [DAY, 10 * DAY, 'working'],
    [100, 7 * 1440],
  ),
  c(
    'consumer_complaint',
    '消费投诉',
    'Consumer complaint',
    'dispute_mediation',
    'low',
    ['market_supervision'],
    [DAY, 7 * DAY, 'working'],
  ),
  c(
    'road_facility',
    '道路设施损坏',
    'Damaged road or facility',
    'service_management',
    'low',
    ['urban_management'],
    [DAY, 5 * DAY, 'working'],
    [80, 7 * 1440],
  ),
  c(
    'elderly_help',
    '为老服务求助',
    'Help for an elderly resident',
    'service_management',
    'medium',
    ['community'],
    [60, DAY, 'working'],
    [30, 1440],
  ),
  c(
    'public_service',
    '民生服务诉求',
    'Public-service request',
    'service_management',
    'medium',
    ['community'],
    [DAY, 5 * DAY, 'working'],
  ),
  c(
    'device_fault',
    '设备故障',
    'Device fault',
    'service_management',
    'low',
    ['property'],
    [DAY, 3 * DAY, 'working'],
    [0, 0],
    false,
  ),
  c(
    'safety_hazard',
    '安全隐患',
    'Safety hazard',
    'safety_creation',
    'medium',
    ['community', 'property'],
    [120, 3 * DAY, 'working'],
  ),
  c(
    'key_task',
    '重点工作任务',
    'Key task from the district',
    'key_work',
    'medium',
    ['community'],
    [DAY, 10 * DAY, 'working'],
    [0, 0],
  ),
] as const;

export type CategoryCode = (typeof CATEGORIES)[number]['code'];
export const CATEGORY_CODES: CategoryCode[] = CATEGORIES.map((category) => category.code);
const CATEGORY_BY_CODE = new Map<string, CategoryDefinition>(
  CATEGORIES.map((category) => [category.code, category]),
);
export function categoryOf(code: string): CategoryDefinition | undefined {
  return CATEGORY_BY_CODE.get(code);
}

export const DEVICE_TYPES = [
  'smoke',
  'gas',
  'electrical_fire',
  'water',
  'door',
  'manhole',
  'hydrant',
  'camera',
] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];
export const DEVICE_TYPE_ZH: Record<DeviceType, string> = {
  smoke: '烟感探测器',
  gas: '燃气探测器',
  electrical_fire: '电气火灾监控',
  water: '水浸传感器',
  door: '门磁',
  manhole: '智能井盖',
  hydrant: '消火栓水压',
  camera: '视频监控',
};
/** The columns of a device register (设备台账) an import reads. */
export const DEVICE_IMPORT_FIELDS = [
  'code',
  'type',
  'name',
  'building',
  'lng',
  'lat',
  'address',
  'installed_on',
  'stream_url',
] as const;
export type DeviceImportField = (typeof DEVICE_IMPORT_FIELDS)[number];
/** Their names as staff know them: import problems name the column so. */
export const DEVICE_IMPORT_FIELD_ZH: Record<DeviceImportField, string> = {
  code: '设备编号',
  type: '类型',
  name: '名称',
  building: '楼栋',
  lng: '经度',
  lat: '纬度',
  address: '地址',
  installed_on: '安装日期',
  stream_url: '视频流地址',
};
/** The category an alarm of each sensor type belongs to. */
export const DEVICE_ALARM_CATEGORY: Record<Exclude<DeviceType, 'camera'>, CategoryCode> = {
  smoke: 'fire',
  gas: 'gas_leak',
  electrical_fire: 'electrical_hazard',
  water: 'water_leak',
  door: 'intrusion',
  manhole: 'road_facility',
  hydrant: 'safety_hazard',
};
/** Camera analytics alarms and their categories. */
export const CAMERA_ALARM_TYPES = ['intrusion', 'crowd', 'smoke_fire', 'illegal_parking'] as const;
export type CameraAlarmType = (typeof CAMERA_ALARM_TYPES)[number];
export const CAMERA_ALARM_CATEGORY: Record<CameraAlarmType, CategoryCode> = {
  intrusion: 'intrusion',
  crowd: 'crowd',
  smoke_fire: 'fire',
  illegal_parking: 'illegal_parking',
};

export const DEVICE_STATES = ['online', 'offline', 'alarm', 'fault', 'disabled'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

/** What a device message says; heartbeats only refresh the device and are not stored as events. */
export const DEVICE_MESSAGE_KINDS = ['alarm', 'fault', 'heartbeat', 'recovered', 'low_battery'] as const;
export type DeviceMessageKind = (typeof DEVICE_MESSAGE_KINDS)[number];

export const EVENT_KINDS = ['alarm', 'fault', 'recovered', 'low_battery', 'offline', 'report'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const SOURCE_CHANNELS = ['webhook', 'mqtt', 'open311', 'staff', 'mobile', 'system'] as const;
export type SourceChannel = (typeof SOURCE_CHANNELS)[number];

/** The payload mappings shipped with Jiedao; a source names one. */
export const SOURCE_MAPPINGS = [
  'resident_report', // 民呼我为 resident reports (and our mobile page)
  'hotline_12345', // 12345 hotline hand-offs
  'police_110', // 110 police linkage (traffic accidents with parties and liability)
  'fire_119', // 119 fire alarms
  'district_platform', // 区县社会治理平台 tasks
  'iot_mqtt', // IoT devices over MQTT
  'camera_alarm', // camera analytics alarms over webhook
  'patrol_report', // grid workers' patrol reports
  'open311', // GeoReport v2 requests
  'system', // Jiedao's own findings (devices gone offline)
] as const;
export type SourceMapping = (typeof SOURCE_MAPPINGS)[number];

/** The seven stages of the closed loop, then the states outside it. */
export const CASE_STAGES = [
  'intake', // 受理
  'triage', // 分拨
  'dispatch', // 派遣
  'handling', // 处置
  'feedback', // 反馈
  'verify', // 核查结案
  'evaluation', // 评价
  'closed',
  'suspended',
  'duplicate',
] as const;
export type CaseStage = (typeof CASE_STAGES)[number];
/** Stages in which the loop is running: deadlines count, reminders and 督办 apply. */
export const ACTIVE_CASE_STAGES = [
  'intake',
  'triage',
  'dispatch',
  'handling',
  'feedback',
  'verify',
] as const satisfies readonly CaseStage[];
/** Stages of a case not yet finished: active, waiting for the reporter's rating, or suspended. */
export const OPEN_CASE_STAGES = [
  ...ACTIVE_CASE_STAGES,
  'evaluation',
  'suspended',
] as const satisfies readonly CaseStage[];

export function isActiveCaseStage(stage: string): boolean {
  return (ACTIVE_CASE_STAGES as readonly string[]).includes(stage);
}

export const CASE_STAGE_ZH: Record<CaseStage, string> = {
  intake: '受理',
  triage: '分拨',
  dispatch: '派遣',
  handling: '处置',
  feedback: '反馈',
  verify: '核查结案',
  evaluation: '评价',
  closed: '已办结',
  suspended: '挂起',
  duplicate: '重复件',
};

export const CASE_MOVES = [
  'accept', // 受理: intake → triage
  'dispatch', // 派遣: triage → dispatch (creates the sub-tasks)
  'start', // a unit accepts its task: dispatch → handling
  'submit_feedback', // every task done: handling → feedback
  'verify', // the result is checked on site: feedback → verify
  'close', // 结案: verify → evaluation
  'evaluate', // the reporter rates: evaluation → closed
  'return', // 退回
  'transfer', // 转派 to other units
  'suspend',
  'resume',
  'reopen',
  'mark_duplicate',
] as const;
export type CaseMove = (typeof CASE_MOVES)[number];

export const TASK_STATES = ['pending', 'accepted', 'done', 'returned', 'cancelled'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const INCIDENT_STATUSES = ['open', 'resolved', 'merged'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

import { createHash } from 'node:crypto';
import {
  CAMERA_ALARM_CATEGORY,
  CAMERA_ALARM_TYPES,
  CATEGORIES,
  categoryOf,
  DEVICE_MESSAGE_KINDS,
  SEVERITIES,
  type CameraAlarmType,
  type CategoryCode,
  type DeviceMessageKind,
  type EventKind,
  type Severity,
  type SourceMapping,
} from '@jiedao/contracts/constants';
import { isRecord } from '../../platform/is-record.js';

/**
 * Payload mappings: each source names one; a mapping turns the source's own payload into our one
 * event shape, or says in words why it cannot (the message then goes to the dead-letter list with that
 * reason and can be replayed after the mapping or the payload is fixed). Mappings are pure.
 */
export interface NormalizedEvent {
  /** The source's own id for the message; a second delivery with the same id is accepted once. */
  sourceMessageId: string;
  kind: EventKind;
  category: CategoryCode;
  severity: Severity;
  title: string;
  description?: string;
  location?: { lng: number; lat: number };
  address?: string;
  /** The device (or camera) code the message is about; its location and grid apply. */
  deviceCode?: string;
  /** What an IoT message says, for device state: heartbeats never become events. */
  deviceMessage?: DeviceMessageKind;
  occurredAt: Date;
  reporter?: { name?: string; phone?: string; personId?: string };
  /** Personal data beyond the reporter (accident parties' names and phones): stored encrypted. */
  personal?: Record<string, unknown>;
  photos?: string[];
  /** Source-specific facts kept on the event (accident parties, snapshot URL, hotline deadline …). */
  details?: Record<string, unknown>;
}

export interface RawMessage {
  /** MQTT topic, when the message came over MQTT. */
  topic?: string;
  payload: unknown;
  receivedAt: Date;
}

export type MappingResult = { ok: true; event: NormalizedEvent } | { ok: false; reason: string };

type Mapper = (message: RawMessage) => MappingResult;

const fail = (reason: string): MappingResult => ({ ok: false, reason });

function text(record: Record<string, unknown>, key: string, max = 2000): string | undefined {
  const value = record[key];
  if (typeof value === 'string' && value.trim() !== '') return value.trim().slice(0, max);
  if (typeof value === 'number') return String(value);
  return undefined;
}

function requireText(record: Record<string, unknown>, key: string): string | { reason: string } {
  return text(record, key) ?? { reason: `missing field "${key}"` };
}

function time(value: unknown, fallback: Date): Date | { reason: string } {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'number' && typeof value !== 'string')
    return { reason: `unreadable time ${JSON.stringify(value)}` };
  // Unix seconds or milliseconds, or an ISO 8601 string.
  const parsed = typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
  if (Number.isNaN(parsed.getTime())) return { reason: `unreadable time "${value}"` };
  return parsed;
}

function location(
  record: Record<string, unknown>,
): { lng: number; lat: number } | undefined | { reason: string } {
  const nested = isRecord(record.location) ? record.location : record;
  const lng = nested.lng ?? nested.longitude ?? nested.lon;
  const lat = nested.lat ?? nested.latitude;
  if (lng === undefined && lat === undefined) return undefined;
  const lngNumber = Number(lng);
  const latNumber = Number(lat);
  if (!Number.isFinite(lngNumber) || lngNumber < -180 || lngNumber > 180)
    return { reason: `longitude "${String(lng)}" is not a number between -180 and 180` };
  if (!Number.isFinite(latNumber) || latNumber < -90 || latNumber > 90)
    return { reason: `latitude "${String(lat)}" is not a number between -90 and 90` };
  return { lng: lngNumber, lat: latNumber };
}

function isReason(value: unknown): value is { reason: string } {
  return isRecord(value) && typeof value.reason === 'string' && Object.keys(value).length === 1;
}

function photos(record: Record<string, unknown>): string[] | undefined {
  const value = record.photos ?? record.images;
  if (!Array.isArray(value)) return undefined;
  return value.filter((item): item is string => typeof item === 'string').slice(0, 9);
}

/** A category named by its code, its Chinese name, or a Chinese keyword of the source's own wording. */
const KEYWORDS: Array<[RegExp, CategoryCode]> = [
  [/火|烟/, 'fire'],
  [/燃气|煤气/, 'gas_leak'],
  [/漏水|水浸|渗水|爆管/, 'water_leak'],
  [/噪|吵|扰民/, 'noise'],
  [/停车|占道停/, 'illegal_parking'],
  [/违建|违章搭建|搭建/, 'illegal_construction'],
  [/垃圾|卫生|清扫|异味/, 'sanitation'],
  [/摊|占道经营/, 'street_vending'],
  [/邻里|纠纷/, 'neighbour_dispute'],
  [/工资|欠薪|劳资/, 'labour_dispute'],
  [/物业/, 'property_dispute'],
  [/消费|退款|商家/, 'consumer_complaint'],
  [/路灯|井盖|路面|设施|坑/, 'road_facility'],
  [/老人|独居|助老|为老/, 'elderly_help'],
  [/隐患|安全/, 'safety_hazard'],
  [/事故|车祸|剐蹭/, 'traffic_accident'],
  [/斗殴|盗|治安/, 'public_order'],
];

export function resolveCategory(value: string | undefined, fallback: CategoryCode): CategoryCode {
  if (!value) return fallback;
  const direct = categoryOf(value);
  if (direct) return direct.code as CategoryCode;
  const byName = CATEGORIES.find((category) => category.zh === value);
  if (byName) return byName.code;
  for (const [pattern, code] of KEYWORDS) if (pattern.test(value)) return code;
  return fallback;
}

function severityOf(category: CategoryCode): Severity {
  return categoryOf(category)!.severity;
}

/** Builds an event from the shared parts of a report-like payload. */
function reportEvent(
  message: RawMessage,
  record: Record<string, unknown>,
  options: {
    idKey: string;
    category: CategoryCode;
    title?: string;
    descriptionKey?: string;
    timeKey?: string;
  },
): MappingResult {
  const id = requireText(record, options.idKey);
  if (isReason(id)) return fail(id.reason);
  const where = location(record);
  if (isReason(where)) return fail(where.reason);
  const occurredAt = time(record[options.timeKey ?? 'occurredAt'], message.receivedAt);
  if (isReason(occurredAt)) return fail(occurredAt.reason);
  const description = text(record, options.descriptionKey ?? 'description');
  const address = text(record, 'address', 300);
  if (!where && !address) return fail('neither a location nor an address');
  const category = options.category;
  return {
    ok: true,
    event: {
      sourceMessageId: id,
      kind: 'report',
      category,
      severity: severityOf(category),
      title: (options.title ?? text(record, 'title', 120) ?? description ?? categoryOf(category)!.zh).slice(
        0,
        120,
      ),
      description,
      location: where,
      address,
      occurredAt,
      photos: photos(record),
    },
  };
}

function reporterOf(record: Record<string, unknown>, nameKey: string, phoneKey: string) {
  const nested = isRecord(record.reporter) ? record.reporter : record;
  const name = text(nested, nested === record ? nameKey : 'name', 50);
  const phone = text(nested, nested === record ? phoneKey : 'phone', 20);
  return name || phone ? { name, phone } : undefined;
}

const residentReport: Mapper = (message) => {
  if (!isRecord(message.payload)) return fail('payload is not a JSON object');
  const record = message.payload;
  const categoryText = text(record, 'category');
  if (!categoryText) return fail('missing field "category"');
  const result = reportEvent(message, record, {
    idKey: 'id',
    category: resolveCategory(categoryText, 'public_service'),
  });
  if (!result.ok) return result;
  result.event.reporter = reporterOf(record, 'reporterName', 'reporterPhone');
  // A dispatcher's entry may grade the report; the deadlines then follow that grade.
  const severity = text(record, 'severity');
  if (severity !== undefined) {
    if (!(SEVERITIES as readonly string[]).includes(severity))
      return fail(`"severity" must be one of ${SEVERITIES.join(', ')}`);
    result.event.severity = severity as Severity;
  }
  return result;
};

const patrolReport: Mapper = (message) => {
  if (!isRecord(message.payload)) return fail('payload is not a JSON object');
  const record = message.payload;
  const categoryText = text(record, 'category');
  if (!categoryText) return fail('missing field "category"');
  const result = reportEvent(message, record, {
    idKey: 'id',
    category: resolveCategory(categoryText, 'safety_hazard'),
  });
  if (result.ok) result.event.details = { gridWorker: text(record, 'gridWorker', 50) };
  return result;
};

const hotline12345: Mapper = (message) => {
  if (!isRecord(message.payload)) return fail('payload is not a JSON object');
  const record = message.payload;
  const category = resolveCategory(text(record, 'category') ?? text(record, 'title'), 'public_service');
  const result = reportEvent(message, record, {
    idKey: 'ticketNo',
    category,
    descriptionKey: 'content',
    timeKey: 'acceptTime',
  });
  if (!result.ok) return result;
  result.event.reporter = reporterOf(record, 'callerName', 'callerPhone');
  const deadline = record.deadline === undefined ? undefined : time(record.deadline, message.receivedAt);
  if (isReason(deadline)) return fail(deadline.reason);
  result.event.details = { ticketNo: text(record, 'ticketNo'), hotlineDeadline: deadline?.toISOString() };
  return result;
};

const LIABILITIES = ['full', 'major', 'equal', 'minor', 'none'] as const;

const police110: Mapper = (message) => {
  if (!isRecord(message.payload)) return fail('payload is not a JSON object');
  const record = message.payload;
  const type = text(record, 'type');
  const category: CategoryCode =
    type === 'traffic_accident' ? 'traffic_accident' : resolveCategory(type, 'public_order');
  const result = reportEvent(message, record, {
    idKey: 'alarmNo',
    category,
    descriptionKey: 'summary',
    timeKey: 'time',
    title: `110 ${categoryOf(category)!.zh}`,
  });
  if (!result.ok) return result;
  const details: Record<string, unknown> = {
    alarmNo: text(record, 'alarmNo'),
    officer: text(record, 'officer', 50),
  };
  if (category === 'traffic_accident') {
    const accident = isRecord(record.accident) ? record.accident : undefined;
    if (!accident) return fail('a traffic accident needs "accident" with its parties');
    if (!Array.isArray(accident.parties) || accident.parties.length === 0)
      return fail('"accident.parties" must list at least one party');
    const parties = [];
    const personalParties = [];
    for (const [index, party] of accident.parties.entries()) {
      if (!isRecord(party)) return fail(`accident.parties[${index}] is not an object`);
      const liability = text(party, 'liability');
      if (liability && !(LIABILITIES as readonly string[]).includes(liability))
        return fail(`accident.parties[${index}].liability must be one of ${LIABILITIES.join(', ')}`);
      personalParties.push({ name: text(party, 'name', 50), phone: text(party, 'phone', 20) });
      parties.push({
        plate: text(party, 'plate', 20),
        vehicle: text(party, 'vehicle', 50),
        insurer: text(party, 'insurer', 100),
        liability: liability ?? 'undetermined',
      });
    }
    details.accident = {
      parties,
      injuries: Number.isInteger(accident.injuries) ? accident.injuries : 0,
      recordNo: text(accident, 'recordNo', 50),
    };
    result.event.personal = { parties: personalParties };
    result.event.severity = Number(accident.injuries) > 0 ? 'critical' : 'high';
  }
  result.event.details = details;
  return result;
};

const fire119: Mapper = (message) => {
  if (!isRecord(message.payload)) return fail('payload is not a JSON object');
  const record = message.payload;
  const result = reportEvent(message, record, {
    idKey: 'alarmId',
    category: 'fire',
    timeKey: 'time',
    title: `119 ${text(record, 'fireType', 30) ?? '火警'}`,
  });
  if (!result.ok) return result;
  const level = Number(record.level ?? 1);
  if (!Number.isInteger(level) || level < 1 || level > 5)
    return fail('"level" must be an integer from 1 to 5');
  result.event.details = { alarmId: text(record, 'alarmId'), level, fireType: text(record, 'fireType', 30) };
  return result;
};

const districtPlatform: Mapper = (message) => {
  if (!isRecord(message.payload)) return fail('payload is not a JSON object');
  const record = message.payload;
  const category = resolveCategory(text(record, 'taskType'), 'key_task');
  const id = requireText(record, 'taskId');
  if (isReason(id)) return fail(id.reason);
  const title = requireText(record, 'title');
  if (isReason(title)) return fail(title.reason);
  const where = location(record);
  if (isReason(where)) return fail(where.reason);
  const occurredAt = time(record.issuedAt, message.receivedAt);
  if (isReason(occurredAt)) return fail(occurredAt.reason);
  const deadline = record.deadline === undefined ? undefined : time(record.deadline, message.receivedAt);
  if (isReason(deadline)) return fail(deadline.reason);
  return {
    ok: true,
    event: {
      sourceMessageId: id,
      kind: 'report',
      category,
      severity: severityOf(category),
      title: title.slice(0, 120),
      description: text(record, 'content'),
      location: where,
      address: text(record, 'address', 300),
      occurredAt,
      details: { taskId: id, districtDeadline: deadline?.toISOString() },
    },
  };
};

/** Topic `jiedao/<tenant>/devices/<device code>/<kind>`; the payload may be empty for heartbeats. */
export const DEVICE_TOPIC = /^jiedao\/([^/]+)\/devices\/([^/]+)\/([a-z_]+)$/;

const iotMqtt: Mapper = (message) => {
  const match = message.topic ? DEVICE_TOPIC.exec(message.topic) : null;
  if (!match) return fail(`topic "${message.topic ?? ''}" is not jiedao/<tenant>/devices/<code>/<kind>`);
  const [, , deviceCode, kind] = match as unknown as [string, string, string, string];
  if (!(DEVICE_MESSAGE_KINDS as readonly string[]).includes(kind))
    return fail(`message kind "${kind}" is not one of ${DEVICE_MESSAGE_KINDS.join(', ')}`);
  const record = isRecord(message.payload) ? message.payload : {};
  if (message.payload !== undefined && message.payload !== null && !isRecord(message.payload))
    return fail('payload is not a JSON object');
  const occurredAt = time(record.ts, message.receivedAt);
  if (isReason(occurredAt)) return fail(occurredAt.reason);
  // A redelivered message carries the same bytes; without the device's own id, they are its identity.
  const sourceMessageId =
    text(record, 'msgId', 100) ??
    createHash('sha1')
      .update(message.topic ?? '')
      .update(JSON.stringify(message.payload ?? null))
      .digest('base64url');
  const deviceMessage = kind as DeviceMessageKind;
  return {
    ok: true,
    event: {
      sourceMessageId,
      kind: deviceMessage === 'heartbeat' ? 'alarm' : deviceMessage,
      deviceMessage,
      // The device's type decides the category of an alarm; the intake fills it in.
      category: deviceMessage === 'alarm' ? 'safety_hazard' : 'device_fault',
      severity: 'low',
      title: '',
      deviceCode,
      occurredAt,
      details: isRecord(message.payload) ? { value: record.value, battery: record.battery } : undefined,
    },
  };
};

const cameraAlarm: Mapper = (message) => {
  if (!isRecord(message.payload)) return fail('payload is not a JSON object');
  const record = message.payload;
  const id = requireText(record, 'alarmId');
  if (isReason(id)) return fail(id.reason);
  const cameraCode = requireText(record, 'cameraCode');
  if (isReason(cameraCode)) return fail(cameraCode.reason);
  const alarmType = text(record, 'alarmType');
  if (!alarmType || !(CAMERA_ALARM_TYPES as readonly string[]).includes(alarmType))
    return fail(`"alarmType" must be one of ${CAMERA_ALARM_TYPES.join(', ')}`);
  const occurredAt = time(record.time, message.receivedAt);
  if (isReason(occurredAt)) return fail(occurredAt.reason);
  const snapshotUrl = text(record, 'snapshotUrl', 500);
  if (snapshotUrl && !/^https?:\/\//.test(snapshotUrl)) return fail('"snapshotUrl" must be an http(s) URL');
  const category = CAMERA_ALARM_CATEGORY[alarmType as CameraAlarmType];
  return {
    ok: true,
    event: {
      sourceMessageId: id,
      kind: 'alarm',
      deviceMessage: 'alarm',
      category,
      severity: severityOf(category),
      title: '',
      deviceCode: cameraCode,
      occurredAt,
      photos: snapshotUrl ? [snapshotUrl] : undefined,
      details: { alarmType, snapshotUrl, confidence: record.confidence, count: record.count },
    },
  };
};

/** Open311 requests arrive already validated by the Open311 endpoint, in our resident-report shape. */
const open311: Mapper = residentReport;

const system: Mapper = (message) => {
  if (!isRecord(message.payload)) return fail('payload is not a JSON object');
  const record = message.payload;
  const deviceCode = requireText(record, 'deviceCode');
  if (isReason(deviceCode)) return fail(deviceCode.reason);
  const id = requireText(record, 'id');
  if (isReason(id)) return fail(id.reason);
  return {
    ok: true,
    event: {
      sourceMessageId: id,
      kind: 'offline',
      deviceMessage: 'fault',
      category: 'device_fault',
      severity: 'low',
      title: '',
      deviceCode,
      occurredAt: message.receivedAt,
      details: { reason: text(record, 'reason') },
    },
  };
};

/**
 * Mappings whose raw messages cannot carry personal data (device telemetry: code, reading, battery;
 * Jiedao's own findings): their raw text is kept as it is. Every other source's raw message —
 * reports, hotline and police records, camera snapshots — is kept encrypted (ADR 0004, ADR 0010).
 */
export const RAW_WITHOUT_PERSONAL_DATA: ReadonlySet<SourceMapping> = new Set(['iot_mqtt', 'system']);

export const MAPPERS: Record<SourceMapping, Mapper> = {
  resident_report: residentReport,
  hotline_12345: hotline12345,
  police_110: police110,
  fire_119: fire119,
  district_platform: districtPlatform,
  iot_mqtt: iotMqtt,
  camera_alarm: cameraAlarm,
  patrol_report: patrolReport,
  open311,
  system,
};

export function mapMessage(mapping: SourceMapping, message: RawMessage): MappingResult {
  try {
    return MAPPERS[mapping](message);
  } catch (error) {
    return fail(`mapping failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

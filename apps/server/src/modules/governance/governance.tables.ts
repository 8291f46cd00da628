import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** jsonb: read as the parsed value, written as a JSON string. */
type Json<T> = ColumnType<T, string, string>;
type JsonDefault<T> = ColumnType<T, string | undefined, string>;

export interface DispatchUnitTable {
  tenantId: string;
  organisationId: string;
  unitType: string;
  createdAt: Generated<Date>;
}

export interface EventSourceTable {
  tenantId: string;
  id: string;
  code: string;
  name: string;
  channel: string;
  mapping: string;
  secretEnc: string | null;
  apiKeyHash: string | null;
  enabled: Generated<boolean>;
  authFailures: Generated<number>;
  lastAuthFailureAt: NullableTimestamp;
  lastMessageAt: NullableTimestamp;
  createdAt: Generated<Date>;
}

export interface DeviceTable {
  tenantId: string;
  id: string;
  code: string;
  type: string;
  name: string;
  buildingId: string | null;
  gridId: string | null;
  communityId: string | null;
  lng: number;
  lat: number;
  address: string | null;
  installedOn: string | null;
  state: Generated<string>;
  batteryLow: Generated<boolean>;
  lastSeenAt: NullableTimestamp;
  streamUrl: string | null;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

export interface IncidentTable {
  tenantId: string;
  id: string;
  category: string;
  kind: string;
  severity: string;
  status: Generated<string>;
  title: string;
  deviceId: string | null;
  buildingId: string | null;
  gridId: string | null;
  communityId: string | null;
  lng: number | null;
  lat: number | null;
  storm: Generated<boolean>;
  eventCount: Generated<number>;
  deviceCount: Generated<number>;
  firstSeenAt: Timestamp;
  lastSeenAt: Timestamp;
  caseId: string | null;
  mergedInto: string | null;
  resolvedAt: NullableTimestamp;
  createdAt: Generated<Date>;
}

export interface GovEventTable {
  tenantId: string;
  id: string;
  sourceId: string;
  sourceMessageId: string;
  kind: string;
  category: string;
  severity: string;
  title: string;
  description: string | null;
  lng: number | null;
  lat: number | null;
  address: string | null;
  gridId: string | null;
  communityId: string | null;
  buildingId: string | null;
  deviceId: string | null;
  incidentId: string | null;
  payload: Json<unknown>;
  /** The raw message, encrypted (sources that may carry personal data) … */
  rawEnc: string | null;
  /** … or as received (device telemetry, Jiedao's own findings). */
  raw: string | null;
  personalEnc: string | null;
  occurredAt: Timestamp;
  receivedAt: Timestamp;
}

export interface GovCaseTable {
  tenantId: string;
  id: string;
  number: string;
  title: string;
  description: string | null;
  category: string;
  linkage: string;
  severity: string;
  stage: string;
  suspendedFrom: string | null;
  sourceId: string | null;
  incidentId: string | null;
  duplicateOf: string | null;
  gridId: string | null;
  communityId: string | null;
  buildingId: string | null;
  lng: number | null;
  lat: number | null;
  address: string | null;
  reporterPersonId: string | null;
  reporterName: string | null;
  reporterPhoneEnc: string | null;
  photos: JsonDefault<string[]>;
  slaClock: string;
  responseDueAt: NullableTimestamp;
  resolveDueAt: NullableTimestamp;
  acceptedAt: NullableTimestamp;
  dispatchedAt: NullableTimestamp;
  respondedAt: NullableTimestamp;
  feedbackAt: NullableTimestamp;
  closedAt: NullableTimestamp;
  evaluatedAt: NullableTimestamp;
  rating: number | null;
  ratingComment: string | null;
  escalationLevel: Generated<number>;
  reminded: Generated<boolean>;
  version: Generated<number>;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

export interface CaseCounterTable {
  tenantId: string;
  day: string;
  last: number;
}

export interface CaseTaskTable {
  tenantId: string;
  id: string;
  caseId: string;
  organisationId: string | null;
  assigneeAccountId: string | null;
  state: Generated<string>;
  dueAt: NullableTimestamp;
  instructions: string | null;
  result: string | null;
  photos: JsonDefault<string[]>;
  acceptedAt: NullableTimestamp;
  completedAt: NullableTimestamp;
  createdAt: Generated<Date>;
}

export interface CaseTimelineTable {
  tenantId: string;
  id: string;
  caseId: string;
  at: Generated<Date>;
  actorAccountId: string | null;
  actorName: string | null;
  actorRole: string | null;
  action: string;
  fromStage: string | null;
  toStage: string | null;
  note: string | null;
  data: JsonDefault<Record<string, unknown>>;
}

export interface DeadLetterTable {
  tenantId: string;
  id: string;
  sourceId: string | null;
  channel: string;
  reason: string;
  contentType: string | null;
  topic: string | null;
  payloadEnc: string;
  status: Generated<string>;
  receivedAt: Generated<Date>;
  replayedAt: NullableTimestamp;
  replayResult: string | null;
}

export interface UnknownDeviceTable {
  tenantId: string;
  sourceId: string;
  deviceCode: string;
  messageCount: number;
  firstSeenAt: Timestamp;
  lastSeenAt: Timestamp;
  lastPayload: string;
}

export interface SlaPolicyTable {
  tenantId: string;
  category: string;
  severity: string;
  responseMinutes: number;
  resolveMinutes: number;
  clock: string;
}

export interface CalendarDayTable {
  tenantId: string;
  date: string;
  kind: string;
  name: string;
}

export interface AttachmentTable {
  tenantId: string;
  id: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  bytes: Buffer;
  uploadedBy: string | null;
  createdAt: Generated<Date>;
}

export interface GovernanceTables {
  dispatchUnit: DispatchUnitTable;
  eventSource: EventSourceTable;
  device: DeviceTable;
  incident: IncidentTable;
  govEvent: GovEventTable;
  govCase: GovCaseTable;
  caseCounter: CaseCounterTable;
  caseTask: CaseTaskTable;
  caseTimeline: CaseTimelineTable;
  deadLetter: DeadLetterTable;
  unknownDevice: UnknownDeviceTable;
  slaPolicy: SlaPolicyTable;
  calendarDay: CalendarDayTable;
  attachment: AttachmentTable;
}

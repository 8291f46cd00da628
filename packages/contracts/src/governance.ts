import { Type, type Static } from 'typebox';
import { PageQuery, Timestamp, Uuid } from './common.js';
import {
  CASE_MOVES,
  CASE_STAGES,
  CATEGORY_CODES,
  DEVICE_STATES,
  DEVICE_TYPES,
  EVENT_KINDS,
  INCIDENT_STATUSES,
  LINKAGES,
  SEVERITIES,
  SLA_CLOCKS,
  SOURCE_CHANNELS,
  SOURCE_MAPPINGS,
  TASK_STATES,
  UNIT_TYPES,
} from './governance-taxonomy.js';
import { LngLat } from './places.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const CategoryCodeSchema = Type.Enum(CATEGORY_CODES);
export const SeveritySchema = Type.Enum(SEVERITIES);
export const CaseStageSchema = Type.Enum(CASE_STAGES);
export const CaseMoveSchema = Type.Enum(CASE_MOVES);

export const SourceHealth = Type.Enum(['ok', 'idle', 'failing', 'disconnected', 'disabled']);

export const EventSource = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  channel: Type.Enum(SOURCE_CHANNELS),
  mapping: Type.Enum(SOURCE_MAPPINGS),
  enabled: Type.Boolean(),
  authFailures: Type.Integer(),
  lastAuthFailureAt: Nullable(Timestamp),
  lastMessageAt: Nullable(Timestamp),
  eventsToday: Type.Integer(),
  deadLettersOpen: Type.Integer(),
  health: SourceHealth,
  /** Where the source sends: the webhook URL path, or the MQTT topic filter. */
  endpoint: Type.String(),
});
export type EventSource = Static<typeof EventSource>;

export const CreateSourceRequest = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,39}$' }),
    name: Type.String({ minLength: 1, maxLength: 60 }),
    channel: Type.Enum(SOURCE_CHANNELS),
    mapping: Type.Enum(SOURCE_MAPPINGS),
  },
  { additionalProperties: false },
);
export type CreateSourceRequest = Static<typeof CreateSourceRequest>;

/** Returned once, when a source is created or its secret rotated. */
export const SourceSecret = Type.Object({
  source: EventSource,
  secret: Type.String(),
  apiKey: Type.Optional(Type.String()),
});
export type SourceSecret = Static<typeof SourceSecret>;

export const IntakeAccepted = Type.Object({
  status: Type.Enum(['accepted', 'duplicate', 'unknown_device', 'heartbeat']),
  eventId: Nullable(Uuid),
  incidentId: Nullable(Uuid),
  caseId: Nullable(Uuid),
  caseNumber: Nullable(Type.String()),
});
export type IntakeAccepted = Static<typeof IntakeAccepted>;

export const Device = Type.Object({
  id: Uuid,
  code: Type.String(),
  type: Type.Enum(DEVICE_TYPES),
  name: Type.String(),
  buildingId: Nullable(Uuid),
  buildingName: Nullable(Type.String()),
  gridId: Nullable(Uuid),
  gridName: Nullable(Type.String()),
  communityId: Nullable(Uuid),
  communityName: Nullable(Type.String()),
  location: LngLat,
  address: Nullable(Type.String()),
  installedOn: Nullable(Type.String({ format: 'date' })),
  state: Type.Enum(DEVICE_STATES),
  batteryLow: Type.Boolean(),
  lastSeenAt: Nullable(Timestamp),
});
export type Device = Static<typeof Device>;

export const DeviceQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 50 })),
    type: Type.Optional(Type.Enum(DEVICE_TYPES)),
    state: Type.Optional(Type.Enum(DEVICE_STATES)),
    communityId: Type.Optional(Uuid),
    gridId: Type.Optional(Uuid),
    /** `xlsx`: every matching device as an Excel workbook instead of a page. */
    format: Type.Optional(Type.Enum(['json', 'xlsx'])),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type DeviceQuery = Static<typeof DeviceQuery>;

const StateCounts = {
  total: Type.Integer(),
  online: Type.Integer(),
  offline: Type.Integer(),
  alarm: Type.Integer(),
  fault: Type.Integer(),
  disabled: Type.Integer(),
  batteryLow: Type.Integer(),
};
export const DeviceStats = Type.Object({
  ...StateCounts,
  byType: Type.Array(Type.Object({ type: Type.Enum(DEVICE_TYPES), ...StateCounts })),
});
export type DeviceStats = Static<typeof DeviceStats>;

export const DeviceImportRowError = Type.Object({
  row: Type.Integer(),
  field: Type.String(),
  message: Type.String(),
  /** The same in Chinese. */
  messageZh: Type.String(),
});
export const DeviceImportResult = Type.Object({
  ok: Type.Boolean(),
  created: Type.Integer(),
  updated: Type.Integer(),
  rows: Type.Integer(),
  errors: Type.Array(DeviceImportRowError),
});
export type DeviceImportResult = Static<typeof DeviceImportResult>;

export const Incident = Type.Object({
  id: Uuid,
  category: CategoryCodeSchema,
  kind: Type.Enum(EVENT_KINDS),
  severity: SeveritySchema,
  status: Type.Enum(INCIDENT_STATUSES),
  title: Type.String(),
  storm: Type.Boolean(),
  eventCount: Type.Integer(),
  deviceCount: Type.Integer(),
  firstSeenAt: Timestamp,
  lastSeenAt: Timestamp,
  gridId: Nullable(Uuid),
  communityId: Nullable(Uuid),
  location: Nullable(LngLat),
  caseId: Nullable(Uuid),
  caseNumber: Nullable(Type.String()),
});
export type Incident = Static<typeof Incident>;

export const IncidentQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(INCIDENT_STATUSES)),
    category: Type.Optional(CategoryCodeSchema),
    severity: Type.Optional(SeveritySchema),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type IncidentQuery = Static<typeof IncidentQuery>;

export const GovEvent = Type.Object({
  id: Uuid,
  sourceName: Type.String(),
  kind: Type.Enum(EVENT_KINDS),
  category: CategoryCodeSchema,
  severity: SeveritySchema,
  title: Type.String(),
  description: Nullable(Type.String()),
  address: Nullable(Type.String()),
  deviceCode: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
  photos: Type.Array(Type.String()),
  occurredAt: Timestamp,
  receivedAt: Timestamp,
});
export type GovEvent = Static<typeof GovEvent>;

export const CaseSummary = Type.Object({
  id: Uuid,
  number: Type.String(),
  title: Type.String(),
  category: CategoryCodeSchema,
  linkage: Type.Enum(LINKAGES),
  severity: SeveritySchema,
  stage: CaseStageSchema,
  sourceName: Nullable(Type.String()),
  gridId: Nullable(Uuid),
  gridName: Nullable(Type.String()),
  communityId: Nullable(Uuid),
  communityName: Nullable(Type.String()),
  address: Nullable(Type.String()),
  location: Nullable(LngLat),
  createdAt: Timestamp,
  slaClock: Type.Enum(SLA_CLOCKS),
  responseDueAt: Nullable(Timestamp),
  resolveDueAt: Nullable(Timestamp),
  respondedAt: Nullable(Timestamp),
  closedAt: Nullable(Timestamp),
  /** 0 none, 1 reminded, 2+ escalated (督办) that many times. */
  escalationLevel: Type.Integer(),
  overdue: Type.Boolean(),
  eventCount: Type.Integer(),
  version: Type.Integer(),
});
export type CaseSummary = Static<typeof CaseSummary>;

export const CaseQuery = Type.Object(
  {
    stage: Type.Optional(Type.Union([CaseStageSchema, Type.Enum(['open', 'active', 'all'])])),
    linkage: Type.Optional(Type.Enum(LINKAGES)),
    category: Type.Optional(CategoryCodeSchema),
    severity: Type.Optional(SeveritySchema),
    communityId: Type.Optional(Uuid),
    gridId: Type.Optional(Uuid),
    q: Type.Optional(Type.String({ maxLength: 50 })),
    overdue: Type.Optional(Type.Boolean()),
    /** Only cases with a task for me or my unit (grid workers, department staff). */
    mine: Type.Optional(Type.Boolean()),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type CaseQuery = Static<typeof CaseQuery>;

export const CaseTask = Type.Object({
  id: Uuid,
  organisationId: Nullable(Uuid),
  organisationName: Nullable(Type.String()),
  unitType: Nullable(Type.Enum(UNIT_TYPES)),
  assigneeAccountId: Nullable(Uuid),
  assigneeName: Nullable(Type.String()),
  state: Type.Enum(TASK_STATES),
  dueAt: Nullable(Timestamp),
  instructions: Nullable(Type.String()),
  result: Nullable(Type.String()),
  photos: Type.Array(Type.String()),
  acceptedAt: Nullable(Timestamp),
  completedAt: Nullable(Timestamp),
});
export type CaseTask = Static<typeof CaseTask>;

export const TimelineEntry = Type.Object({
  id: Uuid,
  at: Timestamp,
  actorName: Nullable(Type.String()),
  actorRole: Nullable(Type.String()),
  action: Type.String(),
  fromStage: Nullable(CaseStageSchema),
  toStage: Nullable(CaseStageSchema),
  note: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
});
export type TimelineEntry = Static<typeof TimelineEntry>;

export const CaseDetail = Type.Object({
  ...CaseSummary.properties,
  description: Nullable(Type.String()),
  photos: Type.Array(Type.String()),
  reporterName: Nullable(Type.String()),
  reporterPhone: Nullable(Type.String()),
  duplicateOf: Nullable(Type.Object({ id: Uuid, number: Type.String() })),
  duplicates: Type.Array(Type.Object({ id: Uuid, number: Type.String() })),
  incidentId: Nullable(Uuid),
  rating: Nullable(Type.Integer()),
  ratingComment: Nullable(Type.String()),
  tasks: Type.Array(CaseTask),
  timeline: Type.Array(TimelineEntry),
  events: Type.Array(GovEvent),
  allowedMoves: Type.Array(CaseMoveSchema),
});
export type CaseDetail = Static<typeof CaseDetail>;

export const DispatchTarget = Type.Object(
  {
    organisationId: Type.Optional(Uuid),
    assigneeAccountId: Type.Optional(Uuid),
    instructions: Type.Optional(Type.String({ maxLength: 1000 })),
    dueAt: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

export const CaseMoveRequest = Type.Object(
  {
    move: CaseMoveSchema,
    /** The version the caller saw; a stale one is refused with 409. */
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    /** dispatch / transfer: the units and people, each with its own sub-task. */
    targets: Type.Optional(Type.Array(DispatchTarget, { minItems: 1, maxItems: 10 })),
    /** mark_duplicate: the case this one repeats. */
    duplicateOf: Type.Optional(Uuid),
    /** evaluate */
    rating: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    /** accept / triage corrections */
    category: Type.Optional(CategoryCodeSchema),
    severity: Type.Optional(SeveritySchema),
  },
  { additionalProperties: false },
);
export type CaseMoveRequest = Static<typeof CaseMoveRequest>;

export const TaskActionRequest = Type.Object(
  {
    action: Type.Enum(['accept', 'complete', 'return']),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    result: Type.Optional(Type.String({ maxLength: 2000 })),
    photos: Type.Optional(Type.Array(Uuid, { maxItems: 9 })),
  },
  { additionalProperties: false },
);
export type TaskActionRequest = Static<typeof TaskActionRequest>;

export const CaseNoteRequest = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);

export const DuplicateSuggestion = Type.Object({
  case: CaseSummary,
  distanceM: Type.Number(),
  minutesApart: Type.Number(),
});
export type DuplicateSuggestion = Static<typeof DuplicateSuggestion>;

/** A report from the resident page or entered by staff (grid worker's patrol, a walk-in). */
export const ReportRequest = Type.Object(
  {
    category: CategoryCodeSchema,
    description: Type.String({ minLength: 2, maxLength: 2000 }),
    title: Type.Optional(Type.String({ maxLength: 120 })),
    location: Type.Optional(LngLat),
    address: Type.Optional(Type.String({ maxLength: 300 })),
    photos: Type.Optional(Type.Array(Uuid, { maxItems: 9 })),
    severity: Type.Optional(SeveritySchema),
    /** Staff entry on behalf of a caller. */
    reporterName: Type.Optional(Type.String({ maxLength: 50 })),
    reporterPhone: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);
export type ReportRequest = Static<typeof ReportRequest>;

export const ReportAccepted = Type.Object({
  caseId: Uuid,
  caseNumber: Type.String(),
  stage: CaseStageSchema,
});
export type ReportAccepted = Static<typeof ReportAccepted>;

export const MyReport = Type.Object({
  id: Uuid,
  number: Type.String(),
  title: Type.String(),
  category: CategoryCodeSchema,
  stage: CaseStageSchema,
  createdAt: Timestamp,
  closedAt: Nullable(Timestamp),
  rating: Nullable(Type.Integer()),
  canRate: Type.Boolean(),
  duplicateOf: Nullable(Type.Object({ id: Uuid, number: Type.String(), stage: CaseStageSchema })),
  lastUpdate: Nullable(Type.Object({ at: Timestamp, action: Type.String(), note: Nullable(Type.String()) })),
});
export type MyReport = Static<typeof MyReport>;

export const EvaluateRequest = Type.Object(
  {
    rating: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type EvaluateRequest = Static<typeof EvaluateRequest>;

export const DispatchUnit = Type.Object({
  organisationId: Uuid,
  name: Type.String(),
  unitType: Type.Enum(UNIT_TYPES),
  openTasks: Type.Integer(),
});
export type DispatchUnit = Static<typeof DispatchUnit>;

export const GridWorkerOption = Type.Object({
  accountId: Uuid,
  name: Type.String(),
  communityId: Nullable(Uuid),
  openTasks: Type.Integer(),
});

export const DispatchOptions = Type.Object({
  units: Type.Array(DispatchUnit),
  gridWorkers: Type.Array(GridWorkerOption),
  /** The units the case's category suggests, in order. */
  suggestedUnitTypes: Type.Array(Type.Enum(UNIT_TYPES)),
});
export type DispatchOptions = Static<typeof DispatchOptions>;

export const KpiQuery = Type.Object(
  {
    groupBy: Type.Optional(Type.Enum(['grid', 'community', 'unit'], { default: 'community' })),
    from: Type.Optional(Type.String({ format: 'date' })),
    to: Type.Optional(Type.String({ format: 'date' })),
    format: Type.Optional(Type.Enum(['json', 'xlsx'])),
  },
  { additionalProperties: false },
);
export type KpiQuery = Static<typeof KpiQuery>;

export const KpiRow = Type.Object({
  key: Type.String(),
  name: Type.String(),
  cases: Type.Integer(),
  responded: Type.Integer(),
  respondedOnTime: Type.Integer(),
  closed: Type.Integer(),
  closedOnTime: Type.Integer(),
  rated: Type.Integer(),
  satisfied: Type.Integer(),
  /** 响应率, 按时办结率, 解决率, 满意率: shares from 0 to 1, null when nothing to divide. */
  responseRate: Nullable(Type.Number()),
  onTimeCloseRate: Nullable(Type.Number()),
  resolutionRate: Nullable(Type.Number()),
  satisfactionRate: Nullable(Type.Number()),
  meanMinutesToDispatch: Nullable(Type.Number()),
  meanMinutesToClose: Nullable(Type.Number()),
});
export type KpiRow = Static<typeof KpiRow>;

export const KpiReport = Type.Object({
  groupBy: Type.String(),
  from: Type.String(),
  to: Type.String(),
  rows: Type.Array(KpiRow),
  total: KpiRow,
});
export type KpiReport = Static<typeof KpiReport>;

export const Overview = Type.Object({
  at: Timestamp,
  devices: DeviceStats,
  cameras: Type.Object({ total: Type.Integer(), online: Type.Integer(), alarm: Type.Integer() }),
  casesToday: Type.Object({
    total: Type.Integer(),
    byStage: Type.Array(Type.Object({ stage: CaseStageSchema, count: Type.Integer() })),
    byLinkage: Type.Array(Type.Object({ linkage: Type.Enum(LINKAGES), count: Type.Integer() })),
  }),
  onTime: Type.Object({
    responseRate: Nullable(Type.Number()),
    onTimeCloseRate: Nullable(Type.Number()),
    satisfactionRate: Nullable(Type.Number()),
  }),
  topCategories: Type.Array(Type.Object({ category: CategoryCodeSchema, count: Type.Integer() })),
  openIncidents: Type.Array(Incident),
  sources: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      health: SourceHealth,
      lastMessageAt: Nullable(Timestamp),
    }),
  ),
  broker: Type.Object({
    state: Type.Enum(['connecting', 'connected', 'disconnected', 'stopped', 'disabled']),
    since: Nullable(Timestamp),
    lastError: Nullable(Type.String()),
  }),
});
export type Overview = Static<typeof Overview>;

export const DeadLetter = Type.Object({
  id: Uuid,
  sourceId: Nullable(Uuid),
  sourceName: Nullable(Type.String()),
  channel: Type.String(),
  reason: Type.String(),
  topic: Nullable(Type.String()),
  contentType: Nullable(Type.String()),
  status: Type.Enum(['open', 'replayed', 'discarded']),
  receivedAt: Timestamp,
  replayedAt: Nullable(Timestamp),
  replayResult: Nullable(Type.String()),
  /** The message as received; only in the detail view. */
  payload: Type.Optional(Type.String()),
});
export type DeadLetter = Static<typeof DeadLetter>;

export const DeadLetterQuery = Type.Object(
  { status: Type.Optional(Type.Enum(['open', 'replayed', 'discarded'])), ...PageQuery },
  { additionalProperties: false },
);

export const ReplayRequest = Type.Object(
  {
    /** A corrected payload; the stored one is replayed when absent. */
    payload: Type.Optional(Type.String({ maxLength: 65536 })),
  },
  { additionalProperties: false },
);

export const ReplayResult = Type.Object({
  status: Type.Enum(['accepted', 'duplicate', 'dead_letter', 'unknown_device', 'heartbeat']),
  reason: Nullable(Type.String()),
  caseNumber: Nullable(Type.String()),
});
export type ReplayResult = Static<typeof ReplayResult>;

export const UnknownDevice = Type.Object({
  sourceName: Type.String(),
  deviceCode: Type.String(),
  messageCount: Type.Integer(),
  firstSeenAt: Timestamp,
  lastSeenAt: Timestamp,
  lastPayload: Type.String(),
});
export type UnknownDevice = Static<typeof UnknownDevice>;

export const Attachment = Type.Object({
  id: Uuid,
  contentType: Type.String(),
  sizeBytes: Type.Integer(),
  url: Type.String(),
});
export type Attachment = Static<typeof Attachment>;

export const Category = Type.Object({
  code: CategoryCodeSchema,
  zh: Type.String(),
  en: Type.String(),
  linkage: Type.Enum(LINKAGES),
  severity: SeveritySchema,
});

import type {
  CaseStage,
  CaseSummary,
  CategoryCode,
  DeviceState,
  Incident,
  Severity,
} from '@jiedao/contracts';
import {
  CASE_STAGES,
  CATEGORY_CODES,
  categoryOf,
  DEVICE_STATES,
  SEVERITIES,
} from '@jiedao/contracts/constants';
import { isRecord, member, parseRecord, text } from '../api/payload';

/** The event names of GET /api/governance/stream. */
export const STREAM_TOPICS = [
  'incident.created',
  'incident.updated',
  'case.created',
  'case.updated',
  'device.state',
] as const;
export type StreamTopic = (typeof STREAM_TOPICS)[number];

/** An incident as the screen draws it: the fields an `Incident` and an `incident.created` event share. */
export interface LiveIncident {
  id: string;
  category: CategoryCode;
  severity: Severity;
  title: string;
  location: { lng: number; lat: number } | null;
  caseNumber: string | null;
  /** When it was first seen, ISO 8601. */
  at: string;
}

/**
 * What a stream message means to the web app. The payloads are not part of the API contract, so each
 * one is read defensively: anything unrecognised becomes `null` and the page simply refetches.
 */
export type StreamEvent =
  | {
      topic: 'case.created' | 'case.updated';
      caseId: string;
      number: string | null;
      stage: CaseStage | null;
      /** Present when the server sent a whole summary: the row can be patched without a refetch. */
      summary: CaseSummary | null;
      /** What a new case is about, when the event says (enough to show a row before it is fetched). */
      title: string | null;
      category: CategoryCode | null;
      severity: Severity | null;
      communityId: string | null;
    }
  | { topic: 'incident.created'; incident: LiveIncident; caseId: string | null }
  | { topic: 'incident.updated'; id: string; lastSeenAt: string | null }
  | { topic: 'device.state'; deviceId: string; state: DeviceState; batteryLow: boolean };

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** `{ location: { lng, lat } }` (an Incident) or top-level `lng`/`lat` (the intake's event). */
function readLocation(record: Record<string, unknown>): { lng: number; lat: number } | null {
  const nested = isRecord(record.location) ? record.location : record;
  const lng = finite(nested.lng);
  const lat = finite(nested.lat);
  return lng !== null && lat !== null ? { lng, lat } : null;
}

/** Whether a payload carries every field of a case summary the queue shows. */
export function isCaseSummary(value: unknown): value is CaseSummary {
  if (!isRecord(value)) return false;
  return (
    text(value.id) !== null &&
    text(value.number) !== null &&
    typeof value.title === 'string' &&
    member(CATEGORY_CODES, value.category) !== null &&
    member(SEVERITIES, value.severity) !== null &&
    member(CASE_STAGES, value.stage) !== null &&
    typeof value.createdAt === 'string' &&
    typeof value.version === 'number' &&
    typeof value.escalationLevel === 'number' &&
    'responseDueAt' in value &&
    'resolveDueAt' in value &&
    'respondedAt' in value &&
    'closedAt' in value
  );
}

/** Reads one stream message; `null` for unknown topics and payloads that make no sense. */
export function parseStreamEvent(topic: string, data: string): StreamEvent | null {
  const payload = parseRecord(data);
  if (!payload) return null;
  switch (topic) {
    case 'case.created':
    case 'case.updated': {
      const caseId = text(payload.id) ?? text(payload.caseId);
      if (caseId === null) return null;
      return {
        topic,
        caseId,
        number: text(payload.number),
        stage: member(CASE_STAGES, payload.stage),
        summary: isCaseSummary(payload) ? payload : null,
        title: typeof payload.title === 'string' ? payload.title : null,
        category: member(CATEGORY_CODES, payload.category),
        severity: member(SEVERITIES, payload.severity),
        communityId: text(payload.communityId),
      };
    }
    case 'incident.created': {
      const id = text(payload.id);
      const category = member(CATEGORY_CODES, payload.category);
      const severity = member(SEVERITIES, payload.severity);
      if (id === null || category === null || severity === null) return null;
      return {
        topic,
        caseId: text(payload.caseId),
        incident: {
          id,
          category,
          severity,
          title: typeof payload.title === 'string' ? payload.title : '',
          location: readLocation(payload),
          caseNumber: text(payload.caseNumber),
          at: text(payload.occurredAt) ?? text(payload.firstSeenAt) ?? new Date().toISOString(),
        },
      };
    }
    case 'incident.updated': {
      const id = text(payload.id);
      return id === null ? null : { topic, id, lastSeenAt: text(payload.lastSeenAt) };
    }
    case 'device.state': {
      const deviceId = text(payload.deviceId) ?? text(payload.id);
      const state = member(DEVICE_STATES, payload.state);
      if (deviceId === null || state === null) return null;
      return { topic, deviceId, state, batteryLow: payload.batteryLow === true };
    }
    default:
      return null;
  }
}

/** An API incident in the screen's shape. */
export function toLiveIncident(incident: Incident): LiveIncident {
  return {
    id: incident.id,
    category: incident.category,
    severity: incident.severity,
    title: incident.title,
    location: incident.location,
    caseNumber: incident.caseNumber,
    at: incident.firstSeenAt,
  };
}

/**
 * The incidents the screen shows: the last overview (authoritative as of its fetch) plus those the
 * stream announced since that fetch started and the overview did not include yet. Newest first.
 */
export function reconcileIncidents(
  fromOverview: readonly LiveIncident[],
  live: readonly { incident: LiveIncident; receivedAt: number }[],
  overviewRequestedAt: number,
): LiveIncident[] {
  const known = new Set(fromOverview.map((incident) => incident.id));
  const extra = live
    .filter((entry) => entry.receivedAt >= overviewRequestedAt && !known.has(entry.incident.id))
    .map((entry) => entry.incident);
  const seen = new Set<string>();
  return [...extra, ...fromOverview]
    .filter((incident) => {
      if (seen.has(incident.id)) return false;
      seen.add(incident.id);
      return true;
    })
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
}

/** Ids in the new page that were not in the previous one: the rows to highlight. None on a first load. */
export function newRowIds(
  previous: readonly { id: string }[] | undefined,
  next: readonly { id: string }[],
): string[] {
  if (previous === undefined) return [];
  const before = new Set(previous.map((item) => item.id));
  return next.filter((item) => !before.has(item.id)).map((item) => item.id);
}

/**
 * Applies what a `case.updated` event says to the rows on screen, so the stage changes at once while
 * the refetch (which also re-applies the filters) is on its way. A whole summary replaces the row
 * unless it is older than what is shown; a bare stage change updates the stage. Unknown ids are left
 * to the refetch. Returns the same array when nothing changed.
 */
export function patchCaseRows(rows: readonly CaseSummary[], event: StreamEvent): readonly CaseSummary[] {
  if (event.topic !== 'case.updated' && event.topic !== 'case.created') return rows;
  const index = rows.findIndex((row) => row.id === event.caseId);
  if (index < 0) return rows;
  const current = rows[index];
  if (!current) return rows;
  let replacement: CaseSummary | null = null;
  if (event.summary && event.summary.version >= current.version) replacement = event.summary;
  else if (!event.summary && event.stage && event.stage !== current.stage)
    replacement = { ...current, stage: event.stage };
  if (!replacement) return rows;
  const copy = [...rows];
  copy[index] = replacement;
  return copy;
}

/** Highlight expiry times by row id. */
export type Highlights = ReadonlyMap<string, number>;

/** Marks rows as new until `now + ttlMs`, dropping marks that have run out. */
export function addHighlights(
  highlights: Highlights,
  ids: readonly string[],
  now: number,
  ttlMs: number,
): Highlights {
  const next = new Map<string, number>();
  for (const [id, until] of highlights) if (until > now) next.set(id, until);
  for (const id of ids) next.set(id, now + ttlMs);
  return next;
}

export function isHighlighted(highlights: Highlights, id: string, now: number): boolean {
  return (highlights.get(id) ?? 0) > now;
}

/**
 * A queue row made from a `case.created` event alone, shown the moment the event arrives; the
 * case's full summary replaces it once fetched. `null` when the event lacks what a row needs.
 */
export function provisionalCase(event: StreamEvent, receivedAt: string): CaseSummary | null {
  if (event.topic !== 'case.created') return null;
  if (event.summary) return event.summary;
  const { caseId, number, stage, title, category, severity } = event;
  const definition = category ? categoryOf(category) : undefined;
  if (!number || !stage || title === null || !category || !severity || !definition) return null;
  return {
    id: caseId,
    number,
    title,
    category,
    linkage: definition.linkage,
    severity,
    stage,
    sourceName: null,
    gridId: null,
    gridName: null,
    communityId: event.communityId,
    communityName: null,
    address: null,
    location: null,
    createdAt: receivedAt,
    slaClock: definition.clock,
    responseDueAt: null,
    resolveDueAt: null,
    respondedAt: null,
    closedAt: null,
    escalationLevel: 0,
    overdue: false,
    eventCount: 1,
    // Version 0: any fetched summary (version ≥ 1) replaces it.
    version: 0,
  };
}

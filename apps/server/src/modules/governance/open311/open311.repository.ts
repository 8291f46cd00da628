import type { SourceMapping } from '@jiedao/contracts/constants';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../../platform/database/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Cases Open311 shows: residents' own requests (Open311, the mobile page and desk, the 12345
 * hotline). Police and fire alarms, device alarms, patrol findings and district tasks are the
 * command center's internal work and stay out of a public, key-less read.
 */
export const PUBLIC_MAPPINGS: readonly SourceMapping[] = ['open311', 'resident_report', 'hotline_12345'];

/** Stages a GeoReport client sees as `closed`; every other stage is `open`. */
export const CLOSED_STAGES = ['closed', 'evaluation', 'duplicate'] as const;

/** Task states whose unit is (or was) responsible; returned and cancelled tasks no longer count. */
const RESPONSIBLE_TASK_STATES = ['pending', 'accepted', 'done'];

/** The Open311 source holding an API key (by its hash), in whichever tenant it is. */
export function findSourceByApiKeyHash(db: Db, apiKeyHash: string) {
  return db
    .selectFrom('eventSource as s')
    .innerJoin('tenant as t', 't.id', 's.tenantId')
    .select(['s.tenantId', 't.code as tenantCode', 's.code'])
    .where('s.apiKeyHash', '=', apiKeyHash)
    .where('s.channel', '=', 'open311')
    .executeTakeFirst();
}

export function findBuilding(db: Db, tenantId: string, buildingId: string) {
  return db
    .selectFrom('building')
    .select(['id', 'address', 'lng', 'lat'])
    .where('tenantId', '=', tenantId)
    .where('id', '=', buildingId)
    .executeTakeFirst();
}

function publicCases(db: Db, tenantId: string) {
  return db
    .selectFrom('govCase as c')
    .innerJoin('eventSource as s', (join) =>
      join.onRef('s.tenantId', '=', 'c.tenantId').onRef('s.id', '=', 'c.sourceId'),
    )
    .where('c.tenantId', '=', tenantId)
    .where('s.mapping', 'in', PUBLIC_MAPPINGS);
}

export interface RequestFilter {
  numbers?: string[];
  categories?: string[];
  from?: Date;
  to?: Date;
  /** Both, or only `open` or only `closed`. */
  status?: 'open' | 'closed';
}

/** Public cases, newest first, with the last explanatory note of each. */
export function listPublicCases(
  db: Db,
  tenantId: string,
  filter: RequestFilter,
  window: { limit: number; offset: number },
) {
  let query = publicCases(db, tenantId);
  if (filter.numbers) query = query.where('c.number', 'in', filter.numbers);
  if (filter.categories) query = query.where('c.category', 'in', filter.categories);
  if (filter.from) query = query.where('c.createdAt', '>=', filter.from);
  if (filter.to) query = query.where('c.createdAt', '<=', filter.to);
  if (filter.status === 'closed') query = query.where('c.stage', 'in', CLOSED_STAGES);
  if (filter.status === 'open') query = query.where('c.stage', 'not in', CLOSED_STAGES);
  return query
    .select([
      'c.id',
      'c.number',
      'c.category',
      'c.severity',
      'c.stage',
      'c.description',
      'c.address',
      'c.buildingId',
      'c.lng',
      'c.lat',
      'c.photos',
      'c.createdAt',
      'c.updatedAt',
      'c.resolveDueAt',
      's.channel',
      // The creation entry's note only names the intake source; status notes explain later changes.
      (eb) =>
        eb
          .selectFrom('caseTimeline as t')
          .select('t.note')
          .whereRef('t.tenantId', '=', 'c.tenantId')
          .whereRef('t.caseId', '=', 'c.id')
          .where('t.note', 'is not', null)
          .where('t.action', '<>', 'created')
          .orderBy('t.at', 'desc')
          .orderBy('t.id', 'desc')
          .limit(1)
          .as('statusNotes'),
    ])
    .orderBy('c.createdAt', 'desc')
    .orderBy('c.id', 'desc')
    .limit(window.limit)
    .offset(window.offset)
    .execute();
}

export type PublicCaseRow = Awaited<ReturnType<typeof listPublicCases>>[number];

export function findPublicCase(db: Db, tenantId: string, number: string) {
  return publicCases(db, tenantId)
    .select(['c.id', 'c.number', 'c.stage'])
    .where('c.number', '=', number)
    .executeTakeFirst();
}

/** The units (organisations) responsible for each case: those with a live or finished task. */
export async function listAgencies(db: Db, tenantId: string, caseIds: string[]) {
  if (caseIds.length === 0) return [];
  return db
    .selectFrom('caseTask as t')
    .innerJoin('organisation as o', (join) =>
      join.onRef('o.tenantId', '=', 't.tenantId').onRef('o.id', '=', 't.organisationId'),
    )
    .select(['t.caseId', 'o.name'])
    .where('t.tenantId', '=', tenantId)
    .where('t.caseId', 'in', caseIds)
    .where('t.state', 'in', RESPONSIBLE_TASK_STATES)
    .orderBy('t.createdAt')
    .execute();
}

/** The case a token (the id of the event an Open311 request became) led to, if any yet. */
export function findTokenCase(db: Db, tenantId: string, eventId: string) {
  return db
    .selectFrom('govEvent as e')
    .innerJoin('eventSource as s', (join) =>
      join.onRef('s.tenantId', '=', 'e.tenantId').onRef('s.id', '=', 'e.sourceId'),
    )
    .leftJoin('incident as i', (join) =>
      join.onRef('i.tenantId', '=', 'e.tenantId').onRef('i.id', '=', 'e.incidentId'),
    )
    .leftJoin('govCase as c', (join) =>
      join.onRef('c.tenantId', '=', 'i.tenantId').onRef('c.id', '=', 'i.caseId'),
    )
    .select(['e.id', 'c.number'])
    .where('e.tenantId', '=', tenantId)
    .where('e.id', '=', eventId)
    .where('s.channel', '=', 'open311')
    .executeTakeFirst();
}

export interface UpdateFilter {
  numbers?: string[];
  from: Date;
  to: Date;
}

/**
 * Timeline entries of public cases, oldest first (clients poll forward from a start_date), each
 * with the stage the case was in after it: the entry's own target stage, else the latest before it.
 */
export function listUpdates(
  db: Db,
  tenantId: string,
  filter: UpdateFilter,
  window: { limit: number; offset: number },
) {
  let query = db
    .selectFrom('caseTimeline as t')
    .innerJoin('govCase as c', (join) =>
      join.onRef('c.tenantId', '=', 't.tenantId').onRef('c.id', '=', 't.caseId'),
    )
    .innerJoin('eventSource as s', (join) =>
      join.onRef('s.tenantId', '=', 'c.tenantId').onRef('s.id', '=', 'c.sourceId'),
    )
    .where('t.tenantId', '=', tenantId)
    .where('s.mapping', 'in', PUBLIC_MAPPINGS)
    .where('t.at', '>=', filter.from)
    .where('t.at', '<=', filter.to);
  if (filter.numbers) query = query.where('c.number', 'in', filter.numbers);
  return query
    .select([
      't.id',
      'c.number',
      't.action',
      't.toStage',
      't.note',
      't.data',
      't.at',
      (eb) =>
        eb
          .selectFrom('caseTimeline as p')
          .select('p.toStage')
          .whereRef('p.tenantId', '=', 't.tenantId')
          .whereRef('p.caseId', '=', 't.caseId')
          .where('p.toStage', 'is not', null)
          .where(sql<boolean>`(p.at, p.id) <= (t.at, t.id)`)
          .orderBy('p.at', 'desc')
          .orderBy('p.id', 'desc')
          .limit(1)
          .as('stageAfter'),
    ])
    .orderBy('t.at')
    .orderBy('t.id')
    .limit(window.limit)
    .offset(window.offset)
    .execute();
}

export type UpdateRow = Awaited<ReturnType<typeof listUpdates>>[number];

/** A note from an Open311 client on a case's timeline. */
export async function insertTimelineNote(
  db: Db,
  entry: {
    tenantId: string;
    id: string;
    caseId: string;
    at: Date;
    actorName: string;
    note: string;
    data: Record<string, unknown>;
  },
): Promise<void> {
  await db
    .insertInto('caseTimeline')
    .values({
      tenantId: entry.tenantId,
      id: entry.id,
      caseId: entry.caseId,
      at: entry.at,
      actorAccountId: null,
      actorName: entry.actorName,
      actorRole: 'open311',
      action: 'note',
      fromStage: null,
      toStage: null,
      note: entry.note,
      data: JSON.stringify(entry.data),
    })
    .execute();
}

import type { CaseQuery } from '@jiedao/contracts';
import { ACTIVE_CASE_STAGES, OPEN_CASE_STAGES } from '@jiedao/contracts/constants';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../platform/database/schema.js';
import { containsPattern } from '../../platform/database/like.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Most severe first, as an ORDER BY term over a severity column. */
export function severityRank(column: 'c.severity' | 'i.severity') {
  return sql`case ${sql.ref(column)} when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end`;
}

/** Case rows with the names a list shows (grid, community, source) and the incident's event count. */
function caseSummaries(db: Db, tenantId: string) {
  return db
    .selectFrom('govCase as c')
    .leftJoin('grid as g', (join) =>
      join.onRef('g.tenantId', '=', 'c.tenantId').onRef('g.id', '=', 'c.gridId'),
    )
    .leftJoin('community as cm', (join) =>
      join.onRef('cm.tenantId', '=', 'c.tenantId').onRef('cm.id', '=', 'c.communityId'),
    )
    .leftJoin('eventSource as s', (join) =>
      join.onRef('s.tenantId', '=', 'c.tenantId').onRef('s.id', '=', 'c.sourceId'),
    )
    .leftJoin('incident as i', (join) =>
      join.onRef('i.tenantId', '=', 'c.tenantId').onRef('i.id', '=', 'c.incidentId'),
    )
    .where('c.tenantId', '=', tenantId)
    .select([
      'c.id',
      'c.number',
      'c.title',
      'c.category',
      'c.linkage',
      'c.severity',
      'c.stage',
      's.name as sourceName',
      'c.gridId',
      'g.name as gridName',
      'c.communityId',
      'cm.name as communityName',
      'c.address',
      'c.lng',
      'c.lat',
      'c.createdAt',
      'c.slaClock',
      'c.responseDueAt',
      'c.resolveDueAt',
      'c.respondedAt',
      'c.closedAt',
      'c.escalationLevel',
      'c.version',
      'i.eventCount',
    ]);
}

export type CaseSummaryRow = Awaited<ReturnType<ReturnType<typeof caseSummaries>['executeTakeFirstOrThrow']>>;

export async function listCases(
  db: Db,
  tenantId: string,
  query: CaseQuery & { taskFor?: { accountId: string; organisationIds: string[] } },
  window: { limit: number; offset: number },
  now: Date,
): Promise<{ rows: CaseSummaryRow[]; total: number }> {
  let base = db.selectFrom('govCase as c').where('c.tenantId', '=', tenantId);
  const stage = query.stage ?? 'open';
  if (stage === 'open') base = base.where('c.stage', 'in', OPEN_CASE_STAGES);
  else if (stage === 'active') base = base.where('c.stage', 'in', ACTIVE_CASE_STAGES);
  else if (stage !== 'all') base = base.where('c.stage', '=', stage);
  if (query.linkage) base = base.where('c.linkage', '=', query.linkage);
  if (query.category) base = base.where('c.category', '=', query.category);
  if (query.severity) base = base.where('c.severity', '=', query.severity);
  if (query.communityId) base = base.where('c.communityId', '=', query.communityId);
  if (query.gridId) base = base.where('c.gridId', '=', query.gridId);
  if (query.q) {
    const pattern = containsPattern(query.q);
    base = base.where((eb) =>
      eb.or([
        eb('c.title', 'ilike', pattern),
        eb('c.number', 'ilike', pattern),
        eb('c.address', 'ilike', pattern),
      ]),
    );
  }
  if (query.overdue)
    base = base.where((eb) =>
      eb.or([
        eb.and([eb('c.respondedAt', 'is', null), eb('c.responseDueAt', '<', now)]),
        eb.and([eb('c.closedAt', 'is', null), eb('c.resolveDueAt', '<', now)]),
      ]),
    );
  const taskFor = query.taskFor;
  if (taskFor)
    base = base.where((eb) =>
      eb.exists(
        eb
          .selectFrom('caseTask as t')
          .select(sql`1`.as('one'))
          .whereRef('t.tenantId', '=', 'c.tenantId')
          .whereRef('t.caseId', '=', 'c.id')
          .where((inner) =>
            inner.or([
              inner('t.assigneeAccountId', '=', taskFor.accountId),
              ...(taskFor.organisationIds.length > 0
                ? [inner('t.organisationId', 'in', taskFor.organisationIds)]
                : []),
            ]),
          ),
      ),
    );
  const ids = base.select('c.id');
  const [rows, count] = await Promise.all([
    caseSummaries(db, tenantId)
      .where('c.id', 'in', ids)
      // Cases still in the loop before those waiting for a rating or suspended; then the deadline
      // that runs now (response until someone responded, then resolution), overdue first; then
      // severity; then the newest.
      .orderBy(sql`case when c.stage in (${sql.join(ACTIVE_CASE_STAGES)}) then 0 else 1 end`)
      .orderBy(sql`case when c.responded_at is null then c.response_due_at else c.resolve_due_at end`, 'asc')
      .orderBy(severityRank('c.severity'))
      .orderBy('c.createdAt', 'desc')
      .limit(window.limit)
      .offset(window.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export function findCaseSummary(db: Db, tenantId: string, caseId: string) {
  return caseSummaries(db, tenantId).where('c.id', '=', caseId).executeTakeFirst();
}

export function findCase(db: Db, tenantId: string, caseId: string) {
  return db
    .selectFrom('govCase')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('id', '=', caseId)
    .executeTakeFirst();
}

export function lockCase(trx: Transaction<Database>, tenantId: string, caseId: string) {
  return trx
    .selectFrom('govCase')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('id', '=', caseId)
    .forUpdate()
    .executeTakeFirst();
}

export function listTasks(db: Db, tenantId: string, caseId: string) {
  return db
    .selectFrom('caseTask as t')
    .leftJoin('organisation as o', (join) =>
      join.onRef('o.tenantId', '=', 't.tenantId').onRef('o.id', '=', 't.organisationId'),
    )
    .leftJoin('dispatchUnit as u', (join) =>
      join.onRef('u.tenantId', '=', 't.tenantId').onRef('u.organisationId', '=', 't.organisationId'),
    )
    .leftJoin('account as a', (join) =>
      join.onRef('a.tenantId', '=', 't.tenantId').onRef('a.id', '=', 't.assigneeAccountId'),
    )
    .leftJoin('person as p', (join) =>
      join.onRef('p.tenantId', '=', 'a.tenantId').onRef('p.id', '=', 'a.personId'),
    )
    .where('t.tenantId', '=', tenantId)
    .where('t.caseId', '=', caseId)
    .select([
      't.id',
      't.organisationId',
      'o.name as organisationName',
      'u.unitType',
      't.assigneeAccountId',
      'p.name as assigneeName',
      't.state',
      't.dueAt',
      't.instructions',
      't.result',
      't.photos',
      't.acceptedAt',
      't.completedAt',
      't.createdAt',
    ])
    .orderBy('t.createdAt')
    .execute();
}

export function listTimeline(db: Db, tenantId: string, caseId: string) {
  return db
    .selectFrom('caseTimeline')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('caseId', '=', caseId)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

export function listCaseEvents(db: Db, tenantId: string, incidentId: string, limit = 50) {
  return db
    .selectFrom('govEvent as e')
    .innerJoin('eventSource as s', (join) =>
      join.onRef('s.tenantId', '=', 'e.tenantId').onRef('s.id', '=', 'e.sourceId'),
    )
    .leftJoin('device as d', (join) =>
      join.onRef('d.tenantId', '=', 'e.tenantId').onRef('d.id', '=', 'e.deviceId'),
    )
    .where('e.tenantId', '=', tenantId)
    .where('e.incidentId', '=', incidentId)
    .select([
      'e.id',
      's.name as sourceName',
      'e.kind',
      'e.category',
      'e.severity',
      'e.title',
      'e.description',
      'e.address',
      'd.code as deviceCode',
      'e.payload',
      'e.occurredAt',
      'e.receivedAt',
    ])
    .orderBy('e.receivedAt', 'desc')
    .limit(limit)
    .execute();
}

export function findCaseNumbers(db: Db, tenantId: string, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('govCase')
    .select(['id', 'number', 'stage'])
    .where('tenantId', '=', tenantId)
    .where('id', 'in', ids)
    .execute();
}

export function listDuplicatesOf(db: Db, tenantId: string, caseId: string) {
  return db
    .selectFrom('govCase')
    .select(['id', 'number'])
    .where('tenantId', '=', tenantId)
    .where('duplicateOf', '=', caseId)
    .orderBy('createdAt')
    .execute();
}

/** Open cases of a category near a point within a time window: a bounding box, refined by the caller. */
export function findNearbyCases(
  db: Db,
  tenantId: string,
  options: {
    category: string;
    excludeId: string;
    lng: number;
    lat: number;
    radiusM: number;
    since: Date;
    until: Date;
  },
) {
  const dLat = options.radiusM / 111_320;
  const dLng = options.radiusM / (111_320 * Math.cos((options.lat * Math.PI) / 180));
  return caseSummaries(db, tenantId)
    .where('c.category', '=', options.category)
    .where('c.id', '<>', options.excludeId)
    .where('c.stage', 'not in', ['duplicate'])
    .where('c.lng', '>=', options.lng - dLng)
    .where('c.lng', '<=', options.lng + dLng)
    .where('c.lat', '>=', options.lat - dLat)
    .where('c.lat', '<=', options.lat + dLat)
    .where('c.createdAt', '>=', options.since)
    .where('c.createdAt', '<=', options.until)
    .orderBy('c.createdAt', 'desc')
    .limit(50)
    .execute();
}

export function findPersonName(db: Db, tenantId: string, personId: string) {
  return db
    .selectFrom('person')
    .select('name')
    .where('tenantId', '=', tenantId)
    .where('id', '=', personId)
    .executeTakeFirst();
}

export function listDispatchUnits(db: Db, tenantId: string) {
  return db
    .selectFrom('dispatchUnit as u')
    .innerJoin('organisation as o', (join) =>
      join.onRef('o.tenantId', '=', 'u.tenantId').onRef('o.id', '=', 'u.organisationId'),
    )
    .where('u.tenantId', '=', tenantId)
    .select([
      'u.organisationId',
      'o.name',
      'u.unitType',
      (eb) =>
        eb
          .selectFrom('caseTask as t')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('t.tenantId', '=', 'u.tenantId')
          .whereRef('t.organisationId', '=', 'u.organisationId')
          .where('t.state', 'in', ['pending', 'accepted'])
          .as('openTasks'),
    ])
    .orderBy('o.name')
    .execute();
}

/** Accounts holding one of the roles, with their scope and open tasks. */
export function listAccountsWithRole(db: Db, tenantId: string, roles: string[]) {
  return db
    .selectFrom('roleAssignment as r')
    .innerJoin('account as a', (join) =>
      join.onRef('a.tenantId', '=', 'r.tenantId').onRef('a.id', '=', 'r.accountId'),
    )
    .innerJoin('person as p', (join) =>
      join.onRef('p.tenantId', '=', 'a.tenantId').onRef('p.id', '=', 'a.personId'),
    )
    .where('r.tenantId', '=', tenantId)
    .where('r.role', 'in', roles)
    .where('a.status', '=', 'active')
    .select([
      'a.id as accountId',
      'p.name',
      'r.role',
      'r.communityId',
      'r.organisationId',
      (eb) =>
        eb
          .selectFrom('caseTask as t')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('t.tenantId', '=', 'r.tenantId')
          .whereRef('t.assigneeAccountId', '=', 'a.id')
          .where('t.state', 'in', ['pending', 'accepted'])
          .as('openTasks'),
    ])
    .orderBy('p.name')
    .execute();
}

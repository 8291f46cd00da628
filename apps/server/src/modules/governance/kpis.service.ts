import type { Incident, IncidentQuery, KpiQuery, KpiReport, KpiRow, Overview } from '@jiedao/contracts';
import { CASE_STAGES, LINKAGES, type DeviceState, type DeviceType } from '@jiedao/contracts/constants';
import { sql } from 'kysely';
import { assertRole, type Actor } from '../../platform/auth/actor.js';
import { AppError } from '../../platform/errors.js';
import { buildWorkbook } from '../../platform/export/xlsx.js';
import { localDate, localMidnight } from '../../platform/local-date.js';
import { pageWindow } from '../../platform/http/paging.js';
import { severityRank } from './cases.repository.js';
import { COMMAND_ROLES } from './cases.service.js';
import type { Governance } from './governance.js';
import { listSources, type BrokerStatus } from './sources.service.js';

const DAY_MS = 86_400_000;
function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 1000;
}

interface Aggregate {
  key: string | null;
  name: string | null;
  cases: string | number;
  responded: string | number;
  respondedOnTime: string | number;
  closed: string | number;
  closedOnTime: string | number;
  resolved: string | number;
  rated: string | number;
  satisfied: string | number;
  minutesToDispatch: string | number | null;
  minutesToClose: string | number | null;
}

function toRow(aggregate: Aggregate): KpiRow {
  const n = (value: string | number | null) => Number(value ?? 0);
  const cases = n(aggregate.cases);
  const closed = n(aggregate.closed);
  const rated = n(aggregate.rated);
  return {
    key: aggregate.key ?? '',
    name: aggregate.name ?? '未划分',
    cases,
    responded: n(aggregate.responded),
    respondedOnTime: n(aggregate.respondedOnTime),
    closed,
    closedOnTime: n(aggregate.closedOnTime),
    rated,
    satisfied: n(aggregate.satisfied),
    responseRate: rate(n(aggregate.respondedOnTime), cases),
    onTimeCloseRate: rate(n(aggregate.closedOnTime), closed),
    resolutionRate: rate(n(aggregate.resolved), closed),
    satisfactionRate: rate(n(aggregate.satisfied), rated),
    meanMinutesToDispatch:
      aggregate.minutesToDispatch === null ? null : Math.round(Number(aggregate.minutesToDispatch)),
    meanMinutesToClose:
      aggregate.minutesToClose === null ? null : Math.round(Number(aggregate.minutesToClose)),
  };
}

/**
 * 三率 and times per grid, community or unit over cases opened in [from, to] (local dates):
 * 响应率 = responded on time ÷ cases; 按时办结率 = closed on time ÷ closed; 解决率 = closed and not
 * rated below 3 ÷ closed; 满意率 = rated 4 or 5 ÷ rated. Duplicates are not counted: their
 * surviving case is.
 */
export async function kpiReport(g: Governance, actor: Actor, query: KpiQuery): Promise<KpiReport> {
  assertRole(actor, COMMAND_ROLES);
  const to = query.to ?? localDate(new Date());
  const from = query.from ?? localDate(new Date(Date.now() - 29 * DAY_MS));
  if (from > to)
    throw new AppError('validation_failed', '"from" is after "to"', {
      errors: [{ field: '/query/from', message: 'must not be after to' }],
    });
  const groupBy = query.groupBy ?? 'community';
  const start = localMidnight(from);
  const end = new Date(localMidnight(to).getTime() + DAY_MS);
  const measures = sql`count(*) as cases,
    count(c.responded_at) as responded,
    count(*) filter (where c.responded_at <= c.response_due_at) as responded_on_time,
    count(c.closed_at) as closed,
    count(*) filter (where c.closed_at <= c.resolve_due_at) as closed_on_time,
    count(*) filter (where c.closed_at is not null and (c.rating is null or c.rating >= 3)) as resolved,
    count(c.rating) as rated,
    count(*) filter (where c.rating >= 4) as satisfied,
    avg(extract(epoch from (c.dispatched_at - c.created_at)) / 60) as minutes_to_dispatch,
    avg(extract(epoch from (c.closed_at - c.created_at)) / 60) as minutes_to_close`;
  const where = sql`c.tenant_id = ${actor.tenantId} and c.created_at >= ${start} and c.created_at < ${end} and c.stage <> 'duplicate'`;
  let grouped;
  if (groupBy === 'unit') {
    grouped = await sql<Aggregate>`select o.id::text as key, o.name as name, ${measures}
      from gov_case c
      join (select distinct tenant_id, case_id, organisation_id from case_task where organisation_id is not null) t
        on t.tenant_id = c.tenant_id and t.case_id = c.id
      join organisation o on o.tenant_id = t.tenant_id and o.id = t.organisation_id
      where ${where} group by o.id, o.name order by o.name`.execute(g.ctx.db);
  } else if (groupBy === 'grid') {
    grouped = await sql<Aggregate>`select gr.id::text as key, gr.name as name, ${measures}
      from gov_case c left join grid gr on gr.tenant_id = c.tenant_id and gr.id = c.grid_id
      where ${where} group by gr.id, gr.code, gr.name order by gr.code nulls last`.execute(g.ctx.db);
  } else {
    grouped = await sql<Aggregate>`select cm.id::text as key, cm.name as name, ${measures}
      from gov_case c left join community cm on cm.tenant_id = c.tenant_id and cm.id = c.community_id
      where ${where} group by cm.id, cm.code, cm.name order by cm.code nulls last`.execute(g.ctx.db);
  }
  const total =
    await sql<Aggregate>`select 'total' as key, '合计' as name, ${measures} from gov_case c where ${where}`.execute(
      g.ctx.db,
    );
  return { groupBy, from, to, rows: grouped.rows.map(toRow), total: toRow(total.rows[0]!) };
}

const percent = (value: number | null) => (value === null ? '' : `${(value * 100).toFixed(1)}%`);

export async function kpiWorkbook(report: KpiReport): Promise<Buffer> {
  const groupName = { community: '社区', grid: '网格', unit: '处置单位' }[report.groupBy] ?? report.groupBy;
  return buildWorkbook<KpiRow>(
    `考核 ${report.from} 至 ${report.to}`,
    [
      { header: `${groupName}`, width: 24, value: (row) => row.name },
      { header: '案件数 / Cases', width: 10, value: (row) => row.cases },
      { header: '按时响应 / Responded on time', width: 12, value: (row) => row.respondedOnTime },
      { header: '响应率 / Response rate', width: 12, value: (row) => percent(row.responseRate) },
      { header: '办结数 / Closed', width: 10, value: (row) => row.closed },
      { header: '按时办结 / Closed on time', width: 12, value: (row) => row.closedOnTime },
      { header: '按时办结率 / On-time close rate', width: 14, value: (row) => percent(row.onTimeCloseRate) },
      { header: '解决率 / Resolution rate', width: 12, value: (row) => percent(row.resolutionRate) },
      { header: '评价数 / Rated', width: 10, value: (row) => row.rated },
      { header: '满意率 / Satisfaction rate', width: 12, value: (row) => percent(row.satisfactionRate) },
      {
        header: '平均派遣用时(分钟) / Minutes to dispatch',
        width: 18,
        value: (row) => row.meanMinutesToDispatch,
      },
      { header: '平均办结用时(分钟) / Minutes to close', width: 18, value: (row) => row.meanMinutesToClose },
    ],
    [...report.rows, report.total],
  );
}

/** Everything the command-center screen shows, in one call. */
export async function overview(g: Governance, actor: Actor, broker: BrokerStatus): Promise<Overview> {
  assertRole(actor, COMMAND_ROLES);
  const db = g.ctx.db;
  const tenantId = actor.tenantId;
  const now = new Date();
  const today = localMidnight(localDate(now));
  const monthAgo = new Date(now.getTime() - 30 * DAY_MS);
  const [deviceRows, stageRows, linkageRows, rates, categories, incidents, sources] = await Promise.all([
    db
      .selectFrom('device')
      .select(['type', 'state', 'batteryLow', (eb) => eb.fn.countAll<string>().as('n')])
      .where('tenantId', '=', tenantId)
      .groupBy(['type', 'state', 'batteryLow'])
      .execute(),
    db
      .selectFrom('govCase')
      .select(['stage', (eb) => eb.fn.countAll<string>().as('n')])
      .where('tenantId', '=', tenantId)
      .where('createdAt', '>=', today)
      .groupBy('stage')
      .execute(),
    db
      .selectFrom('govCase')
      .select(['linkage', (eb) => eb.fn.countAll<string>().as('n')])
      .where('tenantId', '=', tenantId)
      .where('createdAt', '>=', today)
      .where('stage', '<>', 'duplicate')
      .groupBy('linkage')
      .execute(),
    sql<{
      cases: string;
      respondedOnTime: string;
      closed: string;
      closedOnTime: string;
      rated: string;
      satisfied: string;
    }>`
      select count(*) as cases, count(*) filter (where responded_at <= response_due_at) as responded_on_time,
        count(closed_at) as closed, count(*) filter (where closed_at <= resolve_due_at) as closed_on_time,
        count(rating) as rated, count(*) filter (where rating >= 4) as satisfied
      from gov_case where tenant_id = ${tenantId} and created_at >= ${monthAgo} and stage <> 'duplicate'`.execute(
      db,
    ),
    db
      .selectFrom('govCase')
      .select(['category', (eb) => eb.fn.countAll<string>().as('n')])
      .where('tenantId', '=', tenantId)
      .where('createdAt', '>=', monthAgo)
      .where('stage', '<>', 'duplicate')
      .groupBy('category')
      .orderBy((eb) => eb.fn.countAll(), 'desc')
      .limit(8)
      .execute(),
    listOpenIncidents(g, tenantId, 200),
    listSources(g, actor, broker),
  ]);
  const blank = () => ({ total: 0, online: 0, offline: 0, alarm: 0, fault: 0, disabled: 0, batteryLow: 0 });
  const totals = blank();
  const byType = new Map<DeviceType, ReturnType<typeof blank>>();
  for (const row of deviceRows) {
    const n = Number(row.n);
    const type = row.type as DeviceType;
    const entry = byType.get(type) ?? blank();
    byType.set(type, entry);
    for (const target of [entry, totals]) {
      target.total += n;
      target[row.state as DeviceState] += n;
      if (row.batteryLow) target.batteryLow += n;
    }
  }
  const cameras = byType.get('camera') ?? blank();
  const stageCounts = new Map(stageRows.map((row) => [row.stage, Number(row.n)]));
  const linkageCounts = new Map(linkageRows.map((row) => [row.linkage, Number(row.n)]));
  const r = rates.rows[0]!;
  return {
    at: now.toISOString(),
    devices: { ...totals, byType: [...byType.entries()].map(([type, counts]) => ({ type, ...counts })) },
    cameras: { total: cameras.total, online: cameras.online + cameras.alarm, alarm: cameras.alarm },
    casesToday: {
      total: [...stageCounts.values()].reduce((sum, n) => sum + n, 0),
      byStage: CASE_STAGES.map((stage) => ({
        stage: stage,
        count: stageCounts.get(stage) ?? 0,
      })),
      byLinkage: LINKAGES.map((linkage) => ({
        linkage: linkage,
        count: linkageCounts.get(linkage) ?? 0,
      })),
    },
    onTime: {
      responseRate: rate(Number(r.respondedOnTime), Number(r.cases)),
      onTimeCloseRate: rate(Number(r.closedOnTime), Number(r.closed)),
      satisfactionRate: rate(Number(r.satisfied), Number(r.rated)),
    },
    topCategories: categories.map((row) => ({
      category: row.category as Overview['topCategories'][number]['category'],
      count: Number(row.n),
    })),
    openIncidents: incidents,
    sources: sources.map((source) => ({
      code: source.code,
      name: source.name,
      health: source.health,
      lastMessageAt: source.lastMessageAt,
    })),
    broker: { state: broker.state, since: broker.since?.toISOString() ?? null, lastError: broker.lastError },
  };
}

/**
 * Incidents of devices, cameras and Jiedao's own findings (a report's incident is its case's own and
 * is shown as the case), most severe and most recent first — the order of the big screen, so page 2
 * continues page 1.
 */
function incidents(
  g: Governance,
  tenantId: string,
  filter: { status: string; category?: string | undefined; severity?: string | undefined },
) {
  let query = g.ctx.db
    .selectFrom('incident as i')
    .leftJoin('govCase as c', (join) =>
      join.onRef('c.tenantId', '=', 'i.tenantId').onRef('c.id', '=', 'i.caseId'),
    )
    .where('i.tenantId', '=', tenantId)
    .where('i.status', '=', filter.status)
    .where('i.kind', '<>', 'report');
  if (filter.category) query = query.where('i.category', '=', filter.category);
  if (filter.severity) query = query.where('i.severity', '=', filter.severity);
  return query;
}

function incidentPage(query: ReturnType<typeof incidents>, limit: number, offset = 0) {
  return query
    .select([
      'i.id',
      'i.category',
      'i.kind',
      'i.severity',
      'i.status',
      'i.title',
      'i.storm',
      'i.eventCount',
      'i.deviceCount',
      'i.firstSeenAt',
      'i.lastSeenAt',
      'i.gridId',
      'i.communityId',
      'i.lng',
      'i.lat',
      'i.caseId',
      'c.number as caseNumber',
    ])
    .orderBy(severityRank('i.severity'))
    .orderBy('i.lastSeenAt', 'desc')
    .orderBy('i.id')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function listOpenIncidents(g: Governance, tenantId: string, limit: number): Promise<Incident[]> {
  return (await incidentPage(incidents(g, tenantId, { status: 'open' }), limit)).map(toIncident);
}

export async function listIncidents(g: Governance, actor: Actor, query: IncidentQuery) {
  assertRole(actor, COMMAND_ROLES);
  const window = pageWindow(query);
  const filtered = incidents(g, actor.tenantId, { ...query, status: query.status ?? 'open' });
  const [rows, count] = await Promise.all([
    incidentPage(filtered, window.limit, window.offset),
    filtered.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map(toIncident),
    total: Number(count.n),
    page: window.page,
    pageSize: window.pageSize,
  };
}

export function toIncident(row: {
  id: string;
  category: string;
  kind: string;
  severity: string;
  status: string;
  title: string;
  storm: boolean;
  eventCount: number;
  deviceCount: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  gridId: string | null;
  communityId: string | null;
  lng: number | null;
  lat: number | null;
  caseId: string | null;
  caseNumber: string | null;
}): Incident {
  return {
    id: row.id,
    category: row.category as Incident['category'],
    kind: row.kind as Incident['kind'],
    severity: row.severity as Incident['severity'],
    status: row.status as Incident['status'],
    title: row.title,
    storm: row.storm,
    eventCount: row.eventCount,
    deviceCount: row.deviceCount,
    firstSeenAt: row.firstSeenAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    gridId: row.gridId,
    communityId: row.communityId,
    location: row.lng !== null && row.lat !== null ? { lng: row.lng, lat: row.lat } : null,
    caseId: row.caseId,
    caseNumber: row.caseNumber,
  };
}

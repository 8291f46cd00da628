import { categoryOf, type CaseStage, type Severity } from '@jiedao/contracts/constants';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../platform/database/schema.js';
import { newId } from '../../platform/ids.js';
import { localDate } from '../../platform/local-date.js';
import { unnestInsert, type UnnestColumn } from '../../platform/database/unnest.js';
import { dueAt, type SlaBook } from './sla.js';

/** Local (Beijing) date as YYYYMMDD, the day part of a case number. */
export function caseDay(at: Date): string {
  return localDate(at).replaceAll('-', '');
}

/** Reserves `count` consecutive case numbers of the day: 20261129-00001 … */
export async function allocateCaseNumbers(
  trx: Transaction<Database>,
  tenantId: string,
  day: string,
  count: number,
): Promise<string[]> {
  const row = await trx
    .insertInto('caseCounter')
    .values({ tenantId, day, last: count })
    .onConflict((conflict) =>
      conflict.columns(['tenantId', 'day']).doUpdateSet({ last: sql<number>`case_counter.last + ${count}` }),
    )
    .returning('last')
    .executeTakeFirstOrThrow();
  const first = row.last - count + 1;
  return Array.from({ length: count }, (_, index) => `${day}-${String(first + index).padStart(5, '0')}`);
}

export interface NewCase {
  tenantId: string;
  title: string;
  description?: string | null;
  category: string;
  severity: Severity;
  stage: Extract<CaseStage, 'intake' | 'triage'>;
  sourceId?: string | null;
  incidentId?: string | null;
  gridId?: string | null;
  communityId?: string | null;
  buildingId?: string | null;
  lng?: number | null;
  lat?: number | null;
  address?: string | null;
  reporterPersonId?: string | null;
  reporterName?: string | null;
  reporterPhoneEnc?: string | null;
  photos?: string[];
  createdAt: Date;
  /** Who opened it, for the timeline; absent for automatic intake. */
  actor?: { accountId: string; name: string; role: string };
  note?: string;
}

interface CaseInsert {
  tenantId: string;
  id: string;
  number: string;
  item: NewCase;
  linkage: string;
  clock: string;
  responseDueAt: Date;
  resolveDueAt: Date;
}

export interface CreatedCase {
  id: string;
  number: string;
  tenantId: string;
  stage: CaseStage;
  incidentId: string | null;
}

/**
 * Opens cases in the caller's transaction: numbers, service-level deadlines from the tenant's book
 * and the first timeline entry. A case opened straight into triage (an alarm, a staff entry) counts
 * as accepted on creation.
 */
export async function insertCases(
  trx: Transaction<Database>,
  cases: NewCase[],
  /** Loaded before the transaction: a query outside it would wait for this very transaction on PGlite. */
  books: (tenantId: string) => SlaBook,
): Promise<CreatedCase[]> {
  if (cases.length === 0) return [];
  const created: CreatedCase[] = [];
  const byTenantDay = new Map<string, NewCase[]>();
  for (const item of cases) {
    const key = `${item.tenantId}|${caseDay(item.createdAt)}`;
    const list = byTenantDay.get(key) ?? [];
    list.push(item);
    byTenantDay.set(key, list);
  }
  const rows: CaseInsert[] = [];
  const timeline: TimelineRow[] = [];
  for (const [key, group] of byTenantDay) {
    const [tenantId, day] = key.split('|') as [string, string];
    const numbers = await allocateCaseNumbers(trx, tenantId, day, group.length);
    const book = books(tenantId);
    group.forEach((item, index) => {
      const definition = categoryOf(item.category);
      const terms = book.terms(item.category, item.severity);
      const id = newId();
      const number = numbers[index]!;
      rows.push({
        tenantId,
        id,
        number,
        item,
        linkage: definition?.linkage ?? 'service_management',
        clock: terms.clock,
        responseDueAt: dueAt(item.createdAt, terms.responseMinutes, terms.clock, book.calendar),
        resolveDueAt: dueAt(item.createdAt, terms.resolveMinutes, terms.clock, book.calendar),
      });
      timeline.push({
        tenantId,
        caseId: id,
        at: item.createdAt,
        actorAccountId: item.actor?.accountId ?? null,
        actorName: item.actor?.name ?? null,
        actorRole: item.actor?.role ?? 'system',
        action: 'created',
        fromStage: null,
        toStage: item.stage,
        note: item.note ?? null,
        data: { number },
      });
      created.push({ id, number, tenantId, stage: item.stage, incidentId: item.incidentId ?? null });
    });
  }
  const column = <V>(name: string, type: string, pick: (row: CaseInsert) => V): UnnestColumn => [
    name,
    type,
    rows.map(pick),
  ];
  await unnestInsert('gov_case', [
    column('tenant_id', 'uuid', (r) => r.tenantId),
    column('id', 'uuid', (r) => r.id),
    column('number', 'text', (r) => r.number),
    column('title', 'text', (r) => r.item.title),
    column('description', 'text', (r) => r.item.description ?? null),
    column('category', 'text', (r) => r.item.category),
    column('linkage', 'text', (r) => r.linkage),
    column('severity', 'text', (r) => r.item.severity),
    column('stage', 'text', (r) => r.item.stage),
    column('source_id', 'uuid', (r) => r.item.sourceId ?? null),
    column('incident_id', 'uuid', (r) => r.item.incidentId ?? null),
    column('grid_id', 'uuid', (r) => r.item.gridId ?? null),
    column('community_id', 'uuid', (r) => r.item.communityId ?? null),
    column('building_id', 'uuid', (r) => r.item.buildingId ?? null),
    column('lng', 'float8', (r) => r.item.lng ?? null),
    column('lat', 'float8', (r) => r.item.lat ?? null),
    column('address', 'text', (r) => r.item.address ?? null),
    column('reporter_person_id', 'uuid', (r) => r.item.reporterPersonId ?? null),
    column('reporter_name', 'text', (r) => r.item.reporterName ?? null),
    column('reporter_phone_enc', 'text', (r) => r.item.reporterPhoneEnc ?? null),
    column('photos', 'jsonb', (r) => JSON.stringify(r.item.photos ?? [])),
    column('sla_clock', 'text', (r) => r.clock),
    column('response_due_at', 'timestamptz', (r) => r.responseDueAt),
    column('resolve_due_at', 'timestamptz', (r) => r.resolveDueAt),
    column('accepted_at', 'timestamptz', (r) => (r.item.stage === 'triage' ? r.item.createdAt : null)),
    column('created_at', 'timestamptz', (r) => r.item.createdAt),
    column('updated_at', 'timestamptz', (r) => r.item.createdAt),
  ]).execute(trx);
  await insertTimeline(trx, timeline);
  return created;
}

export interface TimelineEntry {
  tenantId: string;
  caseId: string;
  at: Date;
  actorAccountId?: string | null;
  actorName?: string | null;
  actorRole?: string | null;
  action: string;
  fromStage?: string | null;
  toStage?: string | null;
  note?: string | null;
  data?: Record<string, unknown>;
}

type TimelineRow = Omit<TimelineEntry, 'data'> & { data: Record<string, unknown> };

async function insertTimeline(trx: Transaction<Database>, entries: TimelineRow[]): Promise<void> {
  if (entries.length === 0) return;
  const column = <V>(name: string, type: string, pick: (row: TimelineRow) => V): UnnestColumn => [
    name,
    type,
    entries.map(pick),
  ];
  await unnestInsert('case_timeline', [
    column('tenant_id', 'uuid', (e) => e.tenantId),
    column('id', 'uuid', () => newId()),
    column('case_id', 'uuid', (e) => e.caseId),
    column('at', 'timestamptz', (e) => e.at),
    column('actor_account_id', 'uuid', (e) => e.actorAccountId ?? null),
    column('actor_name', 'text', (e) => e.actorName ?? null),
    column('actor_role', 'text', (e) => e.actorRole ?? 'system'),
    column('action', 'text', (e) => e.action),
    column('from_stage', 'text', (e) => e.fromStage ?? null),
    column('to_stage', 'text', (e) => e.toStage ?? null),
    column('note', 'text', (e) => e.note ?? null),
    column('data', 'jsonb', (e) => JSON.stringify(e.data)),
  ]).execute(trx);
}

export async function addTimeline(trx: Transaction<Database>, entries: TimelineEntry[]): Promise<void> {
  await insertTimeline(
    trx,
    entries.map((entry) => ({ ...entry, data: entry.data ?? {} })),
  );
}

import { categoryOf, type CaseStage, type Severity } from '@jiedao/contracts/constants';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../platform/database/schema.js';
import { newId } from '../../platform/ids.js';
import { dueAt, type SlaBook } from './sla.js';

/** Local (Beijing) date as YYYYMMDD, the day part of a case number. */
export function caseDay(at: Date, utcOffsetMinutes = 480): string {
  return new Date(at.getTime() + utcOffsetMinutes * 60_000).toISOString().slice(0, 10).replaceAll('-', '');
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
  const rows: Array<Record<string, unknown>> = [];
  const timeline: Array<Record<string, unknown>> = [];
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
        title: item.title,
        description: item.description ?? null,
        category: item.category,
        linkage: definition?.linkage ?? 'service_management',
        severity: item.severity,
        stage: item.stage,
        sourceId: item.sourceId ?? null,
        incidentId: item.incidentId ?? null,
        gridId: item.gridId ?? null,
        communityId: item.communityId ?? null,
        buildingId: item.buildingId ?? null,
        lng: item.lng ?? null,
        lat: item.lat ?? null,
        address: item.address ?? null,
        reporterPersonId: item.reporterPersonId ?? null,
        reporterName: item.reporterName ?? null,
        reporterPhoneEnc: item.reporterPhoneEnc ?? null,
        photos: JSON.stringify(item.photos ?? []),
        slaClock: terms.clock,
        responseDueAt: dueAt(item.createdAt, terms.responseMinutes, terms.clock, book.calendar),
        resolveDueAt: dueAt(item.createdAt, terms.resolveMinutes, terms.clock, book.calendar),
        acceptedAt: item.stage === 'triage' ? item.createdAt : null,
        createdAt: item.createdAt,
        updatedAt: item.createdAt,
      });
      timeline.push({
        tenantId,
        id: newId(),
        caseId: id,
        at: item.createdAt,
        actorAccountId: item.actor?.accountId ?? null,
        actorName: item.actor?.name ?? null,
        actorRole: item.actor?.role ?? 'system',
        action: 'created',
        fromStage: null,
        toStage: item.stage,
        note: item.note ?? null,
        data: JSON.stringify({ number }),
      });
      created.push({ id, number, tenantId, stage: item.stage, incidentId: item.incidentId ?? null });
    });
  }
  // Chunks keep each statement well under PostgreSQL's 65,535 parameters.
  for (let start = 0; start < rows.length; start += 500) {
    await trx
      .insertInto('govCase')
      .values(rows.slice(start, start + 500) as never)
      .execute();
    await trx
      .insertInto('caseTimeline')
      .values(timeline.slice(start, start + 500) as never)
      .execute();
  }
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

export async function addTimeline(trx: Transaction<Database>, entries: TimelineEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await trx
    .insertInto('caseTimeline')
    .values(
      entries.map((entry) => ({
        tenantId: entry.tenantId,
        id: newId(),
        caseId: entry.caseId,
        at: entry.at,
        actorAccountId: entry.actorAccountId ?? null,
        actorName: entry.actorName ?? null,
        actorRole: entry.actorRole ?? 'system',
        action: entry.action,
        fromStage: entry.fromStage ?? null,
        toStage: entry.toStage ?? null,
        note: entry.note ?? null,
        data: JSON.stringify(entry.data ?? {}),
      })),
    )
    .execute();
}

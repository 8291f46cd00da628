import { categoryOf, type Severity, type SlaClock } from '@jiedao/contracts/constants';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/database/schema.js';
import {
  addWorkingMinutes,
  officeCalendar,
  type WorkingCalendar,
} from '../../platform/workflow/working-time.js';

export interface SlaTerms {
  responseMinutes: number;
  resolveMinutes: number;
  clock: SlaClock;
}

/**
 * Severity shortens or lengthens the category's default limits when the tenant has set no policy of
 * its own for that category and severity: a critical report of a usually minor kind must not wait a
 * working day.
 */
const SEVERITY_FACTOR: Record<Severity, number> = { critical: 0.25, high: 0.5, medium: 1, low: 1 };

export interface SlaBook {
  terms(category: string, severity: Severity): SlaTerms;
  calendar: WorkingCalendar;
}

export function buildSlaBook(
  policies: ReadonlyArray<{ category: string; severity: string } & SlaTerms>,
  days: ReadonlyArray<{ date: string; kind: string }>,
): SlaBook {
  const byKey = new Map(policies.map((policy) => [`${policy.category}|${policy.severity}`, policy]));
  const calendar = officeCalendar(
    days.filter((day) => day.kind === 'holiday').map((day) => day.date),
    days.filter((day) => day.kind === 'workday').map((day) => day.date),
  );
  return {
    calendar,
    terms(category, severity) {
      const own = byKey.get(`${category}|${severity}`);
      if (own)
        return { responseMinutes: own.responseMinutes, resolveMinutes: own.resolveMinutes, clock: own.clock };
      const definition = categoryOf(category);
      if (!definition) return { responseMinutes: 450, resolveMinutes: 5 * 450, clock: 'working' };
      // Urgent severities of office-hours categories switch to calendar time: nobody waits for Monday.
      const factor = severity === definition.severity ? 1 : SEVERITY_FACTOR[severity];
      const urgent = severity === 'critical' || severity === 'high';
      const clock: SlaClock = urgent ? 'calendar' : definition.clock;
      return {
        responseMinutes: Math.max(5, Math.round(definition.responseMinutes * factor)),
        resolveMinutes: Math.max(30, Math.round(definition.resolveMinutes * factor)),
        clock,
      };
    },
  };
}

export function dueAt(start: Date, minutes: number, clock: SlaClock, calendar: WorkingCalendar): Date {
  return clock === 'calendar'
    ? new Date(start.getTime() + minutes * 60_000)
    : addWorkingMinutes(start, minutes, calendar);
}

/** Per-tenant policies and calendar, cached; administrators' changes call `invalidate`. */
export class SlaBooks {
  readonly #books = new Map<string, Promise<SlaBook>>();
  constructor(private readonly db: Kysely<Database>) {}

  get(tenantId: string): Promise<SlaBook> {
    let loading = this.#books.get(tenantId);
    if (!loading) {
      loading = Promise.all([
        this.db.selectFrom('slaPolicy').selectAll().where('tenantId', '=', tenantId).execute(),
        this.db.selectFrom('calendarDay').select(['date', 'kind']).where('tenantId', '=', tenantId).execute(),
      ]).then(([policies, days]) =>
        buildSlaBook(
          policies.map((policy) => ({ ...policy, clock: policy.clock as SlaClock })),
          days,
        ),
      );
      this.#books.set(tenantId, loading);
      loading.catch(() => this.#books.delete(tenantId));
    }
    return loading;
  }

  invalidate(tenantId: string): void {
    this.#books.delete(tenantId);
  }
}

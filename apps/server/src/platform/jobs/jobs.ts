import { sql, type Kysely } from 'kysely';
import type { Database } from '../database/schema.js';
import { newId } from '../ids.js';

export interface ScheduleJobInput<Payload = unknown> {
  tenantId: string;
  /** Which registered handler runs it, e.g. `governance.sla-reminder`. */
  kind: string;
  runAt: Date;
  /** Any JSON value; stored as jsonb. */
  payload: Payload;
  /**
   * Makes the job addressable: per tenant and kind there is at most one job with this key, so
   * scheduling it again moves that job (new run time and payload, attempts reset) instead of adding
   * one — e.g. `case:<id>` for a case's next SLA reminder.
   */
  key?: string | null;
  /** Attempts before the job is marked failed; default 5. */
  maxAttempts?: number;
}

/**
 * Schedules a job; pass the caller's transaction so the job exists exactly when its cause commits.
 * Returns the job id (the existing job's id when a keyed job was rescheduled). A running keyed job
 * that is rescheduled runs again at the new time; the run in flight can no longer complete it.
 */
export async function scheduleJob<Payload>(
  db: Kysely<Database>,
  input: ScheduleJobInput<Payload>,
): Promise<string> {
  const maxAttempts = input.maxAttempts ?? 5;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new Error('maxAttempts must be a positive integer');
  if (Number.isNaN(input.runAt.getTime())) throw new Error('runAt must be a valid date');
  const payload = JSON.stringify(input.payload ?? null);
  const row = await db
    .insertInto('job')
    .values({
      tenantId: input.tenantId,
      id: newId(),
      kind: input.kind,
      key: input.key ?? null,
      runAt: input.runAt,
      payload,
      maxAttempts,
    })
    .onConflict((conflict) =>
      conflict.columns(['tenantId', 'kind', 'key']).doUpdateSet({
        runAt: input.runAt,
        payload,
        maxAttempts,
        status: 'pending',
        // Resetting attempts also fences off a run in flight: it completes only if attempts still
        // equal the value it claimed.
        attempts: 0,
        lockedUntil: null,
        lastError: null,
        updatedAt: sql<Date>`now()`,
      }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Cancels a keyed job that has not finished (pending, or running: its run then cannot complete it).
 * True when a job was cancelled.
 */
export async function cancelJob(
  db: Kysely<Database>,
  tenantId: string,
  kind: string,
  key: string,
): Promise<boolean> {
  const result = await db
    .updateTable('job')
    .set({ status: 'cancelled', lockedUntil: null, updatedAt: sql<Date>`now()` })
    .where('tenantId', '=', tenantId)
    .where('kind', '=', kind)
    .where('key', '=', key)
    .where('status', 'in', ['pending', 'running'])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes finished jobs (done, failed, cancelled) last changed before `olderThan`; returns the count. */
export async function pruneJobs(db: Kysely<Database>, olderThan: Date): Promise<number> {
  const result = await db
    .deleteFrom('job')
    .where('status', 'in', ['done', 'failed', 'cancelled'])
    .where('updatedAt', '<', olderThan)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

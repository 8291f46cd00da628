import type { Kysely } from 'kysely';
import type { Database } from '../../platform/database/schema.js';
import type { GigJobRow, GigShiftRow, GigWorkerRow } from './gig.tables.js';
import { shiftPaidMinutes } from './attendance-rules.js';
import { JobIndex, WorkerIndex, type MatchJob, type MatchWorker } from './matching.js';

interface TenantIndexes {
  workers: WorkerIndex;
  jobs: JobIndex;
}

type WorkerFields = Pick<
  GigWorkerRow,
  | 'id'
  | 'homeLng'
  | 'homeLat'
  | 'currentLng'
  | 'currentLat'
  | 'radiusKm'
  | 'categories'
  | 'skills'
  | 'reliability'
  | 'weekHours'
>;

export function toMatchWorker(row: WorkerFields): MatchWorker {
  return {
    id: row.id,
    lng: row.currentLng ?? row.homeLng,
    lat: row.currentLat ?? row.homeLat,
    radiusKm: row.radiusKm,
    categories: row.categories,
    skills: row.skills,
    reliability: row.reliability,
    weekHours: row.weekHours,
  };
}

/** What a job pays per hour of its first shift, for ranking a feed (piece work at the expected count). */
export function wagePerHourFen(
  job: Pick<GigJobRow, 'wageKind' | 'wageFen' | 'expectedPieces'>,
  shift: Pick<GigShiftRow, 'startsAt' | 'endsAt' | 'breakMinutes'>,
): number {
  if (job.wageKind === 'hour') return job.wageFen;
  const hours = Math.max(1, shiftPaidMinutes(shift)) / 60;
  const perShift = job.wageKind === 'day' ? job.wageFen : job.wageFen * (job.expectedPieces ?? 1);
  return Math.floor(perShift / hours);
}

export function toMatchJob(
  job: Pick<GigJobRow, 'id' | 'category' | 'skills' | 'wageKind' | 'wageFen' | 'expectedPieces'>,
  site: { lng: number; lat: number },
  shift: Pick<GigShiftRow, 'startsAt' | 'endsAt' | 'breakMinutes'>,
): MatchJob {
  return {
    id: job.id,
    lng: site.lng,
    lat: site.lat,
    category: job.category,
    skills: job.skills,
    shiftStart: shift.startsAt,
    shiftEnd: shift.endsAt,
    wagePerHourFen: wagePerHourFen(job, shift),
  };
}

/**
 * The matching indexes of each subdistrict, in this process's memory: loaded from the database on
 * first use, then kept current by the services after each commit (a worker registers or moves, a
 * job opens, fills or closes). The database stays the truth — a process that restarts loads again,
 * and another process has its own copy, current with the changes it made and those it reloads.
 * Call only outside a transaction (PGlite has one connection).
 */
export class GigMatcher {
  readonly #tenants = new Map<string, Promise<TenantIndexes>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  indexes(tenantId: string): Promise<TenantIndexes> {
    let loading = this.#tenants.get(tenantId);
    if (!loading) {
      loading = this.#load(tenantId);
      this.#tenants.set(tenantId, loading);
      loading.catch(() => this.#tenants.delete(tenantId));
    }
    return loading;
  }

  /**
   * Loads the indexes of every subdistrict with gig workers, one after the other; answers how many.
   * A million workers take ~15 s: the server does this in the background at start, so the first
   * job posted or feed read after a restart does not wait for it.
   */
  async warm(): Promise<number> {
    const tenants = await this.db
      .selectFrom('tenant as t')
      .select('t.id')
      .where((eb) =>
        eb.exists(eb.selectFrom('gigWorker as w').select('w.id').whereRef('w.tenantId', '=', 't.id')),
      )
      .execute();
    for (const tenant of tenants) await this.indexes(tenant.id);
    return tenants.length;
  }

  /** Whether a subdistrict's indexes are loaded or loading. */
  isLoaded(tenantId: string): boolean {
    return this.#tenants.has(tenantId);
  }

  async upsertWorker(tenantId: string, row: WorkerFields & { status: string }): Promise<void> {
    const { workers } = await this.indexes(tenantId);
    if (row.status === 'active') workers.upsert(toMatchWorker(row));
    else workers.remove(row.id);
  }

  async upsertJob(tenantId: string, job: MatchJob): Promise<void> {
    (await this.indexes(tenantId)).jobs.upsert(job);
  }

  async removeJob(tenantId: string, jobId: string): Promise<void> {
    (await this.indexes(tenantId)).jobs.remove(jobId);
  }

  async #load(tenantId: string): Promise<TenantIndexes> {
    const workerRows = await this.db
      .selectFrom('gigWorker')
      .select([
        'id',
        'homeLng',
        'homeLat',
        'currentLng',
        'currentLat',
        'radiusKm',
        'categories',
        'skills',
        'reliability',
        'weekHours',
      ])
      .where('tenantId', '=', tenantId)
      .where('status', '=', 'active')
      .execute();
    const workers = new WorkerIndex(workerRows.map(toMatchWorker));
    // Open jobs, each with its next shift still ahead (the one a worker would take first).
    const jobRows = await this.db
      .selectFrom('gigJob as j')
      .innerJoin('gigSite as s', (join) =>
        join.onRef('s.tenantId', '=', 'j.tenantId').onRef('s.id', '=', 'j.siteId'),
      )
      .innerJoinLateral(
        (eb) =>
          eb
            .selectFrom('gigShift as sh')
            .select(['sh.startsAt', 'sh.endsAt', 'sh.breakMinutes'])
            .whereRef('sh.tenantId', '=', 'j.tenantId')
            .whereRef('sh.jobId', '=', 'j.id')
            .where('sh.endsAt', '>', this.now())
            .orderBy('sh.startsAt')
            .limit(1)
            .as('next'),
        (join) => join.onTrue(),
      )
      .select([
        'j.id',
        'j.category',
        'j.skills',
        'j.wageKind',
        'j.wageFen',
        'j.expectedPieces',
        's.lng',
        's.lat',
        'next.startsAt',
        'next.endsAt',
        'next.breakMinutes',
      ])
      .where('j.tenantId', '=', tenantId)
      .where('j.status', '=', 'open')
      .execute();
    const jobs = new JobIndex(
      workers.projection,
      jobRows.map((row) => toMatchJob(row, row, row)),
    );
    return { workers, jobs };
  }
}

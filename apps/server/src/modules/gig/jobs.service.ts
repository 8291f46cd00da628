import type { FeedItem, InboxItem, Job, JobInput, WorkerCard } from '@jiedao/contracts';
import { GIG_CATEGORIES } from '@jiedao/contracts/constants';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/database/schema.js';
import type { Actor } from '../../platform/auth/actor.js';
import { AppError, invalidField, notFound } from '../../platform/errors.js';
import { pageWindow } from '../../platform/http/paging.js';
import { derivedId, isUuid, newId } from '../../platform/ids.js';
import { queueSms, queueSmsBatch } from '../../platform/sms/index.js';
import { contactPhonesUnchecked } from '../identity/index.js';
import { holdAmountFen } from './attendance-rules.js';
import { assignmentsWithShift, jobsWithSite, workersWithPerson } from './gig.repository.js';
import { toMatchJob, toMatchWorker } from './gig-matcher.js';
import type { MatchJob, Ranked, WorkerIndex } from './matching.js';
import {
  assertOperator,
  employerOf,
  findEmployer,
  isOperator,
  workerChannel,
  workerOf,
  type Gig,
  type Trx,
} from './gig.js';
import type { GigEmployerRow, GigInboxRow, GigJobRow, GigShiftRow } from './gig.tables.js';
import { iso, isoOrNull, toSite, toWorkerCard } from './views.js';

const SHANGHAI = 'Asia/Shanghai';

/** Jobs as the API shows them, in the order of `ids`. */
export async function loadJobs(trx: Trx, tenantId: string, ids: readonly string[]): Promise<Job[]> {
  const wanted = ids.filter(isUuid);
  if (wanted.length === 0) return [];
  const rows = await jobsWithSite(trx)
    .selectAll('j')
    .select([
      'e.name as employerName',
      's.name as siteName',
      's.address as siteAddress',
      's.lng as siteLng',
      's.lat as siteLat',
      's.radiusM as siteRadiusM',
    ])
    .where('j.tenantId', '=', tenantId)
    .where('j.id', 'in', wanted)
    .execute();
  const shifts = await trx
    .selectFrom('gigShift')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('jobId', 'in', wanted)
    .orderBy('startsAt')
    .execute();
  const byJob = new Map<string, GigShiftRow[]>();
  for (const shift of shifts) byJob.set(shift.jobId, [...(byJob.get(shift.jobId) ?? []), shift]);
  const jobs = new Map(
    rows.map((row) => [
      row.id,
      toJob(
        row,
        row.employerName,
        toSite({
          id: row.siteId,
          name: row.siteName,
          address: row.siteAddress,
          lng: row.siteLng,
          lat: row.siteLat,
          radiusM: row.siteRadiusM,
        }),
        byJob.get(row.id) ?? [],
      ),
    ]),
  );
  return wanted.flatMap((id) => (jobs.has(id) ? [jobs.get(id)!] : []));
}

function toJob(row: GigJobRow, employerName: string, site: Job['site'], shifts: GigShiftRow[]): Job {
  const terms = {
    wageKind: row.wageKind,
    wageFen: row.wageFen,
    ...(row.expectedPieces ? { expectedPieces: row.expectedPieces } : {}),
  };
  return {
    id: row.id,
    employerId: row.employerId,
    employerName,
    site,
    title: row.title,
    category: row.category,
    skills: row.skills,
    headcount: row.headcount,
    hiredCount: row.hiredCount,
    wageKind: row.wageKind,
    wageFen: row.wageFen,
    expectedPieces: row.expectedPieces,
    settlementCycle: row.settlementCycle,
    requirements: row.requirements,
    injuryCover: row.injuryCover,
    status: row.status,
    postedVia: row.postedVia,
    wavesSent: row.wavesSent,
    pushedCount: row.pushedCount,
    openedAt: iso(row.openedAt),
    filledAt: isoOrNull(row.filledAt),
    shifts: shifts.map((shift) => ({
      id: shift.id,
      startsAt: iso(shift.startsAt),
      endsAt: iso(shift.endsAt),
      breakMinutes: shift.breakMinutes,
      holdFen: holdAmountFen(terms, shift),
    })),
  };
}

function checkShifts(g: Gig, input: JobInput): Array<{ startsAt: Date; endsAt: Date; breakMinutes: number }> {
  if (input.wageKind === 'piece' && !input.expectedPieces)
    throw invalidField('/expectedPieces', 'is required for piece-rate work (it sizes the wage held at hire)');
  const now = g.now();
  return input.shifts.map((shift, index) => {
    const startsAt = new Date(shift.startsAt);
    const endsAt = new Date(shift.endsAt);
    const breakMinutes = shift.breakMinutes ?? 0;
    if (startsAt.getTime() <= now.getTime())
      throw invalidField(`/shifts/${index}/startsAt`, 'must be in the future');
    if (endsAt.getTime() <= startsAt.getTime())
      throw invalidField(`/shifts/${index}/endsAt`, 'must be after startsAt');
    if (endsAt.getTime() - startsAt.getTime() > 24 * 3600_000)
      throw invalidField(`/shifts/${index}/endsAt`, 'a shift lasts at most 24 hours');
    if (breakMinutes * 60_000 >= endsAt.getTime() - startsAt.getTime())
      throw invalidField(`/shifts/${index}/breakMinutes`, 'must be shorter than the shift');
    return { startsAt, endsAt, breakMinutes };
  });
}

/**
 * Opens a job with its shifts, then pushes the first wave to the best nearby workers. An
 * Idempotency-Key makes a retried post find the job it made instead of opening a second one.
 */
export async function postJob(
  g: Gig,
  actor: Actor,
  input: JobInput & { employerId?: string },
  idempotencyKey: string | undefined,
  via: 'employer' | 'desk',
): Promise<Job> {
  const shifts = checkShifts(g, input);
  // The matcher may load from the database: before the transaction, never inside it.
  const { workers } = await g.matcher.indexes(actor.tenantId);
  // The job and its first wave commit together: a posted job has always been pushed.
  const { job, created, wave } = await g.ctx.db.transaction().execute(async (trx) => {
    let employer: GigEmployerRow;
    if (via === 'desk') {
      assertOperator(actor);
      const found = input.employerId ? await findEmployer(trx, actor.tenantId, input.employerId) : undefined;
      if (!found) throw invalidField('/employerId', 'is not an employer of this subdistrict');
      employer = found;
    } else employer = await employerOf(trx, actor);
    if (employer.status !== 'active') throw new AppError('forbidden', 'This employer is suspended');
    const site = await trx
      .selectFrom('gigSite')
      .select('id')
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', input.siteId)
      .where('employerId', '=', employer.id)
      .executeTakeFirst();
    if (!site) throw invalidField('/siteId', 'is not a site of this employer');
    const id = idempotencyKey
      ? derivedId(`${actor.tenantId}:gig.job:${employer.id}:${idempotencyKey}`)
      : newId();
    const existing = await trx
      .selectFrom('gigJob')
      .select('id')
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!existing) {
      await trx
        .insertInto('gigJob')
        .values({
          tenantId: actor.tenantId,
          id,
          employerId: employer.id,
          siteId: site.id,
          title: input.title.trim(),
          category: input.category,
          skills: input.skills ?? [],
          headcount: input.headcount,
          wageKind: input.wageKind,
          wageFen: input.wageFen,
          expectedPieces: input.expectedPieces ?? null,
          settlementCycle: input.settlementCycle,
          requirements: input.requirements?.trim() ?? '',
          injuryCover: input.injuryCover ?? true,
          postedBy: actor.accountId,
          postedVia: via,
          openedAt: g.now(),
        })
        .execute();
      await trx
        .insertInto('gigShift')
        .values(
          shifts
            .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())
            .map((shift) => ({ tenantId: actor.tenantId, id: newId(), jobId: id, ...shift })),
        )
        .execute();
    }
    const [job] = await loadJobs(trx, actor.tenantId, [id]);
    if (!job) throw new Error(`job ${id} vanished within its transaction`);
    if (existing) return { job, created: false, wave: undefined };
    return { job, created: true, wave: await writeWave(g, trx, actor.tenantId, job, workers, 'first') };
  });
  if (!created) return job;
  await indexJob(g, actor.tenantId, job);
  if (!wave) return job;
  publishWave(g, actor.tenantId, wave.items);
  return { ...job, wavesSent: wave.wavesSent, pushedCount: wave.pushedCount };
}

/** Keeps the feed's index current: an open job with a shift ahead is in it, any other is not. */
export async function indexJob(g: Gig, tenantId: string, job: Job): Promise<void> {
  const next = job.shifts.find((shift) => new Date(shift.endsAt) > g.now());
  if (job.status !== 'open' || !next) return g.matcher.removeJob(tenantId, job.id);
  await g.matcher.upsertJob(
    tenantId,
    toMatchJob({ ...job, expectedPieces: job.expectedPieces }, job.site.location, {
      startsAt: new Date(next.startsAt),
      endsAt: new Date(next.endsAt),
      breakMinutes: next.breakMinutes,
    }),
  );
}

/**
 * The best `size` workers for a shift, without those in `skip` and those booked for any time of it.
 * Ranks first, then asks the database about those candidates only — a subdistrict has thousands of
 * bookings in any window, a wave a few dozen candidates — and ranks again, knowing more, while
 * bookings knock candidates out.
 */
async function rankFree(
  db: Kysely<Database>,
  tenantId: string,
  workers: WorkerIndex,
  job: MatchJob,
  skip: ReadonlySet<string>,
  size: number,
): Promise<Ranked[]> {
  const booked = new Set<string>();
  const checked = new Set<string>();
  for (;;) {
    const ranked = workers.firstWave(job, size, (id) => booked.has(id) || skip.has(id));
    const unknown = ranked.map((candidate) => candidate.id).filter((id) => !checked.has(id));
    // Every candidate is known to be free: this is the wave (short only when the index ran out).
    if (unknown.length === 0) return ranked;
    const rows = await assignmentsWithShift(db)
      .select('a.workerId')
      .where('a.tenantId', '=', tenantId)
      .where('a.workerId', 'in', unknown)
      .where('a.state', 'in', ['scheduled', 'on_shift'])
      .where('sh.startsAt', '<', job.shiftEnd)
      .where('sh.endsAt', '>', job.shiftStart)
      .execute();
    for (const id of unknown) checked.add(id);
    for (const row of rows) booked.add(row.workerId);
  }
}

function describeShift(startsAt: Date, endsAt: Date): string {
  const day = new Intl.DateTimeFormat('zh-CN', {
    timeZone: SHANGHAI,
    month: 'numeric',
    day: 'numeric',
  }).format(startsAt);
  const time = (date: Date) =>
    new Intl.DateTimeFormat('zh-CN', {
      timeZone: SHANGHAI,
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    }).format(date);
  return `${day} ${time(startsAt)}–${time(endsAt)}`;
}

export function describeWage(job: Pick<Job, 'wageKind' | 'wageFen'>): string {
  const yuan = (job.wageFen / 100).toFixed(job.wageFen % 100 === 0 ? 0 : 2);
  return job.wageKind === 'hour'
    ? `${yuan}元/小时`
    : job.wageKind === 'day'
      ? `${yuan}元/天`
      : `${yuan}元/件`;
}

export interface WaveResult {
  pushed: number;
  workerIds: string[];
}

/** What {@link writeWave} wrote: the inbox rows to publish once it commits, the job's new counts. */
interface WrittenWave {
  items: GigInboxRow[];
  wavesSent: number;
  pushedCount: number;
}

/**
 * Pushes the next wave of a job that still has open positions: the best-ranked workers not pushed
 * before (nearest rings first), each getting an inbox item, a live event and an SMS. Waves never
 * push one worker twice (a unique index on the inbox). One transaction; the live events go out
 * after it commits.
 */
export async function pushWave(g: Gig, tenantId: string, jobId: string): Promise<WaveResult> {
  // The matcher may load from the database: before the transaction, never inside it.
  const { workers } = await g.matcher.indexes(tenantId);
  const wave = await g.ctx.db.transaction().execute(async (trx) => {
    const [job] = await loadJobs(trx, tenantId, [jobId]);
    return job ? writeWave(g, trx, tenantId, job, workers, 'next') : undefined;
  });
  const items = wave?.items ?? [];
  publishWave(g, tenantId, items);
  return { pushed: items.length, workerIds: items.map((item) => item.workerId) };
}

/**
 * A wave inside the caller's transaction. `first` is a job created in this transaction: nobody was
 * pushed or applied yet, so there is nothing to look up to skip. Undefined when the job takes no
 * wave (not open, full, no shift ahead).
 */
async function writeWave(
  g: Gig,
  trx: Trx,
  tenantId: string,
  job: Job,
  workers: WorkerIndex,
  which: 'first' | 'next',
): Promise<WrittenWave | undefined> {
  if (job.status !== 'open' || job.hiredCount >= job.headcount) return undefined;
  const shift = job.shifts.find((s) => new Date(s.startsAt) > g.now());
  if (!shift) return undefined;
  const start = new Date(shift.startsAt);
  const end = new Date(shift.endsAt);
  const skip = new Set<string>();
  if (which === 'next') {
    // Reached by an earlier wave, or applied or invited on their own: one round trip.
    const known = await trx
      .selectFrom('gigInbox')
      .select('workerId')
      .where('tenantId', '=', tenantId)
      .where('jobId', '=', job.id)
      .where('kind', '=', 'job_push')
      .union(
        trx
          .selectFrom('gigApplication')
          .select('workerId')
          .where('tenantId', '=', tenantId)
          .where('jobId', '=', job.id),
      )
      .execute();
    for (const row of known) skip.add(row.workerId);
  }
  const size = Math.max(10, (job.headcount - job.hiredCount) * g.options.waveFactor);
  const matchJob = toMatchJob(job, job.site.location, {
    startsAt: start,
    endsAt: end,
    breakMinutes: shift.breakMinutes,
  });
  const ranked = await rankFree(trx, tenantId, workers, matchJob, skip, size);

  const categoryName = GIG_CATEGORIES.find((category) => category.code === job.category)?.zh ?? job.category;
  const when = describeShift(start, end);
  const wage = describeWage(job);
  const items =
    ranked.length === 0
      ? []
      : await trx
          .insertInto('gigInbox')
          .values(
            ranked.map((candidate) => ({
              tenantId,
              id: newId(),
              workerId: candidate.id,
              kind: 'job_push',
              jobId: job.id,
              title: `附近新零工：${job.title}`,
              body: `${categoryName} · ${wage} · ${when} · 约${candidate.distanceKm.toFixed(1)}公里 · ${job.site.name}`,
              createdAt: g.now(),
            })),
          )
          .onConflict((conflict) =>
            // A literal predicate: as a parameter, a prepared statement's generic plan (from its sixth
            // run on a connection) no longer matches the partial unique index, and PostgreSQL refuses.
            conflict
              .columns(['tenantId', 'workerId', 'jobId'])
              .where(sql<boolean>`kind = 'job_push'`)
              .doNothing(),
          )
          .returningAll()
          .execute();
  // Counted after the insert: a worker another process pushed meanwhile is not counted twice.
  const counts = await trx
    .updateTable('gigJob')
    .set((eb) => ({
      wavesSent: eb('wavesSent', '+', 1),
      pushedCount: eb('pushedCount', '+', items.length),
      lastWaveAt: g.now(),
    }))
    .where('tenantId', '=', tenantId)
    .where('id', '=', job.id)
    .returning(['wavesSent', 'pushedCount'])
    .executeTakeFirstOrThrow();
  if (items.length === 0) return { items, ...counts };
  const people = await trx
    .selectFrom('gigWorker')
    .select(['id', 'personId'])
    .where('tenantId', '=', tenantId)
    .where(
      'id',
      'in',
      items.map((row) => row.workerId),
    )
    .execute();
  const phones = await contactPhonesUnchecked(
    g.ctx,
    trx,
    tenantId,
    people.map((person) => person.personId),
  );
  const distance = new Map(ranked.map((candidate) => [candidate.id, candidate.distanceKm]));
  await queueSmsBatch(
    trx,
    g.ctx.cipher,
    people.flatMap((person) => {
      const phone = phones.get(person.personId);
      if (!phone) return [];
      return [
        {
          tenantId,
          key: `gig.push:${job.id}:${person.id}`,
          phone,
          template: 'gig_job_nearby' as const,
          params: {
            title: job.title,
            wage,
            when,
            distance: `${(distance.get(person.id) ?? 0).toFixed(1)}公里`,
          },
        },
      ];
    }),
  );
  return { items, ...counts };
}

/** Each pushed worker's live event, once the wave has committed. */
function publishWave(g: Gig, tenantId: string, items: readonly GigInboxRow[]): void {
  for (const item of items)
    g.hub.publish(workerChannel(tenantId, item.workerId), 'gig.inbox', { item: toInboxItem(item) });
}

export function toInboxItem(row: {
  id: string;
  kind: string;
  jobId: string | null;
  title: string;
  body: string;
  readAt: Date | null;
  createdAt: Date;
}): InboxItem {
  return {
    id: row.id,
    kind: row.kind,
    jobId: row.jobId,
    title: row.title,
    body: row.body,
    readAt: isoOrNull(row.readAt),
    createdAt: iso(row.createdAt),
  };
}

/** The sweep's part: jobs still short of hands get their next wave once the interval has passed. */
export async function pushDueWaves(g: Gig, limit = 50): Promise<number> {
  const due = await g.ctx.db
    .selectFrom('gigJob')
    .select(['tenantId', 'id'])
    .where('status', '=', 'open')
    .where('wavesSent', '<', g.options.maxWaves)
    .where(sql<boolean>`hired_count < headcount`)
    .where('lastWaveAt', '<=', new Date(g.now().getTime() - g.options.waveIntervalMs))
    .orderBy('lastWaveAt')
    .limit(limit)
    .execute();
  let pushed = 0;
  for (const job of due) pushed += (await pushWave(g, job.tenantId, job.id)).pushed;
  return pushed;
}

export async function getJob(g: Gig, actor: Actor, jobId: string): Promise<Job> {
  const [job] = await g.ctx.db.transaction().execute((trx) => loadJobs(trx, actor.tenantId, [jobId]));
  if (!job) throw notFound('Job');
  return job;
}

export async function listEmployerJobs(
  g: Gig,
  actor: Actor,
  query: { status?: Job['status']; page?: number; pageSize?: number },
  scope: 'mine' | 'all',
) {
  const { page, pageSize, limit, offset } = pageWindow(query);
  return g.ctx.db.transaction().execute(async (trx) => {
    let employerId: string | undefined;
    if (scope === 'mine') employerId = (await employerOf(trx, actor)).id;
    else assertOperator(actor);
    const base = trx
      .selectFrom('gigJob')
      .where('tenantId', '=', actor.tenantId)
      .$if(employerId !== undefined, (q) => q.where('employerId', '=', employerId!))
      .$if(query.status !== undefined, (q) => q.where('status', '=', query.status!));
    const [{ total }] = [
      await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ];
    const ids = await base
      .select('id')
      .orderBy('openedAt', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return {
      items: await loadJobs(
        trx,
        actor.tenantId,
        ids.map((row) => row.id),
      ),
      total: Number(total),
      page,
      pageSize,
    };
  });
}

export async function closeJob(g: Gig, actor: Actor, jobId: string): Promise<Job> {
  const job = await g.ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('gigJob')
      .select(['id', 'employerId', 'status'])
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', jobId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('Job');
    if (!isOperator(actor)) {
      const employer = await employerOf(trx, actor);
      if (employer.id !== row.employerId) throw notFound('Job');
    }
    if (row.status === 'open' || row.status === 'filled')
      await trx
        .updateTable('gigJob')
        .set({ status: 'closed', closedAt: g.now() })
        .where('tenantId', '=', actor.tenantId)
        .where('id', '=', jobId)
        .execute();
    return (await loadJobs(trx, actor.tenantId, [jobId]))[0]!;
  });
  await g.matcher.removeJob(actor.tenantId, jobId);
  return job;
}

/** A worker's feed: open jobs in match order (nearest rings first), without those they cannot take. */
export async function feed(g: Gig, actor: Actor, limit: number): Promise<FeedItem[]> {
  const worker = await g.ctx.db.transaction().execute((trx) => workerOf(trx, actor));
  const { jobs } = await g.matcher.indexes(actor.tenantId);
  const busy = await assignmentsWithShift(g.ctx.db)
    .select(['sh.startsAt', 'sh.endsAt'])
    .where('a.tenantId', '=', actor.tenantId)
    .where('a.workerId', '=', worker.id)
    .where('a.state', 'in', ['scheduled', 'on_shift'])
    .execute();
  const ranked = jobs.feed(toMatchWorker(worker), limit, (job) =>
    busy.some((shift) => shift.startsAt < job.shiftEnd && shift.endsAt > job.shiftStart),
  );
  return g.ctx.db.transaction().execute(async (trx) => {
    const loaded = await loadJobs(
      trx,
      actor.tenantId,
      ranked.map((r) => r.id),
    );
    // Only the jobs in this feed: a worker's applications grow with every job they ever applied to.
    const applied = new Set(
      loaded.length === 0
        ? []
        : (
            await trx
              .selectFrom('gigApplication')
              .select('jobId')
              .where('tenantId', '=', actor.tenantId)
              .where('workerId', '=', worker.id)
              .where(
                'jobId',
                'in',
                loaded.map((job) => job.id),
              )
              .execute()
          ).map((row) => row.jobId),
    );
    const distance = new Map(ranked.map((r) => [r.id, r.distanceKm]));
    return loaded
      .filter((job) => job.status === 'open')
      .map((job) => ({
        job,
        distanceKm: Math.round((distance.get(job.id) ?? 0) * 100) / 100,
        applied: applied.has(job.id),
      }));
  });
}

/** Workers an employer might invite: the job's match order, without those already in its pipeline. */
export async function candidates(g: Gig, actor: Actor, jobId: string, limit = 30): Promise<WorkerCard[]> {
  const job = await g.ctx.db.transaction().execute(async (trx) => {
    const employer = await employerOf(trx, actor);
    const [job] = await loadJobs(trx, actor.tenantId, [jobId]);
    if (!job || job.employerId !== employer.id) throw notFound('Job');
    return job;
  });
  const shift = job.shifts.find((s) => new Date(s.startsAt) > g.now()) ?? job.shifts[0]!;
  const start = new Date(shift.startsAt);
  const end = new Date(shift.endsAt);
  const inPipeline = new Set(
    (
      await g.ctx.db
        .selectFrom('gigApplication')
        .select('workerId')
        .where('tenantId', '=', actor.tenantId)
        .where('jobId', '=', jobId)
        .execute()
    ).map((row) => row.workerId),
  );
  const { workers } = await g.matcher.indexes(actor.tenantId);
  const ranked = await rankFree(
    g.ctx.db,
    actor.tenantId,
    workers,
    toMatchJob(job, job.site.location, { startsAt: start, endsAt: end, breakMinutes: shift.breakMinutes }),
    inPipeline,
    limit,
  );
  if (ranked.length === 0) return [];
  const rows = await workersWithPerson(g.ctx.db)
    .selectAll('w')
    .select('p.name')
    .where('w.tenantId', '=', actor.tenantId)
    .where(
      'w.id',
      'in',
      ranked.map((r) => r.id),
    )
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ranked.flatMap((r) => {
    const row = byId.get(r.id);
    return row ? [toWorkerCard(row, row.name, r.distanceKm)] : [];
  });
}

export async function listInbox(g: Gig, actor: Actor): Promise<InboxItem[]> {
  return g.ctx.db.transaction().execute(async (trx) => {
    const worker = await workerOf(trx, actor);
    const rows = await trx
      .selectFrom('gigInbox')
      .selectAll()
      .where('tenantId', '=', actor.tenantId)
      .where('workerId', '=', worker.id)
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(100)
      .execute();
    return rows.map(toInboxItem);
  });
}

export async function markInboxRead(g: Gig, actor: Actor, itemId: string): Promise<InboxItem> {
  return g.ctx.db.transaction().execute(async (trx) => {
    const worker = await workerOf(trx, actor);
    const row = await trx
      .updateTable('gigInbox')
      .set((eb) => ({ readAt: eb.fn.coalesce('readAt', eb.val(g.now())) }))
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', itemId)
      .where('workerId', '=', worker.id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('Inbox item');
    return toInboxItem(row);
  });
}

/** Adds an inbox item for a worker inside the caller's transaction (published after commit). */
export async function addInboxItem(
  trx: Trx,
  item: {
    tenantId: string;
    workerId: string;
    kind: string;
    jobId: string | null;
    title: string;
    body: string;
    at: Date;
  },
): Promise<InboxItem> {
  const row = await trx
    .insertInto('gigInbox')
    .values({
      tenantId: item.tenantId,
      id: newId(),
      workerId: item.workerId,
      kind: item.kind,
      jobId: item.jobId,
      title: item.title,
      body: item.body,
      createdAt: item.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toInboxItem(row);
}

/** Queues an SMS to a worker inside the caller's transaction (sent once per key). */
export async function smsWorker(
  g: Gig,
  trx: Trx,
  tenantId: string,
  workerId: string,
  key: string,
  template: 'gig_offer' | 'gig_hired' | 'gig_paid',
  params: Record<string, string>,
): Promise<void> {
  const worker = await trx
    .selectFrom('gigWorker')
    .select('personId')
    .where('tenantId', '=', tenantId)
    .where('id', '=', workerId)
    .executeTakeFirstOrThrow();
  const phone = (await contactPhonesUnchecked(g.ctx, trx, tenantId, [worker.personId])).get(worker.personId);
  if (phone) await queueSms(trx, g.ctx.cipher, { tenantId, key, phone, template, params });
}

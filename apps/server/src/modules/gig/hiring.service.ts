import type { Application } from '@jiedao/contracts';
import { createHash } from 'node:crypto';
import type { Actor } from '../../platform/auth/actor.js';
import { AppError, notFound } from '../../platform/errors.js';
import { haversineMeters } from '../../platform/geo/geojson.js';
import { derivedId, newId } from '../../platform/ids.js';
import { applyTransfers, findAccount, type LedgerRequest } from '../../platform/ledger/index.js';
import { enqueueOutbox } from '../../platform/outbox/outbox.js';
import { employerChannel, employerOf, workerChannel, workerOf, type Gig, type Trx } from './gig.js';
import type { ApplicationState, ContractTerms, GigApplicationRow, GigEmployerRow } from './gig.tables.js';
import { addInboxItem, describeWage, indexJob, loadJobs, smsWorker } from './jobs.service.js';
import { ledgerProblem } from './profiles.service.js';
import { iso, isoOrNull, toWorkerCard } from './views.js';

/** JSON with keys sorted at every level: the same terms always hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

export function contractHash(terms: ContractTerms): string {
  return createHash('sha256').update(canonicalJson(terms)).digest('hex');
}

async function loadApplications(trx: Trx, tenantId: string, ids: readonly string[]): Promise<Application[]> {
  if (ids.length === 0) return [];
  const rows = await trx
    .selectFrom('gigApplication as a')
    .innerJoin('gigJob as j', (join) =>
      join.onRef('j.tenantId', '=', 'a.tenantId').onRef('j.id', '=', 'a.jobId'),
    )
    .innerJoin('gigWorker as w', (join) =>
      join.onRef('w.tenantId', '=', 'a.tenantId').onRef('w.id', '=', 'a.workerId'),
    )
    .innerJoin('person as p', (join) =>
      join.onRef('p.tenantId', '=', 'w.tenantId').onRef('p.id', '=', 'w.personId'),
    )
    .innerJoin('gigSite as s', (join) =>
      join.onRef('s.tenantId', '=', 'j.tenantId').onRef('s.id', '=', 'j.siteId'),
    )
    .selectAll('a')
    .select([
      'j.title as jobTitle',
      'p.name as workerName',
      'w.categories',
      'w.skills',
      'w.reliability',
      'w.ratingSum',
      'w.ratingCount',
      'w.shiftsDone',
      'w.homeLng',
      'w.homeLat',
      's.lng as siteLng',
      's.lat as siteLat',
    ])
    .where('a.tenantId', '=', tenantId)
    .where('a.id', 'in', [...ids])
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    const distanceKm = haversineMeters([row.homeLng, row.homeLat], [row.siteLng, row.siteLat]) / 1000;
    return [
      {
        id: row.id,
        jobId: row.jobId,
        jobTitle: row.jobTitle,
        worker: toWorkerCard({ ...row, id: row.workerId }, row.workerName, distanceKm),
        origin: row.origin,
        state: row.state,
        note: row.note,
        terms: row.terms ?? null,
        contractHash: row.contractHash,
        offeredAt: isoOrNull(row.offeredAt),
        workerConfirmedAt: isoOrNull(row.workerConfirmedAt),
        employerConfirmedAt: isoOrNull(row.employerConfirmedAt),
        updatedAt: iso(row.updatedAt),
      },
    ];
  });
}

/** Builds the contract of a job for a worker: the shifts still ahead, each with the wage held for it. */
async function buildTerms(
  g: Gig,
  trx: Trx,
  tenantId: string,
  jobId: string,
  workerId: string,
  employer: Pick<GigEmployerRow, 'id' | 'name' | 'uscc'>,
): Promise<ContractTerms> {
  const [job] = await loadJobs(trx, tenantId, [jobId]);
  if (!job) throw notFound('Job');
  // The job's shifts carry the wage each holds already (`holdAmountFen` of the same terms).
  const shifts = job.shifts.filter((shift) => new Date(shift.startsAt) > g.now());
  if (shifts.length === 0)
    throw new AppError('conflict', 'Every shift of this job has started: nothing left to hire for', {
      messageZh: '该零工的班次都已开始，无法再录用',
    });
  return {
    jobId: job.id,
    title: job.title,
    employer: { id: employer.id, name: employer.name, uscc: employer.uscc },
    workerId,
    site: { name: job.site.name, address: job.site.address },
    wageKind: job.wageKind,
    wageFen: job.wageFen,
    expectedPieces: job.expectedPieces,
    settlementCycle: job.settlementCycle,
    injuryCover: job.injuryCover,
    shifts,
    totalFen: shifts.reduce((sum, shift) => sum + shift.holdFen, 0),
    requirements: job.requirements,
  };
}

type Side = 'worker' | 'employer';

/** Locks an application and checks that the caller is its worker or its job's employer. */
async function applicationFor(
  trx: Trx,
  actor: Actor,
  applicationId: string,
  side: Side,
): Promise<{ application: GigApplicationRow; employer: GigEmployerRow | undefined }> {
  const application = await trx
    .selectFrom('gigApplication')
    .selectAll()
    .where('tenantId', '=', actor.tenantId)
    .where('id', '=', applicationId)
    .forUpdate()
    .executeTakeFirst();
  if (!application) throw notFound('Application');
  if (side === 'worker') {
    const worker = await workerOf(trx, actor);
    if (worker.id !== application.workerId) throw notFound('Application');
    return { application, employer: undefined };
  }
  const employer = await employerOf(trx, actor);
  const job = await jobEmployer(trx, actor.tenantId, application.jobId);
  if (job.employerId !== employer.id) throw notFound('Application');
  return { application, employer };
}

function wrongState(application: GigApplicationRow, action: string): AppError {
  return new AppError('conflict', `Cannot ${action} an application that is ${application.state}`, {
    messageZh: `当前状态（${application.state}）不能执行该操作`,
  });
}

async function setState(
  trx: Trx,
  g: Gig,
  application: GigApplicationRow,
  state: ApplicationState,
  extra: Partial<
    Pick<
      GigApplicationRow,
      'terms' | 'contractHash' | 'offeredAt' | 'workerConfirmedAt' | 'employerConfirmedAt' | 'note'
    >
  > = {},
): Promise<void> {
  await trx
    .updateTable('gigApplication')
    .set({
      state,
      updatedAt: g.now(),
      ...(extra.terms !== undefined ? { terms: JSON.stringify(extra.terms) } : {}),
      ...(extra.contractHash !== undefined ? { contractHash: extra.contractHash } : {}),
      ...(extra.offeredAt !== undefined ? { offeredAt: extra.offeredAt } : {}),
      ...(extra.workerConfirmedAt !== undefined ? { workerConfirmedAt: extra.workerConfirmedAt } : {}),
      ...(extra.employerConfirmedAt !== undefined ? { employerConfirmedAt: extra.employerConfirmedAt } : {}),
      ...(extra.note !== undefined ? { note: extra.note } : {}),
    })
    .where('tenantId', '=', application.tenantId)
    .where('id', '=', application.id)
    .execute();
}

interface Notice {
  workerId: string;
  employerId: string;
  applicationId: string;
  state: ApplicationState;
  inbox?: Awaited<ReturnType<typeof addInboxItem>>;
}

function publish(g: Gig, tenantId: string, notice: Notice): void {
  const event = { id: notice.applicationId, state: notice.state };
  g.hub.publish(workerChannel(tenantId, notice.workerId), 'gig.application', event);
  g.hub.publish(employerChannel(tenantId, notice.employerId), 'gig.application', event);
  if (notice.inbox)
    g.hub.publish(workerChannel(tenantId, notice.workerId), 'gig.inbox', { item: notice.inbox });
}

async function jobEmployer(trx: Trx, tenantId: string, jobId: string) {
  const job = await trx
    .selectFrom('gigJob')
    .select(['id', 'employerId', 'status', 'title', 'headcount', 'hiredCount'])
    .where('tenantId', '=', tenantId)
    .where('id', '=', jobId)
    .executeTakeFirst();
  if (!job) throw notFound('Job');
  return job;
}

/** A worker applies to an open job (once; applying again answers the application there is). */
export async function apply(
  g: Gig,
  actor: Actor,
  jobId: string,
  note: string | undefined,
): Promise<Application> {
  const { application, notice } = await g.ctx.db.transaction().execute(async (trx) => {
    const worker = await workerOf(trx, actor);
    const job = await jobEmployer(trx, actor.tenantId, jobId);
    const existing = await trx
      .selectFrom('gigApplication')
      .select('id')
      .where('tenantId', '=', actor.tenantId)
      .where('jobId', '=', jobId)
      .where('workerId', '=', worker.id)
      .executeTakeFirst();
    if (existing)
      return {
        application: (await loadApplications(trx, actor.tenantId, [existing.id]))[0]!,
        notice: undefined,
      };
    if (job.status !== 'open')
      throw new AppError('conflict', `This job is ${job.status}: it takes no applications`, {
        messageZh: '该零工已招满或已关闭',
      });
    const id = newId();
    await trx
      .insertInto('gigApplication')
      .values({
        tenantId: actor.tenantId,
        id,
        jobId,
        workerId: worker.id,
        origin: 'apply',
        state: 'applied',
        note: note?.trim() || null,
        terms: null,
        contractHash: null,
        createdAt: g.now(),
        updatedAt: g.now(),
      })
      .execute();
    return {
      application: (await loadApplications(trx, actor.tenantId, [id]))[0]!,
      notice: {
        workerId: worker.id,
        employerId: job.employerId,
        applicationId: id,
        state: 'applied' as const,
      },
    };
  });
  if (notice) publish(g, actor.tenantId, notice);
  return application;
}

/** An employer invites a worker: the invitation is an offer with its contract, for the worker to accept. */
export async function invite(
  g: Gig,
  actor: Actor,
  jobId: string,
  workerId: string,
  note: string | undefined,
): Promise<Application> {
  const { application, notice } = await g.ctx.db.transaction().execute(async (trx) => {
    const employer = await employerOf(trx, actor);
    const job = await jobEmployer(trx, actor.tenantId, jobId);
    if (job.employerId !== employer.id) throw notFound('Job');
    if (job.status !== 'open')
      throw new AppError('conflict', `This job is ${job.status}`, { messageZh: '该零工已招满或已关闭' });
    const worker = await trx
      .selectFrom('gigWorker')
      .select(['id', 'status'])
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', workerId)
      .executeTakeFirst();
    if (!worker || worker.status !== 'active')
      throw new AppError('validation_failed', '/workerId: is not an active worker of this subdistrict', {
        errors: [{ field: '/workerId', message: 'is not an active worker of this subdistrict' }],
      });
    const existing = await trx
      .selectFrom('gigApplication')
      .select('id')
      .where('tenantId', '=', actor.tenantId)
      .where('jobId', '=', jobId)
      .where('workerId', '=', workerId)
      .executeTakeFirst();
    if (existing)
      return {
        application: (await loadApplications(trx, actor.tenantId, [existing.id]))[0]!,
        notice: undefined,
      };
    const terms = await buildTerms(g, trx, actor.tenantId, jobId, workerId, employer);
    const id = newId();
    await trx
      .insertInto('gigApplication')
      .values({
        tenantId: actor.tenantId,
        id,
        jobId,
        workerId,
        origin: 'invite',
        state: 'offered',
        note: note?.trim() || null,
        terms: JSON.stringify(terms),
        contractHash: contractHash(terms),
        offeredAt: g.now(),
        createdAt: g.now(),
        updatedAt: g.now(),
      })
      .execute();
    const inbox = await addInboxItem(trx, {
      tenantId: actor.tenantId,
      workerId,
      kind: 'offer',
      jobId,
      title: `${employer.name} 邀请您：${terms.title}`,
      body: `${describeWage(terms)} · 共${terms.shifts.length}个班次 · 请查看并确认合同`,
      at: g.now(),
    });
    await smsWorker(g, trx, actor.tenantId, workerId, `gig.offer:${id}`, 'gig_offer', {
      employer: employer.name,
      title: terms.title,
    });
    return {
      application: (await loadApplications(trx, actor.tenantId, [id]))[0]!,
      notice: { workerId, employerId: employer.id, applicationId: id, state: 'offered' as const, inbox },
    };
  });
  if (notice) publish(g, actor.tenantId, notice);
  return application;
}

/** The employer offers an applicant the job: the contract is drawn up and hashed. */
export async function offer(g: Gig, actor: Actor, applicationId: string): Promise<Application> {
  return transition(g, actor, applicationId, 'employer', async (trx, application, employer) => {
    if (application.state === 'offered') return undefined;
    if (application.state !== 'applied') throw wrongState(application, 'offer');
    const terms = await buildTerms(
      g,
      trx,
      actor.tenantId,
      application.jobId,
      application.workerId,
      employer!,
    );
    await setState(trx, g, application, 'offered', {
      terms,
      contractHash: contractHash(terms),
      offeredAt: g.now(),
    });
    const inbox = await addInboxItem(trx, {
      tenantId: actor.tenantId,
      workerId: application.workerId,
      kind: 'offer',
      jobId: application.jobId,
      title: `${employer!.name} 向您发出录用邀约：${terms.title}`,
      body: `${describeWage(terms)} · 共${terms.shifts.length}个班次 · 请查看并确认合同`,
      at: g.now(),
    });
    await smsWorker(
      g,
      trx,
      actor.tenantId,
      application.workerId,
      `gig.offer:${application.id}`,
      'gig_offer',
      {
        employer: employer!.name,
        title: terms.title,
      },
    );
    return { state: 'offered', inbox };
  });
}

/** The worker accepts the offer, confirming the contract by its hash (what they saw is what binds). */
export async function accept(
  g: Gig,
  actor: Actor,
  applicationId: string,
  hash: string,
): Promise<Application> {
  return transition(g, actor, applicationId, 'worker', async (trx, application) => {
    if (application.state === 'accepted' && application.contractHash === hash) return undefined;
    if (application.state !== 'offered') throw wrongState(application, 'accept');
    if (application.contractHash !== hash)
      throw new AppError('conflict', 'The contract changed: read the current terms and confirm their hash', {
        errors: [{ field: '/contractHash', message: 'does not match the offered contract' }],
        messageZh: '合同内容已变更，请重新查看后确认',
      });
    await setState(trx, g, application, 'accepted', { workerConfirmedAt: g.now() });
    return { state: 'accepted' };
  });
}

export async function decline(g: Gig, actor: Actor, applicationId: string): Promise<Application> {
  return transition(g, actor, applicationId, 'worker', async (trx, application) => {
    if (application.state === 'declined' || application.state === 'withdrawn') return undefined;
    if (application.state === 'applied') {
      await setState(trx, g, application, 'withdrawn');
      return { state: 'withdrawn' };
    }
    if (application.state !== 'offered' && application.state !== 'accepted')
      throw wrongState(application, 'decline');
    await setState(trx, g, application, 'declined');
    return { state: 'declined' };
  });
}

export async function reject(g: Gig, actor: Actor, applicationId: string): Promise<Application> {
  return transition(g, actor, applicationId, 'employer', async (trx, application) => {
    if (application.state === 'rejected') return undefined;
    if (!['applied', 'offered', 'accepted'].includes(application.state))
      throw wrongState(application, 'reject');
    await setState(trx, g, application, 'rejected');
    return { state: 'rejected' };
  });
}

/**
 * The employer confirms the hire, confirming the same contract hash the worker accepted: the wage of
 * every shift is held from the employer's account (all or none — a shortfall names the amount), one
 * assignment per shift is made, and the job fills when its headcount is reached.
 */
export async function confirmHire(
  g: Gig,
  actor: Actor,
  applicationId: string,
  hash: string,
): Promise<Application> {
  let jobId = '';
  const application = await transition(
    g,
    actor,
    applicationId,
    'employer',
    async (trx, application, employer) => {
      jobId = application.jobId;
      if (application.state === 'hired' && application.contractHash === hash) return undefined;
      if (application.state !== 'accepted') throw wrongState(application, 'confirm');
      if (application.contractHash !== hash || !application.terms)
        throw new AppError('conflict', 'The contract hash differs from the one the worker accepted', {
          errors: [{ field: '/contractHash', message: 'does not match the accepted contract' }],
          messageZh: '合同摘要与工人确认的不一致',
        });
      const job = await trx
        .selectFrom('gigJob')
        .select(['status', 'headcount', 'hiredCount', 'title', 'injuryCover'])
        .where('tenantId', '=', actor.tenantId)
        .where('id', '=', application.jobId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (job.status !== 'open' || job.hiredCount >= job.headcount)
        throw new AppError(
          'conflict',
          `This job is ${job.hiredCount >= job.headcount ? 'full' : job.status}`,
          {
            messageZh: '该零工已招满或已关闭',
          },
        );
      const terms = application.terms;
      const now = g.now();
      if (terms.shifts.some((shift) => new Date(shift.startsAt) <= now))
        throw new AppError(
          'conflict',
          'A shift of this contract has started: offer again with the shifts ahead',
          {
            messageZh: '合同中的班次已开始，请重新发出邀约',
          },
        );
      const worker = await trx
        .selectFrom('gigWorker')
        .select(['walletAccountId'])
        .where('tenantId', '=', actor.tenantId)
        .where('id', '=', application.workerId)
        .executeTakeFirstOrThrow();
      const holdId = (shiftId: string) =>
        derivedId(`${actor.tenantId}:gig.hold:${application.id}:${shiftId}`);
      const holds: LedgerRequest[] = terms.shifts.map((shift, index) => ({
        type: 'transfer',
        id: holdId(shift.id),
        debitAccountId: employer!.fundsAccountId,
        creditAccountId: worker.walletAccountId,
        amount: shift.holdFen,
        code: 'gig.wage_hold',
        reference: application.id,
        memo: `${terms.title} ${shift.startsAt}`,
        pendingTimeoutMs: new Date(shift.endsAt).getTime() + g.options.holdGraceMs - now.getTime(),
        linked: index < terms.shifts.length - 1,
      }));
      const results = await applyTransfers(trx, actor.tenantId, holds, now);
      const refused = results.find(
        (result) => result.status === 'rejected' && result.reason !== 'linked_transfer_failed',
      );
      if (refused && refused.status === 'rejected') {
        if (refused.reason === 'exceeds_balance') {
          const funds = await findAccount(trx, actor.tenantId, { id: employer!.fundsAccountId });
          throw ledgerProblem(
            { reason: 'exceeds_balance', shortfall: terms.totalFen - (funds?.available ?? 0) },
            'hire',
          );
        }
        throw ledgerProblem(refused, 'hire');
      }
      await trx
        .insertInto('gigAssignment')
        .values(
          terms.shifts.map((shift) => ({
            tenantId: actor.tenantId,
            id: derivedId(`${actor.tenantId}:gig.assignment:${application.id}:${shift.id}`),
            applicationId: application.id,
            jobId: application.jobId,
            shiftId: shift.id,
            workerId: application.workerId,
            employerId: employer!.id,
            holdTransferId: holdId(shift.id),
            holdFen: shift.holdFen,
            createdAt: now,
            updatedAt: now,
          })),
        )
        .execute();
      const hiredCount = job.hiredCount + 1;
      await trx
        .updateTable('gigJob')
        .set({
          hiredCount,
          ...(hiredCount >= job.headcount ? { status: 'filled' as const, filledAt: now } : {}),
        })
        .where('tenantId', '=', actor.tenantId)
        .where('id', '=', application.jobId)
        .execute();
      await setState(trx, g, application, 'hired', { employerConfirmedAt: now });
      // The insurance module records each shift's occupational-injury cover from this event.
      await enqueueOutbox(trx, {
        tenantId: actor.tenantId,
        topic: 'gig.hire.confirmed',
        aggregateId: application.id,
        payload: {
          applicationId: application.id,
          jobId: application.jobId,
          workerId: application.workerId,
          employerId: employer!.id,
          injuryCover: job.injuryCover,
          shifts: terms.shifts.map((shift) => ({
            id: shift.id,
            startsAt: shift.startsAt,
            endsAt: shift.endsAt,
          })),
          contractHash: hash,
        },
      });
      const first = terms.shifts[0]!;
      const inbox = await addInboxItem(trx, {
        tenantId: actor.tenantId,
        workerId: application.workerId,
        kind: 'hired',
        jobId: application.jobId,
        title: `录用成功：${terms.title}`,
        body: `${terms.site.name}（${terms.site.address}）· 首个班次 ${first.startsAt} · 工资已由平台托管`,
        at: now,
      });
      await smsWorker(
        g,
        trx,
        actor.tenantId,
        application.workerId,
        `gig.hired:${application.id}`,
        'gig_hired',
        {
          title: terms.title,
          when: new Intl.DateTimeFormat('zh-CN', {
            timeZone: 'Asia/Shanghai',
            month: 'numeric',
            day: 'numeric',
            hour: '2-digit',
            minute: '2-digit',
            hour12: false,
          }).format(new Date(first.startsAt)),
          site: terms.site.name,
        },
      );
      return { state: 'hired', inbox };
    },
  );
  g.ctx.outbox.poke();
  const [job] = await g.ctx.db.transaction().execute((trx) => loadJobs(trx, actor.tenantId, [jobId]));
  if (job) await indexJob(g, actor.tenantId, job);
  return application;
}

/** Runs one move on an application in a transaction, then tells both sides. */
async function transition(
  g: Gig,
  actor: Actor,
  applicationId: string,
  side: Side,
  move: (
    trx: Trx,
    application: GigApplicationRow,
    employer: GigEmployerRow | undefined,
  ) => Promise<{ state: ApplicationState; inbox?: Notice['inbox'] } | undefined>,
): Promise<Application> {
  const { application, notice } = await g.ctx.db.transaction().execute(async (trx) => {
    const { application, employer } = await applicationFor(trx, actor, applicationId, side);
    const moved = await move(trx, application, employer);
    let notice: Notice | undefined;
    if (moved) {
      // The employer's side checked the job is theirs already; the worker's side asks.
      const employerId =
        employer?.id ?? (await jobEmployer(trx, actor.tenantId, application.jobId)).employerId;
      notice = {
        workerId: application.workerId,
        employerId,
        applicationId,
        state: moved.state,
        ...(moved.inbox ? { inbox: moved.inbox } : {}),
      };
    }
    return { application: (await loadApplications(trx, actor.tenantId, [applicationId]))[0]!, notice };
  });
  if (notice) publish(g, actor.tenantId, notice);
  return application;
}

export async function myApplications(g: Gig, actor: Actor): Promise<Application[]> {
  return g.ctx.db.transaction().execute(async (trx) => {
    const worker = await workerOf(trx, actor);
    const ids = await trx
      .selectFrom('gigApplication')
      .select('id')
      .where('tenantId', '=', actor.tenantId)
      .where('workerId', '=', worker.id)
      .orderBy('updatedAt', 'desc')
      .limit(200)
      .execute();
    return loadApplications(
      trx,
      actor.tenantId,
      ids.map((row) => row.id),
    );
  });
}

export async function jobApplications(g: Gig, actor: Actor, jobId: string): Promise<Application[]> {
  return g.ctx.db.transaction().execute(async (trx) => {
    const employer = await employerOf(trx, actor);
    const job = await jobEmployer(trx, actor.tenantId, jobId);
    if (job.employerId !== employer.id) throw notFound('Job');
    const ids = await trx
      .selectFrom('gigApplication')
      .select('id')
      .where('tenantId', '=', actor.tenantId)
      .where('jobId', '=', jobId)
      .orderBy('createdAt')
      .execute();
    return loadApplications(
      trx,
      actor.tenantId,
      ids.map((row) => row.id),
    );
  });
}

import {
  Application,
  ApplyRequest,
  Assignment,
  AssignmentQuery,
  ClockRequest,
  ContractConfirmation,
  DeskJobInput,
  DeskWorkerInput,
  DeskWorkerResult,
  Dispute,
  DisputeQuery,
  DisputeRequest,
  EmployerInput,
  EmployerProfile,
  FeedItem,
  FeedQuery,
  GigEmployerSummary,
  GigKpis,
  GigPayout,
  GigPayoutQuery,
  IdParams,
  InboxItem,
  InviteRequest,
  Job,
  JobInput,
  JobListQuery,
  MoneyRequest,
  Paged,
  Payslip,
  RatingRequest,
  ReconcileStatus,
  ResolveDisputeRequest,
  SettlementRunResult,
  Site,
  SiteInput,
  TopUpResult,
  Wallet,
  WorkerCard,
  WorkerProfile,
  WorkerProfileInput,
  WorkerProfileUpdate,
  WorkerSearchQuery,
} from '@jiedao/contracts';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf, authenticated } from '../../platform/auth/auth-plugin.js';
import { attachmentHeader, buildWorkbook, XLSX_CONTENT_TYPE as XLSX } from '../../platform/export/xlsx.js';
import { PROBLEM_RESPONSES, typed } from '../../platform/http/route-helpers.js';
import { localDate } from '../../platform/local-date.js';
import * as attendance from './attendance.service.js';
import type { BankGateway } from './bank-simulator.js';
import { assertOperator, employerOf, workerOf, employerChannel, workerChannel, type Gig } from './gig.js';
import * as hiring from './hiring.service.js';
import * as jobs from './jobs.service.js';
import * as profiles from './profiles.service.js';
import * as wages from './wages.service.js';

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 100 })),
});

const PAYOUT_STATE_ZH: Record<string, string> = {
  requested: '待发放',
  submitted: '发放中',
  paid: '已到账',
  refused: '被退回',
};

export function registerGigRoutes(fastify: FastifyInstance, g: Gig & { bank: BankGateway }): void {
  const app = typed(fastify);
  const base = '/api/gig';
  const worker = ['gig: worker'];
  const employer = ['gig: employer'];
  const console = ['gig: operator'];
  const auth = { onRequest: authenticated };

  // ——— live stream: each worker and employer hears only their own ———
  app.get(
    `${base}/stream`,
    {
      schema: {
        tags: ['gig'],
        summary:
          'Live events for the signed-in worker or employer (gig.inbox, gig.application, gig.assignment)',
        querystring: Type.Object({
          as: Type.Optional(Type.Enum(['worker', 'employer'])),
          lastEventId: Type.Optional(Type.String()),
        }),
      },
      ...auth,
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const channel = await g.ctx.db.transaction().execute(async (trx) => {
        const { as } = request.query;
        if (as === 'worker') return workerChannel(actor.tenantId, (await workerOf(trx, actor)).id);
        if (as === undefined) {
          // Unspecified: the caller's worker profile if they have one, else their employer profile.
          const worker = await trx
            .selectFrom('gigWorker')
            .select('id')
            .where('tenantId', '=', actor.tenantId)
            .where('accountId', '=', actor.accountId)
            .executeTakeFirst();
          if (worker) return workerChannel(actor.tenantId, worker.id);
        }
        return employerChannel(actor.tenantId, (await employerOf(trx, actor)).id);
      });
      g.hub.openStream(request, reply, { tenantId: channel, topics: (topic) => topic.startsWith('gig.') });
    },
  );

  // ——— workers ———
  app.get(
    `${base}/worker/profile`,
    {
      schema: {
        tags: worker,
        summary: 'My worker profile',
        response: { 200: WorkerProfile, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => profiles.myWorkerProfile(g, actorOf(request)),
  );
  app.post(
    `${base}/worker/profile`,
    {
      schema: {
        tags: worker,
        summary: 'Register as a gig worker (real-name verified people only)',
        body: WorkerProfileInput,
        response: { 201: WorkerProfile, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    async (request, reply) =>
      reply.status(201).send(await profiles.registerWorker(g, actorOf(request), request.body)),
  );
  app.patch(
    `${base}/worker/profile`,
    {
      schema: {
        tags: worker,
        summary: 'Change my skills, area, availability, cycle or payout account',
        body: WorkerProfileUpdate,
        response: { 200: WorkerProfile, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => profiles.updateWorkerProfile(g, actorOf(request), request.body),
  );
  app.get(
    `${base}/worker/feed`,
    {
      schema: {
        tags: worker,
        summary: 'Open jobs in match order, nearest first',
        querystring: FeedQuery,
        response: { 200: Type.Array(FeedItem), ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => jobs.feed(g, actorOf(request), request.query.limit ?? 30),
  );
  app.get(
    `${base}/worker/applications`,
    {
      schema: {
        tags: worker,
        summary: 'My applications and offers',
        response: { 200: Type.Array(Application), ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => hiring.myApplications(g, actorOf(request)),
  );
  app.get(
    `${base}/worker/assignments`,
    {
      schema: {
        tags: worker,
        summary: 'My shifts',
        querystring: AssignmentQuery,
        response: { 200: Paged(Assignment), ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => attendance.listAssignments(g, actorOf(request), 'worker', request.query),
  );
  app.get(
    `${base}/worker/wallet`,
    {
      schema: {
        tags: worker,
        summary: 'My wallet: balance, wages held for me, movements',
        response: { 200: Wallet, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => wages.wallet(g, actorOf(request)),
  );
  app.get(
    `${base}/worker/payslips`,
    {
      schema: {
        tags: worker,
        summary: 'My pay slips, one per payout',
        response: { 200: Type.Array(Payslip), ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => wages.payslips(g, actorOf(request)),
  );
  app.get(
    `${base}/worker/inbox`,
    {
      schema: {
        tags: worker,
        summary: 'My inbox: jobs pushed to me, offers, hires, wages',
        response: { 200: Type.Array(InboxItem), ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => jobs.listInbox(g, actorOf(request)),
  );
  app.post(
    `${base}/worker/inbox/:id/read`,
    {
      schema: {
        tags: worker,
        summary: 'Mark an inbox item read',
        params: IdParams,
        response: { 200: InboxItem, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => jobs.markInboxRead(g, actorOf(request), request.params.id),
  );
  app.post(
    `${base}/jobs/:id/apply`,
    {
      schema: {
        tags: worker,
        summary: 'Apply to a job',
        params: IdParams,
        body: ApplyRequest,
        response: { 200: Application, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => hiring.apply(g, actorOf(request), request.params.id, request.body.note),
  );
  app.post(
    `${base}/applications/:id/accept`,
    {
      schema: {
        tags: worker,
        summary: 'Accept an offer, confirming its contract by hash',
        params: IdParams,
        body: ContractConfirmation,
        response: { 200: Application, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => hiring.accept(g, actorOf(request), request.params.id, request.body.contractHash),
  );
  app.post(
    `${base}/applications/:id/decline`,
    {
      schema: {
        tags: worker,
        summary: 'Decline an offer (or withdraw an application)',
        params: IdParams,
        response: { 200: Application, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => hiring.decline(g, actorOf(request), request.params.id),
  );
  app.post(
    `${base}/applications/:id/withdraw`,
    {
      schema: {
        tags: worker,
        summary: 'Withdraw an application',
        params: IdParams,
        response: { 200: Application, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => hiring.decline(g, actorOf(request), request.params.id),
  );
  app.post(
    `${base}/assignments/:id/clock-in`,
    {
      schema: {
        tags: worker,
        summary: 'Clock in inside the site geofence (refused with the distance outside it)',
        params: IdParams,
        body: ClockRequest,
        response: { 200: Assignment, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => attendance.clockIn(g, actorOf(request), request.params.id, request.body),
  );
  app.post(
    `${base}/assignments/:id/clock-out`,
    {
      schema: {
        tags: worker,
        summary: 'Clock out (with the pieces done, for piece work)',
        params: IdParams,
        body: ClockRequest,
        response: { 200: Assignment, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => attendance.clockOut(g, actorOf(request), request.params.id, request.body),
  );

  // ——— both sides of an assignment ———
  app.get(
    `${base}/assignments/:id`,
    {
      schema: {
        tags: ['gig'],
        summary: 'One shift of a hire (its worker, its employer, operators)',
        params: IdParams,
        response: { 200: Assignment, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => attendance.getAssignment(g, actorOf(request), request.params.id),
  );
  app.post(
    `${base}/assignments/:id/cancel`,
    {
      schema: {
        tags: ['gig'],
        summary: 'Call off a shift before it starts (worker or employer)',
        params: IdParams,
        response: { 200: Assignment, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => attendance.cancelAssignment(g, actorOf(request), request.params.id),
  );
  app.post(
    `${base}/assignments/:id/dispute`,
    {
      schema: {
        tags: ['gig'],
        summary: 'Dispute a shift (worker or employer)',
        params: IdParams,
        body: DisputeRequest,
        response: { 200: Dispute, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => attendance.raiseDispute(g, actorOf(request), request.params.id, request.body),
  );
  app.post(
    `${base}/assignments/:id/rating`,
    {
      schema: {
        tags: ['gig'],
        summary: 'Rate the other side after the shift',
        params: IdParams,
        body: RatingRequest,
        response: { 200: Assignment, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => attendance.rate(g, actorOf(request), request.params.id, request.body),
  );

  // ——— employers ———
  app.get(
    `${base}/employer/profile`,
    {
      schema: {
        tags: employer,
        summary: 'My employer profile and balances',
        response: { 200: EmployerProfile, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => profiles.myEmployerProfile(g, actorOf(request)),
  );
  app.post(
    `${base}/employer/profile`,
    {
      schema: {
        tags: employer,
        summary: 'Register as an employer (a person, or a business with its unified social credit code)',
        body: EmployerInput,
        response: { 201: EmployerProfile, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    async (request, reply) =>
      reply.status(201).send(await profiles.registerEmployer(g, actorOf(request), request.body)),
  );
  app.get(
    `${base}/employer/sites`,
    {
      schema: {
        tags: employer,
        summary: 'My work sites',
        response: { 200: Type.Array(Site), ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => profiles.listSites(g, actorOf(request)),
  );
  app.post(
    `${base}/employer/sites`,
    {
      schema: {
        tags: employer,
        summary: 'Add a work site with its clock-in radius',
        body: SiteInput,
        response: { 201: Site, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    async (request, reply) =>
      reply.status(201).send(await profiles.addSite(g, actorOf(request), request.body)),
  );
  app.post(
    `${base}/employer/topups`,
    {
      schema: {
        tags: employer,
        summary: 'Top up through the bank (simulator); Idempotency-Key required',
        headers: IdempotencyHeaders,
        body: MoneyRequest,
        response: { 200: TopUpResult, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) =>
      profiles.topUp(g, actorOf(request), request.body.amountFen, request.headers['idempotency-key']),
  );
  app.post(
    `${base}/employer/guarantee`,
    {
      schema: {
        tags: employer,
        summary: 'Pay into the wage guarantee deposit (工资保证金); Idempotency-Key required',
        headers: IdempotencyHeaders,
        body: MoneyRequest,
        response: { 200: EmployerProfile, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) =>
      profiles.depositGuarantee(
        g,
        actorOf(request),
        request.body.amountFen,
        request.headers['idempotency-key'],
      ),
  );
  app.get(
    `${base}/employer/jobs`,
    {
      schema: {
        tags: employer,
        summary: 'My jobs',
        querystring: JobListQuery,
        response: { 200: Paged(Job), ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => jobs.listEmployerJobs(g, actorOf(request), request.query, 'mine'),
  );
  app.get(
    `${base}/employer/assignments`,
    {
      schema: {
        tags: employer,
        summary: 'Attendance of my hires',
        querystring: AssignmentQuery,
        response: { 200: Paged(Assignment), ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => attendance.listAssignments(g, actorOf(request), 'employer', request.query),
  );
  app.post(
    `${base}/jobs`,
    {
      schema: {
        tags: employer,
        summary:
          'Post a job with its shifts; the first wave is pushed at once. Idempotency-Key makes retries safe',
        headers: IdempotencyHeaders,
        body: JobInput,
        response: { 201: Job, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await jobs.postJob(
            g,
            actorOf(request),
            request.body,
            request.headers['idempotency-key'],
            'employer',
          ),
        ),
  );
  app.get(
    `${base}/jobs/:id`,
    {
      schema: {
        tags: ['gig'],
        summary: 'A job',
        params: IdParams,
        response: { 200: Job, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => jobs.getJob(g, actorOf(request), request.params.id),
  );
  app.post(
    `${base}/jobs/:id/close`,
    {
      schema: {
        tags: employer,
        summary: 'Close a job (its employer or an operator)',
        params: IdParams,
        response: { 200: Job, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => jobs.closeJob(g, actorOf(request), request.params.id),
  );
  app.get(
    `${base}/jobs/:id/applications`,
    {
      schema: {
        tags: employer,
        summary: 'Applications and offers of my job',
        params: IdParams,
        response: { 200: Type.Array(Application), ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => hiring.jobApplications(g, actorOf(request), request.params.id),
  );
  app.get(
    `${base}/jobs/:id/candidates`,
    {
      schema: {
        tags: employer,
        summary: 'Workers to invite, in match order (masked)',
        params: IdParams,
        response: { 200: Type.Array(WorkerCard), ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => jobs.candidates(g, actorOf(request), request.params.id),
  );
  app.get(
    `${base}/workers`,
    {
      schema: {
        tags: employer,
        summary: 'Search worker profiles (masked)',
        querystring: WorkerSearchQuery,
        response: { 200: Type.Array(WorkerCard), ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => profiles.searchWorkers(g, actorOf(request), request.query),
  );
  app.post(
    `${base}/jobs/:id/invite`,
    {
      schema: {
        tags: employer,
        summary: 'Invite a worker: an offer with its contract',
        params: IdParams,
        body: InviteRequest,
        response: { 200: Application, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) =>
      hiring.invite(g, actorOf(request), request.params.id, request.body.workerId, request.body.note),
  );
  app.post(
    `${base}/applications/:id/offer`,
    {
      schema: {
        tags: employer,
        summary: 'Offer the job to an applicant (draws up the contract)',
        params: IdParams,
        response: { 200: Application, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => hiring.offer(g, actorOf(request), request.params.id),
  );
  app.post(
    `${base}/applications/:id/reject`,
    {
      schema: {
        tags: employer,
        summary: 'Turn an applicant down',
        params: IdParams,
        response: { 200: Application, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => hiring.reject(g, actorOf(request), request.params.id),
  );
  app.post(
    `${base}/applications/:id/confirm`,
    {
      schema: {
        tags: employer,
        summary:
          'Confirm the hire: the wages of its shifts are held from my account (409 names the shortfall)',
        params: IdParams,
        body: ContractConfirmation,
        response: { 200: Application, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => hiring.confirmHire(g, actorOf(request), request.params.id, request.body.contractHash),
  );
  app.post(
    `${base}/assignments/:id/confirm`,
    {
      schema: {
        tags: employer,
        summary: 'Confirm the attendance: the earned wage reaches the worker now',
        params: IdParams,
        response: { 200: Assignment, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => attendance.confirmAttendance(g, actorOf(request), request.params.id),
  );

  // ——— operator console and the offline desk ———
  app.get(
    `${base}/console/kpis`,
    {
      schema: {
        tags: console,
        summary: 'Market figures of today',
        response: { 200: GigKpis, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => wages.kpis(g, actorOf(request)),
  );
  app.get(
    `${base}/jobs`,
    {
      schema: {
        tags: console,
        summary: 'All jobs',
        querystring: JobListQuery,
        response: { 200: Paged(Job), ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => jobs.listEmployerJobs(g, actorOf(request), request.query, 'all'),
  );
  app.get(
    `${base}/employers`,
    {
      schema: {
        tags: console,
        summary: 'Employers, for the desk',
        response: { 200: Type.Array(GigEmployerSummary), ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => profiles.listEmployers(g, actorOf(request)),
  );
  app.get(
    `${base}/employers/:id/sites`,
    {
      schema: {
        tags: console,
        summary: 'An employer’s sites, for the desk',
        params: IdParams,
        response: { 200: Type.Array(Site), ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => profiles.listSites(g, actorOf(request), request.params.id),
  );
  app.post(
    `${base}/desk/workers`,
    {
      schema: {
        tags: console,
        summary: 'Register a walk-in worker at the offline desk',
        body: DeskWorkerInput,
        response: { 201: DeskWorkerResult, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    async (request, reply) =>
      reply.status(201).send(await profiles.registerWalkInWorker(g, actorOf(request), request.body)),
  );
  app.post(
    `${base}/desk/jobs`,
    {
      schema: {
        tags: console,
        summary: 'Post a job for an employer at the offline desk',
        headers: IdempotencyHeaders,
        body: DeskJobInput,
        response: { 201: Job, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await jobs.postJob(g, actorOf(request), request.body, request.headers['idempotency-key'], 'desk'),
        ),
  );
  app.get(
    `${base}/disputes`,
    {
      schema: {
        tags: console,
        summary: 'Disputes',
        querystring: DisputeQuery,
        response: { 200: Paged(Dispute), ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => attendance.listDisputes(g, actorOf(request), request.query),
  );
  app.post(
    `${base}/disputes/:id/resolve`,
    {
      schema: {
        tags: console,
        summary: 'Resolve a dispute: pay, refund or dismiss, with a reason',
        params: IdParams,
        body: ResolveDisputeRequest,
        response: { 200: Dispute, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => attendance.resolveDispute(g, actorOf(request), request.params.id, request.body),
  );
  app.get(
    `${base}/payouts`,
    {
      schema: {
        tags: console,
        summary: 'Wage payouts and their state',
        querystring: GigPayoutQuery,
        response: { 200: Paged(GigPayout), ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => wages.listPayouts(g, actorOf(request), request.query),
  );
  app.get(
    `${base}/payouts/export`,
    {
      schema: {
        tags: console,
        summary: 'Wage payouts as an Excel workbook',
        querystring: Type.Object({ state: GigPayoutQuery.properties.state }),
        produces: [XLSX],
      },
      ...auth,
    },
    async (request, reply) => {
      const rows = await wages.exportPayouts(g, actorOf(request), request.query);
      const workbook = await buildWorkbook(
        '工资发放',
        [
          { header: '工人 / Worker', value: (row: GigPayout) => row.workerName },
          { header: '结算期 / Period', value: (row) => row.periodKey },
          { header: '金额(元) / Amount (yuan)', value: (row) => row.amountFen / 100 },
          {
            header: '状态 / State',
            value: (row) => `${PAYOUT_STATE_ZH[row.state] ?? row.state} / ${row.state}`,
          },
          { header: '收款账户 / Account', value: (row) => row.payoutAccount },
          { header: '尝试次数 / Attempts', value: (row) => row.attempts },
          { header: '最近错误 / Last error', value: (row) => row.lastError },
          { header: '退回原因 / Refusal', value: (row) => row.refusal },
          { header: '申请时间 / Requested', value: (row) => row.requestedAt },
          { header: '完成时间 / Finished', value: (row) => row.finishedAt },
        ],
        rows,
      );
      const day = localDate(g.now());
      return reply
        .type(XLSX)
        .header(
          'content-disposition',
          attachmentHeader(`零工工资发放-${day}.xlsx`, `gig-payouts-${day}.xlsx`),
        )
        .send(workbook);
    },
  );
  app.post(
    `${base}/settlements/run`,
    {
      schema: {
        tags: console,
        summary: 'Run settlement now: pay wallets out by each worker’s cycle',
        response: { 200: SettlementRunResult, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => wages.settleNow(g, actorOf(request)),
  );
  app.post(
    `${base}/reconcile`,
    {
      schema: {
        tags: console,
        summary: 'Reconcile the ledger now (debits = credits, balances, payouts in flight, shifts)',
        response: { 200: ReconcileStatus, ...PROBLEM_RESPONSES },
      },
      ...auth,
    },
    (request) => {
      const actor = actorOf(request);
      assertOperator(actor);
      return wages.reconcileNow(g, actor.tenantId);
    },
  );
}

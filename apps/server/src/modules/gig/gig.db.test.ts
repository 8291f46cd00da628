import type { Application, Assignment, EmployerProfile, Job, WorkerProfile } from '@jiedao/contracts';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../platform/ids.js';
import { applyTransfers } from '../../platform/ledger/index.js';
import { PayoutProcessor } from '../../platform/payouts/index.js';
import { SimulatedPayoutRail } from '../../platform/payout-rail/payout-rail.js';
import { SimulatedSmsGateway } from '../../platform/sms/index.js';
import { createTestApp, createTestTenant, type TestApp } from '../../testing/test-app.js';
import type { TestTenant } from '../../testing/factories.js';
import { anyString, matching } from '../../testing/governance-factories.js';
import { makeResidentIdNumber, makeUscc, recordVerifiedIdentityUnchecked } from '../identity/index.js';
import { SimulatedBankGateway } from './bank-simulator.js';
import { sweepAttendance } from './attendance.service.js';
import { GigMatcher } from './gig-matcher.js';
import { runSettlement } from './wages.service.js';

const HOUR = 3600_000;
let clock = new Date(Math.ceil(Date.now() / HOUR) * HOUR + 24 * HOUR);
const now = () => clock;
const bank = new SimulatedBankGateway({ seed: 7 });
const sms = new SimulatedSmsGateway({
  seed: 7,
  latencyMs: [0, 0],
  perPhonePerMinute: 100,
  perPhonePerDay: 100,
});
const rail = new SimulatedPayoutRail({ seed: 7, latencyMs: [0, 0], settleMs: [0, 0] });

let t: TestApp;
let tenant: TestTenant;
let other: TestTenant;
type Person = { cookie: string; accountId: string; personId: string; phone: string };
let workerA: Person; // lives by the site
let workerB: Person; // a few km away
let workerFar: Person; // far outside any radius
let unverified: Person;
let boss: Person;
let operator: Person;
let otherBoss: Person;
let site: { lng: number; lat: number };
let siteId: string;
let sequence = 100;

async function verify(person: Person, name: string) {
  sequence += 2;
  await recordVerifiedIdentityUnchecked(t.ctx, tenant.id, person.personId, {
    name,
    idNumber: makeResidentIdNumber({ birthDate: '1990-05-01', sex: 'male', sequence }),
  });
}

function call(
  person: Person | undefined,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  return t.app.inject({
    method,
    url,
    headers: { ...(person ? { cookie: person.cookie } : {}), ...headers },
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });
}

const ALL_HOURS = Array.from({ length: 7 }, () => 0xffffff);
const profile = (home: { lng: number; lat: number }, extra: Record<string, unknown> = {}) => ({
  categories: ['moving', 'cleaning'],
  skills: ['health_cert'],
  home,
  radiusKm: 5,
  weekHours: ALL_HOURS,
  settlementCycle: 'daily',
  payout: { name: '张三', accountNo: '6222020200112233' },
  ...extra,
});

function shiftAt(hoursFromNow: number, lengthHours = 4, breakMinutes = 0) {
  const startsAt = new Date(clock.getTime() + hoursFromNow * HOUR);
  return {
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + lengthHours * HOUR).toISOString(),
    breakMinutes,
  };
}

const jobBody = (extra: Record<string, unknown> = {}) => ({
  siteId,
  title: '仓库搬运',
  category: 'moving',
  skills: ['health_cert'],
  headcount: 2,
  wageKind: 'hour',
  wageFen: 3000,
  settlementCycle: 'daily',
  requirements: '能搬 25 公斤',
  shifts: [shiftAt(3)],
  ...extra,
});

beforeAll(async () => {
  t = await createTestApp({ gig: { bank, sms, now }, payoutRail: rail });
  tenant = await createTestTenant(t.ctx);
  other = await createTestTenant(t.ctx);
  site = { lng: tenant.origin[0] + 0.005, lat: tenant.origin[1] + 0.005 };
  workerA = await t.signIn(tenant, ['resident']);
  workerB = await t.signIn(tenant, ['resident']);
  workerFar = await t.signIn(tenant, ['resident']);
  unverified = await t.signIn(tenant, ['resident']);
  boss = await t.signIn(tenant, ['resident']);
  operator = await t.signIn(tenant, ['market_operator']);
  otherBoss = await t.signIn(other, ['resident']);
  await verify(workerA, '王小明');
  await verify(workerB, '李四');
  await verify(workerFar, '赵六');
  await verify(boss, '陈老板');
  await recordVerifiedIdentityUnchecked(t.ctx, other.id, otherBoss.personId, {
    name: '外区老板',
    idNumber: makeResidentIdNumber({ birthDate: '1980-01-01', sex: 'female', sequence: 9 }),
  });
});
afterAll(() => t.close());

describe('gig market: profiles', () => {
  it('registers real-name verified workers only, once each', async () => {
    const refused = await call(unverified, 'POST', '/api/gig/worker/profile', profile(site));
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'real_name_required' });

    const created = await call(
      workerA,
      'POST',
      '/api/gig/worker/profile',
      profile({ lng: site.lng + 0.002, lat: site.lat }),
    );
    expect(created.statusCode).toBe(201);
    const body = created.json<WorkerProfile>();
    expect(body).toMatchObject({ name: '王小明', reliability: 80, payoutAccount: '**** **** 2233' });
    expect(JSON.stringify(body)).not.toContain('6222020200112233');
    const stored = await t.ctx.db
      .selectFrom('gigWorker')
      .select('payoutEnc')
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow();
    expect(stored.payoutEnc).not.toContain('6222020200112233');

    expect((await call(workerA, 'POST', '/api/gig/worker/profile', profile(site))).statusCode).toBe(409);
    expect(
      (
        await call(
          workerB,
          'POST',
          '/api/gig/worker/profile',
          profile({ lng: site.lng + 0.03, lat: site.lat }),
        )
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await call(
          workerFar,
          'POST',
          '/api/gig/worker/profile',
          profile({ lng: site.lng + 0.3, lat: site.lat }),
        )
      ).statusCode,
    ).toBe(201);
    // The role follows the profile.
    const roles = await t.ctx.db
      .selectFrom('roleAssignment')
      .select('role')
      .where('accountId', '=', workerA.accountId)
      .execute();
    expect(roles.map((row) => row.role)).toContain('worker');
  });

  it('warms the matcher of each subdistrict with workers (at start), with the workers in it', async () => {
    const matcher = new GigMatcher(t.ctx.db, now);
    expect(await matcher.warm()).toBeGreaterThanOrEqual(1);
    expect(matcher.isLoaded(tenant.id)).toBe(true);
    expect(matcher.isLoaded(other.id)).toBe(false);
    const { workers } = await matcher.indexes(tenant.id);
    expect(workers.size).toBe(
      (await t.ctx.db.selectFrom('gigWorker').select('id').where('tenantId', '=', tenant.id).execute())
        .length,
    );
    expect(workers.size).toBeGreaterThan(0);
  });

  it('rejects a bad profile field by name', async () => {
    const response = await call(workerA, 'PATCH', '/api/gig/worker/profile', { radiusKm: 80 });
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json())).toContain('radiusKm');
  });

  it('checks an employer’s unified social credit code', async () => {
    const bad = await call(boss, 'POST', '/api/gig/employer/profile', {
      kind: 'business',
      name: '杭州测试物流有限公司',
      uscc: '91330106MA2H0LXK3Y',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'invalid_uscc', errors: [{ field: '/uscc' }] });
    const uscc = makeUscc({ prefix: '91', regionCode: '330106', organisation8: 'MA2H0LXK' });
    const good = await call(boss, 'POST', '/api/gig/employer/profile', {
      kind: 'business',
      name: '杭州测试物流有限公司',
      uscc,
    });
    expect(good.statusCode).toBe(201);
    expect(good.json<EmployerProfile>()).toMatchObject({
      uscc,
      balances: { availableFen: 0, heldFen: 0, guaranteeFen: 0 },
    });
    const created = await call(boss, 'POST', '/api/gig/employer/sites', {
      name: '城西仓库',
      address: '古墩路 1 号',
      location: site,
    });
    expect(created.statusCode).toBe(201);
    siteId = created.json<{ id: string }>().id;
    expect(
      (await call(otherBoss, 'POST', '/api/gig/employer/profile', { kind: 'person', name: '外区个体' }))
        .statusCode,
    ).toBe(201);
  });

  it('tops up exactly once per Idempotency-Key, through a bank that loses answers', async () => {
    expect((await call(boss, 'POST', '/api/gig/employer/topups', { amountFen: 1000 })).statusCode).toBe(400);
    const key = { 'idempotency-key': 'topup-0001-abcd' };
    const first = await call(boss, 'POST', '/api/gig/employer/topups', { amountFen: 10_000 }, key);
    expect(first.statusCode).toBe(200);
    const again = await call(boss, 'POST', '/api/gig/employer/topups', { amountFen: 10_000 }, key);
    expect(again.json()).toMatchObject({
      id: first.json<{ id: string }>().id,
      balances: { availableFen: 10_000 },
    });
    const before = bank.collectedFen();
    // The bank charges, then the answer is lost: the caller sees 503 and retries with the same key.
    const lossy = new SimulatedBankGateway({ seed: 3, lostAnswerRate: 1 });
    const original = t.gig.gig.bank;
    t.gig.gig.bank = lossy;
    const lost = await call(
      boss,
      'POST',
      '/api/gig/employer/topups',
      { amountFen: 5_000 },
      { 'idempotency-key': 'topup-0002-abcd' },
    );
    expect(lost.statusCode).toBe(503);
    expect(lost.json()).toMatchObject({ code: 'bank_unavailable' });
    const retried = await call(
      boss,
      'POST',
      '/api/gig/employer/topups',
      { amountFen: 5_000 },
      { 'idempotency-key': 'topup-0002-abcd' },
    );
    t.gig.gig.bank = original;
    expect(retried.statusCode).toBe(200);
    expect(lossy.collectedFen()).toBe(5_000);
    expect(bank.collectedFen()).toBe(before);
    expect(retried.json()).toMatchObject({ balances: { availableFen: 15_000 } });
  });
});

let job: Job;
let applicationA: Application;

describe('gig market: a job from post to pay', () => {
  it('pushes the first wave to nearby workers only, with inbox, SMS and live event', async () => {
    const response = await call(boss, 'POST', '/api/gig/jobs', jobBody(), {
      'idempotency-key': 'job-0001-abcd',
    });
    expect(response.statusCode).toBe(201);
    job = response.json<Job>();
    expect(job).toMatchObject({
      status: 'open',
      wavesSent: 1,
      pushedCount: 2,
      shifts: [{ holdFen: 12_000 }],
    });
    // A retried post finds the same job.
    const retry = await call(boss, 'POST', '/api/gig/jobs', jobBody(), {
      'idempotency-key': 'job-0001-abcd',
    });
    expect(retry.json<Job>().id).toBe(job.id);

    const inboxA = await call(workerA, 'GET', '/api/gig/worker/inbox');
    expect(inboxA.json()).toEqual([expect.objectContaining({ kind: 'job_push', jobId: job.id })]);
    expect((await call(workerFar, 'GET', '/api/gig/worker/inbox')).json()).toEqual([]);
    const smsJobs = await t.ctx.db
      .selectFrom('job')
      .select(['key', 'payload'])
      .where('kind', '=', 'sms.send')
      .execute();
    expect(smsJobs.map((row) => row.key).sort()).toEqual(
      expect.arrayContaining([expect.stringContaining(`gig.push:${job.id}:`)]),
    );
    expect(JSON.stringify(smsJobs)).not.toContain(workerA.phone);

    const feedA = await call(workerA, 'GET', '/api/gig/worker/feed');
    expect(feedA.json()).toEqual([
      expect.objectContaining({ job: expect.objectContaining({ id: job.id }) as unknown, applied: false }),
    ]);
    expect((await call(workerFar, 'GET', '/api/gig/worker/feed')).json()).toEqual([]);
  });

  it('pushes wave after wave on one connection (the push is a prepared statement from its sixth run)', async () => {
    for (let i = 0; i < 8; i++) {
      const response = await call(
        boss,
        'POST',
        '/api/gig/jobs',
        jobBody({ headcount: 1, title: `临时搬运 ${i}` }),
      );
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json()).toMatchObject({ wavesSent: 1 });
      await call(boss, 'POST', `/api/gig/jobs/${response.json<Job>().id}/close`);
    }
  });

  it('refuses bad jobs by field', async () => {
    const past = await call(boss, 'POST', '/api/gig/jobs', jobBody({ shifts: [shiftAt(-1)] }));
    expect(past.statusCode).toBe(400);
    expect(past.json()).toMatchObject({ errors: [{ field: '/shifts/0/startsAt' }] });
    const piece = await call(boss, 'POST', '/api/gig/jobs', jobBody({ wageKind: 'piece' }));
    expect(piece.json()).toMatchObject({ errors: [{ field: '/expectedPieces' }] });
    const otherSite = await call(otherBoss, 'POST', '/api/gig/jobs', jobBody());
    expect(otherSite.statusCode).toBe(400);
    expect(otherSite.json()).toMatchObject({ errors: [{ field: '/siteId' }] });
  });

  it('hires through apply → offer → accept → confirm, holding the wage', async () => {
    const applied = await call(workerA, 'POST', `/api/gig/jobs/${job.id}/apply`, { note: '有经验' });
    expect(applied.json<Application>()).toMatchObject({ state: 'applied', worker: { name: '王*明' } });
    applicationA = applied.json<Application>();
    // Only the job's employer sees and moves its applications.
    expect((await call(otherBoss, 'GET', `/api/gig/jobs/${job.id}/applications`)).statusCode).toBe(404);
    expect((await call(workerB, 'POST', `/api/gig/applications/${applicationA.id}/offer`)).statusCode).toBe(
      404,
    );
    const offered = await call(boss, 'POST', `/api/gig/applications/${applicationA.id}/offer`);
    applicationA = offered.json<Application>();
    expect(applicationA).toMatchObject({
      state: 'offered',
      terms: { totalFen: 12_000 },
      contractHash: matching(/^[0-9a-f]{64}$/),
    });

    const wrongHash = await call(workerA, 'POST', `/api/gig/applications/${applicationA.id}/accept`, {
      contractHash: '0'.repeat(64),
    });
    expect(wrongHash.statusCode).toBe(409);
    const accepted = await call(workerA, 'POST', `/api/gig/applications/${applicationA.id}/accept`, {
      contractHash: applicationA.contractHash,
    });
    expect(accepted.json()).toMatchObject({ state: 'accepted' });

    const confirmed = await call(boss, 'POST', `/api/gig/applications/${applicationA.id}/confirm`, {
      contractHash: applicationA.contractHash,
    });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ state: 'hired', employerConfirmedAt: anyString });
    const profileNow = (await call(boss, 'GET', '/api/gig/employer/profile')).json<EmployerProfile>();
    expect(profileNow.balances).toEqual({ availableFen: 3_000, heldFen: 12_000, guaranteeFen: 0 });
    const wallet = (await call(workerA, 'GET', '/api/gig/worker/wallet')).json<{
      balanceFen: number;
      entries: unknown[];
    }>();
    expect(wallet).toMatchObject({
      balanceFen: 0,
      entries: [expect.objectContaining({ amountFen: 12_000, pending: true })],
    });
    const outbox = await t.ctx.db
      .selectFrom('outboxEvent')
      .select('topic')
      .where('topic', '=', 'gig.hire.confirmed')
      .execute();
    expect(outbox).toHaveLength(1);
  });

  it('names the shortfall when a hire cannot be funded, and holds nothing', async () => {
    const invited = await call(boss, 'POST', `/api/gig/jobs/${job.id}/invite`, {
      workerId: (await call(workerB, 'GET', '/api/gig/worker/profile')).json<WorkerProfile>().id,
    });
    const application = invited.json<Application>();
    expect(application).toMatchObject({ origin: 'invite', state: 'offered' });
    await call(workerB, 'POST', `/api/gig/applications/${application.id}/accept`, {
      contractHash: application.contractHash,
    });
    const short = await call(boss, 'POST', `/api/gig/applications/${application.id}/confirm`, {
      contractHash: application.contractHash,
    });
    expect(short.statusCode).toBe(409);
    expect(short.json()).toMatchObject({
      code: 'insufficient_funds',
      shortfallFen: 9_000,
      messageZh: '账户余额不足，还差 ¥90.00',
    });
    const balances = (await call(boss, 'GET', '/api/gig/employer/profile')).json<EmployerProfile>().balances;
    expect(balances.heldFen).toBe(12_000);
    await call(
      boss,
      'POST',
      '/api/gig/employer/topups',
      { amountFen: 20_000 },
      { 'idempotency-key': 'topup-0003-abcd' },
    );
    const hired = await call(boss, 'POST', `/api/gig/applications/${application.id}/confirm`, {
      contractHash: application.contractHash,
    });
    expect(hired.json()).toMatchObject({ state: 'hired' });
    const full = (await call(boss, 'GET', `/api/gig/jobs/${job.id}`)).json<Job>();
    expect(full).toMatchObject({ status: 'filled', hiredCount: 2 });
  });

  it('clocks in only inside the geofence; the first clock-in stands', async () => {
    const mine = (await call(workerA, 'GET', '/api/gig/worker/assignments')).json<{ items: Assignment[] }>();
    const assignment = mine.items[0]!;
    expect(
      (
        await call(workerB, 'POST', `/api/gig/assignments/${assignment.id}/clock-in`, {
          location: site,
          accuracyM: 10,
        })
      ).statusCode,
    ).toBe(404);
    clock = new Date(new Date(assignment.shift.startsAt).getTime() - 10 * 60_000);
    const far = await call(workerA, 'POST', `/api/gig/assignments/${assignment.id}/clock-in`, {
      location: { lng: site.lng + 0.01, lat: site.lat },
      accuracyM: 12,
    });
    expect(far.statusCode).toBe(422);
    expect(far.json()).toMatchObject({ code: 'clock_refused', reason: 'outside_geofence', radiusM: 300 });
    expect(far.json<{ distanceM: number }>().distanceM).toBeGreaterThan(900);
    const inside = await call(workerA, 'POST', `/api/gig/assignments/${assignment.id}/clock-in`, {
      location: { lng: site.lng + 0.0005, lat: site.lat },
      accuracyM: 12,
    });
    expect(inside.json()).toMatchObject({ state: 'on_shift', lateMinutes: 0 });
    clock = new Date(clock.getTime() + 60_000);
    const repeated = await call(workerA, 'POST', `/api/gig/assignments/${assignment.id}/clock-in`, {
      location: { lng: site.lng + 0.0005, lat: site.lat },
      accuracyM: 12,
    });
    expect(repeated.json<Assignment>().clockInAt).toBe(inside.json<Assignment>().clockInAt);
  });

  it('pays the earned wage the moment the employer confirms, once', async () => {
    const assignment = (await call(workerA, 'GET', '/api/gig/worker/assignments')).json<{
      items: Assignment[];
    }>().items[0]!;
    clock = new Date(assignment.shift.endsAt);
    const out = await call(workerA, 'POST', `/api/gig/assignments/${assignment.id}/clock-out`, {
      location: { lng: site.lng + 0.0004, lat: site.lat },
      accuracyM: 9,
    });
    expect(out.json()).toMatchObject({
      state: 'awaiting_confirmation',
      earnedFen: 12_000,
      workedMinutes: 240,
    });
    expect((await call(workerA, 'POST', `/api/gig/assignments/${assignment.id}/confirm`)).statusCode).toBe(
      404,
    );
    const paid = await call(boss, 'POST', `/api/gig/assignments/${assignment.id}/confirm`);
    expect(paid.json()).toMatchObject({ state: 'paid', paidFen: 12_000, confirmedBy: 'employer' });
    await call(boss, 'POST', `/api/gig/assignments/${assignment.id}/confirm`);
    const wallet = (await call(workerA, 'GET', '/api/gig/worker/wallet')).json<{
      balanceFen: number;
      availableFen: number;
    }>();
    expect(wallet).toMatchObject({ balanceFen: 12_000, availableFen: 12_000 });
    const inbox = (await call(workerA, 'GET', '/api/gig/worker/inbox')).json<Array<{ kind: string }>>();
    expect(inbox.map((item) => item.kind)).toContain('paid');
  });

  it('marks a no-show, returns the hold and lowers reliability; the other side cannot clock in late', async () => {
    const assignmentB = (await call(workerB, 'GET', '/api/gig/worker/assignments')).json<{
      items: Assignment[];
    }>().items[0]!;
    clock = new Date(new Date(assignmentB.shift.startsAt).getTime() + 31 * 60_000);
    const swept = await sweepAttendance(t.gig.gig);
    expect(swept.noShows).toBe(1);
    const after = (await call(boss, 'GET', `/api/gig/assignments/${assignmentB.id}`)).json<Assignment>();
    expect(after).toMatchObject({ state: 'no_show', paidFen: 0 });
    expect((await call(workerB, 'GET', '/api/gig/worker/profile')).json()).toMatchObject({
      reliability: 65,
      noShows: 1,
    });
    const late = await call(workerB, 'POST', `/api/gig/assignments/${assignmentB.id}/clock-in`, {
      location: site,
      accuracyM: 10,
    });
    expect(late.statusCode).toBe(409);
    // Another tenant's employer cannot see it at all.
    expect((await call(otherBoss, 'GET', `/api/gig/assignments/${assignmentB.id}`)).statusCode).toBe(404);
  });

  it('lets the worker dispute a no-show and an operator pay it from the wage guarantee', async () => {
    const assignmentB = (await call(workerB, 'GET', '/api/gig/worker/assignments')).json<{
      items: Assignment[];
    }>().items[0]!;
    const raised = await call(workerB, 'POST', `/api/gig/assignments/${assignmentB.id}/dispute`, {
      reason: '我准时到了，现场负责人让我在门口等',
      claimedFen: 12_000,
    });
    expect(raised.json()).toMatchObject({ state: 'open', raisedBy: 'worker', workerName: '李*' });
    const disputeId = raised.json<{ id: string }>().id;
    expect(
      (
        await call(workerB, 'POST', `/api/gig/disputes/${disputeId}/resolve`, {
          resolution: 'pay',
          amountFen: 1,
          note: '自己裁决',
        })
      ).statusCode,
    ).toBe(403);
    await call(
      boss,
      'POST',
      '/api/gig/employer/guarantee',
      { amountFen: 10_000 },
      { 'idempotency-key': 'guarantee-0001' },
    );
    const resolved = await call(operator, 'POST', `/api/gig/disputes/${disputeId}/resolve`, {
      resolution: 'pay',
      amountFen: 6_000,
      fromGuarantee: true,
      note: '现场录像证明工人到岗，按半天支付',
    });
    expect(resolved.json()).toMatchObject({
      state: 'resolved',
      resolution: 'pay',
      amountFen: 6_000,
      fromGuarantee: true,
    });
    const balances = (await call(boss, 'GET', '/api/gig/employer/profile')).json<EmployerProfile>().balances;
    expect(balances.guaranteeFen).toBe(4_000);
    expect((await call(workerB, 'GET', '/api/gig/worker/wallet')).json()).toMatchObject({
      balanceFen: 6_000,
    });
    // Resolving again changes nothing.
    await call(operator, 'POST', `/api/gig/disputes/${disputeId}/resolve`, {
      resolution: 'pay',
      amountFen: 9_000,
      note: '再次提交',
    });
    expect((await call(workerB, 'GET', '/api/gig/worker/wallet')).json()).toMatchObject({
      balanceFen: 6_000,
    });
  });

  it('settles wallets once per period through a rail that reports twice, and reconciles', async () => {
    clock = new Date(clock.getTime() + 24 * HOUR);
    const first = await call(operator, 'POST', '/api/gig/settlements/run');
    expect(first.json()).toMatchObject({ requested: 2, amountFen: 18_000 });
    const again = await runSettlement(t.gig.gig, tenant.id);
    expect(again).toMatchObject({ requested: 0 });
    const processor = new PayoutProcessor({
      db: t.ctx.db,
      rail,
      cipher: t.ctx.cipher,
      log: t.ctx.log,
      queryAfterMs: 0,
      retryDelayMs: () => 0,
    });
    processor.start();
    for (let round = 0; round < 50; round++) {
      await processor.runOnce();
      rail.flush();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const open = await t.ctx.db
        .selectFrom('payout')
        .select('id')
        .where('state', 'in', ['requested', 'submitted'])
        .execute();
      if (open.length === 0) break;
    }
    await processor.stop();
    const slips = (await call(workerA, 'GET', '/api/gig/worker/payslips')).json<
      Array<{ amountFen: number; state: string; lines: unknown[] }>
    >();
    expect(slips).toEqual([
      expect.objectContaining({
        amountFen: 12_000,
        state: 'paid',
        lines: [expect.objectContaining({ amountFen: 12_000 })],
      }),
    ]);
    expect((await call(workerA, 'GET', '/api/gig/worker/wallet')).json()).toMatchObject({ balanceFen: 0 });

    const reconcile = await call(operator, 'POST', '/api/gig/reconcile');
    expect(reconcile.json()).toMatchObject({ ok: true });
    expect(reconcile.json<{ checks: Array<{ name: string }> }>().checks.map((check) => check.name)).toEqual(
      expect.arrayContaining(['gig.assignments_paid']),
    );
    const kpis = (await call(operator, 'GET', '/api/gig/console/kpis')).json<unknown>();
    expect(kpis).toMatchObject({ workers: 3, employers: 1, payouts: { paid: 2 }, reconcile: { ok: true } });

    const exported = await call(operator, 'GET', '/api/gig/payouts/export');
    expect(exported.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(exported.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets[0]!.rowCount).toBe(3);

    // Money that reaches a paid wallet within the period waits for the next one, and such wallets
    // do not crowd out one still to pay (a pass takes `limit` workers).
    const wallets = await t.ctx.db.selectFrom('gigWorker').select(['accountId', 'walletAccountId']).execute();
    const walletOf = (person: Person) =>
      wallets.find((row) => row.accountId === person.accountId)!.walletAccountId;
    const funds = await t.ctx.db.selectFrom('gigEmployer').select('fundsAccountId').executeTakeFirstOrThrow();
    await t.ctx.db.transaction().execute((trx) =>
      applyTransfers(trx, tenant.id, [
        {
          type: 'transfer',
          id: newId(),
          debitAccountId: funds.fundsAccountId,
          creditAccountId: walletOf(workerA),
          amount: 100,
          code: 'test.late_wage',
        },
        {
          type: 'transfer',
          id: newId(),
          debitAccountId: funds.fundsAccountId,
          creditAccountId: walletOf(workerFar),
          amount: 300,
          code: 'test.late_wage',
        },
      ]),
    );
    const late = await runSettlement(t.gig.gig, tenant.id, 1);
    expect(late).toMatchObject({ requested: 1, amountFen: 300 });
  });
});

describe('gig market: who may call what', () => {
  it('answers every route: 401 without a session; 404 to one without the profile or for another’s object', async () => {
    const assignment = (await call(workerA, 'GET', '/api/gig/worker/assignments')).json<{
      items: Assignment[];
    }>().items[0]!;
    const inboxItem = (await call(workerA, 'GET', '/api/gig/worker/inbox')).json<Array<{ id: string }>>()[0]!;
    const hash = { contractHash: applicationA.contractHash };
    const clock = { location: site, accuracyM: 10 };
    const routes: Array<
      [method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, headers?: Record<string, string>]
    > = [
      ['GET', '/api/gig/worker/profile'],
      ['PATCH', '/api/gig/worker/profile', { radiusKm: 3 }],
      ['GET', '/api/gig/worker/feed'],
      ['GET', '/api/gig/worker/applications'],
      ['GET', '/api/gig/worker/assignments'],
      ['GET', '/api/gig/worker/wallet'],
      ['GET', '/api/gig/worker/payslips'],
      ['GET', '/api/gig/worker/inbox'],
      ['POST', `/api/gig/worker/inbox/${inboxItem.id}/read`],
      ['POST', `/api/gig/jobs/${job.id}/apply`, {}],
      ['POST', `/api/gig/applications/${applicationA.id}/accept`, hash],
      ['POST', `/api/gig/applications/${applicationA.id}/decline`],
      ['POST', `/api/gig/applications/${applicationA.id}/withdraw`],
      ['POST', `/api/gig/assignments/${assignment.id}/clock-in`, clock],
      ['POST', `/api/gig/assignments/${assignment.id}/clock-out`, clock],
      ['GET', `/api/gig/assignments/${assignment.id}`],
      ['POST', `/api/gig/assignments/${assignment.id}/cancel`],
      ['POST', `/api/gig/assignments/${assignment.id}/dispute`, { reason: '不是我的班次' }],
      ['POST', `/api/gig/assignments/${assignment.id}/rating`, { stars: 1 }],
      ['POST', `/api/gig/assignments/${assignment.id}/confirm`],
      ['GET', '/api/gig/employer/profile'],
      ['GET', '/api/gig/employer/sites'],
      ['POST', '/api/gig/employer/sites', { name: '仓库', address: '某路 1 号', location: site }],
      ['POST', '/api/gig/employer/topups', { amountFen: 100 }, { 'idempotency-key': 'outsider-topup-1' }],
      ['POST', '/api/gig/employer/guarantee', { amountFen: 100 }, { 'idempotency-key': 'outsider-guar-1' }],
      ['GET', '/api/gig/employer/jobs'],
      ['GET', '/api/gig/employer/assignments'],
      ['POST', '/api/gig/jobs', jobBody()],
      ['GET', `/api/gig/jobs/${job.id}`],
      ['POST', `/api/gig/jobs/${job.id}/close`],
      ['GET', `/api/gig/jobs/${job.id}/applications`],
      ['GET', `/api/gig/jobs/${job.id}/candidates`],
      ['GET', '/api/gig/workers'],
      ['POST', `/api/gig/jobs/${job.id}/invite`, { workerId: assignment.worker.id }],
      ['POST', `/api/gig/applications/${applicationA.id}/offer`],
      ['POST', `/api/gig/applications/${applicationA.id}/reject`],
      ['POST', `/api/gig/applications/${applicationA.id}/confirm`, hash],
      ['GET', '/api/gig/stream'],
    ];
    const outsider = await t.signIn(other, ['resident']);
    for (const [method, url, body, headers] of routes) {
      const anonymous = await call(undefined, method, url, body, headers);
      expect(anonymous.statusCode, `${method} ${url} without a session`).toBe(401);
      // Signed in to another subdistrict, with no gig profile: nothing of this one exists for them.
      const stranger = await call(outsider, method, url, body, headers);
      expect(stranger.statusCode, `${method} ${url} by a stranger: ${stranger.body}`).toBe(404);
    }
    // The other side of the market, in the same subdistrict: another worker, another employer.
    for (const [method, url, body] of [
      ['POST', `/api/gig/applications/${applicationA.id}/accept`, hash],
      ['POST', `/api/gig/assignments/${assignment.id}/clock-in`, clock],
      ['POST', `/api/gig/worker/inbox/${inboxItem.id}/read`],
      ['GET', `/api/gig/assignments/${assignment.id}`],
    ] as const) {
      const response = await call(workerFar, method, url, body);
      expect(response.statusCode, `${method} ${url} by another worker`).toBe(404);
    }
    const rival = await t.signIn(tenant, ['resident']);
    await verify(rival, '对手老板');
    await call(rival, 'POST', '/api/gig/employer/profile', { kind: 'person', name: '对手个体' });
    for (const [method, url, body] of [
      ['GET', `/api/gig/jobs/${job.id}/applications`],
      ['GET', `/api/gig/jobs/${job.id}/candidates`],
      ['POST', `/api/gig/jobs/${job.id}/invite`, { workerId: assignment.worker.id }],
      ['POST', `/api/gig/jobs/${job.id}/close`],
      ['POST', `/api/gig/applications/${applicationA.id}/offer`],
      ['POST', `/api/gig/applications/${applicationA.id}/confirm`, hash],
      ['POST', `/api/gig/assignments/${assignment.id}/confirm`],
      ['POST', `/api/gig/assignments/${assignment.id}/dispute`, { reason: '不是我的工人' }],
    ] as const) {
      const response = await call(rival, method, url, body);
      expect(response.statusCode, `${method} ${url} by another employer`).toBe(404);
    }
  });

  it('keeps operator routes to operators', async () => {
    for (const [method, url] of [
      ['GET', '/api/gig/console/kpis'],
      ['GET', '/api/gig/disputes'],
      ['GET', '/api/gig/payouts'],
      ['POST', '/api/gig/settlements/run'],
      ['POST', '/api/gig/reconcile'],
      ['GET', '/api/gig/employers'],
      ['GET', '/api/gig/jobs'],
    ] as const) {
      expect((await call(workerA, method, url)).statusCode, `${method} ${url}`).toBe(403);
      expect((await call(boss, method, url)).statusCode, `${method} ${url}`).toBe(403);
      expect((await call(undefined, method, url)).statusCode, `${method} ${url}`).toBe(401);
      expect((await call(operator, method, url)).statusCode, `${method} ${url}`).toBe(200);
    }
  });

  it('answers 404 for a profile one does not have, and for another tenant’s job', async () => {
    expect((await call(boss, 'GET', '/api/gig/worker/wallet')).statusCode).toBe(404);
    expect((await call(workerA, 'GET', '/api/gig/employer/jobs')).statusCode).toBe(404);
    expect((await call(otherBoss, 'GET', `/api/gig/jobs/${job.id}`)).statusCode).toBe(404);
    expect((await call(otherBoss, 'POST', `/api/gig/jobs/${job.id}/close`)).statusCode).toBe(404);
  });

  it('lets the offline desk register a walk-in worker and post for an employer', async () => {
    const all = (await call(operator, 'GET', '/api/gig/employers')).json<
      Array<{ id: string; name: string }>
    >();
    expect(all.map((employer) => employer.name).sort()).toEqual(['对手个体', '杭州测试物流有限公司']);
    const employers = all.filter((employer) => employer.name === '杭州测试物流有限公司');
    const sites = await call(operator, 'GET', `/api/gig/employers/${employers[0]!.id}/sites`);
    expect(sites.json()).toEqual([expect.objectContaining({ id: siteId }) as unknown]);
    expect((await call(boss, 'GET', `/api/gig/employers/${employers[0]!.id}/sites`)).statusCode).toBe(403);
    const walkIn = await call(operator, 'POST', '/api/gig/desk/workers', {
      name: '孙七',
      idNumber: makeResidentIdNumber({ birthDate: '1975-03-03', sex: 'male', sequence: 77 }),
      phone: '13900001234',
      profile: profile(site),
    });
    expect(walkIn.statusCode, walkIn.body).toBe(201);
    expect(walkIn.json()).toMatchObject({
      worker: { registeredVia: 'desk' },
      initialPassword: anyString,
    });
    const cookie = await t.login('13900001234', walkIn.json<{ initialPassword: string }>().initialPassword);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/gig/worker/profile', headers: { cookie } })).json(),
    ).toMatchObject({ name: '孙七' });
    const badId = await call(operator, 'POST', '/api/gig/desk/workers', {
      name: '周八',
      idNumber: '330106199001011235',
      phone: '13900001235',
      profile: profile(site),
    });
    expect(badId.statusCode).toBe(400);
    const left = await t.ctx.db.selectFrom('person').select('id').where('name', '=', '周八').execute();
    expect(left).toEqual([]);
    const posted = await call(operator, 'POST', '/api/gig/desk/jobs', {
      ...jobBody({ shifts: [shiftAt(5)] }),
      employerId: employers[0]!.id,
    });
    expect(posted.statusCode).toBe(201);
    expect(posted.json()).toMatchObject({ postedVia: 'desk' });
    expect(
      (await call(workerA, 'POST', '/api/gig/desk/jobs', { ...jobBody(), employerId: employers[0]!.id }))
        .statusCode,
    ).toBe(403);
  });
});

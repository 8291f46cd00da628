import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../testing/test-database.js';
import type { DatabaseHandle } from '../database/database.js';
import type { Database } from '../database/schema.js';
import { newId } from '../ids.js';
import { JobRunner } from '../jobs/job-runner.js';
import { PiiCipher } from '../privacy/index.js';
import { SimulatedSmsGateway, type SimulatedSmsGatewayOptions } from './simulated-sms-gateway.js';
import { queueSms, queueSmsBatch, registerSmsSender, SMS_JOB_KIND, smsOutId } from './sms-sender.js';

let handle: DatabaseHandle;
let db: Kysely<Database>;

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
});
afterAll(() => handle.close());
// Every runner here claims all SMS jobs in this file's database: start each test with none.
beforeEach(() => db.deleteFrom('job').where('kind', '=', SMS_JOB_KIND).execute());

const tenantId = newId();
const MINUTE = 60_000;
const PHONE = '13812345678';
const cipher = new PiiCipher(randomBytes(32));
const nearby = { title: '超市理货员', wage: '25元/小时', when: '明天 9:00', distance: '800米' };

/** A clock tests move by hand: nothing here sleeps to let time pass. */
function createClock(start = Date.now()) {
  let time = start;
  return { now: () => new Date(time), advance: (ms: number) => void (time += ms) };
}

function createLog() {
  const warnings: unknown[] = [];
  const errors: unknown[] = [];
  return {
    warnings,
    errors,
    warn: (context: unknown) => void warnings.push(context),
    error: (context: unknown) => void errors.push(context),
  };
}

/** A runner, a reliable simulator and the sender, all on one moved-by-hand clock. */
function setUp(gatewayOptions: SimulatedSmsGatewayOptions = {}) {
  const clock = createClock();
  const log = createLog();
  const gateway = new SimulatedSmsGateway({
    latencyMs: [0, 0],
    unavailableRate: 0,
    lostAnswerRate: 0,
    duplicateRate: 0,
    clock,
    ...gatewayOptions,
  });
  const runner = new JobRunner({ db, log, now: clock.now, retryDelayMs: (attempts) => attempts * MINUTE });
  registerSmsSender(runner, { gateway, cipher, log });
  return { clock, log, gateway, runner };
}

const findSmsJobs = () => db.selectFrom('job').selectAll().where('kind', '=', SMS_JOB_KIND).execute();

describe('queueSms and the SMS sender', () => {
  it('sends nothing when the transaction that queued the SMS rolls back', async () => {
    const { clock, gateway, runner } = setUp();
    await expect(
      db.transaction().execute(async (trx) => {
        await queueSms(trx, cipher, {
          tenantId,
          key: 'gig.push:j1:w1',
          phone: PHONE,
          template: 'gig_job_nearby',
          params: nearby,
          runAt: clock.now(),
        });
        throw new Error('the hire failed');
      }),
    ).rejects.toThrow('the hire failed');
    expect(await runner.runDueNow()).toMatchObject({ ran: 0 });
    expect(await findSmsJobs()).toEqual([]);
    expect(gateway.delivered()).toEqual([]);
  });

  it('keeps one SMS per key: queued twice, even after it was sent, it is delivered once', async () => {
    const { clock, gateway, runner } = setUp();
    const input = {
      tenantId,
      key: 'gig.push:j2:w1',
      phone: '+86 138-1234-5678',
      template: 'gig_job_nearby',
      params: nearby,
      runAt: clock.now(),
    } as const;
    const first = await db.transaction().execute((trx) => queueSms(trx, cipher, input));
    const second = await queueSms(db, cipher, input);
    expect(first.queued).toBe(true);
    expect(second).toEqual({ jobId: first.jobId, queued: false });
    expect(await runner.runDueNow()).toMatchObject({ ran: 1, succeeded: 1 });

    // A finished job would come back to life under scheduleJob; queueSms leaves it done.
    clock.advance(10 * MINUTE);
    expect(await queueSms(db, cipher, { ...input, runAt: clock.now() })).toEqual({
      jobId: first.jobId,
      queued: false,
    });
    expect(await runner.runDueNow()).toMatchObject({ ran: 0 });
    expect(gateway.delivered(PHONE)).toEqual([
      expect.objectContaining({
        outId: smsOutId(tenantId, input.key),
        text: expect.stringContaining('超市理货员') as unknown,
      }),
    ]);
    expect(await findSmsJobs()).toEqual([expect.objectContaining({ status: 'done', attempts: 1 })]);
  });

  it('queues one SMS when two transactions queue the same key at once', async () => {
    const { clock, gateway, runner } = setUp();
    const queue = () =>
      db.transaction().execute((trx) =>
        queueSms(trx, cipher, {
          tenantId,
          key: 'gig.push:j3:w1',
          phone: PHONE,
          template: 'gig_paid',
          params: { title: '保洁', amount: '50.00' },
          runAt: clock.now(),
        }),
      );
    const results = await Promise.all([queue(), queue()]);
    expect(results.filter((result) => result.queued)).toHaveLength(1);
    expect(results[0]?.jobId).toBe(results[1]?.jobId);
    await runner.runDueNow();
    expect(gateway.delivered(PHONE)).toHaveLength(1);
  });

  it('retries through an outage and a lost answer, delivering exactly once', async () => {
    const { clock, gateway, runner } = setUp({ unavailableRate: 1 });
    const { jobId } = await queueSms(db, cipher, {
      tenantId,
      key: 'gig.offer:o1',
      phone: PHONE,
      template: 'gig_offer',
      params: {
        employer: '幸福里超市',
        title: '理货员',
      },
      runAt: clock.now(),
    });
    expect(await runner.runDueNow()).toMatchObject({ ran: 1, retried: 1 });

    // Back up, but the answer to the next call is lost after the gateway accepted it.
    gateway.options.unavailableRate = 0;
    gateway.options.lostAnswerRate = 1;
    expect(await runner.runDueNow()).toMatchObject({ ran: 0 });
    clock.advance(MINUTE);
    expect(await runner.runDueNow()).toMatchObject({ ran: 1, retried: 1 });
    expect(gateway.delivered(PHONE)).toHaveLength(1);

    gateway.options.lostAnswerRate = 0;
    clock.advance(2 * MINUTE);
    expect(await runner.runDueNow()).toMatchObject({ ran: 1, succeeded: 1 });
    expect(gateway.delivered(PHONE)).toHaveLength(1);
    expect(gateway.accepted(smsOutId(tenantId, 'gig.offer:o1'))).toBe(1);
    const job = await db.selectFrom('job').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'done', attempts: 3 });
  });

  it('defers rate-limited SMS a minute at a time without using attempts: a burst to one phone all arrives', async () => {
    const { clock, gateway, runner } = setUp();
    // Eight jobs pushed to one worker at once; flow control lets one through a minute, and each job
    // has only the default five attempts.
    const keys = Array.from({ length: 8 }, (_, i) => `gig.push:burst${i}:w1`);
    await queueSmsBatch(
      db,
      cipher,
      keys.map((key) => ({
        tenantId,
        key,
        phone: PHONE,
        template: 'gig_paid' as const,
        params: { title: '保洁', amount: '180.00' },
        runAt: clock.now(),
      })),
    );
    expect(await runner.runDueNow()).toMatchObject({ ran: 8, succeeded: 1, deferred: 7, retried: 0 });
    for (let minute = 1; minute < 8; minute++) {
      clock.advance(MINUTE);
      expect(await runner.runDueNow()).toMatchObject({ succeeded: 1, deferred: 7 - minute, failed: 0 });
    }
    expect(gateway.delivered(PHONE)).toHaveLength(8);
    const jobs = await findSmsJobs();
    expect(jobs.map((job) => job.status)).toEqual(Array.from({ length: 8 }, () => 'done'));
    // The last one ran eight times on five attempts.
    expect(Math.max(...jobs.map((job) => job.attempts))).toBe(8);
  });

  it('keeps the phone number and params out of the job row in the clear', async () => {
    const { clock, runner, gateway } = setUp();
    await queueSms(db, cipher, {
      tenantId,
      key: 'auth.code:a1',
      phone: PHONE,
      template: 'verification_code',
      params: { code: '482913' },
      runAt: clock.now(),
    });
    const [job] = await findSmsJobs();
    const stored = JSON.stringify(job?.payload);
    expect(stored).not.toContain(PHONE);
    expect(stored).not.toContain('12345678');
    expect(stored).not.toContain('482913');
    expect(job?.payload).toMatchObject({ template: 'verification_code', phoneMasked: '138****5678' });
    await runner.runDueNow();
    expect(gateway.delivered(PHONE)).toEqual([
      expect.objectContaining({ text: expect.stringContaining('482913') as unknown }),
    ]);
  });

  it('finishes a refused SMS without retrying it: invalid phone, blacklisted', async () => {
    const { clock, gateway, runner, log } = setUp({ blacklist: ['13900000000'] });
    for (const [key, phone] of [
      ['invalid', '12345'],
      ['blacklisted', '13900000000'],
    ] as const)
      await queueSms(db, cipher, {
        tenantId,
        key,
        phone,
        template: 'gig_paid',
        params: { title: '保洁', amount: '1.00' },
        runAt: clock.now(),
      });
    expect(await runner.runDueNow()).toMatchObject({ ran: 2, succeeded: 2, retried: 0 });
    clock.advance(60 * MINUTE);
    expect(await runner.runDueNow()).toMatchObject({ ran: 0 });
    expect(gateway.delivered()).toEqual([]);
    expect(await findSmsJobs()).toEqual([
      expect.objectContaining({ status: 'done', attempts: 1 }),
      expect.objectContaining({ status: 'done', attempts: 1 }),
    ]);
    expect(log.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'invalid', reason: 'invalid_phone' }),
        expect.objectContaining({ key: 'blacklisted', reason: 'blacklisted', phone: '139****0000' }),
      ]),
    );
  });

  it('queues a batch in one go: new keys queued, a known key and a repeat left alone, answers in order', async () => {
    const { clock, gateway, runner } = setUp();
    const message = (key: string, phone: string) =>
      ({
        tenantId,
        key,
        phone,
        template: 'gig_job_nearby',
        params: nearby,
        runAt: clock.now(),
      }) as const;
    const before = await queueSms(db, cipher, message('gig.push:b:w0', '13800000000'));
    const results = await db
      .transaction()
      .execute((trx) =>
        queueSmsBatch(trx, cipher, [
          message('gig.push:b:w1', '13800000001'),
          message('gig.push:b:w0', '13800000000'),
          message('gig.push:b:w2', '13800000002'),
          message('gig.push:b:w1', '13800000001'),
        ]),
      );
    expect(results.map((result) => result.queued)).toEqual([true, false, true, false]);
    expect(results[1]?.jobId).toBe(before.jobId);
    expect(results[3]?.jobId).toBe(results[0]?.jobId);
    expect(new Set(results.map((result) => result.jobId)).size).toBe(3);
    expect(await findSmsJobs()).toHaveLength(3);
    expect(await runner.runDueNow()).toMatchObject({ ran: 3, succeeded: 3 });
    for (const phone of ['13800000000', '13800000001', '13800000002'])
      expect(gateway.delivered(phone)).toHaveLength(1);
    expect(await queueSmsBatch(db, cipher, [])).toEqual([]);
  });

  it('queues none of a batch when one message does not fill its template', async () => {
    await expect(
      queueSmsBatch(db, cipher, [
        {
          tenantId,
          key: 'ok',
          phone: PHONE,
          template: 'gig_paid',
          params: { title: '保洁', amount: '1.00' },
        },
        // @ts-expect-error -- `amount` is missing.
        { tenantId, key: 'bad', phone: PHONE, template: 'gig_paid', params: { title: '保洁' } },
      ]),
    ).rejects.toMatchObject({ name: 'SmsRenderError', missing: ['amount'] });
    expect(await findSmsJobs()).toEqual([]);
  });

  it('refuses params that do not fill the template when queueing', async () => {
    await expect(
      queueSms(db, cipher, {
        tenantId,
        key: 'bad',
        phone: PHONE,
        template: 'gig_hired',
        // @ts-expect-error -- `site` is missing: the compiler catches it too.
        params: { title: '保洁', when: '12/5 08:00' },
      }),
    ).rejects.toMatchObject({ name: 'SmsRenderError', missing: ['site'] });
    expect(await findSmsJobs()).toEqual([]);
  });
});

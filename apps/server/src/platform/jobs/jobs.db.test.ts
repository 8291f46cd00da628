import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../testing/test-database.js';
import type { DatabaseHandle } from '../database/database.js';
import type { Database } from '../database/schema.js';
import { newId } from '../ids.js';
import { JobRunner, RetryLaterError, type Job, type JobRunnerOptions } from './job-runner.js';
import { cancelJob, pruneJobs, scheduleJob } from './jobs.js';

let handle: DatabaseHandle;
let db: Kysely<Database>;

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
});
afterAll(() => handle.close());

const tenantId = newId();
const MINUTE = 60_000;

/** A clock tests move by hand: nothing here sleeps to let time pass. */
function createClock(start = Date.now()) {
  let time = start;
  return {
    now: () => new Date(time),
    advance: (ms: number) => void (time += ms),
    at: (offsetMs: number) => new Date(time + offsetMs),
  };
}

const silentLog = { warn: () => {}, error: () => {} };

function createRunner(options: Partial<JobRunnerOptions> = {}) {
  return new JobRunner({ db, log: silentLog, retryDelayMs: (attempts) => attempts * MINUTE, ...options });
}

const findJob = (id: string) =>
  db.selectFrom('job').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('scheduleJob and JobRunner', () => {
  it('runs a due job once, with its payload', async () => {
    const clock = createClock();
    const runs: Job[] = [];
    const runner = createRunner({ now: clock.now }).register('due.once', async (job) => void runs.push(job));
    const id = await scheduleJob(db, {
      tenantId,
      kind: 'due.once',
      runAt: clock.at(-1),
      payload: { caseId: 'c1' },
    });

    expect(await runner.runDueNow()).toEqual({
      ran: 1,
      succeeded: 1,
      retried: 0,
      deferred: 0,
      failed: 0,
      superseded: 0,
    });
    expect(await runner.runDueNow()).toMatchObject({ ran: 0 });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      tenantId,
      id,
      kind: 'due.once',
      key: null,
      payload: { caseId: 'c1' },
      attempt: 1,
    });
    expect(await findJob(id)).toMatchObject({ status: 'done', attempts: 1, lockedUntil: null });
  });

  it('leaves a future job until the clock reaches its run time', async () => {
    const clock = createClock();
    let runs = 0;
    const runner = createRunner({ now: clock.now }).register('due.later', async () => void runs++);
    const id = await scheduleJob(db, {
      tenantId,
      kind: 'due.later',
      runAt: clock.at(30 * MINUTE),
      payload: {},
    });

    expect(await runner.runDueNow()).toMatchObject({ ran: 0 });
    clock.advance(30 * MINUTE - 1);
    expect(await runner.runDueNow()).toMatchObject({ ran: 0 });
    clock.advance(1);
    expect(await runner.runDueNow()).toMatchObject({ ran: 1, succeeded: 1 });
    expect(runs).toBe(1);
    expect((await findJob(id)).status).toBe('done');
  });

  it('keeps one job per key: scheduling it again moves it to the new time and payload', async () => {
    const clock = createClock();
    const payloads: unknown[] = [];
    const runner = createRunner({ now: clock.now }).register(
      'sla.remind',
      async (job) => void payloads.push(job.payload),
    );
    const first = await scheduleJob(db, {
      tenantId,
      kind: 'sla.remind',
      key: 'case:1',
      runAt: clock.at(10 * MINUTE),
      payload: { v: 1 },
    });
    const second = await scheduleJob(db, {
      tenantId,
      kind: 'sla.remind',
      key: 'case:1',
      runAt: clock.at(20 * MINUTE),
      payload: { v: 2 },
    });
    // The same key in another tenant, or with no key, is another job.
    const otherTenant = await scheduleJob(db, {
      tenantId: newId(),
      kind: 'sla.remind',
      key: 'case:1',
      runAt: clock.at(20 * MINUTE),
      payload: { v: 3 },
    });
    expect(second).toBe(first);
    expect(otherTenant).not.toBe(first);
    const rows = await db
      .selectFrom('job')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('kind', '=', 'sla.remind')
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.runAt).toEqual(clock.at(20 * MINUTE));

    clock.advance(15 * MINUTE);
    expect(await runner.runDueNow()).toMatchObject({ ran: 0 });
    clock.advance(5 * MINUTE);
    expect(await runner.runDueNow()).toMatchObject({ ran: 2 });
    expect(payloads).toEqual(expect.arrayContaining([{ v: 2 }, { v: 3 }]));

    // A finished keyed job comes back to life when scheduled again.
    await scheduleJob(db, {
      tenantId,
      kind: 'sla.remind',
      key: 'case:1',
      runAt: clock.at(0),
      payload: { v: 4 },
    });
    expect(await findJob(first)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await runner.runDueNow()).toMatchObject({ ran: 1 });
  });

  it('cancels a keyed job so it never runs', async () => {
    const clock = createClock();
    let runs = 0;
    const runner = createRunner({ now: clock.now }).register('sla.escalate', async () => void runs++);
    const id = await scheduleJob(db, {
      tenantId,
      kind: 'sla.escalate',
      key: 'case:2',
      runAt: clock.at(MINUTE),
      payload: {},
    });
    expect(await cancelJob(db, tenantId, 'sla.escalate', 'case:2')).toBe(true);
    expect(await cancelJob(db, tenantId, 'sla.escalate', 'case:2')).toBe(false);
    expect(await cancelJob(db, tenantId, 'sla.escalate', 'no-such-key')).toBe(false);
    clock.advance(MINUTE);
    expect(await runner.runDueNow()).toMatchObject({ ran: 0 });
    expect(runs).toBe(0);
    expect((await findJob(id)).status).toBe('cancelled');
  });

  it('retries a failing job with exponential backoff, then marks it failed with the last error', async () => {
    const clock = createClock();
    const attempts: number[] = [];
    const delays: number[] = [];
    const runner = createRunner({
      now: clock.now,
      retryDelayMs: (failures) => {
        const delay = 1000 * 2 ** (failures - 1);
        delays.push(delay);
        return delay;
      },
    }).register('import.rows', async (job) => {
      attempts.push(job.attempt);
      throw new Error(`bad row ${job.attempt}`);
    });
    const id = await scheduleJob(db, {
      tenantId,
      kind: 'import.rows',
      runAt: clock.at(0),
      payload: {},
      maxAttempts: 3,
    });

    expect(await runner.runDueNow()).toMatchObject({ ran: 1, retried: 1 });
    expect(await findJob(id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'Error: bad row 1',
    });
    expect((await findJob(id)).runAt).toEqual(clock.at(1000));
    clock.advance(999);
    expect(await runner.runDueNow()).toMatchObject({ ran: 0 });
    clock.advance(1);
    expect(await runner.runDueNow()).toMatchObject({ ran: 1, retried: 1 });
    clock.advance(2000);
    expect(await runner.runDueNow()).toMatchObject({ ran: 1, failed: 1 });
    expect(attempts).toEqual([1, 2, 3]);
    expect(delays).toEqual([1000, 2000]);
    expect(await findJob(id)).toMatchObject({ status: 'failed', attempts: 3, lastError: 'Error: bad row 3' });
    clock.advance(60 * MINUTE);
    expect(await runner.runDueNow()).toMatchObject({ ran: 0 });
  });

  it('defers a job that asks to run later without using up an attempt, then fails it on real failures', async () => {
    const clock = createClock();
    const runs: Array<{ attempt: number; maxAttempts: number }> = [];
    const runner = createRunner({ now: clock.now }).register('sms.flow', async (job) => {
      runs.push({ attempt: job.attempt, maxAttempts: job.maxAttempts });
      if (job.attempt <= 3) throw new RetryLaterError('rate limited', 30_000);
      throw new Error('gateway down');
    });
    const id = await scheduleJob(db, {
      tenantId,
      kind: 'sms.flow',
      runAt: clock.at(0),
      payload: {},
      maxAttempts: 2,
    });
    for (let run = 1; run <= 3; run++) {
      expect(await runner.runDueNow()).toMatchObject({ ran: 1, deferred: 1, retried: 0, failed: 0 });
      expect(await findJob(id)).toMatchObject({
        status: 'pending',
        attempts: run,
        maxAttempts: 2 + run,
        lastError: 'RetryLaterError: rate limited',
      });
      expect((await findJob(id)).runAt).toEqual(clock.at(30_000));
      clock.advance(29_999);
      expect(await runner.runDueNow()).toMatchObject({ ran: 0 });
      clock.advance(1);
    }
    // Three deferrals later the job still has both of its attempts.
    expect(await runner.runDueNow()).toMatchObject({ ran: 1, retried: 1 });
    clock.advance(10 * MINUTE);
    expect(await runner.runDueNow()).toMatchObject({ ran: 1, failed: 1 });
    expect(runs.map((run) => run.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(await findJob(id)).toMatchObject({ status: 'failed', attempts: 5, maxAttempts: 5 });
  });

  it('claims again a job whose runner died, and the stale run cannot complete it', async () => {
    const clock = createClock();
    const started = deferred();
    const releaseStale = deferred();
    const leaseMs = 5 * MINUTE;
    const dead = createRunner({ now: clock.now, leaseMs }).register('device.sweep', async () => {
      started.resolve();
      await releaseStale.promise;
    });
    let reruns = 0;
    const alive = createRunner({ now: clock.now, leaseMs }).register(
      'device.sweep',
      async () => void reruns++,
    );
    const id = await scheduleJob(db, { tenantId, kind: 'device.sweep', runAt: clock.at(0), payload: {} });

    const staleRun = dead.runDueNow();
    await started.promise;
    expect(await findJob(id)).toMatchObject({ status: 'running', attempts: 1 });
    // Within the lease nobody else takes it.
    clock.advance(leaseMs - 1);
    expect(await alive.runDueNow()).toMatchObject({ ran: 0 });
    clock.advance(2);
    expect(await alive.runDueNow()).toMatchObject({ ran: 1, succeeded: 1 });
    expect(reruns).toBe(1);
    expect(await findJob(id)).toMatchObject({ status: 'done', attempts: 2 });

    releaseStale.resolve();
    expect(await staleRun).toMatchObject({ ran: 1, superseded: 1 });
    expect(await findJob(id)).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('fails a job whose lease ran out on its last attempt', async () => {
    const clock = createClock();
    const runner = createRunner({ now: clock.now }).register('crashy', async () => {});
    const id = await scheduleJob(db, {
      tenantId,
      kind: 'crashy',
      runAt: clock.at(0),
      payload: {},
      maxAttempts: 1,
    });
    // As a runner that claimed it and died would leave it.
    await db
      .updateTable('job')
      .set({ status: 'running', attempts: 1, lockedUntil: clock.at(-1) })
      .where('id', '=', id)
      .execute();
    expect(await runner.runDueNow()).toMatchObject({ ran: 0 });
    const job = await findJob(id);
    expect(job.status).toBe('failed');
    expect(job.lastError).toMatch(/lease expired/i);
  });

  it('never runs the same job in two runners at once, and runs each one', async () => {
    const clock = createClock();
    const running = new Set<string>();
    const ran: string[] = [];
    let overlaps = 0;
    const handler = async (job: Job) => {
      if (running.has(job.id)) overlaps++;
      running.add(job.id);
      await sleep(Math.random() * 3);
      running.delete(job.id);
      ran.push(job.id);
    };
    const first = createRunner({ now: clock.now, concurrency: 3 }).register('bulk', handler);
    const second = createRunner({ now: clock.now, concurrency: 3 }).register('bulk', handler);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      ids.push(await scheduleJob(db, { tenantId, kind: 'bulk', runAt: clock.at(-i), payload: { i } }));
    }
    const [a, b] = await Promise.all([first.runDueNow(), second.runDueNow()]);
    expect(a.ran + b.ran).toBe(40);
    expect(overlaps).toBe(0);
    expect([...ran].sort()).toEqual([...ids].sort());
  });

  it('claims only kinds it has handlers for', async () => {
    const clock = createClock();
    const runner = createRunner({ now: clock.now }).register('mine', async () => {});
    const theirs = await scheduleJob(db, { tenantId, kind: 'not.mine', runAt: clock.at(0), payload: {} });
    expect(await runner.runDueNow()).toMatchObject({ ran: 0 });
    expect((await findJob(theirs)).status).toBe('pending');
  });

  it('when started, runs a job on poke and waits for it on stop', async () => {
    const started = deferred();
    const release = deferred();
    let finished = false;
    const runner = createRunner({ pollIntervalMs: 60_000 }).register('started.kind', async () => {
      started.resolve();
      await release.promise;
      finished = true;
    });
    runner.start();
    try {
      const id = await scheduleJob(db, { tenantId, kind: 'started.kind', runAt: new Date(), payload: {} });
      runner.poke();
      await started.promise;
      let stopped = false;
      const stopping = runner.stop().then(() => (stopped = true));
      await sleep(30);
      expect(stopped).toBe(false);
      release.resolve();
      await stopping;
      expect(finished).toBe(true);
      expect((await findJob(id)).status).toBe('done');
    } finally {
      release.resolve();
      await runner.stop();
    }
  });

  it('runs periodic work repeatedly, never overlapping itself, until stopped', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const runner = createRunner().every('offline.sweep', 2, async ({ db: handed }) => {
      expect(handed).toBe(db);
      active++;
      maxActive = Math.max(maxActive, active);
      await sleep(10);
      active--;
      runs++;
    });
    runner.start();
    await waitFor(() => runs >= 3);
    await runner.stop();
    const after = runs;
    await sleep(30);
    expect(runs).toBe(after);
    expect(maxActive).toBe(1);
    expect(active).toBe(0);
  });

  it('prunes finished jobs only', async () => {
    const clock = createClock();
    const runner = createRunner({ now: clock.now }).register('prunable', async () => {});
    const done = await scheduleJob(db, { tenantId, kind: 'prunable', runAt: clock.at(0), payload: {} });
    await runner.runDueNow();
    const pending = await scheduleJob(db, {
      tenantId,
      kind: 'prunable',
      runAt: clock.at(MINUTE),
      payload: {},
    });
    await pruneJobs(db, new Date(Date.now() + MINUTE));
    const left = await db.selectFrom('job').select('id').where('kind', '=', 'prunable').execute();
    expect(left.map((row) => row.id)).toEqual([pending]);
    expect(left.map((row) => row.id)).not.toContain(done);
  });
});

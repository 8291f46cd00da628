import type { FastifyBaseLogger } from 'fastify';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { JobStatus, JobTable } from '../database/platform.tables.js';
import type { Database } from '../database/schema.js';

/** A claimed job as its handler sees it. */
export interface Job<Payload = unknown> {
  tenantId: string;
  id: string;
  kind: string;
  key: string | null;
  runAt: Date;
  payload: Payload;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
}

export interface JobContext {
  db: Kysely<Database>;
}

/**
 * Runs one job. A job can run more than once (a crash after its work but before it was marked
 * done; a lease that ran out), so handlers must be idempotent. Throwing schedules a retry.
 */
export type JobHandler<Payload = unknown> = (job: Job<Payload>, context: JobContext) => Promise<void>;

/**
 * Thrown by a handler that could not run yet for a reason that is not a failure — a gateway's flow
 * control, say: the job runs again after `delayMs` and the deferral does not use up an attempt
 * (its `maxAttempts` grows by one). The handler bounds its own deferrals (`job.attempt` counts
 * every run) and throws an ordinary error once waiting no longer makes sense.
 */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

/** In-process periodic work; never persisted, never overlapping itself. */
export type PeriodicHandler = (context: JobContext) => Promise<void>;

export interface JobRunnerOptions {
  db: Kysely<Database>;
  log: Pick<FastifyBaseLogger, 'warn' | 'error'>;
  /** Jobs run at once by this runner; default 4. */
  concurrency?: number;
  /** Fallback poll for due jobs; default 1 s. */
  pollIntervalMs?: number;
  /** How long a claim lasts unless renewed; a job whose runner died is claimed again after it. Default 60 s. */
  leaseMs?: number;
  /** Wait before retrying after `attempts` runs failed; default 10 s doubling to 1 h. */
  retryDelayMs?: (attempts: number) => number;
  /** The clock for due times and leases; tests move it instead of sleeping. */
  now?: () => Date;
}

/** What `runDueNow()` did. `superseded`: cancelled or rescheduled while running, so not recorded. */
export interface JobRunCounts {
  ran: number;
  succeeded: number;
  retried: number;
  /** Runs that threw {@link RetryLaterError}: due again later, no attempt used. */
  deferred: number;
  failed: number;
  superseded: number;
}

type JobRow = Selectable<JobTable>;
type Outcome = 'succeeded' | 'retried' | 'deferred' | 'failed' | 'superseded';

interface Periodic {
  kind: string;
  intervalMs: number;
  handler: PeriodicHandler;
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
}

const MAX_ERROR_LENGTH = 2000;

export function defaultJobRetryDelayMs(attempts: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, attempts - 1), 60 * 60_000);
}

/**
 * Runs durable jobs from the `job` table: claims due jobs of its registered kinds with
 * `FOR UPDATE SKIP LOCKED` (so runners in several processes never take the same job), holds each
 * under a lease it renews while the handler runs, retries failures with exponential backoff up to the
 * job's max attempts, then marks it failed with the last error. Also runs in-process periodic sweeps.
 */
export class JobRunner {
  readonly #db: Kysely<Database>;
  readonly #log: Pick<FastifyBaseLogger, 'warn' | 'error'>;
  readonly #concurrency: number;
  readonly #pollIntervalMs: number;
  readonly #leaseMs: number;
  readonly #retryDelayMs: (attempts: number) => number;
  readonly #now: () => Date;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #periodic = new Map<string, Periodic>();
  readonly #inFlight = new Set<Promise<Outcome>>();
  #state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  #pollTimer: NodeJS.Timeout | undefined;
  #pump: Promise<void> | undefined;
  #pokedDuringPump = false;
  #recoverOnNextPump = true;

  constructor(options: JobRunnerOptions) {
    this.#db = options.db;
    this.#log = options.log;
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#retryDelayMs = options.retryDelayMs ?? defaultJobRetryDelayMs;
    this.#now = options.now ?? (() => new Date());
  }

  /** The handler for a kind; this runner claims only kinds it has handlers for. */
  register<Payload = unknown>(kind: string, handler: JobHandler<Payload>): this {
    if (this.#handlers.has(kind)) throw new Error(`Job kind "${kind}" is already registered`);
    this.#handlers.set(kind, handler as JobHandler);
    return this;
  }

  /**
   * Runs `handler` every `intervalMs` in this process (first run one interval after start), the
   * next run counted from the end of the previous one so a slow sweep never overlaps itself. Every
   * process runs its own, so a sweep must be safe to run concurrently from two processes.
   */
  every(kind: string, intervalMs: number, handler: PeriodicHandler): this {
    if (this.#periodic.has(kind)) throw new Error(`Periodic work "${kind}" is already registered`);
    if (!(intervalMs > 0)) throw new Error('intervalMs must be positive');
    const periodic: Periodic = { kind, intervalMs, handler, timer: undefined, running: undefined };
    this.#periodic.set(kind, periodic);
    if (this.#state === 'running') this.#schedulePeriodic(periodic);
    return this;
  }

  start(): void {
    if (this.#state !== 'new') throw new Error('The job runner was already started');
    this.#state = 'running';
    this.#pollTimer = setInterval(() => {
      this.#recoverOnNextPump = true;
      this.poke();
    }, this.#pollIntervalMs);
    this.#pollTimer.unref();
    for (const periodic of this.#periodic.values()) this.#schedulePeriodic(periodic);
    this.poke();
  }

  /** Looks for due jobs now, e.g. right after scheduling one that is due immediately. */
  poke(): void {
    if (this.#state !== 'running') return;
    if (this.#pump) {
      this.#pokedDuringPump = true;
      return;
    }
    this.#pump = (async () => {
      try {
        do {
          this.#pokedDuringPump = false;
          await this.#fillSlots();
        } while (this.#pokedDuringPump && this.#state === 'running');
      } finally {
        this.#pump = undefined;
      }
    })();
  }

  /** Stops claiming and scheduling; waits for the jobs and sweeps in flight. */
  async stop(): Promise<void> {
    if (this.#state === 'new' || this.#state === 'stopped') {
      this.#state = 'stopped';
      return;
    }
    this.#state = 'stopping';
    clearInterval(this.#pollTimer);
    for (const periodic of this.#periodic.values()) clearTimeout(periodic.timer);
    await this.#pump;
    await Promise.all([
      ...this.#inFlight,
      ...[...this.#periodic.values()].map((periodic) => periodic.running),
    ]);
    this.#state = 'stopped';
  }

  /**
   * Runs every job due by `now()` (and those whose lease ran out) until none is left, `concurrency`
   * at a time; for tests and the CLI. A job that fails is not due again until its backoff has passed
   * on the clock, so this terminates.
   */
  async runDueNow(): Promise<JobRunCounts> {
    const counts: JobRunCounts = { ran: 0, succeeded: 0, retried: 0, deferred: 0, failed: 0, superseded: 0 };
    await this.#recoverExpiredLeases();
    for (;;) {
      const jobs = await this.#claim(this.#concurrency);
      if (jobs.length === 0) return counts;
      const outcomes = await Promise.all(jobs.map((job) => this.#track(job)));
      for (const outcome of outcomes) {
        counts.ran++;
        counts[outcome]++;
      }
    }
  }

  async #fillSlots(): Promise<void> {
    try {
      if (this.#recoverOnNextPump) {
        this.#recoverOnNextPump = false;
        await this.#recoverExpiredLeases();
      }
      while (this.#state === 'running') {
        const free = this.#concurrency - this.#inFlight.size;
        if (free <= 0) return;
        const jobs = await this.#claim(free);
        for (const job of jobs) {
          // A finished job frees a slot: look for more at once instead of at the next poll.
          void this.#track(job).then(() => this.poke());
        }
        if (jobs.length < free) return;
      }
    } catch (error) {
      this.#log.error({ err: error }, 'jobs: could not claim due jobs');
    }
  }

  #track(job: JobRow): Promise<Outcome> {
    const run = this.#execute(job);
    this.#inFlight.add(run);
    void run.finally(() => this.#inFlight.delete(run));
    return run;
  }

  /** Returns jobs whose runner stopped renewing their lease to the queue, or fails them if out of attempts. */
  async #recoverExpiredLeases(): Promise<void> {
    const kinds = [...this.#handlers.keys()];
    if (kinds.length === 0) return;
    await this.#db
      .updateTable('job')
      .set({
        // Each claim counted an attempt, so a job that keeps killing its runner ends up failed.
        status: sql<JobStatus>`case when attempts >= max_attempts then 'failed' else 'pending' end`,
        lastError: 'Lease expired: the runner stopped before the job finished',
        lockedUntil: null,
        updatedAt: sql<Date>`now()`,
      })
      .where('status', '=', 'running')
      .where('lockedUntil', '<', this.#now())
      .where('kind', 'in', kinds)
      .execute();
  }

  /** Marks up to `limit` due jobs running under a fresh lease; concurrent claimers skip each other's rows. */
  async #claim(limit: number): Promise<JobRow[]> {
    const kinds = [...this.#handlers.keys()];
    if (kinds.length === 0 || limit <= 0) return [];
    const now = this.#now();
    const lockedUntil = new Date(now.getTime() + this.#leaseMs);
    const result = await sql<JobRow>`
      with due as materialized (
        select tenant_id, id from job
        where status = 'pending' and run_at <= ${now} and kind = any (${kinds}::text[])
        order by run_at
        limit ${limit}
        for update skip locked
      )
      update job set status = 'running', attempts = job.attempts + 1, locked_until = ${lockedUntil},
        updated_at = now()
      from due
      where job.tenant_id = due.tenant_id and job.id = due.id
      returning job.*`.execute(this.#db);
    return result.rows;
  }

  async #execute(row: JobRow): Promise<Outcome> {
    const handler = this.#handlers.get(row.kind);
    const job: Job = {
      tenantId: row.tenantId,
      id: row.id,
      kind: row.kind,
      key: row.key,
      runAt: row.runAt,
      payload: row.payload,
      attempt: row.attempts,
      maxAttempts: row.maxAttempts,
    };
    const renewal = setInterval(() => void this.#renewLease(row), Math.max(10, this.#leaseMs / 3));
    renewal.unref();
    let failure: { error: unknown } | undefined;
    try {
      if (!handler) throw new Error(`No handler for job kind "${row.kind}"`);
      await handler(job, { db: this.#db });
    } catch (error) {
      failure = { error };
    } finally {
      clearInterval(renewal);
    }
    try {
      return failure ? await this.#recordFailure(row, failure.error) : await this.#recordSuccess(row);
    } catch (error) {
      // The outcome is lost; the lease runs out and the job runs again (handlers are idempotent).
      this.#log.error({ err: error, jobId: row.id, kind: row.kind }, 'jobs: could not record a job outcome');
      return 'superseded';
    }
  }

  /** Only the claim that is still current may finish a job: same attempt count, still running. */
  #current(row: JobRow) {
    return this.#db
      .updateTable('job')
      .where('tenantId', '=', row.tenantId)
      .where('id', '=', row.id)
      .where('status', '=', 'running')
      .where('attempts', '=', row.attempts);
  }

  async #recordSuccess(row: JobRow): Promise<Outcome> {
    const result = await this.#current(row)
      .set({ status: 'done', lockedUntil: null, updatedAt: sql<Date>`now()` })
      .executeTakeFirst();
    return result.numUpdatedRows > 0n ? 'succeeded' : 'superseded';
  }

  async #recordFailure(row: JobRow, error: unknown): Promise<Outcome> {
    const lastError = describeError(error);
    // A deferral is not a failure: it keeps the job's attempts (one more allowed for this run).
    const deferred = error instanceof RetryLaterError;
    const context = {
      err: error,
      jobId: row.id,
      tenantId: row.tenantId,
      kind: row.kind,
      attempts: row.attempts,
    };
    if (!deferred && row.attempts >= row.maxAttempts) {
      const result = await this.#current(row)
        .set({ status: 'failed', lockedUntil: null, lastError, updatedAt: sql<Date>`now()` })
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return 'superseded';
      this.#log.error(context, `jobs: ${row.kind} failed after ${row.attempts} attempts`);
      return 'failed';
    }
    // At least 1 ms, so a job that failed is never due again at the same instant (runDueNow ends).
    const delayMs = Math.max(1, deferred ? error.delayMs : this.#retryDelayMs(row.attempts));
    const result = await this.#current(row)
      .set({
        status: 'pending',
        runAt: new Date(this.#now().getTime() + delayMs),
        ...(deferred ? { maxAttempts: sql<number>`max_attempts + 1` } : {}),
        lockedUntil: null,
        lastError,
        updatedAt: sql<Date>`now()`,
      })
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) return 'superseded';
    if (deferred) return 'deferred';
    this.#log.warn({ ...context, delayMs }, `jobs: ${row.kind} failed; retrying`);
    return 'retried';
  }

  async #renewLease(row: JobRow): Promise<void> {
    try {
      await this.#current(row)
        .set({ lockedUntil: new Date(this.#now().getTime() + this.#leaseMs) })
        .execute();
    } catch (error) {
      this.#log.warn({ err: error, jobId: row.id, kind: row.kind }, 'jobs: could not renew a lease');
    }
  }

  #schedulePeriodic(periodic: Periodic): void {
    periodic.timer = setTimeout(() => {
      periodic.timer = undefined;
      periodic.running = this.#runPeriodic(periodic);
    }, periodic.intervalMs);
    periodic.timer.unref();
  }

  async #runPeriodic(periodic: Periodic): Promise<void> {
    try {
      await periodic.handler({ db: this.#db });
    } catch (error) {
      this.#log.error({ err: error, kind: periodic.kind }, `jobs: periodic ${periodic.kind} failed`);
    } finally {
      periodic.running = undefined;
      if (this.#state === 'running') this.#schedulePeriodic(periodic);
    }
  }
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, MAX_ERROR_LENGTH);
}

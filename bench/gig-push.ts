/**
 * The PostgreSQL phase of bench/gig-matching.ts: "job opened → first wave pushed" through the gig
 * module's real services on a fresh database holding a whole city's market — 1,000,000 workers
 * (person, wallet and gig_worker rows), 10,000 open jobs with a shift tomorrow, most of them
 * already pushed (their inbox rows and SMS jobs are there) and some already hiring (scheduled
 * assignments) — against the same services ranking by a scan of every worker instead of the index.
 *
 * Measured, one call after another, each job opened twice with the same input — once ranked by
 * `WorkerIndex.firstWave`, once by `firstWaveByScan` (the definition the index is tested against),
 * alternating which goes first — so both sides pay the same database writes and the ratio compares
 * like with like:
 *
 * 1. `gigServices.postJob` (one transaction: the job and its shift, the first wave ranked, its inbox
 *    rows, the phones, the SMS jobs in one insert; then the job indexed for feeds and the live
 *    events) — the service returns once the wave is committed;
 * 2. `pushWave` alone, on twin jobs loaded open and not yet pushed, with each query's time (Kysely's
 *    query log) to show where a wave's time goes;
 * 3. a worker's feed (`feed` of the jobs service: the profile, bookings, `JobIndex.feed` or
 *    `feedByScan`, the jobs loaded).
 *
 * The ranking inside each call is timed too (the index's answer must equal the scan's), and so is
 * the one-off load of the matcher (`GigMatcher` reads every active worker and open job).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { JobInput } from '@jiedao/contracts';
import { GIG_CATEGORY_CODES, GIG_SKILL_CODES } from '@jiedao/contracts/constants';
import type { FastifyBaseLogger } from 'fastify';
import { CamelCasePlugin, Kysely, PostgresDialect, sql, type LogEvent } from 'kysely';
import {
  createAccountUnchecked,
  makeResidentIdNumber,
  makeUscc,
  recordVerifiedIdentityUnchecked,
} from '../apps/server/src/modules/identity/index.js';
import {
  createGigContext,
  GigMatcher,
  gigServices,
  type Gig,
  type Ranked,
} from '../apps/server/src/modules/gig/index.js';

const { feed, pushWave } = gigServices;
import type { Actor } from '../apps/server/src/platform/auth/actor.js';
import { loadConfig } from '../apps/server/src/platform/config.js';
import type { AppContext } from '../apps/server/src/platform/context.js';
import { createPostgresPool } from '../apps/server/src/platform/database/database.js';
import { migrateToLatest } from '../apps/server/src/platform/database/migrator.js';
import type { Database } from '../apps/server/src/platform/database/schema.js';
import { createRng } from '../apps/server/src/platform/geo/synthetic.js';
import { JobRunner } from '../apps/server/src/platform/jobs/job-runner.js';
import { OutboxDispatcher } from '../apps/server/src/platform/outbox/outbox-dispatcher.js';
import { PiiCipher } from '../apps/server/src/platform/privacy/index.js';
import { RealtimeHub } from '../apps/server/src/platform/realtime/realtime-hub.js';
import { SMS_JOB_KIND } from '../apps/server/src/platform/sms/index.js';
import {
  createDatabase,
  DEMO_PASSWORD,
  fmt,
  fmtDuration,
  log,
  median,
  onCleanup,
  percentile,
  printTable,
} from './lib.js';

export interface PushPhaseOptions {
  workers: number;
  jobs: number;
  /** Jobs opened per side (index, scan); as many twin jobs are loaded for pushWave alone. */
  pushJobs: number;
  /** Untimed job pairs opened first (prepared statements, JIT). */
  warmup: number;
  feedQueries: number;
  /** Scheduled assignments (hires) on the loaded jobs' shifts: the workers a wave must skip. */
  hires: number;
  /** Workers and sites gather around these (the in-memory phase's hubs: the same city). */
  hubs: ReadonlyArray<readonly [number, number]>;
}

export interface Latency {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface Compared {
  index: Latency;
  scan: Latency;
  /** Median of the scan side ÷ median of the index side. */
  ratio: number;
}

export interface QueryShare {
  query: string;
  callsPerWave: number;
  msPerWave: number;
}

export interface PushPhaseResult {
  workers: number;
  openJobs: number;
  hires: number;
  loadSeconds: Record<string, number>;
  matcher: {
    loadMs: number;
    workerQueryMs: number;
    jobQueryMs: number;
    rssBeforeMiB: number;
    rssMiB: number;
    heapMiB: number;
  };
  opened: Compared;
  pushWave: Compared;
  /** The ranking inside those calls (firstWave / firstWaveByScan), over both phases. */
  ranking: Compared;
  feed: Compared;
  feedRanking: Compared;
  pushedPerWave: { mean: number; min: number; max: number };
  queries: QueryShare[];
  smsQueued: number;
  pushedTotal: number;
  mismatches: number;
}

/** The ids the loader gives its rows: `kind` in the first group, the row number in the last. */
const KIND = {
  person: 1,
  wallet: 2,
  worker: 3,
  account: 4,
  site: 5,
  job: 6,
  shift: 7,
  application: 8,
  hold: 9,
  assignment: 10,
  inbox: 11,
  smsJob: 12,
} as const;

function benchId(kind: number, n: number): string {
  return `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const SHANGHAI_OFFSET = 8 * HOUR;
const CHUNK = 100_000;
const SITES = 2000;
/** Distinct phone ciphertexts, reused over the workers (each decrypts with this run's key). */
const PHONES = 4096;
/** Inbox rows (and SMS jobs) of each loaded job that was already pushed. */
const PUSHED_BEFORE = 20;
const ALL_HOURS = 0xffffff;
const DAYTIME = 0x0fff00; // 08:00–20:00

const silentLog = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  trace() {},
  fatal() {},
  child() {
    return silentLog;
  },
  level: 'silent',
  silent() {},
} as unknown as FastifyBaseLogger;

/** A full garbage collection, for honest memory figures (without starting Node with --expose-gc). */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

function latency(ms: readonly number[]): Latency {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    n: sorted.length,
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

function compare(index: readonly number[], scan: readonly number[]): Compared {
  return { index: latency(index), scan: latency(scan), ratio: median(scan) / median(index) };
}

/** A short name for a query of the push path: verb and tables. */
function queryLabel(text: string): string {
  const trimmed = text.trim();
  if (trimmed.includes('pg_advisory_xact_lock')) return 'select pg_advisory_xact_lock (queueSms)';
  const verb = /^(begin|commit|rollback)\b/i.exec(trimmed);
  if (verb) return verb[1]!.toLowerCase();
  const write = /^(insert into|update|delete from) "(\w+)"/i.exec(trimmed);
  if (write) return `${write[1]!.toLowerCase()} ${write[2]}`;
  const from = /\bfrom "(\w+)"/i.exec(trimmed);
  if (!from) return trimmed.slice(0, 50);
  const joins = [...trimmed.matchAll(/\bjoin "(\w+)"/gi)].map((match) => match[1]);
  return `select ${[from[1], ...joins].join(' ⋈ ')}`;
}

/** What one matcher call inside a service returned, and how long it took. */
interface Probe {
  last: { ms: number; result: Ranked[] } | undefined;
}

/**
 * A view of `target` whose `method` runs `use` instead (the scan for the baseline, or the method
 * itself), timed into `probe`; everything else goes to the target (bound: the classes keep private
 * fields, which a proxy as `this` would not reach).
 */
function probed<T extends object>(target: T, method: string, use: string, probe: Probe): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property === method ? use : property, object);
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(object);
      if (property !== method) return bound;
      return (...args: unknown[]) => {
        const started = performance.now();
        const result = bound(...args) as Ranked[];
        probe.last = { ms: performance.now() - started, result };
        return result;
      };
    },
  });
}

/**
 * The module's matcher, sharing one loaded index between the two sides of the benchmark: the index
 * side ranks with the index, the scan side with the scan; both timed.
 */
class ProbedMatcher extends GigMatcher {
  readonly probe: Probe = { last: undefined };
  readonly #views = new WeakMap<object, Awaited<ReturnType<GigMatcher['indexes']>>>();

  constructor(
    db: Kysely<Database>,
    private readonly source: GigMatcher,
    private readonly scan: boolean,
  ) {
    super(db);
  }

  override async indexes(tenantId: string): ReturnType<GigMatcher['indexes']> {
    const loaded = await this.source.indexes(tenantId);
    let view = this.#views.get(loaded);
    if (!view) {
      view = {
        workers: probed(loaded.workers, 'firstWave', this.scan ? 'firstWaveByScan' : 'firstWave', this.probe),
        jobs: probed(loaded.jobs, 'feed', this.scan ? 'feedByScan' : 'feed', this.probe),
      };
      this.#views.set(loaded, view);
    }
    return view;
  }
}

interface Side {
  name: 'index' | 'scan';
  gig: Gig;
  matcher: ProbedMatcher;
}

/** Runs `call` on both sides, alternating which goes first; returns each side's time and ranking. */
async function onBothSides<T>(
  sides: readonly [Side, Side],
  turn: number,
  call: (side: Side) => Promise<T>,
): Promise<Record<Side['name'], { ms: number; rankMs: number; ranking: string; value: T }>> {
  const order = turn % 2 === 0 ? sides : ([sides[1], sides[0]] as const);
  const out = {} as Record<Side['name'], { ms: number; rankMs: number; ranking: string; value: T }>;
  for (const side of order) {
    side.matcher.probe.last = undefined;
    const started = performance.now();
    const value = await call(side);
    const ms = performance.now() - started;
    const last = side.matcher.probe.last as Probe['last'];
    out[side.name] = {
      ms,
      rankMs: last?.ms ?? Number.NaN,
      ranking: JSON.stringify(last?.result ?? null),
      value,
    };
  }
  return out;
}

export async function measurePush(options: PushPhaseOptions): Promise<PushPhaseResult> {
  if (2 * options.pushJobs + 100 > options.jobs)
    throw new Error(`BENCH_JOBS (${options.jobs}) must be at least 2 × BENCH_PUSH_JOBS + 100`);

  const url = await createDatabase(`jiedao_bench_gigpush_${process.pid}`);
  // The server's pool (named prepared statements, its type parsers) and Kysely set up as the server
  // does (createKysely), plus a query log: the push phase records each query's time.
  const pool = createPostgresPool(url, 4);
  const queryLog: QueryLog = { entries: undefined };
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
    log: (event: LogEvent) => {
      if (queryLog.entries && event.level === 'query')
        queryLog.entries.push([event.query.sql, event.queryDurationMillis]);
    },
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await db.destroy();
  };
  const unregister = onCleanup(close);
  try {
    return await runPhase(db, url, queryLog, options);
  } finally {
    await close();
    unregister();
  }
}

/** Each query's SQL and time while `entries` is set. */
interface QueryLog {
  entries: Array<[string, number]> | undefined;
}

async function runPhase(
  db: Kysely<Database>,
  url: string,
  queryLog: QueryLog,
  options: PushPhaseOptions,
): Promise<PushPhaseResult> {
  const { workers: workerCount, jobs: jobCount, pushJobs, warmup } = options;
  log(`\nPostgreSQL phase: a fresh database ${new URL(url).pathname.slice(1)}, migrating …`);
  await migrateToLatest(db);
  const cipher = new PiiCipher(randomBytes(32));
  const ctx: AppContext = {
    db,
    databaseKind: 'postgres',
    config: loadConfig({ databaseUrl: url, dataDir: os.tmpdir(), sweepIntervalMs: 0 }, {}),
    cipher,
    log: silentLog,
    outbox: new OutboxDispatcher({ db, log: silentLog }),
    jobs: new JobRunner({ db, log: silentLog }),
  };
  const hub = new RealtimeHub({ bufferSize: 50 }); // as startGig makes it
  onCleanup(() => hub.close());
  const now = () => new Date();
  const setup = createGigContext(ctx, hub, now);

  // ——— the market ———
  const loadSeconds: Record<string, number> = {};
  const timedStep = async (name: string, step: () => Promise<void>) => {
    const started = performance.now();
    await step();
    loadSeconds[name] = (loadSeconds[name] ?? 0) + (performance.now() - started) / 1000;
  };
  const tenantId = benchId(0xbe, 1);
  await sql`insert into tenant (id, code, name, name_en, boundary)
    values (${tenantId}, 'gigbench', '零工基准', 'Gig bench', '{"type":"Polygon","coordinates":[]}'::jsonb)`.execute(
    db,
  );
  await sql
    .raw(
      `create function bench_id(kind integer, n bigint) returns uuid language sql immutable parallel safe
       as $$ select (lpad(to_hex(kind), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$`,
    )
    .execute(db);

  // The employer through the services: account, verified identity, profile with its ledger
  // accounts, funds from the bank simulator.
  const employerAccount = await createAccountUnchecked(ctx, tenantId, {
    name: '陈基准',
    phone: '13700099999',
    password: DEMO_PASSWORD,
    roles: [{ role: 'employer' }],
  });
  await recordVerifiedIdentityUnchecked(ctx, tenantId, employerAccount.personId, {
    name: '陈基准',
    idNumber: makeResidentIdNumber({ birthDate: '1980-03-04', sex: 'male', sequence: 123 }),
  });
  const employerActor: Actor = {
    tenantId,
    accountId: employerAccount.accountId,
    personId: employerAccount.personId,
    sessionId: 'bench',
    roles: [{ role: 'employer', communityId: null, organisationId: null }],
  };
  const employer = await gigServices.registerEmployer(setup, employerActor, {
    kind: 'business',
    name: '杭州基准劳务有限公司',
    uscc: makeUscc({ prefix: '91', regionCode: '330106', organisation8: 'MA2BENCH' }),
  });
  await gigServices.topUp(setup, employerActor, 500_000_000, 'bench-topup-0001');
  const { fundsAccountId } = await db
    .selectFrom('gigEmployer')
    .select('fundsAccountId')
    .where('tenantId', '=', tenantId)
    .where('id', '=', employer.id)
    .executeTakeFirstOrThrow();

  // Phones: a few thousand distinct ciphertexts under this run's key, reused.
  const phones = Array.from({ length: PHONES }, (_, i) =>
    cipher.encrypt(`1380000${String(i).padStart(4, '0')}`, 'person.phone'),
  );
  const hubLng = options.hubs.map(([lng]) => lng);
  const hubLat = options.hubs.map(([, lat]) => lat);
  const hubCount = options.hubs.length;
  const started = performance.now();
  log(`loading ${fmt(workerCount)} workers (person, wallet, gig_worker rows) in chunks of ${fmt(CHUNK)} …`);
  for (let lo = 1, chunk = 0; lo <= workerCount; lo += CHUNK, chunk++) {
    const hi = Math.min(workerCount, lo + CHUNK - 1);
    await db.transaction().execute(async (trx) => {
      await sql`select setseed(${((chunk % 1000) + 1) / 1001})`.execute(trx);
      await timedStep('person', async () => {
        await sql`insert into person (tenant_id, id, name, phone_enc, real_name_status, verified_at)
          select ${tenantId}, bench_id(${KIND.person}, i), '零工' || i,
            (${phones}::text[])[(1 + i % ${PHONES})::int], 'verified', now()
          from generate_series(${lo}::bigint, ${hi}::bigint) i`.execute(trx);
      });
      await timedStep('ledger_account', async () => {
        await sql`insert into ledger_account (tenant_id, id, code, name, kind, guarded)
          select ${tenantId}, bench_id(${KIND.wallet}, i), 'gig.worker.' || bench_id(${KIND.worker}, i) || '.wallet',
            '零工钱包', 'liability', true
          from generate_series(${lo}::bigint, ${hi}::bigint) i`.execute(trx);
      });
      // The in-memory phase's city: a hub, about 2 km around it (Box–Muller); 1–3 trades, 0–4
      // skills, radius 3–30 km, all hours / daytime / weekday daytime, reliability 60–100.
      await timedStep('gig_worker', async () => {
        await sql`insert into gig_worker (tenant_id, id, person_id, account_id, categories, skills,
            home_lng, home_lat, radius_km, week_hours, settlement_cycle, reliability, wallet_account_id,
            registered_via)
          select ${tenantId}, bench_id(${KIND.worker}, i), bench_id(${KIND.person}, i), bench_id(${KIND.account}, i),
            array(select c from unnest(${GIG_CATEGORY_CODES}::text[]) c order by random() limit w.trades),
            array(select s from unnest(${GIG_SKILL_CODES}::text[]) s order by random() limit w.skills),
            (${hubLng}::float8[])[w.hub] + w.r * cos(w.a),
            (${hubLat}::float8[])[w.hub] + w.r * sin(w.a) * 0.87,
            (array[3, 5, 10, 20, 30])[1 + floor(w.radius * 5)::int],
            case when w.hours < 0.5 then array_fill(${ALL_HOURS}::int, array[7])
              when w.hours < 0.8 then array_fill(${DAYTIME}::int, array[7])
              else array[${DAYTIME}::int, ${DAYTIME}::int, ${DAYTIME}::int, ${DAYTIME}::int, ${DAYTIME}::int, 0, 0] end,
            'daily', round(60 + w.reliability * 40)::int, bench_id(${KIND.wallet}, i), 'self'
          from (
            select i, 1 + floor(random() * ${hubCount})::int as hub,
              sqrt(-2 * ln(1 - random())) * 0.02 as r, 2 * pi() * random() as a,
              random() as radius, random() as hours, random() as reliability,
              1 + floor(random() * 3)::int as trades, floor(random() * 5)::int as skills
            from generate_series(${lo}::bigint, ${hi}::bigint) i
            offset 0
          ) w`.execute(trx);
      });
    });
    const elapsed = performance.now() - started;
    log(
      `  ${fmt(hi)} / ${fmt(workerCount)} workers (${fmtDuration(elapsed)}, ${fmt((hi * 1000) / elapsed)} workers/s)`,
    );
  }

  // Sites, jobs with a shift tomorrow (6:00–18:00 start, 4–10 h), the twin jobs pushWave alone is
  // measured on (open, not pushed yet: pairs with the same terms), the others already pushed.
  const tomorrow = Math.floor((Date.now() + SHANGHAI_OFFSET) / DAY) * DAY + DAY - SHANGHAI_OFFSET;
  const fresh = 2 * pushJobs;
  log(
    `loading ${fmt(SITES)} sites, ${fmt(jobCount)} open jobs (${fmt(fresh)} not pushed yet), their pushes and ${fmt(options.hires)} hires …`,
  );
  await timedStep('jobs, pushes, hires', () =>
    db.transaction().execute(async (trx) => {
      await sql`select setseed(0.5)`.execute(trx);
      await sql`insert into gig_site (tenant_id, id, employer_id, name, address, lng, lat, radius_m)
        select ${tenantId}, bench_id(${KIND.site}, i), ${employer.id}, '用工点 ' || i, '杭州市西湖区某路 ' || i || ' 号',
          (${hubLng}::float8[])[p.hub] + p.r * cos(p.a), (${hubLat}::float8[])[p.hub] + p.r * sin(p.a) * 0.87, 300
        from (
          select i, 1 + floor(random() * ${hubCount})::int as hub,
            sqrt(-2 * ln(1 - random())) * 0.02 as r, 2 * pi() * random() as a
          from generate_series(1, ${SITES}::int) i
          offset 0
        ) p`.execute(trx);
      // One set of terms per pair of twins, one per other job.
      await sql`create temporary table bench_terms on commit drop as
        select g, 1 + floor(random() * ${SITES})::int as site,
          (${GIG_CATEGORY_CODES}::text[])[1 + floor(random() * ${GIG_CATEGORY_CODES.length})::int] as category,
          case when random() < 0.5 then '{}'::text[]
            else array[(${GIG_SKILL_CODES}::text[])[1 + floor(random() * ${GIG_SKILL_CODES.length})::int]] end as skills,
          1 + floor(random() * 10)::int as headcount,
          2000 + floor(random() * 3000)::int as wage_fen,
          ${new Date(tomorrow)}::timestamptz + (6 + floor(random() * 12)) * interval '1 hour' as starts_at,
          4 + floor(random() * 7)::int as hours
        from generate_series(1, ${jobCount - pushJobs}::int) g`.execute(trx);
      await sql`create temporary table bench_job on commit drop as
        select i, t.* from generate_series(1, ${jobCount}::int) i
        join bench_terms t on t.g = case when i <= ${fresh} then (i + 1) / 2 else i - ${pushJobs} end`.execute(
        trx,
      );
      await sql`insert into gig_job (tenant_id, id, employer_id, site_id, title, category, skills, headcount,
          wage_kind, wage_fen, settlement_cycle, posted_by, posted_via, waves_sent, last_wave_at, pushed_count,
          opened_at)
        select ${tenantId}, bench_id(${KIND.job}, i), ${employer.id}, bench_id(${KIND.site}, site), '零工岗位 ' || i,
          category, skills, headcount, 'hour', wage_fen, 'daily', ${employerAccount.accountId}, 'employer',
          case when i <= ${fresh} then 0 else 1 end,
          case when i <= ${fresh} then null else now() - interval '1 hour' end,
          case when i <= ${fresh} then 0 else ${PUSHED_BEFORE} end,
          now() - interval '1 hour'
        from bench_job`.execute(trx);
      await sql`insert into gig_shift (tenant_id, id, job_id, starts_at, ends_at, break_minutes)
        select ${tenantId}, bench_id(${KIND.shift}, i), bench_id(${KIND.job}, i), starts_at,
          starts_at + hours * interval '1 hour', case when hours >= 6 then 30 else 0 end
        from bench_job`.execute(trx);
      // The jobs pushed before: their inbox rows and their SMS jobs (sent: done).
      await sql`insert into gig_inbox (tenant_id, id, worker_id, kind, job_id, title, body, created_at)
        select ${tenantId}, bench_id(${KIND.inbox}, i * 100 + k),
          bench_id(${KIND.worker}, 1 + floor(random() * ${workerCount})::bigint), 'job_push',
          bench_id(${KIND.job}, i), '附近新零工：零工岗位 ' || i,
          '保洁 · 30元/小时 · 12/1 09:00–17:00 · 约1.2公里 · 用工点 1', now() - interval '1 hour'
        from generate_series(${fresh + 1}::int, ${jobCount}::int) i, generate_series(1, ${PUSHED_BEFORE}::int) k
        on conflict (tenant_id, worker_id, job_id) where kind = 'job_push' do nothing`.execute(trx);
      const payload = JSON.stringify({
        template: 'gig_job_nearby',
        phoneMasked: '138****0000',
        sealed: cipher.encrypt(
          JSON.stringify({ phone: '13800000000', params: { title: '零工岗位', wage: '30元/小时' } }),
          'sms.job',
        ),
      });
      await sql`insert into job (tenant_id, id, kind, key, run_at, payload, status, attempts)
        select tenant_id, bench_id(${KIND.smsJob}, row_number() over ()), ${sql.lit(SMS_JOB_KIND)},
          'gig.push:' || job_id || ':' || worker_id, created_at, ${payload}::jsonb, 'done', 1
        from gig_inbox where tenant_id = ${tenantId} and kind = 'job_push'`.execute(trx);
      // Hires on the jobs pushed before (never filling one): scheduled assignments, each with its
      // application and its held wage (a pending transfer; the ledger's totals are not kept here).
      await sql`create temporary table bench_hire on commit drop as
        select row_number() over () as n, h.job_i, h.worker_i from (
          select job_i, worker_i, row_number() over (partition by job_i) as nth from (
            select distinct on (job_i, worker_i) job_i, worker_i from (
              select ${fresh + 1} + floor(random() * ${jobCount - fresh})::int as job_i,
                1 + floor(random() * ${workerCount})::bigint as worker_i
              from generate_series(1, ${options.hires}::int)
              offset 0
            ) r
          ) d
        ) h join bench_job j on j.i = h.job_i
        where h.nth < j.headcount`.execute(trx);
      await sql`insert into gig_application (tenant_id, id, job_id, worker_id, origin, state)
        select ${tenantId}, bench_id(${KIND.application}, n), bench_id(${KIND.job}, job_i),
          bench_id(${KIND.worker}, worker_i), 'apply', 'hired'
        from bench_hire`.execute(trx);
      await sql`insert into ledger_transfer (tenant_id, id, debit_account_id, credit_account_id, amount, type,
          state, code)
        select ${tenantId}, bench_id(${KIND.hold}, n), ${fundsAccountId}, bench_id(${KIND.wallet}, worker_i),
          10000, 'pending', 'pending', 'gig.hold'
        from bench_hire`.execute(trx);
      await sql`insert into gig_assignment (tenant_id, id, application_id, job_id, shift_id, worker_id,
          employer_id, hold_transfer_id, hold_fen, state)
        select ${tenantId}, bench_id(${KIND.assignment}, n), bench_id(${KIND.application}, n),
          bench_id(${KIND.job}, job_i), bench_id(${KIND.shift}, job_i), bench_id(${KIND.worker}, worker_i),
          ${employer.id}, bench_id(${KIND.hold}, n), 10000, 'scheduled'
        from bench_hire`.execute(trx);
      await sql`update gig_job j set hired_count = h.hired
        from (select job_i, count(*)::int as hired from bench_hire group by job_i) h
        where j.tenant_id = ${tenantId} and j.id = bench_id(${KIND.job}, h.job_i)`.execute(trx);
    }),
  );
  const counts = await sql<{ hires: number; inbox: number; sms: number }>`select
      (select count(*)::int from gig_assignment where tenant_id = ${tenantId}) as hires,
      (select count(*)::int from gig_inbox where tenant_id = ${tenantId}) as inbox,
      (select count(*)::int from job where tenant_id = ${tenantId} and kind = ${sql.lit(SMS_JOB_KIND)}) as sms`.execute(
    db,
  );
  const { hires, inbox, sms } = counts.rows[0]!;
  log(`  ${fmt(inbox)} inbox rows and ${fmt(sms)} SMS jobs of earlier pushes, ${fmt(hires)} hires`);
  // This cluster runs without autovacuum (as the other benches find it): statistics by hand.
  log('vacuum analyze, checkpoint …');
  await timedStep('vacuum analyze, checkpoint', async () => {
    await sql`vacuum analyze`.execute(db);
    await sql`checkpoint`.execute(db);
  });
  log(`market loaded in ${fmtDuration(performance.now() - started)}`);

  // ——— the matcher's one-off load ———
  collectGarbage();
  const before = process.memoryUsage();
  const base = new GigMatcher(db, now);
  queryLog.entries = [];
  const loadStarted = performance.now();
  const loaded = await base.indexes(tenantId);
  const loadMs = performance.now() - loadStarted;
  const loadQueries = queryLog.entries;
  queryLog.entries = undefined;
  collectGarbage();
  const memory = process.memoryUsage();
  const matcher = {
    loadMs,
    workerQueryMs: loadQueries.find(([text]) => queryLabel(text) === 'select gig_worker')?.[1] ?? Number.NaN,
    jobQueryMs:
      loadQueries.find(([text]) => queryLabel(text).startsWith('select gig_job'))?.[1] ?? Number.NaN,
    rssBeforeMiB: before.rss / 1024 / 1024,
    rssMiB: memory.rss / 1024 / 1024,
    heapMiB: (memory.heapUsed - before.heapUsed) / 1024 / 1024,
  };
  log(
    `GigMatcher loaded ${fmt(loaded.workers.size)} workers and ${fmt(loaded.jobs.size)} open jobs in ${fmtDuration(loadMs)} (worker query incl. rows ${fmtDuration(matcher.workerQueryMs)}); RSS ${fmt(matcher.rssBeforeMiB)} → ${fmt(matcher.rssMiB)} MiB, heap +${fmt(matcher.heapMiB)} MiB`,
  );

  const sideOf = (name: Side['name']): Side => {
    const probe = new ProbedMatcher(db, base, name === 'scan');
    return { name, matcher: probe, gig: { ...createGigContext(ctx, hub, now), matcher: probe } };
  };
  const sides = [sideOf('index'), sideOf('scan')] as const;
  let mismatches = 0;
  const pushedCounts: number[] = [];

  // ——— 1. job opened → first wave pushed (postJob) ———
  const rand = createRng(4_0000_0004);
  const pickOf = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
  const jobInput = (n: number): JobInput => {
    const startsAt = tomorrow + (6 + Math.floor(rand() * 12)) * HOUR;
    const hours = 4 + Math.floor(rand() * 7);
    return {
      siteId: benchId(KIND.site, 1 + Math.floor(rand() * SITES)),
      title: `新零工岗位 ${n}`,
      category: pickOf(GIG_CATEGORY_CODES),
      skills: rand() < 0.5 ? [] : [pickOf(GIG_SKILL_CODES)],
      headcount: 1 + Math.floor(rand() * 10),
      wageKind: 'hour',
      wageFen: 2000 + Math.floor(rand() * 3000),
      settlementCycle: 'daily',
      shifts: [
        {
          startsAt: new Date(startsAt).toISOString(),
          endsAt: new Date(startsAt + hours * HOUR).toISOString(),
          breakMinutes: hours >= 6 ? 30 : 0,
        },
      ],
    };
  };
  log(`opening ${fmt(warmup)} + ${fmt(pushJobs)} jobs on each side (postJob: job, shift, first wave) …`);
  const openedMs = { index: [] as number[], scan: [] as number[] };
  const rankMs = { index: [] as number[], scan: [] as number[] };
  let pushedTotal = 0;
  for (let turn = 0; turn < warmup + pushJobs; turn++) {
    const input = jobInput(turn);
    const result = await onBothSides(sides, turn, (side) =>
      gigServices.postJob(side.gig, employerActor, input, undefined, 'employer'),
    );
    pushedTotal += result.index.value.pushedCount + result.scan.value.pushedCount;
    if (result.index.ranking !== result.scan.ranking) mismatches++;
    if (turn < warmup) continue;
    for (const name of ['index', 'scan'] as const) {
      openedMs[name].push(result[name].ms);
      rankMs[name].push(result[name].rankMs);
    }
    pushedCounts.push(result.index.value.pushedCount);
    if ((turn + 1 - warmup) % 50 === 0)
      log(
        `  ${fmt(turn + 1 - warmup)} / ${fmt(pushJobs)}: opened → pushed p50 index ${fmt(median(openedMs.index), 1)} ms, scan ${fmt(median(openedMs.scan), 1)} ms`,
      );
  }

  // ——— 2. pushWave alone, with each query's time ———
  log(`pushing the first wave of ${fmt(pushJobs)} twin jobs on each side (pushWave alone) …`);
  const waveMs = { index: [] as number[], scan: [] as number[] };
  const waveQueries: Array<[string, number]> = [];
  for (let pair = 0; pair < pushJobs; pair++) {
    const twins = { index: 2 * pair + 1 + (pair % 2), scan: 2 * pair + 2 - (pair % 2) };
    let queries: Array<[string, number]> = [];
    const result = await onBothSides(sides, pair, async (side) => {
      const entries: Array<[string, number]> = [];
      queryLog.entries = entries;
      try {
        return await pushWave(side.gig, tenantId, benchId(KIND.job, twins[side.name]));
      } finally {
        if (side.name === 'index') queries = entries;
        queryLog.entries = undefined;
      }
    });
    waveQueries.push(...queries);
    pushedTotal += result.index.value.pushed + result.scan.value.pushed;
    if (result.index.ranking !== result.scan.ranking) mismatches++;
    for (const name of ['index', 'scan'] as const) {
      waveMs[name].push(result[name].ms);
      rankMs[name].push(result[name].rankMs);
    }
    pushedCounts.push(result.index.value.pushed);
  }
  const byQuery = new Map<string, { calls: number; ms: number }>();
  for (const [text, ms] of waveQueries) {
    const label = queryLabel(text);
    const entry = byQuery.get(label) ?? { calls: 0, ms: 0 };
    entry.calls += 1;
    entry.ms += ms;
    byQuery.set(label, entry);
  }
  const queries = [...byQuery.entries()]
    .map(([query, { calls, ms }]) => ({ query, callsPerWave: calls / pushJobs, msPerWave: ms / pushJobs }))
    .sort((a, b) => b.msPerWave - a.msPerWave);

  // ——— 3. a worker's feed ———
  log(`reading ${fmt(options.feedQueries)} workers' feeds on each side …`);
  const feedMs = { index: [] as number[], scan: [] as number[] };
  const feedRankMs = { index: [] as number[], scan: [] as number[] };
  for (let turn = 0; turn < options.feedQueries + 10; turn++) {
    const n = 1 + Math.floor(rand() * workerCount);
    const actor: Actor = {
      tenantId,
      accountId: benchId(KIND.account, n),
      personId: benchId(KIND.person, n),
      sessionId: 'bench',
      roles: [{ role: 'worker', communityId: null, organisationId: null }],
    };
    const result = await onBothSides(sides, turn, (side) => feed(side.gig, actor, 50));
    if (result.index.ranking !== result.scan.ranking) mismatches++;
    if (turn < 10) continue; // warm-up
    for (const name of ['index', 'scan'] as const) {
      feedMs[name].push(result[name].ms);
      feedRankMs[name].push(result[name].rankMs);
    }
  }

  const queued = await sql<{ count: number }>`select count(*)::int as count from job
    where tenant_id = ${tenantId} and kind = ${sql.lit(SMS_JOB_KIND)} and status = 'pending'`.execute(db);
  return {
    workers: loaded.workers.size,
    openJobs: jobCount,
    hires,
    loadSeconds,
    matcher,
    opened: compare(openedMs.index, openedMs.scan),
    pushWave: compare(waveMs.index, waveMs.scan),
    ranking: compare(rankMs.index, rankMs.scan),
    feed: compare(feedMs.index, feedMs.scan),
    feedRanking: compare(feedRankMs.index, feedRankMs.scan),
    pushedPerWave: {
      mean: pushedCounts.reduce((sum, count) => sum + count, 0) / pushedCounts.length,
      min: Math.min(...pushedCounts),
      max: Math.max(...pushedCounts),
    },
    queries,
    smsQueued: queued.rows[0]!.count,
    pushedTotal,
    mismatches,
  };
}

/** The phase's details: loading, the matcher, where a wave's time goes. */
export function printPushDetails(result: PushPhaseResult): void {
  log(
    `\nloaded: ${Object.entries(result.loadSeconds)
      .map(([step, seconds]) => `${step} ${fmt(seconds, 1)} s`)
      .join(', ')}`,
  );
  log(
    `GigMatcher one-off load: ${fmt(result.matcher.loadMs / 1000, 2)} s for ${fmt(result.workers)} workers (gig_worker query with its rows ${fmt(result.matcher.workerQueryMs / 1000, 2)} s, open jobs ${fmt(result.matcher.jobQueryMs / 1000, 2)} s, the rest building the indexes); RSS ${fmt(result.matcher.rssBeforeMiB)} MiB before, ${fmt(result.matcher.rssMiB)} MiB after (heap +${fmt(result.matcher.heapMiB)} MiB)`,
  );
  log(
    `pushed per wave: mean ${fmt(result.pushedPerWave.mean, 1)} (${result.pushedPerWave.min}–${result.pushedPerWave.max}); SMS jobs queued ${fmt(result.smsQueued)} of ${fmt(result.pushedTotal)} pushed; rankings equal to the scan's: ${result.mismatches === 0 ? 'all' : `${result.mismatches} MISMATCHES`}`,
  );
  const waveP50 = result.pushWave.index.p50;
  const inQueries = result.queries.reduce((sum, query) => sum + query.msPerWave, 0);
  log(
    `\nWhere pushWave's time goes (index side, mean per wave over ${result.pushWave.index.n} waves; p50 of a wave ${fmt(waveP50, 1)} ms):`,
  );
  printTable(
    ['query', 'calls/wave', 'ms/wave', 'share of queries'],
    result.queries.map((query) => [
      query.query,
      fmt(query.callsPerWave, 1),
      fmt(query.msPerWave, 2),
      `${fmt((100 * query.msPerWave) / inQueries, 0)} %`,
    ]),
    ['left', 'right', 'right', 'right'],
  );
  log(
    `queries ${fmt(inQueries, 1)} ms per wave, each with its round trip; the rest of a wave's mean ${fmt(result.pushWave.index.mean, 1)} ms is the pool, the ranking, the phones' decryption and the SMS payloads' encryption, Kysely and pg`,
  );
}

/**
 * Crash drill for the gig market's money (issue 4): "SIGKILL at random points during a run of
 * 10,000 shifts and their settlement, 20 rounds: zero money lost or doubled."
 *
 *   npx tsx bench/gig-crash.ts
 *   CRASH_ROUNDS=2 CRASH_SHIFTS=500 CRASH_WORKERS=50 npx tsx bench/gig-crash.ts   # a shake-out
 *
 * Once: the payout-rail simulator as its own process (faults on: lost answers 0.2, duplicate
 * reports 0.3, missing reports 0.3, unavailable 0.1, settle 20–200 ms), so what it paid survives
 * every kill of the server, as a bank's records would. Per round: a fresh PostgreSQL database
 * `jiedao_crash_<pid>_<round>`, migrated and seeded in this process — a subdistrict with
 * CRASH_WORKERS workers (wallet, encrypted payout account, daily settlement; 1 in 100 with an
 * account the rail refuses), a few funded employers, and CRASH_SHIFTS shifts of yesterday already
 * clocked out, each with its wage held from the employer (a pending ledger transfer, as a hire
 * makes it), its earned wage (some the whole hold, some less) and its confirmation overdue. Then the
 * built server (`serve`, JIEDAO_SWEEP_INTERVAL_MS=100; an unreported payout asked about after
 * CRASH_QUERY_AFTER_MS, a silent rail retried after CRASH_RETRY_BASE_MS doubling) runs the sweeps that do the work —
 * `gig.attendance` confirms each shift (the hold posts the wage to the wallet), `gig.settle` pays
 * wallets out (one payout per worker and period), `payouts.process` drives payouts through the rail
 * — and is killed with SIGKILL at a random moment (CRASH_KILL_MS after it answers /healthz),
 * CRASH_KILLS times, restarted each time; after the last kill it runs until every shift is paid
 * and every payout is paid or refused, and is stopped with SIGTERM.
 *
 * Checks per round, each failure a finding (exit 1): every shift paid exactly its earned wage
 * (assignment and hold posting); per worker, wallet + paid payouts = wages earned (refused payouts
 * back in the wallet) and nothing held; the rail executed each payout key at most once — paid ones
 * exactly once, refused ones never — and its paid-out total grew by exactly this round's paid
 * payouts; `reconcileLedger` with the gig checks is whole; each employer's funds = top-ups − wages,
 * never negative; no hold left pending; the market's bank and clearing accounts agree; no payout
 * left open. The database of a round with a finding is kept for inspection.
 *
 * Env: CRASH_ROUNDS (20), CRASH_SHIFTS (10000), CRASH_WORKERS (1000), CRASH_KILLS (3 per round),
 * CRASH_EMPLOYERS (5), CRASH_QUERY_AFTER_MS (5000; the server's default is a minute),
 * CRASH_RETRY_BASE_MS (1000; the server's default is 5 s), CRASH_KILL_MS ("200,3000": kill this long after /healthz, uniform),
 * CRASH_STALL_TIMEOUT (s, 300: a finding when nothing moves that long after the last restart),
 * CRASH_DRAIN_TIMEOUT (s, 3600: a finding when not finished by then), CRASH_SEED (data, kill times
 * and the rail's faults; default from the clock), BENCH_PG_ADMIN_URL, BENCH_READY_TIMEOUT (s, 120),
 * BENCH_MAX_MINUTES, BENCH_SAVE=1; CRASH_TAMPER=1 corrupts the books after each drain (a fen from
 * nowhere, a shift overpaid, a paid payout marked refused) to show that the checks fire.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import {
  GIG_RECONCILE_CHECKS,
  marketAccounts,
  PAYOUT_CONTEXT,
  settlementPeriod,
} from '../apps/server/src/modules/gig/index.js';
import { openDatabase } from '../apps/server/src/platform/database/database.js';
import { migrateToLatest } from '../apps/server/src/platform/database/migrator.js';
import type { Database } from '../apps/server/src/platform/database/schema.js';
import { createRng } from '../apps/server/src/platform/geo/synthetic.js';
import { derivedId, newId } from '../apps/server/src/platform/ids.js';
import {
  applyTransfers,
  openAccounts,
  reconcileLedger,
  type LedgerRequest,
} from '../apps/server/src/platform/ledger/index.js';
import { PiiCipher, parseDataKey } from '../apps/server/src/platform/privacy/index.js';
import {
  createKeepableDatabase,
  emitJson,
  ensureServerBuilt,
  envNumber,
  fmt,
  fmtDuration,
  freePort,
  getJson,
  killGroupNow,
  log,
  nowMs,
  onCleanup,
  pgAdminUrl,
  postgresReachable,
  printTable,
  repoRoot,
  runMain,
  sleep,
  startJiedao,
  startNodeServer,
  stopChild,
  tempDir,
  type Child,
  type ServerHandle,
} from './lib.js';

const rounds = Math.round(envNumber('CRASH_ROUNDS', 20, { min: 1 }));
const shiftCount = Math.round(envNumber('CRASH_SHIFTS', 10_000, { min: 1 }));
const workerCount = Math.round(envNumber('CRASH_WORKERS', 1_000, { min: 1 }));
const killsPerRound = Math.round(envNumber('CRASH_KILLS', 3, { min: 0 }));
const employerCount = Math.round(envNumber('CRASH_EMPLOYERS', 5, { min: 1 }));
const queryAfterMs = Math.round(envNumber('CRASH_QUERY_AFTER_MS', 5000, { min: 100 }));
const retryBaseMs = Math.round(envNumber('CRASH_RETRY_BASE_MS', 1000, { min: 100 }));
const stallTimeoutMs = envNumber('CRASH_STALL_TIMEOUT', 300, { min: 10 }) * 1000;
const drainTimeoutMs = envNumber('CRASH_DRAIN_TIMEOUT', 3600, { min: 10 }) * 1000;
const readyTimeoutMs = envNumber('BENCH_READY_TIMEOUT', 120, { min: 5 }) * 1000;
/** Self-test of the checks: corrupt each round's books after the drain; every check must fire. */
const tamper = process.env.CRASH_TAMPER === '1';
const seed = Math.round(envNumber('CRASH_SEED', Date.now() % 1_000_000_007, { min: 0 }));
const [killMinMs, killMaxMs] = (() => {
  const raw = process.env.CRASH_KILL_MS?.trim() || '200,3000';
  const parts = raw.split(',').map(Number);
  if (parts.length !== 2 || parts.some((n) => !Number.isFinite(n) || n < 0) || parts[0]! > parts[1]!)
    throw new Error(`CRASH_KILL_MS must be "low,high" in ms with low ≤ high, got "${raw}"`);
  return parts as [number, number];
})();

/** The simulator's faults: each one a way the settlement must survive. */
const RAIL_FAULTS = {
  'lost-answer-rate': '0.2',
  'duplicate-report-rate': '0.3',
  'missing-report-rate': '0.3',
  'unavailable-rate': '0.1',
  'settle-ms': '20,200',
};
const railScript = path.join(repoRoot, 'apps/server/src/platform/payout-rail/simulator-main.ts');
/** Workers per job (one shift per job): a job's workers are distinct, as the schema demands. */
const PER_JOB = Math.min(50, workerCount);
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

type Db = Kysely<Database>;

// ---------------------------------------------------------------------------------------------
// The rail (its own process) and the server

interface RailStats {
  paidOutFen: number;
  keys: number;
  executions: number;
}

interface Rail {
  url: string;
  child: Child;
  stats(): Promise<RailStats>;
  executions(key: string): Promise<number>;
}

async function startRail(): Promise<Rail> {
  const port = await freePort();
  const { child, baseUrl: url } = await startNodeServer({
    name: 'payout-rail simulator',
    args: [
      ...process.execArgv,
      railScript,
      '--port',
      String(port),
      '--seed',
      String(seed),
      ...Object.entries(RAIL_FAULTS).flatMap(([flag, value]) => [`--${flag}`, value]),
    ],
    port,
    readyPath: '/healthz',
    timeoutMs: 60_000,
    pollMs: 100,
  });
  return {
    url,
    child,
    stats: async () => (await getJson(`${url}/stats`)) as RailStats,
    executions: async (key) =>
      ((await getJson(`${url}/executions/${encodeURIComponent(key)}`)) as { executions: number }).executions,
  };
}

/** What the server logged at warn or above, by message (the server runs with LOG_LEVEL=warn). */
type LogTally = Map<string, number>;

function tallyLine(tally: LogTally, line: string): void {
  if (!line.startsWith('{')) return;
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
    if ((entry.level ?? 0) < 40) return;
    const key = `${entry.level! >= 50 ? 'error' : 'warn'}: ${entry.msg ?? ''}${entry.err?.message ? ` — ${entry.err.message.slice(0, 160)}` : ''}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  } catch {
    // not a log line
  }
}

/** The built server on a round's database, without the demo data; ready when /healthz answers. */
function startServer(databaseUrl: string, dataDir: string, env: Record<string, string>, tally: LogTally) {
  return startJiedao({
    dataDir,
    databaseUrl,
    demo: false,
    readyPath: '/healthz',
    pollMs: 20,
    env,
    timeoutMs: readyTimeoutMs,
    onLine: (line) => tallyLine(tally, line),
  });
}

// ---------------------------------------------------------------------------------------------
// Helpers

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index]!);
      }
    }),
  );
  return results;
}

// ---------------------------------------------------------------------------------------------
// Seeding: what hires and clock-outs would have left behind, money only through the ledger

interface Seeded {
  tenantId: string;
  refusingWorkers: Set<string>;
  earnedFen: number;
  heldFen: number;
  topUpFen: number;
}

async function seedRound(db: Db, cipher: PiiCipher, round: number, random: () => number): Promise<Seeded> {
  const now = new Date();
  const tenantId = newId();
  await db
    .insertInto('tenant')
    .values({
      id: tenantId,
      code: `crash${process.pid}r${round}`,
      name: `崩溃演练 ${round}`,
      nameEn: `Crash drill ${round}`,
      boundary: JSON.stringify({ type: 'Polygon', coordinates: [] }),
    })
    .execute();
  const { bank } = await db.transaction().execute((trx) => marketAccounts(trx, tenantId));

  // Workers: person, wallet, encrypted payout account, daily settlement.
  const workers = Array.from({ length: workerCount }, (_, i) => {
    const refusing = i % 100 === 0; // the rail refuses accounts ending in 0000
    const accountNo = `62220202${String(i).padStart(4, '0')}${refusing ? '0000' : String(1000 + Math.floor(random() * 9000))}`;
    return { id: newId(), personId: newId(), name: `工人${i + 1}`, accountNo, refusing, wallet: '' };
  });
  for (const part of chunks(workers, 2000)) {
    const wallets = await openAccounts(
      db,
      part.map((worker) => ({
        tenantId,
        code: `gig.worker.${worker.id}.wallet`,
        name: '零工钱包',
        kind: 'liability' as const,
        guarded: true,
      })),
    );
    part.forEach((worker, i) => (worker.wallet = wallets[i]!.id));
  }
  const person = (id: string, name: string) => ({
    tenantId,
    id,
    name,
    idNumberEnc: null,
    idNumberHash: null,
    phoneEnc: null,
    phoneHash: null,
    birthDate: null,
    sex: null,
    realNameStatus: 'verified' as const,
    verifiedAt: now,
    communityId: null,
  });
  for (const part of chunks(workers, 1000)) {
    await db
      .insertInto('person')
      .values(part.map((worker) => person(worker.personId, worker.name)))
      .execute();
    await db
      .insertInto('gigWorker')
      .values(
        part.map((worker) => ({
          tenantId,
          id: worker.id,
          personId: worker.personId,
          accountId: newId(),
          categories: ['moving'],
          homeLng: 120.12 + random() * 0.05,
          homeLat: 30.27 + random() * 0.05,
          currentLng: null,
          currentLat: null,
          radiusKm: 10,
          weekHours: [0xffffff, 0xffffff, 0xffffff, 0xffffff, 0xffffff, 0xffffff, 0xffffff],
          settlementCycle: 'daily' as const,
          payoutEnc: cipher.encrypt(
            JSON.stringify({ name: worker.name, accountNo: worker.accountNo }),
            PAYOUT_CONTEXT, // the context the server opens payout accounts under
          ),
          payoutLast4: worker.accountNo.slice(-4),
          walletAccountId: worker.wallet,
          registeredVia: 'desk' as const,
        })),
      )
      .execute();
  }

  // Employers: person, funds and guarantee accounts, a site each.
  const employers = Array.from({ length: employerCount }, (_, i) => ({
    id: newId(),
    personId: newId(),
    accountId: newId(),
    siteId: newId(),
    name: `演练用工单位${i + 1}`,
    funds: '',
    guarantee: '',
    held: 0,
  }));
  for (const employer of employers) {
    const [funds, guarantee] = await openAccounts(db, [
      {
        tenantId,
        code: `gig.employer.${employer.id}.funds`,
        name: '用工方账户',
        kind: 'liability',
        guarded: true,
      },
      {
        tenantId,
        code: `gig.employer.${employer.id}.guarantee`,
        name: '工资保证金',
        kind: 'liability',
        guarded: true,
      },
    ]);
    employer.funds = funds!.id;
    employer.guarantee = guarantee!.id;
  }
  await db
    .insertInto('person')
    .values(employers.map((employer) => person(employer.personId, `${employer.name}负责人`)))
    .execute();
  await db
    .insertInto('gigEmployer')
    .values(
      employers.map((employer, i) => ({
        tenantId,
        id: employer.id,
        kind: 'business' as const,
        name: employer.name,
        uscc: `91330106CRASH${String(round).padStart(2, '0')}${String(i).padStart(3, '0')}`.slice(0, 18),
        personId: employer.personId,
        accountId: employer.accountId,
        fundsAccountId: employer.funds,
        guaranteeAccountId: employer.guarantee,
      })),
    )
    .execute();
  await db
    .insertInto('gigSite')
    .values(
      employers.map((employer, i) => ({
        tenantId,
        id: employer.siteId,
        employerId: employer.id,
        name: `演练仓库${i + 1}`,
        address: `古荡街道演练路${i + 1}号`,
        lng: 120.13 + i * 0.001,
        lat: 30.28,
      })),
    )
    .execute();

  // Jobs of yesterday, one shift each, PER_JOB workers each; one assignment per worker and shift.
  const jobs: Array<{
    id: string;
    shiftId: string;
    employer: (typeof employers)[number];
    wageFen: number;
    startsAt: Date;
    endsAt: Date;
    count: number;
  }> = [];
  const assignments: Array<{
    id: string;
    applicationId: string;
    job: (typeof jobs)[number];
    worker: (typeof workers)[number];
    holdFen: number;
    earnedFen: number;
    dueAt: Date;
  }> = [];
  for (let i = 0; i < shiftCount; i++) {
    const jobIndex = Math.floor(i / PER_JOB);
    if (jobIndex === jobs.length) {
      const startsAt = new Date(now.getTime() - 34 * HOUR_MS + (jobIndex % 6) * 30 * 60_000);
      jobs.push({
        id: newId(),
        shiftId: newId(),
        employer: employers[jobIndex % employers.length]!,
        wageFen: 12_000 + Math.floor(random() * 151) * 100, // a day's wage, 120–270 yuan
        startsAt,
        endsAt: new Date(startsAt.getTime() + 9 * HOUR_MS),
        count: 0,
      });
    }
    const job = jobs[jobIndex]!;
    job.count += 1;
    const holdFen = job.wageFen;
    // Half worked the whole shift; the others left early and earned part of the hold.
    const earnedFen = random() < 0.5 ? holdFen : Math.max(1, Math.floor(holdFen * (0.3 + 0.7 * random())));
    const applicationId = newId();
    assignments.push({
      id: derivedId(`${tenantId}:gig.assignment:${applicationId}:${job.shiftId}`),
      applicationId,
      job,
      worker: workers[i % workers.length]!,
      holdFen,
      earnedFen,
      dueAt: new Date(now.getTime() - HOUR_MS - Math.floor(random() * 4 * HOUR_MS)),
    });
    job.employer.held += holdFen;
  }
  await db
    .insertInto('gigJob')
    .values(
      jobs.map((job, j) => ({
        tenantId,
        id: job.id,
        employerId: job.employer.id,
        siteId: job.employer.siteId,
        title: `仓库搬运 ${j + 1}`,
        category: 'moving',
        headcount: job.count,
        wageKind: 'day' as const,
        wageFen: job.wageFen,
        expectedPieces: null,
        settlementCycle: 'daily' as const,
        status: 'filled' as const,
        postedBy: job.employer.accountId,
        postedVia: 'employer' as const,
        hiredCount: job.count,
        openedAt: new Date(job.startsAt.getTime() - DAY_MS),
        filledAt: new Date(job.startsAt.getTime() - DAY_MS + HOUR_MS),
      })),
    )
    .execute();
  await db
    .insertInto('gigShift')
    .values(
      jobs.map((job) => ({
        tenantId,
        id: job.shiftId,
        jobId: job.id,
        startsAt: job.startsAt,
        endsAt: job.endsAt,
        breakMinutes: 60,
      })),
    )
    .execute();
  for (const part of chunks(assignments, 1000))
    await db
      .insertInto('gigApplication')
      .values(
        part.map((a) => ({
          tenantId,
          id: a.applicationId,
          jobId: a.job.id,
          workerId: a.worker.id,
          origin: 'apply' as const,
          state: 'hired' as const,
          note: null,
          terms: null,
          contractHash: null,
          offeredAt: new Date(a.job.startsAt.getTime() - DAY_MS + 10 * 60_000),
          workerConfirmedAt: new Date(a.job.startsAt.getTime() - DAY_MS + 20 * 60_000),
          employerConfirmedAt: new Date(a.job.startsAt.getTime() - DAY_MS + 30 * 60_000),
        })),
      )
      .execute();

  // Money: each employer topped up from the bank (the holds plus a margin), then each shift's wage
  // held from the employer's funds for the worker's wallet, under the id a hire derives.
  let topUpFen = 0;
  const topUps: LedgerRequest[] = employers.map((employer) => {
    const amount = employer.held + 100_000;
    topUpFen += amount;
    return {
      type: 'transfer',
      id: derivedId(`${tenantId}:gig.topup:${employer.id}:crash-drill`),
      debitAccountId: bank.id,
      creditAccountId: employer.funds,
      amount,
      code: 'gig.topup',
      reference: employer.id,
      memo: '银行充值',
    };
  });
  const holds: LedgerRequest[] = assignments.map((a) => ({
    type: 'transfer',
    id: derivedId(`${tenantId}:gig.hold:${a.applicationId}:${a.job.shiftId}`),
    debitAccountId: a.job.employer.funds,
    creditAccountId: a.worker.wallet,
    amount: a.holdFen,
    code: 'gig.wage_hold',
    reference: a.applicationId,
    memo: `仓库搬运 ${a.job.startsAt.toISOString()}`,
    pendingTimeoutMs: a.job.endsAt.getTime() + 30 * DAY_MS - now.getTime(),
  }));
  for (const part of [topUps, ...chunks(holds, 1000)]) {
    const results = await db.transaction().execute((trx) => applyTransfers(trx, tenantId, part, now));
    const refused = results.find((result) => result.status !== 'created');
    if (refused) throw new Error(`seeding: the ledger answered ${JSON.stringify(refused)}`);
  }
  for (const part of chunks(assignments, 1000))
    await db
      .insertInto('gigAssignment')
      .values(
        part.map((a) => {
          const workedMinutes = Math.round((480 * a.earnedFen) / a.holdFen);
          return {
            tenantId,
            id: a.id,
            applicationId: a.applicationId,
            jobId: a.job.id,
            shiftId: a.job.shiftId,
            workerId: a.worker.id,
            employerId: a.job.employer.id,
            holdTransferId: derivedId(`${tenantId}:gig.hold:${a.applicationId}:${a.job.shiftId}`),
            holdFen: a.holdFen,
            state: 'awaiting_confirmation' as const,
            clockInAt: a.job.startsAt,
            clockInDistanceM: 20,
            clockOutAt: new Date(a.job.startsAt.getTime() + (workedMinutes + 60) * 60_000),
            clockOutDistanceM: 25,
            earlyLeaveMinutes: Math.max(0, 480 - workedMinutes),
            pieces: null,
            workedMinutes,
            earnedFen: a.earnedFen,
            confirmDueAt: a.dueAt,
            confirmedAt: null,
            confirmedBy: null,
            paidFen: null,
            cancelledBy: null,
          };
        }),
      )
      .execute();
  await sql`analyze`.execute(db);
  return {
    tenantId,
    refusingWorkers: new Set(workers.filter((worker) => worker.refusing).map((worker) => worker.id)),
    earnedFen: assignments.reduce((sum, a) => sum + a.earnedFen, 0),
    heldFen: assignments.reduce((sum, a) => sum + a.holdFen, 0),
    topUpFen,
  };
}

// ---------------------------------------------------------------------------------------------
// Watching the work

interface Progress {
  paidShifts: number;
  awaiting: number;
  requested: number;
  submitted: number;
  paid: number;
  refused: number;
  /** Workers with money available and no payout for the current period yet. */
  unsettled: number;
}

async function readProgress(db: Db, tenantId: string): Promise<Progress> {
  const period = settlementPeriod('daily', new Date());
  const { rows } = await sql<Progress>`select
      (select count(*) from gig_assignment where tenant_id = ${tenantId} and state = 'paid')::int as paid_shifts,
      (select count(*) from gig_assignment where tenant_id = ${tenantId} and state = 'awaiting_confirmation')::int as awaiting,
      (select count(*) from payout where tenant_id = ${tenantId} and state = 'requested')::int as requested,
      (select count(*) from payout where tenant_id = ${tenantId} and state = 'submitted')::int as submitted,
      (select count(*) from payout where tenant_id = ${tenantId} and state = 'paid')::int as paid,
      (select count(*) from payout where tenant_id = ${tenantId} and state = 'refused')::int as refused,
      (select count(*) from gig_worker w join ledger_account l on l.tenant_id = w.tenant_id and l.id = w.wallet_account_id
        where w.tenant_id = ${tenantId} and l.credits_posted - l.debits_posted - l.debits_pending > 0
          and not exists (select 1 from payout p where p.tenant_id = w.tenant_id
            and p.source_account_id = w.wallet_account_id and p.period_key = ${period}))::int as unsettled`.execute(
    db,
  );
  return rows[0]!;
}

const isDone = (p: Progress) =>
  p.paidShifts === shiftCount &&
  p.awaiting === 0 &&
  p.requested === 0 &&
  p.submitted === 0 &&
  p.unsettled === 0;

function describe(p: Progress): string {
  return `${fmt(p.paidShifts)}/${fmt(shiftCount)} shifts paid; payouts ${fmt(p.requested)} requested · ${fmt(p.submitted)} submitted · ${fmt(p.paid)} paid · ${fmt(p.refused)} refused${p.unsettled > 0 ? `; ${fmt(p.unsettled)} wallets not settled yet` : ''}`;
}

/** The server's transactions open right now (its connections busy or inside a transaction). */
async function openServerTransactions(db: Db, dbName: string): Promise<number> {
  const { rows } = await sql<{ open: number }>`select count(*)::int as open from pg_stat_activity
    where datname = ${dbName} and pid <> pg_backend_pid() and backend_type = 'client backend'
      and (state = 'active' or state like 'idle in transaction%')`.execute(db);
  return rows[0]!.open;
}

// ---------------------------------------------------------------------------------------------
// Checks

interface Ledger {
  earnedFen: number;
  paidOutFen: number;
  walletsFen: number;
  paidCount: number;
  refusedCount: number;
  railExecutions: number;
}

async function checkRound(
  db: Db,
  seeded: Seeded,
  rail: Rail,
  railBefore: RailStats,
  finding: (message: string) => void,
): Promise<Ledger> {
  const { tenantId } = seeded;

  // Every shift paid exactly its earned wage, in the assignment and in the hold's posting.
  const shifts = (
    await sql<{ total: number; notPaid: number; wrongPaid: number; wrongHold: number; earned: number }>`
      select count(*)::int as total,
        count(*) filter (where a.state <> 'paid')::int as not_paid,
        count(*) filter (where a.paid_fen is distinct from a.earned_fen)::int as wrong_paid,
        count(*) filter (where t.state is distinct from 'posted' or t.posted_amount is distinct from a.earned_fen)::int as wrong_hold,
        coalesce(sum(a.earned_fen), 0)::int8 as earned
      from gig_assignment a left join ledger_transfer t on t.tenant_id = a.tenant_id and t.id = a.hold_transfer_id
      where a.tenant_id = ${tenantId}`.execute(db)
  ).rows[0]!;
  if (shifts.total !== shiftCount) finding(`${fmt(shifts.total)} assignments, ${fmt(shiftCount)} seeded`);
  if (shifts.notPaid > 0) finding(`${fmt(shifts.notPaid)} shifts not paid`);
  if (shifts.wrongPaid > 0) finding(`${fmt(shifts.wrongPaid)} shifts with paid_fen ≠ earned_fen`);
  if (shifts.wrongHold > 0)
    finding(`${fmt(shifts.wrongHold)} holds not posted, or posted for another amount than earned`);
  if (shifts.earned !== seeded.earnedFen)
    finding(`earned wages sum to ${fmt(shifts.earned)} fen, ${fmt(seeded.earnedFen)} seeded`);

  // Per worker: wallet + paid payouts = wages earned; nothing held on the wallet.
  const wallets = (
    await sql<{
      id: string;
      wallet: number;
      pending: number;
      paidOut: number;
      inFlight: number;
      earned: number;
      refusedCount: number;
      paidCount: number;
      badRefusals: number;
    }>`select w.id, (l.credits_posted - l.debits_posted)::int8 as wallet,
        (l.debits_pending + l.credits_pending)::int8 as pending,
        coalesce((select sum(p.amount) from payout p where p.tenant_id = w.tenant_id
          and p.source_account_id = w.wallet_account_id and p.state = 'paid'), 0)::int8 as paid_out,
        coalesce((select sum(p.amount) from payout p where p.tenant_id = w.tenant_id
          and p.source_account_id = w.wallet_account_id and p.state in ('requested', 'submitted')), 0)::int8 as in_flight,
        coalesce((select sum(a.earned_fen) from gig_assignment a where a.tenant_id = w.tenant_id
          and a.worker_id = w.id), 0)::int8 as earned,
        (select count(*) from payout p where p.tenant_id = w.tenant_id
          and p.source_account_id = w.wallet_account_id and p.state = 'refused')::int as refused_count,
        (select count(*) from payout p where p.tenant_id = w.tenant_id
          and p.source_account_id = w.wallet_account_id and p.state = 'paid')::int as paid_count,
        (select count(*) from payout p where p.tenant_id = w.tenant_id
          and p.source_account_id = w.wallet_account_id and p.state = 'refused'
          and p.refusal is distinct from 'invalid_account')::int as bad_refusals
      from gig_worker w join ledger_account l on l.tenant_id = w.tenant_id and l.id = w.wallet_account_id
      where w.tenant_id = ${tenantId}`.execute(db)
  ).rows;
  const off = wallets.filter((w) => w.wallet + w.paidOut + w.inFlight !== w.earned);
  if (off.length > 0)
    finding(
      `${fmt(off.length)} workers whose wallet + payouts ≠ wages earned, e.g. ${off
        .slice(0, 3)
        .map(
          (w) =>
            `${w.id}: wallet ${w.wallet} + paid out ${w.paidOut} + in flight ${w.inFlight} vs earned ${w.earned}`,
        )
        .join('; ')}`,
    );
  const held = wallets.filter((w) => w.pending !== 0);
  if (held.length > 0) finding(`${fmt(held.length)} wallets with money still held`);
  const negative = wallets.filter((w) => w.wallet < 0);
  if (negative.length > 0) finding(`${fmt(negative.length)} wallets below zero`);
  const refusedAtGood = wallets.filter((w) => !seeded.refusingWorkers.has(w.id) && w.refusedCount > 0);
  if (refusedAtGood.length > 0)
    finding(`${fmt(refusedAtGood.length)} workers with a valid account had a payout refused`);
  const paidAtBad = wallets.filter((w) => seeded.refusingWorkers.has(w.id) && w.paidCount > 0);
  if (paidAtBad.length > 0)
    finding(`${fmt(paidAtBad.length)} workers with an account the rail refuses were paid out`);
  const badReasons = wallets.reduce((sum, w) => sum + w.badRefusals, 0);
  if (badReasons > 0) finding(`${fmt(badReasons)} payouts refused for another reason than invalid_account`);

  // The rail: each key executed at most once — paid ones once, refused ones never — and its
  // paid-out total grew by exactly this round's paid payouts.
  const payouts = (
    await sql<{ id: string; state: string; amount: number }>`
      select id, state, amount from payout where tenant_id = ${tenantId}`.execute(db)
  ).rows;
  const open = payouts.filter((p) => p.state === 'requested' || p.state === 'submitted');
  if (open.length > 0) finding(`${fmt(open.length)} payouts left open (requested or submitted)`);
  const executions = await mapLimit(payouts, 16, (p) => rail.executions(p.id));
  let railExecutions = 0;
  const twice: string[] = [];
  const wrong: string[] = [];
  payouts.forEach((p, i) => {
    const count = executions[i]!;
    railExecutions += count;
    if (count > 1) twice.push(`${p.id} ×${count}`);
    else if ((p.state === 'paid' && count !== 1) || (p.state === 'refused' && count !== 0))
      wrong.push(`${p.id} ${p.state} but executed ${count}×`);
  });
  if (twice.length > 0)
    finding(`${twice.length} payouts executed more than once: ${twice.slice(0, 5).join(', ')}`);
  if (wrong.length > 0)
    finding(`${wrong.length} payouts whose state disagrees with the rail: ${wrong.slice(0, 5).join(', ')}`);
  const paid = payouts.filter((p) => p.state === 'paid');
  const paidOutFen = paid.reduce((sum, p) => sum + p.amount, 0);
  const railAfter = await rail.stats();
  if (railAfter.paidOutFen - railBefore.paidOutFen !== paidOutFen)
    finding(
      `the rail paid out ${fmt(railAfter.paidOutFen - railBefore.paidOutFen)} fen this round, the paid payouts sum to ${fmt(paidOutFen)}`,
    );
  if (railAfter.executions - railBefore.executions !== paid.length)
    finding(
      `the rail executed ${fmt(railAfter.executions - railBefore.executions)} payouts this round, ${fmt(paid.length)} are paid`,
    );

  // The books whole, with the gig market's own checks.
  const report = await reconcileLedger(db, tenantId, GIG_RECONCILE_CHECKS);
  for (const check of report.checks)
    if (!check.ok)
      finding(
        `reconcile ${check.name}: ${check.detail} ${JSON.stringify(check.problems.slice(0, 3))}`.slice(
          0,
          600,
        ),
      );

  // Employers: funds = top-ups − wages paid, never negative, nothing held.
  const employers = (
    await sql<{ id: string; balance: number; pending: number; topUp: number; earned: number }>`
      select e.id, (f.credits_posted - f.debits_posted)::int8 as balance,
        (f.debits_pending + f.credits_pending)::int8 as pending,
        coalesce((select sum(t.amount) from ledger_transfer t where t.tenant_id = e.tenant_id
          and t.credit_account_id = e.funds_account_id and t.code = 'gig.topup'), 0)::int8 as top_up,
        coalesce((select sum(a.earned_fen) from gig_assignment a where a.tenant_id = e.tenant_id
          and a.employer_id = e.id), 0)::int8 as earned
      from gig_employer e join ledger_account f on f.tenant_id = e.tenant_id and f.id = e.funds_account_id
      where e.tenant_id = ${tenantId}`.execute(db)
  ).rows;
  for (const e of employers) {
    if (e.balance < 0) finding(`employer ${e.id}: funds negative (${e.balance} fen)`);
    if (e.pending !== 0) finding(`employer ${e.id}: ${e.pending} fen still held`);
    if (e.balance !== e.topUp - e.earned)
      finding(`employer ${e.id}: funds ${e.balance} fen ≠ top-ups ${e.topUp} − wages ${e.earned}`);
  }

  // Nothing held anywhere; the bank and clearing accounts agree with what went out.
  const pending = (
    await sql<{ count: number }>`select count(*)::int as count from ledger_transfer
      where tenant_id = ${tenantId} and state = 'pending'`.execute(db)
  ).rows[0]!.count;
  if (pending > 0) finding(`${fmt(pending)} ledger transfers still pending (money held)`);
  const market = (
    await sql<{
      code: string;
      balance: number;
    }>`select code, (debits_posted - credits_posted)::int8 as balance
      from ledger_account where tenant_id = ${tenantId} and code in ('gig.bank', 'gig.payout_clearing')`.execute(
      db,
    )
  ).rows;
  const bankBalance = market.find((row) => row.code === 'gig.bank')?.balance ?? 0;
  const clearingBalance = market.find((row) => row.code === 'gig.payout_clearing')?.balance ?? 0;
  if (bankBalance !== seeded.topUpFen - paidOutFen)
    finding(`bank ${fmt(bankBalance)} fen ≠ top-ups ${fmt(seeded.topUpFen)} − paid out ${fmt(paidOutFen)}`);
  if (clearingBalance !== 0) finding(`payout clearing holds ${fmt(-clearingBalance)} fen after the drain`);

  const walletsFen = wallets.reduce((sum, w) => sum + w.wallet, 0);
  if (walletsFen + paidOutFen !== shifts.earned)
    finding(
      `money in ≠ out: earned ${fmt(shifts.earned)} fen, paid out ${fmt(paidOutFen)} + in wallets ${fmt(walletsFen)}`,
    );
  return {
    earnedFen: shifts.earned,
    paidOutFen,
    walletsFen,
    paidCount: paid.length,
    refusedCount: payouts.filter((p) => p.state === 'refused').length,
    railExecutions,
  };
}

/**
 * CRASH_TAMPER=1: what the drill must catch, done behind the ledger's back — a fen from nowhere in a
 * wallet, a shift marked paid one fen more than its hold posted, a paid payout marked refused.
 */
async function tamperWith(db: Db, tenantId: string, label: string): Promise<void> {
  await sql`update ledger_account set credits_posted = credits_posted + 1
    where id = (select wallet_account_id from gig_worker where tenant_id = ${tenantId} order by id limit 1)`.execute(
    db,
  );
  await sql`update gig_assignment set paid_fen = paid_fen + 1
    where id = (select id from gig_assignment where tenant_id = ${tenantId} order by id limit 1)`.execute(db);
  await sql`update payout set state = 'refused', refusal = 'invalid_account'
    where id = (select id from payout where tenant_id = ${tenantId} and state = 'paid' order by id limit 1)`.execute(
    db,
  );
  log(`${label} CRASH_TAMPER: one wallet +1 fen, one shift's paid_fen +1, one paid payout marked refused`);
}

// ---------------------------------------------------------------------------------------------
// A round

interface RoundResult extends Ledger {
  round: number;
  kills: number;
  killsMidWork: number;
  killsInTransaction: number;
  findings: string[];
  wallMs: number;
  seedMs: number;
  drainMs: number;
  keptDatabase: string | undefined;
}

async function runRound(
  round: number,
  rail: Rail,
  cipher: PiiCipher,
  serverEnv: Record<string, string>,
  dataDir: string,
): Promise<RoundResult> {
  const started = nowMs();
  const label = `[round ${round}/${rounds}]`;
  const random = createRng(seed * 1000 + round);
  const findings: string[] = [];
  const finding = (message: string) => {
    findings.push(message);
    log(`${label} FINDING: ${message}`);
  };
  const dbName = `jiedao_crash_${process.pid}_${round}`;
  // Dropped at cleanup unless the round has a finding (`keep()`).
  const { url, keep } = await createKeepableDatabase(dbName);
  const database = await openDatabase({ databaseUrl: url, dataDir: os.tmpdir(), poolSize: 4 });
  const unregisterClose = onCleanup(() => database.close());
  const db = database.db;
  const tally: LogTally = new Map();
  let server: ServerHandle | undefined;
  try {
    await migrateToLatest(db);
    const seeded = await seedRound(db, cipher, round, random);
    const seedMs = nowMs() - started;
    log(
      `${label} seeded ${fmt(workerCount)} workers (${seeded.refusingWorkers.size} with an account the rail refuses), ${employerCount} employers, ${fmt(shiftCount)} shifts awaiting confirmation: ${fmt(seeded.earnedFen)} fen earned of ${fmt(seeded.heldFen)} held (${fmtDuration(seedMs)})`,
    );
    const railBefore = await rail.stats();

    let killsMidWork = 0;
    let killsInTransaction = 0;
    let before = await readProgress(db, seeded.tenantId);
    for (let kill = 1; kill <= killsPerRound; kill++) {
      server = await startServer(url, dataDir, serverEnv, tally);
      const delayMs = killMinMs + random() * (killMaxMs - killMinMs);
      await sleep(delayMs);
      if (server.child.exited()) finding(`the server exited by itself before kill ${kill}`);
      const openTransactions = await openServerTransactions(db, dbName);
      killGroupNow(server.child.process, 'SIGKILL'); // the server leads its own process group
      await server.child.exit;
      server = undefined;
      const after = await readProgress(db, seeded.tenantId);
      // Mid-work: a transaction cut off, payouts on their way, or shifts being confirmed (some
      // confirmed in this life, some still waiting) — not a kill before the sweeps got going.
      const midWork =
        openTransactions > 0 ||
        after.requested + after.submitted > 0 ||
        (after.awaiting > 0 && after.paidShifts > before.paidShifts);
      before = after;
      if (midWork) killsMidWork += 1;
      if (openTransactions > 0) killsInTransaction += 1;
      log(
        `${label} kill ${kill}/${killsPerRound} ${fmtDuration(delayMs)} after /healthz: ${describe(after)}; ${openTransactions} server transaction(s) open${midWork ? '' : ' — nothing in flight'}`,
      );
    }

    // The last start: run until everything is paid or refused, then a graceful stop. Should the
    // settlement period turn over meanwhile (local midnight), a stop may leave a new payout open:
    // then start again.
    const drainStarted = nowMs();
    let progress = await readProgress(db, seeded.tenantId);
    let timedOut = false;
    for (let attempt = 0; attempt < 3 && !isDone(progress) && !timedOut; attempt++) {
      server = await startServer(url, dataDir, serverEnv, tally);
      let nextNotice = nowMs() + 10_000;
      let movedAt = nowMs();
      for (;;) {
        await sleep(500);
        const previous = progress;
        progress = await readProgress(db, seeded.tenantId);
        if (isDone(progress)) break;
        if (JSON.stringify(previous) !== JSON.stringify(progress)) movedAt = nowMs();
        if (nowMs() - movedAt > stallTimeoutMs) {
          timedOut = true;
          finding(`stuck: nothing moved for ${fmtDuration(stallTimeoutMs)}: ${describe(progress)}`);
          break;
        }
        if (server.child.exited()) {
          finding(`the server exited by itself during the drain:\n${server.child.output().slice(-2000)}`);
          server = await startServer(url, dataDir, serverEnv, tally);
        }
        if (nowMs() - drainStarted > drainTimeoutMs) {
          timedOut = true;
          finding(
            `not finished ${fmtDuration(drainTimeoutMs)} after the last restart: ${describe(progress)}`,
          );
          break;
        }
        if (nowMs() >= nextNotice) {
          log(`${label} draining (${fmtDuration(nowMs() - drainStarted)}): ${describe(progress)}`);
          nextNotice += 10_000;
        }
      }
      await stopChild(server.child, 20_000);
      server = undefined;
      progress = await readProgress(db, seeded.tenantId);
    }
    const drainMs = nowMs() - drainStarted;

    if (tamper) await tamperWith(db, seeded.tenantId, label);
    const ledger = await checkRound(db, seeded, rail, railBefore, finding);
    const wallMs = nowMs() - started;
    if (tally.size > 0)
      log(
        `${label} server log (warn and above): ${[...tally]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 6)
          .map(([message, count]) => `${count}× ${message}`)
          .join(' | ')}`,
      );
    log(
      `${label} ${findings.length === 0 ? 'OK' : `${findings.length} FINDING(S)`} in ${fmtDuration(wallMs)} (drain ${fmtDuration(drainMs)}): ${fmt(ledger.earnedFen)} fen earned = ${fmt(ledger.paidOutFen)} paid out (${fmt(ledger.paidCount)} payouts) + ${fmt(ledger.walletsFen)} in wallets; ${fmt(ledger.refusedCount)} refused; rail executions ${fmt(ledger.railExecutions)}; kills mid-work ${killsMidWork}/${killsPerRound}`,
    );
    return {
      round,
      kills: killsPerRound,
      killsMidWork,
      killsInTransaction,
      findings,
      wallMs,
      seedMs,
      drainMs,
      keptDatabase: findings.length > 0 ? dbName : undefined,
      ...ledger,
    };
  } finally {
    if (server) await stopChild(server.child, 5000);
    unregisterClose();
    await database.close();
    if (findings.length > 0) {
      keep();
      log(`${label} database ${dbName} kept for inspection (${url})`);
    }
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  await ensureServerBuilt();
  if (!(await postgresReachable()))
    throw new Error(`PostgreSQL is not reachable at ${pgAdminUrl} (BENCH_PG_ADMIN_URL)`);
  const started = nowMs();
  log(
    `gig crash drill: ${rounds} rounds × ${fmt(shiftCount)} shifts, ${fmt(workerCount)} workers, ${killsPerRound} SIGKILLs per round ${fmt(killMinMs)}–${fmt(killMaxMs)} ms after /healthz; seed ${seed}`,
  );
  const rail = await startRail();
  log(
    `payout-rail simulator at ${rail.url} (${Object.entries(RAIL_FAULTS)
      .map(([flag, value]) => `${flag} ${value}`)
      .join(', ')})`,
  );
  const dataKey = randomBytes(32).toString('hex');
  const cipher = new PiiCipher(parseDataKey(dataKey));
  const serverEnv = {
    JIEDAO_DATA_KEY: dataKey,
    JIEDAO_SWEEP_INTERVAL_MS: '100',
    JIEDAO_PAYOUT_QUERY_AFTER_MS: String(queryAfterMs),
    JIEDAO_PAYOUT_RETRY_BASE_MS: String(retryBaseMs),
    JIEDAO_PAYOUT_RAIL_URL: rail.url,
    LOG_LEVEL: 'warn',
  };
  const dataDir = tempDir('jiedao-crash-');

  const results: RoundResult[] = [];
  for (let round = 1; round <= rounds; round++) {
    results.push(await runRound(round, rail, cipher, serverEnv, dataDir));
    if (rail.child.exited())
      throw new Error(`the rail simulator exited:\n${rail.child.output().slice(-2000)}`);
  }
  await stopChild(rail.child, 5000);
  const wallMs = nowMs() - started;

  const sum = (pick: (r: RoundResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  const findings = results.flatMap((r) => r.findings.map((message) => `round ${r.round}: ${message}`));
  const row = (name: string, rs: RoundResult[], ms: number) => [
    name,
    fmt(rs.length * shiftCount),
    fmt(rs.reduce((t, r) => t + r.kills, 0)),
    fmt(rs.reduce((t, r) => t + r.killsMidWork, 0)),
    fmt(rs.reduce((t, r) => t + r.killsInTransaction, 0)),
    fmt(rs.reduce((t, r) => t + r.paidCount, 0)),
    fmt(rs.reduce((t, r) => t + r.refusedCount, 0)),
    fmt(rs.reduce((t, r) => t + r.railExecutions, 0)),
    fmt(rs.reduce((t, r) => t + r.earnedFen, 0)),
    fmt(rs.reduce((t, r) => t + r.paidOutFen, 0)),
    fmt(rs.reduce((t, r) => t + r.walletsFen, 0)),
    fmt(rs.reduce((t, r) => t + r.findings.length, 0)),
    fmtDuration(ms),
  ];
  log('');
  printTable(
    [
      'round',
      'shifts',
      'kills',
      'mid-work',
      'in a txn',
      'payouts paid',
      'refused',
      'rail executions',
      'earned (fen)',
      'paid out (fen)',
      'in wallets (fen)',
      'findings',
      'wall time',
    ],
    [...results.map((r) => row(String(r.round), [r], r.wallMs)), row('all', results, wallMs)],
    ['left', ...Array<'right'>(12).fill('right')],
  );
  log(
    `\nmoney in (wages earned) ${fmt(sum((r) => r.earnedFen))} fen = out ${fmt(sum((r) => r.paidOutFen))} paid out + ${fmt(sum((r) => r.walletsFen))} left in wallets; ` +
      `kills that landed mid-work ${sum((r) => r.killsMidWork)}/${sum((r) => r.kills)} (${sum((r) => r.killsInTransaction)} with a server transaction open); ` +
      `median drain ${fmtDuration([...results.map((r) => r.drainMs)].sort((a, b) => a - b)[Math.floor(results.length / 2)]!)}`,
  );
  if (findings.length === 0) log('findings: none — no money lost or doubled');
  else {
    log(`findings (${findings.length}):`);
    for (const message of findings) log(`  - ${message}`);
    for (const r of results) if (r.keptDatabase) log(`  database kept: ${r.keptDatabase}`);
  }
  emitJson(
    'gig-crash',
    {
      seed,
      rounds,
      shifts: shiftCount,
      workers: workerCount,
      killsPerRound,
      killWindowMs: [killMinMs, killMaxMs],
      railFaults: RAIL_FAULTS,
      kills: sum((r) => r.kills),
      killsMidWork: sum((r) => r.killsMidWork),
      killsInTransaction: sum((r) => r.killsInTransaction),
      payoutsPaid: sum((r) => r.paidCount),
      payoutsRefused: sum((r) => r.refusedCount),
      railExecutions: sum((r) => r.railExecutions),
      earnedFen: sum((r) => r.earnedFen),
      paidOutFen: sum((r) => r.paidOutFen),
      walletsFen: sum((r) => r.walletsFen),
      findings: findings.length,
      wallMs: Math.round(wallMs),
      roundMs: results.map((r) => Math.round(r.wallMs)),
    },
    { roundLoadAverage: true },
  );
  if (findings.length > 0)
    throw new Error(`${findings.length} finding(s): money lost, doubled or stuck (above)`);
}

// A round: seeding, the kills with their restarts, a drain of a few minutes at most, the checks.
const estimateMinutes = rounds * (5 + (shiftCount / 10_000) * 30) + 10;
runMain(main, { maxMinutes: envNumber('BENCH_MAX_MINUTES', Math.ceil(estimateMinutes), { min: 1 }) });

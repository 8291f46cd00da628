import type {
  GigKpis,
  GigPayout,
  Payslip,
  ReconcileStatus,
  SettlementRunResult,
  Wallet,
} from '@jiedao/contracts';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Actor } from '../../platform/auth/actor.js';
import type { Database } from '../../platform/database/schema.js';
import type { PayoutTable } from '../../platform/database/platform.tables.js';
import { pageWindow } from '../../platform/http/paging.js';
import {
  availableBalance,
  listAccountEntries,
  findAccount,
  reconcileLedger,
  type ExtraCheck,
} from '../../platform/ledger/index.js';
import { localDate, localMidnight } from '../../platform/local-date.js';
import { payoutClearingCheck, requestPayout } from '../../platform/payouts/index.js';
import { maskName } from '../../platform/privacy/index.js';
import { assertOperator, marketAccounts, workerOf, type Gig } from './gig.js';
import type { SettlementCycle } from './gig.tables.js';
import { assignmentsWithShift } from './gig.repository.js';
import { openPayout } from './profiles.service.js';
import { iso, isoOrNull, maskedAccount } from './views.js';

const DAY_MS = 24 * 3600_000;

/** The ISO week (`2026-W48`) of a local calendar date `YYYY-MM-DD`. */
export function isoWeek(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  const weekday = (day.getUTCDay() + 6) % 7; // Monday 0
  day.setUTCDate(day.getUTCDate() - weekday + 3); // the week's Thursday decides its year
  const year = day.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  firstThursday.setUTCDate(firstThursday.getUTCDate() - ((firstThursday.getUTCDay() + 6) % 7) + 3);
  const week = 1 + Math.round((day.getTime() - firstThursday.getTime()) / (7 * DAY_MS));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/**
 * The settlement period a run at `now` pays for: the last one that has ended (Asia/Shanghai) —
 * yesterday for 日结, last week for 周结, last month for 月结. A wallet is paid out at most once per
 * period, so running settlement again (a sweep every minute, a retry, a restart) pays nothing twice.
 */
export function settlementPeriod(cycle: SettlementCycle, now: Date): string {
  const today = localDate(now);
  if (cycle === 'daily') return localDate(new Date(localMidnight(today).getTime() - DAY_MS / 2));
  if (cycle === 'weekly')
    return isoWeek(localDate(new Date(localMidnight(today).getTime() - 7 * DAY_MS + DAY_MS / 2)));
  const firstOfMonth = `${today.slice(0, 7)}-01`;
  return localDate(new Date(localMidnight(firstOfMonth).getTime() - DAY_MS / 2)).slice(0, 7);
}

/**
 * Pays wallets out: for each worker with money available and a payout account, one payout for the
 * period their cycle last closed. Each worker's request is its own small transaction.
 */
export async function runSettlement(
  g: Gig,
  tenantId: string | undefined,
  limit = 1000,
): Promise<SettlementRunResult> {
  const now = g.now();
  const periodOf: Record<SettlementCycle, string> = {
    daily: settlementPeriod('daily', now),
    weekly: settlementPeriod('weekly', now),
    monthly: settlementPeriod('monthly', now),
  };
  const owed = g.ctx.db
    .selectFrom('gigWorker as w')
    .innerJoin('ledgerAccount as l', (join) =>
      join.onRef('l.tenantId', '=', 'w.tenantId').onRef('l.id', '=', 'w.walletAccountId'),
    )
    .$if(tenantId !== undefined, (q) => q.where('w.tenantId', '=', tenantId!))
    // Money posted and not held going out: what the wallet can pay.
    .where(sql<boolean>`l.credits_posted - l.debits_posted - l.debits_pending > 0`);
  // Only wallets without this period's payout: those paid already (money earned since waits for the
  // next period) must not crowd out, pass after pass, the ones still to pay.
  const rows = await owed
    .select(['w.tenantId', 'w.id', 'w.walletAccountId', 'w.settlementCycle', 'w.payoutEnc'])
    .where('w.payoutEnc', 'is not', null)
    .where(
      sql<boolean>`not exists (select 1 from payout o where o.tenant_id = w.tenant_id
        and o.source_account_id = w.wallet_account_id
        and o.period_key = case w.settlement_cycle when 'daily' then ${periodOf.daily}
          when 'weekly' then ${periodOf.weekly} else ${periodOf.monthly} end)`,
    )
    .orderBy('w.id')
    .limit(limit)
    .execute();
  const { unpaid } = await owed
    .select((eb) => eb.fn.countAll<number>().as('unpaid'))
    .where('w.payoutEnc', 'is', null)
    .executeTakeFirstOrThrow();
  const result: SettlementRunResult = {
    periodKeys: [],
    requested: 0,
    existing: 0,
    skippedNoAccount: Number(unpaid),
    amountFen: 0,
  };
  const periods = new Set<string>();
  for (const row of rows) {
    const periodKey = periodOf[row.settlementCycle];
    periods.add(periodKey);
    const payee = openPayout(g, row.payoutEnc!);
    const outcome = await g.ctx.db.transaction().execute(async (trx) => {
      const { bank, clearing } = await marketAccounts(trx, row.tenantId);
      const wallet = await trx
        .selectFrom('ledgerAccount')
        .select(['id', 'kind', 'guarded', 'debitsPosted', 'creditsPosted', 'debitsPending', 'creditsPending'])
        .where('tenantId', '=', row.tenantId)
        .where('id', '=', row.walletAccountId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const amount = availableBalance(wallet);
      if (amount <= 0) return undefined;
      const requested = await requestPayout(trx, g.ctx.cipher, {
        tenantId: row.tenantId,
        sourceAccountId: row.walletAccountId,
        clearingAccountId: clearing.id,
        bankAccountId: bank.id,
        periodKey,
        amount,
        payee,
        memo: `零工工资 ${periodKey}`,
      });
      // The shifts paid into the wallet since the last payout are this payout's pay-slip lines.
      if (requested.status === 'requested')
        await trx
          .updateTable('gigAssignment')
          .set({ payoutId: requested.payoutId })
          .where('tenantId', '=', row.tenantId)
          .where('workerId', '=', row.id)
          .where('payoutId', 'is', null)
          .where('paidFen', '>', 0)
          .execute();
      return requested;
    });
    if (!outcome) continue;
    if (outcome.status === 'requested') {
      result.requested += 1;
      result.amountFen += outcome.amount;
    } else if (outcome.status === 'exists') result.existing += 1;
  }
  result.periodKeys = [...periods].sort();
  return result;
}

export async function settleNow(g: Gig, actor: Actor): Promise<SettlementRunResult> {
  assertOperator(actor);
  return runSettlement(g, actor.tenantId);
}

export async function wallet(g: Gig, actor: Actor): Promise<Wallet> {
  const worker = await g.ctx.db.transaction().execute((trx) => workerOf(trx, actor));
  const account = await findAccount(g.ctx.db, actor.tenantId, { id: worker.walletAccountId });
  if (!account) throw new Error(`worker ${worker.id} has no wallet account`);
  const entries = await listAccountEntries(g.ctx.db, actor.tenantId, account, { limit: 100 });
  return {
    balanceFen: account.balance,
    availableFen: account.available,
    settlementCycle: worker.settlementCycle,
    payoutAccount: maskedAccount(worker.payoutLast4),
    entries: entries
      .filter((entry) => entry.type !== 'pending' || entry.state === 'pending')
      .map((entry) => ({
        transferId: entry.transferId,
        amountFen: entry.amount,
        code: entry.code,
        memo: entry.memo,
        pending: entry.type === 'pending',
        at: iso(entry.at),
      })),
  };
}

/** The worker's payouts with the shifts each one paid (confirmed since the payout before it). */
export async function payslips(g: Gig, actor: Actor): Promise<Payslip[]> {
  const worker = await g.ctx.db.transaction().execute((trx) => workerOf(trx, actor));
  const payouts = await g.ctx.db
    .selectFrom('payout')
    .selectAll()
    .where('tenantId', '=', actor.tenantId)
    .where('sourceAccountId', '=', worker.walletAccountId)
    .orderBy('requestedAt')
    .execute();
  const shifts = await assignmentsWithShift(g.ctx.db)
    .innerJoin('gigJob as j', (join) =>
      join.onRef('j.tenantId', '=', 'a.tenantId').onRef('j.id', '=', 'a.jobId'),
    )
    .select(['a.id', 'a.payoutId', 'a.paidFen', 'a.workedMinutes', 'j.title', 'sh.startsAt'])
    .where('a.tenantId', '=', actor.tenantId)
    .where('a.workerId', '=', worker.id)
    .where('a.payoutId', 'is not', null)
    .orderBy('sh.startsAt')
    .execute();
  const slips = payouts.map((payout) => ({
    id: payout.id,
    periodKey: payout.periodKey,
    amountFen: payout.amount,
    state: payout.state,
    payoutAccount: maskedAccount(payout.payeeAccountLast4)!,
    refusal: payout.refusal,
    requestedAt: iso(payout.requestedAt),
    finishedAt: isoOrNull(payout.finishedAt),
    lines: shifts
      .filter((shift) => shift.payoutId === payout.id)
      .map((shift) => ({
        assignmentId: shift.id,
        jobTitle: shift.title,
        shiftStartsAt: iso(shift.startsAt),
        workedMinutes: shift.workedMinutes,
        amountFen: shift.paidFen ?? 0,
      })),
  }));
  return slips.reverse();
}

/** Gig payouts for the operator: the market's clearing account's payouts, with the worker masked. */
export async function listPayouts(
  g: Gig,
  actor: Actor,
  query: { state?: GigPayout['state']; page?: number; pageSize?: number },
): Promise<{ items: GigPayout[]; total: number; page: number; pageSize: number }> {
  assertOperator(actor);
  const { page, pageSize, limit, offset } = pageWindow(query);
  const base = payoutsWithWorker(g, actor.tenantId, query.state);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const items = await payoutsInOrder(base).limit(limit).offset(offset).execute();
  return { items: items.map(toGigPayout), total: Number(total), page, pageSize };
}

/** Every payout (in state `state`, if given), newest first, up to `limit`: the console's Excel export. */
export async function exportPayouts(
  g: Gig,
  actor: Actor,
  query: { state?: GigPayout['state'] },
  limit = 50_000,
): Promise<GigPayout[]> {
  assertOperator(actor);
  const rows = await payoutsInOrder(payoutsWithWorker(g, actor.tenantId, query.state))
    .limit(limit)
    .execute();
  return rows.map(toGigPayout);
}

function payoutsWithWorker(g: Gig, tenantId: string, state: GigPayout['state'] | undefined) {
  return g.ctx.db
    .selectFrom('payout as o')
    .innerJoin('gigWorker as w', (join) =>
      join.onRef('w.tenantId', '=', 'o.tenantId').onRef('w.walletAccountId', '=', 'o.sourceAccountId'),
    )
    .innerJoin('person as p', (join) =>
      join.onRef('p.tenantId', '=', 'w.tenantId').onRef('p.id', '=', 'w.personId'),
    )
    .where('o.tenantId', '=', tenantId)
    .$if(state !== undefined, (q) => q.where('o.state', '=', state!));
}

function payoutsInOrder(base: ReturnType<typeof payoutsWithWorker>) {
  return base.selectAll('o').select('p.name').orderBy('o.requestedAt', 'desc').orderBy('o.id', 'desc');
}

function toGigPayout(row: Selectable<PayoutTable> & { name: string }): GigPayout {
  return {
    id: row.id,
    workerName: maskName(row.name),
    periodKey: row.periodKey,
    amountFen: row.amount,
    state: row.state,
    payoutAccount: maskedAccount(row.payeeAccountLast4)!,
    attempts: row.attempts,
    lastError: row.lastError,
    refusal: row.refusal,
    requestedAt: iso(row.requestedAt),
    finishedAt: isoOrNull(row.finishedAt),
  };
}

/**
 * The gig market's own reconciliation check: every wage hold belongs to exactly one assignment, and
 * what an assignment says it paid is what its hold posted (plus dispute payments, less refunds).
 */
export const gigAssignmentsCheck: ExtraCheck = async (db: Kysely<Database>, tenantId: string) => {
  // What each finished shift's ledger says it paid: its hold's posting, plus dispute payments, less refunds.
  const rows = await sql<{ id: string; paidFen: number; posted: number }>`
    select id, paid_fen, posted from (
      select a.id, a.paid_fen,
        (coalesce(t.posted_amount, 0) + coalesce(d.paid, 0) - coalesce(d.refunded, 0))::int8 as posted
      from gig_assignment a
      join ledger_transfer t on t.tenant_id = a.tenant_id and t.id = a.hold_transfer_id
      left join lateral (
        select sum(x.amount) filter (where x.code in ('gig.dispute_pay', 'gig.guarantee_pay')) as paid,
               sum(x.amount) filter (where x.code = 'gig.dispute_refund') as refunded
        from ledger_transfer x join gig_dispute gd on gd.tenant_id = x.tenant_id and x.reference = gd.id::text
        where x.tenant_id = a.tenant_id and gd.assignment_id = a.id
      ) d on true
      where a.tenant_id = ${tenantId} and a.state in ('paid', 'no_show', 'cancelled')
    ) finished
    where coalesce(paid_fen, 0) <> posted
    limit 20`.execute(db);
  const unresolved = await sql<{ count: number }>`
    select count(*)::int as count from gig_assignment a join ledger_transfer t on t.tenant_id = a.tenant_id and t.id = a.hold_transfer_id
    where a.tenant_id = ${tenantId} and a.state in ('paid', 'no_show', 'cancelled') and t.state = 'pending'`.execute(
    db,
  );
  const open = unresolved.rows[0]?.count ?? 0;
  return {
    name: 'gig.assignments_paid',
    ok: rows.rows.length === 0 && open === 0,
    detail:
      rows.rows.length === 0 && open === 0
        ? 'every finished shift paid what its hold posted (with dispute payments and refunds)'
        : `${rows.rows.length} finished shifts differ from their ledger postings; ${open} finished shifts still hold money`,
    problems: rows.rows.map((row) => ({ assignmentId: row.id, paidFen: row.paidFen, postedFen: row.posted })),
  };
};

export const GIG_RECONCILE_CHECKS: readonly ExtraCheck[] = [payoutClearingCheck, gigAssignmentsCheck];

/** The last reconciliation per subdistrict, kept for the console (this process's memory). */
const lastReconcile = new Map<string, ReconcileStatus>();

export async function reconcileNow(g: Gig, tenantId: string): Promise<ReconcileStatus> {
  const report = await reconcileLedger(g.ctx.db, tenantId, GIG_RECONCILE_CHECKS);
  const status: ReconcileStatus = {
    ok: report.ok,
    checkedAt: iso(g.now()),
    checks: report.checks.map((check) => ({ name: check.name, ok: check.ok, detail: check.detail })),
  };
  lastReconcile.set(tenantId, status);
  return status;
}

export async function kpis(g: Gig, actor: Actor): Promise<GigKpis> {
  assertOperator(actor);
  const now = g.now();
  const day = localDate(now);
  const from = localMidnight(day);
  const to = new Date(from.getTime() + DAY_MS);
  const tenantId = actor.tenantId;
  const figures = await sql<{
    jobsPosted: number;
    openJobs: number;
    positions: number;
    hired: number;
    medianFill: number | null;
    wagesToday: number;
    shiftsToday: number;
    noShowsToday: number;
    openDisputes: number;
    workers: number;
    employers: number;
  }>`select
      (select count(*)::int from gig_job where tenant_id = ${tenantId} and opened_at >= ${from} and opened_at < ${to}) as jobs_posted,
      (select count(*)::int from gig_job where tenant_id = ${tenantId} and status = 'open') as open_jobs,
      (select coalesce(sum(headcount), 0)::int from gig_job where tenant_id = ${tenantId} and opened_at >= ${from} and opened_at < ${to}) as positions,
      (select coalesce(sum(hired_count), 0)::int from gig_job where tenant_id = ${tenantId} and opened_at >= ${from} and opened_at < ${to}) as hired,
      (select percentile_cont(0.5) within group (order by extract(epoch from filled_at - opened_at) / 60)
         from gig_job where tenant_id = ${tenantId} and filled_at >= ${new Date(from.getTime() - 6 * DAY_MS)}) as median_fill,
      (select coalesce(sum(paid_fen), 0)::int8 from gig_assignment where tenant_id = ${tenantId} and confirmed_at >= ${from} and confirmed_at < ${to}) as wages_today,
      (select count(*)::int from gig_assignment a join gig_shift s on s.tenant_id = a.tenant_id and s.id = a.shift_id
         where a.tenant_id = ${tenantId} and s.starts_at >= ${from} and s.starts_at < ${to}) as shifts_today,
      (select count(*)::int from gig_assignment a join gig_shift s on s.tenant_id = a.tenant_id and s.id = a.shift_id
         where a.tenant_id = ${tenantId} and a.state = 'no_show' and s.starts_at >= ${from} and s.starts_at < ${to}) as no_shows_today,
      (select count(*)::int from gig_dispute where tenant_id = ${tenantId} and state = 'open') as open_disputes,
      (select count(*)::int from gig_worker where tenant_id = ${tenantId}) as workers,
      (select count(*)::int from gig_employer where tenant_id = ${tenantId}) as employers`.execute(g.ctx.db);
  const payouts = await sql<{ state: string; count: number; failing: number }>`
    select o.state, count(*)::int as count, count(*) filter (where o.last_error is not null and o.state in ('requested', 'submitted'))::int as failing
    from payout o join gig_worker w on w.tenant_id = o.tenant_id and w.wallet_account_id = o.source_account_id
    where o.tenant_id = ${tenantId} group by o.state`.execute(g.ctx.db);
  const byState = Object.fromEntries(payouts.rows.map((row) => [row.state, row.count]));
  const f = figures.rows[0]!;
  return {
    day,
    jobsPosted: f.jobsPosted,
    openJobs: f.openJobs,
    positions: f.positions,
    hired: f.hired,
    fillRate: f.positions > 0 ? Math.round((f.hired / f.positions) * 1000) / 1000 : null,
    medianTimeToFillMinutes: f.medianFill === null ? null : Math.round(Number(f.medianFill) * 10) / 10,
    wagesPaidTodayFen: Number(f.wagesToday),
    shiftsToday: f.shiftsToday,
    noShowsToday: f.noShowsToday,
    openDisputes: f.openDisputes,
    payouts: {
      requested: byState.requested ?? 0,
      submitted: byState.submitted ?? 0,
      paid: byState.paid ?? 0,
      refused: byState.refused ?? 0,
      failingAttempts: payouts.rows.reduce((sum, row) => sum + row.failing, 0),
    },
    workers: f.workers,
    employers: f.employers,
    reconcile: lastReconcile.get(tenantId) ?? null,
  };
}

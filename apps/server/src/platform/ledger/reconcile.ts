import { sql, type Kysely } from 'kysely';
import type { Database } from '../database/schema.js';

/** One finding of a reconciliation: a rule and the accounts or transfers that break it. */
export interface ReconcileCheck {
  name: string;
  ok: boolean;
  /** What was compared, in a sentence with the figures (fen). */
  detail: string;
  /** Up to 20 offending rows. */
  problems: Array<Record<string, unknown>>;
}

export interface ReconcileReport {
  tenantId: string;
  accounts: number;
  transfers: number;
  ok: boolean;
  checks: ReconcileCheck[];
}

/**
 * A check a module adds (the gig market: the payout clearing account equals the payouts in flight).
 * It runs after the ledger's own checks, on the same tenant.
 */
export type ExtraCheck = (db: Kysely<Database>, tenantId: string) => Promise<ReconcileCheck>;

const SAMPLE = 20;

/**
 * Proves a tenant's ledger whole: debits equal credits (posted and held), every account's totals
 * equal the sums of its transfers, every resolution matches its hold, no guarded account below
 * zero — then runs the modules' own checks.
 */
export async function reconcileLedger(
  db: Kysely<Database>,
  tenantId: string,
  extraChecks: readonly ExtraCheck[] = [],
): Promise<ReconcileReport> {
  const checks: ReconcileCheck[] = [];
  const counts = await sql<{ accounts: number; transfers: number }>`
    select (select count(*)::int from ledger_account where tenant_id = ${tenantId}) as accounts,
      (select count(*)::int from ledger_transfer where tenant_id = ${tenantId}) as transfers`.execute(db);

  const totals = (
    await sql<{ dp: number; cp: number; dq: number; cq: number }>`
      select coalesce(sum(debits_posted), 0)::int8 as dp, coalesce(sum(credits_posted), 0)::int8 as cp,
        coalesce(sum(debits_pending), 0)::int8 as dq, coalesce(sum(credits_pending), 0)::int8 as cq
      from ledger_account where tenant_id = ${tenantId}`.execute(db)
  ).rows[0]!;
  checks.push({
    name: 'debits_equal_credits',
    ok: totals.dp === totals.cp && totals.dq === totals.cq,
    detail: `posted: debits ${totals.dp} ${totals.dp === totals.cp ? '=' : '≠'} credits ${totals.cp}; held: debits ${totals.dq} ${totals.dq === totals.cq ? '=' : '≠'} credits ${totals.cq}`,
    problems: [],
  });

  const mismatched = await sql<Record<string, unknown>>`
    with sides as (
      select debit_account_id as account_id,
        sum(amount) filter (where type in ('single', 'post')) as debits_posted, 0::int8 as credits_posted,
        sum(amount) filter (where type = 'pending' and state = 'pending') as debits_pending, 0::int8 as credits_pending
      from ledger_transfer where tenant_id = ${tenantId} group by debit_account_id
      union all
      select credit_account_id, 0, sum(amount) filter (where type in ('single', 'post')), 0,
        sum(amount) filter (where type = 'pending' and state = 'pending')
      from ledger_transfer where tenant_id = ${tenantId} group by credit_account_id
    ), sums as (
      select account_id, coalesce(sum(debits_posted), 0)::int8 as dp, coalesce(sum(credits_posted), 0)::int8 as cp,
        coalesce(sum(debits_pending), 0)::int8 as dq, coalesce(sum(credits_pending), 0)::int8 as cq
      from sides group by account_id
    )
    select a.code, a.debits_posted, s.dp as transfers_debits_posted, a.credits_posted, s.cp as transfers_credits_posted,
      a.debits_pending, s.dq as transfers_debits_pending, a.credits_pending, s.cq as transfers_credits_pending
    from ledger_account a left join sums s on s.account_id = a.id
    where a.tenant_id = ${tenantId} and (a.debits_posted <> coalesce(s.dp, 0) or a.credits_posted <> coalesce(s.cp, 0)
      or a.debits_pending <> coalesce(s.dq, 0) or a.credits_pending <> coalesce(s.cq, 0))
    order by a.code limit ${SAMPLE}`.execute(db);
  checks.push({
    name: 'balances_equal_transfers',
    ok: mismatched.rows.length === 0,
    detail:
      mismatched.rows.length === 0
        ? `every account's totals equal the sums of its ${counts.rows[0]!.transfers} transfers`
        : `${mismatched.rows.length === SAMPLE ? `≥ ${SAMPLE}` : mismatched.rows.length} account(s) differ from their transfers`,
    problems: mismatched.rows,
  });

  const resolutions = await sql<Record<string, unknown>>`
    select h.id as pending_id, h.state, h.posted_amount, r.id as resolution_id, r.type as resolution_type, r.amount
    from ledger_transfer h
    left join ledger_transfer r on r.tenant_id = h.tenant_id and r.pending_id = h.id
    where h.tenant_id = ${tenantId} and h.type = 'pending' and not (
      (h.state = 'pending' and r.id is null)
      or (h.state = 'posted' and r.type = 'post' and r.amount = h.posted_amount and r.amount <= h.amount)
      or (h.state = 'voided' and r.type = 'void' and r.amount = h.amount)
      or (h.state = 'expired' and r.type = 'expire' and r.amount = h.amount))
    limit ${SAMPLE}`.execute(db);
  checks.push({
    name: 'holds_resolved_once',
    ok: resolutions.rows.length === 0,
    detail:
      resolutions.rows.length === 0
        ? 'every hold is open, or posted, voided or expired by exactly one matching transfer'
        : 'holds whose state and resolving transfer disagree',
    problems: resolutions.rows,
  });

  const overdrawn = await sql<Record<string, unknown>>`
    select code, kind, debits_posted, credits_posted, debits_pending, credits_pending from ledger_account
    where tenant_id = ${tenantId} and guarded and (case when kind in ('asset', 'expense')
      then debits_posted - credits_posted - credits_pending else credits_posted - debits_posted - debits_pending end) < 0
    limit ${SAMPLE}`.execute(db);
  checks.push({
    name: 'guarded_accounts_not_negative',
    ok: overdrawn.rows.length === 0,
    detail: overdrawn.rows.length === 0 ? 'no guarded account below zero' : 'guarded accounts below zero',
    problems: overdrawn.rows,
  });

  for (const check of extraChecks) checks.push(await check(db, tenantId));
  return {
    tenantId,
    accounts: counts.rows[0]!.accounts,
    transfers: counts.rows[0]!.transfers,
    ok: checks.every((check) => check.ok),
    checks,
  };
}

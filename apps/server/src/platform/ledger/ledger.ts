import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../database/schema.js';
import type { LedgerAccountKind } from '../database/platform.tables.js';
import { isUuid, newId } from '../ids.js';
import {
  applyRequests,
  availableBalance,
  postedBalance,
  type AccountState,
  type LedgerRequest,
  type PendingState,
  type RequestResult,
  type TransferRow,
} from './ledger-rules.js';

/**
 * The ledger's database side. `applyTransfers` runs inside the caller's transaction, so a module's
 * own rows (a hire, a payout) and the money they move commit together or not at all: it loads the
 * named accounts and held transfers with row locks — in id order, so concurrent callers cannot
 * deadlock each other, and `for no key update`, so an insert whose foreign key names a locked
 * account (a payout naming the bank) takes its key-share lock without waiting, and cannot close a
 * cycle with us — applies the rules of `ledger-rules.ts` and writes the transfers and the new totals
 * with a handful of statements however many requests there are.
 */
export async function applyTransfers(
  trx: Transaction<Database>,
  tenantId: string,
  requests: readonly LedgerRequest[],
  now: Date = new Date(),
): Promise<RequestResult[]> {
  if (requests.length === 0) return [];
  const ids = [...new Set(requests.map((request) => request.id))];
  const existing = new Map<string, TransferRow>();
  for (const row of await selectTransfers(trx, tenantId, ids)) existing.set(row.id, row);

  const pendingIds = [
    ...new Set(
      requests.flatMap((request) =>
        request.type !== 'transfer' && !existing.has(request.id) ? [request.pendingId] : [],
      ),
    ),
  ]
    .filter(isUuid)
    .sort();
  const pendings = new Map<string, PendingState>();
  if (pendingIds.length > 0) {
    const rows = await sql<TransferRow & { state: PendingState['state'] }>`
      select id, debit_account_id, credit_account_id, amount, type, pending_id, state, timeout_at, code, reference, memo
      from ledger_transfer
      where tenant_id = ${tenantId} and id = any(${pendingIds}::uuid[]) and type = 'pending'
      order by id for no key update`.execute(trx);
    for (const row of rows.rows)
      pendings.set(row.id, {
        id: row.id,
        debitAccountId: row.debitAccountId,
        creditAccountId: row.creditAccountId,
        amount: row.amount,
        state: row.state,
        timeoutAt: row.timeoutAt,
        code: row.code,
      });
  }

  const accountIds = new Set<string>();
  for (const request of requests)
    if (request.type === 'transfer') {
      accountIds.add(request.debitAccountId);
      accountIds.add(request.creditAccountId);
    }
  for (const pending of pendings.values()) {
    accountIds.add(pending.debitAccountId);
    accountIds.add(pending.creditAccountId);
  }
  const accounts = new Map<string, AccountState>();
  const wanted = [...accountIds].filter(isUuid).sort();
  if (wanted.length > 0) {
    const rows = await sql<AccountState>`
      select id, kind, guarded, debits_posted, credits_posted, debits_pending, credits_pending
      from ledger_account where tenant_id = ${tenantId} and id = any(${wanted}::uuid[])
      order by id for no key update`.execute(trx);
    for (const row of rows.rows) accounts.set(row.id, row);
  }

  const applied = applyRequests({ requests, accounts, pendings, existing, now });

  if (applied.created.length > 0)
    await sql`insert into ledger_transfer (tenant_id, id, debit_account_id, credit_account_id, amount, type,
        pending_id, state, timeout_at, code, reference, memo, created_at)
      select ${tenantId}::uuid, i, d, c, a, ty, p, s, t, co, r, m, ${now}::timestamptz
      from json_to_recordset(${JSON.stringify(
        applied.created.map((row) => ({
          i: row.id,
          d: row.debitAccountId,
          c: row.creditAccountId,
          a: row.amount,
          ty: row.type,
          p: row.pendingId,
          s: row.state,
          t: row.timeoutAt?.toISOString() ?? null,
          co: row.code,
          r: row.reference,
          m: row.memo,
        })),
      )}::json) as v(i uuid, d uuid, c uuid, a bigint, ty text, p uuid, s text, t timestamptz, co text, r text, m text)`.execute(
      trx,
    );
  if (applied.accounts.length > 0) {
    const rows = applied.accounts;
    await sql`update ledger_account a set debits_posted = v.dp, credits_posted = v.cp,
        debits_pending = v.dq, credits_pending = v.cq
      from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.debitsPosted)}::int8[],
        ${rows.map((r) => r.creditsPosted)}::int8[], ${rows.map((r) => r.debitsPending)}::int8[],
        ${rows.map((r) => r.creditsPending)}::int8[]) as v(id, dp, cp, dq, cq)
      where a.tenant_id = ${tenantId} and a.id = v.id
        -- Lets the planner probe the primary key once per row instead of joining by scan.
        and a.id = any(${rows.map((r) => r.id)}::uuid[])`.execute(trx);
  }
  if (applied.resolved.length > 0) {
    const rows = applied.resolved;
    await sql`update ledger_transfer t set state = v.s, posted_amount = v.p
      from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.state)}::text[],
        ${rows.map((r) => r.postedAmount)}::int8[]) as v(id, s, p)
      where t.tenant_id = ${tenantId} and t.id = v.id and t.id = any(${rows.map((r) => r.id)}::uuid[])`.execute(
      trx,
    );
  }
  return applied.results;
}

async function selectTransfers(
  db: Kysely<Database> | Transaction<Database>,
  tenantId: string,
  ids: readonly string[],
): Promise<TransferRow[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  return db
    .selectFrom('ledgerTransfer')
    .select([
      'id',
      'debitAccountId',
      'creditAccountId',
      'amount',
      'type',
      'pendingId',
      'state',
      'timeoutAt',
      'code',
      'reference',
      'memo',
    ])
    .where('tenantId', '=', tenantId)
    .where('id', 'in', valid)
    .execute();
}

export interface OpenAccountInput {
  tenantId: string;
  /** Unique per tenant and stable (`gig.wallet:<person id>`): opening it again returns the same account. */
  code: string;
  name: string;
  kind: LedgerAccountKind;
  /** May never go below zero (pending debits counted): wallets, employer funds, deposits. */
  guarded: boolean;
}

export interface LedgerAccount extends AccountState {
  code: string;
  name: string;
  /** On the account's normal side, in fen. */
  balance: number;
  /** The balance less holds going out. */
  available: number;
}

function toAccount(row: AccountState & { code: string; name: string }): LedgerAccount {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    guarded: row.guarded,
    debitsPosted: row.debitsPosted,
    creditsPosted: row.creditsPosted,
    debitsPending: row.debitsPending,
    creditsPending: row.creditsPending,
    balance: postedBalance(row),
    available: availableBalance(row),
  };
}

const ACCOUNT_COLUMNS = [
  'id',
  'code',
  'name',
  'kind',
  'guarded',
  'debitsPosted',
  'creditsPosted',
  'debitsPending',
  'creditsPending',
] as const;

/** Opens accounts by code, or finds them if already open; answers in the order asked. */
export async function openAccounts(
  db: Kysely<Database> | Transaction<Database>,
  inputs: readonly OpenAccountInput[],
): Promise<LedgerAccount[]> {
  if (inputs.length === 0) return [];
  await db
    .insertInto('ledgerAccount')
    .values(
      inputs.map((input) => ({
        tenantId: input.tenantId,
        id: newId(),
        code: input.code,
        name: input.name,
        kind: input.kind,
        guarded: input.guarded,
      })),
    )
    .onConflict((conflict) => conflict.columns(['tenantId', 'code']).doNothing())
    .execute();
  const byTenant = new Map<string, string[]>();
  for (const input of inputs)
    byTenant.set(input.tenantId, [...(byTenant.get(input.tenantId) ?? []), input.code]);
  const found = new Map<string, LedgerAccount>();
  for (const [tenantId, codes] of byTenant) {
    const rows = await db
      .selectFrom('ledgerAccount')
      .select(ACCOUNT_COLUMNS)
      .where('tenantId', '=', tenantId)
      .where('code', 'in', codes)
      .execute();
    for (const row of rows) found.set(`${tenantId}|${row.code}`, toAccount(row));
  }
  return inputs.map((input) => found.get(`${input.tenantId}|${input.code}`)!);
}

export async function findAccount(
  db: Kysely<Database> | Transaction<Database>,
  tenantId: string,
  by: { id: string } | { code: string },
): Promise<LedgerAccount | undefined> {
  if ('id' in by && !isUuid(by.id)) return undefined;
  const row = await db
    .selectFrom('ledgerAccount')
    .select(ACCOUNT_COLUMNS)
    .where('tenantId', '=', tenantId)
    .$call((query) => ('id' in by ? query.where('id', '=', by.id) : query.where('code', '=', by.code)))
    .executeTakeFirst();
  return row ? toAccount(row) : undefined;
}

export interface AccountEntry {
  transferId: string;
  at: Date;
  type: TransferRow['type'];
  code: string;
  reference: string | null;
  memo: string | null;
  /** Seen from the account: positive when it adds to the balance on its normal side. */
  amount: number;
  counterpartyAccountId: string;
  /** For held transfers: pending, posted, voided or expired. */
  state: TransferRow['state'];
}

/** An account's movements, newest first (keyset by time then id). */
export async function listAccountEntries(
  db: Kysely<Database>,
  tenantId: string,
  account: Pick<LedgerAccount, 'id' | 'kind'>,
  page: { limit: number; before?: { at: Date; id: string } },
): Promise<AccountEntry[]> {
  const debitNormal = account.kind === 'asset' || account.kind === 'expense';
  const rows = await sql<{
    id: string;
    createdAt: Date;
    type: TransferRow['type'];
    code: string;
    reference: string | null;
    memo: string | null;
    amount: number;
    debitAccountId: string;
    creditAccountId: string;
    state: TransferRow['state'];
  }>`
    select * from (
      (select id, created_at, type, code, reference, memo, amount, debit_account_id, credit_account_id, state
       from ledger_transfer where tenant_id = ${tenantId} and debit_account_id = ${account.id}
       ${page.before ? sql`and (created_at, id) < (${page.before.at}, ${page.before.id}::uuid)` : sql``}
       order by created_at desc, id desc limit ${page.limit})
      union all
      (select id, created_at, type, code, reference, memo, amount, debit_account_id, credit_account_id, state
       from ledger_transfer where tenant_id = ${tenantId} and credit_account_id = ${account.id}
       ${page.before ? sql`and (created_at, id) < (${page.before.at}, ${page.before.id}::uuid)` : sql``}
       order by created_at desc, id desc limit ${page.limit})
    ) both_sides order by created_at desc, id desc limit ${page.limit}`.execute(db);
  return rows.rows.map((row) => {
    const debited = row.debitAccountId === account.id;
    return {
      transferId: row.id,
      at: row.createdAt,
      type: row.type,
      code: row.code,
      reference: row.reference,
      memo: row.memo,
      amount: debited === debitNormal ? row.amount : -row.amount,
      counterpartyAccountId: debited ? row.creditAccountId : row.debitAccountId,
      state: row.state,
    };
  });
}

/**
 * Voids held transfers whose time is up (the sweep's work): each is expired in its own small
 * transaction-sized batch, skipping holds another process is resolving at the moment.
 */
export async function expireDueTransfers(
  db: Kysely<Database>,
  now: Date = new Date(),
  limit = 500,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const due = await sql<{ tenantId: string; id: string }>`
      select tenant_id, id from ledger_transfer
      where state = 'pending' and timeout_at <= ${now}
      order by timeout_at limit ${limit} for update skip locked`.execute(trx);
    const byTenant = new Map<string, string[]>();
    for (const row of due.rows) byTenant.set(row.tenantId, [...(byTenant.get(row.tenantId) ?? []), row.id]);
    let expired = 0;
    for (const [tenantId, ids] of byTenant) {
      const results = await applyTransfers(
        trx,
        tenantId,
        ids.map((pendingId) => ({ type: 'expire' as const, id: newId(), pendingId })),
        now,
      );
      expired += results.filter((result) => result.status === 'created').length;
    }
    return expired;
  });
}

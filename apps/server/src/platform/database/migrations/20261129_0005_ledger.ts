import { sql, type Kysely } from 'kysely';

/*
 * platform/ledger: double-entry accounts and transfers in integer fen (ADR 0011).
 *
 * An account keeps four running totals — debits and credits, posted and pending — that only a
 * transfer changes, in the transaction that writes the transfer; `jiedao ledger reconcile` proves
 * they equal the sums of the transfers. A guarded account (a wallet, an employer's funds) may never
 * have more debits than credits, pending debits included; the check constraint is the last line
 * behind the engine's own check, which names the shortfall.
 */
const UP = [
  `create table ledger_account (
    tenant_id uuid not null references tenant (id),
    id uuid not null,
    code text not null,
    name text not null,
    kind text not null check (kind in ('asset', 'liability', 'equity', 'revenue', 'expense')),
    guarded boolean not null,
    debits_posted bigint not null default 0,
    credits_posted bigint not null default 0,
    debits_pending bigint not null default 0,
    credits_pending bigint not null default 0,
    created_at timestamptz not null default now(),
    constraint ledger_account_pk primary key (tenant_id, id),
    constraint ledger_account_code_uq unique (tenant_id, code),
    constraint ledger_account_totals_ck check (debits_posted >= 0 and credits_posted >= 0
      and debits_pending >= 0 and credits_pending >= 0),
    constraint ledger_account_guard_ck check (not guarded or (case when kind in ('asset', 'expense')
      then debits_posted - credits_posted - credits_pending
      else credits_posted - debits_posted - debits_pending end) >= 0)
  ) with (fillfactor = 80)`,
  `create table ledger_transfer (
    tenant_id uuid not null,
    id uuid not null,
    debit_account_id uuid not null,
    credit_account_id uuid not null,
    amount bigint not null check (amount > 0),
    type text not null check (type in ('single', 'pending', 'post', 'void', 'expire')),
    pending_id uuid,
    state text check (state in ('pending', 'posted', 'voided', 'expired')),
    posted_amount bigint,
    timeout_at timestamptz,
    code text not null,
    reference text,
    memo text,
    created_at timestamptz not null default now(),
    constraint ledger_transfer_pk primary key (tenant_id, id),
    constraint ledger_transfer_debit_fk foreign key (tenant_id, debit_account_id) references ledger_account (tenant_id, id),
    constraint ledger_transfer_credit_fk foreign key (tenant_id, credit_account_id) references ledger_account (tenant_id, id),
    constraint ledger_transfer_accounts_ck check (debit_account_id <> credit_account_id),
    constraint ledger_transfer_pending_ck check ((type = 'pending') = (state is not null)
      and (type in ('post', 'void', 'expire')) = (pending_id is not null))
  )`,
  `create index ledger_transfer_debit_ix on ledger_transfer (tenant_id, debit_account_id, created_at)`,
  `create index ledger_transfer_credit_ix on ledger_transfer (tenant_id, credit_account_id, created_at)`,
  // A pending transfer is resolved once: posted, voided or expired.
  `create unique index ledger_transfer_resolution_uq on ledger_transfer (tenant_id, pending_id)
     where pending_id is not null`,
  `create index ledger_transfer_timeout_ix on ledger_transfer (timeout_at) where state = 'pending'`,
  `create index ledger_transfer_reference_ix on ledger_transfer (tenant_id, reference) where reference is not null`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ledger_transfer').ifExists().execute();
  await db.schema.dropTable('ledger_account').ifExists().execute();
}

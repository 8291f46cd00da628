import { sql, type Kysely } from 'kysely';

/*
 * platform/payouts: money leaving Jiedao through the payout rail, one row per payout, at most one
 * per source account and period (a worker's wallet and "2026-W48"). The row is written with the
 * ledger transfer that moves the amount into payout clearing; every later state is written with
 * the transfer that settles or returns it. The payee's name and account number are personal data:
 * kept encrypted, with the account's last four digits for display.
 */
const UP = [
  `create table payout (
    tenant_id uuid not null references tenant (id),
    id uuid not null,
    source_account_id uuid not null,
    clearing_account_id uuid not null,
    bank_account_id uuid not null,
    period_key text not null,
    amount bigint not null check (amount > 0),
    payee_enc text not null,
    payee_account_last4 text not null,
    memo text,
    state text not null default 'requested' check (state in ('requested', 'submitted', 'paid', 'refused')),
    rail_reference text,
    refusal text,
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error text,
    requested_at timestamptz not null default now(),
    submitted_at timestamptz,
    finished_at timestamptz,
    constraint payout_pk primary key (tenant_id, id),
    constraint payout_period_uq unique (tenant_id, source_account_id, period_key),
    constraint payout_source_fk foreign key (tenant_id, source_account_id) references ledger_account (tenant_id, id),
    constraint payout_clearing_fk foreign key (tenant_id, clearing_account_id) references ledger_account (tenant_id, id),
    constraint payout_bank_fk foreign key (tenant_id, bank_account_id) references ledger_account (tenant_id, id)
  )`,
  // The sweep's work list: payouts not finished, by when they are due again.
  `create index payout_open_ix on payout (next_attempt_at) where state in ('requested', 'submitted')`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('payout').ifExists().execute();
}

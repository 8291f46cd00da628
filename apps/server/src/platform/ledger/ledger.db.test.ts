import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp } from '../../testing/test-app.js';
import type { TestTenant } from '../../testing/factories.js';
import { newId } from '../ids.js';
import {
  applyTransfers,
  expireDueTransfers,
  findAccount,
  LedgerWriter,
  listAccountEntries,
  openAccounts,
  reconcileLedger,
  type LedgerAccount,
  type LedgerRequest,
} from './index.js';

let t: TestApp;
let tenant: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTestTenant(t.ctx);
  other = await createTestTenant(t.ctx);
});
afterAll(async () => {
  await t.close();
});

/** A fresh book per test: the bank, an employer's funds and a worker's wallet. */
async function openBook(prefix: string, tenantId = tenant.id) {
  const [bank, employer, wallet] = await openAccounts(t.ctx.db, [
    { tenantId, code: `${prefix}.bank`, name: '银行存款', kind: 'asset', guarded: false },
    { tenantId, code: `${prefix}.employer`, name: '雇主资金', kind: 'liability', guarded: true },
    { tenantId, code: `${prefix}.wallet`, name: '零工钱包', kind: 'liability', guarded: true },
  ]);
  return { bank: bank!, employer: employer!, wallet: wallet! };
}

function move(
  id: string,
  from: LedgerAccount,
  to: LedgerAccount,
  amount: number,
  extra: Partial<LedgerRequest> = {},
): LedgerRequest {
  // Money leaves `from` (a liability is debited) and reaches `to` (credited).
  return {
    type: 'transfer',
    id,
    debitAccountId: from.id,
    creditAccountId: to.id,
    amount,
    code: 'test',
    ...extra,
  } as LedgerRequest;
}

/** The bank receives money owed to the account (asset debited, liability credited). */
const topUp = (bank: LedgerAccount, account: LedgerAccount, amount: number): LedgerRequest => ({
  type: 'transfer',
  id: newId(),
  debitAccountId: bank.id,
  creditAccountId: account.id,
  amount,
  code: 'topup',
});

const apply = (requests: LedgerRequest[], tenantId = tenant.id, now?: Date) =>
  t.ctx.db.transaction().execute((trx) => applyTransfers(trx, tenantId, requests, now));

const balanceOf = async (account: LedgerAccount) =>
  (await findAccount(t.ctx.db, tenant.id, { id: account.id }))!;

describe('accounts', () => {
  it('opens an account once per code, and another tenant cannot find it', async () => {
    const first = await openBook('open');
    const again = await openBook('open');
    expect(again.employer.id).toBe(first.employer.id);
    expect(first.employer).toMatchObject({ balance: 0, available: 0, kind: 'liability', guarded: true });
    expect(await findAccount(t.ctx.db, tenant.id, { code: 'open.wallet' })).toMatchObject({
      id: first.wallet.id,
    });
    expect(await findAccount(t.ctx.db, other.id, { id: first.wallet.id })).toBeUndefined();
    expect(await findAccount(t.ctx.db, tenant.id, { id: 'not-a-uuid' })).toBeUndefined();
  });
});

describe('transfers', () => {
  it('tops up, holds a wage, posts what was earned and returns the rest, with entries per account', async () => {
    const { bank, employer, wallet } = await openBook('wage');
    // A top-up of 100 yuan.
    const funded = await apply([topUp(bank, employer, 10_000)]);
    expect(funded[0]).toMatchObject({ status: 'created' });
    const holdId = newId();
    expect(
      (
        await apply([
          move(holdId, employer, wallet, 8_000, { pendingTimeoutMs: 3_600_000, reference: 'shift-1' }),
        ])
      )[0],
    ).toMatchObject({
      status: 'created',
    });
    expect(await balanceOf(employer)).toMatchObject({ balance: 10_000, available: 2_000 });
    const postId = newId();
    expect((await apply([{ type: 'post', id: postId, pendingId: holdId, amount: 6_000 }]))[0]).toMatchObject({
      status: 'created',
      transfer: { amount: 6_000, type: 'post', pendingId: holdId },
    });
    expect(await balanceOf(employer)).toMatchObject({ balance: 4_000, available: 4_000 });
    expect(await balanceOf(wallet)).toMatchObject({ balance: 6_000, available: 6_000, creditsPending: 0 });
    const entries = await listAccountEntries(t.ctx.db, tenant.id, wallet, { limit: 10 });
    expect(entries.map((entry) => [entry.type, entry.amount, entry.state])).toEqual(
      expect.arrayContaining([
        ['post', 6_000, null],
        ['pending', 8_000, 'posted'],
      ]),
    );
    const employerEntries = await listAccountEntries(t.ctx.db, tenant.id, employer, { limit: 10 });
    expect(employerEntries.find((entry) => entry.type === 'single')).toMatchObject({
      amount: 10_000,
      code: 'topup',
    });
    expect(employerEntries.find((entry) => entry.type === 'post')).toMatchObject({ amount: -6_000 });
    expect((await reconcileLedger(t.ctx.db, tenant.id)).ok).toBe(true);
  });

  it('moves money once for an id asked twice, and refuses the id with other fields', async () => {
    const { bank, employer } = await openBook('idem');
    const id = newId();
    const request = {
      type: 'transfer' as const,
      id,
      debitAccountId: bank.id,
      creditAccountId: employer.id,
      amount: 500,
      code: 'topup',
    };
    expect((await apply([request]))[0]!.status).toBe('created');
    expect((await apply([request]))[0]!.status).toBe('exists');
    expect((await apply([{ ...request, amount: 501 }]))[0]).toMatchObject({
      status: 'rejected',
      reason: 'exists_with_different_fields',
    });
    expect(await balanceOf(employer)).toMatchObject({ balance: 500 });
  });

  it('refuses what an account does not have, naming the shortfall, and writes nothing', async () => {
    const { bank, employer, wallet } = await openBook('short');
    await apply([topUp(bank, employer, 1_000)]);
    const before = await t.ctx.db
      .selectFrom('ledgerTransfer')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    expect(await apply([move(newId(), employer, wallet, 1_500)])).toEqual([
      expect.objectContaining({
        status: 'rejected',
        reason: 'exceeds_balance',
        accountId: employer.id,
        shortfall: 500,
      }),
    ]);
    const after = await t.ctx.db
      .selectFrom('ledgerTransfer')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    // The database refuses an overdraft even if the engine were bypassed.
    await expect(
      sql`update ledger_account set debits_posted = debits_posted + 5000 where id = ${employer.id}`.execute(
        t.ctx.db,
      ),
    ).rejects.toThrow(/ledger_account_guard_ck/);
  });

  it("cannot touch another tenant's accounts", async () => {
    const mine = await openBook('iso');
    const theirs = await openBook('iso', other.id);
    expect(await apply([move(newId(), theirs.bank, mine.employer, 100)])).toEqual([
      expect.objectContaining({ status: 'rejected', reason: 'account_not_found' }),
    ]);
    expect(await apply([move(newId(), mine.bank, mine.employer, 100)], other.id)).toEqual([
      expect.objectContaining({ status: 'rejected', reason: 'account_not_found' }),
    ]);
  });

  it('expires holds whose time is up, releasing the money', async () => {
    const { bank, employer, wallet } = await openBook('expire');
    await apply([topUp(bank, employer, 3_000)]);
    const holdId = newId();
    await apply([move(holdId, employer, wallet, 2_000, { pendingTimeoutMs: 60_000 })]);
    expect(await balanceOf(employer)).toMatchObject({ available: 1_000 });
    expect(await expireDueTransfers(t.ctx.db, new Date())).toBe(0);
    expect(await expireDueTransfers(t.ctx.db, new Date(Date.now() + 120_000))).toBeGreaterThanOrEqual(1);
    expect(await balanceOf(employer)).toMatchObject({ balance: 3_000, available: 3_000 });
    const hold = await t.ctx.db
      .selectFrom('ledgerTransfer')
      .select(['state'])
      .where('id', '=', holdId)
      .executeTakeFirstOrThrow();
    expect(hold.state).toBe('expired');
    expect((await apply([{ type: 'post', id: newId(), pendingId: holdId }]))[0]).toMatchObject({
      reason: 'pending_already_resolved',
    });
    expect((await reconcileLedger(t.ctx.db, tenant.id)).ok).toBe(true);
  });
});

describe('LedgerWriter', () => {
  it('applies concurrent submissions on one hot account without losing or doubling a fen', async () => {
    const { bank, employer, wallet } = await openBook('hot');
    const writer = new LedgerWriter(t.ctx.db, { maxBatch: 25 });
    try {
      await writer.submit(tenant.id, [topUp(bank, employer, 10_000)]);
      // 60 workers ask for 300 fen each at once: 33 fit in 10,000.
      const ids = Array.from({ length: 60 }, () => newId());
      const answers = await Promise.all(
        ids.map((id) => writer.submit(tenant.id, [move(id, employer, wallet, 300)])),
      );
      const created = answers.filter(([answer]) => answer!.status === 'created').length;
      expect(created).toBe(33);
      expect(
        answers.filter(([answer]) => answer?.status === 'rejected' && answer.reason === 'exceeds_balance'),
      ).toHaveLength(27);
      // Retried, every id answers as before without moving money again.
      const retried = await Promise.all(
        ids.map((id) => writer.submit(tenant.id, [move(id, employer, wallet, 300)])),
      );
      expect(retried.filter(([answer]) => answer!.status === 'exists')).toHaveLength(33);
      expect(await balanceOf(employer)).toMatchObject({ balance: 100 });
      expect(await balanceOf(wallet)).toMatchObject({ balance: 9_900 });
      expect(writer.stats.batches).toBeLessThan(retried.length + answers.length);
      // A submission ending in an open chain is refused whole; the others in its batch go through.
      const [open, fine] = await Promise.all([
        writer.submit(tenant.id, [move(newId(), wallet, employer, 100, { linked: true })]),
        writer.submit(tenant.id, [move(newId(), wallet, employer, 100)]),
      ]);
      expect(open[0]).toMatchObject({ reason: 'linked_chain_open' });
      expect(fine[0]).toMatchObject({ status: 'created' });
    } finally {
      await writer.stop();
    }
    expect((await reconcileLedger(t.ctx.db, tenant.id)).ok).toBe(true);
  });
});

describe('reconcileLedger', () => {
  it('finds an account whose totals no longer match its transfers, and runs modules’ checks', async () => {
    const { bank, employer } = await openBook('tamper', other.id);
    await apply([topUp(bank, employer, 700)], other.id);
    expect((await reconcileLedger(t.ctx.db, other.id)).ok).toBe(true);
    await sql`update ledger_account set credits_posted = credits_posted + 1 where id = ${employer.id}`.execute(
      t.ctx.db,
    );
    const report = await reconcileLedger(t.ctx.db, other.id, [
      async () => ({
        name: 'module_check',
        ok: false,
        detail: 'payouts in flight 0 ≠ clearing 1',
        problems: [],
      }),
    ]);
    expect(report.ok).toBe(false);
    const failed = report.checks.filter((check) => !check.ok).map((check) => check.name);
    expect(failed).toEqual(['debits_equal_credits', 'balances_equal_transfers', 'module_check']);
    expect(report.checks[0]!.detail).toBe('posted: debits 700 ≠ credits 701; held: debits 0 = credits 0');
    expect(report.checks.find((check) => check.name === 'balances_equal_transfers')!.problems).toEqual([
      expect.objectContaining({ code: 'tamper.employer', creditsPosted: 701, transfersCreditsPosted: 700 }),
    ]);
    await sql`update ledger_account set credits_posted = credits_posted - 1 where id = ${employer.id}`.execute(
      t.ctx.db,
    );
  });
});

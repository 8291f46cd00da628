import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp } from '../../testing/test-app.js';
import type { TestTenant } from '../../testing/factories.js';
import { newId } from '../ids.js';
import {
  applyTransfers,
  findAccount,
  openAccounts,
  reconcileLedger,
  type LedgerAccount,
} from '../ledger/index.js';
import { SimulatedPayoutRail, type SimulatedPayoutRailOptions } from '../payout-rail/payout-rail.js';
import { payoutClearingCheck, PayoutProcessor, requestPayout } from './index.js';

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

const fast = { latencyMs: [0, 1] as [number, number], settleMs: [0, 2] as [number, number] };

/** Bank, payout clearing and `count` wallets holding `fen` each. */
async function setUp(prefix: string, count: number, fen: number, tenantId = tenant.id) {
  const [bank, clearing, ...wallets] = await openAccounts(t.ctx.db, [
    { tenantId, code: `${prefix}.bank`, name: '银行存款', kind: 'asset', guarded: false },
    { tenantId, code: `${prefix}.clearing`, name: '代发在途', kind: 'liability', guarded: true },
    ...Array.from({ length: count }, (_, i) => ({
      tenantId,
      code: `${prefix}.wallet.${i}`,
      name: `钱包 ${i}`,
      kind: 'liability' as const,
      guarded: true,
    })),
  ]);
  await t.ctx.db.transaction().execute((trx) =>
    applyTransfers(
      trx,
      tenantId,
      wallets.map((wallet) => ({
        type: 'transfer' as const,
        id: newId(),
        debitAccountId: bank!.id,
        creditAccountId: wallet.id,
        amount: fen,
        code: 'wage',
      })),
    ),
  );
  return { bank: bank!, clearing: clearing!, wallets: wallets };
}

function request(
  book: Awaited<ReturnType<typeof setUp>>,
  wallet: LedgerAccount,
  amount: number,
  periodKey = '2026-W48',
  accountNo = '6222020200112233445',
  tenantId = tenant.id,
) {
  return t.ctx.db.transaction().execute((trx) =>
    requestPayout(trx, t.ctx.cipher, {
      tenantId,
      sourceAccountId: wallet.id,
      clearingAccountId: book.clearing.id,
      bankAccountId: book.bank.id,
      periodKey,
      amount,
      payee: { name: '李师傅', accountNo },
      memo: '周结工资',
    }),
  );
}

function processor(rail: SimulatedPayoutRail) {
  return new PayoutProcessor({
    db: t.ctx.db,
    rail,
    cipher: t.ctx.cipher,
    log: t.ctx.log,
    callTimeoutMs: 200,
    queryAfterMs: 0,
    retryDelayMs: () => 0,
  });
}

/** Runs the processor until nothing is open (the rail's reports may finish some on their own). */
async function drain(engine: PayoutProcessor, rail: SimulatedPayoutRail) {
  for (let round = 0; round < 200; round++) {
    rail.flush();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await engine.runOnce();
    const open = await t.ctx.db
      .selectFrom('payout')
      .select('id')
      .where('state', 'in', ['requested', 'submitted'])
      .execute();
    if (open.length === 0) return round;
  }
  throw new Error('payouts did not finish');
}

const balance = async (account: LedgerAccount, tenantId = tenant.id) =>
  (await findAccount(t.ctx.db, tenantId, { id: account.id }))!.balance;

describe('payouts', () => {
  it('pays each wallet once per period, keeps the payee encrypted, and leaves clearing empty', async () => {
    const book = await setUp('once', 3, 10_000);
    const rail = new SimulatedPayoutRail({
      ...fast,
      unavailableRate: 0,
      lostAnswerRate: 0,
      duplicateReportRate: 1,
      missingReportRate: 0,
    });
    const engine = processor(rail);
    engine.start();
    try {
      const first = await request(book, book.wallets[0]!, 6_000);
      expect(first).toMatchObject({ status: 'requested', amount: 6_000 });
      expect(await request(book, book.wallets[0]!, 6_000)).toMatchObject({ status: 'exists' });
      expect(await request(book, book.wallets[0]!, 1)).toMatchObject({ status: 'exists', amount: 6_000 });
      expect(await balance(book.wallets[0]!)).toBe(4_000);
      expect(await balance(book.clearing)).toBe(6_000);
      const row = await t.ctx.db
        .selectFrom('payout')
        .selectAll()
        .where('sourceAccountId', '=', book.wallets[0]!.id)
        .executeTakeFirstOrThrow();
      expect(row.payeeEnc).not.toContain('李师傅');
      expect(row.payeeAccountLast4).toBe('3445');
      await drain(engine, rail);
      const paid = await t.ctx.db
        .selectFrom('payout')
        .select(['id', 'state'])
        .where('sourceAccountId', '=', book.wallets[0]!.id)
        .executeTakeFirstOrThrow();
      expect(paid.state).toBe('paid');
      expect(rail.executions(paid.id)).toBe(1);
      expect(await balance(book.clearing)).toBe(0);
      expect(await balance(book.bank)).toBe(30_000 - 6_000);
      // Every report came twice; the second changed nothing.
      const report = await reconcileLedger(t.ctx.db, tenant.id, [payoutClearingCheck]);
      expect(report.ok).toBe(true);
      // The next period is a payout of its own.
      expect(await request(book, book.wallets[0]!, 4_000, '2026-W49')).toMatchObject({ status: 'requested' });
      await drain(engine, rail);
      expect(await balance(book.wallets[0]!)).toBe(0);
    } finally {
      await engine.stop();
      rail.close();
    }
  });

  it('refuses a payout the wallet cannot cover, and returns what the rail refuses', async () => {
    const book = await setUp('refuse', 2, 5_000);
    expect(await request(book, book.wallets[0]!, 5_001)).toEqual({
      status: 'refused',
      reason: 'exceeds_balance',
      shortfall: 1,
    });
    const rail = new SimulatedPayoutRail({ ...fast, unavailableRate: 0, lostAnswerRate: 0 });
    const engine = processor(rail);
    await request(book, book.wallets[1]!, 5_000, '2026-W48', '6222020200110000');
    await drain(engine, rail);
    const refused = await t.ctx.db
      .selectFrom('payout')
      .select(['state', 'refusal', 'id'])
      .where('sourceAccountId', '=', book.wallets[1]!.id)
      .executeTakeFirstOrThrow();
    expect(refused).toMatchObject({ state: 'refused', refusal: 'invalid_account' });
    expect(rail.executions(refused.id)).toBe(0);
    expect(await balance(book.wallets[1]!)).toBe(5_000);
    expect(await balance(book.clearing)).toBe(0);
    expect((await reconcileLedger(t.ctx.db, tenant.id, [payoutClearingCheck])).ok).toBe(true);
    rail.close();
  });

  it('under every fault, and with processors starting over (a restart), pays every payout exactly once', async () => {
    const book = await setUp('chaos', 40, 3_000, other.id);
    const faults: SimulatedPayoutRailOptions = {
      ...fast,
      seed: 11,
      unavailableRate: 0.3,
      lostAnswerRate: 0.3,
      duplicateReportRate: 0.3,
      missingReportRate: 0.3,
    };
    const rail = new SimulatedPayoutRail(faults);
    for (const wallet of book.wallets)
      await request(book, wallet, 2_500, '2026-11', '6222020200112233445', other.id);
    // Three processors one after the other, each dropped after one pass, as after a crash.
    for (let life = 0; life < 3; life++) {
      const engine = processor(rail);
      engine.start();
      await engine.runOnce();
      await engine.stop();
    }
    const engine = processor(rail);
    engine.start();
    await drain(engine, rail);
    await engine.stop();
    const payouts = await t.ctx.db
      .selectFrom('payout')
      .select(['id', 'state'])
      .where('tenantId', '=', other.id)
      .execute();
    expect(payouts).toHaveLength(40);
    expect(payouts.every((payout) => payout.state === 'paid' && rail.executions(payout.id) === 1)).toBe(true);
    expect(rail.paidOutFen).toBe(40 * 2_500);
    expect(await balance(book.bank, other.id)).toBe(40 * 3_000 - 40 * 2_500);
    const report = await reconcileLedger(t.ctx.db, other.id, [payoutClearingCheck]);
    expect(report.checks.map((check) => [check.name, check.ok])).toContainEqual([
      'payout_clearing_equals_payouts_in_flight',
      true,
    ]);
    expect(report.ok).toBe(true);
    rail.close();
  });

  it('reconcile finds clearing that does not match the payouts in flight', async () => {
    const book = await setUp('drift', 1, 1_000);
    await request(book, book.wallets[0]!, 700);
    // A transfer into clearing with no payout behind it.
    await t.ctx.db.transaction().execute((trx) =>
      applyTransfers(trx, tenant.id, [
        {
          type: 'transfer',
          id: newId(),
          debitAccountId: book.bank.id,
          creditAccountId: book.clearing.id,
          amount: 5,
          code: 'stray',
        },
      ]),
    );
    const check = await payoutClearingCheck(t.ctx.db, tenant.id);
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([
      expect.objectContaining({ code: 'drift.clearing', balance: 705, inFlight: 700 }),
    ]);
  });
});

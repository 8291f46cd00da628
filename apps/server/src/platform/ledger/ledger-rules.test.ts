import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyRequests,
  availableBalance,
  postedBalance,
  type AccountState,
  type LedgerRequest,
  type PendingState,
  type TransferRow,
} from './ledger-rules.js';

const now = new Date('2026-11-29T08:00:00Z');

function account(id: string, kind: AccountState['kind'], guarded: boolean, balance = 0): AccountState {
  const debitNormal = kind === 'asset' || kind === 'expense';
  return {
    id,
    kind,
    guarded,
    debitsPosted: debitNormal ? balance : 0,
    creditsPosted: debitNormal ? 0 : balance,
    debitsPending: 0,
    creditsPending: 0,
  };
}

/** bank (asset, the money in the bank), employer and wallet (liabilities: what we owe them). */
function book(employerFen = 10_000, walletFen = 0) {
  return new Map(
    [
      account('bank', 'asset', false, employerFen + walletFen),
      account('employer', 'liability', true, employerFen),
      account('wallet', 'liability', true, walletFen),
    ].map((a) => [a.id, a]),
  );
}

function apply(
  requests: LedgerRequest[],
  accounts = book(),
  pendings = new Map<string, PendingState>(),
  existing = new Map<string, TransferRow>(),
) {
  return applyRequests({ requests, accounts, pendings, existing, now });
}

const pay = (id: string, amount: number, extra: Partial<LedgerRequest> = {}): LedgerRequest =>
  ({
    type: 'transfer',
    id,
    debitAccountId: 'employer',
    creditAccountId: 'wallet',
    amount,
    code: 'gig.wage',
    ...extra,
  }) as LedgerRequest;

describe('transfers', () => {
  it('moves money between accounts and leaves the inputs untouched', () => {
    const accounts = book();
    const result = apply([pay('t1', 2_500)], accounts);
    expect(result.results).toEqual([expect.objectContaining({ id: 't1', status: 'created' })]);
    const after = new Map(result.accounts.map((a) => [a.id, a]));
    expect(postedBalance(after.get('employer')!)).toBe(7_500);
    expect(postedBalance(after.get('wallet')!)).toBe(2_500);
    expect(postedBalance(accounts.get('employer')!)).toBe(10_000);
  });

  it('refuses to take a guarded account below zero, naming the account and the shortfall', () => {
    const result = apply([pay('t1', 12_000)]);
    expect(result.results).toEqual([
      { id: 't1', status: 'rejected', reason: 'exceeds_balance', accountId: 'employer', shortfall: 2_000 },
    ]);
    expect(result.created).toEqual([]);
    expect(result.accounts).toEqual([]);
  });

  it('refuses amounts that are not positive whole fen, the same account twice, and unknown accounts', () => {
    const result = apply([
      pay('a', 0),
      pay('b', 1.5),
      pay('c', -3),
      pay('d', 10, { creditAccountId: 'employer' }),
      pay('e', 10, { creditAccountId: 'nobody' }),
    ]);
    expect(result.results.map((r) => (r.status === 'rejected' ? r.reason : r.status))).toEqual([
      'invalid_amount',
      'invalid_amount',
      'invalid_amount',
      'same_account',
      'account_not_found',
    ]);
  });

  it('answers a retried id with the stored transfer, and a reused id with different fields as a conflict', () => {
    const first = apply([pay('t1', 100)]);
    const stored = new Map(first.created.map((row) => [row.id, row]));
    const again = apply([pay('t1', 100), pay('t1', 999)], book(), new Map(), stored);
    expect(again.results.map((r) => r.status)).toEqual(['exists', 'rejected']);
    expect(again.results[1]).toMatchObject({ reason: 'exists_with_different_fields' });
    expect(again.created).toEqual([]);
    // The same id twice in one batch moves money once.
    const twice = apply([pay('t2', 100), pay('t2', 100)]);
    expect(twice.results.map((r) => r.status)).toEqual(['created', 'exists']);
    expect(twice.created).toHaveLength(1);
  });
});

describe('holds', () => {
  const hold = (id: string, amount: number) => pay(id, amount, { pendingTimeoutMs: 3_600_000 });

  function held(amount: number) {
    const result = apply([hold('h', amount)]);
    const accounts = book();
    for (const a of result.accounts) accounts.set(a.id, a);
    const row = result.created[0]!;
    const pendings = new Map<string, PendingState>([
      [
        'h',
        {
          id: 'h',
          debitAccountId: row.debitAccountId,
          creditAccountId: row.creditAccountId,
          amount: row.amount,
          state: 'pending',
          timeoutAt: row.timeoutAt,
          code: row.code,
        },
      ],
    ]);
    return { accounts, pendings, row };
  }

  it('reserves the money: what is held cannot be spent twice', () => {
    const { accounts, row } = held(8_000);
    expect(row).toMatchObject({
      type: 'pending',
      state: 'pending',
      timeoutAt: new Date(now.getTime() + 3_600_000),
    });
    expect(availableBalance(accounts.get('employer')!)).toBe(2_000);
    expect(postedBalance(accounts.get('employer')!)).toBe(10_000);
    const next = apply([pay('t', 3_000)], accounts);
    expect(next.results[0]).toMatchObject({ reason: 'exceeds_balance', shortfall: 1_000 });
  });

  it('posts part of a hold; the rest returns', () => {
    const { accounts, pendings } = held(8_000);
    const result = apply([{ type: 'post', id: 'p', pendingId: 'h', amount: 6_000 }], accounts, pendings);
    const after = new Map(result.accounts.map((a) => [a.id, a]));
    expect(postedBalance(after.get('employer')!)).toBe(4_000);
    expect(availableBalance(after.get('employer')!)).toBe(4_000);
    expect(postedBalance(after.get('wallet')!)).toBe(6_000);
    expect(after.get('wallet')!.creditsPending).toBe(0);
    expect(result.resolved).toEqual([{ id: 'h', state: 'posted', postedAmount: 6_000 }]);
  });

  it('voids a hold entirely, and a hold is resolved only once', () => {
    const { accounts, pendings } = held(8_000);
    const result = apply(
      [
        { type: 'void', id: 'v', pendingId: 'h' },
        { type: 'post', id: 'p', pendingId: 'h' },
      ],
      accounts,
      pendings,
    );
    expect(result.results.map((r) => (r.status === 'rejected' ? r.reason : r.status))).toEqual([
      'created',
      'pending_already_resolved',
    ]);
    const after = new Map(result.accounts.map((a) => [a.id, a]));
    expect(availableBalance(after.get('employer')!)).toBe(10_000);
  });

  it('refuses to post more than was held, or a hold whose time is up', () => {
    const { accounts, pendings } = held(8_000);
    expect(
      apply([{ type: 'post', id: 'p', pendingId: 'h', amount: 8_001 }], accounts, pendings).results[0],
    ).toMatchObject({
      reason: 'exceeds_pending_amount',
    });
    const late = new Map(pendings);
    late.set('h', { ...pendings.get('h')!, timeoutAt: new Date(now.getTime() - 1) });
    expect(apply([{ type: 'post', id: 'p', pendingId: 'h' }], accounts, late).results[0]).toMatchObject({
      reason: 'pending_expired',
    });
    expect(apply([{ type: 'expire', id: 'x', pendingId: 'h' }], accounts, late).resolved).toEqual([
      { id: 'h', state: 'expired', postedAmount: null },
    ]);
    expect(
      apply([{ type: 'post', id: 'p', pendingId: 'nope' }], accounts, pendings).results[0],
    ).toMatchObject({
      reason: 'pending_not_found',
    });
  });
});

describe('linked chains', () => {
  it('succeed or fail together', () => {
    const result = apply([
      pay('a', 4_000, { linked: true }),
      pay('b', 4_000, { linked: true }),
      pay('c', 4_000),
      pay('d', 1_000),
    ]);
    expect(result.results.map((r) => (r.status === 'rejected' ? r.reason : r.status))).toEqual([
      'linked_transfer_failed',
      'linked_transfer_failed',
      'exceeds_balance',
      'created',
    ]);
    expect(result.created.map((row) => row.id)).toEqual(['d']);
    const after = new Map(result.accounts.map((a) => [a.id, a]));
    expect(postedBalance(after.get('employer')!)).toBe(9_000);
  });

  it('refuse a chain that never ends', () => {
    const result = apply([pay('a', 1, { linked: true }), pay('b', 1, { linked: true })]);
    expect(result.results.every((r) => r.status === 'rejected' && r.reason === 'linked_chain_open')).toBe(
      true,
    );
    expect(result.created).toEqual([]);
  });
});

describe('invariants (property)', () => {
  const ids = ['bank', 'employer', 'wallet', 'fees'] as const;
  const request = fc.oneof(
    fc.record({
      type: fc.constant('transfer' as const),
      id: fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8'),
      debitAccountId: fc.constantFrom(...ids),
      creditAccountId: fc.constantFrom(...ids),
      amount: fc.integer({ min: -5, max: 6_000 }),
      code: fc.constant('x'),
      pendingTimeoutMs: fc.option(fc.constant(60_000), { nil: undefined }),
      linked: fc.boolean(),
    }),
    fc.record({
      type: fc.constantFrom('post' as const, 'void' as const),
      id: fc.constantFrom('q1', 'q2', 'q3'),
      pendingId: fc.constantFrom('r1', 'r2', 'r3', 'r4'),
      linked: fc.boolean(),
    }),
  );

  it('debits equal credits, guarded accounts never go below zero, and every change is a created transfer', () => {
    fc.assert(
      fc.property(fc.array(request, { maxLength: 25 }), (requests) => {
        const accounts = new Map(
          [
            account('bank', 'asset', false, 10_000),
            account('employer', 'liability', true, 7_000),
            account('wallet', 'liability', true, 3_000),
            account('fees', 'revenue', false, 0),
          ].map((a) => [a.id, a]),
        );
        const result = applyRequests({
          requests: requests,
          accounts,
          pendings: new Map(),
          existing: new Map(),
          now,
        });
        const final = new Map(accounts);
        for (const a of result.accounts) final.set(a.id, a);
        const sum = (pick: (a: AccountState) => number) =>
          [...final.values()].reduce((s, a) => s + pick(a), 0);
        expect(sum((a) => a.debitsPosted)).toBe(sum((a) => a.creditsPosted));
        expect(sum((a) => a.debitsPending)).toBe(sum((a) => a.creditsPending));
        for (const a of final.values()) if (a.guarded) expect(availableBalance(a)).toBeGreaterThanOrEqual(0);
        // Replaying the created transfers onto the starting book gives the same totals.
        const replay = new Map([...accounts].map(([id, a]) => [id, { ...a }]));
        for (const row of result.created) {
          const debit = replay.get(row.debitAccountId)!;
          const credit = replay.get(row.creditAccountId)!;
          if (row.type === 'single') {
            debit.debitsPosted += row.amount;
            credit.creditsPosted += row.amount;
          } else if (row.type === 'pending') {
            debit.debitsPending += row.amount;
            credit.creditsPending += row.amount;
          } else {
            const hold = result.created.find((h) => h.id === row.pendingId)!;
            debit.debitsPending -= hold.amount;
            credit.creditsPending -= hold.amount;
            if (row.type === 'post') {
              debit.debitsPosted += row.amount;
              credit.creditsPosted += row.amount;
            }
          }
        }
        expect([...replay.values()]).toEqual([...final.values()]);
        // Every result answers its request, in order.
        expect(result.results.map((r) => r.id)).toEqual(requests.map((r) => r.id));
      }),
      { numRuns: 300 },
    );
  });
});

import type { Selectable } from 'kysely';
import type {
  LedgerAccountKind,
  LedgerPendingState,
  LedgerTransferTable,
} from '../database/platform.tables.js';

/**
 * The ledger's rules as pure functions over account and pending-transfer states: what a batch of
 * transfer requests does to them, which requests are refused and why. `ledger.ts` loads the states
 * (locked), calls {@link applyRequests} and writes what it returns.
 *
 * Amounts are integer fen. Each account keeps debits and credits, posted and pending. A guarded
 * account (a wallet, an employer's funds, a guarantee deposit) may never go below zero on its
 * normal side with pending movements out counted as gone: a hold reserves the money.
 */
export interface AccountState {
  id: string;
  kind: LedgerAccountKind;
  guarded: boolean;
  debitsPosted: number;
  creditsPosted: number;
  debitsPending: number;
  creditsPending: number;
}

export interface PendingState {
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: number;
  state: LedgerPendingState;
  timeoutAt: Date | null;
  code: string;
}

interface RequestBase {
  /** Chosen by the caller and kept: asking again with the same id answers `exists`, never moves twice. */
  id: string;
  /** With `linked`, this request and the next succeed or fail together (a chain ends at one without). */
  linked?: boolean;
  reference?: string | null;
  memo?: string | null;
}

/** Moves `amount` from `creditAccountId`'s side to `debitAccountId`'s; held only, with `pendingTimeoutMs`. */
export interface TransferRequest extends RequestBase {
  type: 'transfer';
  debitAccountId: string;
  creditAccountId: string;
  amount: number;
  /** What the money is for (`gig.wage_hold`, `gig.topup` …). */
  code: string;
  /** Hold the amount until posted or voided; it is voided by itself after this long. */
  pendingTimeoutMs?: number;
}

/** Posts a held transfer, all of it or `amount` of it; the rest returns to where it came from. */
export interface PostRequest extends RequestBase {
  type: 'post';
  pendingId: string;
  amount?: number;
}

/** Releases a held transfer entirely. `expire` is the same, done by the sweep when its time is up. */
export interface VoidRequest extends RequestBase {
  type: 'void' | 'expire';
  pendingId: string;
}

export type LedgerRequest = TransferRequest | PostRequest | VoidRequest;

export type LedgerRejection =
  | 'invalid_amount'
  | 'invalid_timeout'
  | 'same_account'
  | 'account_not_found'
  | 'exceeds_balance'
  | 'pending_not_found'
  | 'pending_already_resolved'
  | 'pending_expired'
  | 'exceeds_pending_amount'
  | 'exists_with_different_fields'
  | 'linked_transfer_failed'
  | 'linked_chain_open';

/** A stored transfer row, as the engine writes it (without tenant, posted amount and time). */
export type TransferRow = Omit<Selectable<LedgerTransferTable>, 'tenantId' | 'postedAmount' | 'createdAt'>;

export type RequestResult =
  | { id: string; status: 'created'; transfer: TransferRow }
  | { id: string; status: 'exists'; transfer: TransferRow }
  | {
      id: string;
      status: 'rejected';
      reason: LedgerRejection;
      /** For `exceeds_balance`: the account short of money and by how many fen. */
      accountId?: string;
      shortfall?: number;
    };

export interface AppliedBatch {
  results: RequestResult[];
  /** New transfer rows, in request order. */
  created: TransferRow[];
  /** Accounts whose totals changed, with their new totals. */
  accounts: AccountState[];
  /** Pending transfers resolved by this batch. */
  resolved: Array<{ id: string; state: LedgerPendingState; postedAmount: number | null }>;
}

const MAX_FEN = Number.MAX_SAFE_INTEGER;

function isDebitNormal(kind: LedgerAccountKind): boolean {
  return kind === 'asset' || kind === 'expense';
}

/** What a guarded account still has to give: its balance less what is held going out. */
export function availableBalance(account: AccountState): number {
  return isDebitNormal(account.kind)
    ? account.debitsPosted - account.creditsPosted - account.creditsPending
    : account.creditsPosted - account.debitsPosted - account.debitsPending;
}

/** The posted balance on the account's normal side. */
export function postedBalance(account: AccountState): number {
  return isDebitNormal(account.kind)
    ? account.debitsPosted - account.creditsPosted
    : account.creditsPosted - account.debitsPosted;
}

function isPositiveFen(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value <= MAX_FEN;
}

/** True when a stored transfer is what this request asked for (so the request is a retry). */
function sameRequest(request: LedgerRequest, row: TransferRow): boolean {
  switch (request.type) {
    case 'transfer':
      return (
        row.type === (request.pendingTimeoutMs !== undefined ? 'pending' : 'single') &&
        row.debitAccountId === request.debitAccountId &&
        row.creditAccountId === request.creditAccountId &&
        row.amount === request.amount &&
        row.code === request.code
      );
    case 'post':
      return (
        row.type === 'post' &&
        row.pendingId === request.pendingId &&
        (request.amount === undefined || row.amount === request.amount)
      );
    case 'void':
    case 'expire':
      return row.type === request.type && row.pendingId === request.pendingId;
    default:
      return request satisfies never;
  }
}

/**
 * Applies requests in order to the given states (which must hold every account and pending transfer
 * the requests name that exists). `existing` holds already stored transfers with the requests' ids.
 * Pure: the inputs are not changed.
 */
export function applyRequests(input: {
  requests: readonly LedgerRequest[];
  accounts: ReadonlyMap<string, AccountState>;
  pendings: ReadonlyMap<string, PendingState>;
  existing: ReadonlyMap<string, TransferRow>;
  now: Date;
}): AppliedBatch {
  const accounts = new Map<string, AccountState>();
  for (const [id, account] of input.accounts) accounts.set(id, { ...account });
  const pendings = new Map<string, PendingState>();
  for (const [id, pending] of input.pendings) pendings.set(id, { ...pending });
  const known = new Map(input.existing);
  const results: RequestResult[] = [];
  const created: TransferRow[] = [];
  const touched = new Set<string>();
  const resolved = new Map<string, { id: string; state: LedgerPendingState; postedAmount: number | null }>();

  /** While a chain of several runs: how to undo each change it made, in order. */
  let journal: Array<() => void> | undefined;
  const requests = input.requests;
  for (let start = 0; start < requests.length;) {
    // A chain: this request and the following while each says `linked`.
    let end = start;
    while (end < requests.length - 1 && requests[end]!.linked) end++;
    const chain = requests.slice(start, end + 1);
    const open = chain.at(-1)!.linked === true;
    // A chain of several is undone if one of it fails: its changes are journaled while it runs.
    journal = chain.length > 1 ? [] : undefined;
    const chainResults: RequestResult[] = [];
    let failedAt = -1;
    for (const [offset, request] of chain.entries()) {
      const result = open
        ? ({ id: request.id, status: 'rejected', reason: 'linked_chain_open' } as const)
        : applyOne(request);
      chainResults.push(result);
      if (result.status === 'rejected') {
        failedAt = offset;
        break;
      }
    }
    if (failedAt >= 0 && journal) {
      for (const undo of journal.reverse()) undo();
      for (const [offset, request] of chain.entries())
        if (offset !== failedAt)
          chainResults[offset] = {
            id: request.id,
            status: 'rejected',
            reason: open ? 'linked_chain_open' : 'linked_transfer_failed',
          };
      for (let offset = chainResults.length; offset < chain.length; offset++)
        chainResults.push({
          id: chain[offset]!.id,
          status: 'rejected',
          reason: open ? 'linked_chain_open' : 'linked_transfer_failed',
        });
    }
    journal = undefined;
    results.push(...chainResults);
    start = end + 1;
  }

  return {
    results,
    created,
    accounts: [...touched].map((id) => accounts.get(id)!),
    resolved: [...resolved.values()],
  };

  function reject(
    request: LedgerRequest,
    reason: LedgerRejection,
    extra: { accountId?: string; shortfall?: number } = {},
  ): RequestResult {
    return { id: request.id, status: 'rejected', reason, ...extra };
  }

  function applyOne(request: LedgerRequest): RequestResult {
    const stored = known.get(request.id);
    if (stored)
      return sameRequest(request, stored)
        ? { id: request.id, status: 'exists', transfer: stored }
        : reject(request, 'exists_with_different_fields');
    if (request.type === 'transfer') return applyTransfer(request);
    return applyResolution(request);
  }

  function applyTransfer(request: TransferRequest): RequestResult {
    if (!isPositiveFen(request.amount)) return reject(request, 'invalid_amount');
    const pending = request.pendingTimeoutMs !== undefined;
    if (pending && !(Number.isSafeInteger(request.pendingTimeoutMs) && request.pendingTimeoutMs! > 0))
      return reject(request, 'invalid_timeout');
    if (request.debitAccountId === request.creditAccountId) return reject(request, 'same_account');
    const debit = accounts.get(request.debitAccountId);
    const credit = accounts.get(request.creditAccountId);
    if (!debit || !credit) return reject(request, 'account_not_found');
    const nextDebit = { ...debit };
    const nextCredit = { ...credit };
    if (pending) {
      nextDebit.debitsPending += request.amount;
      nextCredit.creditsPending += request.amount;
    } else {
      nextDebit.debitsPosted += request.amount;
      nextCredit.creditsPosted += request.amount;
    }
    const refused = guardRefusal(request, nextDebit) ?? guardRefusal(request, nextCredit);
    if (refused) return refused;
    commitAccounts(nextDebit, nextCredit);
    const row: TransferRow = {
      id: request.id,
      debitAccountId: request.debitAccountId,
      creditAccountId: request.creditAccountId,
      amount: request.amount,
      type: pending ? 'pending' : 'single',
      pendingId: null,
      state: pending ? 'pending' : null,
      timeoutAt: pending ? new Date(input.now.getTime() + request.pendingTimeoutMs!) : null,
      code: request.code,
      reference: request.reference ?? null,
      memo: request.memo ?? null,
    };
    if (pending)
      setPending(row.id, {
        id: row.id,
        debitAccountId: row.debitAccountId,
        creditAccountId: row.creditAccountId,
        amount: row.amount,
        state: 'pending',
        timeoutAt: row.timeoutAt,
        code: row.code,
      });
    record(row);
    return { id: request.id, status: 'created', transfer: row };
  }

  function applyResolution(request: PostRequest | VoidRequest): RequestResult {
    const pending = pendings.get(request.pendingId);
    if (!pending) return reject(request, 'pending_not_found');
    if (pending.state !== 'pending') return reject(request, 'pending_already_resolved');
    const expired = pending.timeoutAt !== null && pending.timeoutAt.getTime() <= input.now.getTime();
    if (expired && request.type !== 'expire' && request.type !== 'void')
      return reject(request, 'pending_expired');
    let postedAmount = 0;
    if (request.type === 'post') {
      postedAmount = request.amount ?? pending.amount;
      if (!isPositiveFen(postedAmount)) return reject(request, 'invalid_amount');
      if (postedAmount > pending.amount) return reject(request, 'exceeds_pending_amount');
    }
    const debit = accounts.get(pending.debitAccountId);
    const credit = accounts.get(pending.creditAccountId);
    if (!debit || !credit) return reject(request, 'account_not_found');
    const nextDebit = { ...debit, debitsPending: debit.debitsPending - pending.amount };
    const nextCredit = { ...credit, creditsPending: credit.creditsPending - pending.amount };
    nextDebit.debitsPosted += postedAmount;
    nextCredit.creditsPosted += postedAmount;
    // Releasing a hold never makes an account poorer; the check stays for symmetry with transfers.
    const refused = guardRefusal(request, nextDebit) ?? guardRefusal(request, nextCredit);
    if (refused) return refused;
    commitAccounts(nextDebit, nextCredit);
    const state: LedgerPendingState =
      request.type === 'post' ? 'posted' : request.type === 'void' ? 'voided' : 'expired';
    setPending(pending.id, { ...pending, state });
    const previous = resolved.get(pending.id);
    journal?.push(() => (previous ? resolved.set(pending.id, previous) : resolved.delete(pending.id)));
    resolved.set(pending.id, {
      id: pending.id,
      state,
      postedAmount: request.type === 'post' ? postedAmount : null,
    });
    const row: TransferRow = {
      id: request.id,
      debitAccountId: pending.debitAccountId,
      creditAccountId: pending.creditAccountId,
      amount: request.type === 'post' ? postedAmount : pending.amount,
      type: request.type,
      pendingId: pending.id,
      state: null,
      timeoutAt: null,
      code: pending.code,
      reference: request.reference ?? null,
      memo: request.memo ?? null,
    };
    record(row);
    return { id: request.id, status: 'created', transfer: row };
  }

  function guardRefusal(request: LedgerRequest, account: AccountState): RequestResult | undefined {
    if (!account.guarded) return undefined;
    const available = availableBalance(account);
    return available < 0
      ? reject(request, 'exceeds_balance', { accountId: account.id, shortfall: -available })
      : undefined;
  }

  function commitAccounts(...next: AccountState[]): void {
    for (const account of next) {
      const previous = accounts.get(account.id)!;
      const wasTouched = touched.has(account.id);
      journal?.push(() => {
        accounts.set(account.id, previous);
        if (!wasTouched) touched.delete(account.id);
      });
      accounts.set(account.id, account);
      touched.add(account.id);
    }
  }

  function setPending(id: string, state: PendingState): void {
    const previous = pendings.get(id);
    journal?.push(() => (previous ? pendings.set(id, previous) : pendings.delete(id)));
    pendings.set(id, state);
  }

  function record(row: TransferRow): void {
    journal?.push(() => {
      created.pop();
      known.delete(row.id);
    });
    created.push(row);
    known.set(row.id, row);
  }
}

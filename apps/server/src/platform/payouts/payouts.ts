import { sql, type Kysely, type Transaction } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { v5 as uuidv5 } from 'uuid';
import type { Database } from '../database/schema.js';
import type { PayoutState } from '../database/platform.tables.js';
import { newId } from '../ids.js';
import { applyTransfers, type ExtraCheck } from '../ledger/index.js';
import {
  PayoutRailUnavailableError,
  type PayoutRail,
  type PayoutRefusal,
  type PayoutReport,
} from '../payout-rail/payout-rail.js';
import type { PiiCipher } from '../privacy/index.js';

/**
 * Paying money out, exactly once (ADR 0012). A payout is a row and a ledger transfer written in one
 * transaction: the amount leaves the source account (a worker's wallet) for payout clearing. The
 * rail is called outside any transaction, with the payout id as its idempotency key, and asked
 * again with the same key until its answer is known; the outcome is written with the transfer that
 * settles it (clearing → bank: the money left our bank) or returns it (clearing → the wallet), each
 * under an id derived from the payout, guarded by the payout's state. So a crash anywhere — before
 * the call, during it, after it — ends, on the next run, with the money paid once or returned once,
 * and payout clearing always equals the payouts in flight.
 */
const PAYEE_CONTEXT = 'payout.payee';
/** Namespace of the ids of the transfers a payout's outcome writes (UUIDv5 of `<payout id>:<outcome>`). */
const OUTCOME_NAMESPACE = 'b8a4bd9e-1f5e-4b8e-9d2f-6a43c5a1e7d0';

export interface PayoutPayee {
  name: string;
  accountNo: string;
}

export interface RequestPayoutInput {
  tenantId: string;
  /** The source account's money goes out: a worker's wallet. */
  sourceAccountId: string;
  clearingAccountId: string;
  bankAccountId: string;
  /** At most one payout per source account and period (`2026-W48`, `2026-11-29`, `2026-11`). */
  periodKey: string;
  amount: number;
  payee: PayoutPayee;
  memo?: string;
}

export type RequestPayoutResult =
  | { status: 'requested' | 'exists'; payoutId: string; amount: number; state: PayoutState }
  | { status: 'refused'; reason: string; shortfall?: number };

/**
 * Records a payout and moves its amount into clearing, inside the caller's transaction; asking again
 * for the same source and period answers `exists` with the payout already there.
 */
export async function requestPayout(
  trx: Transaction<Database>,
  cipher: PiiCipher,
  input: RequestPayoutInput,
): Promise<RequestPayoutResult> {
  // Lock the two accounts in id order (the ledger's own order) before looking: two requests for one
  // wallet and period then meet here, one after the other, instead of both inserting.
  await sql`select id from ledger_account where tenant_id = ${input.tenantId}
    and id = any(${[input.sourceAccountId, input.clearingAccountId]}::uuid[]) order by id for no key update`.execute(
    trx,
  );
  const existing = await trx
    .selectFrom('payout')
    .select(['id', 'amount', 'state'])
    .where('tenantId', '=', input.tenantId)
    .where('sourceAccountId', '=', input.sourceAccountId)
    .where('periodKey', '=', input.periodKey)
    .executeTakeFirst();
  if (existing)
    return { status: 'exists', payoutId: existing.id, amount: existing.amount, state: existing.state };

  const payoutId = newId();
  const [moved] = await applyTransfers(trx, input.tenantId, [
    {
      type: 'transfer',
      id: payoutId,
      debitAccountId: input.sourceAccountId,
      creditAccountId: input.clearingAccountId,
      amount: input.amount,
      code: 'payout.out',
      reference: payoutId,
      memo: input.memo ?? null,
    },
  ]);
  if (moved!.status === 'rejected')
    return {
      status: 'refused',
      reason: moved!.reason,
      ...(moved!.shortfall !== undefined ? { shortfall: moved!.shortfall } : {}),
    };
  await trx
    .insertInto('payout')
    .values({
      tenantId: input.tenantId,
      id: payoutId,
      sourceAccountId: input.sourceAccountId,
      clearingAccountId: input.clearingAccountId,
      bankAccountId: input.bankAccountId,
      periodKey: input.periodKey,
      amount: input.amount,
      payeeEnc: cipher.encrypt(JSON.stringify(input.payee), PAYEE_CONTEXT),
      payeeAccountLast4: input.payee.accountNo.slice(-4),
      memo: input.memo ?? null,
    })
    .execute();
  return { status: 'requested', payoutId, amount: input.amount, state: 'requested' };
}

export interface PayoutProcessorOptions {
  db: Kysely<Database>;
  rail: PayoutRail;
  cipher: PiiCipher;
  log: FastifyBaseLogger;
  /** How long one rail call may take, ms (default 10 s). */
  callTimeoutMs?: number;
  /** After an accepted submit with no report yet, ask the rail after this long, ms (default 60 s). */
  queryAfterMs?: number;
  /** First delay after the rail gave no answer, doubling per attempt to 10 min (default 5 s). */
  retryBaseMs?: number;
  /** Delay before trying again after the rail gave no answer: attempt → ms (default from `retryBaseMs`). */
  retryDelayMs?: (attempt: number) => number;
  now?: () => Date;
}

/** A payout claimed for a pass: what submitting or asking about it needs. */
interface DuePayout {
  tenantId: string;
  id: string;
  state: PayoutState;
  amount: number;
  payeeEnc: string;
  memo: string | null;
  attempts: number;
}

export interface ProcessResult {
  submitted: number;
  paid: number;
  refused: number;
  retried: number;
}

/**
 * Drives payouts to their end: submits what is requested, asks about what was accepted and not
 * reported, and books reports as they come (twice, late or never — all handled). Safe to run in
 * several processes: each payout is claimed by moving its next attempt forward first.
 */
export class PayoutProcessor {
  readonly #options: Required<Omit<PayoutProcessorOptions, 'now' | 'retryBaseMs'>> & { now: () => Date };
  #unsubscribe: (() => void) | undefined;
  readonly #reports = new Set<Promise<void>>();

  constructor({ retryBaseMs = 5_000, ...options }: PayoutProcessorOptions) {
    this.#options = {
      callTimeoutMs: 10_000,
      queryAfterMs: 60_000,
      retryDelayMs: (attempt) => Math.min(600_000, retryBaseMs * 2 ** Math.max(0, attempt - 1)),
      now: () => new Date(),
      ...options,
    };
  }

  /** Listens to the rail's reports. */
  start(): void {
    this.#unsubscribe ??= this.#options.rail.onReport((report) => {
      const handling = this.handleReport(report)
        .catch((error: unknown) =>
          this.#options.log.warn({ err: error, key: report.key }, 'payout report not booked'),
        )
        .finally(() => this.#reports.delete(handling));
      this.#reports.add(handling);
    });
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await Promise.all(this.#reports);
  }

  /** One pass over the payouts that are due; the `payouts.process` sweep calls it. */
  async runOnce(limit = 200): Promise<ProcessResult> {
    const result: ProcessResult = { submitted: 0, paid: 0, refused: 0, retried: 0 };
    const now = this.#options.now();
    // Claim: push the due payouts' next attempt past the call timeout, so another process skips them.
    const due = await sql<DuePayout>`
      update payout p set next_attempt_at = ${new Date(now.getTime() + this.#options.callTimeoutMs * 3)}
      from (select tenant_id, id from payout where state in ('requested', 'submitted') and next_attempt_at <= ${now}
            order by next_attempt_at limit ${limit} for update skip locked) d
      where p.tenant_id = d.tenant_id and p.id = d.id
      returning p.tenant_id, p.id, p.state, p.amount, p.payee_enc, p.memo, p.attempts`.execute(
      this.#options.db,
    );
    for (const payout of due.rows) {
      const outcome = await this.#advance(payout);
      result[outcome]++;
    }
    return result;
  }

  /** Books a report from the rail (idempotent: a second copy finds the payout finished). */
  async handleReport(report: PayoutReport): Promise<void> {
    const payout = await this.#options.db
      .selectFrom('payout')
      .select(['tenantId', 'id'])
      .where('id', '=', report.key)
      .executeTakeFirst();
    if (!payout) return;
    if (report.state.status === 'succeeded')
      await this.#finish(payout.tenantId, payout.id, 'paid', { railReference: report.state.railReference });
    else
      await this.#finish(payout.tenantId, payout.id, 'refused', {
        railReference: report.state.railReference,
        refusal: report.state.reason,
      });
  }

  async #advance(payout: DuePayout): Promise<keyof ProcessResult> {
    const { rail, cipher, db } = this.#options;
    const signal = AbortSignal.timeout(this.#options.callTimeoutMs);
    try {
      if (payout.state === 'requested') {
        const payee = JSON.parse(cipher.decrypt(payout.payeeEnc, PAYEE_CONTEXT)) as PayoutPayee;
        const answer = await rail.submit(
          { key: payout.id, amountFen: payout.amount, payee, ...(payout.memo ? { memo: payout.memo } : {}) },
          { signal },
        );
        if (answer.status === 'refused') {
          await this.#finish(payout.tenantId, payout.id, 'refused', { refusal: answer.reason });
          return 'refused';
        }
        await db
          .updateTable('payout')
          .set({
            state: 'submitted',
            railReference: answer.railReference,
            submittedAt: this.#options.now(),
            attempts: sql`attempts + 1`,
            nextAttemptAt: new Date(this.#options.now().getTime() + this.#options.queryAfterMs),
            lastError: null,
          })
          .where('tenantId', '=', payout.tenantId)
          .where('id', '=', payout.id)
          .where('state', '=', 'requested')
          .execute();
        return 'submitted';
      }
      const state = await rail.query(payout.id, { signal });
      if (state.status === 'succeeded') {
        await this.#finish(payout.tenantId, payout.id, 'paid', { railReference: state.railReference });
        return 'paid';
      }
      if (state.status === 'failed') {
        await this.#finish(payout.tenantId, payout.id, 'refused', {
          railReference: state.railReference,
          refusal: state.reason,
        });
        return 'refused';
      }
      // Still processing — or unknown to the rail, which then never had it: submit again, same key.
      await this.#later(
        payout,
        state.status === 'unknown' ? 'requested' : 'submitted',
        `rail: ${state.status}`,
      );
      return 'retried';
    } catch (error) {
      if (!(error instanceof PayoutRailUnavailableError)) throw error;
      await this.#later(payout, payout.state, error.message);
      return 'retried';
    }
  }

  async #later(payout: { tenantId: string; id: string; attempts: number }, state: PayoutState, why: string) {
    await this.#options.db
      .updateTable('payout')
      .set({
        state,
        attempts: sql`attempts + 1`,
        nextAttemptAt: new Date(
          this.#options.now().getTime() + this.#options.retryDelayMs(payout.attempts + 1),
        ),
        lastError: why.slice(0, 500),
      })
      .where('tenantId', '=', payout.tenantId)
      .where('id', '=', payout.id)
      .where('state', 'in', ['requested', 'submitted'])
      .execute();
  }

  /** Writes the outcome and its transfer together, once: only a payout still open moves. */
  async #finish(
    tenantId: string,
    payoutId: string,
    outcome: 'paid' | 'refused',
    details: { railReference?: string; refusal?: PayoutRefusal },
  ): Promise<boolean> {
    return this.#options.db.transaction().execute(async (trx) => {
      const finished = await trx
        .updateTable('payout')
        .set({
          state: outcome,
          finishedAt: this.#options.now(),
          ...(details.railReference ? { railReference: details.railReference } : {}),
          ...(details.refusal ? { refusal: details.refusal } : {}),
        })
        .where('tenantId', '=', tenantId)
        .where('id', '=', payoutId)
        .where('state', 'in', ['requested', 'submitted'])
        .returning(['sourceAccountId', 'clearingAccountId', 'bankAccountId', 'amount'])
        .executeTakeFirst();
      if (!finished) return false;
      const [booked] = await applyTransfers(trx, tenantId, [
        {
          type: 'transfer',
          id: uuidv5(`${payoutId}:${outcome}`, OUTCOME_NAMESPACE),
          debitAccountId: finished.clearingAccountId,
          creditAccountId: outcome === 'paid' ? finished.bankAccountId : finished.sourceAccountId,
          amount: finished.amount,
          code: outcome === 'paid' ? 'payout.paid' : 'payout.returned',
          reference: payoutId,
        },
      ]);
      // Clearing holds every open payout's amount, so this cannot be short; if it were, roll back.
      if (booked!.status === 'rejected') throw new Error(`payout ${payoutId}: ${booked!.reason}`);
      return true;
    });
  }
}

/**
 * For `jiedao ledger reconcile`: each payout clearing account holds exactly the payouts in flight
 * (requested or submitted) booked through it.
 */
export const payoutClearingCheck: ExtraCheck = async (db, tenantId) => {
  const rows = await sql<{ code: string; balance: number; inFlight: number }>`
    select a.code, (a.credits_posted - a.debits_posted)::int8 as balance, coalesce(f.amount, 0)::int8 as in_flight
    from ledger_account a
    join (select distinct clearing_account_id from payout where tenant_id = ${tenantId}) c on c.clearing_account_id = a.id
    left join (select clearing_account_id, sum(amount) as amount from payout
               where tenant_id = ${tenantId} and state in ('requested', 'submitted') group by clearing_account_id) f
      on f.clearing_account_id = a.id
    where a.tenant_id = ${tenantId}`.execute(db);
  const wrong = rows.rows.filter((row) => row.balance !== row.inFlight);
  const inFlight = rows.rows.reduce((sum, row) => sum + row.inFlight, 0);
  return {
    name: 'payout_clearing_equals_payouts_in_flight',
    ok: wrong.length === 0,
    detail:
      wrong.length === 0
        ? `${rows.rows.length} clearing account(s) hold exactly the ${inFlight} fen of payouts in flight`
        : 'clearing accounts whose balance differs from their payouts in flight',
    problems: wrong,
  };
};

import { setTimeout as wait } from 'node:timers/promises';
import { createRng } from '../geo/synthetic.js';

/**
 * The payout rail: how money leaves Jiedao for a worker's bank card or wallet (a bank's batch
 * payment interface, or a payment company's "transfer to individual" API). We cannot reach one from
 * here, so the codebase ships this interface and {@link SimulatedPayoutRail}, which behaves the way
 * such rails do and the way our settlement must survive:
 *
 * - **Idempotent by key**: an instruction carries our payout id as its key; the rail executes a key
 *   at most once and answers a repeat with the first answer (a repeat with another amount or payee
 *   is refused). This is what makes "retry until sure" safe.
 * - **Asynchronous**: `submit` only accepts; the money moves later, and the outcome arrives as a
 *   report (a callback) and can be asked for with `query`.
 * - **Unreliable**: calls fail or time out *after* the rail accepted the instruction; reports come
 *   late, twice, or not at all; a few payees are refused for good (closed card, name mismatch).
 */
export interface PayoutInstruction {
  /** Our payout id: the rail's idempotency key. */
  key: string;
  amountFen: number;
  payee: { name: string; accountNo: string };
  memo?: string;
}

export type PayoutRefusal = 'invalid_account' | 'name_mismatch' | 'amount_out_of_range' | 'key_reused';

export type SubmitAnswer =
  | { status: 'accepted'; railReference: string }
  /** Refused for good: nothing was or will be paid for this key. */
  | { status: 'refused'; reason: PayoutRefusal };

export type PayoutState =
  | { status: 'unknown' }
  | { status: 'processing'; railReference: string }
  | { status: 'succeeded'; railReference: string; settledAt: Date }
  | { status: 'failed'; railReference: string; reason: PayoutRefusal };

/** A report (callback) of a payout's final outcome. May come twice, late, or never. */
export interface PayoutReport {
  key: string;
  state: Extract<PayoutState, { status: 'succeeded' | 'failed' }>;
}

/** The rail gave no answer (down, or slower than the caller waited): ask again with the same key. */
export class PayoutRailUnavailableError extends Error {
  override readonly name = 'PayoutRailUnavailableError';
  constructor(
    readonly reason: 'timeout' | 'unavailable',
    message = reason === 'timeout' ? 'payout rail timed out' : 'payout rail unavailable',
  ) {
    super(message);
  }
}

export interface PayoutRail {
  readonly name: string;
  /** Hands over an instruction. Throws {@link PayoutRailUnavailableError} when it cannot tell. */
  submit(instruction: PayoutInstruction, options?: { signal?: AbortSignal }): Promise<SubmitAnswer>;
  /** Where a key stands, as the rail sees it. Throws {@link PayoutRailUnavailableError} too. */
  query(key: string, options?: { signal?: AbortSignal }): Promise<PayoutState>;
  /** Listens to reports; returns a function that stops listening. */
  onReport(listener: (report: PayoutReport) => void): () => void;
  /** Lets go of timers and connections, for a clean shutdown. */
  close?(): void;
}

export interface SimulatedPayoutRailOptions {
  /** Seed of the simulator's randomness: the same seed, the same faults. */
  seed?: number;
  /** Answer time of `submit` and `query`, ms (uniform in the range). */
  latencyMs?: [number, number];
  /** Share of calls that fail outright before reaching the rail. */
  unavailableRate?: number;
  /** Share of accepted submits whose answer is lost: the caller sees a timeout, the rail has it. */
  lostAnswerRate?: number;
  /** Time from acceptance to the money moving, ms. */
  settleMs?: [number, number];
  /** Share of final reports sent twice; share never sent (the caller must `query`). */
  duplicateReportRate?: number;
  missingReportRate?: number;
  /** Largest single payout the rail takes (fen); default 5,000,000 (50,000 yuan). */
  maxAmountFen?: number;
}

interface RailRecord {
  instruction: PayoutInstruction;
  railReference: string;
  state: PayoutState;
  /** How many times the money was sent for this key: the simulator's own proof of "at most once". */
  executions: number;
}

/**
 * A local stand-in for a payout rail, with the faults of the real thing (see the file comment).
 * Payees whose account number ends in `0000` are refused as `invalid_account`; a payee name of
 * `查无此人` as `name_mismatch` — stable outcomes for demos and tests.
 */
export class SimulatedPayoutRail implements PayoutRail {
  readonly name = 'simulated-payout-rail';
  readonly #records = new Map<string, RailRecord>();
  readonly #listeners = new Set<(report: PayoutReport) => void>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #random: () => number;
  #sequence = 0;
  readonly options: Required<SimulatedPayoutRailOptions>;

  constructor(options: SimulatedPayoutRailOptions = {}) {
    this.options = {
      seed: 1,
      latencyMs: [5, 40],
      unavailableRate: 0.02,
      lostAnswerRate: 0.02,
      settleMs: [50, 500],
      duplicateReportRate: 0.05,
      missingReportRate: 0.02,
      maxAmountFen: 5_000_000,
      ...options,
    };
    this.#random = createRng(this.options.seed);
  }

  async submit(
    instruction: PayoutInstruction,
    options: { signal?: AbortSignal } = {},
  ): Promise<SubmitAnswer> {
    await this.#delay(options.signal);
    if (this.#chance(this.options.unavailableRate)) throw new PayoutRailUnavailableError('unavailable');
    const known = this.#records.get(instruction.key);
    let answer: SubmitAnswer;
    if (known) {
      const same =
        known.instruction.amountFen === instruction.amountFen &&
        known.instruction.payee.accountNo === instruction.payee.accountNo &&
        known.instruction.payee.name === instruction.payee.name;
      answer = !same
        ? { status: 'refused', reason: 'key_reused' }
        : known.state.status === 'failed'
          ? { status: 'refused', reason: known.state.reason }
          : { status: 'accepted', railReference: known.railReference };
    } else {
      const refusal = this.#refusalFor(instruction);
      const railReference = `SIM${String(++this.#sequence).padStart(10, '0')}`;
      if (refusal) {
        this.#records.set(instruction.key, {
          instruction,
          railReference,
          state: { status: 'failed', railReference, reason: refusal },
          executions: 0,
        });
        answer = { status: 'refused', reason: refusal };
      } else {
        this.#records.set(instruction.key, {
          instruction,
          railReference,
          state: { status: 'processing', railReference },
          executions: 0,
        });
        this.#schedule(this.#between(this.options.settleMs), () => this.#settle(instruction.key));
        answer = { status: 'accepted', railReference };
      }
    }
    if (answer.status === 'accepted' && this.#chance(this.options.lostAnswerRate))
      throw new PayoutRailUnavailableError('timeout');
    return answer;
  }

  async query(key: string, options: { signal?: AbortSignal } = {}): Promise<PayoutState> {
    await this.#delay(options.signal);
    if (this.#chance(this.options.unavailableRate)) throw new PayoutRailUnavailableError('unavailable');
    return this.#records.get(key)?.state ?? { status: 'unknown' };
  }

  onReport(listener: (report: PayoutReport) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Times the money was sent for a key (0 or 1 — never more): for tests and the crash drill. */
  executions(key: string): number {
    return this.#records.get(key)?.executions ?? 0;
  }

  /** Total fen the rail has sent out. */
  get paidOutFen(): number {
    let total = 0;
    for (const record of this.#records.values()) total += record.executions * record.instruction.amountFen;
    return total;
  }

  /** Totals for a crash drill run against the rail as its own process (`GET /stats`). */
  stats(): { paidOutFen: number; keys: number; executions: number } {
    let executions = 0;
    for (const record of this.#records.values()) executions += record.executions;
    return { paidOutFen: this.paidOutFen, keys: this.#records.size, executions };
  }

  /** Settles everything still processing at once (tests), then stops the timers. */
  flush(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const [key, record] of this.#records) if (record.state.status === 'processing') this.#settle(key);
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#listeners.clear();
  }

  #refusalFor(instruction: PayoutInstruction): PayoutRefusal | undefined {
    if (
      !Number.isSafeInteger(instruction.amountFen) ||
      instruction.amountFen <= 0 ||
      instruction.amountFen > this.options.maxAmountFen
    )
      return 'amount_out_of_range';
    if (/0000$/.test(instruction.payee.accountNo)) return 'invalid_account';
    if (instruction.payee.name === '查无此人') return 'name_mismatch';
    return undefined;
  }

  #settle(key: string): void {
    const record = this.#records.get(key);
    if (!record || record.state.status !== 'processing') return;
    record.executions += 1;
    const state = {
      status: 'succeeded' as const,
      railReference: record.railReference,
      settledAt: new Date(),
    };
    record.state = state;
    if (this.#chance(this.options.missingReportRate)) return;
    const copies = this.#chance(this.options.duplicateReportRate) ? 2 : 1;
    for (let copy = 0; copy < copies; copy++)
      this.#schedule(this.#between(this.options.latencyMs) * (copy + 1), () => {
        for (const listener of this.#listeners) listener({ key, state });
      });
  }

  #schedule(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    timer.unref();
    this.#timers.add(timer);
  }

  /** The call's latency; an abort (the caller stopped waiting) is a timeout, as on the wire. */
  async #delay(signal?: AbortSignal): Promise<void> {
    try {
      await wait(this.#between(this.options.latencyMs), undefined, signal ? { signal } : {});
    } catch {
      throw new PayoutRailUnavailableError('timeout');
    }
  }

  #between([low, high]: [number, number]): number {
    return low + this.#random() * (high - low);
  }

  #chance(rate: number): boolean {
    return rate > 0 && this.#random() < rate;
  }
}

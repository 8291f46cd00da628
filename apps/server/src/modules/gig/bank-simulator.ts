import { createRng, type Rng } from '../../platform/geo/synthetic.js';

/**
 * How employers put money into the market: a bank collection (a card debit or a corporate transfer
 * the bank confirms). No bank is reachable from here, so this is the interface and a **simulator**
 * that behaves like one: idempotent by our key (a repeat answers the first answer and charges
 * nothing more), slow at times, unavailable at times — and sometimes it charged but the answer
 * was lost, so the caller must ask again with the same key before it may book anything.
 */
export interface BankCharge {
  key: string;
  amountFen: number;
  payerName: string;
}

export interface BankChargeAnswer {
  status: 'completed';
  bankReference: string;
  amountFen: number;
}

export class BankUnavailableError extends Error {
  override readonly name = 'BankUnavailableError';
  constructor(readonly reason: 'timeout' | 'unavailable') {
    super(reason === 'timeout' ? 'bank timed out' : 'bank unavailable');
  }
}

export class BankKeyReusedError extends Error {
  override readonly name = 'BankKeyReusedError';
}

export interface BankGateway {
  readonly name: string;
  /** Charges once per key; throws {@link BankUnavailableError} when it cannot tell. */
  charge(charge: BankCharge): Promise<BankChargeAnswer>;
}

export interface SimulatedBankOptions {
  seed?: number;
  latencyMs?: [number, number];
  /** Share of calls failing before reaching the bank. */
  unavailableRate?: number;
  /** Share of charges made whose answer is lost (the caller sees a timeout). */
  lostAnswerRate?: number;
}

export class SimulatedBankGateway implements BankGateway {
  readonly name = 'bank-simulator';
  readonly #rng: Rng;
  readonly #options: Required<Omit<SimulatedBankOptions, 'seed'>>;
  readonly #charges = new Map<string, { amountFen: number; answer: BankChargeAnswer }>();
  #sequence = 0;

  constructor(options: SimulatedBankOptions = {}) {
    this.#rng = createRng(options.seed ?? 1);
    this.#options = {
      latencyMs: options.latencyMs ?? [0, 0],
      unavailableRate: options.unavailableRate ?? 0,
      lostAnswerRate: options.lostAnswerRate ?? 0,
    };
  }

  async charge(charge: BankCharge): Promise<BankChargeAnswer> {
    const [low, high] = this.#options.latencyMs;
    if (high > 0) await new Promise((resolve) => setTimeout(resolve, low + this.#rng() * (high - low)));
    if (this.#rng() < this.#options.unavailableRate) throw new BankUnavailableError('unavailable');
    let record = this.#charges.get(charge.key);
    if (record && record.amountFen !== charge.amountFen)
      throw new BankKeyReusedError(`key ${charge.key} was used for another amount`);
    if (!record) {
      this.#sequence += 1;
      record = {
        amountFen: charge.amountFen,
        answer: {
          status: 'completed',
          bankReference: `SIMBANK${String(this.#sequence).padStart(10, '0')}`,
          amountFen: charge.amountFen,
        },
      };
      this.#charges.set(charge.key, record);
      if (this.#rng() < this.#options.lostAnswerRate) throw new BankUnavailableError('timeout');
    }
    return record.answer;
  }

  /** What the simulated bank collected in total (each key once): tests compare it with the ledger. */
  collectedFen(): number {
    let total = 0;
    for (const record of this.#charges.values()) total += record.amountFen;
    return total;
  }
}

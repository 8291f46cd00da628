import { setTimeout as wait } from 'node:timers/promises';
import { createRng } from '../geo/synthetic.js';
import { localDate } from '../local-date.js';
import { normalizePhone } from '../privacy/index.js';
import {
  SmsGatewayUnavailableError,
  type SmsGateway,
  type SmsMessage,
  type SmsRefusal,
  type SmsSendAnswer,
} from './sms-gateway.js';
import { isSmsTemplate, renderSms } from './sms-templates.js';

export interface SimulatedSmsGatewayOptions {
  /** Seed of the simulator's randomness: the same seed, the same faults. */
  seed?: number;
  /** Answer time of `send`, ms (uniform in the range). */
  latencyMs?: [number, number];
  /** Share of calls that fail outright before reaching the gateway. */
  unavailableRate?: number;
  /** Share of accepted sends whose answer is lost: the caller sees a timeout, the gateway has it. */
  lostAnswerRate?: number;
  /** Share of accepted messages the handset receives twice (carriers do redeliver). */
  duplicateRate?: number;
  /** Messages one phone may receive within 60 s; default 1, the providers' usual flow control. */
  perPhonePerMinute?: number;
  /** Messages one phone may receive per calendar day (China time); default 10. */
  perPhonePerDay?: number;
  /** Numbers that unsubscribed or were reported: refused `blacklisted`. */
  blacklist?: readonly string[];
  /** Time for flow control and delivery stamps; tests move it instead of sleeping. */
  clock?: { now(): Date };
}

/** A message as the handset received it. */
export interface SmsDelivery {
  outId: string;
  phone: string;
  text: string;
  at: Date;
}

interface SentRecord {
  gatewayId: string;
  /** How many times the gateway sent this outId: the simulator's own proof of "at most once". */
  executions: number;
}

const MINUTE_MS = 60_000;

/**
 * A local stand-in for an SMS gateway, with the faults of the real thing (see {@link SmsGateway}).
 * Only accepted messages are remembered by `outId`: a refused one was not sent, so sending it again
 * is judged afresh — which is what lets a `rate_limited` message through once the minute has passed.
 * A repeat of an accepted `outId` gets the first answer even if its content differs, as providers do.
 */
export class SimulatedSmsGateway implements SmsGateway {
  readonly name = 'simulated-sms-gateway';
  /** Live settings: tests and drills may change the fault rates between calls. */
  readonly options: Required<SimulatedSmsGatewayOptions>;
  readonly #sent = new Map<string, SentRecord>();
  readonly #deliveries: SmsDelivery[] = [];
  /** Acceptance times per phone, for flow control. */
  readonly #acceptedAt = new Map<string, Date[]>();
  readonly #random: () => number;
  #sequence = 0;

  constructor(options: SimulatedSmsGatewayOptions = {}) {
    this.options = {
      seed: 1,
      latencyMs: [5, 40],
      unavailableRate: 0.02,
      lostAnswerRate: 0.02,
      duplicateRate: 0.01,
      perPhonePerMinute: 1,
      perPhonePerDay: 10,
      blacklist: [],
      clock: { now: () => new Date() },
      ...options,
    };
    this.#random = createRng(this.options.seed);
  }

  async send(message: SmsMessage, options: { signal?: AbortSignal } = {}): Promise<SmsSendAnswer> {
    await this.#delay(options.signal);
    if (this.#chance(this.options.unavailableRate)) throw new SmsGatewayUnavailableError('unavailable');
    const known = this.#sent.get(message.outId);
    const answer: SmsSendAnswer = known
      ? { status: 'accepted', gatewayId: known.gatewayId }
      : this.#accept(message);
    if (answer.status === 'accepted' && this.#chance(this.options.lostAnswerRate))
      throw new SmsGatewayUnavailableError('timeout');
    return answer;
  }

  /** Messages handsets received (of one phone, if given), in order; a duplicate appears twice. */
  delivered(phone?: string): SmsDelivery[] {
    return this.#deliveries
      .filter((delivery) => phone === undefined || delivery.phone === phone)
      .map((delivery) => ({ ...delivery }));
  }

  /** Times the gateway sent an outId (0 or 1 — never more), duplicates on the handset aside. */
  accepted(outId: string): number {
    return this.#sent.get(outId)?.executions ?? 0;
  }

  #accept(message: SmsMessage): SmsSendAnswer {
    const refusal = this.#refusalFor(message);
    if (refusal) return { status: 'refused', reason: refusal };
    // Throws on missing params, as a provider answers a malformed request with an error, not a refusal.
    const text = renderSms(message.template, message.params);
    const at = this.options.clock.now();
    const gatewayId = `SMS${String(++this.#sequence).padStart(10, '0')}`;
    this.#sent.set(message.outId, { gatewayId, executions: 1 });
    this.#acceptedAt.set(message.phone, [...this.#recentAcceptances(message.phone, at), at]);
    const copies = this.#chance(this.options.duplicateRate) ? 2 : 1;
    for (let copy = 0; copy < copies; copy++)
      this.#deliveries.push({ outId: message.outId, phone: message.phone, text, at });
    return { status: 'accepted', gatewayId };
  }

  #refusalFor(message: SmsMessage): SmsRefusal | undefined {
    // What a real gateway accepts: an 11-digit mainland mobile number, no prefix or separators.
    if (normalizePhone(message.phone) !== message.phone) return 'invalid_phone';
    if (!isSmsTemplate(message.template)) return 'unknown_template';
    if (this.options.blacklist.includes(message.phone)) return 'blacklisted';
    const now = this.options.clock.now();
    const recent = this.#recentAcceptances(message.phone, now);
    const lastMinute = recent.filter((at) => now.getTime() - at.getTime() < MINUTE_MS).length;
    const today = recent.filter((at) => localDate(at) === localDate(now)).length;
    if (lastMinute >= this.options.perPhonePerMinute || today >= this.options.perPhonePerDay)
      return 'rate_limited';
    return undefined;
  }

  /** The acceptances that still count against a phone's allowance: this minute's and today's. */
  #recentAcceptances(phone: string, now: Date): Date[] {
    const today = localDate(now);
    return (this.#acceptedAt.get(phone) ?? []).filter(
      (at) => now.getTime() - at.getTime() < MINUTE_MS || localDate(at) === today,
    );
  }

  /** The call's latency; an abort (the caller stopped waiting) is a timeout, as on the wire. */
  async #delay(signal?: AbortSignal): Promise<void> {
    try {
      await wait(this.#between(this.options.latencyMs), undefined, signal ? { signal } : {});
    } catch {
      throw new SmsGatewayUnavailableError('timeout');
    }
  }

  #between([low, high]: [number, number]): number {
    return low + this.#random() * (high - low);
  }

  #chance(rate: number): boolean {
    return rate > 0 && this.#random() < rate;
  }
}

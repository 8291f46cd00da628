import { setTimeout as wait } from 'node:timers/promises';
import {
  PayoutRailUnavailableError,
  type PayoutInstruction,
  type PayoutRail,
  type PayoutRefusal,
  type PayoutReport,
  type PayoutState,
  type SubmitAnswer,
} from './payout-rail.js';
import { isRecord } from '../is-record.js';

/**
 * A {@link PayoutRail} reached over HTTP: the client of the simulator run as its own process
 * (simulator-server.ts), so the rail outlives a Jiedao server killed mid-payout, as a bank's would.
 * It keeps the interface's promise: whenever it cannot tell what the rail did — connection refused,
 * a timeout, a 5xx, an answer it cannot read — it throws {@link PayoutRailUnavailableError}, and the
 * caller asks again with the same key. Uses Node's global fetch; no dependency.
 */
export interface HttpPayoutRailOptions {
  /** Where the simulator listens, e.g. `http://127.0.0.1:4790`. */
  baseUrl: string;
  /** Longest wait for one `submit` or `query`, ms (default 5 000); then `'timeout'`. */
  timeoutMs?: number;
  /**
   * Longest the server holds one report long poll, ms (default 20 000): when no report comes, the
   * client asks again this often. Reports that do come are delivered at once.
   */
  pollIntervalMs?: number;
}

/** A rail answer that is not an answer: a 4xx means this client sent something the rail rejects. */
export class HttpPayoutRailError extends Error {
  override readonly name = 'HttpPayoutRailError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const REFUSALS: ReadonlySet<string> = new Set<PayoutRefusal>([
  'invalid_account',
  'name_mismatch',
  'amount_out_of_range',
  'key_reused',
]);
const MAX_POLL_BACKOFF_MS = 2_000;

export class HttpPayoutRail implements PayoutRail {
  readonly name = 'http-payout-rail';
  readonly #baseUrl: string;
  readonly #timeoutMs: number;
  readonly #pollIntervalMs: number;
  readonly #listeners = new Set<(report: PayoutReport) => void>();
  /** Aborted by `close()`: ends every request in flight, the long poll included. */
  readonly #closed = new AbortController();
  /** The running poll loop's own switch; undefined while nobody listens. */
  #polling: AbortController | undefined;
  /** Last report sequence seen: kept across unsubscribe/subscribe so nothing is delivered twice. */
  #after = 0;

  constructor(options: HttpPayoutRailOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#pollIntervalMs = options.pollIntervalMs ?? 20_000;
  }

  async submit(
    instruction: PayoutInstruction,
    options: { signal?: AbortSignal } = {},
  ): Promise<SubmitAnswer> {
    const body = {
      key: instruction.key,
      amountFen: instruction.amountFen,
      payee: { name: instruction.payee.name, accountNo: instruction.payee.accountNo },
      memo: instruction.memo,
    };
    const answer = await this.#request('POST', '/payouts', body, this.#timeoutMs, options.signal);
    const parsed = parseSubmitAnswer(answer);
    if (!parsed) throw unreadable();
    return parsed;
  }

  async query(key: string, options: { signal?: AbortSignal } = {}): Promise<PayoutState> {
    const answer = await this.#request(
      'GET',
      `/payouts/${encodeURIComponent(key)}`,
      undefined,
      this.#timeoutMs,
      options.signal,
    );
    const parsed = parseState(answer);
    if (!parsed) throw unreadable();
    return parsed;
  }

  /** Starts long-polling with the first listener, stops with the last; errors are retried, never thrown. */
  onReport(listener: (report: PayoutReport) => void): () => void {
    this.#listeners.add(listener);
    this.#startPolling();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stopPolling();
    };
  }

  /** Stops polling and aborts every request in flight (they reject with `'timeout'`); later calls reject. */
  close(): void {
    this.#stopPolling();
    this.#listeners.clear();
    this.#closed.abort();
  }

  #startPolling(): void {
    if (this.#polling || this.#closed.signal.aborted) return;
    const polling = new AbortController();
    this.#polling = polling;
    void this.#poll(polling.signal);
  }

  #stopPolling(): void {
    this.#polling?.abort();
    this.#polling = undefined;
  }

  async #poll(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const answer = await this.#request(
          'GET',
          `/reports?after=${this.#after}&waitMs=${this.#pollIntervalMs}`,
          undefined,
          this.#pollIntervalMs + this.#timeoutMs,
          signal,
        );
        // Stopped while the answer was on its way: a new loop may already poll from the same cursor.
        if (signal.aborted) return;
        const page = parseReportPage(answer);
        if (!page) throw unreadable();
        failures = 0;
        this.#after = page.next;
        for (const report of page.reports) this.#deliver(report);
      } catch {
        if (signal.aborted) return;
        failures += 1;
        // Exponential with jitter, capped: a restarting rail is not hammered, and a blip costs little.
        const ceiling = Math.min(MAX_POLL_BACKOFF_MS, 100 * 2 ** Math.min(failures - 1, 10));
        // Resolves early (rejecting, ignored) when closed.
        await wait(ceiling * (0.5 + Math.random() / 2), undefined, { signal }).catch(() => undefined);
      }
    }
  }

  #deliver(report: PayoutReport): void {
    for (const listener of [...this.#listeners])
      try {
        listener(report);
      } catch {
        // A listener's failure is its own; the others and the poll loop carry on.
      }
  }

  async #request(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    timeoutMs: number,
    callerSignal: AbortSignal | undefined,
  ): Promise<unknown> {
    if (this.#closed.signal.aborted)
      throw new PayoutRailUnavailableError('unavailable', 'payout rail client closed');
    const signals = [AbortSignal.timeout(timeoutMs), this.#closed.signal];
    if (callerSignal) signals.push(callerSignal);
    const signal = AbortSignal.any(signals);
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.#baseUrl}${path}`, {
        method,
        signal,
        headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      text = await response.text();
    } catch {
      // Sent (or maybe sent) and no answer in time: the rail may have acted. Otherwise it was not reached.
      throw new PayoutRailUnavailableError(signal.aborted ? 'timeout' : 'unavailable');
    }
    if (response.status === 504) throw new PayoutRailUnavailableError('timeout');
    if (response.status >= 500) throw new PayoutRailUnavailableError('unavailable');
    if (response.status >= 400)
      throw new HttpPayoutRailError(response.status, errorMessage(response.status, text));
    if (!response.ok) throw unreadable();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw unreadable();
    }
  }
}

/** An answer we cannot read tells us nothing about what the rail did: as good as none. */
function unreadable(): PayoutRailUnavailableError {
  return new PayoutRailUnavailableError('unavailable', 'payout rail answer unreadable');
}

function errorMessage(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as unknown;
    if (isRecord(body) && typeof body.error === 'string')
      return `payout rail answered ${status}: ${body.error}`;
  } catch {
    // Not JSON: fall through to the status alone.
  }
  return `payout rail answered ${status}`;
}

function isRefusal(value: unknown): value is PayoutRefusal {
  return typeof value === 'string' && REFUSALS.has(value);
}

function parseSubmitAnswer(value: unknown): SubmitAnswer | undefined {
  if (!isRecord(value)) return undefined;
  if (value.status === 'accepted' && typeof value.railReference === 'string')
    return { status: 'accepted', railReference: value.railReference };
  if (value.status === 'refused' && isRefusal(value.reason))
    return { status: 'refused', reason: value.reason };
  return undefined;
}

/** JSON carries `settledAt` as an ISO string; the interface promises a Date. */
function parseState(value: unknown): PayoutState | undefined {
  if (!isRecord(value) || typeof value.status !== 'string') return undefined;
  if (value.status === 'unknown') return { status: 'unknown' };
  if (typeof value.railReference !== 'string') return undefined;
  const railReference = value.railReference;
  switch (value.status) {
    case 'processing':
      return { status: 'processing', railReference };
    case 'succeeded': {
      const settledAt = typeof value.settledAt === 'string' ? new Date(value.settledAt) : undefined;
      if (!settledAt || Number.isNaN(settledAt.getTime())) return undefined;
      return { status: 'succeeded', railReference, settledAt };
    }
    case 'failed':
      return isRefusal(value.reason) ? { status: 'failed', railReference, reason: value.reason } : undefined;
    default:
      return undefined;
  }
}

/** Malformed reports are skipped (the cursor still moves on): the caller queries what it misses. */
function parseReportPage(value: unknown): { reports: PayoutReport[]; next: number } | undefined {
  if (!isRecord(value) || !Array.isArray(value.reports) || !Number.isSafeInteger(value.next))
    return undefined;
  const reports: PayoutReport[] = [];
  for (const entry of value.reports as unknown[]) {
    if (!isRecord(entry) || typeof entry.key !== 'string') continue;
    const state = parseState(entry.state);
    if (state?.status === 'succeeded' || state?.status === 'failed') reports.push({ key: entry.key, state });
  }
  return { reports, next: value.next as number };
}

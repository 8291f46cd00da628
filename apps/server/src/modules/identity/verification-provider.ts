import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { normalizeIdNumber } from '../../platform/privacy/index.js';
import { checkResidentIdNumber } from './id-number.js';

/** A name + ID number pair to check against the authority's records. */
export interface RealNameVerificationRequest {
  name: string;
  idNumber: string;
}

/** Per-call options for {@link RealNameVerificationProvider.verify}. */
export interface RealNameVerificationOptions {
  /** Aborting rejects the call promptly with the signal's reason. */
  signal?: AbortSignal;
}

/** The authority's answer. `no_match` covers unknown IDs as well as wrong names: authorities do not say which. */
export interface RealNameVerificationResult {
  outcome: 'match' | 'no_match';
  /** Provider's reference for the check, kept for audit. */
  reference: string;
  /** Time the provider took to answer. */
  latencyMs: number;
}

/**
 * A real-name verification service. In production this is an authority's name + ID number check
 * (e.g. the public security identity service), reached over the network; this codebase ships only the
 * {@link SimulatedVerificationProvider}. Implementations throw {@link VerificationUnavailableError} when
 * they cannot give an answer, so callers can tell "no match" apart from "try again later".
 */
export interface RealNameVerificationProvider {
  readonly name: string;
  verify(
    request: RealNameVerificationRequest,
    options?: RealNameVerificationOptions,
  ): Promise<RealNameVerificationResult>;
}

/** Why a verification produced no answer. */
export type VerificationUnavailableReason = 'timeout' | 'unavailable';

/** The provider gave no answer (timed out or failed); the person is neither verified nor rejected. */
export class VerificationUnavailableError extends Error {
  override readonly name = 'VerificationUnavailableError';
  readonly reason: VerificationUnavailableReason;

  constructor(reason: VerificationUnavailableReason, message?: string, options?: ErrorOptions) {
    super(
      message ??
        (reason === 'timeout'
          ? 'Real-name verification timed out'
          : 'Real-name verification service is unavailable'),
      options,
    );
    this.reason = reason;
  }
}

/** Tuning for {@link SimulatedVerificationProvider}. */
export interface SimulatedVerificationProviderOptions {
  /** Lower bound of the simulated response time. */
  minLatencyMs: number;
  /** Upper bound of the simulated response time. */
  maxLatencyMs: number;
  /** Probability 0..1 that a call throws VerificationUnavailableError('unavailable') after its latency. */
  failureRate: number;
  /**
   * Source of randomness in [0, 1), injectable for deterministic tests. Each call draws exactly twice:
   * first for the latency, then for the failure decision (fails when the draw is below `failureRate`).
   */
  random?: () => number;
  /** Initial records: ID number → registered name. Copied; add more with {@link SimulatedVerificationProvider.register}. */
  register?: ReadonlyMap<string, string>;
  /**
   * Demo convenience: an ID number absent from the register matches any non-blank name, provided the
   * ID number passes {@link checkResidentIdNumber}. Registered IDs still require their exact name.
   * Leave off (the default) to behave like a real authority, where unknown IDs never match.
   */
  acceptUnknown?: boolean;
}

/** The signal's abort reason as an Error (it is a DOMException unless the caller chose otherwise). */
function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('aborted', { cause: reason });
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
function waitFor(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Settles like `promise`, unless `signal` aborts first, in which case it rejects with the signal's reason. */
function settleUnlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = (): void => reject(abortReason(signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  // Promise.race subscribes to both, so whichever loses never becomes an unhandled rejection.
  return Promise.race([promise, aborted]).finally(() => {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  });
}

function assertFiniteNonNegative(value: number, label: string): void {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`${label} must be a finite number ≥ 0, got ${value}`);
}

/**
 * A local stand-in for the authority's service, for development, demos and tests. It waits a random
 * latency (honouring the abort signal), fails at `failureRate`, then answers `match` only when its register
 * holds the ID number with exactly the given name (see `acceptUnknown` for the demo mode).
 */
export class SimulatedVerificationProvider implements RealNameVerificationProvider {
  readonly name = 'simulated';
  readonly #minLatencyMs: number;
  readonly #maxLatencyMs: number;
  readonly #failureRate: number;
  readonly #random: () => number;
  readonly #acceptUnknown: boolean;
  readonly #records = new Map<string, string>();

  constructor(options: SimulatedVerificationProviderOptions) {
    assertFiniteNonNegative(options.minLatencyMs, 'minLatencyMs');
    assertFiniteNonNegative(options.maxLatencyMs, 'maxLatencyMs');
    if (options.maxLatencyMs < options.minLatencyMs)
      throw new RangeError('maxLatencyMs must be ≥ minLatencyMs');
    if (!(options.failureRate >= 0 && options.failureRate <= 1)) {
      throw new RangeError(`failureRate must be between 0 and 1, got ${options.failureRate}`);
    }
    this.#minLatencyMs = options.minLatencyMs;
    this.#maxLatencyMs = options.maxLatencyMs;
    this.#failureRate = options.failureRate;
    this.#random = options.random ?? Math.random;
    this.#acceptUnknown = options.acceptUnknown ?? false;
    for (const [idNumber, name] of options.register ?? []) this.register(idNumber, name);
  }

  /** Records that `idNumber` belongs to `name` (replacing any earlier name). Returns this for chaining. */
  register(idNumber: string, name: string): this {
    this.#records.set(normalizeIdNumber(idNumber), name);
    return this;
  }

  /**
   * Simulates one verification call.
   * @throws VerificationUnavailableError('unavailable') at the configured failure rate.
   * @throws the signal's reason if `options.signal` aborts before the answer.
   */
  async verify(
    request: RealNameVerificationRequest,
    options: RealNameVerificationOptions = {},
  ): Promise<RealNameVerificationResult> {
    const started = performance.now();
    const latency = this.#minLatencyMs + this.#random() * (this.#maxLatencyMs - this.#minLatencyMs);
    await waitFor(latency, options.signal);
    if (this.#random() < this.#failureRate) {
      throw new VerificationUnavailableError('unavailable', 'Simulated verification service is unavailable');
    }
    return {
      outcome: this.#decide(request),
      reference: `SIM-${randomBytes(8).toString('hex').toUpperCase()}`,
      latencyMs: Math.round(performance.now() - started),
    };
  }

  #decide(request: RealNameVerificationRequest): 'match' | 'no_match' {
    const registered = this.#records.get(normalizeIdNumber(request.idNumber));
    // Exact comparison, as an authority would: a name with a typo or extra spaces is a different name.
    if (registered !== undefined) return registered === request.name ? 'match' : 'no_match';
    if (!this.#acceptUnknown) return 'no_match';
    return request.name.trim() !== '' && checkResidentIdNumber(request.idNumber).ok ? 'match' : 'no_match';
  }
}

/**
 * Wraps a provider so each call gives up after `timeoutMs`: the inner call's signal is aborted and the
 * call rejects with VerificationUnavailableError('timeout'), even if the inner provider ignores the signal.
 * A caller's own abort still rejects with the caller's reason.
 */
export function withTimeout(
  provider: RealNameVerificationProvider,
  timeoutMs: number,
): RealNameVerificationProvider {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
  return {
    name: provider.name,
    async verify(request, options = {}) {
      const callerSignal = options.signal;
      callerSignal?.throwIfAborted();
      const timeout = new AbortController();
      let timedOut: VerificationUnavailableError | undefined;
      const timer = setTimeout(() => {
        timedOut = new VerificationUnavailableError(
          'timeout',
          `${provider.name} verification did not answer within ${timeoutMs} ms`,
        );
        timeout.abort(timedOut);
      }, timeoutMs);
      const signal = callerSignal ? AbortSignal.any([callerSignal, timeout.signal]) : timeout.signal;
      try {
        return await settleUnlessAborted(provider.verify(request, { signal }), signal);
      } catch (error) {
        // The inner provider may reject with its own abort error; report our timeout consistently instead.
        if (timedOut && !callerSignal?.aborted) throw timedOut;
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

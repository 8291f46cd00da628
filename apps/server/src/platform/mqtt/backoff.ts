/**
 * Exponential backoff for reconnecting to a broker and for retrying a failed batch. MQTT.js only
 * offers a fixed `reconnectPeriod`, which hammers a broker that is restarting (every client of
 * the subdistrict at once) and waits needlessly long after a one-off network blip.
 */
export interface BackoffOptions {
  /** Delay before the first retry, in ms. */
  initialMs: number;
  /** Upper bound of any delay, in ms. */
  maxMs: number;
  /** Growth per attempt (2 doubles the delay each time). */
  factor: number;
  /**
   * Share of the delay that is randomised downwards, 0–1: 0.2 gives 80–100 % of the nominal
   * delay, so many clients cut off together do not all come back in the same instant.
   */
  jitter: number;
}

/**
 * The delay before retry number `attempt` (1 for the first retry): `initialMs × factor^(attempt−1)`,
 * capped at `maxMs`, then reduced by up to `jitter` of itself. `random` returns a number in [0, 1).
 */
export function computeBackoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  // Computed in floating point and capped before rounding, so large attempts cannot overflow.
  const nominal = Math.min(options.maxMs, options.initialMs * options.factor ** exponent);
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return Math.round(nominal * (1 - jitter * random()));
}

/** Fills in defaults and rejects settings that would make the backoff meaningless. */
export function resolveBackoffOptions(
  name: string,
  partial: Partial<BackoffOptions> | undefined,
  defaults: BackoffOptions,
): BackoffOptions {
  const options = { ...defaults, ...partial };
  if (!(options.initialMs > 0)) throw new RangeError(`${name}.initialMs must be > 0`);
  if (!(options.maxMs >= options.initialMs)) throw new RangeError(`${name}.maxMs must be ≥ initialMs`);
  if (!(options.factor >= 1)) throw new RangeError(`${name}.factor must be ≥ 1`);
  if (!(options.jitter >= 0 && options.jitter <= 1)) throw new RangeError(`${name}.jitter must be 0–1`);
  return options;
}

import { describe, expect, it } from 'vitest';
import { makeResidentIdNumber } from './id-number.js';
import {
  SimulatedVerificationProvider,
  VerificationUnavailableError,
  withTimeout,
  type RealNameVerificationProvider,
  type SimulatedVerificationProviderOptions,
} from './verification-provider.js';

const ZHANG_ID = makeResidentIdNumber({ birthDate: '1990-01-01', sequence: 123, sex: 'male' });
const LI_ID = makeResidentIdNumber({ birthDate: '1985-05-20', sequence: 42, sex: 'female' });

/** A deterministic random source that replays `values` in a loop. */
function replay(...values: number[]): () => number {
  let index = 0;
  return () => values[index++ % values.length] ?? 0;
}

function makeProvider(
  overrides: Partial<SimulatedVerificationProviderOptions> = {},
): SimulatedVerificationProvider {
  return new SimulatedVerificationProvider({
    minLatencyMs: 0,
    maxLatencyMs: 0,
    failureRate: 0,
    random: replay(0.5),
    register: new Map([[ZHANG_ID, '张三']]),
    ...overrides,
  });
}

/** Resolves to the rejection reason of `promise`, failing the test if it fulfils. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('SimulatedVerificationProvider', () => {
  it('matches a registered ID with exactly the registered name', async () => {
    const result = await makeProvider().verify({ name: '张三', idNumber: ZHANG_ID });
    expect(result.outcome).toBe('match');
    expect(result.reference).toMatch(/^SIM-[0-9A-F]{16}$/);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('issues a different reference for each call', async () => {
    const provider = makeProvider();
    const a = await provider.verify({ name: '张三', idNumber: ZHANG_ID });
    const b = await provider.verify({ name: '张三', idNumber: ZHANG_ID });
    expect(a.reference).not.toBe(b.reference);
  });

  it('finds registered IDs regardless of the case of the X check character', async () => {
    const idWithX = '11010519491231002X';
    const provider = makeProvider().register(idWithX.toLowerCase(), '王五');
    expect((await provider.verify({ name: '王五', idNumber: idWithX })).outcome).toBe('match');
  });

  it.each([
    ['another name', '李四'],
    ['extra whitespace', '张三 '],
    ['an empty name', ''],
  ])('answers no_match for a registered ID with %s', async (_label, name) => {
    expect((await makeProvider().verify({ name, idNumber: ZHANG_ID })).outcome).toBe('no_match');
  });

  it('answers no_match for an unknown ID by default', async () => {
    expect((await makeProvider().verify({ name: '李四', idNumber: LI_ID })).outcome).toBe('no_match');
  });

  it('registers entries added after construction', async () => {
    const provider = makeProvider();
    provider.register(LI_ID, '李四');
    expect((await provider.verify({ name: '李四', idNumber: LI_ID })).outcome).toBe('match');
  });

  describe('with acceptUnknown', () => {
    const provider = makeProvider({ acceptUnknown: true });

    it('matches any well-formed unknown pair', async () => {
      expect((await provider.verify({ name: '李四', idNumber: LI_ID })).outcome).toBe('match');
    });

    it('still rejects a wrong name for a registered ID', async () => {
      expect((await provider.verify({ name: '李四', idNumber: ZHANG_ID })).outcome).toBe('no_match');
    });

    it('rejects an invalid ID number or a blank name', async () => {
      const badCheckDigit = `${LI_ID.slice(0, 17)}${LI_ID.endsWith('0') ? '1' : '0'}`;
      expect((await provider.verify({ name: '李四', idNumber: badCheckDigit })).outcome).toBe('no_match');
      expect((await provider.verify({ name: '  ', idNumber: LI_ID })).outcome).toBe('no_match');
    });
  });

  it('waits a latency between the bounds chosen by random', async () => {
    // First draw 0.5 → 10 + 0.5 × 20 = 20 ms.
    const provider = makeProvider({ minLatencyMs: 10, maxLatencyMs: 30, random: replay(0.5, 0.99) });
    const started = performance.now();
    const result = await provider.verify({ name: '张三', idNumber: ZHANG_ID });
    const elapsed = performance.now() - started;
    // Timers may fire up to ~1 ms early relative to performance.now(); allow for it.
    expect(elapsed).toBeGreaterThanOrEqual(18);
    expect(result.latencyMs).toBeGreaterThanOrEqual(18);
  });

  it('fails with the configured rate, decided by the second random draw', async () => {
    const provider = makeProvider({ failureRate: 0.5, random: replay(0, 0.4, 0, 0.6) });
    const error = await rejectionOf(provider.verify({ name: '张三', idNumber: ZHANG_ID }));
    expect(error).toBeInstanceOf(VerificationUnavailableError);
    expect((error as VerificationUnavailableError).reason).toBe('unavailable');
    expect((await provider.verify({ name: '张三', idNumber: ZHANG_ID })).outcome).toBe('match');
  });

  it('always fails at rate 1 and never at rate 0', async () => {
    const failing = makeProvider({ failureRate: 1, random: Math.random });
    const healthy = makeProvider({ failureRate: 0, random: Math.random });
    for (let i = 0; i < 20; i += 1) {
      await expect(failing.verify({ name: '张三', idNumber: ZHANG_ID })).rejects.toBeInstanceOf(
        VerificationUnavailableError,
      );
      await expect(healthy.verify({ name: '张三', idNumber: ZHANG_ID })).resolves.toMatchObject({
        outcome: 'match',
      });
    }
  });

  it('rejects promptly when aborted during the latency', async () => {
    const provider = makeProvider({ minLatencyMs: 1000, maxLatencyMs: 1000 });
    const controller = new AbortController();
    const started = performance.now();
    const pending = provider.verify({ name: '张三', idNumber: ZHANG_ID }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    const error = await rejectionOf(pending);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('rejects immediately with an already aborted signal', async () => {
    const reason = new Error('caller gave up');
    const error = await rejectionOf(
      makeProvider({ minLatencyMs: 1000, maxLatencyMs: 1000 }).verify(
        { name: '张三', idNumber: ZHANG_ID },
        { signal: AbortSignal.abort(reason) },
      ),
    );
    expect(error).toBe(reason);
  });

  it.each([
    ['negative latency', { minLatencyMs: -1 }],
    ['max below min', { minLatencyMs: 10, maxLatencyMs: 5 }],
    ['failure rate above 1', { failureRate: 1.5 }],
    ['failure rate NaN', { failureRate: Number.NaN }],
  ])('rejects %s', (_label, overrides) => {
    expect(() => makeProvider(overrides)).toThrow(RangeError);
  });
});

describe('withTimeout', () => {
  it('passes answers through when the provider is fast enough', async () => {
    const provider = withTimeout(makeProvider({ minLatencyMs: 1, maxLatencyMs: 1 }), 40);
    expect(provider.name).toBe('simulated');
    expect((await provider.verify({ name: '张三', idNumber: ZHANG_ID })).outcome).toBe('match');
  });

  it('times out a slow provider with VerificationUnavailableError("timeout")', async () => {
    const provider = withTimeout(makeProvider({ minLatencyMs: 1000, maxLatencyMs: 1000 }), 10);
    const started = performance.now();
    const error = await rejectionOf(provider.verify({ name: '张三', idNumber: ZHANG_ID }));
    expect(error).toBeInstanceOf(VerificationUnavailableError);
    expect((error as VerificationUnavailableError).reason).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('times out even a provider that ignores the abort signal, and aborts its signal', async () => {
    let innerSignal: AbortSignal | undefined;
    const stubborn: RealNameVerificationProvider = {
      name: 'stubborn',
      verify: (_request, options) => {
        innerSignal = options?.signal;
        return new Promise(() => undefined);
      },
    };
    const error = await rejectionOf(withTimeout(stubborn, 10).verify({ name: '张三', idNumber: ZHANG_ID }));
    expect(error).toMatchObject({ reason: 'timeout' });
    expect((error as Error).message).toContain('stubborn');
    expect(innerSignal?.aborted).toBe(true);
  });

  it('passes through provider failures other than timeouts', async () => {
    const provider = withTimeout(makeProvider({ failureRate: 1 }), 40);
    await expect(provider.verify({ name: '张三', idNumber: ZHANG_ID })).rejects.toMatchObject({
      reason: 'unavailable',
    });
  });

  it("rejects with the caller's reason when the caller aborts first", async () => {
    const provider = withTimeout(makeProvider({ minLatencyMs: 1000, maxLatencyMs: 1000 }), 40);
    const controller = new AbortController();
    const reason = new Error('request closed');
    const pending = provider.verify({ name: '张三', idNumber: ZHANG_ID }, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 5);
    expect(await rejectionOf(pending)).toBe(reason);
  });

  it('rejects a non-positive timeout', () => {
    expect(() => withTimeout(makeProvider(), 0)).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import {
  PayoutRailUnavailableError,
  SimulatedPayoutRail,
  type PayoutInstruction,
  type PayoutReport,
} from './payout-rail.js';

const instant = { latencyMs: [0, 1] as [number, number], settleMs: [0, 2] as [number, number] };
const reliable = {
  ...instant,
  unavailableRate: 0,
  lostAnswerRate: 0,
  duplicateReportRate: 0,
  missingReportRate: 0,
};

function instruction(key: string, amountFen = 12_345, accountNo = '6222020200112233445'): PayoutInstruction {
  return { key, amountFen, payee: { name: '李师傅', accountNo }, memo: '2026-11 第4周工资' };
}

const settled = (rail: SimulatedPayoutRail) =>
  new Promise<void>((resolve) => {
    rail.flush();
    setTimeout(resolve, 10);
  });

describe('SimulatedPayoutRail', () => {
  it('accepts, then pays once and reports it; asking again with the key answers the same', async () => {
    // Settling takes a while (flushed below), so the payout is seen processing first.
    const rail = new SimulatedPayoutRail({ ...reliable, settleMs: [5_000, 6_000] });
    const reports: PayoutReport[] = [];
    rail.onReport((report) => reports.push(report));
    const first = await rail.submit(instruction('p-1'));
    expect(first).toMatchObject({
      status: 'accepted',
      railReference: expect.stringMatching(/^SIM\d{10}$/) as unknown,
    });
    expect(await rail.query('p-1')).toMatchObject({ status: 'processing' });
    expect(await rail.submit(instruction('p-1'))).toEqual(first);
    await settled(rail);
    expect(await rail.query('p-1')).toMatchObject({ status: 'succeeded' });
    expect(reports).toEqual([expect.objectContaining({ key: 'p-1' })]);
    expect(await rail.submit(instruction('p-1'))).toEqual(first);
    expect(rail.executions('p-1')).toBe(1);
    expect(rail.paidOutFen).toBe(12_345);
    rail.close();
  });

  it('refuses a key reused for another amount, bad accounts and names, and amounts out of range — paying nothing', async () => {
    const rail = new SimulatedPayoutRail(reliable);
    await rail.submit(instruction('p-2'));
    expect(await rail.submit(instruction('p-2', 99))).toEqual({ status: 'refused', reason: 'key_reused' });
    expect(await rail.submit(instruction('p-3', 100, '6222020200110000'))).toEqual({
      status: 'refused',
      reason: 'invalid_account',
    });
    expect(await rail.submit(instruction('p-3', 100, '6222020200110000'))).toEqual({
      status: 'refused',
      reason: 'invalid_account',
    });
    expect(
      await rail.submit({ ...instruction('p-4'), payee: { name: '查无此人', accountNo: '6222' } }),
    ).toEqual({
      status: 'refused',
      reason: 'name_mismatch',
    });
    expect(await rail.submit(instruction('p-5', 0))).toEqual({
      status: 'refused',
      reason: 'amount_out_of_range',
    });
    await settled(rail);
    expect(await rail.query('p-3')).toMatchObject({ status: 'failed', reason: 'invalid_account' });
    expect(rail.paidOutFen).toBe(12_345);
    rail.close();
  });

  it('gives up waiting when the caller aborts', async () => {
    const rail = new SimulatedPayoutRail({ ...reliable, latencyMs: [200, 300] });
    await expect(rail.submit(instruction('p-6'), { signal: AbortSignal.timeout(5) })).rejects.toBeInstanceOf(
      PayoutRailUnavailableError,
    );
    // Aborted before it reached the rail: the rail never heard of it.
    expect(await rail.query('p-6')).toEqual({ status: 'unknown' });
    rail.close();
  });

  it('under every fault, a client that retries with the same key until sure never pays twice (seeded)', async () => {
    const rail = new SimulatedPayoutRail({
      ...instant,
      seed: 7,
      unavailableRate: 0.3,
      lostAnswerRate: 0.3,
      duplicateReportRate: 0.5,
      missingReportRate: 0.3,
    });
    const reports: PayoutReport[] = [];
    rail.onReport((report) => reports.push(report));
    const keys = Array.from({ length: 200 }, (_, i) => `k-${i}`);
    let faults = 0;
    for (const key of keys)
      for (;;)
        try {
          await rail.submit(instruction(key, 1000));
          break;
        } catch (error) {
          expect(error).toBeInstanceOf(PayoutRailUnavailableError);
          faults++;
        }
    await settled(rail);
    // Missing reports are made good by asking.
    for (const key of keys)
      for (;;)
        try {
          expect(await rail.query(key)).toMatchObject({ status: 'succeeded' });
          break;
        } catch {
          faults++;
        }
    expect(faults).toBeGreaterThan(50);
    expect(keys.every((key) => rail.executions(key) === 1)).toBe(true);
    expect(rail.paidOutFen).toBe(200 * 1000);
    // Some reports came twice, some never.
    const counts = new Map<string, number>();
    for (const report of reports) counts.set(report.key, (counts.get(report.key) ?? 0) + 1);
    expect([...counts.values()].some((n) => n === 2)).toBe(true);
    expect(counts.size).toBeLessThan(keys.length);
    rail.close();
  });
});

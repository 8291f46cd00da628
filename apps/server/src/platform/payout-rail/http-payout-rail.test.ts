/**
 * HttpPayoutRail against the simulator served over HTTP on an ephemeral port: the same promises as
 * the in-memory rail (idempotent by key, refusals, reports) and the same fault signals (every "no
 * answer" is a PayoutRailUnavailableError with the right reason). No database. Waits poll for a
 * state; nothing asserts a duration.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpPayoutRail, HttpPayoutRailError } from './http-payout-rail.js';
import {
  PayoutRailUnavailableError,
  type PayoutInstruction,
  type PayoutReport,
  type SimulatedPayoutRailOptions,
} from './payout-rail.js';
import { startPayoutRailSimulatorServer, type PayoutRailSimulatorServer } from './simulator-server.js';

const reliable: SimulatedPayoutRailOptions = {
  latencyMs: [0, 1],
  settleMs: [5_000, 6_000],
  unavailableRate: 0,
  lostAnswerRate: 0,
  duplicateReportRate: 0,
  missingReportRate: 0,
};

function instruction(key: string, amountFen = 12_345): PayoutInstruction {
  return { key, amountFen, payee: { name: '李师傅', accountNo: '6222020200112233445' }, memo: '第4周工资' };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(
  rail: SimulatedPayoutRailOptions = {},
  client: { timeoutMs?: number; pollIntervalMs?: number } = {},
): Promise<{ server: PayoutRailSimulatorServer; client: HttpPayoutRail }> {
  const server = await startPayoutRailSimulatorServer({ port: 0, rail: { ...reliable, ...rail } });
  cleanups.push(() => server.close());
  const railClient = new HttpPayoutRail({ baseUrl: server.url, ...client });
  cleanups.push(() => railClient.close());
  return { server, client: railClient };
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  return response.json();
}

describe('HttpPayoutRail with the HTTP simulator', () => {
  it('accepts once per key: a repeat gets the same answer, another amount is refused, money moves once', async () => {
    const { server, client } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const first = await client.submit(instruction('h-1'));
    expect(first).toMatchObject({
      status: 'accepted',
      railReference: expect.stringMatching(/^SIM/) as unknown,
    });
    expect(await client.submit(instruction('h-1'))).toEqual(first);
    expect(await client.submit(instruction('h-1', 99))).toEqual({ status: 'refused', reason: 'key_reused' });
    expect(await client.query('h-1')).toEqual({ ...first, status: 'processing' });

    server.rail.flush();
    const state = await client.query('h-1');
    expect(state).toMatchObject({ status: 'succeeded' });
    expect(state.status === 'succeeded' && state.settledAt).toBeInstanceOf(Date);
    expect(server.rail.executions('h-1')).toBe(1);
    expect(await getJson(`${server.url}/executions/h-1`)).toEqual({ key: 'h-1', executions: 1 });
    expect(await getJson(`${server.url}/stats`)).toEqual({ paidOutFen: 12_345, keys: 1, executions: 1 });
    expect(await getJson(`${server.url}/healthz`)).toEqual({ status: 'ok' });
  });

  it('answers unknown for a key it never had, and carries stable refusals', async () => {
    const { client } = await start();
    expect(await client.query('never-sent')).toEqual({ status: 'unknown' });
    const refused = { ...instruction('h-2'), payee: { name: '李师傅', accountNo: '6222020200110000' } };
    expect(await client.submit(refused)).toEqual({ status: 'refused', reason: 'invalid_account' });
    expect(await client.query('h-2')).toMatchObject({ status: 'failed', reason: 'invalid_account' });
  });

  it('delivers reports through onReport by long poll, and a new subscriber does not get them again', async () => {
    const { server, client } = await start({ settleMs: [1, 5] }, { pollIntervalMs: 200 });
    const reports: PayoutReport[] = [];
    const stop = client.onReport((report) => reports.push(report));
    for (const key of ['r-1', 'r-2', 'r-3']) await client.submit(instruction(key));
    await vi.waitFor(() => expect(reports).toHaveLength(3));
    expect(reports.map((report) => report.key).sort()).toEqual(['r-1', 'r-2', 'r-3']);
    expect(reports[0]?.state).toMatchObject({ status: 'succeeded', settledAt: expect.any(Date) as unknown });
    stop();

    const later: PayoutReport[] = [];
    client.onReport((report) => later.push(report));
    await client.submit(instruction('r-4'));
    await vi.waitFor(() => expect(later).toHaveLength(1));
    expect(later[0]?.key).toBe('r-4');
    expect(server.rail.stats().executions).toBe(4);
  });

  it("passes the rail's own duplicate reports on, and adds none", async () => {
    const { client } = await start({ settleMs: [1, 5], duplicateReportRate: 1 }, { pollIntervalMs: 200 });
    const reports: PayoutReport[] = [];
    client.onReport((report) => reports.push(report));
    await client.submit(instruction('d-1'));
    await vi.waitFor(() => expect(reports).toHaveLength(2));
    expect(reports.every((report) => report.key === 'd-1')).toBe(true);
  });

  it("maps the simulator's outage to 'unavailable': nothing reached the rail", async () => {
    const { server, client } = await start({ unavailableRate: 1 });
    const error = await client.submit(instruction('u-1')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PayoutRailUnavailableError);
    expect(error).toMatchObject({ reason: 'unavailable' });
    expect(server.rail.executions('u-1')).toBe(0);
    expect(server.rail.stats().keys).toBe(0);
  });

  it("maps a lost answer to 'timeout' while the rail holds the instruction", async () => {
    const { server, client } = await start({ lostAnswerRate: 1, settleMs: [1, 5] });
    const error = await client.submit(instruction('l-1')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PayoutRailUnavailableError);
    expect(error).toMatchObject({ reason: 'timeout' });
    expect(['processing', 'succeeded']).toContain((await client.query('l-1')).status);
    await vi.waitFor(() => expect(server.rail.executions('l-1')).toBe(1));
  });

  it("gives 'unavailable' when nothing listens on the port", async () => {
    const server = await startPayoutRailSimulatorServer({ port: 0 });
    await server.close();
    const client = new HttpPayoutRail({ baseUrl: server.url });
    cleanups.push(() => client.close());
    await expect(client.submit(instruction('c-1'))).rejects.toMatchObject({
      name: 'PayoutRailUnavailableError',
      reason: 'unavailable',
    });
    await expect(client.query('c-1')).rejects.toBeInstanceOf(PayoutRailUnavailableError);
  });

  it("gives 'timeout' when the rail answers later than timeoutMs, or the caller aborts", async () => {
    const { client } = await start({ latencyMs: [400, 500] }, { timeoutMs: 50 });
    await expect(client.submit(instruction('t-1'))).rejects.toMatchObject({
      name: 'PayoutRailUnavailableError',
      reason: 'timeout',
    });
    const patient = new HttpPayoutRail({ baseUrl: (await start({ latencyMs: [400, 500] })).server.url });
    cleanups.push(() => patient.close());
    await expect(patient.query('t-2', { signal: AbortSignal.timeout(20) })).rejects.toMatchObject({
      reason: 'timeout',
    });
  });

  it('rejects malformed requests with 400 and a reason, which the client does not mistake for an outage', async () => {
    const { server } = await start();
    const badJson = await fetch(`${server.url}/payouts`, { method: 'POST', body: '{nope' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({ error: 'body is not valid JSON' });
    const missing = await fetch(`${server.url}/payouts`, {
      method: 'POST',
      body: JSON.stringify({ key: 'b-1', amountFen: 100 }),
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: expect.stringContaining('payee') as unknown });

    const client = new HttpPayoutRail({ baseUrl: server.url });
    cleanups.push(() => client.close());
    const wrong = { key: '', amountFen: 100, payee: { name: 'x', accountNo: '1' } };
    await expect(client.submit(wrong)).rejects.toBeInstanceOf(HttpPayoutRailError);
  });

  it('aborts calls in flight on close, then fails fast', async () => {
    const { client } = await start({ latencyMs: [400, 500] }, { pollIntervalMs: 10_000 });
    client.onReport(() => undefined);
    const inFlight = client.query('x');
    client.close();
    await expect(inFlight).rejects.toMatchObject({ name: 'PayoutRailUnavailableError', reason: 'timeout' });
    await expect(client.query('x')).rejects.toMatchObject({ reason: 'unavailable' });
  });
});

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  PayoutRailUnavailableError,
  SimulatedPayoutRail,
  type PayoutInstruction,
  type PayoutReport,
  type SimulatedPayoutRailOptions,
} from './payout-rail.js';
import { isRecord } from '../is-record.js';

/**
 * {@link SimulatedPayoutRail} served over HTTP, so it can run as its own process: a crash drill can
 * then SIGKILL the Jiedao server while the rail — and what it paid — stays up, as a bank's would.
 * Plain `node:http` on purpose: this is a test double, not part of the app, and must not depend on
 * the app's plugins. `HttpPayoutRail` (http-payout-rail.ts) is its client.
 *
 * - `POST /payouts` `{ key, amountFen, payee: { name, accountNo }, memo? }` → the submit answer;
 * - `GET /payouts/:key` → the payout's state (`settledAt` as an ISO string);
 * - `GET /reports?after=<seq>&waitMs=<n>` → `{ reports: [{ seq, key, state }], next }`, held up to
 *   `waitMs` (at most 60 s) until a report after `seq` exists;
 * - `GET /executions/:key` → `{ key, executions }`; `GET /stats` → `{ paidOutFen, keys, executions }`;
 *   `GET /healthz` → `{ status: 'ok' }`.
 *
 * The simulator's own faults become statuses: "unavailable" → 503, a lost answer → 504, both with
 * `{ error: reason }`. Bad requests → 400 `{ error }`.
 */
export interface PayoutRailSimulatorServerOptions {
  /** 0 picks a free port; the real one is in the returned `url`. */
  port: number;
  /** Default 127.0.0.1: the simulator has no authentication, so it stays local unless asked. */
  host?: string;
  rail?: SimulatedPayoutRailOptions;
}

export interface PayoutRailSimulatorServer {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  /** The simulator itself, for in-process tests (`executions`, `stats`, `flush`). */
  rail: SimulatedPayoutRail;
  /** Stops listening, answers waiting long polls and calls in flight, then stops the rail. */
  close(): Promise<void>;
}

/** A report as served by `GET /reports`: the sequence number is the client's cursor. */
export interface SequencedPayoutReport extends PayoutReport {
  seq: number;
}

/** Most reports in one `GET /reports` answer, so a client that starts from 0 catches up in pages. */
const REPORTS_PAGE_SIZE = 500;
const MAX_WAIT_MS = 60_000;
const MAX_BODY_BYTES = 64 * 1024;

class BadRequestError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Starts the simulator's HTTP server; resolves once it listens. */
export async function startPayoutRailSimulatorServer(
  options: PayoutRailSimulatorServerOptions,
): Promise<PayoutRailSimulatorServer> {
  const host = options.host ?? '127.0.0.1';
  const rail = new SimulatedPayoutRail(options.rail);
  // Every report the rail sends, numbered: its own duplicates and omissions are the only ones.
  const reports: SequencedPayoutReport[] = [];
  const waiters = new Set<() => void>();
  rail.onReport((report) => {
    reports.push({ seq: reports.length + 1, ...report });
    for (const wake of waiters) wake();
  });

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (error instanceof BadRequestError) send(response, error.status, { error: error.message });
      else if (error instanceof PayoutRailUnavailableError)
        send(response, error.reason === 'timeout' ? 504 : 503, { error: error.reason });
      else send(response, 500, { error: 'internal error' });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://simulator');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = request.method ?? 'GET';
    const keyMatch = /^\/(payouts|executions)\/([^/]+)$/.exec(path);

    if (path === '/payouts') {
      allow(method, 'POST');
      const instruction = parseInstruction(await readJson(request));
      // Not tied to the caller's connection: once a request has reached a rail, hanging up does not
      // take it back. The caller then sees a timeout while the rail may hold the instruction.
      send(response, 200, await rail.submit(instruction));
    } else if (keyMatch?.[1] === 'payouts') {
      allow(method, 'GET');
      send(response, 200, await rail.query(decodeKey(keyMatch[2] ?? '')));
    } else if (keyMatch?.[1] === 'executions') {
      allow(method, 'GET');
      const key = decodeKey(keyMatch[2] ?? '');
      send(response, 200, { key, executions: rail.executions(key) });
    } else if (path === '/reports') {
      allow(method, 'GET');
      const after = readInteger(url, 'after', 0, Number.MAX_SAFE_INTEGER);
      const waitMs = readInteger(url, 'waitMs', 0, MAX_WAIT_MS);
      send(response, 200, await waitForReports(after, waitMs, response));
    } else if (path === '/stats') {
      allow(method, 'GET');
      send(response, 200, rail.stats());
    } else if (path === '/healthz') {
      allow(method, 'GET');
      send(response, 200, { status: 'ok' });
    } else {
      throw new BadRequestError(`no route ${method} ${path}`, 404);
    }
  }

  /** The page after `after`, waiting up to `waitMs` for one; an empty page when none came. */
  async function waitForReports(
    requestedAfter: number,
    waitMs: number,
    response: ServerResponse,
  ): Promise<{ reports: SequencedPayoutReport[]; next: number }> {
    // A cursor past the end comes from before this simulator started (it restarted and forgot
    // everything): start that client over rather than leave it waiting forever.
    const after = requestedAfter > reports.length ? 0 : requestedAfter;
    if (reports.length <= after && waitMs > 0)
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          response.off('close', done);
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        waiters.add(done);
        response.on('close', done);
      });
    const page = reports.slice(after, after + REPORTS_PAGE_SIZE);
    return { reports: page, next: page.at(-1)?.seq ?? after };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    rail,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        // close() also drops idle keep-alive connections; waiting long polls get their (empty) answer
        // now, calls in flight theirs within the latency. A client stuck mid-request is cut after 1 s.
        const force = setTimeout(() => server.closeAllConnections(), 1_000);
        force.unref();
        server.close((error) => {
          clearTimeout(force);
          rail.close();
          if (error) reject(error);
          else resolve();
        });
        for (const wake of waiters) wake();
      });
      return closing;
    },
  };
}

function allow(method: string, expected: 'GET' | 'POST'): void {
  if (method !== expected) throw new BadRequestError(`method ${method} not allowed here`, 405);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  // The caller may have hung up (timeout, SIGKILL) while the rail was answering.
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BadRequestError('body too large', 413);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new BadRequestError('body is not valid JSON');
  }
}

/** Checks the shape only: amounts and payees are the rail's to refuse, as a real rail would. */
function parseInstruction(body: unknown): PayoutInstruction {
  if (!isRecord(body)) throw new BadRequestError('body must be a JSON object');
  const { key, amountFen, payee, memo } = body;
  if (typeof key !== 'string' || key === '') throw new BadRequestError('key must be a non-empty string');
  if (typeof amountFen !== 'number') throw new BadRequestError('amountFen must be a number');
  if (!isRecord(payee) || typeof payee.name !== 'string' || typeof payee.accountNo !== 'string')
    throw new BadRequestError('payee must be { name: string, accountNo: string }');
  if (memo !== undefined && typeof memo !== 'string') throw new BadRequestError('memo must be a string');
  return {
    key,
    amountFen,
    payee: { name: payee.name, accountNo: payee.accountNo },
    ...(memo === undefined ? {} : { memo }),
  };
}

function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BadRequestError('key is not valid percent-encoding');
  }
}

function readInteger(url: URL, name: string, fallback: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new BadRequestError(`${name} must be a non-negative integer`);
  return Math.min(value, max);
}

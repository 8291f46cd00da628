/**
 * Small helpers shared by the benchmarks in bench/: child servers, load generation, statistics,
 * tables, throw-away PostgreSQL databases and clean shutdown.
 *
 * Every child process, autocannon run, temporary directory and database created through these
 * helpers is registered for cleanup, which runs when the benchmark ends, fails, hits its time limit
 * or gets SIGINT/SIGTERM (see `runMain`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const benchDir = path.join(repoRoot, 'bench');
export const serverCli = path.join(repoRoot, 'apps/server/dist/cli.js');
export const helloWorldScript = path.join(benchDir, 'hello-world.mjs');

/** The demo data's shared password and the accounts the benchmarks sign in with. */
export const DEMO_PASSWORD = 'Jiedao@2026';
export const DEMO_DISPATCHER_PHONE = '13900000003';
export const DEMO_TENANT_ADMIN_PHONE = '13900000014';

// ---------------------------------------------------------------------------------------------
// Environment and formatting

export function envNumber(name: string, fallback: number, { min = 0 }: { min?: number } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min)
    throw new Error(`${name} must be a number ≥ ${min}, got "${raw}"`);
  return value;
}

export function envList(name: string, fallback: string[]): string[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Milliseconds since an arbitrary origin, monotonic. */
export const nowMs = () => performance.now();

export function fmt(value: number | undefined, digits = 0): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export function log(message: string): void {
  console.log(message);
}

// ---------------------------------------------------------------------------------------------
// Statistics and tables

/** The median; NaN for an empty array. */
export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function minMax(values: readonly number[]): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length === 0 ? [Number.NaN, Number.NaN] : [Math.min(...finite), Math.max(...finite)];
}

/** Prints a plain-text table; `align` sets each column's alignment (default left). */
export function printTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ('left' | 'right')[] = [],
): void {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        (align[i] ?? 'left') === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!),
      )
      .join('  ')
      .trimEnd();
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

// ---------------------------------------------------------------------------------------------
// Cleanup

type Cleanup = () => void | Promise<void>;
const cleanups: Cleanup[] = [];
const liveChildren = new Set<ChildProcess>();

/** Registers a cleanup step (run last-in, first-out); returns a function that unregisters it. */
export function onCleanup(fn: Cleanup): () => void {
  cleanups.push(fn);
  return () => {
    const index = cleanups.lastIndexOf(fn);
    if (index >= 0) cleanups.splice(index, 1);
  };
}

async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    const fn = cleanups.pop()!;
    try {
      await fn();
    } catch (error) {
      console.error(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** Sends `signal` to a child's process group (to the child alone should that fail) unless it has exited. */
export function killGroupNow(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the child leads its own process group (spawned detached)
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Runs a benchmark's main function: exits 0 when it resolves, 1 when it throws or exceeds
 * `maxMinutes`, 130/143 on SIGINT/SIGTERM — always after stopping every child process and running
 * every registered cleanup. A second Ctrl-C kills the children at once.
 */
export function runMain(main: () => Promise<void>, options: { maxMinutes: number }): void {
  let finishing = false;
  const finish = async (code: number) => {
    if (finishing) return;
    finishing = true;
    const hardStop = setTimeout(() => {
      console.error('cleanup took too long; killing child processes');
      for (const child of liveChildren) killGroupNow(child, 'SIGKILL');
      process.exit(code || 1);
    }, 60_000);
    hardStop.unref();
    await runCleanups();
    process.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals, code: number) => {
    if (finishing) {
      for (const child of liveChildren) killGroupNow(child, 'SIGKILL');
      process.exit(code);
    }
    console.error(`\n${signal}: stopping child processes and cleaning up…`);
    void finish(code);
  };
  process.on('SIGINT', () => onSignal('SIGINT', 130));
  process.on('SIGTERM', () => onSignal('SIGTERM', 143));
  process.on('exit', () => {
    for (const child of liveChildren) killGroupNow(child, 'SIGKILL');
  });
  const watchdog = setTimeout(() => {
    console.error(`time limit of ${options.maxMinutes} min exceeded (BENCH_MAX_MINUTES); stopping`);
    void finish(1);
  }, options.maxMinutes * 60_000);
  watchdog.unref();
  main().then(
    // A bench that found something sets process.exitCode and returns normally.
    () => finish(Number(process.exitCode ?? 0) || 0),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      return finish(1);
    },
  );
}

/** A fresh temporary directory, removed at cleanup. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Child processes

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  /** The monotonic time (nowMs) just before spawn. */
  spawnedAt: number;
  /** The last ~64 KiB of stdout and stderr. */
  output(): string;
  exited(): boolean;
  /** Resolves when the process has exited. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Called with each line of output and the time it arrived (nowMs). */
  onLine?: (line: string, at: number) => void;
  /** Echo the child's output to ours (e.g. a build). */
  echo?: boolean;
}

const OUTPUT_KEEP = 64 * 1024;

/**
 * Spawns a process in its own process group, captures its output, and registers it so it is
 * stopped at cleanup.
 */
export function spawnChild(options: SpawnOptions): Child {
  const spawnedAt = nowMs();
  const child = spawn(options.command, options.args, {
    cwd: options.cwd ?? repoRoot,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`Could not start ${options.name}`);
  liveChildren.add(child);
  let output = '';
  const partial = { stdout: '', stderr: '' };
  const take = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const at = nowMs();
    const text = chunk.toString('utf8');
    output = (output + text).slice(-OUTPUT_KEEP);
    if (options.echo) (stream === 'stdout' ? process.stdout : process.stderr).write(text);
    if (options.onLine) {
      const lines = (partial[stream] + text).split('\n');
      partial[stream] = lines.pop() ?? '';
      for (const line of lines) options.onLine(line, at);
    }
  };
  child.stdout?.on('data', take('stdout'));
  child.stderr?.on('data', take('stderr'));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      resolve({ code, signal });
    });
    child.once('error', () => {
      liveChildren.delete(child);
      resolve({ code: null, signal: null });
    });
  });
  const handle: Child = {
    name: options.name,
    process: child,
    pid: child.pid,
    spawnedAt,
    output: () => output,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    exit,
  };
  onCleanup(() => stopChild(handle).then(() => undefined));
  return handle;
}

/** Stops a child: SIGTERM to its process group, then SIGKILL after `graceMs`. Idempotent. */
export async function stopChild(
  child: Child,
  graceMs = 20_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stopMs: number }> {
  const start = nowMs();
  if (!child.exited()) {
    killGroupNow(child.process, 'SIGTERM');
    const timedOut = await Promise.race([child.exit.then(() => false), sleep(graceMs).then(() => true)]);
    if (timedOut) {
      console.error(`${child.name} (pid ${child.pid}) ignored SIGTERM for ${graceMs} ms; sending SIGKILL`);
      killGroupNow(child.process, 'SIGKILL');
      await Promise.race([child.exit, sleep(5000)]);
    }
  }
  const result = await Promise.race([child.exit, sleep(0).then(() => ({ code: null, signal: null }))]);
  return { ...result, stopMs: nowMs() - start };
}

/** Runs a command to completion (registered for cleanup while it runs); throws on a non-zero exit. */
export async function runToCompletion(options: SpawnOptions): Promise<number> {
  const child = spawnChild(options);
  const { code, signal } = await child.exit;
  if (code !== 0)
    throw new Error(`${options.name} failed (${signal ?? `exit ${code}`}):\n${child.output().slice(-4000)}`);
  return nowMs() - child.spawnedAt;
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** One GET over a fresh connection; the status code, or 0 when the connection failed. */
export function httpStatus(url: string, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

/**
 * Polls `url` every `pollMs` until it answers 200; returns the monotonic time of that answer.
 * Throws when the child exits first or `timeoutMs` passes. `onWait` is called every ~10 s.
 */
export async function waitForOk(
  url: string,
  child: Child,
  options: { timeoutMs: number; pollMs?: number; onWait?: (elapsedMs: number) => void },
): Promise<number> {
  const pollMs = options.pollMs ?? 25;
  const start = nowMs();
  let nextNotice = start + 10_000;
  for (;;) {
    const status = await httpStatus(url);
    const at = nowMs();
    if (status === 200) return at;
    if (child.exited())
      throw new Error(
        `${child.name} exited before ${url} answered 200. Its output:\n${child.output().slice(-4000)}`,
      );
    if (at - start > options.timeoutMs)
      throw new Error(
        `${child.name} was not ready at ${url} within ${fmtDuration(options.timeoutMs)}. Its output:\n${child
          .output()
          .slice(-4000)}`,
      );
    if (options.onWait && at >= nextNotice) {
      options.onWait(at - start);
      nextNotice += 10_000;
    }
    await sleep(pollMs);
  }
}

export interface ServerHandle {
  child: Child;
  baseUrl: string;
  port: number;
  /** From spawn to the first 200 of the readiness URL, in ms. */
  readyMs: number;
}

export interface StartServerOptions {
  name: string;
  args: readonly string[];
  port: number;
  readyPath: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  pollMs?: number;
  onLine?: (line: string, at: number) => void;
  onWait?: (elapsedMs: number) => void;
}

/** Starts `node <args>` and waits for `readyPath` to answer 200 on 127.0.0.1:`port`. */
export async function startNodeServer(options: StartServerOptions): Promise<ServerHandle> {
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const child = spawnChild({
    name: options.name,
    command: process.execPath,
    args: options.args,
    ...(options.env ? { env: options.env } : {}),
    ...(options.onLine ? { onLine: options.onLine } : {}),
  });
  try {
    const readyAt = await waitForOk(`${baseUrl}${options.readyPath}`, child, {
      timeoutMs: options.timeoutMs,
      ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
      ...(options.onWait ? { onWait: options.onWait } : {}),
    });
    return { child, baseUrl, port: options.port, readyMs: readyAt - child.spawnedAt };
  } catch (error) {
    await stopChild(child, 5000);
    throw error;
  }
}

/** The bare Fastify hello-world baseline (bench/hello-world.mjs), ready when `GET /` answers 200. */
export async function startHelloWorld(options: {
  timeoutMs: number;
  pollMs?: number;
}): Promise<ServerHandle> {
  const port = await freePort();
  return startNodeServer({
    name: 'hello-world',
    args: [helloWorldScript, String(port)],
    port,
    readyPath: '/',
    timeoutMs: options.timeoutMs,
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
  });
}

/** The environment for a Jiedao child: ours without settings that would change what it runs against. */
export function jiedaoEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'JIEDAO_DATA_DIR', 'JIEDAO_DATA_KEY', 'PORT', 'HOST', 'JIEDAO_WEB_DIR'])
    delete env[name];
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}

export interface JiedaoStartOptions {
  dataDir: string;
  databaseUrl?: string;
  /** Serve with the demo data (`--demo`); default true. */
  demo?: boolean;
  /** The readiness URL's path; default `/readyz`. */
  readyPath?: string;
  env?: Record<string, string>;
  timeoutMs: number;
  pollMs?: number;
  name?: string;
  onLine?: (line: string, at: number) => void;
  onWait?: (elapsedMs: number) => void;
}

/**
 * `node apps/server/dist/cli.js serve --demo` on 127.0.0.1, ready when `/readyz` answers 200
 * (`demo: false` drops `--demo`; `readyPath` waits for another path).
 */
export async function startJiedao(options: JiedaoStartOptions): Promise<ServerHandle> {
  const port = await freePort();
  const args = [
    serverCli,
    'serve',
    ...(options.demo === false ? [] : ['--demo']),
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--data-dir',
    options.dataDir,
    ...(options.databaseUrl ? ['--database-url', options.databaseUrl] : []),
  ];
  return startNodeServer({
    name: options.name ?? 'jiedao',
    args,
    port,
    readyPath: options.readyPath ?? '/readyz',
    env: jiedaoEnv(options.env ?? {}),
    timeoutMs: options.timeoutMs,
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.onLine ? { onLine: options.onLine } : {}),
    ...(options.onWait ? { onWait: options.onWait } : {}),
  });
}

/** Peak (VmHWM) and current (VmRSS) resident memory of a live process, in MiB, from /proc. */
export function processMemory(pid: number): { peakMiB: number; rssMiB: number } {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return { peakMiB: Number.NaN, rssMiB: Number.NaN };
  }
  const kib = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return match ? Number(match[1]) / 1024 : Number.NaN;
  };
  return { peakMiB: kib('VmHWM'), rssMiB: kib('VmRSS') };
}

// ---------------------------------------------------------------------------------------------
// The product

/** Builds the server (`npm run build:server`) when apps/server/dist is missing; warns when it looks stale. */
export async function ensureServerBuilt(): Promise<void> {
  if (!fs.existsSync(serverCli)) {
    log('apps/server/dist is missing: running `npm run build:server` …');
    const ms = await runToCompletion({
      name: 'npm run build:server',
      command: 'npm',
      args: ['run', 'build:server'],
    });
    log(`built in ${fmtDuration(ms)}`);
    return;
  }
  const builtAt = fs.statSync(serverCli).mtimeMs;
  const newest = newestMtime(path.join(repoRoot, 'apps/server/src'));
  if (newest > builtAt)
    log(
      'note: apps/server/src has changes newer than apps/server/dist; run `npm run build:server` to measure them.',
    );
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Signs in and returns the `Cookie` header value carrying the session. */
export async function login(baseUrl: string, phone: string, password = DEMO_PASSWORD): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone, password }),
    signal: AbortSignal.timeout(30_000),
  });
  if (response.status !== 200)
    throw new Error(`login as ${phone} answered ${response.status}: ${await response.text()}`);
  const session = response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0] ?? '')
    .find((pair) => pair.startsWith('jiedao_sid='));
  if (!session) throw new Error('login answered 200 without a jiedao_sid cookie');
  return session;
}

/** GET returning parsed JSON; throws on a non-200 answer. */
export async function getJson(url: string, headers: Record<string, string> = {}): Promise<unknown> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
  if (response.status !== 200)
    throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

// ---------------------------------------------------------------------------------------------
// Load generation

export interface LoadResult {
  /** Mean requests per second over the run (autocannon's requests.average). */
  reqPerSec: number;
  /** Latency percentiles over every response of the run, in ms. */
  p50Ms: number;
  p99Ms: number;
  totalRequests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** Runs autocannon against one URL (loopback only) and summarises the result. */
export function runLoad(options: {
  url: string;
  connections: number;
  durationS: number;
  headers?: Record<string, string>;
  title?: string;
}): Promise<LoadResult> {
  const { hostname } = new URL(options.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(hostname))
    throw new Error(`refusing to load ${options.url}: benchmarks only send loopback traffic`);
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationS,
        headers: options.headers ?? {},
        ...(options.title ? { title: options.title } : {}),
      },
      (error: unknown, result) => {
        unregister();
        if (error) {
          reject(error instanceof Error ? error : new Error(`autocannon failed: ${JSON.stringify(error)}`));
          return;
        }
        // autocannon's own histogram has whole-millisecond resolution; ours keeps the fractions.
        const sorted = Float64Array.from(latencies).sort();
        resolve({
          reqPerSec: result.requests.average,
          p50Ms: sorted.length > 0 ? percentile(sorted, 50) : result.latency.p50,
          p99Ms: sorted.length > 0 ? percentile(sorted, 99) : result.latency.p99,
          totalRequests: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
        });
      },
    );
    const latencies: number[] = [];
    instance.on('response', (_client, _statusCode, _bytes, responseTimeMs) => {
      latencies.push(responseTimeMs);
    });
    const unregister = onCleanup(() => instance.stop());
  });
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

// ---------------------------------------------------------------------------------------------
// Results

/**
 * Prints a run's figures as one JSON line headed by the bench, the date and the machine, and with
 * BENCH_SAVE=1 writes them to bench/results/ (git-ignored). `roundLoadAverage` rounds the load
 * averages to two decimals.
 */
export function emitJson(
  bench: string,
  figures: Record<string, unknown>,
  options: { roundLoadAverage?: boolean } = {},
): void {
  const loadAverage = os.loadavg();
  const json = {
    bench,
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadAverage: options.roundLoadAverage ? loadAverage.map((v) => Math.round(v * 100) / 100) : loadAverage,
    ...figures,
  };
  console.log(JSON.stringify(json));
  if (process.env.BENCH_SAVE !== '1') return;
  const dir = path.join(benchDir, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${bench}-${json.date.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  log(`saved ${path.relative(process.cwd(), file)}`);
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/** The maintenance connection used to create and drop benchmark databases (env BENCH_PG_ADMIN_URL). */
export const pgAdminUrl = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: pgAdminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** True when the maintenance database answers. */
/** The database backends a benchmark can run Jiedao on. */
export const BACKENDS = ['pglite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

/** BENCH_BACKENDS (comma-separated), checked against the known backends. */
export function requestedBackends(defaults: readonly Backend[]): Backend[] {
  const requested = envList('BENCH_BACKENDS', [...defaults]);
  for (const backend of requested)
    if (!(BACKENDS as readonly string[]).includes(backend))
      throw new Error(`BENCH_BACKENDS: unknown backend "${backend}" (use ${BACKENDS.join(',')})`);
  return requested as Backend[];
}

/** The requested backends that can run here: PostgreSQL only when it answers. */
export async function reachableBackends(requested: readonly Backend[]): Promise<Backend[]> {
  const backends: Backend[] = [];
  for (const backend of requested) {
    if (backend === 'postgres' && !(await postgresReachable())) {
      log('warning: PostgreSQL is not reachable (BENCH_PG_ADMIN_URL); skipping the postgres backend');
      continue;
    }
    backends.push(backend);
  }
  return backends;
}

export async function postgresReachable(): Promise<boolean> {
  try {
    await withAdmin((client) => client.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

function databaseUrl(name: string): string {
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Creates an empty database, dropped at cleanup unless `keep()` is called first (e.g. to leave a
 * failed run's data for inspection); returns its URL.
 */
export async function createKeepableDatabase(name: string): Promise<{ url: string; keep: () => void }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name "${name}"`);
  await withAdmin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  const keep = onCleanup(() => dropDatabase(name));
  return { url: databaseUrl(name), keep };
}

/** Creates an empty database (dropped at cleanup) and returns its URL. */
export async function createDatabase(name: string): Promise<string> {
  return (await createKeepableDatabase(name)).url;
}

export async function dropDatabase(name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name "${name}"`);
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

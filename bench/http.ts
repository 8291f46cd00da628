/**
 * HTTP throughput of the real server against a bare Fastify hello-world measured in the same run.
 *
 *   npx tsx bench/http.ts
 *
 * Env: BENCH_DURATION (s, default 10), BENCH_CONNECTIONS (10), BENCH_ROUNDS (3),
 * BENCH_BACKENDS (pglite,postgres), BENCH_WARMUP (s per target before round 1, default 2),
 * BENCH_READY_TIMEOUT (s, 300), BENCH_MAX_MINUTES (hard limit), BENCH_PG_ADMIN_URL.
 *
 * Each round measures hello-world, then for each backend `GET /healthz` and the authenticated
 * `GET /api/places/communities/:id` (dispatcher's session cookie). Figures are medians over rounds;
 * ratios are to the hello-world median. Never fails on a figure: the target is informational.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  benchDir,
  createDatabase,
  DEMO_DISPATCHER_PHONE,
  ensureServerBuilt,
  envNumber,
  fmt,
  fmtDuration,
  getJson,
  log,
  login,
  median,
  minMax,
  nowMs,
  reachableBackends,
  requestedBackends,
  BACKENDS,
  type Backend,
  printTable,
  runLoad,
  runMain,
  startHelloWorld,
  startJiedao,
  stopChild,
  tempDir,
  type LoadResult,
  type ServerHandle,
} from './lib.js';

const TARGET_RATIO = 0.15;

const durationS = envNumber('BENCH_DURATION', 10, { min: 1 });
const connections = envNumber('BENCH_CONNECTIONS', 10, { min: 1 });
const rounds = Math.round(envNumber('BENCH_ROUNDS', 3, { min: 1 }));
const warmupS = envNumber('BENCH_WARMUP', 2);
const readyTimeoutMs = envNumber('BENCH_READY_TIMEOUT', 300, { min: 1 }) * 1000;
const requested = requestedBackends(BACKENDS);

interface Target {
  key: string;
  label: string;
  backend: Backend | '-';
  url: string;
  headers: Record<string, string>;
  results: LoadResult[];
}

const AUTH_READ = 'GET /api/places/communities/:id';

async function startBackend(backend: Backend): Promise<{ server: ServerHandle; targets: Target[] }> {
  const dataDir = tempDir(`jiedao-bench-http-${backend}-`);
  let databaseUrl: string | undefined;
  if (backend === 'postgres') databaseUrl = await createDatabase(`jiedao_bench_${process.pid}`);
  log(`starting Jiedao on ${backend} (serve --demo, fresh ${databaseUrl ? 'database' : 'data dir'}) …`);
  const server = await startJiedao({
    name: `jiedao-${backend}`,
    dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
    env: { JIEDAO_LOGIN_RATE_LIMIT: '1000' },
    timeoutMs: readyTimeoutMs,
    onWait: (ms) => log(`  … still starting (${fmtDuration(ms)})`),
  });
  log(`  ready at ${server.baseUrl} after ${fmtDuration(server.readyMs)} (pid ${server.child.pid})`);

  const cookie = await login(server.baseUrl, DEMO_DISPATCHER_PHONE);
  const headers = { cookie };
  const communities = await getJson(`${server.baseUrl}/api/places/communities`, headers);
  if (!Array.isArray(communities) || communities.length === 0)
    throw new Error(`${backend}: GET /api/places/communities returned no communities`);
  const first = communities[0] as { id?: unknown; name?: unknown };
  if (typeof first.id !== 'string') throw new Error(`${backend}: a community without an id`);
  const detailUrl = `${server.baseUrl}/api/places/communities/${first.id}`;
  const detail = (await getJson(detailUrl, headers)) as { grids?: unknown };
  if (!Array.isArray(detail.grids)) throw new Error(`${backend}: community detail without grids`);
  log(
    `  signed in as dispatcher ${DEMO_DISPATCHER_PHONE}; community ${String(first.name)} (${first.id}) has ${detail.grids.length} grids`,
  );
  return {
    server,
    targets: [
      {
        key: `healthz-${backend}`,
        label: 'GET /healthz',
        backend,
        url: `${server.baseUrl}/healthz`,
        headers: {},
        results: [],
      },
      { key: `community-${backend}`, label: AUTH_READ, backend, url: detailUrl, headers, results: [] },
    ],
  };
}

async function main(): Promise<void> {
  await ensureServerBuilt();
  const backends = await reachableBackends(requested);

  log(
    `HTTP benchmark: ${rounds} round(s) × ${durationS} s × ${connections} connections; backends: ${backends.join(', ') || 'none'}; ${os.cpus().length} CPUs, node ${process.version}`,
  );
  const hello = await startHelloWorld({ timeoutMs: readyTimeoutMs });
  log(`hello-world baseline ready at ${hello.baseUrl}`);
  const targets: Target[] = [
    {
      key: 'hello',
      label: 'hello-world GET /',
      backend: '-',
      url: `${hello.baseUrl}/`,
      headers: {},
      results: [],
    },
  ];
  const servers: ServerHandle[] = [hello];
  for (const backend of backends) {
    const started = await startBackend(backend);
    servers.push(started.server);
    targets.push(...started.targets);
  }

  if (warmupS > 0) {
    log(`warming up each target for ${warmupS} s …`);
    for (const target of targets)
      await runLoad({ url: target.url, connections, durationS: warmupS, headers: target.headers });
  }

  const total = rounds * targets.length;
  const started = nowMs();
  let step = 0;
  for (let round = 1; round <= rounds; round++) {
    for (const target of targets) {
      step++;
      const left = (total - step + 1) * durationS * 1000;
      process.stdout.write(
        `[${step}/${total} · round ${round}/${rounds} · ~${fmtDuration(left)} left] ${target.label} (${target.backend}) … `,
      );
      const result = await runLoad({ url: target.url, connections, durationS, headers: target.headers });
      target.results.push(result);
      const problems =
        result.non2xx + result.errors > 0 ? `  ⚠ ${result.non2xx} non-2xx, ${result.errors} errors` : '';
      log(
        `${fmt(result.reqPerSec)} req/s, p50 ${fmt(result.p50Ms, 2)} ms, p99 ${fmt(result.p99Ms, 2)} ms${problems}`,
      );
    }
  }
  log(`measured in ${fmtDuration(nowMs() - started)}\n`);

  const helloResults = targets[0]!.results;
  const summary = targets.map((target) => {
    const rps = target.results.map((r) => r.reqPerSec);
    const [low, high] = minMax(rps);
    return {
      target: target.label,
      backend: target.backend,
      reqPerSec: median(rps),
      reqPerSecMin: low,
      reqPerSecMax: high,
      p50Ms: median(target.results.map((r) => r.p50Ms)),
      p99Ms: median(target.results.map((r) => r.p99Ms)),
      non2xx: target.results.reduce((sum, r) => sum + r.non2xx, 0),
      errors: target.results.reduce((sum, r) => sum + r.errors, 0),
      ratio: Number.NaN,
      // Each round's figure over the same round's hello-world: steadier when the machine's load drifts.
      roundRatio: median(
        target.results.map((r, i) => r.reqPerSec / (helloResults[i]?.reqPerSec ?? Number.NaN)),
      ),
    };
  });
  const baseline = summary[0]!.reqPerSec;
  for (const row of summary) row.ratio = row.reqPerSec / baseline;

  log(
    `Medians over ${rounds} round(s) of ${durationS} s at ${connections} connections (× hello-world = median req/s ÷ hello-world's median req/s; per-round × = median of each round's own ratio):`,
  );
  printTable(
    ['target', 'backend', 'req/s', 'min–max req/s', 'p50 ms', 'p99 ms', '× hello-world', 'per-round ×'],
    summary.map((row) => [
      row.target,
      row.backend,
      fmt(row.reqPerSec),
      `${fmt(row.reqPerSecMin)}–${fmt(row.reqPerSecMax)}`,
      fmt(row.p50Ms, 2),
      fmt(row.p99Ms, 2),
      `${fmt(row.ratio, 3)}×`,
      `${fmt(row.roundRatio, 3)}×`,
    ]),
    ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  const failing = summary.filter((row) => row.non2xx + row.errors > 0);
  for (const row of failing)
    log(
      `⚠ ${row.target} (${row.backend}): ${row.non2xx} non-2xx answers and ${row.errors} errors — its figure is suspect`,
    );

  const pgRead = summary.find((row) => row.target === AUTH_READ && row.backend === 'postgres');
  let targetMet: boolean | null = null;
  if (pgRead) {
    targetMet = pgRead.ratio >= TARGET_RATIO && pgRead.non2xx + pgRead.errors === 0;
    log(
      `\nTarget: authenticated read on PostgreSQL ≥ ${TARGET_RATIO}× hello-world — measured ${fmt(pgRead.ratio, 3)}× (per-round median ${fmt(pgRead.roundRatio, 3)}×) → ${targetMet ? 'MET' : 'NOT MET'} (informational)`,
    );
  } else log('\nTarget: not evaluated (the postgres backend was not measured)');

  const json = {
    bench: 'http',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    durationS,
    connections,
    rounds,
    results: summary.map((row) => ({
      target: row.target,
      backend: row.backend,
      reqPerSec: Math.round(row.reqPerSec),
      p50Ms: Number(row.p50Ms.toFixed(3)),
      p99Ms: Number(row.p99Ms.toFixed(3)),
      ratio: Number(row.ratio.toFixed(4)),
      roundRatio: Number(row.roundRatio.toFixed(4)),
      non2xx: row.non2xx,
      errors: row.errors,
    })),
    target: {
      ratio: TARGET_RATIO,
      measured: pgRead ? Number(pgRead.ratio.toFixed(4)) : null,
      met: targetMet,
    },
  };
  console.log(JSON.stringify(json));
  if (process.env.BENCH_SAVE === '1') {
    const dir = path.join(benchDir, 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `http-${json.date.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
    log(`saved ${path.relative(process.cwd(), file)}`);
  }

  for (const server of servers.reverse()) await stopChild(server.child);
}

const estimateMinutes =
  (requested.length * readyTimeoutMs) / 60_000 +
  (rounds * (1 + 2 * requested.length) * (durationS + 2) + 5 * warmupS) / 60 +
  5;
runMain(main, { maxMinutes: envNumber('BENCH_MAX_MINUTES', Math.ceil(estimateMinutes), { min: 1 }) });

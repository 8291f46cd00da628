/**
 * Cold start of the product: `node apps/server/dist/cli.js serve --demo` on an EMPTY data directory,
 * from spawn to the first 200 of /readyz (so it includes migrations and the demo seed), plus the
 * process's peak memory; then a warm restart on the same data directory. The baseline, measured in
 * the same run, is the bare Fastify hello-world's spawn → first 200.
 *
 *   npx tsx bench/cold-start.ts
 *
 * Env: BENCH_ROUNDS (default 3), BENCH_BACKENDS (default pglite; pglite,postgres adds PostgreSQL
 * with a fresh empty database per round), BENCH_INCLUDE_BUILD=1 (also time `npm run build` once,
 * as `npm start` does), BENCH_READY_TIMEOUT (s, 300), BENCH_MAX_MINUTES, BENCH_PG_ADMIN_URL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  benchDir,
  createDatabase,
  dropDatabase,
  ensureServerBuilt,
  envNumber,
  fmt,
  fmtDuration,
  log,
  median,
  minMax,
  nowMs,
  reachableBackends,
  requestedBackends,
  type Backend,
  printTable,
  processMemory,
  runMain,
  runToCompletion,
  startHelloWorld,
  startJiedao,
  stopChild,
  tempDir,
  type ServerHandle,
} from './lib.js';

const POLL_MS = 25;

const rounds = Math.round(envNumber('BENCH_ROUNDS', 3, { min: 1 }));
const readyTimeoutMs = envNumber('BENCH_READY_TIMEOUT', 300, { min: 1 }) * 1000;
const includeBuild = process.env.BENCH_INCLUDE_BUILD === '1';
const requested = requestedBackends(['pglite']);

interface Sample {
  readyMs: number;
  peakMiB: number;
  rssMiB: number;
  stopMs: number;
  /** ms from spawn to the server's "migrations done" / "demo seeded" / "listening" output lines. */
  migratedMs?: number;
  seededMs?: number;
  listeningMs?: number;
}

interface Scenario {
  key: string;
  label: string;
  backend: Backend | '-';
  samples: Sample[];
}

/** Records when the server printed its milestones (approximate: stdout arrives through a pipe). */
function milestoneRecorder() {
  const marks: { migratedAt?: number; seededAt?: number; listeningAt?: number } = {};
  const onLine = (line: string, at: number) => {
    // buildApp() runs after the migrations and generates the data key on an empty data dir.
    if (marks.migratedAt === undefined && line.includes('Generated a new data key')) marks.migratedAt = at;
    if (marks.seededAt === undefined && line.includes('Demo data loaded')) marks.seededAt = at;
    if (marks.listeningAt === undefined && line.includes('listening on')) marks.listeningAt = at;
  };
  const relativeTo = (spawnedAt: number) => ({
    ...(marks.migratedAt !== undefined ? { migratedMs: marks.migratedAt - spawnedAt } : {}),
    ...(marks.seededAt !== undefined ? { seededMs: marks.seededAt - spawnedAt } : {}),
    ...(marks.listeningAt !== undefined ? { listeningMs: marks.listeningAt - spawnedAt } : {}),
  });
  return { onLine, relativeTo };
}

async function measure(
  start: () => Promise<ServerHandle>,
  relativeTo?: (spawnedAt: number) => Partial<Sample>,
) {
  const server = await start();
  const memory = processMemory(server.child.pid);
  const stopped = await stopChild(server.child);
  if (stopped.code !== 0)
    log(`  note: ${server.child.name} ended with ${stopped.signal ?? `exit ${stopped.code}`}`);
  const sample: Sample = {
    readyMs: server.readyMs,
    peakMiB: memory.peakMiB,
    rssMiB: memory.rssMiB,
    stopMs: stopped.stopMs,
    ...(relativeTo ? relativeTo(server.child.spawnedAt) : {}),
  };
  return sample;
}

function describe(sample: Sample): string {
  const marks = [
    sample.migratedMs !== undefined ? `migrated ≈${fmtDuration(sample.migratedMs)}` : '',
    sample.seededMs !== undefined ? `seeded ≈${fmtDuration(sample.seededMs)}` : '',
    sample.listeningMs !== undefined ? `listening ≈${fmtDuration(sample.listeningMs)}` : '',
  ].filter(Boolean);
  return `ready in ${fmtDuration(sample.readyMs)}, peak ${fmt(sample.peakMiB)} MiB, RSS ${fmt(sample.rssMiB)} MiB, stop ${fmtDuration(sample.stopMs)}${marks.length ? ` (${marks.join(', ')})` : ''}`;
}

async function main(): Promise<void> {
  let buildMs: number | undefined;
  if (includeBuild) {
    log('BENCH_INCLUDE_BUILD=1: timing `npm run build` (server and web app), as `npm start` runs it first …');
    buildMs = await runToCompletion({
      name: 'npm run build',
      command: 'npm',
      args: ['run', 'build'],
      echo: true,
    });
    log(`npm run build took ${fmtDuration(buildMs)}\n`);
  } else await ensureServerBuilt();

  const backends = await reachableBackends(requested);

  log(
    `Cold-start benchmark: ${rounds} round(s); backends: ${backends.join(', ')}; polling every ${POLL_MS} ms; ${os.cpus().length} CPUs, node ${process.version}`,
  );
  const hello: Scenario = { key: 'hello', label: 'hello-world (bare Fastify)', backend: '-', samples: [] };
  const scenarios: Scenario[] = [hello];
  const cold = new Map<Backend, Scenario>();
  const warm = new Map<Backend, Scenario>();
  for (const backend of backends) {
    const emptyWhat = backend === 'pglite' ? 'empty data dir' : 'empty database';
    cold.set(backend, {
      key: `cold-${backend}`,
      label: `Jiedao cold start (${emptyWhat})`,
      backend,
      samples: [],
    });
    warm.set(backend, {
      key: `warm-${backend}`,
      label: 'Jiedao warm restart (same data)',
      backend,
      samples: [],
    });
    scenarios.push(cold.get(backend)!, warm.get(backend)!);
  }

  const started = nowMs();
  const stepsPerRound = 1 + 2 * backends.length;
  const steps = rounds * stepsPerRound;
  let step = 0;
  const progress = (what: string) => {
    step++;
    const elapsed = nowMs() - started;
    // Steps differ a lot in length, so estimate from whole rounds only.
    const roundsDone = Math.floor((step - 1) / stepsPerRound);
    const eta =
      roundsDone > 0
        ? ` · ~${fmtDuration((elapsed / (roundsDone * stepsPerRound)) * (steps - step + 1))} left`
        : '';
    log(`[${step}/${steps}${eta}] ${what} …`);
  };
  const onWait = (ms: number) => log(`  … still starting (${fmtDuration(ms)})`);

  for (let round = 1; round <= rounds; round++) {
    progress(`round ${round}/${rounds}: hello-world`);
    const helloSample = await measure(() => startHelloWorld({ timeoutMs: readyTimeoutMs, pollMs: POLL_MS }));
    hello.samples.push(helloSample);
    log(`  ${describe(helloSample)}`);

    for (const backend of backends) {
      const dataDir = tempDir(`jiedao-bench-cold-${backend}-`);
      const dbName = `jiedao_bench_cold_${process.pid}_${round}`;
      const databaseUrl = backend === 'postgres' ? await createDatabase(dbName) : undefined;
      const start = (name: string, onLine?: (line: string, at: number) => void) => () =>
        startJiedao({
          name,
          dataDir,
          ...(databaseUrl ? { databaseUrl } : {}),
          timeoutMs: readyTimeoutMs,
          pollMs: POLL_MS,
          onWait,
          ...(onLine ? { onLine } : {}),
        });

      progress(`round ${round}/${rounds}: Jiedao cold start on ${backend}`);
      const coldMarks = milestoneRecorder();
      const coldSample = await measure(
        start(`jiedao-cold-${backend}`, coldMarks.onLine),
        coldMarks.relativeTo,
      );
      cold.get(backend)!.samples.push(coldSample);
      log(`  ${describe(coldSample)}`);

      progress(`round ${round}/${rounds}: Jiedao warm restart on ${backend}`);
      const warmMarks = milestoneRecorder();
      const warmSample = await measure(
        start(`jiedao-warm-${backend}`, warmMarks.onLine),
        warmMarks.relativeTo,
      );
      warm.get(backend)!.samples.push(warmSample);
      log(`  ${describe(warmSample)}`);

      fs.rmSync(dataDir, { recursive: true, force: true });
      if (databaseUrl) await dropDatabase(dbName);
    }
  }
  log(`measured in ${fmtDuration(nowMs() - started)}\n`);

  const summary = scenarios.map((scenario) => {
    const times = scenario.samples.map((s) => s.readyMs);
    const [low, high] = minMax(times);
    const med = (pick: (s: Sample) => number | undefined) =>
      median(scenario.samples.map(pick).filter((v): v is number => v !== undefined));
    return {
      scenario: scenario.label,
      backend: scenario.backend,
      readyMs: median(times),
      readyMinMs: low,
      readyMaxMs: high,
      peakMiB: med((s) => s.peakMiB),
      rssMiB: med((s) => s.rssMiB),
      stopMs: med((s) => s.stopMs),
      migratedMs: med((s) => s.migratedMs),
      seededMs: med((s) => s.seededMs),
      listeningMs: med((s) => s.listeningMs),
      ratio: Number.NaN,
    };
  });
  const baseline = summary[0]!.readyMs;
  for (const row of summary) row.ratio = row.readyMs / baseline;

  const seconds = (ms: number) => (Number.isFinite(ms) ? `${fmt(ms / 1000, 2)} s` : '-');
  log(`Medians over ${rounds} round(s) (start = spawn → first 200 of /readyz, or of GET / for hello-world):`);
  printTable(
    ['scenario', 'backend', 'start', 'min–max', 'peak MiB', 'RSS MiB', 'stop', '× hello-world'],
    summary.map((row) => [
      row.scenario,
      row.backend,
      seconds(row.readyMs),
      `${fmt(row.readyMinMs / 1000, 2)}–${fmt(row.readyMaxMs / 1000, 2)} s`,
      fmt(row.peakMiB),
      fmt(row.rssMiB),
      seconds(row.stopMs),
      `${fmt(row.ratio, 1)}×`,
    ]),
    ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  const phased = summary.filter((row) => Number.isFinite(row.seededMs) || Number.isFinite(row.listeningMs));
  if (phased.length > 0) {
    log('\nWhere the time goes (medians; from the server output lines, approximate):');
    printTable(
      ['scenario', 'backend', 'migrations done', 'demo seeded', 'listening', 'ready'],
      phased.map((row) => [
        row.scenario,
        row.backend,
        seconds(row.migratedMs),
        seconds(row.seededMs),
        seconds(row.listeningMs),
        seconds(row.readyMs),
      ]),
      ['left', 'left', 'right', 'right', 'right', 'right'],
    );
  }
  log(
    '\npeak = VmHWM of the server process (node only; a PostgreSQL server’s own memory is not counted), RSS = VmRSS when ready; stop = SIGTERM → exit.',
  );
  log(
    `Note: \`npm start\` first runs \`npm run build\` (server and web app) and then this cold start on ./data; ${
      buildMs !== undefined
        ? `the build took ${fmtDuration(buildMs)} here, so a first \`npm start\` ≈ ${fmtDuration(buildMs + (summary[1]?.readyMs ?? 0))}.`
        : 'set BENCH_INCLUDE_BUILD=1 to time that build too.'
    }`,
  );

  const json = {
    bench: 'cold-start',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    rounds,
    pollMs: POLL_MS,
    buildMs: buildMs !== undefined ? Math.round(buildMs) : null,
    results: summary.map((row) => ({
      scenario: row.scenario,
      backend: row.backend,
      readyMs: Math.round(row.readyMs),
      peakMiB: Number(row.peakMiB.toFixed(1)),
      rssMiB: Number(row.rssMiB.toFixed(1)),
      stopMs: Math.round(row.stopMs),
      ratio: Number(row.ratio.toFixed(2)),
      ...(Number.isFinite(row.migratedMs) ? { migratedMs: Math.round(row.migratedMs) } : {}),
      ...(Number.isFinite(row.seededMs) ? { seededMs: Math.round(row.seededMs) } : {}),
      ...(Number.isFinite(row.listeningMs) ? { listeningMs: Math.round(row.listeningMs) } : {}),
    })),
  };
  console.log(JSON.stringify(json));
  if (process.env.BENCH_SAVE === '1') {
    const dir = path.join(benchDir, 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `cold-start-${json.date.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
    log(`saved ${path.relative(process.cwd(), file)}`);
  }
}

const estimateMinutes =
  (rounds * (1 + 2 * requested.length) * readyTimeoutMs) / 60_000 / 2 + (includeBuild ? 15 : 0) + 5;
runMain(main, { maxMinutes: envNumber('BENCH_MAX_MINUTES', Math.ceil(estimateMinutes), { min: 1 }) });

/**
 * Gig matching: 1,000,000 workers and 10,000 open jobs over a city (synthetic, around Hangzhou):
 * a job opened → its first wave of candidates ranked (`WorkerIndex.firstWave`), and a worker's feed
 * (`JobIndex.feed`), each against a scan of every worker / job giving the same answer
 * (`firstWaveByScan`, `feedByScan`) in the same run. Every indexed answer is checked equal to the
 * scan's for the sampled queries.
 *
 *   npx tsx bench/gig-matching.ts
 *
 * Target (issue 4): first wave p99 < 50 ms and ≥ 100× the scan. The feed's ratio is printed too
 * (over 10,000 jobs a scan is already cheap, so its ratio is smaller).
 *
 * Then the same on PostgreSQL through the gig module's services (bench/gig-push.ts): a fresh
 * database with the same city's 1,000,000 workers and 10,000 open jobs, each job opened through
 * `postJob` → its first wave pushed and committed (inbox rows, SMS jobs), `pushWave` alone, and a
 * worker's feed — each against the same services ranking by the scan, in the same run.
 *
 * Env: BENCH_WORKERS (1000000), BENCH_JOBS (10000), BENCH_QUERIES (2000), BENCH_SCANS (40), BENCH_WAVE (20),
 * BENCH_IN_MEMORY (1; 0 skips the in-memory phase), BENCH_PUSH (1; 0 skips the PostgreSQL phase),
 * BENCH_PUSH_JOBS (200), BENCH_PUSH_WARMUP (10), BENCH_FEED_QUERIES (200), BENCH_PUSH_HIRES (20000),
 * BENCH_PG_ADMIN_URL, BENCH_MAX_MINUTES (60), BENCH_SAVE=1.
 */
import { createRng } from '../apps/server/src/platform/geo/synthetic.js';
import {
  JobIndex,
  WorkerIndex,
  type MatchJob,
  type MatchWorker,
} from '../apps/server/src/modules/gig/index.js';
import { measurePush, printPushDetails, type Compared, type PushPhaseResult } from './gig-push.js';
import {
  emitJson,
  envNumber,
  fmt,
  log,
  median,
  percentile,
  postgresReachable,
  printTable,
  runMain,
} from './lib.js';

const workerCount = Math.round(envNumber('BENCH_WORKERS', 1_000_000, { min: 1000 }));
const jobCount = Math.round(envNumber('BENCH_JOBS', 10_000, { min: 100 }));
const queries = Math.round(envNumber('BENCH_QUERIES', 2000, { min: 10 }));
const scans = Math.round(envNumber('BENCH_SCANS', 40, { min: 3 }));
const wave = Math.round(envNumber('BENCH_WAVE', 20, { min: 1 }));
const inMemory = process.env.BENCH_IN_MEMORY !== '0';
const push = process.env.BENCH_PUSH !== '0';
const pushJobs = Math.round(envNumber('BENCH_PUSH_JOBS', 200, { min: 10 }));
const pushWarmup = Math.round(envNumber('BENCH_PUSH_WARMUP', 10, { min: 0 }));
const feedQueries = Math.round(envNumber('BENCH_FEED_QUERIES', 200, { min: 10 }));
const hires = Math.round(envNumber('BENCH_PUSH_HIRES', 20_000, { min: 0 }));
const TARGET_P99_MS = 50;
const TARGET_RATIO = 100;

const CENTRE = { lng: 120.15, lat: 30.28 };
const CATEGORIES = Array.from({ length: 20 }, (_, i) => `category-${i}`);
const SKILLS = Array.from({ length: 30 }, (_, i) => `skill-${i}`);
const ALL_HOURS = 0xffffff;
const DAYTIME = 0x0fff00; // 08:00–20:00
const WEEKDAYS = [DAYTIME, DAYTIME, DAYTIME, DAYTIME, DAYTIME, 0, 0];

/** A city: 40 hubs (districts, parks, markets) with people and work gathered around them. */
function cityPoint(rand: () => number, hubs: Array<[number, number]>): [number, number] {
  const [lng, lat] = hubs[Math.floor(rand() * hubs.length)]!;
  // Box–Muller: about 2 km around a hub.
  const r = Math.sqrt(-2 * Math.log(1 - rand())) * 0.02;
  const a = 2 * Math.PI * rand();
  return [lng + r * Math.cos(a), lat + r * Math.sin(a) * 0.87];
}

function pick<T>(rand: () => number, items: readonly T[], count: number): T[] {
  const chosen = new Set<T>();
  while (chosen.size < count) chosen.add(items[Math.floor(rand() * items.length)]!);
  return [...chosen];
}

function timed<T>(run: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = run();
  return { ms: performance.now() - started, value };
}

/** The city's 40 hubs (districts, parks, markets), from the run's seeded generator. */
function cityHubs(rand: () => number): Array<[number, number]> {
  return Array.from(
    { length: 40 },
    () => [CENTRE.lng + (rand() - 0.5) * 0.4, CENTRE.lat + (rand() - 0.5) * 0.35] as [number, number],
  );
}

interface Stats {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  scanP50Ms: number;
  ratio: number;
}

/** The ranking in memory: generated workers and jobs, `firstWave` / `feed` against the scans. */
async function measureInMemory(
  rand: () => number,
  hubs: Array<[number, number]>,
): Promise<{ wave: Stats; feed: Stats; mismatches: number }> {
  log(`generating ${fmt(workerCount)} workers and ${fmt(jobCount)} jobs …`);
  const workers: MatchWorker[] = [];
  for (let i = 0; i < workerCount; i++) {
    const [lng, lat] = cityPoint(rand, hubs);
    const hours = rand();
    workers.push({
      id: `w${i}`,
      lng,
      lat,
      radiusKm: [3, 5, 10, 20, 30][Math.floor(rand() * 5)]!,
      categories: pick(rand, CATEGORIES, 1 + Math.floor(rand() * 3)),
      skills: pick(rand, SKILLS, Math.floor(rand() * 5)),
      reliability: Math.round(60 + rand() * 40),
      weekHours: hours < 0.5 ? Array(7).fill(ALL_HOURS) : hours < 0.8 ? Array(7).fill(DAYTIME) : WEEKDAYS,
    });
  }
  // Shifts over the next week, 4–10 hours, starting 06:00–18:00 local.
  const monday = Date.parse('2026-11-30T00:00:00+08:00');
  const jobs: MatchJob[] = [];
  for (let i = 0; i < jobCount; i++) {
    const [lng, lat] = cityPoint(rand, hubs);
    const start = monday + Math.floor(rand() * 7) * 86_400_000 + (6 + Math.floor(rand() * 12)) * 3600_000;
    jobs.push({
      id: `j${i}`,
      lng,
      lat,
      category: CATEGORIES[Math.floor(rand() * CATEGORIES.length)]!,
      skills: pick(rand, SKILLS, Math.floor(rand() * 2)),
      shiftStart: new Date(start),
      shiftEnd: new Date(start + (4 + Math.floor(rand() * 7)) * 3600_000),
      wagePerHourFen: 2000 + Math.floor(rand() * 3000),
    });
  }

  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const built = timed(() => new WorkerIndex(workers, CENTRE));
  const index = built.value;
  const jobsBuilt = timed(() => new JobIndex(index.projection, jobs));
  global.gc?.();
  const indexMiB = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  log(`indexes built: workers ${fmt(built.ms)} ms, jobs ${fmt(jobsBuilt.ms)} ms`);

  const sampleJobs = Array.from({ length: queries }, () => jobs[Math.floor(rand() * jobs.length)]!);
  const sampleWorkers = Array.from({ length: queries }, () => workers[Math.floor(rand() * workers.length)]!);
  // Warm-up.
  for (const job of sampleJobs.slice(0, 50)) index.firstWave(job, wave);
  for (const worker of sampleWorkers.slice(0, 50)) jobsBuilt.value.feed(worker, 50);

  const waveMs: number[] = [];
  let candidates = 0;
  for (const job of sampleJobs) {
    const run = timed(() => index.firstWave(job, wave));
    waveMs.push(run.ms);
    candidates += run.value.length;
  }
  const feedMs: number[] = [];
  for (const worker of sampleWorkers) feedMs.push(timed(() => jobsBuilt.value.feed(worker, 50)).ms);

  log(`scanning every worker for ${scans} jobs and every job for ${scans} workers (the baseline) …`);
  const waveScanMs: number[] = [];
  const feedScanMs: number[] = [];
  let mismatches = 0;
  for (let i = 0; i < scans; i++) {
    const job = sampleJobs[i]!;
    const scan = timed(() => index.firstWaveByScan(job, wave));
    waveScanMs.push(scan.ms);
    if (JSON.stringify(scan.value) !== JSON.stringify(index.firstWave(job, wave))) mismatches++;
    const worker = sampleWorkers[i]!;
    const feedScan = timed(() => jobsBuilt.value.feedByScan(worker, 50));
    feedScanMs.push(feedScan.ms);
    if (JSON.stringify(feedScan.value) !== JSON.stringify(jobsBuilt.value.feed(worker, 50))) mismatches++;
  }

  /** p50/p99/max of the indexed queries, the scan's median and the ratio of the medians. */
  const summarize = (indexMs: number[], scanMs: number[]) => {
    const sorted = [...indexMs].sort((a, b) => a - b);
    return {
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted.at(-1)!,
      scanP50Ms: median(scanMs),
      ratio: median(scanMs) / median(indexMs),
    };
  };
  const waveStats = summarize(waveMs, waveScanMs);
  const feedStats = summarize(feedMs, feedScanMs);
  const row = (name: string, stats: typeof waveStats, target: string) => [
    name,
    fmt(stats.p50Ms, 3),
    fmt(stats.p99Ms, 3),
    fmt(stats.maxMs, 2),
    fmt(stats.scanP50Ms, 2),
    fmt(stats.ratio, 0),
    target,
  ];
  log(
    `\n${fmt(workerCount)} workers, ${fmt(jobCount)} open jobs, ${fmt(queries)} queries each (index) and ${scans} (scan); wave of ${wave}; mean ${fmt(candidates / queries, 1)} candidates per wave:`,
  );
  printTable(
    ['query', 'index p50 ms', 'p99 ms', 'max ms', 'scan p50 ms', '× scan', 'target'],
    [
      row('job opened → first wave', waveStats, `p99 < ${TARGET_P99_MS} ms, ≥ ${TARGET_RATIO}×`),
      row('worker feed (50)', feedStats, '(reported)'),
    ],
  );
  log(
    `index memory ≈ ${fmt(indexMiB)} MiB (heap growth while building); answers equal to the scan's: ${mismatches === 0 ? 'all' : `${mismatches} MISMATCHES`}`,
  );
  return { wave: waveStats, feed: feedStats, mismatches };
}

/** The final table: every measured path against its scan, and the target (issue 4) for each. */
function printSummary(memory: { wave: Stats; feed: Stats } | undefined, result: PushPhaseResult | undefined) {
  const ms = (value: number) => fmt(value, value < 1 ? 3 : value < 10 ? 2 : 1);
  const yes = (ok: boolean) => (ok ? 'yes' : 'NO');
  const rows: string[][] = [];
  if (memory)
    rows.push(
      [
        'first wave ranked (memory)',
        ms(memory.wave.p50Ms),
        '-',
        ms(memory.wave.p99Ms),
        ms(memory.wave.scanP50Ms),
        '-',
        '-',
        fmt(memory.wave.ratio, 0),
      ],
      [
        'worker feed ranked (memory)',
        ms(memory.feed.p50Ms),
        '-',
        ms(memory.feed.p99Ms),
        ms(memory.feed.scanP50Ms),
        '-',
        '-',
        fmt(memory.feed.ratio, 0),
      ],
    );
  const pgRow = (name: string, compared: Compared) => [
    name,
    ms(compared.index.p50),
    ms(compared.index.p95),
    ms(compared.index.p99),
    ms(compared.scan.p50),
    ms(compared.scan.p95),
    ms(compared.scan.p99),
    fmt(compared.ratio, compared.ratio < 10 ? 2 : 0),
  ];
  if (result)
    rows.push(
      pgRow('job opened → first wave pushed (postJob, PostgreSQL)', result.opened),
      pgRow('pushWave alone (PostgreSQL)', result.pushWave),
      pgRow('  of which the ranking (firstWave vs scan)', result.ranking),
      pgRow('worker feed (feed service, PostgreSQL)', result.feed),
      pgRow('  of which the ranking (feed vs scan)', result.feedRanking),
    );
  log(
    `\nSummary (${fmt(workerCount)} workers, ${fmt(jobCount)} open jobs; ms; × scan = scan p50 ÷ index p50):`,
  );
  printTable(['path', 'p50', 'p95', 'p99', 'scan p50', 'scan p95', 'scan p99', '× scan'], rows, [
    'left',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
  ]);
  const checks: string[][] = [];
  if (memory)
    checks.push([
      'first wave ranked in memory',
      `${ms(memory.wave.p99Ms)} ms`,
      yes(memory.wave.p99Ms < TARGET_P99_MS),
      `${fmt(memory.wave.ratio, 0)}×`,
      yes(memory.wave.ratio >= TARGET_RATIO),
    ]);
  if (result)
    checks.push(
      [
        'job opened → first wave pushed (PostgreSQL)',
        `${ms(result.opened.index.p99)} ms`,
        yes(result.opened.index.p99 < TARGET_P99_MS),
        `${fmt(result.opened.ratio, 2)}×`,
        yes(result.opened.ratio >= TARGET_RATIO),
      ],
      [
        'pushWave alone (PostgreSQL)',
        `${ms(result.pushWave.index.p99)} ms`,
        yes(result.pushWave.index.p99 < TARGET_P99_MS),
        `${fmt(result.pushWave.ratio, 2)}×`,
        yes(result.pushWave.ratio >= TARGET_RATIO),
      ],
      [
        'worker feed (PostgreSQL, reported)',
        `${ms(result.feed.index.p99)} ms`,
        yes(result.feed.index.p99 < TARGET_P99_MS),
        `${fmt(result.feed.ratio, 2)}×`,
        yes(result.feed.ratio >= TARGET_RATIO),
      ],
    );
  log(`\nTarget (issue 4): p99 < ${TARGET_P99_MS} ms and ≥ ${TARGET_RATIO}× the scan:`);
  printTable(['path', 'p99', `< ${TARGET_P99_MS} ms`, '× scan', `≥ ${TARGET_RATIO}×`], checks, [
    'left',
    'right',
    'left',
    'right',
    'left',
  ]);
}

runMain(
  async () => {
    const rand = createRng(20261129);
    const hubs = cityHubs(rand);
    const memory = inMemory ? await measureInMemory(rand, hubs) : undefined;
    let pushResult: PushPhaseResult | undefined;
    if (push) {
      if (!(await postgresReachable()))
        throw new Error('PostgreSQL is not reachable (BENCH_PG_ADMIN_URL); BENCH_PUSH=0 skips its phase');
      pushResult = await measurePush({
        workers: workerCount,
        jobs: jobCount,
        pushJobs,
        warmup: pushWarmup,
        feedQueries,
        hires,
        hubs,
      });
      printPushDetails(pushResult);
    }
    printSummary(memory, pushResult);
    const mismatches = (memory?.mismatches ?? 0) + (pushResult?.mismatches ?? 0);
    emitJson(
      'gig-matching',
      {
        workers: workerCount,
        jobs: jobCount,
        ...(memory ? { wave: memory.wave, feed: memory.feed } : {}),
        ...(pushResult ? { postgres: pushResult } : {}),
        mismatches,
        target: {
          p99Ms: TARGET_P99_MS,
          ratio: TARGET_RATIO,
          ...(memory
            ? { inMemoryMet: memory.wave.p99Ms < TARGET_P99_MS && memory.wave.ratio >= TARGET_RATIO }
            : {}),
          ...(pushResult
            ? {
                postgresMet:
                  pushResult.opened.index.p99 < TARGET_P99_MS && pushResult.opened.ratio >= TARGET_RATIO,
              }
            : {}),
        },
      },
      { roundLoadAverage: true },
    );
    if (mismatches > 0) process.exitCode = 1;
  },
  { maxMinutes: envNumber('BENCH_MAX_MINUTES', 60, { min: 1 }) },
);

/**
 * Device-message ingest end to end: MQTT QoS 1 → the Jiedao server's intake (mapped, device and
 * grid resolved, correlated into incidents, written in one transaction per batch, PUBACK after the
 * commit) → committed in the database, on PGlite and PostgreSQL; compared with the broker's own QoS 1
 * pass-through measured in the same round (`measurePassThrough` of mqtt-passthrough.ts).
 *
 *   npx tsx bench/governance-ingest.ts                               # quick: 3 rounds × 5 s
 *   BENCH_SECONDS=60 BENCH_ROUNDS=1 BENCH_BACKENDS=postgres npx tsx bench/governance-ingest.ts
 *
 * Per backend: a fresh database with the demo (tenant gudang: 16,125 sensors), then an untimed first
 * pass (every sensor reports once and opens its incidents — several times the work of a later
 * report, reported apart), then rounds of: the pass-through baseline on a second private broker
 * while the server idles; the steady mix of governance-lib.ts (per 10 messages 3 alarms from ≤ 4
 * sensors per building and category, 4 faults and 3 low-battery reports over all sensors — nearly
 * every event joins an open incident) published for BENCH_SECONDS from a child process, as fast as
 * 4 publishers × window 100 go (or at BENCH_RATE); then a sentinel alarm on the same MQTT session,
 * whose incident shows that everything before it was committed.
 *
 * Figure: events committed ÷ (first publish → last commit). Committed = gov_event rows with the
 * round's msgId prefix (PostgreSQL live, PGlite once the server stopped); last commit = the last
 * incident.created/updated the server announced on the live stream before the sentinel (it
 * announces right after each commit). Lost = accepted by the broker − stored. Also printed: CPU µs
 * per event of server, PostgreSQL backends, broker and publishers, and GET /healthz latency during
 * the run (the event loop's responsiveness).
 *
 * The server talks to a private Mosquitto with unbounded queues (governance-lib.ts says why). This
 * machine's PostgreSQL runs with autovacuum off; the benchmark then does its work itself
 * (`startMaintenance` in governance-lib.ts).
 *
 * Env: BENCH_BACKENDS (pglite,postgres), BENCH_ROUNDS (3), BENCH_SECONDS (5), BENCH_RATE (unset:
 * free-running), BENCH_MQTT_CONNECTIONS (the server's JIEDAO_MQTT_CONNECTIONS, 1), BENCH_PUBLISHERS
 * (4), BENCH_WINDOW (100), BENCH_FIRST_PASS=0 (skip it), BENCH_PASSTHROUGH_MESSAGES (100000),
 * BENCH_QUIET_MS (5000; with several sessions, stop waiting after that long without a commit),
 * BENCH_CPU_PROF=1 (profile the server; top functions over the measured stretches, file kept in
 * bench/results/), BENCH_PG_MAINTENANCE_SECONDS (15; 0 = none), BENCH_SWEEP_INTERVAL_MS,
 * BENCH_READY_TIMEOUT (s, 600), BENCH_MAX_MINUTES, BENCH_PG_ADMIN_URL, BENCH_MQTT_URL (use that
 * broker instead of a private one), BENCH_SAVE=1.
 */
import os from 'node:os';
import { categoryOf } from '@jiedao/contracts/constants';
import { connectAsync } from 'mqtt';
import {
  ensureServerBuilt,
  envNumber,
  fmt,
  fmtDuration,
  getJson,
  log,
  median,
  minMax,
  nowMs,
  printTable,
  reachableBackends,
  requestedBackends,
  runMain,
  sleep,
  tempDir,
  type Backend,
} from './lib.js';
import {
  emitJson,
  epochMs,
  keepCpuProfile,
  monotonicMicros,
  openEventStream,
  intakeCounters,
  openReader,
  postgresBackendPids,
  processCpuSeconds,
  publishDeviceLoad,
  steadyMix,
  stormScope,
  firstPassMessages,
  startBroker,
  startGovernanceServer,
  startMaintenance,
  summarizeCpuProfile,
  summarizeLatencies,
  watchResponsiveness,
  type Broker,
  type GovernanceServer,
  type Reader,
} from './governance-lib.js';
import { measurePassThrough, type ThroughputResult } from './mqtt-passthrough.js';

const TARGET_RATE = 20_000;
const TARGET_RATIO = 0.4;

const requested = requestedBackends(['pglite', 'postgres']);
const rounds = Math.round(envNumber('BENCH_ROUNDS', 3, { min: 1 }));
const seconds = envNumber('BENCH_SECONDS', 5, { min: 1 });
const rateEnv = process.env.BENCH_RATE ? envNumber('BENCH_RATE', 0, { min: 1 }) : undefined;
const mqttConnections = Math.round(envNumber('BENCH_MQTT_CONNECTIONS', 1, { min: 1 }));
const publishers = Math.round(envNumber('BENCH_PUBLISHERS', 4, { min: 1 }));
const window = Math.round(envNumber('BENCH_WINDOW', 100, { min: 1 }));
const passThroughMessages = Math.round(envNumber('BENCH_PASSTHROUGH_MESSAGES', 100_000, { min: 1000 }));
const quietMs = envNumber('BENCH_QUIET_MS', 5000, { min: 500 });
const cpuProfile = process.env.BENCH_CPU_PROF === '1';
const firstPassEnabled = process.env.BENCH_FIRST_PASS !== '0';
const maintenanceSeconds = envNumber('BENCH_PG_MAINTENANCE_SECONDS', 15);
const readyTimeoutMs = envNumber('BENCH_READY_TIMEOUT', 600, { min: 1 }) * 1000;

interface RoundResult {
  backend: Backend;
  round: number;
  runId: string;
  passThrough: ThroughputResult;
  published: number;
  accepted: number;
  /** Filled in once the database can be read (PGlite: after the server stopped). */
  stored: number;
  startedAt: number;
  publishEndAt: number;
  lastCommitAt: number;
  incidentEvents: number;
  serverCpu: number;
  postgresCpu: number;
  brokerCpu: number;
  publisherCpu: number;
  /** GET /healthz while ingesting: how long the event loop kept other requests waiting. */
  /** Intake batches committed in the round, and seconds spent mapping and in write transactions. */
  intake: { mapSeconds: number; writeSeconds: number; batches: number };
  healthzP99: number;
  healthzMax: number;
}

const rateOf = (r: { stored: number; lastCommitAt: number; startedAt: number }) =>
  r.stored / ((r.lastCommitAt - r.startedAt) / 1000);

async function countRun(reader: Reader, tenantId: string, runId: string): Promise<number> {
  const [row] = await reader.query<{ n: number }>(
    'select count(*)::int as n from gov_event where tenant_id = $1 and starts_with(source_message_id, $2)',
    [tenantId, `${runId}-`],
  );
  return row?.n ?? 0;
}

async function countAll(reader: Reader, tenantId: string): Promise<number> {
  const [row] = await reader.query<{ n: number }>(
    'select count(*)::int as n from gov_event where tenant_id = $1',
    [tenantId],
  );
  return row?.n ?? 0;
}

/** Backend CPU seconds by pid, so a round's delta survives backends the pool opened meanwhile. */
async function postgresCpu(reader: Reader | undefined, databaseUrl: string | undefined) {
  const byPid = new Map<number, number>();
  if (!reader || !databaseUrl) return byPid;
  for (const pid of await postgresBackendPids(reader, databaseUrl)) byPid.set(pid, processCpuSeconds(pid));
  return byPid;
}

function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, seconds] of after) if (Number.isFinite(seconds)) sum += seconds - (before.get(pid) ?? 0);
  return sum;
}

async function measureBackend(
  backend: Backend,
  ingestBroker: Broker,
  baselineBroker: Broker,
): Promise<{
  rounds: RoundResult[];
  firstPass?: { stored: number; rate: number; accepted: number };
  deadLetters: number;
  unknownMessages: number;
  sseDropped?: string;
}> {
  const profileDir = cpuProfile ? tempDir('jiedao-bench-prof-') : undefined;
  const server: GovernanceServer = await startGovernanceServer({
    backend,
    broker: ingestBroker,
    label: 'ingest',
    mqttConnections,
    readyTimeoutMs,
    ...(profileDir ? { cpuProfileDir: profileDir } : {}),
  });
  const { fleet } = server;
  const sensors = fleet.devices.filter((device) => device.type !== 'camera');
  const mix = steadyMix(sensors);
  log(
    `  mix: 3 alarms (round robin over ${fmt(mix.alarmDevices)} sensors, ≤ 4 per building and category) : 4 faults : 3 low-battery (over all ${fmt(sensors.length)} sensors)`,
  );

  // The command center's live stream: the last incident event of a round marks its last commit.
  let lastIncidentAt = 0;
  let incidentEvents = 0;
  let committedAtLeast = 0;
  /** The sentinel being waited for (`title|occurredAt`) and when its incident was announced. */
  let sentinelKey: string | undefined;
  let sentinelSeenAt: number | undefined;
  const stream = openEventStream(server.baseUrl, server.cookie, (event) => {
    if (event.type === 'incident.created') {
      if (sentinelKey && event.data.includes('"storm":false')) {
        const incident = JSON.parse(event.data) as { title: string; occurredAt: string };
        if (`${incident.title}|${incident.occurredAt}` === sentinelKey) {
          sentinelSeenAt ??= performance.timeOrigin + event.at;
          return;
        }
      }
      lastIncidentAt = performance.timeOrigin + event.at;
      incidentEvents++;
      committedAtLeast++;
    } else if (event.type === 'incident.updated') {
      lastIncidentAt = performance.timeOrigin + event.at;
      incidentEvents++;
      committedAtLeast += (JSON.parse(event.data) as { added: number }).added;
    }
  });
  await stream.opened;

  // Sentinels: after a run, one alarm of a camera (not part of the mix, no open incident) follows
  // the run's messages on the same MQTT session; the intake handles them in order, so once its
  // incident exists everything before it is committed. It is watched for on the stream and, as the
  // hub may drop the stream under load (and a reset replays nothing), through the incidents API.
  const hazardZh = categoryOf('safety_hazard')!.zh;
  const cameraNames = new Map<string, number>();
  for (const device of fleet.devices) cameraNames.set(device.name, (cameraNames.get(device.name) ?? 0) + 1);
  // One per building or grid: five alarming cameras of one place within a minute would be a storm.
  const sentinelScopes = new Set<string>();
  const sentinels = fleet.devices.filter((device) => {
    if (
      device.type !== 'camera' ||
      device.state === 'disabled' ||
      cameraNames.get(device.name) !== 1 ||
      fleet.openIncidents.has(`${device.code}|safety_hazard`) ||
      sentinelScopes.has(stormScope(device))
    )
      return false;
    sentinelScopes.add(stormScope(device));
    return true;
  });
  const sentinelPublisher = await connectAsync(ingestBroker.url, {
    clientId: `bench-sentinel-${process.pid}-${backend}`,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  /** Incident-list requests that got no answer within 30 s while waiting for sentinels. */
  let apiTimeouts = 0;
  /** Publishes the next sentinel and resolves with when its incident was first seen (epoch ms). */
  const sentinel = async (runId: string): Promise<number> => {
    const device = sentinels.shift();
    if (!device) throw new Error('no camera left to use as a sentinel');
    const ts = Date.now();
    const title = `${device.name} ${hazardZh}`;
    sentinelKey = `${title}|${new Date(ts).toISOString()}`;
    sentinelSeenAt = undefined;
    await sentinelPublisher.publishAsync(
      `jiedao/${fleet.tenantCode}/devices/${device.code}/alarm`,
      JSON.stringify({ msgId: `sentinel-${runId}`, ts, value: 1 }),
      { qos: 1 },
    );
    const url = `${server.baseUrl}/api/governance/incidents?status=open&category=safety_hazard&pageSize=200`;
    let nextPoll = nowMs() + 1000;
    const giveUpAt = nowMs() + readyTimeoutMs;
    for (;;) {
      if (sentinelSeenAt !== undefined) return sentinelSeenAt;
      if (nowMs() > giveUpAt)
        throw new Error(
          `the sentinel alarm of ${device.code} did not become an incident within ${fmtDuration(readyTimeoutMs)}`,
        );
      if (nowMs() >= nextPoll) {
        try {
          const page = (await getJson(url, { cookie: server.cookie })) as {
            items: Array<{ title: string; firstSeenAt: string }>;
          };
          const at = epochMs();
          const first = new Date(ts).toISOString();
          if (page.items.some((item) => item.title === title && item.firstSeenAt === first))
            return sentinelSeenAt ?? at;
        } catch {
          // No answer within 30 s: the server's event loop is busy (PGlite runs on it); ask again.
          apiTimeouts++;
        }
        nextPoll = nowMs() + 1000;
      }
      await sleep(20);
    }
  };

  const maintenance = await startMaintenance(server.target, maintenanceSeconds * 1000);
  if (server.target.kind === 'postgres')
    log(
      maintenance.autovacuum
        ? '  PostgreSQL runs autovacuum'
        : maintenanceSeconds > 0
          ? `  PostgreSQL has autovacuum off: ANALYZE now, then VACUUM (ANALYZE) every ${maintenanceSeconds} s in its stead`
          : '  ⚠ PostgreSQL has autovacuum off and BENCH_PG_MAINTENANCE_SECONDS=0: statistics stay stale',
    );
  const reader = server.target.kind === 'postgres' ? await openReader(server.target) : undefined;
  const databaseUrl = server.target.kind === 'postgres' ? server.target.url : undefined;
  const results: RoundResult[] = [];
  /** Measured stretches (first publish → last commit), to read the CPU profile over them only. */
  const profileWindows: Array<[number, number]> = [];

  /** Publishes one run of the mix and waits until the server committed it (or went quiet). */
  const runOnce = async (runId: string, amount: { count: number } | { durationMs: number }) => {
    lastIncidentAt = 0;
    incidentEvents = 0;
    committedAtLeast = 0;
    const storedBefore = reader ? await countAll(reader, fleet.tenantId) : 0;
    const cpuBefore = {
      server: server.cpuSeconds(),
      broker: processCpuSeconds(ingestBroker.pid),
      postgres: await postgresCpu(reader, databaseUrl),
    };
    const intakeBefore = await intakeCounters(server.baseUrl);
    const load = publishDeviceLoad({
      url: ingestBroker.url,
      tenantCode: fleet.tenantCode,
      runId,
      lists: mix.lists,
      slots: mix.slots,
      ...('count' in amount ? { count: amount.count } : { count: null, durationMs: amount.durationMs }),
      ...(rateEnv !== undefined ? { rate: rateEnv } : {}),
      publishers,
      window,
    });
    await load.started;
    const startedAt = epochMs();
    const windowFrom = monotonicMicros();
    const responsiveness = watchResponsiveness(server.baseUrl);
    // Progress from the live stream (a lower bound: incident.created says 1 even when a new incident
    // starts with several events); counting rows in the database while measuring cost it 10 % here.
    let lastShown = { at: startedAt, committed: 0 };
    const ticker = setInterval(() => {
      const at = epochMs();
      log(
        `  ${fmtDuration(at - startedAt)}: ≥ ${fmt(committedAtLeast)} events committed (≥ ${fmt(((committedAtLeast - lastShown.committed) * 1000) / (at - lastShown.at))}/s over the last ${fmtDuration(at - lastShown.at)})`,
      );
      lastShown = { at, committed: committedAtLeast };
    }, 5000);
    try {
      const published = await load.result;
      const publishEndAt = published.startedAt + published.elapsedMs;
      log(
        `  published ${fmt(published.acknowledged)} accepted messages in ${fmtDuration(published.elapsedMs)} (${fmt(published.messagesPerSecond)} msg/s); waiting for the last commits …`,
      );
      // The run is committed once the sentinel is (one session: in order); with several sessions
      // (a shared subscription) the others may still be busy, so PostgreSQL is also counted.
      const dropsBefore = stream.drops;
      const sentinelAt = await sentinel(runId);
      // The last run event announced before the sentinel; if the stream dropped meanwhile, some
      // announcements were lost, so the sentinel's own time stands in (late, never early).
      let lastCommitAt = stream.drops === dropsBefore && lastIncidentAt > 0 ? lastIncidentAt : sentinelAt;
      if (reader && mqttConnections > 1)
        for (;;) {
          if ((await countAll(reader, fleet.tenantId)) - storedBefore >= published.acknowledged) break;
          if (epochMs() - Math.max(lastIncidentAt, sentinelAt) > quietMs) break;
          await sleep(1000);
        }
      if (mqttConnections > 1) lastCommitAt = Math.max(lastCommitAt, lastIncidentAt);
      const windowTo = monotonicMicros();
      const healthz = summarizeLatencies(await responsiveness.stop());
      const cpuAfter = {
        server: server.cpuSeconds(),
        broker: processCpuSeconds(ingestBroker.pid),
        postgres: await postgresCpu(reader, databaseUrl),
      };
      const intakeAfter = await intakeCounters(server.baseUrl);
      return {
        runId,
        published: published.published,
        accepted: published.acknowledged,
        stored: reader ? await countRun(reader, fleet.tenantId, runId) : Number.NaN,
        startedAt: published.startedAt,
        publishEndAt,
        lastCommitAt,
        incidentEvents,
        serverCpu: cpuAfter.server - cpuBefore.server,
        postgresCpu: cpuDelta(cpuBefore.postgres, cpuAfter.postgres),
        brokerCpu: cpuAfter.broker - cpuBefore.broker,
        publisherCpu: published.cpuSeconds,
        profileWindow: [windowFrom, windowTo] as [number, number],
        intake: {
          mapSeconds: intakeAfter.mapSeconds - intakeBefore.mapSeconds,
          writeSeconds: intakeAfter.writeSeconds - intakeBefore.writeSeconds,
          batches: intakeAfter.batches - intakeBefore.batches,
        },
        healthzP99: healthz.p99,
        healthzMax: healthz.max,
      };
    } finally {
      clearInterval(ticker);
      await responsiveness.stop();
    }
  };
  const describe = (run: Awaited<ReturnType<typeof runOnce>>, passThrough?: number) =>
    (reader
      ? `  ${fmt(run.stored)} events stored, ${fmt(rateOf(run))} events/s${passThrough ? ` (${fmt(rateOf(run) / passThrough, 3)}× pass-through)` : ''}; last commit ${fmtDuration(run.lastCommitAt - run.publishEndAt)} after the last publish`
      : `  last commit ${fmtDuration(run.lastCommitAt - run.publishEndAt)} after the last publish (stored events are counted once the server stopped)`) +
    `\n  intake: ${fmt(run.intake.batches)} batches (mean ${fmt(run.accepted / Math.max(1, run.intake.batches))} messages); of the ${fmtDuration(run.lastCommitAt - run.startedAt)} window, mapping ${fmt((100 * run.intake.mapSeconds * 1000) / (run.lastCommitAt - run.startedAt), 1)} %, write transactions ${fmt((100 * run.intake.writeSeconds * 1000) / (run.lastCommitAt - run.startedAt), 1)} %`;

  // First contact: every sensor reports once, opening its incidents (and cases, for alarms). Not
  // part of the figure — afterwards nearly every event joins an open incident, the steady state.
  let firstPass: Awaited<ReturnType<typeof runOnce>> | undefined;
  if (firstPassEnabled) {
    const count = firstPassMessages(sensors.length);
    log(`[${backend}] first pass: ${fmt(count)} messages, so that every sensor has its open incidents …`);
    firstPass = await runOnce(`w${process.pid}${backend === 'pglite' ? 'l' : 'p'}`, { count });
    log(describe(firstPass));
  }

  for (let round = 1; round <= rounds; round++) {
    // Baseline first, on the other broker, while the server idles.
    process.env.BENCH_MQTT_BROKER_PID_FILE = baselineBroker.pidFile;
    const passThrough = await measurePassThrough({
      url: baselineBroker.url,
      count: passThroughMessages,
      publishers,
      window,
    });
    log(
      `[${backend} · round ${round}/${rounds}] pass-through ${fmt(passThrough.messagesPerSecond)} msg/s (${fmt(passThrough.missing)} lost); ingest for ${seconds} s${rateEnv ? ` at ${fmt(rateEnv)} msg/s` : ''} …`,
    );
    const run = await runOnce(`r${process.pid}${backend === 'pglite' ? 'l' : 'p'}${round}`, {
      durationMs: seconds * 1000,
    });
    profileWindows.push(run.profileWindow);
    results.push({ ...run, backend, round, passThrough });
    log(describe(run, passThrough.messagesPerSecond));
  }

  stream.close();
  await sentinelPublisher.endAsync();
  await maintenance.stop();
  if (maintenance.passes > 0)
    log(`  (${maintenance.passes} maintenance passes took ${fmtDuration(maintenance.totalMs)} in all)`);
  const profile = await server.stop();
  let deadLetters = 0;
  let unknownMessages = 0;
  // PGlite can be read now that the server has stopped; PostgreSQL was read live.
  const finalReader = reader ?? (await openReader(server.target));
  try {
    for (const result of results)
      if (Number.isNaN(result.stored))
        result.stored = await countRun(finalReader, fleet.tenantId, result.runId);
    if (firstPass && Number.isNaN(firstPass.stored))
      firstPass.stored = await countRun(finalReader, fleet.tenantId, firstPass.runId);
    const [after] = await finalReader.query<{ dead: number; unknown: number }>(
      `select (select count(*)::int from dead_letter where tenant_id = $1) as dead,
         (select coalesce(sum(message_count), 0)::int from unknown_device where tenant_id = $1) as unknown`,
      [fleet.tenantId],
    );
    deadLetters = (after?.dead ?? 0) - fleet.deadLetters;
    unknownMessages = (after?.unknown ?? 0) - fleet.unknownDeviceMessages;
  } finally {
    await finalReader.close();
  }
  if (backend === 'pglite')
    for (const result of results)
      log(
        `[pglite · round ${result.round}] ${fmt(result.stored)} events stored, ${fmt(rateOf(result))} events/s (${fmt(rateOf(result) / result.passThrough.messagesPerSecond, 3)}× pass-through)`,
      );
  if (profile) {
    const kept = keepCpuProfile(profile, `governance-ingest-${backend}`);
    const summary = summarizeCpuProfile(profile, { windows: profileWindows });
    log(
      `\nServer CPU profile (${backend}; the ${fmt(summary.sampledMs / 1000, 1)} s measured, start-up excluded; kept as ${kept}), self time:`,
    );
    printTable(
      ['share', 'function'],
      summary.functions.map((row) => [`${fmt(row.share * 100, 1)} %`, row.name]),
      ['right', 'left'],
    );
    log('by file / package:');
    printTable(
      ['share', 'file'],
      summary.files.map((row) => [`${fmt(row.share * 100, 1)} %`, row.name]),
      ['right', 'left'],
    );
  }
  if (apiTimeouts > 0)
    log(
      `  ⚠ ${apiTimeouts} GET /api/governance/incidents got no answer within 30 s while the server ingested`,
    );
  if (firstPass)
    log(
      `[${backend} · first pass] ${fmt(firstPass.stored)} events stored at ${fmt(rateOf(firstPass))} events/s (opening incidents and cases)`,
    );
  return {
    rounds: results,
    ...(firstPass
      ? { firstPass: { stored: firstPass.stored, rate: rateOf(firstPass), accepted: firstPass.accepted } }
      : {}),
    deadLetters,
    unknownMessages,
    ...(stream.drops > 0 ? { sseDropped: `${stream.drops}× (last: ${stream.lastDrop})` } : {}),
  };
}

async function main(): Promise<void> {
  await ensureServerBuilt();
  const backends = await reachableBackends(requested);
  log(
    `Governance ingest: ${rounds} round(s) × ${seconds} s per backend (${backends.join(', ') || 'none'}), ${publishers} publishers × window ${window}${rateEnv ? ` at ${fmt(rateEnv)} msg/s` : ', free-running'}, server MQTT sessions ${mqttConnections}; ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}, node ${process.version}`,
  );
  const ingestBroker = await startBroker('ingest');
  const baselineBroker = await startBroker('baseline');
  log(`brokers: ingest ${ingestBroker.url}, pass-through baseline ${baselineBroker.url}`);

  const all: RoundResult[] = [];
  const checks: Array<{
    backend: Backend;
    deadLetters: number;
    unknownMessages: number;
    sseDropped?: string;
    firstPass?: { stored: number; rate: number; accepted: number };
  }> = [];
  for (const backend of backends) {
    const measured = await measureBackend(backend, ingestBroker, baselineBroker);
    all.push(...measured.rounds);
    checks.push({ backend, ...measured });
  }

  const summary = backends.map((backend) => {
    const rows = all.filter((r) => r.backend === backend);
    const rates = rows.map(rateOf);
    const passRates = rows.map((r) => r.passThrough.messagesPerSecond);
    const stored = rows.reduce((sum, r) => sum + r.stored, 0);
    const perEvent = (pick: (r: RoundResult) => number) =>
      median(rows.map((r) => (pick(r) * 1e6) / r.stored));
    return {
      backend,
      rate: median(rates),
      range: minMax(rates),
      passThrough: median(passRates),
      ratio: median(rates) / median(passRates),
      roundRatio: median(rows.map((r) => rateOf(r) / r.passThrough.messagesPerSecond)),
      accepted: rows.reduce((sum, r) => sum + r.accepted, 0),
      stored,
      lost: rows.reduce((sum, r) => sum + (r.accepted - r.stored), 0),
      publishRate: median(rows.map((r) => r.accepted / ((r.publishEndAt - r.startedAt) / 1000))),
      drainMs: median(rows.map((r) => r.lastCommitAt - r.publishEndAt)),
      windowS: median(rows.map((r) => (r.lastCommitAt - r.startedAt) / 1000)),
      serverMicros: perEvent((r) => r.serverCpu),
      postgresMicros: backend === 'postgres' ? perEvent((r) => r.postgresCpu) : Number.NaN,
      brokerMicros: perEvent((r) => r.brokerCpu),
      publisherMicros: perEvent((r) => r.publisherCpu),
      healthzP99: median(rows.map((r) => r.healthzP99)),
      healthzMax: Math.max(...rows.map((r) => r.healthzMax)),
    };
  });

  log(
    `\nMedians over ${rounds} round(s); events/s = events committed ÷ (first publish → last commit); × pass-through = the broker's QoS 1 pass-through of the same round:`,
  );
  printTable(
    [
      'backend',
      'events/s',
      'min–max',
      'pass-through msg/s',
      '× pass-through',
      'per-round ×',
      'accepted',
      'stored',
      'lost',
      'published msg/s',
      'window',
      'drain',
      'CPU µs/event: server',
      'postgres',
      'broker',
      'publishers',
      'healthz p99',
      'max',
    ],
    summary.map((row) => [
      row.backend,
      fmt(row.rate),
      `${fmt(row.range[0])}–${fmt(row.range[1])}`,
      fmt(row.passThrough),
      `${fmt(row.ratio, 3)}×`,
      `${fmt(row.roundRatio, 3)}×`,
      fmt(row.accepted),
      fmt(row.stored),
      fmt(row.lost),
      fmt(row.publishRate),
      `${fmt(row.windowS, 1)} s`,
      fmtDuration(row.drainMs),
      fmt(row.serverMicros, 1),
      fmt(row.postgresMicros, 1),
      fmt(row.brokerMicros, 1),
      fmt(row.publisherMicros, 1),
      `${fmt(row.healthzP99)} ms`,
      `${fmt(row.healthzMax)} ms`,
    ]),
    ['left', ...Array<'right'>(17).fill('right')],
  );
  log(
    '\nlost = accepted by the broker − stored. window = first publish → last commit. drain = last publish → last commit (long: the server fell behind the publishers).\n' +
      'healthz = GET /healthz every 200 ms while ingesting: seconds there mean the event loop kept every other request waiting that long.',
  );
  for (const check of checks) {
    if (check.firstPass)
      log(
        `${check.backend}: first pass (every sensor's first report opens its incident; alarms open cases) ${fmt(check.firstPass.rate)} events/s, ${fmt(check.firstPass.accepted - check.firstPass.stored)} lost — not in the figures above`,
      );
    if (check.deadLetters !== 0 || check.unknownMessages !== 0)
      log(
        `⚠ ${check.backend}: ${fmt(check.deadLetters)} new dead letters and ${fmt(check.unknownMessages)} messages from unknown devices (expected none)`,
      );
    if (check.sseDropped)
      log(
        `⚠ ${check.backend}: the server dropped the live stream ${check.sseDropped} and it was reopened — the hub drops a client with more than 1 MiB unsent (a batch publishes an SSE frame per touched incident and device)`,
      );
  }

  const pgRow = summary.find((row) => row.backend === 'postgres');
  let met: boolean | null = null;
  if (pgRow) {
    met = pgRow.rate >= TARGET_RATE && pgRow.ratio >= TARGET_RATIO && pgRow.lost === 0;
    log(
      `\nTarget: PostgreSQL ≥ ${fmt(TARGET_RATE)} events/s sustained (${seconds} s here) and ≥ ${TARGET_RATIO}× pass-through — measured ${fmt(pgRow.rate)} events/s (${fmt((pgRow.rate / TARGET_RATE) * 100)} % of the rate target), ${fmt(pgRow.ratio, 3)}× pass-through, ${fmt(pgRow.lost)} lost → ${met ? 'MET' : 'NOT MET'} (informational)`,
    );
  } else log('\nTarget: not evaluated (the postgres backend was not measured)');
  for (const row of summary)
    log(`figure ${row.backend}: ${fmt(row.rate)} events/s · ratio ${fmt(row.ratio, 3)}× pass-through`);

  emitJson('governance-ingest', {
    seconds,
    rounds,
    rate: rateEnv ?? null,
    publishers,
    window,
    mqttConnections,
    mix: '3 alarm (≤4 devices per building and category) : 4 fault : 3 low_battery (all sensors)',
    firstPass: checks.map((check) => ({
      backend: check.backend,
      eventsPerSecond: check.firstPass ? Math.round(check.firstPass.rate) : null,
    })),
    results: summary.map((row) => ({
      backend: row.backend,
      eventsPerSecond: Math.round(row.rate),
      passThroughPerSecond: Math.round(row.passThrough),
      ratio: Number(row.ratio.toFixed(4)),
      roundRatio: Number(row.roundRatio.toFixed(4)),
      accepted: row.accepted,
      stored: row.stored,
      lost: row.lost,
      drainMs: Math.round(row.drainMs),
      serverMicrosPerEvent: Number(row.serverMicros.toFixed(1)),
      postgresMicrosPerEvent: Number.isFinite(row.postgresMicros)
        ? Number(row.postgresMicros.toFixed(1))
        : null,
      brokerMicrosPerEvent: Number(row.brokerMicros.toFixed(1)),
      healthzP99Ms: Math.round(row.healthzP99),
      healthzMaxMs: Math.round(row.healthzMax),
    })),
    perRound: all.map((r) => ({
      backend: r.backend,
      round: r.round,
      eventsPerSecond: Math.round(rateOf(r)),
      passThroughPerSecond: Math.round(r.passThrough.messagesPerSecond),
      accepted: r.accepted,
      stored: r.stored,
    })),
    target: { rate: TARGET_RATE, ratio: TARGET_RATIO, met },
  });
}

// Free-running publishers outpace the server (PGlite: ~20×), so a round lasts mostly its drain.
const estimateMinutes =
  requested.length *
    ((readyTimeoutMs / 60_000) * 0.5 +
      3 +
      rounds * ((passThroughMessages / 5000 + seconds * (rateEnv ? 2 : 21) + 60) / 60)) +
  5;
runMain(main, { maxMinutes: envNumber('BENCH_MAX_MINUTES', Math.ceil(estimateMinutes), { min: 1 }) });

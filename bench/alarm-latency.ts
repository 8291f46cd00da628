/**
 * Alarm to screen: how long a fire alarm takes from the smoke detector's MQTT publish to the
 * command center's live stream (`incident.created` on GET /api/governance/stream), while the
 * server ingests a steady background load — and, as the baseline of the same run, the same on an
 * idle server and the MQTT transport alone (publish → a plain subscriber of the same broker).
 *
 *   npx tsx bench/alarm-latency.ts                     # PostgreSQL, 50 idle + 200 loaded probes
 *   BENCH_PROBES=400 BENCH_BACKGROUND_RATE=2000 npx tsx bench/alarm-latency.ts
 *
 * A probe is one `alarm` of a smoke detector (category fire, which opens a case at once) that has
 * no open incident, so the intake must create the incident and its case and commit them before it
 * announces the incident. Probes go one at a time, `BENCH_GAP_MS` (± 50 %) apart, each to another
 * detector, spread over the demo's buildings so that no building sees 5 alarming detectors within
 * a minute (that would be a storm, alarm-storm.ts). Each is matched on the stream by the incident's
 * title (the detector's name, unique among the probes) and occurredAt (the probe's `ts`).
 *
 * Background: `steadyMix` of governance-lib.ts (3 alarms : 4 faults : 3 low-battery reports per 10,
 * alarms from ≤ 4 sensors per building and category) over every sensor except the probes, without
 * smoke alarms (they would count towards a probed building's fire storm), at BENCH_BACKGROUND_RATE
 * msg/s from a child process. Probing starts after at least BENCH_WARMUP seconds of background
 * alone and once the server has committed what was published so far (the first pass — every
 * sensor's first report opens an incident — is slower than the rest and leaves a backlog), so the
 * figure is the steady state, not the catch-up after boot. The first BENCH_WARMUP_PROBES (5)
 * probes are not counted (cold code). Private Mosquitto, as
 * governance-ingest.ts.
 *
 * Env: BENCH_BACKENDS (postgres; pglite works too), BENCH_PROBES (200, with load),
 * BENCH_IDLE_PROBES (50), BENCH_WARMUP_PROBES (5), BENCH_BACKGROUND_RATE (2000), BENCH_WARMUP (s, 15), BENCH_GAP_MS (100),
 * BENCH_PROBE_TIMEOUT_MS (10000), BENCH_MQTT_CONNECTIONS (1), BENCH_PG_MAINTENANCE_SECONDS (15),
 * BENCH_SWEEP_INTERVAL_MS, BENCH_READY_TIMEOUT (s, 600), BENCH_MAX_MINUTES, BENCH_PG_ADMIN_URL,
 * BENCH_MQTT_URL, BENCH_SAVE=1.
 */
import os from 'node:os';
import { categoryOf } from '@jiedao/contracts/constants';
import { connectAsync, type MqttClient } from 'mqtt';
import {
  ensureServerBuilt,
  envNumber,
  fmt,
  fmtDuration,
  log,
  nowMs,
  printTable,
  reachableBackends,
  requestedBackends,
  runMain,
  sleep,
  type Backend,
} from './lib.js';
import {
  emitJson,
  openEventStream,
  publishDeviceLoad,
  startBroker,
  startGovernanceServer,
  startMaintenance,
  steadyMix,
  summarizeLatencies,
  type Broker,
  type FleetDevice,
  type GovernanceServer,
  type LatencySummary,
} from './governance-lib.js';

const TARGET_P99_MS = 200;
/** The intake's storm threshold is 5 detectors of one building and category within a minute. */
const MAX_PROBES_PER_BUILDING = 4;

const requested = requestedBackends(['postgres']);
const probes = Math.round(envNumber('BENCH_PROBES', 200, { min: 1 }));
const idleProbes = Math.round(envNumber('BENCH_IDLE_PROBES', 50));
/** Untimed probes first: the very first alarm runs cold code (JIT, first case of the day …). */
const warmupProbes = Math.round(envNumber('BENCH_WARMUP_PROBES', 5));
const backgroundRate = envNumber('BENCH_BACKGROUND_RATE', 2000);
const warmupS = envNumber('BENCH_WARMUP', 15);
const gapMs = envNumber('BENCH_GAP_MS', 100);
const probeTimeoutMs = envNumber('BENCH_PROBE_TIMEOUT_MS', 10_000, { min: 100 });
const mqttConnections = Math.round(envNumber('BENCH_MQTT_CONNECTIONS', 1, { min: 1 }));
const maintenanceSeconds = envNumber('BENCH_PG_MAINTENANCE_SECONDS', 15);
const readyTimeoutMs = envNumber('BENCH_READY_TIMEOUT', 600, { min: 1 }) * 1000;

interface Probe {
  device: FleetDevice;
  topic: string;
  title: string;
}

interface PhaseResult {
  phase: string;
  /** Publish → incident.created on the stream, ms. */
  screen: number[];
  /** When each probe went out, ms after the phase began (to line slow ones up with sweeps). */
  sentOffsets: number[];
  /** Publish → the same message at a plain MQTT subscriber, ms. */
  transport: number[];
  timeouts: number;
  /** Background messages the broker accepted and their rate, when there was a background. */
  background?: { accepted: number; perSecond: number };
}

/**
 * Smoke detectors for the probes: online, without an open fire incident, with a name no other
 * detector has (the incident's title is how the stream tells them apart), taken round robin over
 * the buildings so that each building gets as few as possible.
 */
function chooseProbes(server: GovernanceServer, count: number): Probe[] {
  const { fleet } = server;
  const nameCount = new Map<string, number>();
  for (const device of fleet.devices) nameCount.set(device.name, (nameCount.get(device.name) ?? 0) + 1);
  const byBuilding = new Map<string, FleetDevice[]>();
  for (const device of fleet.devices) {
    if (device.type !== 'smoke' || device.state !== 'online' || !device.buildingId) continue;
    if (fleet.openIncidents.has(`${device.code}|fire`) || fleet.openStorms.has(`${device.buildingId}|fire`))
      continue;
    if (nameCount.get(device.name) !== 1) continue;
    const list = byBuilding.get(device.buildingId) ?? [];
    list.push(device);
    byBuilding.set(device.buildingId, list);
  }
  const buildings = [...byBuilding.values()];
  const capacity = buildings.reduce((sum, list) => sum + Math.min(list.length, MAX_PROBES_PER_BUILDING), 0);
  if (count > capacity)
    throw new Error(
      `${count} probes need more detectors than the demo offers without a storm (${capacity}: ≤ ${MAX_PROBES_PER_BUILDING} per building in ${buildings.length} buildings)`,
    );
  const fireZh = categoryOf('fire')!.zh;
  const chosen: Probe[] = [];
  for (let turn = 0; chosen.length < count; turn++)
    for (const list of buildings) {
      const device = list[turn];
      if (!device || turn >= MAX_PROBES_PER_BUILDING || chosen.length >= count) continue;
      chosen.push({
        device,
        topic: `jiedao/${fleet.tenantCode}/devices/${device.code}/alarm`,
        // The intake titles a device alarm "<device name> <category name>".
        title: `${device.name} ${fireZh}`,
      });
    }
  return chosen;
}

async function runProbes(
  phase: string,
  list: readonly Probe[],
  publisher: MqttClient,
  waiters: {
    screen: Map<string, (at: number) => void>;
    transport: Map<string, (at: number) => void>;
  },
): Promise<PhaseResult> {
  const result: PhaseResult = { phase, screen: [], sentOffsets: [], transport: [], timeouts: 0 };
  let done = 0;
  const started = nowMs();
  for (const probe of list) {
    const ts = Date.now();
    const key = `${probe.title}|${new Date(ts).toISOString()}`;
    let transportAt: number | undefined;
    const onScreen = new Promise<number>((resolve) => waiters.screen.set(key, resolve));
    waiters.transport.set(probe.topic, (at) => (transportAt = at));
    const sentAt = nowMs();
    publisher.publish(
      probe.topic,
      JSON.stringify({ msgId: `probe-${process.pid}-${probe.device.code}`, ts, value: 1 }),
      { qos: 1 },
    );
    const arrived = await Promise.race([onScreen, sleep(probeTimeoutMs).then(() => undefined)]);
    waiters.screen.delete(key);
    waiters.transport.delete(probe.topic);
    if (arrived === undefined) result.timeouts++;
    else {
      result.screen.push(arrived - sentAt);
      result.sentOffsets.push(sentAt - started);
    }
    if (transportAt !== undefined) result.transport.push(transportAt - sentAt);
    done++;
    if (done % 50 === 0 || done === list.length)
      log(`  ${phase}: ${done}/${list.length} probes (${fmtDuration(nowMs() - started)})`);
    // Jittered gaps, so that probes do not fall into step with the intake's batch rhythm.
    await sleep(gapMs * (0.5 + Math.random()));
  }
  return result;
}

async function measureBackend(backend: Backend, broker: Broker) {
  const server = await startGovernanceServer({
    backend,
    broker,
    label: 'latency',
    mqttConnections,
    readyTimeoutMs,
  });
  const maintenance = await startMaintenance(server.target, maintenanceSeconds * 1000);
  const chosen = chooseProbes(server, warmupProbes + idleProbes + probes);
  const probeCodes = new Set(chosen.map((probe) => probe.device.code));
  log(
    `  ${chosen.length} probe detectors in ${new Set(chosen.map((p) => p.device.buildingId)).size} buildings`,
  );

  const waiters = {
    screen: new Map<string, (at: number) => void>(),
    transport: new Map<string, (at: number) => void>(),
  };
  const fireZh = categoryOf('fire')!.zh;
  let backgroundIncidents = 0;
  /** Events committed, from the stream (exact here: new incidents start with one event each). */
  let committed = 0;
  const stream = openEventStream(server.baseUrl, server.cookie, (event) => {
    if (event.type === 'incident.updated') {
      committed += (JSON.parse(event.data) as { added: number }).added;
      return;
    }
    if (event.type !== 'incident.created') return;
    committed++;
    // Cheap filter first: the stream carries thousands of events a second under load.
    if (!event.data.includes(fireZh)) {
      backgroundIncidents++;
      return;
    }
    const incident = JSON.parse(event.data) as { title: string; occurredAt: string; storm: boolean };
    const resolve = waiters.screen.get(`${incident.title}|${incident.occurredAt}`);
    if (resolve && !incident.storm) resolve(event.at);
  });
  await stream.opened;

  // The MQTT transport alone: a plain subscriber to the probes' topics on the same broker.
  const tap = await connectAsync(broker.url, { clientId: `bench-tap-${process.pid}`, reconnectPeriod: 0 });
  tap.on('message', (topic) => waiters.transport.get(topic)?.(nowMs()));
  await tap.subscribeAsync(
    chosen.map((probe) => probe.topic),
    { qos: 1 },
  );
  const publisher = await connectAsync(broker.url, {
    clientId: `bench-probe-${process.pid}`,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });

  const phases: PhaseResult[] = [];
  try {
    if (warmupProbes > 0) await runProbes('warm-up', chosen.slice(0, warmupProbes), publisher, waiters);
    if (idleProbes > 0) {
      log(`[${backend}] ${idleProbes} probes on the idle server …`);
      phases.push(
        await runProbes('idle', chosen.slice(warmupProbes, warmupProbes + idleProbes), publisher, waiters),
      );
    }
    if (probes > 0) {
      const sensors = server.fleet.devices.filter(
        (device) => device.type !== 'camera' && !probeCodes.has(device.code),
      );
      const mix = steadyMix(sensors.filter((device) => device.type !== 'smoke'));
      // Faults and low-battery reports from every non-probe sensor; alarms only from non-smoke ones.
      const background = publishDeviceLoad({
        url: broker.url,
        tenantCode: server.fleet.tenantCode,
        runId: `bg${process.pid}`,
        lists: { ...mix.lists, sensors: sensors.map((device) => device.code) },
        slots: mix.slots,
        count: null,
        rate: backgroundRate,
      });
      await background.started;
      const backgroundStartedAt = nowMs();
      committed = 0;
      log(
        `[${backend}] background ${fmt(backgroundRate)} msg/s started; warming up for ${warmupS} s (the first reports of ${fmt(sensors.length)} sensors open their incidents) …`,
      );
      await sleep(warmupS * 1000);
      // Probe the steady state: the background's first pass (every sensor's first report opens its
      // incident, several times the work of a later report) must be committed and its backlog
      // worked off — the server has committed (nearly) everything published so far.
      const warmStart = nowMs();
      for (;;) {
        const published = (backgroundRate * (nowMs() - backgroundStartedAt)) / 1000;
        const backlog = published - committed;
        if (backlog < Math.max(backgroundRate * 0.2, 200)) break;
        if (nowMs() - warmStart > 300_000)
          throw new Error(
            `the server does not keep up with ${fmt(backgroundRate)} msg/s (backlog ${fmt(backlog)})`,
          );
        await sleep(250);
      }
      log(
        `  ${fmt(backgroundIncidents)} background incidents opened; caught up after ${fmtDuration(nowMs() - backgroundStartedAt)}`,
      );
      const incidentsBefore = backgroundIncidents;
      const loaded = await runProbes(
        `${fmt(backgroundRate)} msg/s background`,
        chosen.slice(warmupProbes + idleProbes),
        publisher,
        waiters,
      );
      background.stop();
      const published = await background.result;
      loaded.background = { accepted: published.acknowledged, perSecond: published.messagesPerSecond };
      log(
        `  background: ${fmt(published.acknowledged)} messages at ${fmt(published.messagesPerSecond)} msg/s; ${fmt(backgroundIncidents - incidentsBefore)} background incidents opened while probing`,
      );
      phases.push(loaded);
    }
  } finally {
    stream.close();
    await publisher.endAsync();
    await tap.endAsync();
    await maintenance.stop();
    await server.stop();
  }
  return { phases, drops: stream.drops, lastDrop: stream.lastDrop };
}

async function main(): Promise<void> {
  await ensureServerBuilt();
  const backends = await reachableBackends(requested);
  log(
    `Alarm to screen: ${idleProbes} idle + ${probes} probes under ${fmt(backgroundRate)} msg/s, gap ${gapMs} ms ± 50 %; backends ${backends.join(', ') || 'none'}; ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}, node ${process.version}`,
  );
  const broker = await startBroker('latency');
  const rows: Array<{
    backend: Backend;
    phase: PhaseResult;
    screen: LatencySummary;
    transport: LatencySummary;
  }> = [];
  for (const backend of backends) {
    const measured = await measureBackend(backend, broker);
    if (measured.drops > 0)
      log(
        `⚠ ${backend}: the server dropped the live stream ${measured.drops}× (${measured.lastDrop}); reopened`,
      );
    for (const phase of measured.phases)
      rows.push({
        backend,
        phase,
        screen: summarizeLatencies(phase.screen),
        transport: summarizeLatencies(phase.transport),
      });
  }

  log(
    '\nPublish → incident.created on the live stream (screen) and → a plain MQTT subscriber (transport), ms:',
  );
  printTable(
    [
      'backend',
      'phase',
      'probes',
      'screen p50',
      'p95',
      'p99',
      'max',
      'transport p50',
      'p99',
      'timeouts',
      'background msg/s',
    ],
    rows.map((row) => [
      row.backend,
      row.phase.phase,
      fmt(row.screen.count),
      fmt(row.screen.p50, 1),
      fmt(row.screen.p95, 1),
      fmt(row.screen.p99, 1),
      fmt(row.screen.max, 1),
      fmt(row.transport.p50, 2),
      fmt(row.transport.p99, 2),
      fmt(row.phase.timeouts),
      row.phase.background ? fmt(row.phase.background.perSecond) : '-',
    ]),
    ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );

  for (const row of rows) {
    const slowest = row.phase.screen
      .map((ms, index) => ({ ms, at: row.phase.sentOffsets[index]! }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5);
    if (slowest.length > 0)
      log(
        `${row.backend} · ${row.phase.phase}: slowest probes ${slowest.map((probe) => `${fmt(probe.ms)} ms at +${fmt(probe.at / 1000, 1)} s`).join(', ')}`,
      );
  }

  const figures = backends.map((backend) => {
    const idle = rows.find((row) => row.backend === backend && row.phase.phase === 'idle');
    const loaded = rows.find((row) => row.backend === backend && row.phase.phase !== 'idle');
    return {
      backend,
      p50: loaded?.screen.p50 ?? Number.NaN,
      p95: loaded?.screen.p95 ?? Number.NaN,
      p99: loaded?.screen.p99 ?? Number.NaN,
      idleP99: idle?.screen.p99 ?? Number.NaN,
      timeouts: loaded?.phase.timeouts ?? 0,
    };
  });
  const pg = figures.find((figure) => figure.backend === 'postgres');
  let met: boolean | null = null;
  if (pg && Number.isFinite(pg.p99)) {
    met = pg.p99 < TARGET_P99_MS && pg.timeouts === 0;
    log(
      `\nTarget: p99 < ${TARGET_P99_MS} ms on PostgreSQL under ${fmt(backgroundRate)} msg/s — measured p99 ${fmt(pg.p99, 1)} ms (${fmt(pg.p99 / TARGET_P99_MS, 2)}× the target, ${fmt(pg.p99 / pg.idleP99, 2)}× the idle p99), ${pg.timeouts} timeouts → ${met ? 'MET' : 'NOT MET'} (informational)`,
    );
  } else log('\nTarget: not evaluated (no loaded probes on PostgreSQL)');
  for (const figure of figures)
    log(
      `figure ${figure.backend}: p50 ${fmt(figure.p50, 1)} ms, p95 ${fmt(figure.p95, 1)} ms, p99 ${fmt(figure.p99, 1)} ms · ratio ${fmt(figure.p99 / figure.idleP99, 2)}× idle p99`,
    );

  emitJson('alarm-latency', {
    probes,
    idleProbes,
    backgroundRate,
    gapMs,
    mqttConnections,
    results: rows.map((row) => ({
      backend: row.backend,
      phase: row.phase.phase,
      probes: row.screen.count,
      timeouts: row.phase.timeouts,
      screenMs: {
        p50: Number(row.screen.p50.toFixed(2)),
        p95: Number(row.screen.p95.toFixed(2)),
        p99: Number(row.screen.p99.toFixed(2)),
        max: Number(row.screen.max.toFixed(2)),
      },
      transportMs: { p50: Number(row.transport.p50.toFixed(3)), p99: Number(row.transport.p99.toFixed(3)) },
      backgroundPerSecond: row.phase.background ? Math.round(row.phase.background.perSecond) : null,
    })),
    target: { p99Ms: TARGET_P99_MS, met },
  });
}

const estimateMinutes =
  requested.length *
    (readyTimeoutMs / 60_000 / 2 + (warmupS + ((idleProbes + probes) * (gapMs + 300)) / 1000) / 60) +
  5;
runMain(main, { maxMinutes: envNumber('BENCH_MAX_MINUTES', Math.ceil(estimateMinutes), { min: 1 }) });

/**
 * Alarm storm: every smoke detector of ONE building alarms, again and again — 5,000 alarms within
 * 10 s — while a dispatcher's console polls the case queue. Afterwards the building must have
 * exactly one open storm incident holding all 5,000 events (the intake folds alarms from 5 or more
 * detectors of one building and category within a minute into one storm incident and absorbs the
 * per-detector incidents opened before it formed). The queue's latency during the storm is
 * compared with its latency on the same server just before (the baseline of the same run).
 *
 *   npx tsx bench/alarm-storm.ts
 *   BENCH_STORM_ALARMS=10000 BENCH_STORM_SECONDS=10 BENCH_BACKGROUND_RATE=2000 npx tsx bench/alarm-storm.ts
 *
 * The building is the demo building with the most smoke detectors (156) among those with no open
 * fire incident. Alarms go round robin over its detectors at BENCH_STORM_ALARMS ÷
 * BENCH_STORM_SECONDS per second from a child process (QoS 1, a fresh msgId each). The queue is
 * `GET /api/governance/cases?stage=open` as the demo dispatcher (13900000003), back to back on one
 * keep-alive connection: BENCH_IDLE_SECONDS before the storm (baseline), then from the first alarm
 * until the last one is committed. Checked afterwards in the database (PostgreSQL live; PGlite once
 * the server stopped): which incidents hold the storm's events, that it is one open storm of that
 * building, and that no other open fire incident is left there; and through the API
 * (`GET /api/governance/incidents?status=open&category=fire`).
 *
 * Env: BENCH_BACKENDS (postgres; pglite works too), BENCH_STORM_ALARMS (5000), BENCH_STORM_SECONDS
 * (10), BENCH_IDLE_SECONDS (5), BENCH_BACKGROUND_RATE (0: none; else the steady mix of
 * governance-lib.ts from the other buildings), BENCH_QUIET_MS (5000), BENCH_MQTT_CONNECTIONS (1),
 * BENCH_PG_MAINTENANCE_SECONDS (15), BENCH_SWEEP_INTERVAL_MS, BENCH_READY_TIMEOUT (s, 600),
 * BENCH_MAX_MINUTES, BENCH_PG_ADMIN_URL, BENCH_MQTT_URL, BENCH_SAVE=1.
 */
import os from 'node:os';
import {
  ensureServerBuilt,
  envNumber,
  fmt,
  fmtDuration,
  getJson,
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
  keepAliveAgent,
  openEventStream,
  openReader,
  publishDeviceLoad,
  startBroker,
  startGovernanceServer,
  startMaintenance,
  steadyMix,
  summarizeLatencies,
  timedGet,
  type Broker,
  type DeviceLoadHandle,
  type FleetDevice,
  type GovernanceServer,
  type LatencySummary,
  type Reader,
} from './governance-lib.js';
import type { PublishLoadResult } from './mqtt-passthrough.js';

const TARGET_P99_MS = 100;

const requested = requestedBackends(['postgres']);
const alarms = Math.round(envNumber('BENCH_STORM_ALARMS', 5000, { min: 5 }));
const stormSeconds = envNumber('BENCH_STORM_SECONDS', 10, { min: 0.1 });
const idleSeconds = envNumber('BENCH_IDLE_SECONDS', 5);
const backgroundRate = envNumber('BENCH_BACKGROUND_RATE', 0);
const quietMs = envNumber('BENCH_QUIET_MS', 5000, { min: 500 });
const mqttConnections = Math.round(envNumber('BENCH_MQTT_CONNECTIONS', 1, { min: 1 }));
const maintenanceSeconds = envNumber('BENCH_PG_MAINTENANCE_SECONDS', 15);
const readyTimeoutMs = envNumber('BENCH_READY_TIMEOUT', 600, { min: 1 }) * 1000;

/** The building with the most smoke detectors among those with no open fire incident or storm. */
function chooseBuilding(server: GovernanceServer): { buildingId: string; detectors: FleetDevice[] } {
  const { fleet } = server;
  const byBuilding = new Map<string, FleetDevice[]>();
  for (const device of fleet.devices)
    if (device.type === 'smoke' && device.buildingId) {
      const list = byBuilding.get(device.buildingId) ?? [];
      list.push(device);
      byBuilding.set(device.buildingId, list);
    }
  const candidates = [...byBuilding.entries()]
    .filter(
      ([buildingId, detectors]) =>
        !fleet.openStorms.has(`${buildingId}|fire`) &&
        detectors.every((device) => !fleet.openIncidents.has(`${device.code}|fire`)),
    )
    .sort((a, b) => b[1].length - a[1].length);
  const best = candidates[0];
  if (!best || best[1].length < 5)
    throw new Error('no demo building with 5 or more smoke detectors and no open fire incident');
  return { buildingId: best[0], detectors: best[1] };
}

interface Poller {
  /** Latencies by phase label. */
  samples: Map<string, number[]>;
  errors: number;
  phase: string;
  stop(): Promise<void>;
}

/** Polls the dispatcher's open-case queue back to back on one keep-alive connection. */
function pollQueue(server: GovernanceServer): Poller {
  const agent = keepAliveAgent();
  const url = `${server.baseUrl}/api/governance/cases?stage=open`;
  let running = true;
  const poller: Poller = {
    samples: new Map(),
    errors: 0,
    phase: 'idle',
    stop: async () => {
      running = false;
      await loop;
      agent.destroy();
    },
  };
  const loop = (async () => {
    while (running) {
      const phase = poller.phase;
      try {
        const response = await timedGet(url, server.cookie, agent);
        if (response.status !== 200) poller.errors++;
        else {
          const list = poller.samples.get(phase) ?? [];
          list.push(response.ms);
          poller.samples.set(phase, list);
        }
      } catch {
        poller.errors++;
        await sleep(100);
      }
    }
  })();
  return poller;
}

interface StormCheck {
  /** Incidents holding the storm's events, with how many each. */
  holders: Array<{
    id: string;
    events: number;
    storm: boolean;
    status: string;
    buildingId: string | null;
    eventCount: number;
    deviceCount: number;
  }>;
  /** Open fire incidents of the building (storm or not). */
  openInBuilding: number;
  /** Per-detector incidents merged into the storm. */
  merged: number;
  stored: number;
}

async function checkStorm(
  reader: Reader,
  tenantId: string,
  buildingId: string,
  runId: string,
): Promise<StormCheck> {
  const holders = await reader.query<StormCheck['holders'][number]>(
    `select i.id, count(*)::int as events, i.storm, i.status, i.building_id as "buildingId",
            i.event_count as "eventCount", i.device_count as "deviceCount"
       from gov_event e left join incident i on i.tenant_id = e.tenant_id and i.id = e.incident_id
      where e.tenant_id = $1 and starts_with(e.source_message_id, $2)
      group by i.id, i.storm, i.status, i.building_id, i.event_count, i.device_count`,
    [tenantId, `${runId}-`],
  );
  const [open] = await reader.query<{ n: number }>(
    `select count(*)::int as n from incident where tenant_id = $1 and building_id = $2 and category = 'fire' and status = 'open'`,
    [tenantId, buildingId],
  );
  const stormIds = holders.filter((holder) => holder.storm).map((holder) => holder.id);
  const [merged] = await reader.query<{ n: number }>(
    `select count(*)::int as n from incident where tenant_id = $1 and status = 'merged' and merged_into = any($2::uuid[])`,
    [tenantId, stormIds],
  );
  return {
    holders,
    openInBuilding: open?.n ?? 0,
    merged: merged?.n ?? 0,
    stored: holders.reduce((sum, holder) => sum + holder.events, 0),
  };
}

async function countRun(reader: Reader, tenantId: string, runId: string): Promise<number> {
  const [row] = await reader.query<{ n: number }>(
    'select count(*)::int as n from gov_event where tenant_id = $1 and starts_with(source_message_id, $2)',
    [tenantId, `${runId}-`],
  );
  return row?.n ?? 0;
}

async function measureBackend(backend: Backend, broker: Broker) {
  const server = await startGovernanceServer({
    backend,
    broker,
    label: 'storm',
    mqttConnections,
    readyTimeoutMs,
  });
  const maintenance = await startMaintenance(server.target, maintenanceSeconds * 1000);
  const { fleet } = server;
  const { buildingId, detectors } = chooseBuilding(server);
  log(`  storm building ${buildingId}: ${detectors.length} smoke detectors, e.g. ${detectors[0]!.name}`);

  // The live stream: when the storm incident appeared, and the last commit of the storm's events.
  let stormCreated: { at: number; id: string; title: string } | undefined;
  let lastIncidentAt = 0;
  let incidentsCreated = 0;
  const stream = openEventStream(server.baseUrl, server.cookie, (event) => {
    if (event.type === 'incident.created') {
      lastIncidentAt = event.at;
      incidentsCreated++;
      const incident = JSON.parse(event.data) as {
        id: string;
        storm: boolean;
        title: string;
        category: string;
      };
      if (incident.storm && incident.category === 'fire' && !stormCreated)
        stormCreated = { at: event.at, id: incident.id, title: incident.title };
    } else if (event.type === 'incident.updated') lastIncidentAt = event.at;
  });
  await stream.opened;
  const reader = server.target.kind === 'postgres' ? await openReader(server.target) : undefined;

  let background: DeviceLoadHandle | undefined;
  const runId = `storm${process.pid}${backend === 'pglite' ? 'l' : 'p'}`;
  let poller: Poller | undefined;
  let published: PublishLoadResult | undefined;
  let stormStartedAt = 0;
  let lastCommitAt = 0;
  try {
    if (backgroundRate > 0) {
      const others = fleet.devices.filter(
        (device) => device.type !== 'camera' && device.buildingId !== buildingId,
      );
      const mix = steadyMix(others);
      background = publishDeviceLoad({
        url: broker.url,
        tenantCode: fleet.tenantCode,
        runId: `bg${process.pid}`,
        lists: mix.lists,
        slots: mix.slots,
        count: null,
        rate: backgroundRate,
      });
      await background.started;
      log(
        `  background ${fmt(backgroundRate)} msg/s from the other buildings; 15 s to open their incidents …`,
      );
      await sleep(15_000);
    }
    log(`[${backend}] polling the open-case queue for ${idleSeconds} s before the storm …`);
    poller = pollQueue(server);
    await sleep(idleSeconds * 1000);

    poller.phase = 'storm';
    log(
      `[${backend}] storm: ${fmt(alarms)} alarms from ${detectors.length} detectors in ${stormSeconds} s …`,
    );
    const storm = publishDeviceLoad({
      url: broker.url,
      tenantCode: fleet.tenantCode,
      runId,
      lists: { storm: detectors.map((device) => device.code) },
      slots: [{ kind: 'alarm', list: 'storm' }],
      count: alarms,
      rate: alarms / stormSeconds,
    });
    await storm.started;
    stormStartedAt = nowMs();
    published = await storm.result;
    const publishedAt = nowMs();
    log(
      `  published ${fmt(published.acknowledged)} alarms in ${fmtDuration(published.elapsedMs)}; waiting for the last commits …`,
    );
    // Done when the database holds every alarm (PostgreSQL) or nothing was committed for quietMs.
    for (;;) {
      if (reader && (await countRun(reader, fleet.tenantId, runId)) >= published.acknowledged) break;
      if (nowMs() - Math.max(lastIncidentAt, publishedAt) > quietMs) break;
      await sleep(250);
    }
    lastCommitAt = lastIncidentAt;
  } finally {
    await poller?.stop();
    background?.stop();
    if (background) await background.result;
  }
  if (!published || !poller) throw new Error('the storm publisher reported nothing');

  // The API's view, as the big screen shows it (paged: a background load opens many fire incidents).
  type ApiIncident = { id: string; storm: boolean; eventCount: number; deviceCount: number; title: string };
  let apiStorm: ApiIncident | undefined;
  for (let page = 1; stormCreated && !apiStorm && page <= 50; page++) {
    const { items } = (await getJson(
      `${server.baseUrl}/api/governance/incidents?status=open&category=fire&pageSize=200&page=${page}`,
      { cookie: server.cookie },
    )) as { items: ApiIncident[] };
    apiStorm = items.find((item) => item.id === stormCreated!.id);
    if (items.length < 200) break;
  }

  stream.close();
  await maintenance.stop();
  await server.stop();
  const finalReader = reader ?? (await openReader(server.target));
  let check: StormCheck;
  try {
    check = await checkStorm(finalReader, fleet.tenantId, buildingId, runId);
  } finally {
    await finalReader.close();
  }
  return {
    backend,
    detectors: detectors.length,
    accepted: published.acknowledged,
    publishMs: published.elapsedMs,
    stormFormedMs: stormCreated ? stormCreated.at - stormStartedAt : Number.NaN,
    allCommittedMs: lastCommitAt - stormStartedAt,
    incidentsCreated,
    check,
    apiStorm,
    queue: {
      idle: summarizeLatencies(poller.samples.get('idle') ?? []),
      storm: summarizeLatencies(poller.samples.get('storm') ?? []),
      errors: poller.errors,
    },
    drops: stream.drops,
    lastDrop: stream.lastDrop,
  };
}

async function main(): Promise<void> {
  await ensureServerBuilt();
  const backends = await reachableBackends(requested);
  log(
    `Alarm storm: ${fmt(alarms)} alarms in ${stormSeconds} s from one building${backgroundRate > 0 ? `, ${fmt(backgroundRate)} msg/s background` : ''}; backends ${backends.join(', ') || 'none'}; ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}, node ${process.version}`,
  );
  const broker = await startBroker('storm');
  const results = [];
  for (const backend of backends) results.push(await measureBackend(backend, broker));

  log('\nThe storm (time from the first alarm published):');
  printTable(
    [
      'backend',
      'detectors',
      'accepted',
      'stored',
      'storm incident after',
      'all committed after',
      'holders',
      'storm events',
      'open fire incidents in building',
      'merged',
    ],
    results.map((r) => {
      const storm = r.check.holders.find((holder) => holder.storm);
      return [
        r.backend,
        fmt(r.detectors),
        fmt(r.accepted),
        fmt(r.check.stored),
        fmtDuration(r.stormFormedMs),
        fmtDuration(r.allCommittedMs),
        fmt(r.check.holders.length),
        storm
          ? `${fmt(storm.events)} (event_count ${fmt(storm.eventCount)}, ${fmt(storm.deviceCount)} devices)`
          : '-',
        fmt(r.check.openInBuilding),
        fmt(r.check.merged),
      ];
    }),
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  log('\nGET /api/governance/cases?stage=open as the dispatcher, back to back on one connection, ms:');
  const queueRows: Array<{ backend: Backend; phase: string; summary: LatencySummary }> = results.flatMap(
    (r) => [
      { backend: r.backend, phase: 'before the storm', summary: r.queue.idle },
      { backend: r.backend, phase: 'during the storm', summary: r.queue.storm },
    ],
  );
  printTable(
    ['backend', 'phase', 'requests', 'p50', 'p95', 'p99', 'max'],
    queueRows.map((row) => [
      row.backend,
      row.phase,
      fmt(row.summary.count),
      fmt(row.summary.p50, 1),
      fmt(row.summary.p95, 1),
      fmt(row.summary.p99, 1),
      fmt(row.summary.max, 1),
    ]),
    ['left', 'left', 'right', 'right', 'right', 'right', 'right'],
  );

  const verdicts = results.map((r) => {
    const holder = r.check.holders[0];
    const oneIncident =
      r.check.holders.length === 1 &&
      holder !== undefined &&
      holder.storm &&
      holder.status === 'open' &&
      holder.events === r.accepted &&
      r.check.openInBuilding === 1;
    return {
      backend: r.backend,
      oneIncident,
      p99: r.queue.storm.p99,
      ratio: r.queue.storm.p99 / r.queue.idle.p99,
      errors: r.queue.errors,
    };
  });
  for (const r of results) {
    if (r.queue.errors > 0) log(`⚠ ${r.backend}: ${r.queue.errors} queue requests failed`);
    if (r.drops > 0)
      log(`⚠ ${r.backend}: the server dropped the live stream ${r.drops}× (${r.lastDrop}); reopened`);
    log(
      `${r.backend}: the API lists the storm ${r.apiStorm ? `"${r.apiStorm.title}" with ${fmt(r.apiStorm.eventCount)} events from ${fmt(r.apiStorm.deviceCount)} devices` : 'NOT (not among the open fire incidents)'}`,
    );
  }
  const pg = verdicts.find((verdict) => verdict.backend === 'postgres');
  let met: boolean | null = null;
  if (pg) {
    met = pg.oneIncident && pg.p99 < TARGET_P99_MS && pg.errors === 0;
    log(
      `\nTarget: one storm incident holding all ${fmt(alarms)} events, and the queue's p99 < ${TARGET_P99_MS} ms during the storm, on PostgreSQL — measured ${pg.oneIncident ? 'one incident' : 'NOT one incident'}, p99 ${fmt(pg.p99, 1)} ms (${fmt(pg.p99 / TARGET_P99_MS, 2)}× the target) → ${met ? 'MET' : 'NOT MET'} (informational)`,
    );
  } else log('\nTarget: not evaluated (the postgres backend was not measured)');
  for (const verdict of verdicts)
    log(
      `figure ${verdict.backend}: ${verdict.oneIncident ? 'one storm incident' : 'NOT one storm incident'}, queue p99 ${fmt(verdict.p99, 1)} ms · ratio ${fmt(verdict.ratio, 2)}× the p99 before the storm`,
    );

  emitJson('alarm-storm', {
    alarms,
    stormSeconds,
    backgroundRate,
    results: results.map((r) => ({
      backend: r.backend,
      detectors: r.detectors,
      accepted: r.accepted,
      stored: r.check.stored,
      holders: r.check.holders.length,
      openInBuilding: r.check.openInBuilding,
      merged: r.check.merged,
      stormFormedMs: Math.round(r.stormFormedMs),
      allCommittedMs: Math.round(r.allCommittedMs),
      queueIdleMs: { p50: r.queue.idle.p50, p99: r.queue.idle.p99, count: r.queue.idle.count },
      queueStormMs: { p50: r.queue.storm.p50, p99: r.queue.storm.p99, count: r.queue.storm.count },
    })),
    target: { p99Ms: TARGET_P99_MS, met },
  });
}

const estimateMinutes =
  requested.length *
    (readyTimeoutMs / 60_000 / 2 +
      (idleSeconds + stormSeconds * 3 + 60 + (backgroundRate > 0 ? 15 : 0)) / 60) +
  5;
runMain(main, { maxMinutes: envNumber('BENCH_MAX_MINUTES', Math.ceil(estimateMinutes), { min: 1 }) });

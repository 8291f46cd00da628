/**
 * Shared pieces of the governance benchmarks (governance-ingest.ts, alarm-latency.ts,
 * alarm-storm.ts): a private Mosquitto, a Jiedao server with the demo on PGlite or PostgreSQL
 * wired to it, the demo's device fleet read from the database, device messages published from a
 * child process, a Server-Sent-Events client, read-only queries and CPU accounting.
 *
 * Not a benchmark itself. Run as a child process (BENCH_GOV_ROLE=publisher) it is the device
 * publisher of `publishDeviceLoad`.
 *
 * Why a private broker: the shared development broker keeps Mosquitto's defaults
 * (max_queued_messages 1,000), so a subscriber that falls behind by more than its window plus
 * 1,000 messages silently loses QoS 1 messages the broker already acknowledged to the publishers
 * (apps/server/src/platform/mqtt/README.md). An ingest benchmark must count what the server
 * stored, not what the broker threw away, so each run starts its own Mosquitto with unbounded
 * queues and no persistence on a free loopback port.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { DEVICE_ALARM_CATEGORY, type DeviceMessageKind } from '@jiedao/contracts/constants';
import { connectAsync } from 'mqtt';
import pg from 'pg';
import {
  createDatabase,
  DEMO_DISPATCHER_PHONE,
  fmtDuration,
  freePort,
  getJson,
  jiedaoEnv,
  log,
  login,
  nowMs,
  onCleanup,
  percentile,
  serverCli,
  sleep,
  spawnChild,
  startNodeServer,
  stopChild,
  tempDir,
  type Backend,
  type Child,
  type ServerHandle,
} from './lib.js';
import { publishLoad, type PublishLoadResult } from './mqtt-passthrough.js';

const thisFile = fileURLToPath(import.meta.url);

/** The demo tenant (apps/server/src/demo): 16,125 sensors and 1,318 cameras in 120 buildings. */
export const DEMO_TENANT_CODE = 'gudang';

/** Sub-millisecond wall-clock time in ms since the epoch: comparable between processes. */
export const epochMs = () => performance.timeOrigin + nowMs();

// ---------------------------------------------------------------------------------------------
// A private Mosquitto

export interface Broker {
  url: string;
  /** A file holding the broker's pid, for `BENCH_MQTT_BROKER_PID_FILE` (CPU accounting). */
  pidFile: string;
  pid: number | undefined;
  /** True when this run started it (false for an external BENCH_MQTT_URL). */
  private: boolean;
  child: Child | undefined;
}

/** The private broker's settings; see the file comment for why queues are unbounded. */
export const PRIVATE_BROKER_SETTINGS = [
  'allow_anonymous true',
  // Our sessions are the only ones on this broker; a restart loses them, which no run survives anyway.
  'persistence false',
  // 0 = unbounded: a subscriber that falls behind gets everything late instead of losing it.
  'max_queued_messages 0',
  'max_queued_bytes 0',
  // Clients without Receive Maximum (MQTT 3.1.1 publishers) get an unbounded window as well;
  // MqttIngestor announces Receive Maximum 65,535, which Mosquitto honours either way.
  'max_inflight_messages 0',
  'log_dest stdout',
  'log_type error',
  'log_type warning',
];

/**
 * Starts `mosquitto -c <conf>` on a free loopback port (`BENCH_MOSQUITTO`, default `mosquitto`),
 * stopped at cleanup; or, when `BENCH_MQTT_URL` is set, uses that broker instead (and warns about
 * its queue limits).
 */
export async function startBroker(name: string): Promise<Broker> {
  const external = process.env.BENCH_MQTT_URL;
  if (external) {
    log(
      `using the broker at ${external} (BENCH_MQTT_URL): with Mosquitto's default max_queued_messages a lagging subscriber loses messages`,
    );
    const pidFile = process.env.BENCH_MQTT_BROKER_PID_FILE ?? '/run/mosquitto/mosquitto.pid';
    return { url: external, pidFile, pid: undefined, private: false, child: undefined };
  }
  const dir = tempDir(`jiedao-bench-${name}-`);
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(conf, [`listener ${port} 127.0.0.1`, ...PRIVATE_BROKER_SETTINGS, ''].join('\n'));
  const child = spawnChild({
    name: `mosquitto (${name})`,
    command: process.env.BENCH_MOSQUITTO ?? 'mosquitto',
    args: ['-c', conf],
  });
  // Mosquitto writes its pid file only as the user it starts as; we know the pid anyway.
  const pidFile = path.join(dir, 'mosquitto.pid');
  fs.writeFileSync(pidFile, `${child.pid}\n`);
  const url = `mqtt://127.0.0.1:${port}`;
  const started = nowMs();
  for (;;) {
    try {
      const client = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 1000 });
      await client.endAsync();
      break;
    } catch (error) {
      if (child.exited() || nowMs() - started > 10_000)
        throw new Error(
          `mosquitto did not start on port ${port}: ${error instanceof Error ? error.message : String(error)}\n${child.output()}`,
          { cause: error },
        );
      await sleep(50);
    }
  }
  return { url, pidFile, pid: child.pid, private: true, child };
}

// ---------------------------------------------------------------------------------------------
// Read-only database access (PostgreSQL live; PGlite only while the server is stopped)

export type DatabaseTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };

export interface Reader {
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Opens the server's database from the benchmark. PGlite is an embedded, single-process
 * database: its directory can be opened only when the server that owns it has stopped.
 */
export async function openReader(target: DatabaseTarget): Promise<Reader> {
  if (target.kind === 'postgres') {
    const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: 5000 });
    await client.connect();
    // A backend the server's shutdown terminates must not crash the benchmark.
    client.on('error', () => {});
    const unregister = onCleanup(() => client.end());
    return {
      query: async <T>(text: string, params: unknown[] = []) =>
        (await client.query(text, params)).rows as T[],
      close: async () => {
        unregister();
        await client.end();
      },
    };
  }
  const db = await PGlite.create({ dataDir: path.join(target.dataDir, 'pglite') });
  const unregister = onCleanup(() => db.close());
  return {
    query: async <T>(text: string, params: unknown[] = []) => (await db.query<T>(text, params)).rows,
    close: async () => {
      unregister();
      await db.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The device fleet

export interface FleetDevice {
  code: string;
  type: string;
  name: string;
  buildingId: string | null;
  gridId: string | null;
  state: string;
}

export interface Fleet {
  tenantId: string;
  tenantCode: string;
  devices: FleetDevice[];
  /** `${deviceCode}|${category}` of every open per-device incident when the fleet was read. */
  openIncidents: Set<string>;
  /** `${buildingId}|${category}` of every open storm. */
  openStorms: Set<string>;
  /** Dead letters and messages from unknown devices so far (the demo's own), to subtract later. */
  deadLetters: number;
  unknownDeviceMessages: number;
}

export async function readFleet(reader: Reader, tenantCode = DEMO_TENANT_CODE): Promise<Fleet> {
  const [tenant] = await reader.query<{ id: string }>('select id from tenant where code = $1', [tenantCode]);
  if (!tenant) throw new Error(`no tenant "${tenantCode}" in the database (was the demo loaded?)`);
  const devices = await reader.query<FleetDevice>(
    `select code, type, name, building_id as "buildingId", grid_id as "gridId", state
       from device where tenant_id = $1 order by code`,
    [tenant.id],
  );
  if (devices.length === 0) throw new Error(`tenant "${tenantCode}" has no devices (is the demo complete?)`);
  const open = await reader.query<{ code: string; category: string }>(
    `select d.code, i.category from incident i join device d on d.tenant_id = i.tenant_id and d.id = i.device_id
      where i.tenant_id = $1 and i.status = 'open' and not i.storm`,
    [tenant.id],
  );
  const storms = await reader.query<{ buildingId: string; category: string }>(
    `select building_id as "buildingId", category from incident
      where tenant_id = $1 and status = 'open' and storm and building_id is not null`,
    [tenant.id],
  );
  const [rejected] = await reader.query<{ dead: number; unknown: number }>(
    `select (select count(*)::int from dead_letter where tenant_id = $1) as dead,
       (select coalesce(sum(message_count), 0)::int from unknown_device where tenant_id = $1) as unknown`,
    [tenant.id],
  );
  return {
    tenantId: tenant.id,
    tenantCode,
    devices,
    deadLetters: rejected?.dead ?? 0,
    unknownDeviceMessages: rejected?.unknown ?? 0,
    openIncidents: new Set(open.map((row) => `${row.code}|${row.category}`)),
    openStorms: new Set(storms.map((row) => `${row.buildingId}|${row.category}`)),
  };
}

/**
 * The category the intake gives a sensor's alarm; undefined for cameras (an MQTT alarm of a camera
 * keeps the mapping's `safety_hazard`; their analytics alarms come through the camera source).
 */
export function alarmCategory(device: FleetDevice): string | undefined {
  return (DEVICE_ALARM_CATEGORY as Readonly<Record<string, string>>)[device.type];
}

/** Where the intake's storm detection groups a device's alarms: its building, else its grid. */
export const stormScope = (device: FleetDevice) => device.buildingId ?? device.gridId ?? 'none';

/**
 * At most `perScope` devices of each (building or grid, alarm category): alarms from these never
 * reach the intake's storm threshold (5 distinct devices of one building and category within a
 * minute), so they exercise ordinary correlation — one incident per device — and not storms.
 */
export function sparseAlarmDevices(devices: readonly FleetDevice[], perScope = 4): FleetDevice[] {
  const taken = new Map<string, number>();
  const chosen: FleetDevice[] = [];
  for (const device of devices) {
    const category = alarmCategory(device);
    if (!category) continue;
    const key = `${stormScope(device)}|${category}`;
    const count = taken.get(key) ?? 0;
    if (count >= perScope) continue;
    taken.set(key, count + 1);
    chosen.push(device);
  }
  return chosen;
}

// ---------------------------------------------------------------------------------------------
// Device messages from a child process

export interface DeviceLoadPlan {
  url: string;
  tenantCode: string;
  /** Prefix of every message's `msgId` (`<runId>-<index>`), so a run's events can be counted. */
  runId: string;
  /** Named lists of device codes (kept by name so that the plan file stays small). */
  lists: Record<string, string[]>;
  /**
   * Message i uses `slots[i % slots.length]`: its kind, and the next device of its list (round
   * robin per list, so consecutive messages of one list go to different devices).
   */
  slots: Array<{ kind: DeviceMessageKind; list: string }>;
  /** Messages in total; null: until `durationMs` has passed or the load is stopped. */
  count: number | null;
  /** Messages per second; unset: as fast as the publishers' windows allow. */
  rate?: number;
  /** Stop publishing this long after the first message. */
  durationMs?: number;
  publishers?: number;
  window?: number;
}

/** Topic and payload of message `index` of a plan. */
export function planMessages(plan: DeviceLoadPlan): {
  topicFor: (index: number) => string;
  payloadFor: (index: number) => string;
} {
  const slotCount = plan.slots.length;
  if (slotCount === 0) throw new Error('a device load plan needs at least one slot');
  // For each slot: its list, how many slots share that list, and its ordinal among them.
  const resolved = plan.slots.map((slot, index) => {
    const list = plan.lists[slot.list];
    if (!list || list.length === 0) throw new Error(`device list "${slot.list}" is missing or empty`);
    const sharing = plan.slots.filter((other) => other.list === slot.list);
    const ordinal = plan.slots.slice(0, index).filter((other) => other.list === slot.list).length;
    return { kind: slot.kind, list, sharing: sharing.length, ordinal };
  });
  const deviceOf = (index: number) => {
    const slot = resolved[index % slotCount]!;
    const round = Math.floor(index / slotCount);
    return { slot, code: slot.list[(round * slot.sharing + slot.ordinal) % slot.list.length]! };
  };
  return {
    topicFor: (index) => {
      const { slot, code } = deviceOf(index);
      return `jiedao/${plan.tenantCode}/devices/${code}/${slot.kind}`;
    },
    // What an NB-IoT sensor sends: its own message id (redeliveries are idempotent), the time, a
    // reading and its battery; ~90 bytes.
    payloadFor: (index) =>
      `{"msgId":"${plan.runId}-${index}","ts":${Date.now()},"value":${(index % 1000) / 10},"battery":${60 + (index % 40)},"rssi":${-50 - (index % 40)}}`,
  };
}

/**
 * The steady IoT mix of the benchmarks: per 10 messages 3 alarms, 4 faults and 3 low-battery
 * reports. Faults and low-battery reports go round robin over `sensors` (category device_fault:
 * one incident per device, which every later report joins); alarms round robin over at most 4
 * sensors per building (or grid) and alarm category, so they never reach the storm threshold of 5
 * devices and stay one incident per device. No heartbeats: they are not events (they only move
 * `device.last_seen_at`), so they could not be counted in the database.
 */
export function steadyMix(sensors: readonly FleetDevice[]): {
  lists: Record<string, string[]>;
  slots: DeviceLoadPlan['slots'];
  alarmDevices: number;
} {
  const alarms = sparseAlarmDevices(sensors);
  return {
    lists: { sensors: sensors.map((device) => device.code), alarms: alarms.map((device) => device.code) },
    slots: [
      { kind: 'alarm', list: 'alarms' },
      { kind: 'fault', list: 'sensors' },
      { kind: 'low_battery', list: 'sensors' },
      { kind: 'fault', list: 'sensors' },
      { kind: 'alarm', list: 'alarms' },
      { kind: 'low_battery', list: 'sensors' },
      { kind: 'fault', list: 'sensors' },
      { kind: 'alarm', list: 'alarms' },
      { kind: 'low_battery', list: 'sensors' },
      { kind: 'fault', list: 'sensors' },
    ],
    alarmDevices: alarms.length,
  };
}

/** Messages of `steadyMix` after which every sensor and every alarm device had one (7 of 10 go to sensors). */
export const firstPassMessages = (sensors: number) => Math.ceil(sensors / 7) * 10;

export interface DeviceLoadHandle {
  /** Resolves with the publishers' figures once the load ended (or was stopped). */
  result: Promise<PublishLoadResult>;
  /** Resolves when the child has connected and sent its first message. */
  started: Promise<void>;
  /** Ends an open-ended load; `result` resolves after the publishes already sent are settled. */
  stop(): void;
}

let planCounter = 0;

/**
 * Runs a `DeviceLoadPlan` in a child process (this file with the same loader), so publishing does
 * not compete with the benchmark's own measuring for one Node thread.
 */
export function publishDeviceLoad(plan: DeviceLoadPlan): DeviceLoadHandle {
  const dir = tempDir('jiedao-bench-plan-');
  const file = path.join(dir, `plan-${++planCounter}.json`);
  fs.writeFileSync(file, JSON.stringify(plan));
  let result: PublishLoadResult | undefined;
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const child = spawnChild({
    name: `device publishers (${plan.runId})`,
    command: process.execPath,
    args: [...process.execArgv, thisFile],
    env: { ...process.env, BENCH_GOV_ROLE: 'publisher', BENCH_GOV_PLAN: file },
    onLine: (line) => {
      if (line === '{"started":true}') markStarted();
      else if (line.startsWith('{"result":'))
        result = (JSON.parse(line) as { result: PublishLoadResult }).result;
    },
  });
  const done = child.exit.then((exit) => {
    if (!result)
      throw new Error(
        `the device publisher ended (code ${exit.code}, signal ${exit.signal}) without a result:\n${child.output()}`,
      );
    return result;
  });
  // Never leave `started` pending when the child dies before publishing.
  void done.catch(() => {}).finally(markStarted);
  return {
    result: done,
    started,
    // SIGTERM only to the child itself: it ends its load and reports (stopChild would wait for exit).
    stop: () => {
      if (!child.exited()) child.process.kill('SIGTERM');
    },
  };
}

/** The child side of `publishDeviceLoad`. SIGTERM ends the load early. */
async function runPublisherChild(): Promise<void> {
  const plan = JSON.parse(fs.readFileSync(process.env.BENCH_GOV_PLAN ?? '', 'utf8')) as DeviceLoadPlan;
  const controller = new AbortController();
  process.on('SIGTERM', () => controller.abort());
  const { topicFor, payloadFor } = planMessages(plan);
  let started = false;
  const result = await publishLoad({
    url: plan.url,
    count: plan.count ?? Number.POSITIVE_INFINITY,
    ...(plan.rate !== undefined ? { rate: plan.rate } : {}),
    ...(plan.publishers !== undefined ? { publishers: plan.publishers } : {}),
    ...(plan.window !== undefined ? { window: plan.window } : {}),
    topicFor: (index) => {
      if (!started) {
        started = true;
        console.log(JSON.stringify({ started: true }));
        if (plan.durationMs !== undefined) setTimeout(() => controller.abort(), plan.durationMs).unref();
      }
      return topicFor(index);
    },
    payloadFor,
    signal: controller.signal,
  });
  console.log(JSON.stringify({ result }));
}

// ---------------------------------------------------------------------------------------------
// The Jiedao server with the demo, subscribed to a broker

export interface GovernanceServer {
  backend: Backend;
  handle: ServerHandle;
  baseUrl: string;
  target: DatabaseTarget;
  fleet: Fleet;
  /** The demo dispatcher's session cookie. */
  cookie: string;
  /** The Node process's CPU seconds so far. */
  cpuSeconds(): number;
  /** SIGTERM (the server drains its MQTT batches and intake first); returns the CPU profile file, if any. */
  stop(): Promise<string | undefined>;
}

export interface StartGovernanceOptions {
  backend: Backend;
  broker: Broker;
  /** Names the database / data directory / MQTT session. */
  label: string;
  /** JIEDAO_MQTT_CONNECTIONS (parallel sessions on a shared subscription). */
  mqttConnections?: number;
  /** Extra environment of the server. */
  env?: Record<string, string>;
  /** Start the measured server with `--cpu-prof` into this directory. */
  cpuProfileDir?: string;
  readyTimeoutMs: number;
}

let serverCounter = 0;

/** `node [nodeArgs] apps/server/dist/cli.js serve --demo …` on a free loopback port. */
async function spawnJiedao(options: {
  name: string;
  dataDir: string;
  databaseUrl: string | undefined;
  env: Record<string, string>;
  nodeArgs?: string[];
  timeoutMs: number;
}): Promise<ServerHandle> {
  const port = await freePort();
  return startNodeServer({
    name: options.name,
    args: [
      ...(options.nodeArgs ?? []),
      serverCli,
      'serve',
      '--demo',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--data-dir',
      options.dataDir,
      ...(options.databaseUrl ? ['--database-url', options.databaseUrl] : []),
    ],
    port,
    readyPath: '/readyz',
    env: jiedaoEnv(options.env),
    timeoutMs: options.timeoutMs,
    onWait: (ms) => log(`  … still starting (${fmtDuration(ms)})`),
  });
}

/** CPU seconds (user + system) a live process has used, from /proc; NaN when unreadable. */
export function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name in parentheses; utime and stime are fields 14 and 15 (jiffies).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** The intake's counters from the server's /metrics (seconds mapping and writing, batches). */
export async function intakeCounters(
  baseUrl: string,
): Promise<{ mapSeconds: number; writeSeconds: number; batches: number }> {
  const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  const read = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN);
  return {
    mapSeconds: read(/^jiedao_intake_map_seconds (\S+)$/m),
    writeSeconds: read(/^jiedao_intake_write_seconds (\S+)$/m),
    batches: read(/^jiedao_intake_batches (\S+)$/m),
  };
}

/**
 * A Jiedao server on a fresh database with the demo loaded, its MQTT intake subscribed to
 * `broker`, the fleet read and the dispatcher signed in. Sweeps keep their default interval unless
 * BENCH_SWEEP_INTERVAL_MS is set (0 turns them off).
 *
 * PGlite: the server is started once to load the demo and stopped, the fleet is read from its
 * directory, and the server started again (warm) for the measurement — the embedded database
 * cannot be read from outside while the server has it open.
 */
export async function startGovernanceServer(options: StartGovernanceOptions): Promise<GovernanceServer> {
  const { backend } = options;
  const n = ++serverCounter;
  const dataDir = tempDir(`jiedao-bench-${options.label}-${backend}-`);
  const databaseUrl =
    backend === 'postgres'
      ? await createDatabase(`jiedao_bench_${options.label}_${process.pid}_${n}`)
      : undefined;
  const target: DatabaseTarget = databaseUrl
    ? { kind: 'postgres', url: databaseUrl }
    : { kind: 'pglite', dataDir };
  const sweep = process.env.BENCH_SWEEP_INTERVAL_MS;
  const env: Record<string, string> = {
    JIEDAO_LOGIN_RATE_LIMIT: '1000',
    ...(sweep !== undefined && sweep !== '' ? { JIEDAO_SWEEP_INTERVAL_MS: sweep } : {}),
    ...options.env,
  };
  const mqttEnv: Record<string, string> = {
    JIEDAO_MQTT_URL: options.broker.url,
    JIEDAO_MQTT_CLIENT_ID: `jiedao-bench-${process.pid}-${n}`,
    JIEDAO_MQTT_CONNECTIONS: String(options.mqttConnections ?? 1),
  };
  const nodeArgs = options.cpuProfileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`, '--cpu-prof-name=jiedao-server.cpuprofile']
    : [];
  const name = `jiedao-${options.label}-${backend}`;
  const started = nowMs();
  log(`starting Jiedao on ${backend} (serve --demo on a fresh ${databaseUrl ? 'database' : 'data dir'}) …`);

  let handle: ServerHandle;
  let fleet: Fleet;
  if (backend === 'pglite') {
    // Load the demo without MQTT, stop, read the fleet, then start the measured server.
    const seeding = await spawnJiedao({
      name: `${name}-seed`,
      dataDir,
      databaseUrl,
      env,
      timeoutMs: options.readyTimeoutMs,
    });
    await stopChild(seeding.child);
    const reader = await openReader(target);
    try {
      fleet = await readFleet(reader);
    } finally {
      await reader.close();
    }
    handle = await spawnJiedao({
      name,
      dataDir,
      databaseUrl,
      env: { ...env, ...mqttEnv },
      nodeArgs,
      timeoutMs: options.readyTimeoutMs,
    });
  } else {
    handle = await spawnJiedao({
      name,
      dataDir,
      databaseUrl,
      env: { ...env, ...mqttEnv },
      nodeArgs,
      timeoutMs: options.readyTimeoutMs,
    });
    const reader = await openReader(target);
    try {
      fleet = await readFleet(reader);
    } finally {
      await reader.close();
    }
  }
  const cookie = await login(handle.baseUrl, DEMO_DISPATCHER_PHONE);
  // The intake subscribes in the background; wait until the broker says it is subscribed.
  for (;;) {
    const overview = (await getJson(`${handle.baseUrl}/api/governance/overview`, { cookie })) as {
      broker?: { state?: string; lastError?: string | null };
    };
    if (overview.broker?.state === 'connected') break;
    if (nowMs() - started > options.readyTimeoutMs)
      throw new Error(
        `the MQTT intake did not connect to ${options.broker.url}: ${JSON.stringify(overview.broker)}`,
      );
    await sleep(100);
  }
  log(
    `  ready at ${handle.baseUrl} after ${fmtDuration(nowMs() - started)} (pid ${handle.child.pid}); ${fleet.devices.length.toLocaleString('en-US')} devices, MQTT ${options.broker.url} × ${options.mqttConnections ?? 1} session(s)`,
  );
  return {
    backend,
    handle,
    baseUrl: handle.baseUrl,
    target,
    fleet,
    cookie,
    cpuSeconds: () => processCpuSeconds(handle.child.pid),
    stop: async () => {
      await stopChild(handle.child, 60_000);
      if (!options.cpuProfileDir) return undefined;
      const file = path.join(options.cpuProfileDir, 'jiedao-server.cpuprofile');
      return fs.existsSync(file) ? file : undefined;
    },
  };
}

/** Pids of the PostgreSQL backends serving `databaseUrl`'s database (the server's pool), for CPU accounting. */
export async function postgresBackendPids(reader: Reader, databaseUrl: string): Promise<number[]> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const rows = await reader.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
    [name],
  );
  return rows.map((row) => row.pid);
}

export function sumCpuSeconds(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => {
    const seconds = processCpuSeconds(pid);
    return Number.isFinite(seconds) ? sum + seconds : sum;
  }, 0);
}

// ---------------------------------------------------------------------------------------------
// Autovacuum stand-in

/** Tables the intake updates in place (vacuumed and analyzed) and appends to (analyzed). */
const UPDATED_TABLES = ['incident', 'device', 'gov_case', 'case_timeline', 'event_source', 'unknown_device'];

export interface Maintenance {
  /** Whether the server's PostgreSQL runs autovacuum itself (then this does nothing). */
  autovacuum: boolean;
  /** Passes run so far and their total time. */
  passes: number;
  totalMs: number;
  stop(): Promise<void>;
}

/**
 * What autovacuum would do for the benchmark's database, when the PostgreSQL it runs on has
 * autovacuum off (this machine's CI configuration, /etc/postgresql/15/main/conf.d/90-ci.conf —
 * shared with the test suites, so not ours to change). Without it the planner never learns that
 * `incident` grew from a few hundred rows to tens of thousands, and the intake's cached generic
 * plans look incidents up through the wrong index (measured: 5 ms per incident updated instead of
 * µs, ~500 events/s), and updated tables bloat without bound.
 *
 * Runs `ANALYZE` once now (after the demo load), then every `everyMs` `VACUUM (ANALYZE)` on the
 * tables the intake updates — roughly autovacuum's work with a short naptime. `gov_event` is only
 * appended to and its statements' plans do not depend on its size (unique-index inserts, lookups
 * by incident), so it is analyzed once: re-analyzing a table growing by a million rows a minute
 * cost more than all the rest of this work together. `everyMs` 0 (BENCH_PG_MAINTENANCE_SECONDS=0) does nothing: the stale-statistics
 * behaviour. Does nothing either when autovacuum is on.
 */
export async function startMaintenance(target: DatabaseTarget, everyMs: number): Promise<Maintenance> {
  const maintenance: Maintenance = { autovacuum: false, passes: 0, totalMs: 0, stop: async () => {} };
  if (target.kind !== 'postgres') return maintenance;
  const reader = await openReader(target);
  const [setting] = await reader.query<{ autovacuum: string }>('show autovacuum');
  maintenance.autovacuum = setting?.autovacuum === 'on';
  if (maintenance.autovacuum || everyMs <= 0) {
    await reader.close();
    return maintenance;
  }
  const pass = async (full: boolean) => {
    const started = nowMs();
    if (full) await reader.query('analyze');
    else await reader.query(`vacuum (analyze) ${UPDATED_TABLES.join(', ')}`);
    maintenance.passes++;
    maintenance.totalMs += nowMs() - started;
  };
  await pass(true);
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= pass(false)
      .catch((error: unknown) =>
        log(`  (maintenance pass failed: ${error instanceof Error ? error.message : String(error)})`),
      )
      .finally(() => (running = undefined));
  }, everyMs);
  maintenance.stop = async () => {
    clearInterval(timer);
    await running;
    await reader.close();
  };
  return maintenance;
}

// ---------------------------------------------------------------------------------------------
// Server-Sent Events

export interface StreamEvent {
  type: string;
  data: string;
  /** nowMs() when the chunk carrying the event's end arrived. */
  at: number;
}

export interface EventStream {
  /** Resolves once the server answered 200 and the stream is open. */
  opened: Promise<void>;
  /**
   * How often the server ended the stream and it was reopened — the hub drops a client whose unsent
   * output passes 1 MiB, e.g. when one batch publishes that much before the socket drains.
   */
  drops: number;
  lastDrop: string | undefined;
  close(): void;
}

/**
 * Reads `GET /api/governance/stream` as the command center's screen does, calling `onEvent` for
 * every event (comments and heartbeats are skipped). Timing is taken when the chunk arrives, so
 * parsing in `onEvent` does not inflate it. Like EventSource it reconnects at once when the server
 * drops it, sending `Last-Event-ID` so the hub replays what it still buffers (replayed events then
 * carry the reconnect's arrival time: late, never early).
 */
export function openEventStream(
  baseUrl: string,
  cookie: string,
  onEvent: (event: StreamEvent) => void,
): EventStream {
  const url = new URL('/api/governance/stream', baseUrl);
  let closing = false;
  let lastId: string | undefined;
  let request: http.ClientRequest | undefined;
  let resolveOpened: () => void = () => {};
  let rejectOpened: (error: Error) => void = () => {};
  const opened = new Promise<void>((resolve, reject) => {
    resolveOpened = resolve;
    rejectOpened = reject;
  });
  // A failure before the caller awaits `opened` must not become an unhandled rejection.
  opened.catch(() => {});
  let everOpened = false;

  const dropped = (reason: string) => {
    if (closing) return;
    stream.drops++;
    stream.lastDrop = reason;
    setTimeout(connect, 50).unref();
  };
  function connect(): void {
    if (closing) return;
    let pending = '';
    const headers: Record<string, string> = { cookie, accept: 'text/event-stream' };
    if (lastId !== undefined) headers['last-event-id'] = lastId;
    request = http.get(url, { agent: false, headers }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        if (!everOpened) rejectOpened(new Error(`GET ${url.pathname} answered ${response.statusCode}`));
        else dropped(`reconnect answered ${response.statusCode}`);
        return;
      }
      response.socket.setNoDelay(true);
      response.setEncoding('utf8');
      everOpened = true;
      resolveOpened();
      response.on('data', (chunk: string) => {
        const at = nowMs();
        pending += chunk;
        let end = pending.indexOf('\n\n');
        while (end >= 0) {
          const frame = pending.slice(0, end);
          pending = pending.slice(end + 2);
          end = pending.indexOf('\n\n');
          let type = 'message';
          let data = '';
          for (const line of frame.split('\n')) {
            if (line.startsWith('event: ')) type = line.slice(7);
            else if (line.startsWith('data: ')) data = data ? `${data}\n${line.slice(6)}` : line.slice(6);
            else if (line.startsWith('id: ')) lastId = line.slice(4);
          }
          // Comment-only frames (": heartbeat") and the opening "retry:" carry no event.
          if (data !== '' || type !== 'message') onEvent({ type, data, at });
        }
      });
      response.on('close', () => dropped('the server ended the stream'));
    });
    request.on('error', (error) => {
      if (closing) return;
      if (!everOpened) rejectOpened(error);
      else dropped(error.message);
    });
  }
  const close = () => {
    closing = true;
    request?.destroy();
  };
  const unregister = onCleanup(close);
  const stream: EventStream = {
    opened,
    drops: 0,
    lastDrop: undefined,
    close: () => {
      unregister();
      close();
    },
  };
  connect();
  return stream;
}

// ---------------------------------------------------------------------------------------------
// Timed HTTP reads

/** One keep-alive connection, as a console polling its queue holds one. */
export function keepAliveAgent(): http.Agent {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  onCleanup(() => agent.destroy());
  return agent;
}

/** GET with the session cookie; resolves with the status and the ms from request to last byte. */
export function timedGet(
  url: string,
  cookie: string,
  agent: http.Agent,
): Promise<{ status: number; ms: number; body: string }> {
  return new Promise((resolve, reject) => {
    const started = nowMs();
    const request = http.get(url, { agent, headers: { cookie }, timeout: 30_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          ms: nowMs() - started,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on('error', reject);
  });
}

/**
 * Polls `GET /healthz` every `everyMs` (one request at a time) to see whether the server's event
 * loop stays responsive while it ingests: an answer that takes seconds means the loop was busy that
 * long (on PGlite the database runs on the same thread).
 */
export function watchResponsiveness(baseUrl: string, everyMs = 200): { stop(): Promise<number[]> } {
  const agent = keepAliveAgent();
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const response = await timedGet(`${baseUrl}/healthz`, '', agent);
        if (response.status === 200) latencies.push(response.ms);
      } catch {
        // A failed probe is not a latency; the benchmarks report failures elsewhere.
      }
      await sleep(everyMs);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      agent.destroy();
      return latencies;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Statistics and CPU profiles

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarizeLatencies(values: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

/**
 * The functions with the most self time in a V8 `.cpuprofile`, and the share per file ("where the
 * server's CPU went"). Idle and GC show as `(idle)` and `(garbage collector)`.
 */
export function summarizeCpuProfile(
  file: string,
  options: { top?: number; windows?: ReadonlyArray<readonly [number, number]> } = {},
): {
  functions: Array<{ name: string; share: number }>;
  files: Array<{ name: string; share: number }>;
  sampledMs: number;
} {
  const top = options.top ?? 15;
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfTime = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // Sample times are CLOCK_MONOTONIC µs, the clock of `monotonicMicros()` in any process here.
  let at = profile.startTime;
  let sampled = 0;
  samples.forEach((id, index) => {
    const delta = deltas[index] ?? 0;
    at += delta;
    if (options.windows && !options.windows.some(([from, to]) => at >= from && at <= to)) return;
    selfTime.set(id, (selfTime.get(id) ?? 0) + delta);
    sampled += delta;
  });
  const total = [...selfTime.values()].reduce((sum, value) => sum + value, 0) || 1;
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  const shortUrl = (url: string) => {
    if (url === '') return '(native)';
    const clean = url.replace(/^file:\/\//, '');
    const modules = clean.lastIndexOf('/node_modules/');
    if (modules >= 0)
      return clean
        .slice(modules + '/node_modules/'.length)
        .split('/')
        .slice(0, 2)
        .join('/');
    return path.relative(process.cwd(), clean);
  };
  for (const [id, time] of selfTime) {
    const node = byId.get(id);
    if (!node) continue;
    const frame = node.callFrame;
    const where = shortUrl(frame.url);
    const name = `${frame.functionName || '(anonymous)'} ${where}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + time);
    files.set(where, (files.get(where) ?? 0) + time);
  }
  const ranked = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, time]) => ({ name, share: time / total }));
  return { functions: ranked(functions), files: ranked(files), sampledMs: sampled / 1000 };
}

/** CLOCK_MONOTONIC in µs: the time base of V8 CPU profiles (`--cpu-prof`) of every process here. */
export const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

/** Copies a CPU profile to bench/results/ (git-ignored) so it survives the temporary directory. */
export function keepCpuProfile(file: string, name: string): string {
  const dir = path.join(path.dirname(thisFile), 'results');
  fs.mkdirSync(dir, { recursive: true });
  const kept = path.join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
  fs.copyFileSync(file, kept);
  return kept;
}

/** Kept here for the benches that import it from this module. */
export { emitJson } from './lib.js';

// Run only as the publisher child of `publishDeviceLoad`.
if (
  process.env.BENCH_GOV_ROLE === 'publisher' &&
  process.argv[1] &&
  path.resolve(process.argv[1]) === thisFile
) {
  runPublisherChild().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}

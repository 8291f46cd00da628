/**
 * MQTT QoS 1 pass-through: how many messages per second the broker carries from publishers to a
 * subscriber that acknowledges at once — the ceiling for any ingestion behind it — and the same
 * load through `MqttIngestor` (PUBACK only after the batch handler resolved) to show what
 * delayed acknowledgements cost.
 *
 *   npx tsx bench/mqtt-passthrough.ts
 *
 * Loopback only (BENCH_MQTT_URL must name 127.0.0.1/localhost). The publishers run in a child
 * process so that publishing and receiving do not share one Node thread (in one process that thread
 * saturates before the broker does). Each round measures every variant once, the pass-through
 * baseline first, so every round has its own baseline; figures are medians over rounds, ratios are
 * to the baseline. Exported helpers (`publishLoad`, `publishLoadInChild`, `measurePassThrough`,
 * `measureIngestor`, `alarmPayload`, `deviceTopic`) let a later ingest benchmark compare its figure
 * with the pass-through measured in the same run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { MqttIngestor, type IngestMessage } from '../apps/server/src/platform/mqtt/mqtt-ingestor.js';
import {
  benchDir,
  envNumber,
  spawnChild,
  stopChild,
  fmt,
  log,
  median,
  minMax,
  nowMs,
  onCleanup,
  printTable,
  runMain,
  sleep,
} from './lib.js';

export const DEFAULT_BROKER_URL = process.env.BENCH_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const thisFile = fileURLToPath(import.meta.url);

/** Sub-millisecond wall-clock time in ms since the epoch: comparable between processes. */
const epochMs = () => performance.timeOrigin + nowMs();

// ---------------------------------------------------------------------------------------------
// Payloads and topics

const DEVICE_KINDS = ['heartbeat', 'heartbeat', 'heartbeat', 'heartbeat', 'alarm'] as const;

/** `jiedao/<tenant>/devices/<code>/<kind>` for message `index` of a fleet of `devices` devices. */
export function deviceTopic(tenant: string, index: number, devices = 5000): string {
  const code = `SMK-${String(index % devices).padStart(6, '0')}`;
  return `jiedao/${tenant}/devices/${code}/${DEVICE_KINDS[index % DEVICE_KINDS.length]}`;
}

/**
 * A realistic ~200-byte JSON heartbeat or alarm of a smoke detector. It starts with
 * `{"seq":<index>,` so a counting subscriber can read the sequence number without parsing JSON.
 */
export function alarmPayload(index: number, tenant = 'bench', devices = 5000): Buffer {
  const kind = DEVICE_KINDS[index % DEVICE_KINDS.length];
  const device = `SMK-${String(index % devices).padStart(6, '0')}`;
  const body = {
    seq: index,
    tenant,
    device,
    kind,
    type: 'smoke',
    level: kind === 'alarm' ? 2 : 0,
    value: Math.round((index % 1000) * 0.37 * 10) / 10,
    unit: 'ppm',
    battery: 60 + (index % 40),
    rssi: -50 - (index % 40),
    at: new Date().toISOString(),
    location: {
      lng: Number((120.7391 + (index % 100) / 10_000).toFixed(4)),
      lat: Number((31.3232 + (index % 97) / 10_000).toFixed(4)),
    },
  };
  return Buffer.from(JSON.stringify(body));
}

/** The `seq` of a payload made by `alarmPayload` (−1 if it is not one). */
export function payloadSequence(payload: Buffer): number {
  const start = 7; // after `{"seq":`
  let value = 0;
  let index = start;
  for (; index < payload.length; index += 1) {
    const byte = payload[index]!;
    if (byte < 48 || byte > 57) break;
    value = value * 10 + (byte - 48);
  }
  return index === start ? -1 : value;
}

// ---------------------------------------------------------------------------------------------
// Publishing

export interface PublishLoadOptions {
  url?: string;
  /** Messages in total (`Infinity` with `signal` for a background load). */
  count: number;
  /** Messages per second over all publishers; unset: as fast as the in-flight windows allow. */
  rate?: number;
  /** Publisher connections (default 4). */
  publishers?: number;
  /** Unacknowledged QoS 1 publishes per publisher (default 100). */
  window?: number;
  topicFor: (index: number) => string;
  payloadFor: (index: number) => Buffer | string;
  /** MQTT version of the publishers (default 4 = 3.1.1, what most devices speak). */
  protocolVersion?: 4 | 5;
  clientIdPrefix?: string;
  /** Ends the load early; `publishLoad` resolves once the publishes already sent are settled. */
  signal?: AbortSignal;
}

export interface PublishLoadResult {
  /** PUBLISH packets sent. */
  published: number;
  /** PUBACKs received from the broker: the messages it accepted. */
  acknowledged: number;
  failed: number;
  /** First publish → last PUBACK. */
  elapsedMs: number;
  /** acknowledged ÷ elapsed. */
  messagesPerSecond: number;
  /** When the first publish went out (epoch ms). */
  startedAt: number;
  /** CPU time the publishing process used meanwhile, in seconds. */
  cpuSeconds: number;
}

/**
 * Publishes `count` QoS 1 messages over `publishers` connections, each with at most `window`
 * unacknowledged publishes, as fast as possible or at a fixed `rate`. Resolves when every publish
 * is acknowledged (or failed); rejects only when a publisher cannot connect.
 */
export async function publishLoad(options: PublishLoadOptions): Promise<PublishLoadResult> {
  const url = checkLoopback(options.url ?? DEFAULT_BROKER_URL);
  const window = options.window ?? 100;
  const prefix =
    options.clientIdPrefix ?? `bench-pub-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const clients = await Promise.all(
    Array.from({ length: options.publishers ?? 4 }, (_, index) =>
      connectAsync(url, {
        clientId: `${prefix}-${index}`,
        protocolVersion: options.protocolVersion ?? 4,
        clean: true,
        reconnectPeriod: 0,
      }),
    ),
  );
  const unregister = onCleanup(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
  });
  let next = 0;
  let acknowledged = 0;
  let failed = 0;
  let inFlight = 0;
  const start = nowMs();
  const startedAt = epochMs();
  const cpuAtStart = process.cpuUsage();
  let lastAckAt = start;
  try {
    await new Promise<void>((resolve) => {
      let ticker: NodeJS.Timeout | undefined;
      const finished = () => inFlight === 0 && (next >= options.count || options.signal?.aborted === true);
      const finish = () => {
        if (ticker) clearInterval(ticker);
        options.signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      // With a rate, message i may go once i ÷ rate seconds have passed.
      const allowed = () =>
        options.rate === undefined
          ? options.count
          : Math.min(options.count, Math.floor(((nowMs() - start) / 1000) * options.rate) + 1);
      const pump = (client: MqttClient, state: { inFlight: number }) => {
        const limit = allowed();
        while (state.inFlight < window && next < limit && options.signal?.aborted !== true) {
          const index = next;
          next += 1;
          state.inFlight += 1;
          inFlight += 1;
          client.publish(options.topicFor(index), options.payloadFor(index), { qos: 1 }, (error) => {
            state.inFlight -= 1;
            inFlight -= 1;
            if (error) failed += 1;
            else acknowledged += 1;
            lastAckAt = nowMs();
            if (finished()) finish();
            else pump(client, state);
          });
        }
      };
      const states = clients.map(() => ({ inFlight: 0 }));
      const pumpAll = () => {
        clients.forEach((client, index) => pump(client, states[index]!));
        if (finished()) finish();
      };
      const onAbort = () => {
        if (finished()) finish();
      };
      options.signal?.addEventListener('abort', onAbort);
      // A fixed rate is topped up every 5 ms; a free-running load only needs the PUBACK callbacks.
      if (options.rate !== undefined) ticker = setInterval(pumpAll, 5);
      pumpAll();
    });
  } finally {
    unregister();
    await Promise.all(clients.map((client) => client.endAsync()));
  }
  const elapsedMs = lastAckAt - start;
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    published: next,
    acknowledged,
    failed,
    elapsedMs,
    messagesPerSecond: acknowledged / (elapsedMs / 1000),
    startedAt,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

/** What a publisher child process needs: the standard device topics and payloads of one tenant. */
export interface ChildLoadOptions {
  url?: string;
  tenant: string;
  count: number;
  rate?: number;
  publishers?: number;
  window?: number;
  signal?: AbortSignal;
  /** Called when the child has connected and starts publishing. */
  onStart?: () => void;
}

/**
 * `publishLoad` with `deviceTopic`/`alarmPayload` of `tenant`, in a child process (this file run
 * with the same loader), so the load does not compete with the measured subscriber for its thread.
 */
export async function publishLoadInChild(options: ChildLoadOptions): Promise<PublishLoadResult> {
  const { signal, onStart, ...load } = options;
  let result: PublishLoadResult | undefined;
  const child = spawnChild({
    name: 'mqtt publishers',
    command: process.execPath,
    args: [...process.execArgv, thisFile],
    env: { ...process.env, BENCH_MQTT_ROLE: 'publisher', BENCH_MQTT_LOAD: JSON.stringify(load) },
    onLine: (line) => {
      if (line === '{"started":true}') onStart?.();
      else if (line.startsWith('{"result":'))
        result = (JSON.parse(line) as { result: PublishLoadResult }).result;
    },
  });
  const onAbort = () => void stopChild(child, 5000);
  signal?.addEventListener('abort', onAbort);
  try {
    const exit = await child.exit;
    if (!result)
      throw new Error(
        `the publisher process ended (code ${exit.code}, signal ${exit.signal}) without a result:\n${child.output()}`,
      );
    return result;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** The child side of `publishLoadInChild`: SIGTERM ends the load early, as `signal` does. */
async function runPublisherChild(): Promise<void> {
  const load = JSON.parse(process.env.BENCH_MQTT_LOAD ?? '{}') as Omit<ChildLoadOptions, 'signal'>;
  const controller = new AbortController();
  process.on('SIGTERM', () => controller.abort());
  let started = false;
  const result = await publishLoad({
    ...(load.url !== undefined ? { url: load.url } : {}),
    count: load.count,
    ...(load.rate !== undefined ? { rate: load.rate } : {}),
    ...(load.publishers !== undefined ? { publishers: load.publishers } : {}),
    ...(load.window !== undefined ? { window: load.window } : {}),
    topicFor: (index) => {
      if (!started) {
        started = true;
        console.log(JSON.stringify({ started: true }));
      }
      return deviceTopic(load.tenant, index);
    },
    payloadFor: (index) => alarmPayload(index, load.tenant),
    signal: controller.signal,
  });
  console.log(JSON.stringify({ result }));
}

// ---------------------------------------------------------------------------------------------
// Counting what arrives

/** Counts distinct sequence numbers and notes when the last new one arrived. */
class ArrivalCounter {
  private readonly seen: Uint8Array;
  unique = 0;
  duplicates = 0;
  foreign = 0;
  lastNewAt = 0;
  private resolveAll: (() => void) | undefined;
  readonly all: Promise<void>;

  constructor(readonly expected: number) {
    this.seen = new Uint8Array(expected);
    this.all = new Promise((resolve) => {
      this.resolveAll = resolve;
    });
  }

  add(payload: Buffer): void {
    const seq = payloadSequence(payload);
    if (seq < 0 || seq >= this.expected) {
      this.foreign += 1;
      return;
    }
    if (this.seen[seq] === 1) {
      this.duplicates += 1;
      return;
    }
    this.seen[seq] = 1;
    this.unique += 1;
    this.lastNewAt = epochMs();
    if (this.unique === this.expected) this.resolveAll?.();
  }

  /** Resolves when every message arrived, or `quietMs` after the load ended with no new one. */
  async settle(loadEnded: Promise<unknown>, quietMs: number): Promise<void> {
    await loadEnded;
    const endedAt = epochMs();
    for (;;) {
      if (this.unique === this.expected) return;
      if (epochMs() - Math.max(this.lastNewAt, endedAt) >= quietMs) return;
      await Promise.race([this.all, sleep(Math.min(quietMs, 100))]);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// CPU

/** Jiffies (1/100 s) the broker process has used, when /run/mosquitto/mosquitto.pid is readable. */
function brokerCpuTicks(): number | undefined {
  try {
    const pid = fs
      .readFileSync(process.env.BENCH_MQTT_BROKER_PID_FILE ?? '/run/mosquitto/mosquitto.pid', 'utf8')
      .trim();
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name in parentheses; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

interface CpuSample {
  at: number;
  broker: number | undefined;
  self: NodeJS.CpuUsage;
}

const sampleCpu = (): CpuSample => ({ at: epochMs(), broker: brokerCpuTicks(), self: process.cpuUsage() });

/** CPU seconds used by the broker and by this process between two samples. */
function cpuBetween(from: CpuSample, to: CpuSample): { broker: number; self: number } {
  const self = (to.self.user - from.self.user + to.self.system - from.self.system) / 1e6;
  const broker =
    from.broker !== undefined && to.broker !== undefined ? (to.broker - from.broker) / 100 : Number.NaN;
  return { broker, self };
}

// ---------------------------------------------------------------------------------------------
// Measurements

export interface ThroughputOptions {
  url?: string;
  /** Messages to publish (default 100,000). */
  count?: number;
  publishers?: number;
  window?: number;
  /** Subscriber sessions; more than one share a `$share/…` subscription (default 1). */
  connections?: number;
  /** MQTT 5 Receive Maximum of each subscriber session (default 65,535, as `MqttIngestor`). */
  receiveMaximum?: number;
  /**
   * Pass-through only: 4 connects the subscribers with MQTT 3.1.1, which has no Receive Maximum,
   * so the broker's own window applies (Mosquitto: max_inflight_messages, 20). Default 5.
   */
  protocolVersion?: 4 | 5;
  /** How long to wait for stragglers once the publishers are done (default 2 s). */
  quietMs?: number;
}

export interface ThroughputResult {
  /** Distinct messages received ÷ (first publish → last new arrival). */
  messagesPerSecond: number;
  published: number;
  /** Accepted by the broker (PUBACK to the publisher). */
  accepted: number;
  received: number;
  duplicates: number;
  /** Accepted by the broker but never delivered (dropped by its queue limits). */
  missing: number;
  elapsedMs: number;
  /**
   * CPU time per delivered message, in µs, of the broker (NaN when its pid is not readable), the
   * publishing process and the subscribing one (this process: the MQTT.js clients or MqttIngestor).
   * In production only the subscriber's share runs in the Jiedao server.
   */
  brokerMicrosPerMessage: number;
  publisherMicrosPerMessage: number;
  subscriberMicrosPerMessage: number;
}

export interface IngestorThroughputOptions extends ThroughputOptions {
  maxBatchSize?: number;
  maxBatchWaitMs?: number;
  maxConcurrentBatches?: number;
  /** Simulated commit time per batch, in ms (0: the handler resolves at once). */
  handlerDelayMs?: number;
  /** A real store (e.g. a PostgreSQL insert) to run on each batch before it counts as arrived. */
  store?: (batch: IngestMessage[]) => Promise<void>;
}

export interface IngestorThroughputResult extends ThroughputResult {
  batches: number;
  meanBatchSize: number;
}

interface Run {
  tenant: string;
  clientId: string;
  topicFilter: string;
  shareGroup: string | undefined;
  sessionIds: string[];
}

function newRun(kind: string, connections: number): Run {
  const tenant = `bench${process.pid}${kind}${Math.random().toString(36).slice(2, 8)}`;
  const clientId = `bench-${tenant}`;
  return {
    tenant,
    clientId,
    topicFilter: `jiedao/${tenant}/devices/+/+`,
    shareGroup: connections > 1 ? tenant : undefined,
    sessionIds:
      connections === 1 ? [clientId] : Array.from({ length: connections }, (_, i) => `${clientId}-${i + 1}`),
  };
}

function loadOf(run: Run, options: ThroughputOptions, count: number): ChildLoadOptions {
  return {
    ...(options.url !== undefined ? { url: options.url } : {}),
    tenant: run.tenant,
    count,
    ...(options.publishers !== undefined ? { publishers: options.publishers } : {}),
    ...(options.window !== undefined ? { window: options.window } : {}),
  };
}

/** Ends the benchmark's persistent sessions on the broker (a clean start with expiry 0). */
async function deleteSessions(url: string, clientIds: readonly string[]): Promise<void> {
  await Promise.all(
    clientIds.map(async (clientId) => {
      const client = await connectAsync(url, {
        clientId,
        protocolVersion: 5,
        clean: true,
        reconnectPeriod: 0,
        properties: { sessionExpiryInterval: 0 },
      });
      await client.endAsync();
    }),
  );
}

/**
 * The broker's QoS 1 pass-through: publishers as in `publishLoad`, subscribers connected like
 * `MqttIngestor` (MQTT 5, persistent sessions, the same Receive Maximum and shared subscription)
 * but acknowledging each message at once, as MQTT.js does by default.
 */
export async function measurePassThrough(options: ThroughputOptions = {}): Promise<ThroughputResult> {
  const url = checkLoopback(options.url ?? DEFAULT_BROKER_URL);
  const count = options.count ?? 100_000;
  const connections = options.connections ?? 1;
  const run = newRun('p', connections);
  const counter = new ArrivalCounter(count);
  const subscriberOptions = (clientId: string): IClientOptions =>
    options.protocolVersion === 4
      ? { clientId, protocolVersion: 4, clean: false, reconnectPeriod: 0 }
      : {
          clientId,
          protocolVersion: 5,
          clean: false,
          reconnectPeriod: 0,
          properties: { sessionExpiryInterval: 300, receiveMaximum: options.receiveMaximum ?? 65_535 },
        };
  const subscribers = await Promise.all(run.sessionIds.map((id) => connectAsync(url, subscriberOptions(id))));
  const unregister = onCleanup(async () => {
    await Promise.all(subscribers.map((client) => client.endAsync(true)));
  });
  try {
    for (const subscriber of subscribers) {
      subscriber.on('message', (_topic, payload) => counter.add(payload));
      const filter = run.shareGroup ? `$share/${run.shareGroup}/${run.topicFilter}` : run.topicFilter;
      await subscriber.subscribeAsync(filter, { qos: 1 });
    }
    let before = sampleCpu();
    const load = publishLoadInChild({
      ...loadOf(run, options, count),
      onStart: () => (before = sampleCpu()),
    });
    await counter.settle(load, options.quietMs ?? 2000);
    const after = sampleCpu();
    const published = await load;
    return summarise(counter, published, before, after);
  } finally {
    unregister();
    await Promise.all(subscribers.map((client) => client.endAsync()));
    await deleteSessions(url, run.sessionIds);
  }
}

/** The same load through an `MqttIngestor` whose handler only counts (and optionally waits). */
export async function measureIngestor(
  options: IngestorThroughputOptions = {},
): Promise<IngestorThroughputResult> {
  const url = checkLoopback(options.url ?? DEFAULT_BROKER_URL);
  const count = options.count ?? 100_000;
  const connections = options.connections ?? 1;
  const run = newRun('i', connections);
  const counter = new ArrivalCounter(count);
  const delay = options.handlerDelayMs ?? 0;
  const ingestor = new MqttIngestor({
    url,
    clientId: run.clientId,
    topics: [run.topicFilter],
    connections,
    ...(run.shareGroup ? { shareGroup: run.shareGroup } : {}),
    ...(options.receiveMaximum !== undefined ? { receiveMaximum: options.receiveMaximum } : {}),
    ...(options.maxBatchSize !== undefined ? { maxBatchSize: options.maxBatchSize } : {}),
    ...(options.maxBatchWaitMs !== undefined ? { maxBatchWaitMs: options.maxBatchWaitMs } : {}),
    ...(options.maxConcurrentBatches !== undefined
      ? { maxConcurrentBatches: options.maxConcurrentBatches }
      : {}),
    sessionExpirySeconds: 300,
    handler: async (batch: IngestMessage[]) => {
      if (delay > 0) await sleep(delay);
      if (options.store) await options.store(batch);
      for (const message of batch) counter.add(message.payload);
    },
  });
  const unregister = onCleanup(() => ingestor.abort());
  try {
    await ingestor.start();
    let before = sampleCpu();
    const load = publishLoadInChild({
      ...loadOf(run, options, count),
      onStart: () => (before = sampleCpu()),
    });
    await counter.settle(load, options.quietMs ?? 2000);
    const after = sampleCpu();
    const published = await load;
    const { batches } = ingestor.status();
    return {
      ...summarise(counter, published, before, after),
      batches,
      meanBatchSize: counter.unique / batches,
    };
  } finally {
    unregister();
    await ingestor.stop({ timeoutMs: 5000 });
    await deleteSessions(url, run.sessionIds);
  }
}

function summarise(
  counter: ArrivalCounter,
  published: PublishLoadResult,
  before: CpuSample,
  after: CpuSample,
): ThroughputResult {
  // Timed from the first publish (the child starts a moment after `before` was sampled).
  const elapsedMs = counter.lastNewAt - published.startedAt;
  const cpu = cpuBetween(before, after);
  return {
    messagesPerSecond: counter.unique / (elapsedMs / 1000),
    published: published.published,
    accepted: published.acknowledged,
    received: counter.unique + counter.duplicates,
    duplicates: counter.duplicates,
    missing: published.acknowledged - counter.unique,
    elapsedMs,
    brokerMicrosPerMessage: (cpu.broker * 1e6) / counter.unique,
    publisherMicrosPerMessage: (published.cpuSeconds * 1e6) / counter.unique,
    subscriberMicrosPerMessage: (cpu.self * 1e6) / counter.unique,
  };
}

function checkLoopback(url: string): string {
  const { hostname } = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(hostname))
    throw new Error(`refusing ${url}: benchmarks only send loopback traffic`);
  return url;
}

// ---------------------------------------------------------------------------------------------
// The benchmark

interface Variant {
  name: string;
  baseline?: boolean;
  measure: () => Promise<ThroughputResult & Partial<IngestorThroughputResult>>;
}

async function main(): Promise<void> {
  const rounds = envNumber('BENCH_ROUNDS', 3, { min: 1 });
  const count = envNumber('BENCH_MQTT_MESSAGES', 100_000, { min: 1000 });
  const publishers = envNumber('BENCH_MQTT_PUBLISHERS', 4, { min: 1 });
  const window = envNumber('BENCH_MQTT_WINDOW', 100, { min: 1 });
  const commitMs = envNumber('BENCH_MQTT_COMMIT_MS', 50);
  const shared = envNumber('BENCH_MQTT_SHARED_CONNECTIONS', 4, { min: 2 });
  const common = { count, publishers, window };

  const variants: Variant[] = [
    {
      name: 'pass-through, immediate acks (MQTT 5, receive max 65,535)',
      baseline: true,
      measure: () => measurePassThrough(common),
    },
    {
      name: "pass-through, immediate acks (MQTT 3.1.1: the broker's window of 20)",
      measure: () => measurePassThrough({ ...common, protocolVersion: 4 }),
    },
    { name: 'MqttIngestor, no-op handler (acks after batch)', measure: () => measureIngestor(common) },
    {
      name: `MqttIngestor, ${shared} shared-subscription sessions, no-op handler`,
      measure: () => measureIngestor({ ...common, connections: shared }),
    },
    {
      name: `MqttIngestor, ${commitMs} ms commit per batch`,
      measure: () => measureIngestor({ ...common, handlerDelayMs: commitMs }),
    },
    {
      name: `MqttIngestor, ${commitMs} ms commit, 2 concurrent batches`,
      measure: () => measureIngestor({ ...common, handlerDelayMs: commitMs, maxConcurrentBatches: 2 }),
    },
    {
      name: `MqttIngestor, receive max 20, ${commitMs} ms commit`,
      measure: () => measureIngestor({ ...common, receiveMaximum: 20, handlerDelayMs: commitMs }),
    },
  ];

  log(
    `MQTT QoS 1 pass-through at ${DEFAULT_BROKER_URL}: ${fmt(count)} messages per run, ${publishers} publishers × window ${window}, ${rounds} rounds`,
  );
  const results = new Map<string, Array<ThroughputResult & Partial<IngestorThroughputResult>>>();
  const ratios = new Map<string, number[]>();
  for (let round = 1; round <= rounds; round += 1) {
    let baseline = Number.NaN;
    for (const variant of variants) {
      const result = await variant.measure();
      if (variant.baseline) baseline = result.messagesPerSecond;
      results.set(variant.name, [...(results.get(variant.name) ?? []), result]);
      ratios.set(variant.name, [...(ratios.get(variant.name) ?? []), result.messagesPerSecond / baseline]);
      log(
        `round ${round}/${rounds} · ${variant.name}: ${fmt(result.messagesPerSecond)} msg/s` +
          (result.missing > 0 ? `, ${fmt(result.missing)} accepted but never delivered` : '') +
          (result.meanBatchSize !== undefined ? `, mean batch ${fmt(result.meanBatchSize)}` : ''),
      );
    }
  }

  const baselineName = variants.find((variant) => variant.baseline)!.name;
  const baselineMedian = median(results.get(baselineName)!.map((r) => r.messagesPerSecond));
  const summary = variants.map((variant) => {
    const runs = results.get(variant.name)!;
    const rates = runs.map((r) => r.messagesPerSecond);
    const batchSizes = runs.map((r) => r.meanBatchSize ?? Number.NaN);
    return {
      variant: variant.name,
      messagesPerSecond: median(rates),
      range: minMax(rates),
      ratio: median(rates) / baselineMedian,
      roundRatio: median(ratios.get(variant.name)!),
      missing: median(runs.map((r) => r.missing)),
      duplicates: median(runs.map((r) => r.duplicates)),
      meanBatchSize: median(batchSizes),
      brokerMicros: median(runs.map((r) => r.brokerMicrosPerMessage)),
      publisherMicros: median(runs.map((r) => r.publisherMicrosPerMessage)),
      subscriberMicros: median(runs.map((r) => r.subscriberMicrosPerMessage)),
    };
  });
  log('');
  printTable(
    [
      'variant',
      'msg/s',
      'min–max',
      '× pass-through',
      'per-round ×',
      'lost',
      'batch',
      'CPU µs/msg: broker',
      'publishers',
      'subscriber',
    ],
    summary.map((row) => [
      row.variant,
      fmt(row.messagesPerSecond),
      `${fmt(row.range[0])}–${fmt(row.range[1])}`,
      `${fmt(row.ratio, 3)}×`,
      `${fmt(row.roundRatio, 3)}×`,
      fmt(row.missing),
      fmt(row.meanBatchSize),
      fmt(row.brokerMicros, 1),
      fmt(row.publisherMicros, 1),
      fmt(row.subscriberMicros, 1),
    ]),
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  log(
    '\n"lost": accepted by the broker (PUBACK to the publisher) but never delivered — dropped by its per-client queue limit\n' +
      '(max_queued_messages). "batch": mean messages per handler call. CPU: process CPU time per delivered message;\n' +
      `the subscriber column is what the Jiedao server pays in production. This machine has ${os.cpus().length} cores.`,
  );

  const json = {
    bench: 'mqtt-passthrough',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    messages: count,
    publishers,
    window,
    rounds,
    results: summary.map((row) => ({
      variant: row.variant,
      messagesPerSecond: Math.round(row.messagesPerSecond),
      ratio: Number(row.ratio.toFixed(4)),
      roundRatio: Number(row.roundRatio.toFixed(4)),
      missing: row.missing,
      duplicates: row.duplicates,
      meanBatchSize: Number.isFinite(row.meanBatchSize) ? Math.round(row.meanBatchSize) : null,
      brokerMicrosPerMessage: Number.isFinite(row.brokerMicros) ? Number(row.brokerMicros.toFixed(1)) : null,
      publisherMicrosPerMessage: Number(row.publisherMicros.toFixed(1)),
      subscriberMicrosPerMessage: Number(row.subscriberMicros.toFixed(1)),
    })),
  };
  console.log(JSON.stringify(json));
  if (process.env.BENCH_SAVE === '1') {
    const dir = path.join(benchDir, 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `mqtt-passthrough-${json.date.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
    log(`saved ${path.relative(process.cwd(), file)}`);
  }
}

// Run only when executed directly, so other benchmarks can import the helpers above.
if (process.env.BENCH_MQTT_ROLE === 'publisher') {
  runPublisherChild().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
} else if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === thisFile) {
  runMain(main, { maxMinutes: envNumber('BENCH_MAX_MINUTES', 10, { min: 1 }) });
}

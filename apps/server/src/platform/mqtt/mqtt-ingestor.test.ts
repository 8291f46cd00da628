/**
 * Behaviour of MqttIngestor against the real Mosquitto on 127.0.0.1:1883 (shared with others on the
 * machine: every test uses its own topics and client ids). Skipped only when the broker is not
 * reachable and CI is not 'true'. Nothing here asserts a duration: waits poll for a state.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { connectAsync } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  shouldRunBrokerTests,
  TEST_BROKER_HOST,
  TEST_BROKER_PORT,
  TEST_BROKER_URL,
} from '../../testing/broker.js';
import {
  MqttIngestor,
  type IngestMessage,
  type IngestorStatus,
  type MqttIngestorOptions,
} from './mqtt-ingestor.js';

const BROKER_HOST = TEST_BROKER_HOST;
const BROKER_PORT = TEST_BROKER_PORT;
const BROKER_URL = TEST_BROKER_URL;
const runAgainstBroker = await shouldRunBrokerTests();

// ---------------------------------------------------------------------------------------------
// Helpers

/** A name no other test run on this machine uses. */
const uniqueName = (label: string) => `jiedao-test-${label}-${process.pid}-${randomUUID().slice(0, 8)}`;

/** Publishes at QoS 1; resolves once the broker acknowledged every message (it is then the broker's). */
async function publish(topic: string, payloads: readonly string[]): Promise<void> {
  const client = await connectAsync(BROKER_URL, {
    clientId: uniqueName('pub'),
    clean: true,
    reconnectPeriod: 0,
  });
  try {
    for (const payload of payloads) await client.publishAsync(topic, payload, { qos: 1 });
  } finally {
    await client.endAsync();
  }
}

/** Deletes a persistent session: a clean start with session expiry 0, then a normal disconnect. */
async function deleteSession(clientId: string): Promise<void> {
  const client = await connectAsync(BROKER_URL, {
    clientId,
    protocolVersion: 5,
    clean: true,
    reconnectPeriod: 0,
    properties: { sessionExpiryInterval: 0 },
  });
  await client.endAsync();
}

/** A promise with its resolve function, to hold a handler until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const texts = (messages: readonly IngestMessage[]) => messages.map((message) => message.payload.toString());
const range = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

/** Waits (polling) until the assertion passes; the timeout only bounds a broken test. */
const eventually = (assertion: () => void, timeout = 10_000) =>
  vi.waitFor(assertion, { timeout, interval: 10 });

/**
 * A TCP proxy in front of the broker that the test can cut (connections destroyed, port closed:
 * further connection attempts are refused) and restore on the same port.
 */
class BrokerProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect({ host: BROKER_HOST, port: BROKER_PORT });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Like the broker going away: every connection dropped, new ones refused. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async close(): Promise<void> {
    await this.cut();
  }
}

// ---------------------------------------------------------------------------------------------
// Fixtures

const ingestors: MqttIngestor[] = [];
const sessionsToDelete = new Set<string>();
const proxies: BrokerProxy[] = [];

afterEach(async () => {
  for (const ingestor of ingestors.splice(0)) ingestor.abort();
  for (const proxy of proxies.splice(0)) await proxy.close();
  await Promise.all([...sessionsToDelete].map((clientId) => deleteSession(clientId)));
  sessionsToDelete.clear();
});

interface Harness {
  ingestor: MqttIngestor;
  stored: IngestMessage[];
  batches: string[][];
  statuses: IngestorStatus[];
}

/** An ingestor whose handler runs `handle` (default: accept) and records what it stored. */
function createIngestor(
  options: Pick<MqttIngestorOptions, 'clientId' | 'topics'> &
    Partial<Omit<MqttIngestorOptions, 'handler'>> & {
      handle?: (batch: IngestMessage[], call: number) => Promise<void>;
    },
): Harness {
  const stored: IngestMessage[] = [];
  const batches: string[][] = [];
  const statuses: IngestorStatus[] = [];
  let calls = 0;
  const { handle, ...rest } = options;
  const ingestor = new MqttIngestor({
    url: BROKER_URL,
    maxBatchWaitMs: 20,
    sessionExpirySeconds: 300,
    ...rest,
    handler: async (batch) => {
      calls += 1;
      batches.push(texts(batch));
      if (handle) await handle(batch, calls);
      stored.push(...batch);
    },
    onStatusChange: (status) => statuses.push(status),
  });
  ingestors.push(ingestor);
  for (const session of ingestor.status().sessions) sessionsToDelete.add(session.clientId);
  return { ingestor, stored, batches, statuses };
}

// ---------------------------------------------------------------------------------------------

describe('MqttIngestor options', () => {
  it('refuses several connections without a share group, and a missing client id', () => {
    const handler = async () => {};
    expect(
      () => new MqttIngestor({ url: BROKER_URL, clientId: 'x', topics: ['a/#'], connections: 2, handler }),
    ).toThrow('shareGroup');
    expect(() => new MqttIngestor({ url: BROKER_URL, clientId: '', topics: ['a/#'], handler })).toThrow(
      'clientId',
    );
    expect(
      () =>
        new MqttIngestor({
          url: BROKER_URL,
          clientId: 'x',
          topics: ['a/#'],
          receiveMaximum: 70_000,
          handler,
        }),
    ).toThrow('receiveMaximum');
  });

  it('reports stopped before start', () => {
    const ingestor = new MqttIngestor({
      url: BROKER_URL,
      clientId: 'x',
      topics: ['a/#'],
      handler: async () => {},
    });
    expect(ingestor.status()).toMatchObject({
      state: 'stopped',
      received: 0,
      acknowledged: 0,
      pendingAcks: 0,
    });
  });
});

describe.skipIf(!runAgainstBroker)('MqttIngestor against Mosquitto', { timeout: 30_000 }, () => {
  it('hands messages over in batches and acknowledges them only after the handler resolved', async () => {
    const topic = uniqueName('batches');
    const first = gate();
    const { ingestor, batches, stored } = createIngestor({
      clientId: uniqueName('batches'),
      topics: [topic],
      maxBatchSize: 10,
      handle: (_batch, call) => (call === 1 ? first.promise : Promise.resolve()),
    });
    await ingestor.start();
    expect(ingestor.status().state).toBe('connected');

    // The first message makes a batch of one and holds the handler; the rest pile up meanwhile.
    await publish(topic, ['m-0']);
    await eventually(() => expect(batches).toHaveLength(1));
    await publish(topic, range('m', 25).slice(1));
    await eventually(() => expect(ingestor.status().pendingAcks).toBe(25));
    expect(ingestor.status()).toMatchObject({ received: 25, acknowledged: 0 });

    first.open();
    await eventually(() => expect(stored).toHaveLength(25));
    expect(batches.map((batch) => batch.length)).toEqual([1, 10, 10, 4]);
    expect(batches.flat()).toEqual(range('m', 25));
    await eventually(() =>
      expect(ingestor.status()).toMatchObject({ acknowledged: 25, pendingAcks: 0, batches: 4 }),
    );
  });

  it('with concurrent batches, acknowledges a stored batch only after the ones before it', async () => {
    const topic = uniqueName('concurrent');
    const first = gate();
    const { ingestor, batches, stored } = createIngestor({
      clientId: uniqueName('concurrent'),
      topics: [topic],
      maxBatchSize: 5,
      maxBatchWaitMs: 60_000, // batches go only when full, whatever the timing
      maxConcurrentBatches: 2,
      handle: (_batch, call) => (call === 1 ? first.promise : Promise.resolve()),
    });
    await ingestor.start();

    await publish(topic, range('a', 5));
    await eventually(() => expect(batches).toHaveLength(1));
    await publish(topic, range('b', 5));
    await eventually(() => expect(texts(stored)).toEqual(range('b', 5)));
    // Stored, but its PUBACKs wait for the first batch, which arrived earlier.
    expect(ingestor.status()).toMatchObject({ acknowledged: 0, pendingAcks: 10, batches: 1 });

    // Two batches are unacknowledged: a third one waits even though it is full.
    await publish(topic, range('c', 5));
    await eventually(() => expect(ingestor.status().pendingAcks).toBe(15));
    expect(batches).toHaveLength(2);

    first.open();
    await eventually(() => expect(ingestor.status()).toMatchObject({ acknowledged: 15, pendingAcks: 0 }));
    expect(batches).toEqual([range('a', 5), range('b', 5), range('c', 5)]);
  });

  it('retries a batch whose handler rejects, acknowledging nothing until it is stored', async () => {
    const topic = uniqueName('retry');
    const seenDuringFailures: Array<{ acknowledged: number; pendingAcks: number }> = [];
    const harness = createIngestor({
      clientId: uniqueName('retry'),
      topics: [topic],
      retry: { initialMs: 10, maxMs: 40, jitter: 0 },
      handle: async (batch, call) => {
        if (call <= 2) {
          const { acknowledged, pendingAcks } = harness.ingestor.status();
          seenDuringFailures.push({ acknowledged, pendingAcks });
          throw new Error(`database unavailable (${batch.length} rows)`);
        }
      },
    });
    const { ingestor, stored, batches } = harness;
    await ingestor.start();

    // Published while the handler is still answering calls, so the first batch holds one message
    // or several; what matters is that every message ends up stored exactly once after retries.
    await publish(topic, range('r', 5));
    await eventually(() => expect(stored).toHaveLength(5));
    expect(texts(stored)).toEqual(range('r', 5));
    expect(batches.length).toBeGreaterThanOrEqual(3);
    expect(seenDuringFailures.every((seen) => seen.acknowledged === 0 && seen.pendingAcks > 0)).toBe(true);
    await eventually(() => expect(ingestor.status()).toMatchObject({ acknowledged: 5, pendingAcks: 0 }));
    const status = ingestor.status();
    expect(status.handlerFailures).toBe(2);
    expect(status.lastError).toContain('database unavailable');
  });

  it('redelivers what a crashed subscriber never acknowledged to the next ingestor with its client id', async () => {
    const topic = uniqueName('crash');
    const clientId = uniqueName('crash');
    const stuck = gate();
    const crashed = createIngestor({ clientId, topics: [topic], handle: () => stuck.promise });
    await crashed.ingestor.start();
    await publish(topic, range('c', 5));
    await eventually(() => {
      expect(crashed.ingestor.status().pendingAcks).toBe(5);
      expect(crashed.batches.length).toBeGreaterThan(0);
    });

    // The connection dies while the handler still works on the batch: no PUBACK, no DISCONNECT.
    crashed.ingestor.abort();
    stuck.open(); // the late success must not acknowledge anything on a dead connection
    await eventually(() => expect(crashed.stored.length).toBeGreaterThan(0));
    expect(crashed.ingestor.status()).toMatchObject({ state: 'stopped', acknowledged: 0 });

    const next = createIngestor({ clientId, topics: [topic] });
    await next.ingestor.start();
    await eventually(() => expect(new Set(texts(next.stored))).toEqual(new Set(range('c', 5))));
    // The handler's batch was in flight at the broker (sent, unacknowledged): it comes back marked DUP.
    expect(next.stored.every((message) => message.duplicate)).toBe(true);
    await eventually(() => expect(next.ingestor.status()).toMatchObject({ acknowledged: 5, pendingAcks: 0 }));
  });

  it('goes disconnected when the broker goes away, reconnects with backoff and loses nothing', async () => {
    const proxy = new BrokerProxy();
    proxies.push(proxy);
    await proxy.listen();
    const topic = uniqueName('outage');
    const held = { gate: undefined as ReturnType<typeof gate> | undefined };
    const { ingestor, stored, statuses } = createIngestor({
      url: proxy.url,
      clientId: uniqueName('outage'),
      topics: [topic],
      reconnect: { initialMs: 50, maxMs: 400, factor: 2, jitter: 0 },
      handle: () => held.gate?.promise ?? Promise.resolve(),
    });
    await ingestor.start();
    await publish(topic, range('before', 10));
    await eventually(() => expect(stored).toHaveLength(10));

    // These reach the ingestor but stay unacknowledged: the handler is held when the link is cut.
    held.gate = gate();
    await publish(topic, range('in-flight', 5));
    await eventually(() => expect(ingestor.status().pendingAcks).toBe(5));

    await proxy.cut();
    await eventually(() => expect(ingestor.status().state).toBe('disconnected'));
    held.gate.open();
    held.gate = undefined;
    // Accepted by the broker while we are away: kept in our persistent session.
    await publish(topic, range('during', 10));

    // Reconnect attempts are refused; each failure doubles the delay up to the cap. The delay
    // chosen after the n-th attempt is read from the status events, keyed by the attempt count.
    const delaysByAttempt = () => {
      const delays = new Map<number, number>();
      for (const { sessions } of statuses) {
        const [session] = sessions;
        if (session?.state === 'disconnected' && session.retryInMs !== undefined)
          if (!delays.has(session.reconnects)) delays.set(session.reconnects, session.retryInMs);
      }
      return [0, 1, 2, 3, 4].map((attempt) => delays.get(attempt));
    };
    await eventually(() => expect(delaysByAttempt()).toEqual([50, 100, 200, 400, 400]));
    expect(ingestor.status().lastError).toBeDefined();

    await proxy.listen();
    await eventually(() => expect(ingestor.status().state).toBe('connected'));
    const expected = [...range('before', 10), ...range('in-flight', 5), ...range('during', 10)];
    await eventually(() => expect(new Set(texts(stored))).toEqual(new Set(expected)));
    await eventually(() => expect(ingestor.status().pendingAcks).toBe(0));
    const states = statuses.map((status) => status.state).filter((state, i, all) => state !== all[i - 1]);
    expect(states).toEqual(['connecting', 'connected', 'disconnected', 'connected']);
  });

  it('reports a session the broker lost while we were away', async () => {
    const proxy = new BrokerProxy();
    proxies.push(proxy);
    await proxy.listen();
    const clientId = uniqueName('lost');
    const { ingestor } = createIngestor({
      url: proxy.url,
      clientId,
      topics: [uniqueName('lost')],
      reconnect: { initialMs: 20, maxMs: 40, jitter: 0 },
    });
    await ingestor.start();
    expect(ingestor.status().lastError).toBeUndefined();
    await proxy.cut();
    await eventually(() => expect(ingestor.status().state).toBe('disconnected'));
    await deleteSession(clientId); // as if it had expired
    await proxy.listen();
    await eventually(() => expect(ingestor.status().state).toBe('connected'));
    expect(ingestor.status().sessions[0]).toMatchObject({ sessionPresent: false });
    expect(ingestor.status().lastError).toContain('no longer had our session');
  });

  it('stop() drains the batch in flight, acknowledges it and keeps the session', async () => {
    const topic = uniqueName('drain');
    const clientId = uniqueName('drain');
    const held = gate();
    const first = createIngestor({ clientId, topics: [topic], handle: () => held.promise });
    await first.ingestor.start();
    await publish(topic, range('d', 5));
    await eventually(() => expect(first.batches.flat()).toEqual(range('d', 5)));

    let stopped = false;
    const stopping = first.ingestor.stop().then(() => {
      stopped = true;
    });
    // Arriving while draining: not handled now, left to the session.
    await publish(topic, range('late', 3));
    expect(stopped).toBe(false);
    held.open();
    await stopping;
    expect(first.ingestor.status()).toMatchObject({ state: 'stopped', acknowledged: 5, pendingAcks: 0 });
    expect(texts(first.stored)).toEqual(range('d', 5));

    // Published while nobody is connected: the broker kept the session, so it holds this too.
    await publish(topic, ['sentinel']);
    const next = createIngestor({ clientId, topics: [topic] });
    await next.ingestor.start();
    await eventually(() => expect(texts(next.stored)).toContain('sentinel'));
    // The drained batch was acknowledged: only what came after it is delivered again.
    expect(new Set(texts(next.stored))).toEqual(new Set([...range('late', 3), 'sentinel']));
  });

  it('treats a subscription that fails as a failed connection and keeps retrying', async () => {
    const { ingestor } = createIngestor({
      clientId: uniqueName('refused'),
      topics: ['jiedao/#/invalid'], // '#' must be last: MQTT.js refuses the SUBSCRIBE
      reconnect: { initialMs: 20, maxMs: 40, jitter: 0 },
    });
    void ingestor.start();
    await eventually(() => expect(ingestor.status().reconnects).toBeGreaterThanOrEqual(2));
    expect(ingestor.status().state).toBe('disconnected');
    expect(ingestor.status().lastError).toMatch(/topic/i);
  });

  it('spreads a shared subscription over several sessions and stores every message once', async () => {
    const topic = uniqueName('shared');
    const { ingestor, stored } = createIngestor({
      clientId: uniqueName('shared'),
      topics: [`${topic}/+`],
      connections: 2,
      shareGroup: uniqueName('group'),
    });
    await ingestor.start();
    expect(ingestor.status().sessions.map((session) => session.state)).toEqual(['connected', 'connected']);
    await publish(`${topic}/a`, range('s', 40));
    await eventually(() => expect(stored).toHaveLength(40));
    expect(new Set(texts(stored))).toEqual(new Set(range('s', 40)));
    expect(new Set(stored.map((message) => message.clientId)).size).toBe(2);
    await eventually(() => expect(ingestor.status()).toMatchObject({ acknowledged: 40, pendingAcks: 0 }));
  });
});

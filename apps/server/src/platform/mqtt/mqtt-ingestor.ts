/**
 * At-least-once ingestion from an MQTT broker into a batch handler (typically one multi-row
 * PostgreSQL insert): each QoS 1 message's PUBACK is sent only after the handler's promise for the
 * batch that carried it resolved. Until then the broker keeps the message in the client's
 * persistent session and sends it again after a reconnect or a crash, so nothing the broker
 * accepted is lost on our side. The handler therefore sees duplicates after failures and must be
 * idempotent (e.g. `ON CONFLICT DO NOTHING` on a message key).
 *
 * How PUBACKs are delayed, and why not with `customHandleAcks`: MQTT.js handles incoming packets
 * one at a time and does not read the next packet until the current one's ack callback ran, so
 * holding `customHandleAcks`' callback until a batch commits stalls the connection after one
 * message (measured: exactly 1 message delivered while the callback is held; README.md). Instead
 * the ingestor overrides the public `handleMessage(packet, callback)` hook and calls the callback
 * with an error, which makes MQTT.js move on to the next packet without sending a PUBACK; the
 * PUBACK is written later through the client's internal `_sendPacket` (checked at start-up, and
 * covered by the tests). Everything else — CONNECT, keep-alive, SUBSCRIBE — is plain MQTT.js.
 *
 * Throughput: the broker sends a client at most its Receive Maximum unacknowledged messages
 * (Mosquitto's `max_inflight_messages`, 20, for MQTT 3.1.1 clients or MQTT 5 clients that do not
 * say). With acks held for a whole batch, that window is the batch-size ceiling; the ingestor
 * connects with MQTT 5 and a Receive Maximum above the batch size so the next batch fills while
 * the current one commits. `connections` > 1 opens several sessions on a shared subscription
 * (`$share/<group>/<topic>`). See README.md for the measurements behind the defaults.
 */
import {
  connect,
  type IConnackPacket,
  type IDisconnectPacket,
  type IPublishPacket,
  type MqttClient,
} from 'mqtt';
import { computeBackoffDelay, resolveBackoffOptions, type BackoffOptions } from './backoff.js';

/** One message as the handler receives it. */
export interface IngestMessage {
  topic: string;
  payload: Buffer;
  /** The QoS the broker delivered it with: the lower of the publisher's and ours (1). */
  qos: 0 | 1 | 2;
  /** The broker sent it before (DUP flag), e.g. after a reconnect; it may already be stored. */
  duplicate: boolean;
  /** A retained message replayed on subscribe. */
  retain: boolean;
  receivedAt: Date;
  /** The MQTT client id of the session that received it. */
  clientId: string;
}

/** Stores a batch; the batch's messages are acknowledged only once the promise resolves. */
export type IngestHandler = (batch: IngestMessage[]) => Promise<void>;

/**
 * `connecting`: first connection attempt in progress; `connected`: subscribed (for the whole
 * ingestor: every session is); `disconnected`: the connection failed or was lost and a reconnect
 * is scheduled; `stopped`: not running (before `start()`, after `stop()` or `abort()`).
 */
export type IngestorState = 'connecting' | 'connected' | 'disconnected' | 'stopped';

/** One persistent session (one MQTT connection, one client id). */
export interface SessionStatus {
  clientId: string;
  state: IngestorState;
  since: Date;
  /** Connection attempts after the first. */
  reconnects: number;
  /** Whether the broker still had our session at the last CONNACK (false: it was created anew). */
  sessionPresent?: boolean;
  lastError?: string;
  /** While disconnected: the delay chosen before the next connection attempt, in ms. */
  retryInMs?: number;
  /** Messages received on the current connection and not yet acknowledged. */
  pendingAcks: number;
}

export interface IngestorStatus {
  state: IngestorState;
  since: Date;
  lastError?: string;
  reconnects: number;
  /** Messages received since start, including redeliveries. */
  received: number;
  /** PUBACKs sent. */
  acknowledged: number;
  /** Messages received on live connections and not yet acknowledged. */
  pendingAcks: number;
  /** Received messages that carried the DUP flag. */
  redelivered: number;
  /** Batches the handler stored. */
  batches: number;
  /** Handler calls that rejected (each is retried). */
  handlerFailures: number;
  sessions: SessionStatus[];
}

export interface IngestErrorContext {
  source: 'connection' | 'subscription' | 'handler';
  clientId?: string;
  /** For handler failures: the batch size and the attempt that failed (1 = first). */
  batchSize?: number;
  attempt?: number;
}

export interface MqttIngestorOptions {
  /** `mqtt://host:1883` or `mqtts://…`. */
  url: string;
  /**
   * The fixed client id that names the persistent session; with `connections` > 1 the sessions
   * are `<clientId>-1` … `<clientId>-<n>`. Must be unique per running process: a second
   * connection with the same id takes the session over.
   */
  clientId: string;
  /** Topic filters, subscribed at QoS 1. */
  topics: readonly string[];
  handler: IngestHandler;
  /** Parallel sessions on a shared subscription (default 1). */
  connections?: number;
  /** Subscribe as `$share/<shareGroup>/<filter>`; required when `connections` > 1. */
  shareGroup?: string;
  /** Largest batch handed to the handler (default 1,000). */
  maxBatchSize?: number;
  /** Longest a message waits for its batch to fill before the batch is handled anyway (default 10 ms). */
  maxBatchWaitMs?: number;
  /**
   * Batches the handler may work on at once (default 1). Above 1 the handler must cope with
   * concurrent calls (e.g. a connection pool); acknowledgements still go out in arrival order, so
   * a batch that keeps failing holds back those after it.
   */
  maxConcurrentBatches?: number;
  /**
   * MQTT 5 Receive Maximum: unacknowledged messages the broker may send each connection before
   * it waits for PUBACKs (1–65,535; default 65,535). Keep it well above `maxBatchSize`.
   */
  receiveMaximum?: number;
  /** How long the broker keeps the session while we are away (default 7 days). */
  sessionExpirySeconds?: number;
  keepaliveSeconds?: number;
  connectTimeoutMs?: number;
  username?: string;
  password?: string;
  /** Reconnect delays (default 500 ms doubling to 30 s, 20 % jitter). */
  reconnect?: Partial<BackoffOptions>;
  /**
   * A connection that stayed up this long counts as healthy: the next reconnect starts again
   * from `reconnect.initialMs` (default 10 s), so a broker that accepts and then drops us at once
   * still gets growing delays.
   */
  stableConnectionMs?: number;
  /** Delays between attempts at a batch whose handler rejected (default 200 ms doubling to 30 s). */
  retry?: Partial<BackoffOptions>;
  /** Called when a session's state changes, a reconnect is scheduled or an error is recorded. */
  onStatusChange?: (status: IngestorStatus) => void;
  /** Connection, subscription and handler errors, for the log; the ingestor handles them itself. */
  onError?: (error: Error, context: IngestErrorContext) => void;
}

/** The subset of MQTT.js internals the delayed PUBACK relies on. */
interface PacketSender {
  _sendPacket(packet: { cmd: 'puback'; messageId: number; reasonCode: number }): void;
}

/** One network connection of a session: one MQTT.js client, never reused after it closes. */
interface Link {
  readonly client: MqttClient;
  readonly session: Session;
  /** False once the connection closed: its unacknowledged messages belong to the broker again. */
  open: boolean;
  subscribed: boolean;
  connectedAt: number;
  /** Messages received on this connection and not acknowledged yet. */
  unacked: number;
}

interface Session {
  readonly clientId: string;
  state: IngestorState;
  since: Date;
  reconnects: number;
  /** Consecutive failed or short-lived connections, for the backoff. */
  failures: number;
  /** Subscribed at least once: from then on the broker must still have the session. */
  subscribedBefore: boolean;
  sessionPresent?: boolean;
  lastError?: string;
  retryInMs?: number;
  retryTimer?: NodeJS.Timeout;
  link?: Link;
}

interface Batch {
  /** The messages still to store: those of a connection that closed are dropped before a retry. */
  records: Received[];
  outcome: 'running' | 'stored' | 'abandoned';
  /** Settles when the outcome is known and the acknowledgements that could go out went. */
  done: Promise<void>;
}

interface Received {
  readonly message: IngestMessage;
  /** Set for QoS 1: the packet id to acknowledge. */
  readonly messageId: number | undefined;
  readonly link: Link;
  /** performance.now() on arrival, for the batch wait. */
  readonly at: number;
}

const DEFAULT_RECONNECT: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 };
const DEFAULT_RETRY: BackoffOptions = { initialMs: 200, maxMs: 30_000, factor: 2, jitter: 0.2 };
const DEFAULT_STOP_TIMEOUT_MS = 30_000;
const MAX_RECEIVE_MAXIMUM = 65_535;

/**
 * Passed to MQTT.js' `handleMessage` callback to make it continue with the next packet without
 * sending the PUBACK (one shared instance: no allocation per message).
 */
const DEFER_ACK = new Error('PUBACK deferred until the batch is stored');

const PUBACK_SUCCESS = 0;
const DISCONNECT_NORMAL = 0;

/**
 * Subscribes at QoS 1 on one or more persistent sessions and feeds the handler in batches; see the
 * file comment for the guarantees. `start()` connects, `stop()` drains, `status()` reports.
 */
export class MqttIngestor {
  private readonly options: MqttIngestorOptions;
  private readonly filters: string[];
  private readonly maxBatchSize: number;
  private readonly maxBatchWaitMs: number;
  private readonly maxConcurrentBatches: number;
  private readonly receiveMaximum: number;
  private readonly sessionExpirySeconds: number;
  private readonly reconnectBackoff: BackoffOptions;
  private readonly retryBackoff: BackoffOptions;
  private readonly stableConnectionMs: number;
  private readonly sessions: Session[];
  private readonly listeners = new Set<(status: IngestorStatus) => void>();

  private started = false;
  private stopping = false;
  private stopPromise: Promise<void> | undefined;
  private readyWaiters: Array<() => void> = [];

  private state: IngestorState = 'stopped';
  private since = new Date();
  private lastError: string | undefined;

  private buffer: Received[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  /** Dispatched batches not yet acknowledged (or abandoned), in dispatch order. */
  private batchesInFlight: Batch[] = [];
  /** Wake handler-retry waits early when stop() is called. */
  private readonly retryWakers = new Set<() => void>();

  private received = 0;
  private acknowledged = 0;
  private redelivered = 0;
  private batches = 0;
  private handlerFailures = 0;

  constructor(options: MqttIngestorOptions) {
    const connections = options.connections ?? 1;
    if (!options.clientId) throw new RangeError('clientId is required: it names the persistent session');
    if (options.topics.length === 0) throw new RangeError('topics must name at least one topic filter');
    if (!Number.isInteger(connections) || connections < 1)
      throw new RangeError('connections must be an integer ≥ 1');
    if (connections > 1 && !options.shareGroup)
      throw new RangeError('connections > 1 needs a shareGroup, or every session would get every message');
    if (options.shareGroup !== undefined && !/^[^/+#]+$/.test(options.shareGroup))
      throw new RangeError('shareGroup must not be empty or contain "/", "+" or "#"');
    this.options = options;
    this.filters = options.topics.map((topic) =>
      options.shareGroup ? `$share/${options.shareGroup}/${topic}` : topic,
    );
    this.maxBatchSize = positiveInteger('maxBatchSize', options.maxBatchSize ?? 1000);
    this.maxBatchWaitMs = options.maxBatchWaitMs ?? 10;
    if (!(this.maxBatchWaitMs >= 0)) throw new RangeError('maxBatchWaitMs must be ≥ 0');
    this.maxConcurrentBatches = positiveInteger('maxConcurrentBatches', options.maxConcurrentBatches ?? 1);
    this.receiveMaximum = positiveInteger('receiveMaximum', options.receiveMaximum ?? MAX_RECEIVE_MAXIMUM);
    if (this.receiveMaximum > MAX_RECEIVE_MAXIMUM)
      throw new RangeError(`receiveMaximum must be ≤ ${MAX_RECEIVE_MAXIMUM}`);
    this.sessionExpirySeconds = positiveInteger(
      'sessionExpirySeconds',
      options.sessionExpirySeconds ?? 7 * 24 * 3600,
    );
    this.reconnectBackoff = resolveBackoffOptions('reconnect', options.reconnect, DEFAULT_RECONNECT);
    this.retryBackoff = resolveBackoffOptions('retry', options.retry, DEFAULT_RETRY);
    this.stableConnectionMs = options.stableConnectionMs ?? 10_000;
    if (options.onStatusChange) this.listeners.add(options.onStatusChange);
    this.sessions = Array.from({ length: connections }, (_, index): Session => ({
      clientId: connections === 1 ? options.clientId : `${options.clientId}-${index + 1}`,
      state: 'stopped',
      since: new Date(),
      reconnects: 0,
      failures: 0,
      subscribedBefore: false,
    }));
  }

  /**
   * Connects every session and keeps reconnecting with backoff. Resolves once every session has
   * subscribed for the first time (or when the ingestor is stopped first); never rejects, so a
   * server may start without waiting for the broker. An ingestor cannot be restarted.
   */
  start(): Promise<void> {
    if (this.stopping) return Promise.reject(new Error('a stopped MqttIngestor cannot be restarted'));
    const ready = new Promise<void>((resolve) => {
      if (this.state === 'connected') resolve();
      else this.readyWaiters.push(resolve);
    });
    if (!this.started) {
      this.started = true;
      for (const session of this.sessions) {
        this.setSessionState(session, 'connecting');
        this.openLink(session);
      }
    }
    return ready;
  }

  /**
   * Drains and disconnects: no new batch starts, the batch the handler is working on is awaited
   * (at most `timeoutMs`, default 30 s) and acknowledged if it was stored, then each session sends
   * DISCONNECT and the broker keeps it (session expiry). Messages received but not yet handed to
   * the handler, and a batch that fails or times out meanwhile, stay unacknowledged: the broker
   * sends them to the next ingestor with the same client id.
   */
  stop(options: { timeoutMs?: number } = {}): Promise<void> {
    this.stopPromise ??= this.drainAndDisconnect(options.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
    return this.stopPromise;
  }

  /**
   * Drops every connection at once, without acknowledging or sending DISCONNECT — to the broker
   * this looks like a crash, so everything unacknowledged is redelivered to the next ingestor with
   * the same client id. For when draining is not an option (e.g. `stop()` must not wait).
   */
  abort(): void {
    this.stopping = true;
    this.stopPromise ??= Promise.resolve();
    this.cancelTimers();
    for (const wake of [...this.retryWakers]) wake();
    this.buffer = [];
    for (const session of this.sessions) {
      if (session.link) this.dropLink(session.link, true);
      this.setSessionState(session, 'stopped');
    }
    this.resolveReady();
  }

  /** A snapshot for health checks and the command-center console. */
  status(): IngestorStatus {
    let pendingAcks = 0;
    let reconnects = 0;
    const sessions = this.sessions.map((session): SessionStatus => {
      const pending = session.link?.open ? session.link.unacked : 0;
      pendingAcks += pending;
      reconnects += session.reconnects;
      return {
        clientId: session.clientId,
        state: session.state,
        since: session.since,
        reconnects: session.reconnects,
        pendingAcks: pending,
        ...(session.sessionPresent !== undefined ? { sessionPresent: session.sessionPresent } : {}),
        ...(session.lastError !== undefined ? { lastError: session.lastError } : {}),
        ...(session.retryInMs !== undefined ? { retryInMs: session.retryInMs } : {}),
      };
    });
    return {
      state: this.state,
      since: this.since,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      reconnects,
      received: this.received,
      acknowledged: this.acknowledged,
      pendingAcks,
      redelivered: this.redelivered,
      batches: this.batches,
      handlerFailures: this.handlerFailures,
      sessions,
    };
  }

  /** Adds a status listener (see `onStatusChange`); returns a function that removes it. */
  onStatusChange(listener: (status: IngestorStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // -------------------------------------------------------------------------------------------
  // Connections

  private openLink(session: Session): void {
    session.retryTimer = undefined;
    session.retryInMs = undefined;
    const client = connect(this.options.url, {
      clientId: session.clientId,
      protocolVersion: 5,
      clean: false,
      // Reconnecting is ours (with backoff); each attempt gets a fresh client, so a PUBACK can
      // never reach a later connection where the packet id means another message.
      reconnectPeriod: 0,
      resubscribe: false,
      manualConnect: true,
      keepalive: this.options.keepaliveSeconds ?? 30,
      connectTimeout: this.options.connectTimeoutMs ?? 10_000,
      ...(this.options.username !== undefined ? { username: this.options.username } : {}),
      ...(this.options.password !== undefined ? { password: this.options.password } : {}),
      properties: { sessionExpiryInterval: this.sessionExpirySeconds, receiveMaximum: this.receiveMaximum },
    });
    if (typeof (client as unknown as Partial<PacketSender>)._sendPacket !== 'function')
      throw new Error('this MQTT.js version has no _sendPacket; the delayed PUBACK needs updating');
    const link: Link = { client, session, open: true, subscribed: false, connectedAt: 0, unacked: 0 };
    session.link = link;
    // The hook runs for every PUBLISH, in order; the callback lets MQTT.js read the next packet.
    client.handleMessage = (packet, callback) => {
      this.accept(link, packet);
      callback(packet.qos === 1 ? DEFER_ACK : undefined);
    };
    client.on('connect', (connack) => this.onConnack(link, connack));
    client.on('error', (error) => this.recordError(session, error, 'connection'));
    client.on('disconnect', (packet: IDisconnectPacket) => {
      const reason = packet.properties?.reasonString ?? `reason code ${packet.reasonCode ?? 0}`;
      this.recordError(session, new Error(`the broker disconnected us: ${reason}`), 'connection');
    });
    client.on('close', () => this.onLinkClosed(link));
    client.connect();
  }

  private onConnack(link: Link, connack: IConnackPacket): void {
    if (!link.open) return;
    const { session, client } = link;
    session.sessionPresent = connack.sessionPresent;
    link.connectedAt = performance.now();
    if (session.subscribedBefore && !connack.sessionPresent)
      this.recordError(
        session,
        new Error(
          'the broker no longer had our session (expired, or lost in a restart): messages may be lost',
        ),
        'connection',
      );
    // Subscribing again on a resumed session is harmless and recreates a lost one. Messages the
    // session holds arrive right after the CONNACK, before the SUBACK; handleMessage takes them.
    client.subscribe(
      Object.fromEntries(this.filters.map((topic) => [topic, { qos: 1 as const }])),
      (error, granted) => {
        if (!link.open) return;
        const refused = granted?.find((grant) => grant.qos >= 0x80);
        if (error || refused) {
          const reason =
            error ?? new Error(`subscription to ${refused?.topic} refused (code ${refused?.qos})`);
          this.recordError(session, reason, 'subscription');
          // Closing leads to onLinkClosed, which schedules the next attempt with backoff.
          client.end(true);
          return;
        }
        link.subscribed = true;
        session.subscribedBefore = true;
        this.setSessionState(session, 'connected');
      },
    );
  }

  private onLinkClosed(link: Link): void {
    if (!link.open) return;
    const { session } = link;
    const wasStable = link.subscribed && performance.now() - link.connectedAt >= this.stableConnectionMs;
    // end(true) on the closed client only releases its timers and stores.
    this.dropLink(link, true);
    if (this.stopping) return;
    session.failures = wasStable ? 1 : session.failures + 1;
    const delay = computeBackoffDelay(session.failures, this.reconnectBackoff);
    session.retryInMs = delay;
    session.retryTimer = setTimeout(() => {
      session.reconnects += 1;
      this.openLink(session);
    }, delay);
    if (session.state === 'disconnected') this.emitStatus();
    else this.setSessionState(session, 'disconnected');
  }

  /**
   * Forgets a connection: its unacknowledged messages go back to the broker (which resends them on
   * the session's next connection), so they are taken out of the batch being filled.
   */
  private dropLink(link: Link, force: boolean): void {
    if (link.open) {
      link.open = false;
      if (this.buffer.some((received) => received.link === link))
        this.buffer = this.buffer.filter((received) => received.link !== link);
    }
    if (link.session.link === link) link.session.link = undefined;
    const { client } = link;
    client.removeAllListeners('connect');
    client.removeAllListeners('close');
    client.removeAllListeners('disconnect');
    // Late errors of a connection we gave up on (a write after close …) are no news.
    client.removeAllListeners('error');
    client.on('error', ignoreError);
    if (force) client.end(true);
  }

  private recordError(session: Session, error: Error, source: 'connection' | 'subscription'): void {
    session.lastError = error.message;
    this.lastError = `${session.clientId}: ${error.message}`;
    this.options.onError?.(error, { source, clientId: session.clientId });
    this.emitStatus();
  }

  // -------------------------------------------------------------------------------------------
  // Batches

  private accept(link: Link, packet: IPublishPacket): void {
    this.received += 1;
    if (packet.dup) this.redelivered += 1;
    // While stopping nothing new is handled; left unacknowledged, it stays in the session.
    if (this.stopping || !link.open) return;
    const messageId = packet.qos === 1 ? packet.messageId : undefined;
    if (messageId !== undefined) link.unacked += 1;
    this.buffer.push({
      message: {
        topic: packet.topic,
        payload: typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload,
        qos: packet.qos,
        duplicate: packet.dup,
        retain: packet.retain,
        receivedAt: new Date(),
        clientId: link.session.clientId,
      },
      messageId,
      link,
      at: performance.now(),
    });
    this.scheduleBatch();
  }

  /**
   * Hands full or overdue batches to the handler while fewer than `maxConcurrentBatches` are
   * unacknowledged; otherwise arms the timer for the oldest waiting message.
   */
  private scheduleBatch(): void {
    while (
      !this.stopping &&
      this.buffer.length > 0 &&
      this.batchesInFlight.length < this.maxConcurrentBatches
    ) {
      const waited = performance.now() - this.buffer[0]!.at;
      if (this.buffer.length < this.maxBatchSize && waited < this.maxBatchWaitMs) {
        this.flushTimer ??= setTimeout(() => {
          this.flushTimer = undefined;
          this.scheduleBatch();
        }, this.maxBatchWaitMs - waited);
        return;
      }
      if (this.flushTimer) clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      this.dispatch(this.buffer.splice(0, this.maxBatchSize));
    }
  }

  private dispatch(records: Received[]): void {
    const batch: Batch = { records, outcome: 'running', done: Promise.resolve() };
    this.batchesInFlight.push(batch);
    batch.done = this.handleBatch(batch)
      .catch((error: unknown) => {
        // Only a bug gets here (handler failures are caught per attempt); keep ingesting.
        batch.outcome = 'abandoned';
        const failure = error instanceof Error ? error : new Error(String(error));
        this.lastError = `ingestor: ${failure.message}`;
        this.options.onError?.(failure, { source: 'handler' });
      })
      .finally(() => {
        this.acknowledgeSettled();
        this.scheduleBatch();
      });
  }

  /** Calls the handler until it stores the batch or the ingestor stops; records the outcome. */
  private async handleBatch(batch: Batch): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.options.handler(batch.records.map((received) => received.message));
        this.batches += 1;
        batch.outcome = 'stored';
        return;
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        this.handlerFailures += 1;
        this.lastError = `handler: ${failure.message}`;
        this.options.onError?.(failure, { source: 'handler', batchSize: batch.records.length, attempt });
      }
      // On stop a failing batch is not retried: unacknowledged, it is redelivered after restart.
      if (!this.stopping) await this.waitForRetry(computeBackoffDelay(attempt, this.retryBackoff));
      // Messages whose connection closed meanwhile will come again on the new connection.
      batch.records = batch.records.filter((received) => received.link.open);
      if (this.stopping || batch.records.length === 0) {
        batch.outcome = 'abandoned';
        return;
      }
    }
  }

  /**
   * Acknowledges finished batches in the order they were dispatched: MQTT wants PUBACKs in the
   * order the PUBLISHes arrived, so a stored batch waits for the ones before it.
   */
  private acknowledgeSettled(): void {
    while (this.batchesInFlight[0] && this.batchesInFlight[0].outcome !== 'running') {
      const batch = this.batchesInFlight.shift()!;
      if (batch.outcome === 'stored') this.acknowledge(batch.records);
    }
  }

  private waitForRetry(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.retryWakers.delete(finish);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.retryWakers.add(finish);
    });
  }

  /**
   * Sends the PUBACKs of a stored batch, in the order the messages arrived (MQTT requires it per
   * connection). Acks for a connection that closed are dropped: the broker redelivers those.
   */
  private acknowledge(batch: readonly Received[]): void {
    // Corked, the small PUBACK packets of a batch leave in a few writev calls instead of one write each.
    const corked = new Set<Link>();
    for (const received of batch) {
      if (received.messageId === undefined) continue;
      const { link } = received;
      if (!link.open || !link.client.connected) continue;
      if (!corked.has(link)) {
        link.client.stream.cork();
        corked.add(link);
      }
      (link.client as unknown as PacketSender)._sendPacket({
        cmd: 'puback',
        messageId: received.messageId,
        reasonCode: PUBACK_SUCCESS,
      });
      link.unacked -= 1;
      this.acknowledged += 1;
    }
    for (const link of corked) link.client.stream.uncork();
  }

  // -------------------------------------------------------------------------------------------
  // Stopping and status

  private async drainAndDisconnect(timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.cancelTimers();
    for (const wake of [...this.retryWakers]) wake();
    if (this.batchesInFlight.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(this.batchesInFlight.map((batch) => batch.done)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    this.buffer = [];
    await Promise.all(this.sessions.map((session) => this.disconnect(session, timeoutMs)));
    for (const session of this.sessions) this.setSessionState(session, 'stopped');
    this.resolveReady();
  }

  /** DISCONNECT with reason "normal": the broker keeps the session and sends no will message. */
  private disconnect(session: Session, timeoutMs: number): Promise<void> {
    const link = session.link;
    if (!link) return Promise.resolve();
    if (!link.client.connected) {
      this.dropLink(link, true);
      return Promise.resolve();
    }
    this.dropLink(link, false);
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        link.client.end(true);
        resolve();
      }, timeoutMs);
      link.client.end(false, { reasonCode: DISCONNECT_NORMAL }, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private cancelTimers(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const session of this.sessions) {
      if (session.retryTimer) clearTimeout(session.retryTimer);
      session.retryTimer = undefined;
      session.retryInMs = undefined;
    }
  }

  private setSessionState(session: Session, state: IngestorState): void {
    if (session.state !== state) {
      session.state = state;
      session.since = new Date();
    }
    const overall = this.sessions.every((each) => each.state === 'stopped')
      ? 'stopped'
      : this.sessions.every((each) => each.state === 'connected')
        ? 'connected'
        : this.sessions.some((each) => each.state === 'disconnected')
          ? 'disconnected'
          : 'connecting';
    if (overall !== this.state) {
      this.state = overall;
      this.since = new Date();
      if (overall === 'connected') this.resolveReady();
    }
    this.emitStatus();
  }

  private resolveReady(): void {
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private emitStatus(): void {
    if (this.listeners.size === 0) return;
    const status = this.status();
    for (const listener of this.listeners) {
      try {
        listener(status);
      } catch {
        // A broken listener must not break ingestion.
      }
    }
  }
}

function ignoreError(): void {}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer ≥ 1`);
  return value;
}

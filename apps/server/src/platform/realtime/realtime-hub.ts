import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface RealtimeHubOptions {
  /** Events kept per tenant for `Last-Event-ID` replay; default 2,000. */
  bufferSize?: number;
  /** Comment line sent on every stream this often, keeping proxies and NAT from dropping it; default 15 s. */
  heartbeatMs?: number;
  /** A stream whose unsent output exceeds this is ended (the client reconnects and replays); default 1 MiB. */
  maxBufferedBytes?: number;
  /** Reconnection delay suggested to EventSource; default 3 s. */
  retryMs?: number;
}

export interface OpenStreamOptions {
  /** The caller's tenant, from its session: the stream carries this tenant's events only. */
  tenantId: string;
  /** The topics to receive: a list, or a predicate (e.g. a prefix match, or a role check). */
  topics: readonly string[] | ((topic: string) => boolean);
}

export interface RealtimeStats {
  connections: number;
  byTenant: Record<string, number>;
}

/**
 * The control event a stream sends when it cannot replay everything after the client's
 * Last-Event-ID (evicted from the buffer, or an id from an earlier process): the client should
 * refetch the state it shows, then carry on with the live events.
 */
export const RESET_EVENT = 'stream.reset';

interface BufferedEvent {
  id: number;
  topic: string;
  frame: string;
}

interface Connection {
  tenantId: string;
  accepts: (topic: string) => boolean;
  response: ServerResponse;
}

/** A fixed-capacity FIFO of one tenant's recent events, in id order. */
class EventRing {
  readonly #entries: Array<BufferedEvent | undefined>;
  #start = 0;
  #size = 0;
  /** The newest id pushed out; a client behind it has missed events. */
  lastEvictedId: number | undefined;

  constructor(capacity: number) {
    this.#entries = new Array<BufferedEvent | undefined>(capacity);
  }

  push(event: BufferedEvent): void {
    const capacity = this.#entries.length;
    if (this.#size === capacity) {
      this.lastEvictedId = this.#entries[this.#start]!.id;
      this.#entries[this.#start] = event;
      this.#start = (this.#start + 1) % capacity;
    } else {
      this.#entries[(this.#start + this.#size) % capacity] = event;
      this.#size++;
    }
  }

  *after(id: number): Generator<BufferedEvent> {
    for (let i = 0; i < this.#size; i++) {
      const event = this.#entries[(this.#start + i) % this.#entries.length]!;
      if (event.id > id) yield event;
    }
  }
}

/**
 * Server-sent events for live screens (the command centre, a worker's task list). In-process: each
 * server process has its own hub and buffer, so a client that reconnects to another process gets a
 * `stream.reset` and refetches. Events are published after the change they describe has committed
 * (from an outbox subscriber, typically), so a client that refetches never sees state older than
 * the events it then receives.
 */
export class RealtimeHub {
  readonly #bufferSize: number;
  readonly #heartbeatMs: number;
  readonly #maxBufferedBytes: number;
  readonly #retryMs: number;
  /** Ids start at the hub's creation time in microseconds: ids from an earlier process are lower. */
  readonly #firstId = Date.now() * 1000;
  #nextId = this.#firstId;
  readonly #buffers = new Map<string, EventRing>();
  readonly #connections = new Map<string, Set<Connection>>();
  #heartbeat: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: RealtimeHubOptions = {}) {
    this.#bufferSize = Math.max(1, options.bufferSize ?? 2000);
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
    this.#retryMs = options.retryMs ?? 3000;
  }

  /** Sends an event to the tenant's matching streams and keeps it for replay; returns its id. */
  publish(tenantId: string, topic: string, data: unknown): number {
    if (!/^[^\r\n]+$/.test(topic) || topic === RESET_EVENT) {
      throw new Error(`Realtime topic "${topic}" is empty, reserved, or contains a line break`);
    }
    const id = this.#nextId++;
    // JSON has no raw line breaks, so the payload is one `data:` line; serialized once for all streams.
    const frame = `event: ${topic}\nid: ${id}\ndata: ${JSON.stringify(data) ?? 'null'}\n\n`;
    let ring = this.#buffers.get(tenantId);
    if (!ring) {
      ring = new EventRing(this.#bufferSize);
      this.#buffers.set(tenantId, ring);
    }
    ring.push({ id, topic, frame });
    for (const connection of this.#connections.get(tenantId) ?? []) {
      if (connection.accepts(topic)) this.#write(connection, frame);
    }
    return id;
  }

  /**
   * Turns the current request into an event stream; call from a route handler after its auth
   * checks. Takes over the response (Fastify sends nothing more), replays what the client missed
   * after its `Last-Event-ID` header (or `lastEventId` query parameter, for clients that cannot set
   * headers), then streams live events until the client goes away or the hub closes.
   */
  openStream(request: FastifyRequest, reply: FastifyReply, options: OpenStreamOptions): void {
    reply.hijack();
    const response = reply.raw;
    if (this.#closed) {
      // Shutting down: a dropped connection makes EventSource retry (an HTTP error would not).
      response.destroy();
      return;
    }
    const topics = options.topics;
    const accepts = typeof topics === 'function' ? topics : toPredicate(topics);
    const connection: Connection = { tenantId: options.tenantId, accepts, response };

    const socket = request.raw.socket;
    socket.setNoDelay(true);
    // Detects peers that vanished without closing (a laptop lid, a dropped Wi-Fi) in minutes.
    socket.setKeepAlive(true, 60_000);
    response.writeHead(200, {
      // Headers set by hooks on the reply (request id) still go out; helmet's are already on `raw`.
      ...definedHeaders(reply.getHeaders()),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx would otherwise buffer the stream and deliver events in bursts.
      'x-accel-buffering': 'no',
    });

    let opening = `retry: ${this.#retryMs}\n\n`;
    const lastEventId = readLastEventId(request);
    if (lastEventId !== undefined) opening += this.#replay(connection, lastEventId);
    response.write(opening);

    let tenantConnections = this.#connections.get(connection.tenantId);
    if (!tenantConnections) {
      tenantConnections = new Set();
      this.#connections.set(connection.tenantId, tenantConnections);
    }
    tenantConnections.add(connection);
    response.on('close', () => this.#remove(connection));
    this.#startHeartbeat();
  }

  /** Open streams, in total and per tenant. */
  stats(): RealtimeStats {
    const byTenant: Record<string, number> = {};
    let connections = 0;
    for (const [tenantId, set] of this.#connections) {
      byTenant[tenantId] = set.size;
      connections += set.size;
    }
    return { connections, byTenant };
  }

  /**
   * Ends every stream and refuses new ones; call from the app's `preClose` hook, or `app.close()`
   * waits for the streams, which never end by themselves.
   */
  close(): void {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    for (const set of this.#connections.values()) {
      for (const connection of set) connection.response.end();
    }
    this.#connections.clear();
  }

  /** The frames a reconnecting client missed, or a reset when the buffer cannot tell. */
  #replay(connection: Connection, lastEventId: number): string {
    const ring = this.#buffers.get(connection.tenantId);
    const unknownId = lastEventId < this.#firstId || lastEventId >= this.#nextId;
    const evictedSince = ring?.lastEvictedId !== undefined && ring.lastEvictedId > lastEventId;
    if (unknownId || evictedSince) {
      return `event: ${RESET_EVENT}\ndata: ${JSON.stringify({ reason: unknownId ? 'unknown-id' : 'evicted' })}\n\n`;
    }
    let frames = '';
    for (const event of ring?.after(lastEventId) ?? []) {
      if (connection.accepts(event.topic)) frames += event.frame;
    }
    return frames;
  }

  #write(connection: Connection, chunk: string): void {
    const { response } = connection;
    if (response.destroyed || response.writableEnded) return;
    response.write(chunk);
    // A client that stops reading would make the server hold every event for it. Drop it instead:
    // it reconnects and replays from its Last-Event-ID (or gets a reset if it fell too far behind).
    if (response.writableLength > this.#maxBufferedBytes) {
      this.#remove(connection);
      response.destroy();
    }
  }

  #remove(connection: Connection): void {
    const set = this.#connections.get(connection.tenantId);
    if (!set) return;
    set.delete(connection);
    if (set.size === 0) this.#connections.delete(connection.tenantId);
  }

  /** One timer for all streams, rather than one per stream. */
  #startHeartbeat(): void {
    if (this.#heartbeat) return;
    this.#heartbeat = setInterval(() => {
      if (this.#connections.size === 0) {
        clearInterval(this.#heartbeat);
        this.#heartbeat = undefined;
        return;
      }
      for (const set of this.#connections.values()) {
        for (const connection of set) this.#write(connection, ': heartbeat\n\n');
      }
    }, this.#heartbeatMs);
    this.#heartbeat.unref();
  }
}

function toPredicate(topics: readonly string[]): (topic: string) => boolean {
  const set = new Set(topics);
  return (topic) => set.has(topic);
}

function definedHeaders(headers: Record<string, number | string | string[] | undefined>) {
  const defined: Record<string, number | string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) defined[name] = value;
  return defined;
}

function readLastEventId(request: FastifyRequest): number | undefined {
  const header = request.headers['last-event-id'];
  const query = request.query as Record<string, unknown> | undefined;
  const raw = typeof header === 'string' && header !== '' ? header : query?.lastEventId;
  if (typeof raw !== 'string' || !/^\d{1,16}$/.test(raw)) return undefined;
  return Number(raw);
}

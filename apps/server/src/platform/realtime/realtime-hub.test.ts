import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { RESET_EVENT, RealtimeHub, type RealtimeHubOptions } from './realtime-hub.js';

interface Frame {
  event?: string;
  id?: string;
  data?: unknown;
  retry?: string;
  comment?: string;
}

/** Reads an event stream with node's http client (app.inject buffers the whole response). */
class StreamClient {
  readonly frames: Frame[] = [];
  ended = false;
  #buffer = '';

  constructor(
    readonly request: http.ClientRequest,
    readonly response: http.IncomingMessage,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.#buffer += chunk;
      let end: number;
      while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
        this.frames.push(parseFrame(this.#buffer.slice(0, end)));
        this.#buffer = this.#buffer.slice(end + 2);
      }
    });
    response.on('end', () => (this.ended = true));
    response.on('close', () => (this.ended = true));
  }

  get events(): Frame[] {
    return this.frames.filter((frame) => frame.event !== undefined);
  }

  close(): void {
    this.request.destroy();
  }
}

function parseFrame(block: string): Frame {
  const frame: Frame = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) frame.comment = line.slice(1).trim();
    const match = /^(event|id|data|retry): ?(.*)$/.exec(line);
    if (!match) continue;
    const [, field, value] = match as unknown as [string, 'event' | 'id' | 'data' | 'retry', string];
    if (field === 'data') frame.data = JSON.parse(value) as unknown;
    else frame[field] = value;
  }
  return frame;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(2);
  }
}

let servers: Array<{ app: FastifyInstance; hub: RealtimeHub; clients: StreamClient[] }> = [];

afterEach(async () => {
  for (const { app, hub, clients } of servers) {
    for (const client of clients) client.close();
    hub.close();
    await app.close();
  }
  servers = [];
});

/** A real server with one route that hands the request to the hub, as a module's route would. */
async function startServer(options: RealtimeHubOptions = {}) {
  const hub = new RealtimeHub(options);
  const app = Fastify({ logger: false });
  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('x-request-id', 'req-123');
    done();
  });
  app.get('/events', (request, reply) => {
    const query = request.query as { tenant: string; topics?: string; prefix?: string };
    const prefix = query.prefix;
    hub.openStream(request, reply, {
      tenantId: query.tenant,
      topics: prefix !== undefined ? (topic) => topic.startsWith(prefix) : (query.topics ?? '').split(','),
    });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const clients: StreamClient[] = [];
  servers.push({ app, hub, clients });

  const connect = (path: string, headers: Record<string, string> = {}) =>
    new Promise<StreamClient>((resolve, reject) => {
      const request = http.get({ host: '127.0.0.1', port, path, headers }, (response) => {
        const client = new StreamClient(request, response);
        clients.push(client);
        resolve(client);
      });
      request.on('error', reject);
    });
  return { hub, connect };
}

describe('RealtimeHub', () => {
  it('streams published events with SSE headers, ids and JSON data', async () => {
    const { hub, connect } = await startServer({ retryMs: 1234 });
    const client = await connect('/events?tenant=A&topics=case.created');
    expect(client.response.statusCode).toBe(200);
    expect(client.response.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      'x-request-id': 'req-123',
    });
    const first = hub.publish('A', 'case.created', { caseId: 'c1', title: '路灯不亮\n第二行' });
    const second = hub.publish('A', 'case.created', null);
    expect(second).toBeGreaterThan(first);
    await waitFor(() => client.events.length === 2);
    expect(client.frames[0]).toEqual({ retry: '1234' });
    expect(client.events).toEqual([
      { event: 'case.created', id: String(first), data: { caseId: 'c1', title: '路灯不亮\n第二行' } },
      { event: 'case.created', id: String(second), data: null },
    ]);
  });

  it('never sends one tenant’s events to another tenant’s stream', async () => {
    const { hub, connect } = await startServer();
    const a = await connect('/events?tenant=A&topics=alarm');
    const b = await connect('/events?tenant=B&topics=alarm');
    hub.publish('A', 'alarm', { for: 'A' });
    hub.publish('B', 'alarm', { for: 'B' });
    hub.publish('A', 'alarm', { for: 'A' });
    await waitFor(() => a.events.length === 2 && b.events.length === 1);
    await sleep(20);
    expect(a.events.map((frame) => frame.data)).toEqual([{ for: 'A' }, { for: 'A' }]);
    expect(b.events.map((frame) => frame.data)).toEqual([{ for: 'B' }]);
    expect(hub.stats()).toEqual({ connections: 2, byTenant: { A: 1, B: 1 } });
  });

  it('sends only the topics a stream asked for, by list or by predicate', async () => {
    const { hub, connect } = await startServer();
    const listed = await connect('/events?tenant=A&topics=case.created,device.offline');
    const prefixed = await connect('/events?tenant=A&prefix=case.');
    for (const topic of ['case.created', 'case.closed', 'device.offline', 'ledger.posted']) {
      hub.publish('A', topic, { topic });
    }
    await waitFor(() => listed.events.length === 2 && prefixed.events.length === 2);
    await sleep(20);
    expect(listed.events.map((frame) => frame.event)).toEqual(['case.created', 'device.offline']);
    expect(prefixed.events.map((frame) => frame.event)).toEqual(['case.created', 'case.closed']);
  });

  it('replays what a reconnecting client missed after Last-Event-ID, header or query', async () => {
    const { hub, connect } = await startServer();
    const ids = ['one', 'two', 'other-topic', 'three'].map((label) =>
      hub.publish('A', label === 'other-topic' ? 'other' : 'case', { label }),
    );
    hub.publish('B', 'case', { label: 'tenant B' });

    const byHeader = await connect('/events?tenant=A&topics=case', { 'Last-Event-ID': String(ids[0]) });
    await waitFor(() => byHeader.events.length === 2);
    expect(byHeader.events.map((frame) => frame.data)).toEqual([{ label: 'two' }, { label: 'three' }]);

    const byQuery = await connect(`/events?tenant=A&topics=case&lastEventId=${ids[1]}`);
    await waitFor(() => byQuery.events.length === 1);
    // Then it carries on live.
    hub.publish('A', 'case', { label: 'four' });
    await waitFor(() => byQuery.events.length === 2);
    expect(byQuery.events.map((frame) => frame.data)).toEqual([{ label: 'three' }, { label: 'four' }]);

    const upToDate = await connect('/events?tenant=A&topics=case', { 'Last-Event-ID': String(ids[3]! + 2) });
    hub.publish('A', 'case', { label: 'five' });
    await waitFor(() => upToDate.events.length === 1);
    expect(upToDate.events[0]!.data).toEqual({ label: 'five' });
  });

  it('sends a reset when it cannot replay: an evicted id, or an id from an earlier process', async () => {
    const { hub, connect } = await startServer({ bufferSize: 2 });
    // The buffer keeps 3 and 4; the client below saw 1, so it missed 2.
    const ids = [1, 2, 3, 4].map((n) => hub.publish('A', 'case', { n }));

    const behind = await connect('/events?tenant=A&topics=case', { 'Last-Event-ID': String(ids[0]) });
    await waitFor(() => behind.events.length === 1);
    expect(behind.events[0]).toEqual({ event: RESET_EVENT, data: { reason: 'evicted' } });

    const stale = await connect('/events?tenant=A&topics=case', { 'Last-Event-ID': '42' });
    await waitFor(() => stale.events.length === 1);
    expect(stale.events[0]).toEqual({ event: RESET_EVENT, data: { reason: 'unknown-id' } });

    // Still within the buffer: an ordinary replay.
    const recent = await connect('/events?tenant=A&topics=case', { 'Last-Event-ID': String(ids[1]) });
    await waitFor(() => recent.events.length === 2);
    expect(recent.events.map((frame) => frame.data)).toEqual([{ n: 3 }, { n: 4 }]);
  });

  it('sends heartbeat comments', async () => {
    const { connect } = await startServer({ heartbeatMs: 10 });
    const client = await connect('/events?tenant=A&topics=case');
    await waitFor(() => client.frames.filter((frame) => frame.comment === 'heartbeat').length >= 2);
    expect(client.events).toEqual([]);
  });

  it('forgets a stream when its client disconnects', async () => {
    const { hub, connect } = await startServer();
    const staying = await connect('/events?tenant=A&topics=case');
    const leaving = await connect('/events?tenant=A&topics=case');
    expect(hub.stats()).toEqual({ connections: 2, byTenant: { A: 2 } });
    leaving.close();
    await waitFor(() => hub.stats().connections === 1);
    hub.publish('A', 'case', {});
    await waitFor(() => staying.events.length === 1);
    staying.close();
    await waitFor(() => hub.stats().connections === 0);
    expect(hub.stats()).toEqual({ connections: 0, byTenant: {} });
  });

  it('ends the stream of a client that stops reading, sparing the others', async () => {
    const { hub, connect } = await startServer({ maxBufferedBytes: 256 * 1024 });
    const stuck = await connect('/events?tenant=A&topics=bulk');
    const reading = await connect('/events?tenant=A&topics=bulk');
    stuck.response.pause();
    const chunk = 'x'.repeat(16 * 1024);
    let published = 0;
    // Loopback socket buffers absorb a few megabytes before the server side starts to queue; the
    // pause between events lets the reading client keep up.
    while (hub.stats().connections === 2 && published < 5000) {
      hub.publish('A', 'bulk', chunk);
      published++;
      await sleep(1);
    }
    expect(hub.stats()).toEqual({ connections: 1, byTenant: { A: 1 } });
    await waitFor(() => reading.events.length === published);
  });

  it('close() ends every stream and turns new ones away', async () => {
    const { hub, connect } = await startServer();
    const client = await connect('/events?tenant=A&topics=case');
    hub.close();
    await waitFor(() => client.ended);
    expect(hub.stats().connections).toBe(0);
    await expect(connect('/events?tenant=A&topics=case')).rejects.toThrow();
  });

  it('rejects topics that would break the stream format', () => {
    const hub = new RealtimeHub();
    expect(() => hub.publish('A', 'bad\ntopic', {})).toThrow();
    expect(() => hub.publish('A', '', {})).toThrow();
    expect(() => hub.publish('A', RESET_EVENT, {})).toThrow();
  });
});

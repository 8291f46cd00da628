import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './testing/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('system endpoints', () => {
  it('answers /healthz and /readyz with the database kind', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ready',
      database: t.database.kind,
      checks: { database: true, migrations: true },
    });
  });

  it('exposes Prometheus metrics with request durations by route pattern', async () => {
    await t.app.inject('/healthz');
    const metrics = await t.app.inject('/metrics');
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toContain(
      'jiedao_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"}',
    );
    expect(metrics.body).toContain('jiedao_process_cpu_user_seconds_total');
    // The command center's intake counters, read at scrape time.
    expect(metrics.body).toMatch(/^jiedao_intake_messages\{outcome="accepted"\} \d+$/m);
    expect(metrics.body).toMatch(/^jiedao_intake_write_seconds \d/m);
    expect(metrics.body).toMatch(/^jiedao_intake_queue 0$/m);
  });

  it('serves an OpenAPI 3.1 document and the docs page', async () => {
    const spec = await t.app.inject('/docs/json');
    expect(spec.statusCode).toBe(200);
    const document = spec.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/places/facilities', '/api/identity/access-audit']),
    );
    expect((await t.app.inject('/docs/')).statusCode).toBe(200);
  });

  it('sets security headers and echoes a request id', async () => {
    const response = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'gateway-abc-123' } });
    expect(response.headers['x-request-id']).toBe('gateway-abc-123');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    const minted = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(minted.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with a problem', async () => {
    const response = await t.app.inject('/api/nothing-here');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json<{ code: string; requestId: string }>()).toMatchObject({
      code: 'not_found',
      requestId: response.headers['x-request-id'],
    });
  });

  it('hides internals of an unexpected error behind the request id', async () => {
    const { buildApp } = await import('./app.js');
    const { loadConfig } = await import('./platform/config.js');
    const built = await buildApp({
      config: loadConfig(
        { dataDir: t.ctx.config.dataDir, dataKey: 'ab'.repeat(32), webDir: '/nonexistent' },
        {},
      ),
      database: t.database,
      logger: false,
    });
    built.app.get('/boom', () => {
      throw new Error('secret table name leaked');
    });
    const response = await built.app.inject('/boom');
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret');
    expect(response.json<{ code: string; detail: string }>().detail).toContain(
      String(response.headers['x-request-id']),
    );
    await built.app.close();
  });
});

describe('every API route', () => {
  it('answers 401 without a session, before looking at the body (all but sign-in)', async () => {
    const document = (await t.app.inject('/docs/json')).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const calls = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
    );
    const apiCalls = calls.filter(({ path }) => path.startsWith('/api/') && path !== '/api/auth/login');
    expect(apiCalls.length).toBeGreaterThan(15);
    for (const { method, path } of apiCalls) {
      const url = path.replace(/\{[^}]+\}/g, '01a22574-aa14-77a9-8395-9bf77d26350a');
      const response = await t.app.inject({
        method: method as 'GET',
        url,
        ...(method === 'POST' ? { payload: {} } : {}),
      });
      expect(response.statusCode, `${method} ${path}`).toBe(401);
      expect(response.json<{ code: string }>().code).toBe('unauthenticated');
    }
  });
});

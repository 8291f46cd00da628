import http from 'node:http';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisationUnchecked } from '../identity/index.js';
import { createTestApp, createTestTenant, type TestApp } from '../../testing/test-app.js';
import type { TestTenant } from '../../testing/factories.js';
import {
  anyString,
  containing,
  createTestBuilding,
  createTestDevices,
  matching,
  type TestBuilding,
} from '../../testing/governance-factories.js';
import { ensureDefaultSources, signBody } from './sources.js';

let t: TestApp;
let tenant: TestTenant;
let other: TestTenant;
let building: TestBuilding;
let secrets: Map<string, string>;
let unitId: string;
let dispatcher: { cookie: string; accountId: string };
let staff: { cookie: string; accountId: string };
let resident: { cookie: string; personId: string };
let gridWorker: { cookie: string; accountId: string };
let otherDispatcher: { cookie: string };
let admin: { cookie: string };

const JSON_HEADERS = { 'content-type': 'application/json' };

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTestTenant(t.ctx);
  other = await createTestTenant(t.ctx);
  secrets = new Map(
    (await ensureDefaultSources(t.ctx.db, t.ctx.cipher, tenant.id)).map((s) => [s.code, s.secret]),
  );
  await ensureDefaultSources(t.ctx.db, t.ctx.cipher, other.id);
  building = await createTestBuilding(t.ctx, tenant, { community: 0, row: 0, name: '莲花新村5幢' });
  const unit = await createOrganisationUnchecked(t.ctx, tenant.id, {
    kind: 'department',
    name: '测试城管中队',
  });
  unitId = unit.id;
  await t.ctx.db
    .insertInto('dispatchUnit')
    .values({ tenantId: tenant.id, organisationId: unit.id, unitType: 'urban_management' })
    .execute();
  dispatcher = await t.signIn(tenant, ['dispatcher']);
  staff = await t.signIn(tenant, [{ role: 'department_staff', organisationId: unit.id }]);
  resident = await t.signIn(tenant, ['resident']);
  gridWorker = await t.signIn(tenant, [{ role: 'grid_worker', communityId: tenant.communities[0]!.id }]);
  admin = await t.signIn(tenant, ['tenant_admin']);
  otherDispatcher = await t.signIn(other, ['dispatcher']);
});
afterAll(() => t.close());

function signed(
  source: string,
  body: string,
  options: { secret?: string; timestamp?: number; tenantCode?: string } = {},
) {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  return t.app.inject({
    method: 'POST',
    url: `/api/intake/${options.tenantCode ?? tenant.code}/${source}`,
    headers: {
      ...JSON_HEADERS,
      'x-jiedao-timestamp': timestamp,
      'x-jiedao-signature': signBody(options.secret ?? secrets.get(source)!, timestamp, body),
    },
    payload: body,
  });
}

const hotline = (ticketNo: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    ticketNo,
    acceptTime: new Date().toISOString(),
    title: '小区门口占道经营',
    content: '早上有流动摊贩占用人行道',
    category: '占道经营',
    address: building.address,
    callerName: '刘先生',
    callerPhone: '13712345678',
    ...extra,
  });

describe('signed webhook intake', () => {
  it('accepts a correctly signed 12345 hand-off with 202 and opens a case', async () => {
    const response = await signed('hotline-12345', hotline('T-001'));
    expect(response.statusCode).toBe(202);
    const body = response.json<{ status: string; caseNumber: string; caseId: string }>();
    expect(body.status).toBe('accepted');
    expect(body.caseNumber).toMatch(/^\d{8}-\d{5}$/);
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/governance/cases/${body.caseId}`,
      headers: { cookie: dispatcher.cookie },
    });
    expect(detail.json()).toMatchObject({
      category: 'street_vending',
      stage: 'triage',
      reporterName: '刘*生',
      reporterPhone: '137****5678',
    });
  });

  it('accepts the same delivery twice only once', async () => {
    const first = await signed('hotline-12345', hotline('T-002'));
    const second = await signed('hotline-12345', hotline('T-002'));
    expect(second.statusCode).toBe(202);
    expect(second.json()).toMatchObject({
      status: 'duplicate',
      eventId: first.json<{ eventId: string }>().eventId,
    });
  });

  it('refuses a bad signature, a stale timestamp, an unknown source and another tenant’s key with 401, counting per source', async () => {
    const before = await t.ctx.db
      .selectFrom('eventSource')
      .select('authFailures')
      .where('tenantId', '=', tenant.id)
      .where('code', '=', 'hotline-12345')
      .executeTakeFirstOrThrow();
    expect((await signed('hotline-12345', hotline('T-003'), { secret: 'wrong' })).statusCode).toBe(401);
    expect(
      (await signed('hotline-12345', hotline('T-003'), { timestamp: Math.floor(Date.now() / 1000) - 3600 }))
        .statusCode,
    ).toBe(401);
    expect((await signed('nope', hotline('T-003'), { secret: 'x' })).statusCode).toBe(401);
    expect((await signed('hotline-12345', hotline('T-003'), { tenantCode: other.code })).statusCode).toBe(
      401,
    );
    const unsigned = await t.app.inject({
      method: 'POST',
      url: `/api/intake/${tenant.code}/hotline-12345`,
      headers: JSON_HEADERS,
      payload: hotline('T-003'),
    });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.headers['content-type']).toContain('application/problem+json');
    const after = await t.ctx.db
      .selectFrom('eventSource')
      .select(['authFailures', 'lastAuthFailureAt'])
      .where('tenantId', '=', tenant.id)
      .where('code', '=', 'hotline-12345')
      .executeTakeFirstOrThrow();
    expect(after.authFailures - before.authFailures).toBe(3);
    const sources = await t.app.inject({
      method: 'GET',
      url: '/api/governance/sources',
      headers: { cookie: dispatcher.cookie },
    });
    expect(
      sources.json<Array<{ code: string; health: string }>>().find((s) => s.code === 'hotline-12345')!.health,
    ).toBe('failing');
    const stored = await t.ctx.db
      .selectFrom('govEvent')
      .select('id')
      .where('sourceMessageId', '=', 'T-003')
      .execute();
    expect(stored).toHaveLength(0);
  });

  it('answers malformed and oversized payloads with 400 and keeps them as dead letters', async () => {
    const malformed = await signed('hotline-12345', '{"ticketNo": "T-004", ');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: '/body' }] });
    const huge = await signed('hotline-12345', hotline('T-005', { content: '很'.repeat(30_000) }));
    expect(huge.statusCode).toBe(400);
    expect(huge.json<{ detail: string }>().detail).toContain('limit');
    const missing = await signed('hotline-12345', JSON.stringify({ title: 'no ticket' }));
    expect(missing.statusCode).toBe(400);
    expect(missing.json<{ errors: Array<{ message: string }> }>().errors[0]!.message).toContain('ticketNo');
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/governance/dead-letters?status=open',
      headers: { cookie: dispatcher.cookie },
    });
    const reasons = list.json<{ items: Array<{ reason: string }> }>().items.map((item) => item.reason);
    expect(reasons.some((reason) => reason.includes('not valid JSON'))).toBe(true);
    expect(reasons.some((reason) => reason.includes('byte limit'))).toBe(true);
  });
});

describe('dead letters', () => {
  it('are listed, shown with the payload, replayed after correction, or discarded — by the command center only', async () => {
    const bad = await signed('hotline-12345', JSON.stringify({ ticketNo: 'T-010', content: '路灯不亮' }));
    const id = bad.json<{ deadLetterId: string }>().deadLetterId;
    expect(id).toBeTruthy();
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/governance/dead-letters/${id}`,
      headers: { cookie: dispatcher.cookie },
    });
    expect(detail.json()).toMatchObject({
      reason: 'neither a location nor an address',
      payload: containing('T-010'),
    });
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/governance/dead-letters/${id}`,
          headers: { cookie: resident.cookie },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/governance/dead-letters/${id}`,
          headers: { cookie: otherDispatcher.cookie },
        })
      ).statusCode,
    ).toBe(404);
    const stillBad = await t.app.inject({
      method: 'POST',
      url: `/api/governance/dead-letters/${id}/replay`,
      headers: { cookie: dispatcher.cookie, ...JSON_HEADERS },
      payload: {},
    });
    expect(stillBad.json()).toMatchObject({ status: 'dead_letter' });
    const fixed = await t.app.inject({
      method: 'POST',
      url: `/api/governance/dead-letters/${id}/replay`,
      headers: { cookie: dispatcher.cookie, ...JSON_HEADERS },
      payload: {
        payload: JSON.stringify({ ticketNo: 'T-010', content: '路灯不亮', address: building.address }),
      },
    });
    expect(fixed.json()).toMatchObject({ status: 'accepted', caseNumber: matching(/-\d{5}$/) });
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/governance/dead-letters/${id}/replay`,
      headers: { cookie: dispatcher.cookie, ...JSON_HEADERS },
      payload: {},
    });
    expect(again.statusCode).toBe(409);
    const open = await t.ctx.db
      .selectFrom('deadLetter')
      .select('id')
      .where('tenantId', '=', tenant.id)
      .where('reason', 'like', '%nor an address%')
      .where('status', '=', 'open')
      .execute();
    expect(open).toHaveLength(0);
    const another = await signed('hotline-12345', JSON.stringify({ ticketNo: 'T-011' }));
    const discard = await t.app.inject({
      method: 'POST',
      url: `/api/governance/dead-letters/${another.json<{ deadLetterId: string }>().deadLetterId}/discard`,
      headers: { cookie: dispatcher.cookie },
    });
    expect(discard.json()).toMatchObject({ status: 'discarded' });
  });
});

describe('the closed loop over HTTP', () => {
  it('resident reports, dispatcher accepts and dispatches, the unit handles, the command center verifies and closes, the resident rates', async () => {
    const report = await t.app.inject({
      method: 'POST',
      url: '/api/governance/reports',
      headers: { cookie: resident.cookie, ...JSON_HEADERS, 'idempotency-key': 'report-0001' },
      payload: {
        category: 'sanitation',
        description: '垃圾桶满了没人清',
        location: { lng: building.lng, lat: building.lat },
      },
    });
    expect(report.statusCode).toBe(201);
    const { caseId, stage } = report.json<{ caseId: string; stage: string }>();
    expect(stage).toBe('intake');
    // A retried submission with the same key returns the same case.
    const retry = await t.app.inject({
      method: 'POST',
      url: '/api/governance/reports',
      headers: { cookie: resident.cookie, ...JSON_HEADERS, 'idempotency-key': 'report-0001' },
      payload: {
        category: 'sanitation',
        description: '垃圾桶满了没人清',
        location: { lng: building.lng, lat: building.lat },
      },
    });
    expect(retry.json<{ caseId: string }>().caseId).toBe(caseId);

    const move = (cookie: string, body: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: `/api/governance/cases/${caseId}/moves`,
        headers: { cookie, ...JSON_HEADERS },
        payload: body,
      });

    // The resident cannot dispatch; the dispatcher cannot close before handling.
    expect((await move(resident.cookie, { move: 'dispatch' })).statusCode).toBe(409);
    const early = await move(dispatcher.cookie, { move: 'close' });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({
      code: 'conflict',
      allowed: ['accept', 'suspend', 'mark_duplicate'],
    });

    const accepted = await move(dispatcher.cookie, { move: 'accept', version: 1 });
    expect(accepted.json()).toMatchObject({ stage: 'triage', version: 2 });
    const stale = await move(dispatcher.cookie, {
      move: 'dispatch',
      version: 1,
      targets: [{ organisationId: unitId }],
    });
    expect(stale.statusCode).toBe(409);
    expect((await move(dispatcher.cookie, { move: 'dispatch' })).json()).toMatchObject({
      errors: [{ field: '/targets' }],
    });
    const badTarget = await move(dispatcher.cookie, {
      move: 'dispatch',
      targets: [{ organisationId: tenant.communities[0]!.id }],
    });
    expect(badTarget.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: '/targets/0/organisationId' }],
    });
    const options = await t.app.inject({
      method: 'GET',
      url: `/api/governance/cases/${caseId}/dispatch-options`,
      headers: { cookie: dispatcher.cookie },
    });
    expect(
      options.json<{ units: Array<{ organisationId: string }>; suggestedUnitTypes: string[] }>()
        .suggestedUnitTypes[0],
    ).toBe('urban_management');
    const dispatched = await move(dispatcher.cookie, {
      move: 'dispatch',
      targets: [
        { organisationId: unitId, instructions: '请于今日清运' },
        { assigneeAccountId: gridWorker.accountId, instructions: '现场核实' },
      ],
    });
    expect(dispatched.json()).toMatchObject({ stage: 'dispatch' });
    const tasks = dispatched.json<{ tasks: Array<{ id: string; organisationId: string | null }> }>().tasks;
    expect(tasks).toHaveLength(2);
    const unitTask = tasks.find((task) => task.organisationId === unitId)!;
    const workerTask = tasks.find((task) => task.organisationId === null)!;

    // The department sees it in its queue; another unit's staff or a resident does not act on it.
    const mine = await t.app.inject({
      method: 'GET',
      url: '/api/governance/cases?mine=true',
      headers: { cookie: staff.cookie },
    });
    expect(mine.json<{ items: Array<{ id: string }> }>().items.map((item) => item.id)).toContain(caseId);
    const task = (cookie: string, taskId: string, body: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: `/api/governance/cases/${caseId}/tasks/${taskId}`,
        headers: { cookie, ...JSON_HEADERS },
        payload: body,
      });
    expect((await task(gridWorker.cookie, unitTask.id, { action: 'accept' })).statusCode).toBe(404);
    expect((await task(resident.cookie, unitTask.id, { action: 'accept' })).statusCode).toBe(403);
    const started = await task(staff.cookie, unitTask.id, { action: 'accept' });
    expect(started.json()).toMatchObject({ stage: 'handling', respondedAt: anyString });
    expect((await task(staff.cookie, unitTask.id, { action: 'complete' })).json()).toMatchObject({
      errors: [{ field: '/result' }],
    });

    const photo = await t.app.inject({
      method: 'POST',
      url: '/api/attachments',
      headers: { cookie: staff.cookie, 'content-type': 'image/png' },
      payload: Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        Buffer.alloc(32),
      ]),
    });
    expect(photo.statusCode).toBe(201);
    const photoId = photo.json<{ id: string }>().id;
    const done = await task(staff.cookie, unitTask.id, {
      action: 'complete',
      result: '已清运',
      photos: [photoId],
    });
    expect(done.json()).toMatchObject({ stage: 'handling' }); // the grid worker's task is still open
    await task(gridWorker.cookie, workerTask.id, { action: 'accept' });
    const feedback = await task(gridWorker.cookie, workerTask.id, {
      action: 'complete',
      result: '现场已干净',
    });
    expect(feedback.json()).toMatchObject({ stage: 'feedback' });

    expect((await move(dispatcher.cookie, { move: 'verify' })).json()).toMatchObject({ stage: 'verify' });
    const closed = await move(dispatcher.cookie, { move: 'close', note: '核查属实，结案' });
    expect(closed.json()).toMatchObject({ stage: 'evaluation', closedAt: anyString });

    const closedEvent = await t.ctx.db
      .selectFrom('outboxEvent')
      .select(['topic', 'payload'])
      .where('aggregateId', '=', caseId)
      .executeTakeFirstOrThrow();
    expect(closedEvent).toMatchObject({
      topic: 'governance.case_closed',
      payload: { caseId, category: 'sanitation' },
    });

    const myReports = await t.app.inject({
      method: 'GET',
      url: '/api/governance/my-reports',
      headers: { cookie: resident.cookie },
    });
    expect(
      myReports.json<Array<{ id: string; canRate: boolean }>>().find((r) => r.id === caseId),
    ).toMatchObject({ canRate: true });
    const otherResident = await t.signIn(tenant, ['resident']);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/governance/my-reports/${caseId}/evaluation`,
          headers: { cookie: otherResident.cookie, ...JSON_HEADERS },
          payload: { rating: 1 },
        })
      ).statusCode,
    ).toBe(404);
    const rated = await t.app.inject({
      method: 'POST',
      url: `/api/governance/my-reports/${caseId}/evaluation`,
      headers: { cookie: resident.cookie, ...JSON_HEADERS },
      payload: { rating: 5, comment: '很及时' },
    });
    expect(rated.json()).toMatchObject({ stage: 'closed', rating: 5, canRate: false });

    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/governance/cases/${caseId}`,
      headers: { cookie: dispatcher.cookie },
    });
    const timeline = detail
      .json<{ timeline: Array<{ action: string }> }>()
      .timeline.map((entry) => entry.action);
    expect(timeline).toEqual([
      'created',
      'accept',
      'dispatch',
      'task_accept',
      'task_complete',
      'task_accept',
      'task_complete',
      'verify',
      'close',
      'evaluate',
    ]);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/governance/cases/${caseId}`,
          headers: { cookie: otherDispatcher.cookie },
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/governance/cases/${caseId}`,
          headers: { cookie: otherResident.cookie },
        })
      ).statusCode,
    ).toBe(404);

    const kpis = await t.app.inject({
      method: 'GET',
      url: '/api/governance/kpis?groupBy=community',
      headers: { cookie: dispatcher.cookie },
    });
    expect(
      kpis.json<{ total: { closed: number; satisfied: number; satisfactionRate: number } }>().total,
    ).toMatchObject({ satisfied: 1, satisfactionRate: 1 });
    const units = await t.app.inject({
      method: 'GET',
      url: '/api/governance/kpis?groupBy=unit',
      headers: { cookie: dispatcher.cookie },
    });
    expect(units.json<{ rows: Array<{ name: string; cases: number }> }>().rows).toEqual([
      expect.objectContaining({ name: '测试城管中队', cases: 1 }),
    ]);
    const xlsx = await t.app.inject({
      method: 'GET',
      url: '/api/governance/kpis?format=xlsx',
      headers: { cookie: dispatcher.cookie },
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets[0]!.getRow(1).getCell(2).text).toContain('案件数');
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/governance/kpis',
          headers: { cookie: resident.cookie },
        })
      ).statusCode,
    ).toBe(403);
  });

  it('a dispatcher grades a caller’s report; deadlines follow the grade; a resident’s grade is ignored', async () => {
    const entry = await t.app.inject({
      method: 'POST',
      url: '/api/governance/reports',
      headers: { cookie: dispatcher.cookie, ...JSON_HEADERS },
      payload: {
        category: 'noise',
        description: '工地深夜施工，来电反映',
        address: building.address,
        severity: 'high',
        reporterName: '来电人',
        reporterPhone: '13711112222',
      },
    });
    expect(entry.json()).toMatchObject({ stage: 'triage' });
    const graded = await t.app.inject({
      method: 'GET',
      url: `/api/governance/cases/${entry.json<{ caseId: string }>().caseId}`,
      headers: { cookie: dispatcher.cookie },
    });
    // Noise is office-hours work; graded high it runs on calendar time.
    expect(graded.json()).toMatchObject({ severity: 'high', slaClock: 'calendar' });
    const own = await t.app.inject({
      method: 'POST',
      url: '/api/governance/reports',
      headers: { cookie: resident.cookie, ...JSON_HEADERS },
      payload: {
        category: 'noise',
        description: '楼下噪音',
        address: building.address,
        severity: 'critical',
      },
    });
    const ungraded = await t.app.inject({
      method: 'GET',
      url: `/api/governance/cases/${own.json<{ caseId: string }>().caseId}`,
      headers: { cookie: dispatcher.cookie },
    });
    expect(ungraded.json()).toMatchObject({ severity: 'low', slaClock: 'working' });
  });

  it('reclassifies on acceptance with the deadlines of the new category, even with no policy book cached', async () => {
    const report = await t.app.inject({
      method: 'POST',
      url: '/api/governance/reports',
      headers: { cookie: resident.cookie, ...JSON_HEADERS },
      payload: { category: 'sanitation', description: '楼道有烟味', address: building.address },
    });
    const caseId = report.json<{ caseId: string }>().caseId;
    // As after a restart: the tenant's service-level book is not in memory.
    t.governance.governance.books.invalidate(tenant.id);
    const accepted = await t.app.inject({
      method: 'POST',
      url: `/api/governance/cases/${caseId}/moves`,
      headers: { cookie: dispatcher.cookie, ...JSON_HEADERS },
      payload: { move: 'accept', category: 'fire', severity: 'critical' },
    });
    expect(accepted.json()).toMatchObject({
      stage: 'triage',
      category: 'fire',
      linkage: 'safety_creation',
      slaClock: 'calendar',
    });
  });

  it('offers nearby reports of the same kind as duplicates and merges them', async () => {
    const file = (description: string, offset: number) =>
      t.app.inject({
        method: 'POST',
        url: '/api/governance/reports',
        headers: { cookie: resident.cookie, ...JSON_HEADERS },
        payload: {
          category: 'noise',
          description,
          location: { lng: building.lng + offset, lat: building.lat },
        },
      });
    const first = (await file('楼上装修噪音', 0)).json<{ caseId: string }>().caseId;
    const second = (await file('隔壁电钻声很吵', 0.0005)).json<{ caseId: string }>().caseId;
    const far = (await file('远处噪音', 0.005)).json<{ caseId: string }>().caseId;
    const suggestions = await t.app.inject({
      method: 'GET',
      url: `/api/governance/cases/${second}/duplicates`,
      headers: { cookie: dispatcher.cookie },
    });
    const ids = suggestions.json<Array<{ case: { id: string }; distanceM: number }>>().map((s) => s.case.id);
    expect(ids).toContain(first);
    expect(ids).not.toContain(far);
    const merged = await t.app.inject({
      method: 'POST',
      url: `/api/governance/cases/${second}/moves`,
      headers: { cookie: dispatcher.cookie, ...JSON_HEADERS },
      payload: { move: 'mark_duplicate', duplicateOf: first },
    });
    expect(merged.json()).toMatchObject({ stage: 'duplicate', duplicateOf: { id: first }, allowedMoves: [] });
    const root = await t.app.inject({
      method: 'GET',
      url: `/api/governance/cases/${first}`,
      headers: { cookie: dispatcher.cookie },
    });
    expect(root.json<{ duplicates: Array<{ id: string }> }>().duplicates.map((d) => d.id)).toEqual([second]);
    const mine = await t.app.inject({
      method: 'GET',
      url: '/api/governance/my-reports',
      headers: { cookie: resident.cookie },
    });
    expect(
      mine.json<Array<{ id: string; duplicateOf: { id: string } | null }>>().find((r) => r.id === second)!
        .duplicateOf!.id,
    ).toBe(first);
  });
});

describe('roles and tenants', () => {
  it('pages incidents in one order for the command center only', async () => {
    const devices = await createTestDevices(t.ctx, tenant, building, {
      count: 3,
      type: 'door',
      prefix: 'INC',
    });
    t.governance.governance.directory.invalidateDevices(tenant.id);
    const source = (await t.governance.governance.directory.source(tenant.id, 'iot'))!;
    await t.governance.governance.intake.submit(
      devices.map((device, n) => ({
        tenantId: tenant.id,
        source,
        topic: `jiedao/${tenant.code}/devices/${device.code}/fault`,
        payload: { msgId: `inc-${n}` },
        rawText: '{}',
        receivedAt: new Date(Date.now() + n),
      })),
    );
    const page = (n: number) =>
      t.app.inject({
        method: 'GET',
        url: `/api/governance/incidents?category=device_fault&pageSize=2&page=${n}`,
        headers: { cookie: dispatcher.cookie },
      });
    const first = (await page(1)).json<{ items: Array<{ id: string; title: string }>; total: number }>();
    const second = (await page(2)).json<{ items: Array<{ id: string }>; total: number }>();
    expect(first.total).toBe(3);
    expect([...first.items, ...second.items].map((item) => item.id)).toHaveLength(
      new Set([...first.items, ...second.items].map((i) => i.id)).size,
    );
    expect(first.items.length + second.items.length).toBe(3);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/governance/incidents',
          headers: { cookie: resident.cookie },
        })
      ).statusCode,
    ).toBe(403);
    const theirs = await t.app.inject({
      method: 'GET',
      url: '/api/governance/incidents?category=device_fault',
      headers: { cookie: otherDispatcher.cookie },
    });
    expect(theirs.json<{ total: number }>().total).toBe(0);
  });

  it('lists, counts, exports and imports devices for the command center; a resident may not; another tenant sees none', async () => {
    const csv = `\uFEFF设备编号,类型,名称,楼栋,安装日期\nIMP-1,烟感探测器,导入烟感1,${building.name},2025-05-01\nIMP-2,water,导入水浸2,${building.name},2025-05-02\n`;
    const imported = await t.app.inject({
      method: 'POST',
      url: '/api/governance/devices/import',
      headers: { cookie: admin.cookie, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(imported.json()).toMatchObject({ ok: true, created: 2, errors: [] });
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/governance/devices/import',
      headers: { cookie: admin.cookie, 'content-type': 'text/csv' },
      payload: '设备编号,类型,名称,楼栋\nIMP-3,toaster,x,nowhere\n',
    });
    expect(bad.json<{ ok: boolean; errors: Array<{ row: number; field: string }> }>()).toMatchObject({
      ok: false,
    });
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/governance/devices/import',
          headers: { cookie: resident.cookie, 'content-type': 'text/csv' },
          payload: csv,
        })
      ).statusCode,
    ).toBe(403);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/governance/devices?q=IMP-',
      headers: { cookie: dispatcher.cookie },
    });
    expect(
      list.json<{ items: Array<{ code: string; buildingName: string }> }>().items.map((d) => d.code),
    ).toEqual(['IMP-1', 'IMP-2']);
    const stats = await t.app.inject({
      method: 'GET',
      url: '/api/governance/devices/stats',
      headers: { cookie: dispatcher.cookie },
    });
    expect(stats.json<{ total: number }>().total).toBeGreaterThanOrEqual(2);
    const xlsx = await t.app.inject({
      method: 'GET',
      url: '/api/governance/devices?q=IMP-&format=xlsx',
      headers: { cookie: dispatcher.cookie },
    });
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/governance/devices',
          headers: { cookie: resident.cookie },
        })
      ).statusCode,
    ).toBe(403);
    const theirs = await t.app.inject({
      method: 'GET',
      url: '/api/governance/devices?q=IMP-',
      headers: { cookie: otherDispatcher.cookie },
    });
    expect(theirs.json<{ total: number }>().total).toBe(0);
  });

  it('lists cases for the command center and handlers only, never another tenant’s', async () => {
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/governance/cases',
          headers: { cookie: resident.cookie },
        })
      ).statusCode,
    ).toBe(403);
    const mineOther = await t.app.inject({
      method: 'GET',
      url: '/api/governance/cases?stage=all',
      headers: { cookie: otherDispatcher.cookie },
    });
    expect(mineOther.json<{ total: number }>().total).toBe(0);
    const queue = await t.app.inject({
      method: 'GET',
      url: '/api/governance/cases?stage=all&pageSize=200',
      headers: { cookie: dispatcher.cookie },
    });
    expect(queue.json<{ total: number }>().total).toBeGreaterThan(0);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/governance/overview',
          headers: { cookie: gridWorker.cookie },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/governance/stream',
          headers: { cookie: resident.cookie },
        })
      ).statusCode,
    ).toBe(403);
  });

  it('lets only tenant admins create sources and rotate secrets; the new secret signs, the old one stops', async () => {
    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/governance/sources',
      headers: { cookie: dispatcher.cookie, ...JSON_HEADERS },
      payload: { code: 'cam-hik', name: '海康视频', channel: 'webhook', mapping: 'camera_alarm' },
    });
    expect(denied.statusCode).toBe(403);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/governance/sources',
      headers: { cookie: admin.cookie, ...JSON_HEADERS },
      payload: { code: 'cam-hik', name: '海康视频', channel: 'webhook', mapping: 'camera_alarm' },
    });
    expect(created.statusCode).toBe(201);
    const { secret, source } = created.json<{ secret: string; source: { id: string; endpoint: string } }>();
    expect(source.endpoint).toBe(`/api/intake/${tenant.code}/cam-hik`);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/governance/sources',
      headers: { cookie: admin.cookie, ...JSON_HEADERS },
      payload: { code: 'cam-hik', name: 'x', channel: 'webhook', mapping: 'camera_alarm' },
    });
    expect(again.json()).toMatchObject({ code: 'conflict', errors: [{ field: '/code' }] });
    const invalid = await t.app.inject({
      method: 'POST',
      url: '/api/governance/sources',
      headers: { cookie: admin.cookie, ...JSON_HEADERS },
      payload: { code: 'A B', name: '', channel: 'fax', mapping: 'camera_alarm' },
    });
    expect(invalid.statusCode).toBe(400);

    const [camera] = await createTestDevices(t.ctx, tenant, building, { type: 'camera', prefix: 'CAM-T' });
    const alarm = JSON.stringify({
      alarmId: 'A-1',
      cameraCode: camera!.code,
      alarmType: 'crowd',
      snapshotUrl: 'https://cam.example/s/1.jpg',
    });
    const accepted = await signed('cam-hik', alarm, { secret });
    expect(accepted.json()).toMatchObject({ status: 'accepted', caseNumber: anyString });
    const rotated = await t.app.inject({
      method: 'POST',
      url: `/api/governance/sources/${source.id}/rotate`,
      headers: { cookie: admin.cookie },
    });
    const fresh = rotated.json<{ secret: string }>().secret;
    expect(
      (
        await signed(
          'cam-hik',
          JSON.stringify({ alarmId: 'A-2', cameraCode: camera!.code, alarmType: 'crowd' }),
          { secret },
        )
      ).statusCode,
    ).toBe(401);
    expect(
      (
        await signed(
          'cam-hik',
          JSON.stringify({ alarmId: 'A-2', cameraCode: camera!.code, alarmType: 'crowd' }),
          { secret: fresh },
        )
      ).statusCode,
    ).toBe(202);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/governance/sources/${source.id}/rotate`,
          headers: { cookie: admin.cookie },
        })
      ).statusCode,
    ).toBe(200);
    const otherAdmin = await t.signIn(other, ['tenant_admin']);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/governance/sources/${source.id}/rotate`,
          headers: { cookie: otherAdmin.cookie },
        })
      ).statusCode,
    ).toBe(404);
  });

  it('keeps photos to their tenant and refuses what is not an image', async () => {
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64)]);
    const upload = await t.app.inject({
      method: 'POST',
      url: '/api/attachments',
      headers: { cookie: resident.cookie, 'content-type': 'image/jpeg' },
      payload: jpeg,
    });
    const { url } = upload.json<{ url: string }>();
    const mine = await t.app.inject({ method: 'GET', url, headers: { cookie: dispatcher.cookie } });
    expect(mine.statusCode).toBe(200);
    expect(mine.rawPayload.equals(jpeg)).toBe(true);
    expect(
      (await t.app.inject({ method: 'GET', url, headers: { cookie: otherDispatcher.cookie } })).statusCode,
    ).toBe(404);
    const fake = await t.app.inject({
      method: 'POST',
      url: '/api/attachments',
      headers: { cookie: resident.cookie, 'content-type': 'image/jpeg' },
      payload: Buffer.from('not an image'),
    });
    expect(fake.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: '/body' }] });
    const report = await t.app.inject({
      method: 'POST',
      url: '/api/governance/reports',
      headers: { cookie: otherDispatcher.cookie, ...JSON_HEADERS },
      payload: {
        category: 'sanitation',
        description: '别人的照片',
        address: '某路',
        photos: [upload.json<{ id: string }>().id],
      },
    });
    expect(report.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: '/photos/0' }] });
  });
});

describe('live stream', () => {
  it('pushes a new incident to the dispatcher’s open stream, and nothing of another tenant', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as AddressInfo).port;
    const received: string[] = [];
    const otherReceived: string[] = [];
    const open = (cookie: string, sink: string[]) =>
      new Promise<http.ClientRequest>((resolve) => {
        const request = http.get(
          {
            host: '127.0.0.1',
            port,
            path: '/api/governance/stream',
            headers: { cookie, accept: 'text/event-stream' },
          },
          (response) => {
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => sink.push(chunk));
            resolve(request);
          },
        );
      });
    const mine = await open(dispatcher.cookie, received);
    const theirs = await open(otherDispatcher.cookie, otherReceived);
    const [device] = await createTestDevices(t.ctx, tenant, building, { type: 'smoke', prefix: 'SSE' });
    t.governance.governance.directory.invalidateDevices(tenant.id);
    const source = (await t.governance.governance.directory.source(tenant.id, 'iot'))!;
    await t.governance.governance.intake.submitOne({
      tenantId: tenant.id,
      source,
      topic: `jiedao/${tenant.code}/devices/${device!.code}/alarm`,
      payload: { msgId: 'sse-1' },
      rawText: '{"msgId":"sse-1"}',
      receivedAt: new Date(),
    });
    for (let i = 0; i < 50 && !received.join('').includes('incident.created'); i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received.join('')).toContain('event: incident.created');
    expect(received.join('')).toContain(device!.code.startsWith('SSE') ? '火情火警' : '');
    expect(otherReceived.join('')).not.toContain('incident.created');
    mine.destroy();
    theirs.destroy();
  });
});

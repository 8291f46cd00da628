import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestTenant } from '../../testing/factories.js';
import {
  createTestBuilding,
  createTestDevices,
  type TestBuilding,
} from '../../testing/governance-factories.js';
import { createTestApp, createTestTenant, type TestApp } from '../../testing/test-app.js';
import type { SourceInfo } from './directory.js';
import type { Governance } from './governance.js';
import { ensureDefaultSources } from './sources.js';
import { runSweeps } from './sweeps.js';

let t: TestApp;
let tenant: TestTenant;
let g: Governance;
let building: TestBuilding;
let iot: SourceInfo;

const MINUTE = 60_000;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTestTenant(t.ctx);
  g = t.governance.governance;
  await ensureDefaultSources(t.ctx.db, t.ctx.cipher, tenant.id);
  building = await createTestBuilding(t.ctx, tenant);
  iot = (await g.directory.source(tenant.id, 'iot'))!;
});
afterAll(() => t.close());

async function fireCase(code: string, at: Date) {
  const outcome = await g.intake.submitOne({
    tenantId: tenant.id,
    source: iot,
    topic: `jiedao/${tenant.code}/devices/${code}/alarm`,
    payload: { msgId: `${code}-${at.getTime()}` },
    rawText: '{}',
    receivedAt: at,
  });
  if (outcome.status !== 'accepted' || !outcome.caseId)
    throw new Error(`no case: ${JSON.stringify(outcome)}`);
  return outcome.caseId;
}

function caseRow(id: string) {
  return t.ctx.db.selectFrom('govCase').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

function timeline(id: string) {
  return t.ctx.db
    .selectFrom('caseTimeline')
    .select(['action', 'note'])
    .where('caseId', '=', id)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

describe('service-level sweeps', () => {
  it('reminds at 80 % of the response time, escalates once when it passes, again when resolution passes', async () => {
    const [device] = await createTestDevices(t.ctx, tenant, building, { type: 'smoke', prefix: 'SLA' });
    g.directory.invalidateDevices(tenant.id);
    const opened = new Date(Date.now() - 10 * MINUTE);
    const id = await fireCase(device!.code, opened);
    // Fire: respond within 5 minutes, resolve within 60.
    const atFourAndAHalf = new Date(opened.getTime() + 4.5 * MINUTE);
    await runSweeps(g, { now: atFourAndAHalf });
    expect(await caseRow(id)).toMatchObject({ reminded: true, escalationLevel: 0 });
    const atSix = new Date(opened.getTime() + 6 * MINUTE);
    const first = await runSweeps(g, { now: atSix });
    expect(first.escalated).toBeGreaterThanOrEqual(1);
    expect(await caseRow(id)).toMatchObject({ escalationLevel: 1 });
    // Swept again: nothing new for this case.
    await runSweeps(g, { now: new Date(atSix.getTime() + MINUTE) });
    expect((await timeline(id)).filter((entry) => entry.action === 'escalated')).toHaveLength(1);
    await runSweeps(g, { now: new Date(opened.getTime() + 61 * MINUTE) });
    expect(await caseRow(id)).toMatchObject({ escalationLevel: 2 });
    expect((await timeline(id)).map((entry) => entry.action)).toEqual([
      'created',
      'reminder',
      'escalated',
      'escalated',
    ]);
  });

  it('closes a case nobody rated after the evaluation period, without a rating', async () => {
    const [device] = await createTestDevices(t.ctx, tenant, building, { type: 'gas', prefix: 'EVAL' });
    g.directory.invalidateDevices(tenant.id);
    const id = await fireCase(device!.code, new Date());
    const longAgo = new Date(Date.now() - 8 * 86_400_000);
    await t.ctx.db
      .updateTable('govCase')
      .set({ stage: 'evaluation', closedAt: longAgo })
      .where('id', '=', id)
      .execute();
    const result = await runSweeps(g, { now: new Date() });
    expect(result.evaluated).toBeGreaterThanOrEqual(1);
    expect(await caseRow(id)).toMatchObject({ stage: 'closed', rating: null });
    expect((await timeline(id)).at(-1)).toMatchObject({
      action: 'evaluate',
      note: '逾期未评价，系统默认办结',
    });
  });

  it('takes devices silent for too long offline, as a fault incident through the intake, once', async () => {
    const silent = await createTestDevices(t.ctx, tenant, building, {
      count: 3,
      type: 'water',
      prefix: 'SILENT',
      lastSeenAt: new Date(Date.now() - 2 * 86_400_000),
    });
    const fresh = await createTestDevices(t.ctx, tenant, building, {
      count: 1,
      type: 'water',
      prefix: 'FRESH',
    });
    g.directory.invalidateDevices(tenant.id);
    const result = await runSweeps(g, { offlineAfterMs: 86_400_000 });
    expect(result.offline).toBe(3);
    const states = await t.ctx.db
      .selectFrom('device')
      .select(['code', 'state'])
      .where(
        'code',
        'in',
        [...silent, ...fresh].map((device) => device.code),
      )
      .orderBy('code')
      .execute();
    expect(
      states
        .filter((row) => row.state === 'offline')
        .map((row) => row.code)
        .sort(),
    ).toEqual(silent.map((device) => device.code).sort());
    const incidents = await t.ctx.db
      .selectFrom('incident')
      .select(['category', 'kind', 'caseId'])
      .where(
        'deviceId',
        'in',
        silent.map((device) => device.id),
      )
      .execute();
    expect(incidents).toHaveLength(3);
    expect(
      incidents.every(
        (row) => row.category === 'device_fault' && row.kind === 'offline' && row.caseId === null,
      ),
    ).toBe(true);
    // Already offline: the next sweep leaves them be.
    expect((await runSweeps(g, { offlineAfterMs: 86_400_000 })).offline).toBe(0);
  });
});

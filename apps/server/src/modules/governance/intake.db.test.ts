import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp } from '../../testing/test-app.js';
import type { TestTenant } from '../../testing/factories.js';
import {
  containing,
  matching,
  createTestBuilding,
  createTestDevices,
  type TestBuilding,
} from '../../testing/governance-factories.js';
import { createGovernance, type Governance } from './governance.js';
import type { IntakeSubmission } from './intake.js';
import type { SourceInfo } from './directory.js';
import { ensureDefaultSources } from './sources.js';

let t: TestApp;
let tenant: TestTenant;
let g: Governance;
let iot: SourceInfo;
let minhu: SourceInfo;
let police: SourceInfo;
let building: TestBuilding;
let published: Array<{ tenantId: string; topic: string; data: unknown }>;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTestTenant(t.ctx);
  published = [];
  g = createGovernance(t.ctx, t.locator, {
    realtime: { publish: (tenantId, topic, data) => published.push({ tenantId, topic, data }) },
    intake: { stormThreshold: 5, stormWindowMs: 60_000 },
  });
  await ensureDefaultSources(t.ctx.db, t.ctx.cipher, tenant.id);
  iot = (await g.directory.source(tenant.id, 'iot'))!;
  minhu = (await g.directory.source(tenant.id, 'minhu'))!;
  police = (await g.directory.source(tenant.id, 'police-110'))!;
  building = await createTestBuilding(t.ctx, tenant, { community: 1, row: 0, name: '荷花苑3幢' });
});
afterAll(async () => {
  await g.intake.stop();
  await t.close();
});

function deviceMessage(code: string, kind: string, payload: Record<string, unknown> = {}): IntakeSubmission {
  return {
    tenantId: tenant.id,
    source: iot,
    topic: `jiedao/${tenant.code}/devices/${code}/${kind}`,
    payload,
    rawText: JSON.stringify(payload),
    receivedAt: new Date(),
  };
}

function report(payload: Record<string, unknown>, source: SourceInfo = minhu): IntakeSubmission {
  return { tenantId: tenant.id, source, payload, rawText: JSON.stringify(payload), receivedAt: new Date() };
}

describe('device alarms', () => {
  it('an alarm becomes an event in the device’s grid, one incident and a case in triage with deadlines', async () => {
    const [device] = await createTestDevices(t.ctx, tenant, building, {
      count: 1,
      type: 'smoke',
      prefix: 'single',
    });
    const outcome = await g.intake.submitOne(
      deviceMessage(device!.code, 'alarm', { msgId: 'm-1', value: 87 }),
    );
    expect(outcome).toMatchObject({ status: 'accepted' });
    if (outcome.status !== 'accepted') return;
    expect(outcome.caseNumber).toMatch(/^\d{8}-\d{5}$/);
    const event = await t.ctx.db
      .selectFrom('govEvent')
      .selectAll()
      .where('id', '=', outcome.eventId)
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({
      category: 'fire',
      severity: 'critical',
      gridId: building.gridId,
      communityId: building.communityId,
    });
    // Device telemetry carries no personal data: its raw message is kept as received.
    expect(event).toMatchObject({ raw: JSON.stringify({ msgId: 'm-1', value: 87 }), rawEnc: null });
    const gov = await t.ctx.db
      .selectFrom('govCase')
      .selectAll()
      .where('id', '=', outcome.caseId!)
      .executeTakeFirstOrThrow();
    expect(gov).toMatchObject({
      stage: 'triage',
      category: 'fire',
      linkage: 'safety_creation',
      slaClock: 'calendar',
    });
    expect(gov.responseDueAt!.getTime() - gov.createdAt.getTime()).toBe(5 * 60_000);
    const state = await t.ctx.db
      .selectFrom('device')
      .select('state')
      .where('id', '=', device!.id)
      .executeTakeFirstOrThrow();
    expect(state.state).toBe('alarm');
    expect(
      published.some(
        (entry) =>
          entry.topic === 'incident.created' && (entry.data as { id: string }).id === outcome.incidentId,
      ),
    ).toBe(true);

    // Repeats join the open incident: count and last seen move, no second case.
    const repeat = await g.intake.submitOne(deviceMessage(device!.code, 'alarm', { msgId: 'm-2' }));
    expect(repeat).toMatchObject({ status: 'accepted', incidentId: outcome.incidentId, caseId: null });
    const incident = await t.ctx.db
      .selectFrom('incident')
      .selectAll()
      .where('id', '=', outcome.incidentId!)
      .executeTakeFirstOrThrow();
    expect(incident.eventCount).toBe(2);
    expect(incident.lastSeenAt.getTime()).toBeGreaterThanOrEqual(incident.firstSeenAt.getTime());
    expect(await countCases(outcome.incidentId!)).toBe(1);

    // The same message delivered again is accepted once.
    const again = await g.intake.submitOne(deviceMessage(device!.code, 'alarm', { msgId: 'm-2' }));
    expect(again).toMatchObject({ status: 'duplicate', incidentId: outcome.incidentId });
    const stored = await t.ctx.db
      .selectFrom('govEvent')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('incidentId', '=', outcome.incidentId!)
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(2);
  });

  it('an alarm storm in one building becomes one incident holding every event; earlier cases merge into it', async () => {
    const storm = await createTestBuilding(t.ctx, tenant, { community: 0, row: 1, name: '莲花新村7幢' });
    const devices = await createTestDevices(t.ctx, tenant, storm, {
      count: 20,
      type: 'smoke',
      prefix: 'storm',
    });
    // Four devices alarm one by one: four incidents and four cases.
    for (const device of devices.slice(0, 4))
      await g.intake.submitOne(deviceMessage(device.code, 'alarm', { msgId: `s-${device.code}-0` }));
    expect(await openIncidents(storm.id)).toHaveLength(4);
    // Then the whole building, many times each.
    const burst = devices.flatMap((device) =>
      [1, 2, 3, 4, 5].map((n) => deviceMessage(device.code, 'alarm', { msgId: `s-${device.code}-${n}` })),
    );
    const outcomes = await g.intake.submit(burst);
    expect(outcomes.every((outcome) => outcome.status === 'accepted')).toBe(true);
    const open = await openIncidents(storm.id);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ storm: true, eventCount: 4 + 100, deviceCount: 20 });
    const merged = await t.ctx.db
      .selectFrom('incident')
      .select(['status', 'mergedInto'])
      .where('buildingId', '=', storm.id)
      .where('storm', '=', false)
      .execute();
    expect(merged).toHaveLength(4);
    expect(merged.every((row) => row.status === 'merged' && row.mergedInto === open[0]!.id)).toBe(true);
    const cases = await t.ctx.db
      .selectFrom('govCase')
      .select(['stage', 'duplicateOf', 'id', 'incidentId'])
      .where('buildingId', '=', storm.id)
      .execute();
    const stormCase = cases.find((row) => row.incidentId === open[0]!.id)!;
    expect(stormCase.stage).toBe('triage');
    expect(cases.filter((row) => row.stage === 'duplicate' && row.duplicateOf === stormCase.id)).toHaveLength(
      4,
    );
    const events = await t.ctx.db
      .selectFrom('govEvent')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('incidentId', '=', open[0]!.id)
      .executeTakeFirstOrThrow();
    expect(Number(events.n)).toBe(104);
  });

  it('heartbeats bring an offline device back; recovery resolves a fault without a case', async () => {
    const [device] = await createTestDevices(t.ctx, tenant, building, {
      count: 1,
      type: 'water',
      prefix: 'hb',
      state: 'offline',
      lastSeenAt: new Date(Date.now() - 86_400_000),
    });
    g.directory.invalidateDevices(tenant.id);
    await t.ctx.db.updateTable('eventSource').set({ lastMessageAt: null }).where('id', '=', iot.id).execute();
    expect(await g.intake.submitOne(deviceMessage(device!.code, 'heartbeat', {}))).toEqual({
      status: 'heartbeat',
    });
    let row = await t.ctx.db
      .selectFrom('device')
      .select(['state', 'lastSeenAt'])
      .where('id', '=', device!.id)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('online');
    // A heartbeat is traffic of its source: the IoT source is not idle.
    const iotSource = await t.ctx.db
      .selectFrom('eventSource')
      .select('lastMessageAt')
      .where('id', '=', iot.id)
      .executeTakeFirstOrThrow();
    expect(Date.now() - iotSource.lastMessageAt!.getTime()).toBeLessThan(60_000);
    expect(Date.now() - row.lastSeenAt!.getTime()).toBeLessThan(60_000);

    const fault = await g.intake.submitOne(deviceMessage(device!.code, 'fault', { msgId: 'f-1' }));
    expect(fault).toMatchObject({ status: 'accepted', caseId: null });
    row = await t.ctx.db
      .selectFrom('device')
      .select(['state', 'lastSeenAt'])
      .where('id', '=', device!.id)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('fault');
    await g.intake.submitOne(deviceMessage(device!.code, 'recovered', { msgId: 'r-1' }));
    const incident = await t.ctx.db
      .selectFrom('incident')
      .select(['status', 'category'])
      .where('id', '=', (fault as { incidentId: string }).incidentId)
      .executeTakeFirstOrThrow();
    expect(incident).toEqual({ status: 'resolved', category: 'device_fault' });
    expect(
      (
        await t.ctx.db
          .selectFrom('device')
          .select('state')
          .where('id', '=', device!.id)
          .executeTakeFirstOrThrow()
      ).state,
    ).toBe('online');
    // A later fault opens a new incident.
    const next = await g.intake.submitOne(deviceMessage(device!.code, 'fault', { msgId: 'f-2' }));
    expect((next as { incidentId: string }).incidentId).not.toBe(
      (fault as { incidentId: string }).incidentId,
    );
  });

  it('writes a device row when its state changes, otherwise at most every deviceSeenWriteMs', async () => {
    const [device] = await createTestDevices(t.ctx, tenant, building, {
      count: 1,
      type: 'water',
      prefix: 'seen',
      lastSeenAt: new Date(Date.now() - 3_600_000),
    });
    g.directory.invalidateDevices(tenant.id);
    const now = Date.now();
    const minutesAgo = (minutes: number) => new Date(now - minutes * 60_000);
    const ts = (minutes: number) => minutesAgo(minutes).toISOString();
    const stored = () =>
      t.ctx.db
        .selectFrom('device')
        .select(['state', 'batteryLow', 'lastSeenAt'])
        .where('id', '=', device!.id)
        .executeTakeFirstOrThrow();
    const stateEvents = () =>
      published.filter(
        (entry) =>
          entry.topic === 'device.state' && (entry.data as { deviceId: string }).deviceId === device!.id,
      ).length;
    const announcedBefore = stateEvents();

    await g.intake.submitOne(deviceMessage(device!.code, 'fault', { msgId: 's-1', ts: ts(10) }));
    expect(await stored()).toEqual({ state: 'fault', batteryLow: false, lastSeenAt: minutesAgo(10) });
    // The same state a moment later changes nothing but the time: the row stays as written.
    await g.intake.submitOne(deviceMessage(device!.code, 'fault', { msgId: 's-2', ts: ts(5) }));
    expect((await stored()).lastSeenAt).toEqual(minutesAgo(10));
    expect(stateEvents() - announcedBefore).toBe(1);
    // A change is written at once, and announced.
    await g.intake.submitOne(deviceMessage(device!.code, 'low_battery', { msgId: 's-3', ts: ts(4) }));
    expect(await stored()).toEqual({ state: 'fault', batteryLow: true, lastSeenAt: minutesAgo(4) });
    expect(stateEvents() - announcedBefore).toBe(2);
    // With no interval, every message's time is written.
    const eager = createGovernance(t.ctx, t.locator, { intake: { deviceSeenWriteMs: 0 } });
    try {
      await eager.intake.submitOne(deviceMessage(device!.code, 'low_battery', { msgId: 's-4', ts: ts(3) }));
      expect((await stored()).lastSeenAt).toEqual(minutesAgo(3));
    } finally {
      await eager.intake.stop();
    }
  });

  it('messages from unknown devices are counted and listed, never dropped silently', async () => {
    const outcomes = await g.intake.submit(
      [1, 2, 3].map((n) => deviceMessage('NO-SUCH-DEVICE', 'alarm', { msgId: `u-${n}` })),
    );
    expect(outcomes.every((outcome) => outcome.status === 'unknown_device')).toBe(true);
    await g.intake.submitOne(deviceMessage('NO-SUCH-DEVICE', 'alarm', { msgId: 'u-4' }));
    const row = await t.ctx.db
      .selectFrom('unknownDevice')
      .selectAll()
      .where('deviceCode', '=', 'NO-SUCH-DEVICE')
      .executeTakeFirstOrThrow();
    expect(row.messageCount).toBe(4);
  });

  it('an unmappable message goes to the dead-letter list with its reason, encrypted', async () => {
    const outcome = await g.intake.submitOne(deviceMessage('any', 'explode', { msgId: 'x' }));
    expect(outcome).toMatchObject({ status: 'dead_letter', reason: containing('explode') });
    const dead = await t.ctx.db
      .selectFrom('deadLetter')
      .selectAll()
      .where('id', '=', (outcome as { deadLetterId: string }).deadLetterId)
      .executeTakeFirstOrThrow();
    expect(dead).toMatchObject({
      status: 'open',
      channel: 'mqtt',
      topic: containing('/explode'),
    });
    expect(t.ctx.cipher.decrypt(dead.payloadEnc, 'dead_letter.payload')).toBe('{"msgId":"x"}');
  });
});

describe('reports', () => {
  it('a resident report is routed by its location to grid and community and waits in intake', async () => {
    const outcome = await g.intake.submitOne(
      report({
        id: 'r-100',
        category: '噪声扰民',
        description: '楼下KTV深夜噪音',
        location: { lng: tenant.origin[0] + tenant.step * 0.5, lat: tenant.origin[1] + tenant.step * 1.5 },
        reporter: { name: '王秀英', phone: '13900000001' },
      }),
    );
    expect(outcome.status).toBe('accepted');
    const gov = await t.ctx.db
      .selectFrom('govCase')
      .selectAll()
      .where('id', '=', (outcome as { caseId: string }).caseId)
      .executeTakeFirstOrThrow();
    const grid = await t.ctx.db
      .selectFrom('grid')
      .select(['id', 'code'])
      .where('id', '=', gov.gridId!)
      .executeTakeFirstOrThrow();
    expect(grid.code).toBe('C1-G2');
    expect(gov).toMatchObject({
      stage: 'intake',
      category: 'noise',
      severity: 'low',
      slaClock: 'working',
      reporterName: '王秀英',
    });
    expect(gov.reporterPhoneEnc).not.toContain('139');
    expect(t.ctx.cipher.decrypt(gov.reporterPhoneEnc!, 'gov_case.reporter_phone')).toBe('13900000001');
  });

  it('a report with only an address takes its building’s location and grid', async () => {
    const outcome = await g.intake.submitOne(
      report({
        id: 'r-101',
        category: 'sanitation',
        description: '垃圾满溢',
        address: `${building.address}东侧垃圾房`,
      }),
    );
    const gov = await t.ctx.db
      .selectFrom('govCase')
      .selectAll()
      .where('id', '=', (outcome as { caseId: string }).caseId)
      .executeTakeFirstOrThrow();
    expect(gov).toMatchObject({ buildingId: building.id, gridId: building.gridId, lng: building.lng });
  });

  it('a traffic accident from 110 keeps parties and liability, with names and phones encrypted', async () => {
    const outcome = await g.intake.submitOne(
      report(
        {
          alarmNo: 'JJ2026112900012',
          type: 'traffic_accident',
          time: '2026-11-29T08:12:00+08:00',
          address: building.address,
          summary: '两车追尾，无人员受伤',
          accident: {
            recordNo: 'SG-0012',
            injuries: 0,
            parties: [
              {
                name: '赵一',
                phone: '13811112222',
                plate: '浙A12345',
                liability: 'full',
                insurer: '人保财险',
              },
              {
                name: '钱二',
                phone: '13833334444',
                plate: '浙A54321',
                liability: 'none',
                insurer: '平安产险',
              },
            ],
          },
        },
        police,
      ),
    );
    expect(outcome.status).toBe('accepted');
    const event = await t.ctx.db
      .selectFrom('govEvent')
      .selectAll()
      .where('id', '=', (outcome as { eventId: string }).eventId)
      .executeTakeFirstOrThrow();
    expect(event.category).toBe('traffic_accident');
    const details = (event.payload as { details: { accident: { parties: Array<Record<string, unknown>> } } })
      .details;
    expect(details.accident.parties.map((party) => party.liability)).toEqual(['full', 'none']);
    expect(JSON.stringify(event.payload)).not.toContain('赵一');
    // A police record's raw message is kept encrypted, never as received.
    expect(event.raw).toBeNull();
    expect(event.rawEnc).not.toContain('赵一');
    expect(t.ctx.cipher.decrypt(event.rawEnc!, 'gov_event.raw')).toContain('13811112222');
    expect(JSON.parse(t.ctx.cipher.decrypt(event.personalEnc!, 'gov_event.personal'))).toEqual({
      parties: [
        { name: '赵一', phone: '13811112222' },
        { name: '钱二', phone: '13833334444' },
      ],
    });
    // Insurance hears of it through the outbox, without the parties' personal data.
    const published = await t.ctx.db
      .selectFrom('outboxEvent')
      .select(['topic', 'payload'])
      .where('aggregateId', '=', (outcome as { eventId: string }).eventId)
      .executeTakeFirstOrThrow();
    expect(published.topic).toBe('governance.traffic_accident');
    expect(published.payload).toMatchObject({
      alarmNo: 'JJ2026112900012',
      caseNumber: matching(/^\d{8}-\d{5}$/),
    });
    expect(JSON.stringify(published.payload)).not.toContain('13811112222');
    const gov = await t.ctx.db
      .selectFrom('govCase')
      .select(['stage', 'severity'])
      .where('id', '=', (outcome as { caseId: string }).caseId)
      .executeTakeFirstOrThrow();
    expect(gov).toEqual({ stage: 'triage', severity: 'high' });
  });

  it('a traffic accident without parties is dead-lettered naming what is missing', async () => {
    const outcome = await g.intake.submitOne(
      report({ alarmNo: 'JJ-2', type: 'traffic_accident', address: 'x路' }, police),
    );
    expect(outcome).toMatchObject({ status: 'dead_letter', reason: containing('accident') });
  });

  it('concurrent submissions are batched and every one is committed', async () => {
    const [device] = await createTestDevices(t.ctx, tenant, building, {
      count: 1,
      type: 'gas',
      prefix: 'burst',
    });
    const before = g.intake.stats.batches;
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        g.intake.submitOne(deviceMessage(device!.code, 'alarm', { msgId: `b-${n}` })),
      ),
    );
    expect(outcomes.every((outcome) => outcome.status === 'accepted')).toBe(true);
    expect(g.intake.stats.batches - before).toBeLessThan(200);
    const incident = await t.ctx.db
      .selectFrom('incident')
      .select('eventCount')
      .where('id', '=', (outcomes[0] as { incidentId: string }).incidentId)
      .executeTakeFirstOrThrow();
    expect(incident.eventCount).toBe(200);
  });
});

async function countCases(incidentId: string): Promise<number> {
  const row = await t.ctx.db
    .selectFrom('govCase')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('incidentId', '=', incidentId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function openIncidents(buildingId: string) {
  return t.ctx.db
    .selectFrom('incident')
    .selectAll()
    .where('buildingId', '=', buildingId)
    .where('status', '=', 'open')
    .execute();
}

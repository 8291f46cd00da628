/**
 * The IoT intake end to end through the real Mosquitto on 127.0.0.1:1883: a device publishes at
 * QoS 1, the server's persistent session receives it, the intake commits it, and the case appears.
 * Skipped only when no broker answers and CI is not 'true' (CI must have the broker).
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shouldRunBrokerTests, TEST_BROKER_URL } from '../../testing/broker.js';
import type { TestTenant } from '../../testing/factories.js';
import { createTestBuilding, createTestDevices } from '../../testing/governance-factories.js';
import { createTestApp, createTestTenant, type TestApp } from '../../testing/test-app.js';
import { newId } from '../../platform/ids.js';
import { ensureDefaultSources } from './sources.js';

const BROKER = TEST_BROKER_URL;
const runAgainstBroker = await shouldRunBrokerTests();

async function until<T>(probe: () => Promise<T | undefined>, what: string, tries = 200): Promise<T> {
  for (let attempt = 0; attempt < tries; attempt++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(!runAgainstBroker)('MQTT intake through Mosquitto', { timeout: 30_000 }, () => {
  let t: TestApp;
  let tenant: TestTenant;
  let device: MqttClient;
  let codes: string[];

  beforeAll(async () => {
    // A unique tenant code and client id keep parallel runs on the shared broker apart.
    t = await createTestApp({ config: { mqttUrl: BROKER, mqttClientId: `jiedao-test-${newId()}` } });
    tenant = await createTestTenant(t.ctx);
    await ensureDefaultSources(t.ctx.db, t.ctx.cipher, tenant.id);
    const building = await createTestBuilding(t.ctx, tenant);
    codes = (
      await createTestDevices(t.ctx, tenant, building, { count: 2, type: 'gas', prefix: `MQ${tenant.code}` })
    ).map((row) => row.code);
    await until(
      async () => (t.governance.brokerStatus().state === 'connected' ? true : undefined),
      'the subscription',
    );
    device = await connectAsync(BROKER, { clientId: `device-${newId()}`, protocolVersion: 5 });
  });
  afterAll(async () => {
    await device?.endAsync();
    await t?.close();
  });

  it('turns a device alarm published at QoS 1 into an incident and a case', async () => {
    await device.publishAsync(
      `jiedao/${tenant.code}/devices/${codes[0]}/alarm`,
      JSON.stringify({ msgId: 'gas-1', value: 42 }),
      {
        qos: 1,
      },
    );
    const row = await until(
      () =>
        t.ctx.db
          .selectFrom('govCase')
          .select(['category', 'stage', 'severity'])
          .where('tenantId', '=', tenant.id)
          .executeTakeFirst(),
      'the case',
    );
    expect(row).toEqual({ category: 'gas_leak', stage: 'triage', severity: 'critical' });
    const sources = await t.app.inject({
      method: 'GET',
      url: '/api/governance/sources',
      headers: { cookie: (await t.signIn(tenant, ['dispatcher'])).cookie },
    });
    expect(
      sources.json<Array<{ code: string; health: string }>>().find((source) => source.code === 'iot')!.health,
    ).toBe('ok');
  });

  it('keeps an unreadable payload as a dead letter and refreshes a device on heartbeat', async () => {
    await device.publishAsync(`jiedao/${tenant.code}/devices/${codes[1]}/alarm`, '{not json', { qos: 1 });
    await device.publishAsync(`jiedao/${tenant.code}/devices/${codes[1]}/heartbeat`, '', { qos: 1 });
    const dead = await until(
      () =>
        t.ctx.db
          .selectFrom('deadLetter')
          .select(['reason', 'topic'])
          .where('tenantId', '=', tenant.id)
          .executeTakeFirst(),
      'the dead letter',
    );
    expect(dead).toEqual({
      reason: 'payload is not valid JSON',
      topic: `jiedao/${tenant.code}/devices/${codes[1]}/alarm`,
    });
    const before = new Date(Date.now() - 5000);
    await until(async () => {
      const seen = await t.ctx.db
        .selectFrom('device')
        .select('lastSeenAt')
        .where('tenantId', '=', tenant.id)
        .where('code', '=', codes[1]!)
        .executeTakeFirstOrThrow();
      return seen.lastSeenAt && seen.lastSeenAt > before ? true : undefined;
    }, 'the heartbeat');
  });

  it('counts a message for a subdistrict that does not exist instead of dropping it silently', async () => {
    const before = t.governance.unroutable.count;
    await device.publishAsync(`jiedao/no-such-${tenant.code}/devices/X/alarm`, '{}', { qos: 1 });
    await until(async () => (t.governance.unroutable.count > before ? true : undefined), 'the count');
    expect(t.governance.unroutable.lastTopic).toBe(`jiedao/no-such-${tenant.code}/devices/X/alarm`);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDefaultSources } from '../modules/governance/index.js';
import type { TestTenant } from '../testing/factories.js';
import { createTestBuilding, createTestDevices } from '../testing/governance-factories.js';
import { createTestApp, createTestTenant, type TestApp } from '../testing/test-app.js';
import { startDeviceSimulator } from './device-simulator.js';

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTestTenant(t.ctx);
  await ensureDefaultSources(t.ctx.db, t.ctx.cipher, tenant.id);
  const building = await createTestBuilding(t.ctx, tenant);
  const old = new Date(Date.now() - 20 * 3600_000);
  await createTestDevices(t.ctx, tenant, building, {
    count: 5,
    type: 'smoke',
    prefix: 'SIM',
    lastSeenAt: old,
  });
  await createTestDevices(t.ctx, tenant, building, {
    count: 1,
    type: 'gas',
    prefix: 'SIMFAULT',
    state: 'fault',
    lastSeenAt: old,
  });
});
afterAll(() => t.close());

describe('demo device simulator', () => {
  it('keeps devices reporting through the intake and raises an occasional alarm', async () => {
    const stop = startDeviceSimulator(t.ctx, t.governance, tenant.code, {
      intervalMs: 3_600_000,
      alarmChance: 1,
      random: () => 0,
    });
    try {
      for (let i = 0; i < 200; i++) {
        const alarms = await t.ctx.db
          .selectFrom('govEvent')
          .select('id')
          .where('tenantId', '=', tenant.id)
          .execute();
        if (alarms.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const devices = await t.ctx.db
        .selectFrom('device')
        .select(['code', 'state', 'lastSeenAt'])
        .where('tenantId', '=', tenant.id)
        .orderBy('code')
        .execute();
      const recent = Date.now() - 60_000;
      for (const device of devices.filter((d) => d.code.startsWith('SIM-')))
        expect(device.lastSeenAt!.getTime()).toBeGreaterThan(recent);
      // A device in fault stays silent and broken.
      expect(devices.find((d) => d.code.startsWith('SIMFAULT'))).toMatchObject({ state: 'fault' });
      expect(devices.filter((d) => d.state === 'alarm')).toHaveLength(1);
      const events = await t.ctx.db
        .selectFrom('govEvent')
        .select(['kind', 'category'])
        .where('tenantId', '=', tenant.id)
        .execute();
      expect(events).toEqual([{ kind: 'alarm', category: 'fire' }]);
    } finally {
      stop();
    }
  });
});

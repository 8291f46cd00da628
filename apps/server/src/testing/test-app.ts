import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Role } from '@jiedao/contracts';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type BuiltApp } from '../app.js';
import { loadConfig, type ConfigOverrides } from '../platform/config.js';
import type { DatabaseHandle } from '../platform/database/database.js';
import type { RealNameVerificationProvider } from '../modules/identity/index.js';
import type { StartGigOptions } from '../modules/gig/index.js';
import type { PayoutRail } from '../platform/payout-rail/payout-rail.js';
import { createTestAccount, createTestTenant, type TestTenant } from './factories.js';
import { createTestDatabase } from './test-database.js';

export interface TestApp extends BuiltApp {
  database: DatabaseHandle;
  /** Signs in and returns the session cookie header value. */
  login(phone: string, password: string): Promise<string>;
  /** Creates an account with the given roles in the tenant and signs it in. */
  signIn(
    tenant: TestTenant,
    roles: Array<Role | { role: Role; communityId?: string; organisationId?: string }>,
  ): Promise<{ cookie: string; accountId: string; personId: string; phone: string }>;
  close(): Promise<void>;
}

/** The whole app on a fresh test database, with a fixed data key and silent logs. */
export async function createTestApp(
  options: {
    config?: ConfigOverrides;
    verificationProvider?: RealNameVerificationProvider;
    gig?: StartGigOptions;
    payoutRail?: PayoutRail;
  } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiedao-app-'));
  const config = loadConfig(
    {
      dataDir,
      dataKey: 'ab'.repeat(32),
      webDir: path.join(dataDir, 'no-web'),
      loginRateLimitPerMinute: 10_000,
      // Sweeps and the MQTT intake run only where a test starts them.
      sweepIntervalMs: 0,
      mqttUrl: undefined,
      ...options.config,
    },
    {},
  );
  const built = await buildApp({
    config,
    database,
    logger: false,
    ...(options.verificationProvider ? { verificationProvider: options.verificationProvider } : {}),
    ...(options.gig ? { gig: options.gig } : {}),
    ...(options.payoutRail ? { payoutRail: options.payoutRail } : {}),
  });
  await built.app.ready();

  const login = async (phone: string, password: string) => {
    const response = await built.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { phone, password },
    });
    if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
    return sessionCookie(response);
  };
  return {
    ...built,
    database,
    login,
    async signIn(tenant, roles) {
      const account = await createTestAccount(built.ctx, tenant.id, { roles });
      return {
        cookie: await login(account.phone, account.password),
        accountId: account.accountId,
        personId: account.personId,
        phone: account.phone,
      };
    },
    async close() {
      await built.app.close();
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function sessionCookie(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === 'jiedao_sid');
  if (!cookie) throw new Error('no session cookie in response');
  return `jiedao_sid=${cookie.value}`;
}

export { createTestTenant, createTestAccount };

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, sessionCookie, type TestApp } from '../../testing/test-app.js';
import type { TestTenant } from '../../testing/factories.js';
import { createTestAccount, TEST_PASSWORD } from '../../testing/factories.js';
import { makeResidentIdNumber } from './id-number.js';
import { SimulatedVerificationProvider, type RealNameVerificationProvider } from './verification-provider.js';

/** A provider whose next answer the test chooses. */
class ScriptedProvider implements RealNameVerificationProvider {
  readonly name = 'scripted';
  next: 'match' | 'no_match' | 'unavailable' = 'match';
  calls = 0;
  private readonly inner = new SimulatedVerificationProvider({
    minLatencyMs: 0,
    maxLatencyMs: 1,
    failureRate: 0,
    acceptUnknown: true,
  });
  async verify(request: { name: string; idNumber: string }) {
    this.calls++;
    if (this.next === 'unavailable')
      return new SimulatedVerificationProvider({ minLatencyMs: 0, maxLatencyMs: 1, failureRate: 1 }).verify(
        request,
      );
    if (this.next === 'no_match')
      return { outcome: 'no_match' as const, reference: 'SIM-test', latencyMs: 1 };
    return this.inner.verify(request);
  }
}

let t: TestApp;
let tenant: TestTenant;
let otherTenant: TestTenant;
const provider = new ScriptedProvider();

beforeAll(async () => {
  t = await createTestApp({ verificationProvider: provider });
  tenant = await createTestTenant(t.ctx);
  otherTenant = await createTestTenant(t.ctx);
});
afterAll(() => t.close());

const problem = (body: string) =>
  JSON.parse(body) as {
    code: string;
    status: number;
    detail: string;
    errors?: Array<{ field: string; message: string }>;
    retryAfterSeconds?: number;
    requestId: string;
  };

describe('login', () => {
  it('signs in with phone and password, sets an httpOnly cookie, and /me answers masked', async () => {
    const account = await createTestAccount(t.ctx, tenant.id, { roles: ['dispatcher'], name: '陈晓燕' });
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { phone: account.phone, password: account.password },
    });
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'jiedao_sid')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    const me = response.json<{
      name: string;
      phoneMasked: string;
      roles: Array<{ role: string }>;
      tenant: { id: string };
    }>();
    expect(me.name).toBe('陈晓燕');
    expect(me.phoneMasked).toBe(`${account.phone.slice(0, 3)}****${account.phone.slice(7)}`);
    expect(me.roles.map((r) => r.role)).toEqual(['dispatcher']);
    expect(me.tenant.id).toBe(tenant.id);
    const again = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { cookie: sessionCookie(response) },
    });
    expect(again.statusCode).toBe(200);
    expect(again.body).not.toContain(account.phone);
  });

  it('answers 401 alike for an unknown phone and a wrong password', async () => {
    const account = await createTestAccount(t.ctx, tenant.id);
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { phone: '13011112222', password: 'whatever-123' },
    });
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { phone: account.phone, password: 'wrong-password-1' },
    });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(problem(unknown.body).code).toBe('invalid_credentials');
    expect(problem(wrong.body).code).toBe('invalid_credentials');
    expect(unknown.headers['content-type']).toContain('application/problem+json');
  });

  it('locks the account after 5 wrong passwords with 429 and a retry time, even for the right password', async () => {
    const account = await createTestAccount(t.ctx, tenant.id);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { phone: account.phone, password: `wrong-${i}-password` },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const locked = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { phone: account.phone, password: account.password },
    });
    expect(locked.statusCode).toBe(429);
    const body = problem(locked.body);
    expect(body.code).toBe('account_locked');
    expect(body.retryAfterSeconds).toBeGreaterThan(800);
    expect(Number(locked.headers['retry-after'])).toBe(body.retryAfterSeconds);
  });

  it('counts concurrent wrong passwords without losing any', async () => {
    const account = await createTestAccount(t.ctx, tenant.id);
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { phone: account.phone, password: `nope-${i}-password` },
        }),
      ),
    );
    expect(responses.filter((r) => r.statusCode === 429)).toHaveLength(1);
    const after = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { phone: account.phone, password: account.password },
    });
    expect(after.statusCode).toBe(429);
  });

  it('names each bad field, rejects unknown fields and malformed JSON with 400', async () => {
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { phone: '13900000001' },
    });
    expect(missing.statusCode).toBe(400);
    expect(problem(missing.body).errors).toContainEqual({ field: '/password', message: 'is required' });

    const extra = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { phone: '13900000001', password: 'x', admin: true },
    });
    expect(extra.statusCode).toBe(400);
    expect(problem(extra.body).errors).toContainEqual({ field: '/admin', message: 'is not a known field' });

    const wrongType = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { phone: 13900000001, password: 'x' },
    });
    expect(wrongType.statusCode).toBe(400);
    expect(problem(wrongType.body).errors).toContainEqual({ field: '/phone', message: 'must be string' });

    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"phone": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(problem(malformed.body).code).toBe('malformed_json');

    const badPhone = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { phone: '12345', password: 'x' },
    });
    expect(badPhone.statusCode).toBe(400);
    expect(problem(badPhone.body).errors?.[0]?.field).toBe('/phone');
  });

  it('answers 413 for a body over the limit', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { phone: '13900000001', password: 'x'.repeat(2 * 1024 * 1024) },
    });
    expect(response.statusCode).toBe(413);
    expect(problem(response.body).code).toBe('payload_too_large');
  });

  it('rejects a state change from a foreign origin', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin: 'https://evil.example', host: 'jiedao.local' },
      payload: { phone: '13900000001', password: 'x' },
    });
    expect(response.statusCode).toBe(403);
    expect(problem(response.body).code).toBe('origin_rejected');
  });

  it('logs out: the cookie stops working', async () => {
    const { cookie } = await t.signIn(tenant, ['resident']);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } })).statusCode,
    ).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
    expect(problem(after.body).code).toBe('unauthenticated');
  });

  it('rejects a forged cookie for another tenant', async () => {
    const { cookie } = await t.signIn(tenant, ['resident']);
    const forged = cookie.replace(tenant.id, otherTenant.id);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: forged } })).statusCode,
    ).toBe(401);
  });

  it('changes the password and signs the other sessions out', async () => {
    const account = await createTestAccount(t.ctx, tenant.id);
    const first = await t.login(account.phone, account.password);
    const second = await t.login(account.phone, account.password);
    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie: first },
      payload: { currentPassword: account.password, newPassword: 'aaaaaaaaaaaa' },
    });
    expect(weak.statusCode).toBe(400);
    expect(problem(weak.body).errors?.[0]?.field).toBe('/newPassword');
    const wrongCurrent = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie: first },
      payload: { currentPassword: 'not-it-123', newPassword: 'New-pass-2027' },
    });
    expect(wrongCurrent.statusCode).toBe(401);
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie: first },
      payload: { currentPassword: account.password, newPassword: 'New-pass-2027' },
    });
    expect(changed.statusCode).toBe(204);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: first } })).statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: second } })).statusCode,
    ).toBe(401);
    await expect(t.login(account.phone, account.password)).rejects.toThrow(/401/);
    await t.login(account.phone, 'New-pass-2027');
  });
});

describe('login rate limit', () => {
  it('answers 429 with Retry-After once an address exceeds the per-minute budget', async () => {
    const limited = await createTestApp({ config: { loginRateLimitPerMinute: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const response = await limited.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { phone: '13011112222', password: 'whatever-123' },
        });
        statuses.push(response.statusCode);
        if (response.statusCode === 429) {
          expect(problem(response.body)).toMatchObject({ code: 'rate_limited' });
          expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
        }
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('real-name verification', () => {
  const idNumber = makeResidentIdNumber({
    regionCode: '330106',
    birthDate: '1990-05-17',
    sequence: 21,
    sex: 'male',
  });

  it('says which check an invalid ID number failed, without calling the provider', async () => {
    const { cookie } = await t.signIn(tenant, ['resident']);
    const before = provider.calls;
    const cases: Array<[string, string]> = [
      ['33010619900517', 'length'],
      ['990106199005170213', 'region'],
      ['330106199002300213', 'birth_date'],
      [`${idNumber.slice(0, 17)}${idNumber.endsWith('0') ? '1' : '0'}`, 'check_digit'],
    ];
    for (const [candidate, check] of cases) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/identity/me/verification',
        headers: { cookie },
        payload: { name: '王五', idNumber: candidate },
      });
      expect(response.statusCode, candidate).toBe(400);
      const body = problem(response.body) as ReturnType<typeof problem> & { check: string };
      expect(body.code).toBe('invalid_id_number');
      expect(body.check).toBe(check);
      expect(body.detail).toContain(check);
    }
    expect(provider.calls).toBe(before);
  });

  it('maps no match to 422 and an unavailable provider to 503, leaving the person unverified', async () => {
    const { cookie } = await t.signIn(tenant, ['resident']);
    provider.next = 'no_match';
    const noMatch = await t.app.inject({
      method: 'POST',
      url: '/api/identity/me/verification',
      headers: { cookie },
      payload: { name: '王五', idNumber },
    });
    expect(noMatch.statusCode).toBe(422);
    expect(problem(noMatch.body).code).toBe('verification_no_match');
    provider.next = 'unavailable';
    const down = await t.app.inject({
      method: 'POST',
      url: '/api/identity/me/verification',
      headers: { cookie },
      payload: { name: '王五', idNumber },
    });
    expect(down.statusCode).toBe(503);
    expect(problem(down.body).code).toBe('verification_unavailable');
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(me.json<{ realNameStatus: string }>().realNameStatus).toBe('unverified');
    provider.next = 'match';
  });

  it('verifies, takes birth date and sex from the ID, stores it encrypted and shows it masked', async () => {
    const { cookie, personId } = await t.signIn(tenant, ['resident']);
    provider.next = 'match';
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/identity/me/verification',
      headers: { cookie },
      payload: { name: ' 王五 ', idNumber: idNumber.toLowerCase() },
    });
    expect(response.statusCode).toBe(200);
    const me = response.json<{
      realNameStatus: string;
      birthDate: string;
      sex: string;
      idNumberMasked: string;
      name: string;
    }>();
    expect(me).toMatchObject({
      realNameStatus: 'verified',
      birthDate: '1990-05-17',
      sex: 'male',
      name: '王五',
    });
    expect(me.idNumberMasked).toBe(`${idNumber.slice(0, 6)}********${idNumber.slice(14)}`);
    expect(response.body).not.toContain(idNumber);
    const row = await t.ctx.db
      .selectFrom('person')
      .selectAll()
      .where('id', '=', personId)
      .executeTakeFirstOrThrow();
    expect(row.idNumberEnc).toMatch(/^v1\./);
    expect(row.idNumberEnc).not.toContain(idNumber);
    const twice = await t.app.inject({
      method: 'POST',
      url: '/api/identity/me/verification',
      headers: { cookie },
      payload: { name: '王五', idNumber },
    });
    expect(twice.statusCode).toBe(409);

    const other = await t.signIn(tenant, ['resident']);
    const taken = await t.app.inject({
      method: 'POST',
      url: '/api/identity/me/verification',
      headers: { cookie: other.cookie },
      payload: { name: '王五', idNumber },
    });
    expect(taken.statusCode).toBe(409);
  });

  it('needs a session', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/identity/me/verification',
      payload: { name: '王五', idNumber },
    });
    expect(response.statusCode).toBe(401);
  });
});

describe('consents', () => {
  it('grants, lists and withdraws; another person’s consent is not found', async () => {
    const alice = await t.signIn(tenant, ['resident']);
    const bob = await t.signIn(tenant, ['resident']);
    const granted = await t.app.inject({
      method: 'POST',
      url: '/api/identity/me/consents',
      headers: { cookie: alice.cookie },
      payload: { purpose: 'service_delivery', scope: ['phone', 'address'], policyVersion: '2026-01' },
    });
    expect(granted.statusCode).toBe(201);
    const consent = granted.json<{ id: string; withdrawnAt: string | null }>();
    expect(consent.withdrawnAt).toBeNull();
    const stolen = await t.app.inject({
      method: 'POST',
      url: `/api/identity/me/consents/${consent.id}/withdraw`,
      headers: { cookie: bob.cookie },
    });
    expect(stolen.statusCode).toBe(404);
    const withdrawn = await t.app.inject({
      method: 'POST',
      url: `/api/identity/me/consents/${consent.id}/withdraw`,
      headers: { cookie: alice.cookie },
    });
    expect(withdrawn.json<{ withdrawnAt: string }>().withdrawnAt).toBeTruthy();
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/identity/me/consents/${consent.id}/withdraw`,
      headers: { cookie: alice.cookie },
    });
    expect(again.json<{ withdrawnAt: string }>().withdrawnAt).toBe(
      withdrawn.json<{ withdrawnAt: string }>().withdrawnAt,
    );
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/identity/me/consents',
      headers: { cookie: bob.cookie },
    });
    expect(list.json()).toEqual([]);
    const badPurpose = await t.app.inject({
      method: 'POST',
      url: '/api/identity/me/consents',
      headers: { cookie: alice.cookie },
      payload: { purpose: 'selling', scope: ['x'], policyVersion: '1' },
    });
    expect(badPurpose.statusCode).toBe(400);
    expect(problem(badPurpose.body).errors?.[0]?.field).toBe('/purpose');
  });
});

describe('people, unmasked reads and the access audit', () => {
  it('masks people for staff, refuses residents, and audits every reveal', async () => {
    const subject = await t.signIn(tenant, ['resident']);
    const gridWorker = await t.signIn(tenant, ['grid_worker']);
    const serviceStaff = await t.signIn(tenant, ['service_staff']);
    const admin = await t.signIn(tenant, ['tenant_admin']);
    const resident = await t.signIn(tenant, ['resident']);

    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/identity/people',
          headers: { cookie: resident.cookie },
        })
      ).statusCode,
    ).toBe(403);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/identity/people?pageSize=200',
      headers: { cookie: gridWorker.cookie },
    });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(subject.phone);

    const masked = await t.app.inject({
      method: 'GET',
      url: `/api/identity/people/${subject.personId}`,
      headers: { cookie: gridWorker.cookie },
    });
    expect(masked.json<{ phoneMasked: string; phone?: string }>().phone).toBeUndefined();

    const noPurpose = await t.app.inject({
      method: 'GET',
      url: `/api/identity/people/${subject.personId}?reveal=phone`,
      headers: { cookie: gridWorker.cookie },
    });
    expect(noPurpose.statusCode).toBe(400);
    const forbiddenId = await t.app.inject({
      method: 'GET',
      url: `/api/identity/people/${subject.personId}?reveal=idNumber&purpose=check`,
      headers: { cookie: serviceStaff.cookie },
    });
    expect(forbiddenId.statusCode).toBe(403);

    const revealed = await t.app.inject({
      method: 'GET',
      url: `/api/identity/people/${subject.personId}?reveal=phone&purpose=${encodeURIComponent('上门走访联系')}`,
      headers: { cookie: gridWorker.cookie },
    });
    expect(revealed.statusCode).toBe(200);
    expect(revealed.json<{ phone: string }>().phone).toBe(subject.phone);

    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/identity/access-audit',
          headers: { cookie: gridWorker.cookie },
        })
      ).statusCode,
    ).toBe(403);
    const audit = await t.app.inject({
      method: 'GET',
      url: `/api/identity/access-audit?subjectPersonId=${subject.personId}`,
      headers: { cookie: admin.cookie },
    });
    expect(audit.statusCode).toBe(200);
    const entries = audit.json<{
      total: number;
      items: Array<{
        actorAccountId: string;
        fields: string[];
        purpose: string;
        actorRole: string;
        requestId: string;
      }>;
    }>();
    expect(entries.total).toBe(1);
    expect(entries.items[0]).toMatchObject({
      actorAccountId: gridWorker.accountId,
      fields: ['phone'],
      purpose: '上门走访联系',
      actorRole: 'grid_worker',
    });
    expect(entries.items[0]!.requestId).toBe(revealed.headers['x-request-id']);
  });

  it('hides another tenant’s person and audit', async () => {
    const foreign = await t.signIn(otherTenant, ['resident']);
    const admin = await t.signIn(tenant, ['tenant_admin']);
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/identity/people/${foreign.personId}?reveal=phone&purpose=x1`,
      headers: { cookie: admin.cookie },
    });
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain(foreign.phone);
    const audit = await t.app.inject({
      method: 'GET',
      url: `/api/identity/access-audit?subjectPersonId=${foreign.personId}`,
      headers: { cookie: admin.cookie },
    });
    expect(audit.json<{ total: number }>().total).toBe(0);
  });
});

describe('organisations and accounts', () => {
  it('lets tenant admins create them and no one else', async () => {
    const admin = await t.signIn(tenant, ['tenant_admin']);
    const dispatcher = await t.signIn(tenant, ['dispatcher']);
    const payload = { kind: 'insurer', name: '测试保险公司', creditCode: '91330106MA2XXXXX0T' };
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/identity/organisations',
          headers: { cookie: dispatcher.cookie },
          payload,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/identity/organisations', payload })).statusCode,
    ).toBe(401);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/identity/organisations',
      headers: { cookie: admin.cookie },
      payload,
    });
    expect(created.statusCode).toBe(201);
    const organisation = created.json<{ id: string }>();

    const account = await t.app.inject({
      method: 'POST',
      url: '/api/identity/accounts',
      headers: { cookie: admin.cookie },
      payload: {
        name: '许静',
        phone: '13700009999',
        password: TEST_PASSWORD,
        roles: [{ role: 'insurer_agent', organisationId: organisation.id }],
      },
    });
    expect(account.statusCode).toBe(201);
    expect(account.json<{ phoneMasked: string }>().phoneMasked).toBe('137****9999');
    const duplicate = await t.app.inject({
      method: 'POST',
      url: '/api/identity/accounts',
      headers: { cookie: admin.cookie },
      payload: { name: '许静', phone: '13700009999', password: TEST_PASSWORD, roles: [{ role: 'resident' }] },
    });
    expect(duplicate.statusCode).toBe(409);
    const platform = await t.app.inject({
      method: 'POST',
      url: '/api/identity/accounts',
      headers: { cookie: admin.cookie },
      payload: {
        name: 'x',
        phone: '13700009998',
        password: TEST_PASSWORD,
        roles: [{ role: 'platform_admin' }],
      },
    });
    expect(platform.statusCode).toBe(400);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/identity/accounts',
          headers: { cookie: dispatcher.cookie },
          payload: {
            name: 'x',
            phone: '13700009997',
            password: TEST_PASSWORD,
            roles: [{ role: 'resident' }],
          },
        })
      ).statusCode,
    ).toBe(403);

    // An organisation of another tenant cannot be attached.
    const foreignAdmin = await t.signIn(otherTenant, ['tenant_admin']);
    const foreign = await t.app.inject({
      method: 'POST',
      url: '/api/identity/accounts',
      headers: { cookie: foreignAdmin.cookie },
      payload: {
        name: 'x',
        phone: '13700009996',
        password: TEST_PASSWORD,
        roles: [{ role: 'insurer_agent', organisationId: organisation.id }],
      },
    });
    expect(foreign.statusCode).toBe(400);
    expect(problem(foreign.body).errors?.[0]?.field).toBe('/roles/0/organisationId');
    const foreignList = await t.app.inject({
      method: 'GET',
      url: '/api/identity/organisations',
      headers: { cookie: foreignAdmin.cookie },
    });
    expect(foreignList.json<unknown[]>()).toHaveLength(0);

    const accounts = await t.app.inject({
      method: 'GET',
      url: '/api/identity/accounts?pageSize=200',
      headers: { cookie: admin.cookie },
    });
    expect(accounts.statusCode).toBe(200);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/identity/accounts',
          headers: { cookie: dispatcher.cookie },
        })
      ).statusCode,
    ).toBe(403);
  });
});

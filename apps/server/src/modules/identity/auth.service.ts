import { createHash, randomBytes } from 'node:crypto';
import type { ChangePasswordRequest, LoginRequest, Me } from '@jiedao/contracts';
import type { Actor } from '../../platform/auth/actor.js';
import type { SessionResolver } from '../../platform/auth/auth-plugin.js';
import type { AppContext } from '../../platform/context.js';
import { AppError, invalidField, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { normalizePhone } from '../../platform/privacy/index.js';
import { toMe, toRoleAssignment } from './identity-mappers.js';
import { placesRepository } from '../places/index.js';
import * as repo from './identity.repository.js';
import type { SessionCache } from './session-cache.js';
import {
  describeWeakPassword,
  hashPassword,
  isPasswordCorrect,
  spendPasswordCheckTime,
} from './passwords.js';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The phone number's keyed hash, as stored on accounts and people. */
export function phoneLookupHash(ctx: AppContext, phone: string): string {
  return ctx.cipher.blindIndex('phone', phone);
}

export interface LoginResult {
  cookieValue: string;
  expiresAt: Date;
  me: Me;
}

/**
 * Phone + password sign-in. Unknown phones and wrong passwords answer alike; repeated failures
 * lock the account for a while (429 with the time left), counted atomically in the database.
 */
export async function login(
  ctx: AppContext,
  input: LoginRequest,
  meta: { userAgent: string | null; ip: string | null },
): Promise<LoginResult> {
  const phone = normalizePhone(input.phone);
  if (!phone) throw invalidField('/phone', 'must be a mainland mobile number (11 digits starting with 1)');
  const candidates = await repo.findAccountsByPhoneHash(ctx.db, phoneLookupHash(ctx, phone));
  let matches = candidates;
  if (input.tenant) matches = candidates.filter((candidate) => candidate.tenantCode === input.tenant);
  else if (candidates.length > 1) {
    throw invalidField(
      '/tenant',
      `this phone has accounts in ${candidates.length} subdistricts; give the tenant code`,
    );
  }
  const account = matches[0];
  if (!account || account.status !== 'active') {
    await spendPasswordCheckTime(input.password);
    throw new AppError('invalid_credentials', 'Phone number or password is wrong', {
      messageZh: '手机号或密码错误。',
    });
  }
  const lockedFor = secondsUntil(account.lockedUntil);
  if (lockedFor > 0) throw lockedError(lockedFor);

  if (!(await isPasswordCorrect(account.passwordHash, input.password))) {
    const { lockout } = ctx.config;
    const after = await ctx.db
      .transaction()
      .execute((trx) =>
        repo.recordLoginFailure(trx, account.tenantId, account.id, lockout.maxFailures, lockout.lockMinutes),
      );
    const nowLocked = secondsUntil(after.lockedUntil);
    if (nowLocked > 0) throw lockedError(nowLocked);
    const left = lockout.maxFailures - after.failedLogins;
    throw new AppError(
      'invalid_credentials',
      `Phone number or password is wrong; ${left} attempt(s) left before a ${lockout.lockMinutes}-minute lock`,
      { messageZh: `手机号或密码错误，再错 ${left} 次账户将锁定 ${lockout.lockMinutes} 分钟。` },
    );
  }

  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ctx.config.sessionTtlHours * 3600_000);
  const sessionId = newId();
  await ctx.db.transaction().execute(async (trx) => {
    await repo.recordLoginSuccess(trx, account.tenantId, account.id);
    await repo.insertSession(trx, {
      tenantId: account.tenantId,
      id: sessionId,
      tokenHash: hashToken(token),
      accountId: account.id,
      expiresAt,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      ip: meta.ip,
    });
  });
  const me = await getMe(ctx, {
    tenantId: account.tenantId,
    accountId: account.id,
    personId: account.personId,
    sessionId,
    roles: [],
  });
  return { cookieValue: `${account.tenantId}.${token}`, expiresAt, me };
}

function secondsUntil(time: Date | null): number {
  if (!time) return 0;
  return Math.max(0, Math.ceil((time.getTime() - Date.now()) / 1000));
}

function lockedError(seconds: number): AppError {
  return new AppError(
    'account_locked',
    `Too many wrong passwords; try again in ${Math.ceil(seconds / 60)} minute(s)`,
    {
      retryAfterSeconds: seconds,
      messageZh: `密码错误次数过多，账户已锁定，请 ${Math.ceil(seconds / 60)} 分钟后再试。`,
    },
  );
}

export async function logout(ctx: AppContext, cache: SessionCache, actor: Actor): Promise<void> {
  await repo.revokeSession(ctx.db, actor.tenantId, actor.sessionId);
  cache.evict((cached) => cached.sessionId === actor.sessionId);
}

export async function getMe(ctx: AppContext, actor: Actor): Promise<Me> {
  const [person, tenant, roles] = await Promise.all([
    repo.findPerson(ctx.db, actor.tenantId, actor.personId),
    placesRepository.findTenant(ctx.db, actor.tenantId),
    repo.listRoleAssignments(ctx.db, actor.tenantId, [actor.accountId]),
  ]);
  if (!person || !tenant) throw notFound('Account');
  return toMe(ctx.cipher, {
    accountId: actor.accountId,
    person,
    tenant: { id: tenant.id, code: tenant.code, name: tenant.name, nameEn: tenant.nameEn },
    roles: roles.map(toRoleAssignment),
  });
}

/** Changes the password and signs every other session of the account out. */
export async function changePassword(
  ctx: AppContext,
  cache: SessionCache,
  actor: Actor,
  input: ChangePasswordRequest,
): Promise<void> {
  const account = await repo.findAccount(ctx.db, actor.tenantId, actor.accountId);
  if (!account) throw notFound('Account');
  if (!(await isPasswordCorrect(account.passwordHash, input.currentPassword))) {
    throw invalidField('/currentPassword', 'is not your current password', 'invalid_credentials');
  }
  const weakness = describeWeakPassword(input.newPassword);
  if (weakness) throw invalidField('/newPassword', weakness);
  if (input.newPassword === input.currentPassword)
    throw invalidField('/newPassword', 'must differ from the current password');
  const passwordHash = await hashPassword(input.newPassword);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.updatePasswordHash(trx, actor.tenantId, actor.accountId, passwordHash);
    await repo.revokeOtherSessions(trx, actor.tenantId, actor.accountId, actor.sessionId);
  });
  cache.evict((cached) => cached.accountId === actor.accountId && cached.sessionId !== actor.sessionId);
}

/** Resolves `tenantId.token` cookies into actors, through the short-lived session cache. */
export function createSessionResolver(ctx: AppContext, cache: SessionCache): SessionResolver {
  const lookUp = async (
    tenantId: string,
    tokenHash: string,
    cacheKey: string,
  ): Promise<Actor | undefined> => {
    const session = await repo.findLiveSession(ctx.db, tenantId, tokenHash);
    if (!session) return undefined;
    const actor: Actor = {
      tenantId,
      accountId: session.accountId,
      personId: session.personId,
      sessionId: session.sessionId,
      roles: session.roles.map(toRoleAssignment),
    };
    cache.set(cacheKey, actor, session.expiresAt);
    return actor;
  };
  return {
    // Not async: a cached session is answered without a promise (this runs on every API request).
    resolve(cookieValue: string) {
      const dot = cookieValue.indexOf('.');
      if (dot < 0) return undefined;
      const tenantId = cookieValue.slice(0, dot);
      const token = cookieValue.slice(dot + 1);
      if (!UUID_PATTERN.test(tenantId) || token.length < 20) return undefined;
      const tokenHash = hashToken(token);
      const cacheKey = `${tenantId}.${tokenHash}`;
      return cache.get(cacheKey) ?? lookUp(tenantId, tokenHash, cacheKey);
    },
  };
}

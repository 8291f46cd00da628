import type {
  AccountSummary,
  CreateAccountRequest,
  CreateOrganisationRequest,
  Organisation,
  Role,
} from '@jiedao/contracts';
import { assertRole, type Actor } from '../../platform/auth/actor.js';
import type { Transaction } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { Database } from '../../platform/database/schema.js';
import { AppError, invalidField } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { normalizeIdNumber, normalizePhone } from '../../platform/privacy/index.js';
import { checkResidentIdNumber } from './id-number.js';
import { maskedPhone, PII_CONTEXT, toRoleAssignment, verifiedPersonFields } from './identity-mappers.js';
import { placesRepository } from '../places/index.js';
import { pageWindow } from '../../platform/http/paging.js';
import * as repo from './identity.repository.js';
import { describeWeakPassword, hashPassword } from './passwords.js';

export interface NewAccount {
  name: string;
  phone: string;
  password: string;
  roles: Array<{ role: Role; communityId?: string | undefined; organisationId?: string | undefined }>;
  communityId?: string | undefined;
  /**
   * A resident ID number seen on the card at a service desk: the person is created real-name
   * verified in the same transaction (checked locally; a number already on file is refused).
   */
  verifiedIdNumber?: string | undefined;
}

/**
 * Creates a person with an account and roles in one transaction. Used by tenant admins, the seed
 * and `jiedao create-admin`; the caller has already checked who may do it.
 */
export async function createAccountUnchecked(
  ctx: AppContext,
  tenantId: string,
  input: NewAccount,
): Promise<{ accountId: string; personId: string }> {
  const phone = normalizePhone(input.phone);
  if (!phone) throw invalidField('/phone', 'must be a mainland mobile number (11 digits starting with 1)');
  const weakness = describeWeakPassword(input.password);
  if (weakness) throw invalidField('/password', weakness);
  const identity =
    input.verifiedIdNumber === undefined
      ? undefined
      : checkResidentIdNumber(normalizeIdNumber(input.verifiedIdNumber));
  if (identity && !identity.ok)
    throw new AppError(
      'invalid_id_number',
      `ID number failed the ${identity.check} check: ${identity.message}`,
      {
        errors: [{ field: '/idNumber', message: identity.message }],
      },
    );
  const phoneHash = ctx.cipher.blindIndex('phone', phone);
  const passwordHash = await hashPassword(input.password);
  const personId = newId();
  const accountId = newId();
  await ctx.db.transaction().execute(async (trx) => {
    const existing = await repo.findAccountIdByPhoneHash(trx, tenantId, phoneHash);
    if (existing)
      throw new AppError('conflict', 'An account with this phone number already exists', {
        errors: [{ field: '/phone', message: 'is already registered' }],
      });
    for (const [index, role] of input.roles.entries()) {
      if (role.organisationId && !(await repo.findOrganisation(trx, tenantId, role.organisationId))) {
        throw invalidField(`/roles/${index}/organisationId`, 'is not an organisation of this subdistrict');
      }
      if (role.communityId) {
        if (!(await placesRepository.isCommunityOfTenant(trx, tenantId, role.communityId)))
          throw invalidField(`/roles/${index}/communityId`, 'is not a community of this subdistrict');
      }
    }
    await repo.insertPerson(trx, {
      tenantId,
      id: personId,
      name: input.name.trim(),
      phoneEnc: ctx.cipher.encrypt(phone, PII_CONTEXT.phone),
      phoneHash,
      communityId: input.communityId ?? null,
    });
    if (identity) {
      const verified = verifiedPersonFields(ctx.cipher, input.name.trim(), identity);
      if (await repo.findPersonByIdNumberHash(trx, tenantId, verified.idNumberHash))
        throw new AppError('conflict', 'A person with this ID number is registered already', {
          errors: [{ field: '/idNumber', message: 'is registered already' }],
        });
      await repo.markPersonVerified(trx, tenantId, personId, verified);
    }
    await repo.insertAccount(trx, { tenantId, id: accountId, personId, phoneHash, passwordHash });
    const unique = new Map(
      input.roles.map((role) => [
        `${role.role}|${role.communityId ?? ''}|${role.organisationId ?? ''}`,
        role,
      ]),
    );
    await repo.insertRoleAssignments(
      trx,
      [...unique.values()].map((role) => ({
        tenantId,
        id: newId(),
        accountId,
        role: role.role,
        communityId: role.communityId ?? null,
        organisationId: role.organisationId ?? null,
      })),
    );
  });
  return { accountId, personId };
}

export async function createAccount(
  ctx: AppContext,
  actor: Actor,
  input: CreateAccountRequest,
): Promise<AccountSummary> {
  assertRole(actor, ['tenant_admin']);
  if (input.roles.some((role) => role.role === 'platform_admin')) {
    throw invalidField('/roles', 'platform_admin can only be granted from the command line');
  }
  const { accountId } = await createAccountUnchecked(ctx, actor.tenantId, input);
  const { items } = await listAccountsPage(ctx, actor.tenantId, { accountId, limit: 1, offset: 0 });
  return items[0]!;
}

async function listAccountsPage(
  ctx: AppContext,
  tenantId: string,
  filter: { accountId?: string; limit: number; offset: number },
) {
  const [rows, count] = await repo.listAccounts(ctx.db, tenantId, filter);
  const roles = await repo.listRoleAssignments(
    ctx.db,
    tenantId,
    rows.map((row) => row.id),
  );
  const items = rows.map((row): AccountSummary => ({
    id: row.id,
    personId: row.personId,
    name: row.name,
    phoneMasked: maskedPhone(ctx.cipher, row.phoneEnc) ?? '',
    status: row.status,
    roles: roles.filter((role) => role.accountId === row.id).map(toRoleAssignment),
    lockedUntil: row.lockedUntil && row.lockedUntil > new Date() ? row.lockedUntil.toISOString() : null,
    createdAt: row.createdAt.toISOString(),
  }));
  return { items, total: count.count };
}

export async function listAccounts(
  ctx: AppContext,
  actor: Actor,
  query: { page?: number | undefined; pageSize?: number | undefined },
) {
  assertRole(actor, ['tenant_admin', 'platform_admin']);
  const { page, pageSize, limit, offset } = pageWindow(query);
  const { items, total } = await listAccountsPage(ctx, actor.tenantId, { limit, offset });
  return { items, total, page, pageSize };
}

type OrganisationRow = Awaited<ReturnType<typeof repo.listOrganisations>>[number];
function toOrganisation(row: OrganisationRow): Organisation {
  return {
    id: row.id,
    kind: row.kind as Organisation['kind'],
    name: row.name,
    creditCode: row.creditCode,
    communityId: row.communityId,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listOrganisations(
  ctx: AppContext,
  actor: Actor,
  kind?: string,
): Promise<Organisation[]> {
  return (await repo.listOrganisations(ctx.db, actor.tenantId, kind)).map(toOrganisation);
}

export async function createOrganisationUnchecked(
  ctx: AppContext,
  tenantId: string,
  input: CreateOrganisationRequest,
): Promise<Organisation> {
  if (input.communityId) {
    if (!(await placesRepository.isCommunityOfTenant(ctx.db, tenantId, input.communityId)))
      throw invalidField('/communityId', 'is not a community of this subdistrict');
  }
  const row = await repo.insertOrganisation(ctx.db, {
    tenantId,
    id: newId(),
    kind: input.kind,
    name: input.name.trim(),
    creditCode: input.creditCode ?? null,
    communityId: input.communityId ?? null,
  });
  return toOrganisation(row);
}

export async function createOrganisation(
  ctx: AppContext,
  actor: Actor,
  input: CreateOrganisationRequest,
): Promise<Organisation> {
  assertRole(actor, ['tenant_admin']);
  return createOrganisationUnchecked(ctx, actor.tenantId, input);
}

/**
 * Gives an account a role unless it has it already (in any scope), inside the caller's transaction (a person who
 * registers as a gig worker becomes a `worker`). The caller has checked who may do it. A session
 * already cached keeps its old roles for at most the cache's lifetime (ADR 0003).
 */
export async function grantRoleUnchecked(
  trx: Transaction<Database>,
  tenantId: string,
  accountId: string,
  role: Role,
): Promise<void> {
  const existing = await trx
    .selectFrom('roleAssignment')
    .select('id')
    .where('tenantId', '=', tenantId)
    .where('accountId', '=', accountId)
    .where('role', '=', role)
    .executeTakeFirst();
  if (existing) return;
  await repo.insertRoleAssignments(trx, [
    { tenantId, id: newId(), accountId, role, communityId: null, organisationId: null },
  ]);
}

/**
 * The mobile numbers of people, decrypted, for messages they are owed (a job pushed to a gig
 * worker by SMS). Not for display: callers pass them straight to the SMS queue, which keeps them
 * encrypted until the moment of sending.
 */
export async function contactPhonesUnchecked(
  ctx: AppContext,
  trx: Transaction<Database>,
  tenantId: string,
  personIds: readonly string[],
): Promise<Map<string, string>> {
  const phones = new Map<string, string>();
  if (personIds.length === 0) return phones;
  const rows = await trx
    .selectFrom('person')
    .select(['id', 'phoneEnc'])
    .where('tenantId', '=', tenantId)
    .where('id', 'in', [...personIds])
    .execute();
  for (const row of rows)
    if (row.phoneEnc) phones.set(row.id, ctx.cipher.decrypt(row.phoneEnc, PII_CONTEXT.phone));
  return phones;
}

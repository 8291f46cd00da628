import { sql, type Kysely, type Transaction } from 'kysely';
import { containsPattern } from '../../platform/database/like.js';
import type { Database } from '../../platform/database/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export function findAccountsByPhoneHash(db: Db, phoneHash: string) {
  return db
    .selectFrom('account')
    .innerJoin('tenant', 'tenant.id', 'account.tenantId')
    .select([
      'account.tenantId',
      'account.id',
      'account.personId',
      'account.passwordHash',
      'account.status',
      'account.failedLogins',
      'account.lockedUntil',
      'tenant.code as tenantCode',
    ])
    .where('account.phoneHash', '=', phoneHash)
    .execute();
}

export function findAccount(db: Db, tenantId: string, accountId: string) {
  return db
    .selectFrom('account')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('id', '=', accountId)
    .executeTakeFirst();
}

/** Counts one more failure; locks the account when the count reaches `maxFailures`. Atomic under concurrency. */
export function recordLoginFailure(
  trx: Transaction<Database>,
  tenantId: string,
  accountId: string,
  maxFailures: number,
  lockMinutes: number,
) {
  return trx
    .updateTable('account')
    .set({
      failedLogins: sql<number>`case when failed_logins + 1 >= ${maxFailures} then 0 else failed_logins + 1 end`,
      lockedUntil: sql<Date | null>`case when failed_logins + 1 >= ${maxFailures} then now() + make_interval(mins => ${lockMinutes}) else locked_until end`,
    })
    .where('tenantId', '=', tenantId)
    .where('id', '=', accountId)
    .returning(['failedLogins', 'lockedUntil'])
    .executeTakeFirstOrThrow();
}

export function recordLoginSuccess(db: Db, tenantId: string, accountId: string) {
  return db
    .updateTable('account')
    .set({ failedLogins: 0, lockedUntil: null, lastLoginAt: sql`now()` })
    .where('tenantId', '=', tenantId)
    .where('id', '=', accountId)
    .execute();
}

export function insertSession(
  db: Db,
  session: {
    tenantId: string;
    id: string;
    tokenHash: string;
    accountId: string;
    expiresAt: Date;
    userAgent: string | null;
    ip: string | null;
  },
) {
  return db.insertInto('session').values(session).execute();
}

/** The live session for a token with its account, or undefined when unknown, expired, revoked or the account is disabled. */
export function findLiveSession(db: Db, tenantId: string, tokenHash: string) {
  return db
    .selectFrom('session')
    .innerJoin('account', (join) =>
      join.onRef('account.tenantId', '=', 'session.tenantId').onRef('account.id', '=', 'session.accountId'),
    )
    .select([
      'session.id as sessionId',
      'session.expiresAt',
      'account.id as accountId',
      'account.personId',
      // Roles ride along in the same round trip: this runs on every authenticated request.
      sql<Array<{ role: string; communityId: string | null; organisationId: string | null }>>`coalesce((
        select jsonb_agg(jsonb_build_object('role', r.role, 'communityId', r.community_id, 'organisationId', r.organisation_id) order by r.created_at, r.id)
        from role_assignment r where r.tenant_id = session.tenant_id and r.account_id = account.id
      ), '[]'::jsonb)`.as('roles'),
    ])
    .where('session.tenantId', '=', tenantId)
    .where('session.tokenHash', '=', tokenHash)
    .where('session.revokedAt', 'is', null)
    .where('session.expiresAt', '>', sql<Date>`now()`)
    .where('account.status', '=', 'active')
    .executeTakeFirst();
}

export function revokeSession(db: Db, tenantId: string, sessionId: string) {
  return db
    .updateTable('session')
    .set({ revokedAt: sql`now()` })
    .where('tenantId', '=', tenantId)
    .where('id', '=', sessionId)
    .where('revokedAt', 'is', null)
    .execute();
}

export function revokeOtherSessions(db: Db, tenantId: string, accountId: string, keepSessionId: string) {
  return db
    .updateTable('session')
    .set({ revokedAt: sql`now()` })
    .where('tenantId', '=', tenantId)
    .where('accountId', '=', accountId)
    .where('id', '!=', keepSessionId)
    .where('revokedAt', 'is', null)
    .execute();
}

export function updatePasswordHash(db: Db, tenantId: string, accountId: string, passwordHash: string) {
  return db
    .updateTable('account')
    .set({ passwordHash, passwordChangedAt: sql`now()` })
    .where('tenantId', '=', tenantId)
    .where('id', '=', accountId)
    .execute();
}

export function listRoleAssignments(db: Db, tenantId: string, accountIds: string[]) {
  if (accountIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('roleAssignment')
    .select(['accountId', 'role', 'communityId', 'organisationId'])
    .where('tenantId', '=', tenantId)
    .where('accountId', 'in', accountIds)
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

export function insertRoleAssignments(
  db: Db,
  rows: Array<{
    tenantId: string;
    id: string;
    accountId: string;
    role: string;
    communityId: string | null;
    organisationId: string | null;
  }>,
) {
  return db.insertInto('roleAssignment').values(rows).execute();
}

export function findPerson(db: Db, tenantId: string, personId: string) {
  return db
    .selectFrom('person')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('id', '=', personId)
    .executeTakeFirst();
}

export function findPersonByIdNumberHash(db: Db, tenantId: string, idNumberHash: string) {
  return db
    .selectFrom('person')
    .select(['id'])
    .where('tenantId', '=', tenantId)
    .where('idNumberHash', '=', idNumberHash)
    .executeTakeFirst();
}

export function insertPerson(
  db: Db,
  person: {
    tenantId: string;
    id: string;
    name: string;
    phoneEnc: string | null;
    phoneHash: string | null;
    idNumberEnc?: string | null;
    idNumberHash?: string | null;
    birthDate?: string | null;
    sex?: 'male' | 'female' | null;
    realNameStatus?: 'unverified' | 'verified';
    verifiedAt?: Date | null;
    communityId?: string | null;
  },
) {
  return db.insertInto('person').values(person).execute();
}

export function insertAccount(
  db: Db,
  account: { tenantId: string; id: string; personId: string; phoneHash: string; passwordHash: string },
) {
  return db.insertInto('account').values(account).execute();
}

export function markPersonVerified(
  trx: Transaction<Database>,
  tenantId: string,
  personId: string,
  verified: {
    name: string;
    idNumberEnc: string;
    idNumberHash: string;
    birthDate: string;
    sex: 'male' | 'female';
  },
) {
  return trx
    .updateTable('person')
    .set({ ...verified, realNameStatus: 'verified', verifiedAt: sql`now()` })
    .where('tenantId', '=', tenantId)
    .where('id', '=', personId)
    .where('realNameStatus', '=', 'unverified')
    .executeTakeFirst();
}

export function insertVerificationAttempt(
  db: Db,
  attempt: {
    tenantId: string;
    id: string;
    personId: string;
    outcome: 'match' | 'no_match' | 'invalid' | 'unavailable' | 'timeout';
    detail: string | null;
    providerReference: string | null;
    latencyMs: number | null;
  },
) {
  return db.insertInto('verificationAttempt').values(attempt).execute();
}

export function listPeople(
  db: Db,
  tenantId: string,
  options: { q?: string | undefined; limit: number; offset: number },
) {
  let query = db.selectFrom('person').where('tenantId', '=', tenantId);
  if (options.q) query = query.where('name', 'like', containsPattern(options.q));
  return Promise.all([
    query.selectAll().orderBy('name').orderBy('id').limit(options.limit).offset(options.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
  ]);
}

export function listConsents(db: Db, tenantId: string, personId: string) {
  return db
    .selectFrom('consent')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('personId', '=', personId)
    .orderBy('grantedAt', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export function insertConsent(
  db: Db,
  consent: {
    tenantId: string;
    id: string;
    personId: string;
    purpose: string;
    scope: string;
    policyVersion: string;
  },
) {
  return db.insertInto('consent').values(consent).returningAll().executeTakeFirstOrThrow();
}

export function withdrawConsent(db: Db, tenantId: string, personId: string, consentId: string) {
  return db
    .updateTable('consent')
    .set({ withdrawnAt: sql`coalesce(withdrawn_at, now())` })
    .where('tenantId', '=', tenantId)
    .where('personId', '=', personId)
    .where('id', '=', consentId)
    .returningAll()
    .executeTakeFirst();
}

export function insertAccessAudit(
  db: Db,
  entry: {
    tenantId: string;
    id: string;
    actorAccountId: string;
    actorRole: string;
    subjectPersonId: string;
    fields: string;
    purpose: string;
    requestId: string;
    ip: string | null;
  },
) {
  return db.insertInto('accessAudit').values(entry).execute();
}

export function listAccessAudit(
  db: Db,
  tenantId: string,
  options: {
    from?: string | undefined;
    to?: string | undefined;
    actorAccountId?: string | undefined;
    subjectPersonId?: string | undefined;
    limit: number;
    offset: number;
  },
) {
  let query = db
    .selectFrom('accessAudit as a')
    .innerJoin('account as actor', (join) =>
      join.onRef('actor.tenantId', '=', 'a.tenantId').onRef('actor.id', '=', 'a.actorAccountId'),
    )
    .innerJoin('person as actorPerson', (join) =>
      join
        .onRef('actorPerson.tenantId', '=', 'actor.tenantId')
        .onRef('actorPerson.id', '=', 'actor.personId'),
    )
    .innerJoin('person as subject', (join) =>
      join.onRef('subject.tenantId', '=', 'a.tenantId').onRef('subject.id', '=', 'a.subjectPersonId'),
    )
    .where('a.tenantId', '=', tenantId);
  if (options.from) query = query.where('a.createdAt', '>=', new Date(options.from));
  if (options.to) query = query.where('a.createdAt', '<', new Date(options.to));
  if (options.actorAccountId) query = query.where('a.actorAccountId', '=', options.actorAccountId);
  if (options.subjectPersonId) query = query.where('a.subjectPersonId', '=', options.subjectPersonId);
  return Promise.all([
    query
      .select([
        'a.id',
        'a.actorAccountId',
        'actorPerson.name as actorName',
        'a.actorRole',
        'a.subjectPersonId',
        'subject.name as subjectName',
        'a.fields',
        'a.purpose',
        'a.requestId',
        'a.ip',
        'a.createdAt',
      ])
      .orderBy('a.createdAt', 'desc')
      .orderBy('a.id', 'desc')
      .limit(options.limit)
      .offset(options.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
  ]);
}

export function listOrganisations(db: Db, tenantId: string, kind?: string) {
  let query = db.selectFrom('organisation').selectAll().where('tenantId', '=', tenantId);
  if (kind) query = query.where('kind', '=', kind);
  return query.orderBy('kind').orderBy('name').execute();
}

export function insertOrganisation(
  db: Db,
  organisation: {
    tenantId: string;
    id: string;
    kind: string;
    name: string;
    creditCode: string | null;
    communityId: string | null;
  },
) {
  return db.insertInto('organisation').values(organisation).returningAll().executeTakeFirstOrThrow();
}

export function findOrganisation(db: Db, tenantId: string, id: string) {
  return db
    .selectFrom('organisation')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function listAccounts(
  db: Db,
  tenantId: string,
  options: { accountId?: string | undefined; limit: number; offset: number },
) {
  let base = db
    .selectFrom('account')
    .innerJoin('person', (join) =>
      join.onRef('person.tenantId', '=', 'account.tenantId').onRef('person.id', '=', 'account.personId'),
    )
    .where('account.tenantId', '=', tenantId);
  if (options.accountId) base = base.where('account.id', '=', options.accountId);
  return Promise.all([
    base
      .select([
        'account.id',
        'account.personId',
        'person.name',
        'person.phoneEnc',
        'account.status',
        'account.lockedUntil',
        'account.createdAt',
      ])
      .orderBy('account.createdAt')
      .orderBy('account.id')
      .limit(options.limit)
      .offset(options.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
  ]);
}

export function findAccountIdByPhoneHash(db: Db, tenantId: string, phoneHash: string) {
  return db
    .selectFrom('account')
    .select('id')
    .where('tenantId', '=', tenantId)
    .where('phoneHash', '=', phoneHash)
    .executeTakeFirst();
}

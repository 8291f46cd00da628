import type { ColumnType, Generated, Selectable } from 'kysely';

type Json<T> = ColumnType<T, string, string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface PersonTable {
  tenantId: string;
  id: string;
  name: string;
  /** AES-256-GCM ciphertext (`v1.…`); never returned by the API. */
  idNumberEnc: string | null;
  /** Keyed hash of the normalized ID number, for lookups and uniqueness. */
  idNumberHash: string | null;
  phoneEnc: string | null;
  phoneHash: string | null;
  birthDate: string | null;
  sex: 'male' | 'female' | null;
  realNameStatus: Generated<'unverified' | 'verified'>;
  verifiedAt: NullableTimestamp;
  communityId: string | null;
  createdAt: Generated<Date>;
}

export interface AccountTable {
  tenantId: string;
  id: string;
  personId: string;
  phoneHash: string;
  /** argon2id PHC string. */
  passwordHash: string;
  status: Generated<'active' | 'disabled'>;
  failedLogins: Generated<number>;
  lockedUntil: NullableTimestamp;
  lastLoginAt: NullableTimestamp;
  passwordChangedAt: Generated<Date>;
  createdAt: Generated<Date>;
}

export interface RoleAssignmentTable {
  tenantId: string;
  id: string;
  accountId: string;
  role: string;
  communityId: string | null;
  organisationId: string | null;
  createdAt: Generated<Date>;
}

export interface SessionTable {
  tenantId: string;
  id: string;
  /** SHA-256 of the bearer token; the token itself is only in the client's cookie. */
  tokenHash: string;
  accountId: string;
  createdAt: Generated<Date>;
  expiresAt: Date;
  revokedAt: NullableTimestamp;
  userAgent: string | null;
  ip: string | null;
}

export interface OrganisationTable {
  tenantId: string;
  id: string;
  kind: string;
  name: string;
  creditCode: string | null;
  communityId: string | null;
  createdAt: Generated<Date>;
}

export interface VerificationAttemptTable {
  tenantId: string;
  id: string;
  personId: string;
  outcome: 'match' | 'no_match' | 'invalid' | 'unavailable' | 'timeout';
  detail: string | null;
  providerReference: string | null;
  latencyMs: number | null;
  createdAt: Generated<Date>;
}

export interface ConsentTable {
  tenantId: string;
  id: string;
  personId: string;
  purpose: string;
  scope: Json<string[]>;
  policyVersion: string;
  grantedAt: Generated<Date>;
  withdrawnAt: NullableTimestamp;
}

export interface AccessAuditTable {
  tenantId: string;
  id: string;
  actorAccountId: string;
  actorRole: string;
  subjectPersonId: string;
  fields: Json<string[]>;
  purpose: string;
  requestId: string;
  ip: string | null;
  createdAt: Generated<Date>;
}

export interface IdentityTables {
  person: PersonTable;
  account: AccountTable;
  roleAssignment: RoleAssignmentTable;
  session: SessionTable;
  organisation: OrganisationTable;
  verificationAttempt: VerificationAttemptTable;
  consent: ConsentTable;
  accessAudit: AccessAuditTable;
}

export type PersonRow = Selectable<PersonTable>;
export type AccountRow = Selectable<AccountTable>;

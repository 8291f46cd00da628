import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from './common.js';
import { CONSENT_PURPOSES, ORGANISATION_KINDS, ROLES } from './constants.js';

export const RoleSchema = Type.Enum(ROLES);

export const OrganisationKindSchema = Type.Enum(ORGANISATION_KINDS);

export const RoleAssignment = Type.Object({
  role: RoleSchema,
  communityId: Type.Union([Uuid, Type.Null()]),
  organisationId: Type.Union([Uuid, Type.Null()]),
});
export type RoleAssignment = Static<typeof RoleAssignment>;

export const RealNameStatus = Type.Union([Type.Literal('unverified'), Type.Literal('verified')]);

export const TenantRef = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
});

export const Me = Type.Object({
  accountId: Uuid,
  personId: Uuid,
  name: Type.String(),
  phoneMasked: Type.String(),
  realNameStatus: RealNameStatus,
  idNumberMasked: Type.Union([Type.String(), Type.Null()]),
  birthDate: Type.Union([Type.String(), Type.Null()]),
  sex: Type.Union([Type.Literal('male'), Type.Literal('female'), Type.Null()]),
  tenant: TenantRef,
  roles: Type.Array(RoleAssignment),
});
export type Me = Static<typeof Me>;

export const LoginRequest = Type.Object(
  {
    phone: Type.String({ minLength: 1, maxLength: 32 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    tenant: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'Tenant code; needed only when the phone has accounts in several subdistricts',
      }),
    ),
  },
  { additionalProperties: false },
);
export type LoginRequest = Static<typeof LoginRequest>;

export const ChangePasswordRequest = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
    newPassword: Type.String({ minLength: 10, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type ChangePasswordRequest = Static<typeof ChangePasswordRequest>;

export const VerifyRealNameRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    idNumber: Type.String({ minLength: 1, maxLength: 32 }),
  },
  { additionalProperties: false },
);
export type VerifyRealNameRequest = Static<typeof VerifyRealNameRequest>;

export const Consent = Type.Object({
  id: Uuid,
  purpose: Type.String(),
  scope: Type.Array(Type.String()),
  policyVersion: Type.String(),
  grantedAt: Timestamp,
  withdrawnAt: Type.Union([Timestamp, Type.Null()]),
});
export type Consent = Static<typeof Consent>;

export const GrantConsentRequest = Type.Object(
  {
    purpose: Type.Enum(CONSENT_PURPOSES),
    scope: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 20 }),
    policyVersion: Type.String({ minLength: 1, maxLength: 32 }),
  },
  { additionalProperties: false },
);
export type GrantConsentRequest = Static<typeof GrantConsentRequest>;

export const PersonSummary = Type.Object({
  id: Uuid,
  name: Type.String(),
  phoneMasked: Type.Union([Type.String(), Type.Null()]),
  idNumberMasked: Type.Union([Type.String(), Type.Null()]),
  realNameStatus: RealNameStatus,
  communityId: Type.Union([Uuid, Type.Null()]),
});
export type PersonSummary = Static<typeof PersonSummary>;

export const PersonDetail = Type.Object({
  ...PersonSummary.properties,
  birthDate: Type.Union([Type.String(), Type.Null()]),
  sex: Type.Union([Type.Literal('male'), Type.Literal('female'), Type.Null()]),
  /** Present only when revealed on request by a role that may see it; every reveal is audited. */
  idNumber: Type.Optional(Type.String()),
  phone: Type.Optional(Type.String()),
});
export type PersonDetail = Static<typeof PersonDetail>;

export const PIIFields = Type.Union([Type.Literal('idNumber'), Type.Literal('phone')]);

export const RevealQuery = Type.Object(
  {
    reveal: Type.Optional(
      Type.String({
        pattern: '^(idNumber|phone)(,(idNumber|phone))*$',
        description: 'Comma-separated fields to show unmasked',
      }),
    ),
    purpose: Type.Optional(Type.String({ minLength: 2, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const AccessAuditEntry = Type.Object({
  id: Uuid,
  actorAccountId: Uuid,
  actorName: Type.String(),
  actorRole: Type.String(),
  subjectPersonId: Uuid,
  subjectName: Type.String(),
  fields: Type.Array(Type.String()),
  purpose: Type.String(),
  requestId: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
});
export type AccessAuditEntry = Static<typeof AccessAuditEntry>;

export const Organisation = Type.Object({
  id: Uuid,
  kind: OrganisationKindSchema,
  name: Type.String(),
  creditCode: Type.Union([Type.String(), Type.Null()]),
  communityId: Type.Union([Uuid, Type.Null()]),
  createdAt: Timestamp,
});
export type Organisation = Static<typeof Organisation>;

export const CreateOrganisationRequest = Type.Object(
  {
    kind: OrganisationKindSchema,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    creditCode: Type.Optional(Type.String({ pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$' })),
    communityId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type CreateOrganisationRequest = Static<typeof CreateOrganisationRequest>;

export const CreateAccountRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    phone: Type.String({ minLength: 1, maxLength: 32 }),
    password: Type.String({ minLength: 10, maxLength: 256 }),
    roles: Type.Array(
      Type.Object(
        { role: RoleSchema, communityId: Type.Optional(Uuid), organisationId: Type.Optional(Uuid) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 10 },
    ),
  },
  { additionalProperties: false },
);
export type CreateAccountRequest = Static<typeof CreateAccountRequest>;

export const AccountSummary = Type.Object({
  id: Uuid,
  personId: Uuid,
  name: Type.String(),
  phoneMasked: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  roles: Type.Array(RoleAssignment),
  lockedUntil: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
});
export type AccountSummary = Static<typeof AccountSummary>;

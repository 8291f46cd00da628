import type { Me, PersonSummary, RoleAssignment } from '@jiedao/contracts';
import type { PiiCipher } from '../../platform/privacy/index.js';
import { maskIdNumber, maskPhone } from '../../platform/privacy/index.js';
import type { ValidResidentIdNumber } from './id-number.js';
import type { PersonRow } from './identity.tables.js';

export const PII_CONTEXT = { phone: 'person.phone', idNumber: 'person.id_number' } as const;

/** What a verified person stores of a checked ID number: sealed, blind-indexed, birth date and sex. */
export function verifiedPersonFields(cipher: PiiCipher, name: string, check: ValidResidentIdNumber) {
  return {
    name,
    idNumberEnc: cipher.encrypt(check.idNumber, PII_CONTEXT.idNumber),
    idNumberHash: cipher.blindIndex('id_number', check.idNumber),
    birthDate: check.birthDate,
    sex: check.sex,
  };
}

/** Decrypts and masks in one step; the plaintext never leaves this function. */
export function maskedPhone(cipher: PiiCipher, phoneEnc: string | null): string | null {
  return phoneEnc ? (maskPhone(cipher.decrypt(phoneEnc, PII_CONTEXT.phone)) ?? null) : null;
}

export function maskedIdNumber(cipher: PiiCipher, idNumberEnc: string | null): string | null {
  return idNumberEnc ? (maskIdNumber(cipher.decrypt(idNumberEnc, PII_CONTEXT.idNumber)) ?? null) : null;
}

export function toRoleAssignment(row: {
  role: string;
  communityId: string | null;
  organisationId: string | null;
}): RoleAssignment {
  return {
    role: row.role as RoleAssignment['role'],
    communityId: row.communityId,
    organisationId: row.organisationId,
  };
}

export function toPersonSummary(cipher: PiiCipher, person: PersonRow): PersonSummary {
  return {
    id: person.id,
    name: person.name,
    phoneMasked: maskedPhone(cipher, person.phoneEnc),
    idNumberMasked: maskedIdNumber(cipher, person.idNumberEnc),
    realNameStatus: person.realNameStatus,
    communityId: person.communityId,
  };
}

export function toMe(
  cipher: PiiCipher,
  input: { accountId: string; person: PersonRow; tenant: Me['tenant']; roles: RoleAssignment[] },
): Me {
  return {
    accountId: input.accountId,
    personId: input.person.id,
    name: input.person.name,
    phoneMasked: maskedPhone(cipher, input.person.phoneEnc) ?? '',
    realNameStatus: input.person.realNameStatus,
    idNumberMasked: maskedIdNumber(cipher, input.person.idNumberEnc),
    birthDate: input.person.birthDate,
    sex: input.person.sex,
    tenant: input.tenant,
    roles: input.roles,
  };
}

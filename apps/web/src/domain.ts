import {
  COMPLEX_TIERS,
  CONSENT_PURPOSES,
  FACILITY_TYPES,
  PII_FIELDS,
  ROLES,
  type ComplexTier,
  type ConsentPurpose,
  type FacilityType,
  type PiiField,
  type Role,
} from '@jiedao/contracts/constants';

// The enumerations come from the contracts package's TypeBox-free entry, so the bundle stays small.
export { COMPLEX_TIERS, CONSENT_PURPOSES, FACILITY_TYPES, PII_FIELDS, ROLES };
export type { ConsentPurpose, PiiField };

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function isFacilityType(value: string): value is FacilityType {
  return (FACILITY_TYPES as readonly string[]).includes(value);
}

export function isComplexTier(value: string): value is ComplexTier {
  return (COMPLEX_TIERS as readonly string[]).includes(value);
}

export function isConsentPurpose(value: string): value is ConsentPurpose {
  return (CONSENT_PURPOSES as readonly string[]).includes(value);
}

export function isPiiField(value: string): value is PiiField {
  return (PII_FIELDS as readonly string[]).includes(value);
}

/** Distinct roles of an account, in the canonical order of ROLES. */
export function distinctRoles(assignments: readonly { role: Role }[]): Role[] {
  const held = new Set(assignments.map((assignment) => assignment.role));
  return ROLES.filter((role) => held.has(role));
}

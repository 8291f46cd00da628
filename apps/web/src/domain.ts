import type { ComplexTier, FacilityType, Role } from '@jiedao/contracts';

/**
 * Enumerations mirrored from @jiedao/contracts. Importing the runtime arrays from the contracts package
 * would drag TypeBox into the bundle, so they are repeated here and checked against the contract types:
 * if the contract gains or loses a value, `tsc` fails on the `Exhaustive` assertions below.
 */
type Exhaustive<Union, List extends readonly unknown[]> = [Exclude<Union, List[number]>] extends [never]
  ? true
  : false;

export const FACILITY_TYPES = [
  'service_complex',
  'elderly_canteen',
  'study_room',
  'youth_palace',
  'public_gym',
  'growth_station',
  'common_prosperity_station',
  'youth_station',
  'deliberation_hall',
  'representative_studio',
  'living_room',
  'social_org_platform',
  'industry_living_room',
] as const satisfies readonly FacilityType[];

export const COMPLEX_TIERS = [
  'flagship',
  'star_moon',
  'pearl_chain',
] as const satisfies readonly ComplexTier[];

export const ROLES = [
  'resident',
  'grid_worker',
  'dispatcher',
  'department_staff',
  'service_staff',
  'station_staff',
  'housing_staff',
  'market_operator',
  'worker',
  'employer',
  'enterprise_rep',
  'representative',
  'insurer_agent',
  'tenant_admin',
  'platform_admin',
] as const satisfies readonly Role[];

export const CONSENT_PURPOSES = [
  'real_name_verification',
  'service_delivery',
  'governance_contact',
  'marketing',
] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/** Personal-data field names that may appear in consent scopes and access-audit entries. */
export const PII_FIELDS = ['name', 'idNumber', 'phone', 'birthDate', 'sex', 'address'] as const;
export type PiiField = (typeof PII_FIELDS)[number];

export const facilityTypesComplete: Exhaustive<FacilityType, typeof FACILITY_TYPES> = true;
export const complexTiersComplete: Exhaustive<ComplexTier, typeof COMPLEX_TIERS> = true;
export const rolesComplete: Exhaustive<Role, typeof ROLES> = true;

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

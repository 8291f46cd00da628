/**
 * Enumerations of the API as plain arrays, with no TypeBox: the web app imports them from
 * `@jiedao/contracts/constants` without pulling the schema library into its bundle.
 */
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
] as const;
export type Role = (typeof ROLES)[number];

export const ORGANISATION_KINDS = [
  'department',
  'employer',
  'enterprise',
  'insurer',
  'property_company',
  'social_organisation',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

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
] as const;
export type FacilityType = (typeof FACILITY_TYPES)[number];

export const COMPLEX_TIERS = ['flagship', 'star_moon', 'pearl_chain'] as const;
export type ComplexTier = (typeof COMPLEX_TIERS)[number];
export * from './governance-taxonomy.js';
export * from './gig-taxonomy.js';

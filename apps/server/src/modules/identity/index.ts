/**
 * Identity: people, accounts, roles, organisations, sessions, real-name verification, consents and
 * the access audit. Other modules import only from here.
 */
export { registerIdentityRoutes } from './identity.routes.js';
export { createSessionResolver } from './auth.service.js';
export { SessionCache } from './session-cache.js';
export { recordVerifiedIdentityUnchecked } from './verification.service.js';
export {
  contactPhonesUnchecked,
  createAccountUnchecked,
  createOrganisationUnchecked,
  grantRoleUnchecked,
  type NewAccount,
} from './accounts.service.js';
export { checkResidentIdNumber, makeResidentIdNumber } from './id-number.js';
export { checkUscc, makeUscc, type UsccResult } from './uscc.js';
export {
  SimulatedVerificationProvider,
  VerificationUnavailableError,
  withTimeout,
  type RealNameVerificationProvider,
} from './verification-provider.js';
export type { IdentityTables } from './identity.tables.js';

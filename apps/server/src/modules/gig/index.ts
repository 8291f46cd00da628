/**
 * The gig market (零工市场, issue 4): workers and employers, jobs and shifts, matching and push
 * waves, hiring with confirmed contracts, geofenced attendance, wages through `platform/ledger`,
 * settlement through `platform/payouts`, disputes and ratings. Other modules import only from here.
 */
export { createGigContext, gigServices, startGig, type GigRuntime, type StartGigOptions } from './runtime.js';
export { GIG_RECONCILE_CHECKS, runSettlement, settlementPeriod } from './wages.service.js';
export { SimulatedBankGateway, type BankGateway } from './bank-simulator.js';
export { marketAccounts, type Gig } from './gig.js';
export { PAYOUT_CONTEXT } from './profiles.service.js';
export { GigMatcher } from './gig-matcher.js';
export { JobIndex, WorkerIndex, type MatchJob, type MatchWorker, type Ranked } from './matching.js';
export type { GigTables } from './gig.tables.js';

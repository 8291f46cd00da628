/**
 * The gig market (零工市场, issue 4). Built so far: matching — who a new job is pushed to first and
 * the order of a worker's feed (`matching.ts`); money moves through `platform/ledger`.
 */
export {
  JobIndex,
  Projection,
  RINGS_KM,
  shiftHours,
  WorkerIndex,
  type MatchJob,
  type MatchWorker,
  type Ranked,
} from './matching.js';

import type { Application, Assignment, ContractTerms, Job } from '@jiedao/contracts';
import { sumFen } from './money';
import { paidMinutes, sortByStart } from './time';
import type { ApplicationState, AssignmentState } from './stream';

/** What a worker reads before signing (and an employer before confirming): the terms in a few figures. */
export interface ContractSummary {
  shiftCount: number;
  /** Paid minutes over all shifts (breaks excluded). */
  paidMinutes: number;
  /** The sum of the per-shift holds. */
  holdsFen: number;
  totalFen: number;
  /** The total the server put in the terms is the sum of its shifts' holds (anything else is a bug to show). */
  consistent: boolean;
  firstStartsAt: string | null;
  lastEndsAt: string | null;
}

export function summarizeContract(terms: ContractTerms): ContractSummary {
  const shifts = sortByStart(terms.shifts);
  const holdsFen = sumFen(shifts.map((shift) => shift.holdFen));
  const last = shifts.reduce<string | null>(
    (latest, shift) =>
      latest === null || Date.parse(shift.endsAt) > Date.parse(latest) ? shift.endsAt : latest,
    null,
  );
  return {
    shiftCount: shifts.length,
    paidMinutes: shifts.reduce((total, shift) => total + paidMinutes(shift), 0),
    holdsFen,
    totalFen: terms.totalFen,
    consistent: holdsFen === terms.totalFen,
    firstStartsAt: shifts[0]?.startsAt ?? null,
    lastEndsAt: last,
  };
}

/** A SHA-256 in hex, grouped by eight for reading aloud or comparing on two screens. */
/** Whether a hired contract still has a shift to work (else there is nothing left to clock in for). */
export function hasShiftAhead(terms: ContractTerms | null, now: number): boolean {
  return (terms?.shifts ?? []).some((shift) => new Date(shift.endsAt).getTime() > now);
}

export function groupHash(hash: string): string {
  return (hash.match(/.{1,8}/g) ?? []).join(' ');
}

/** Whether a hash is what ContractConfirmation accepts (64 lower-case hex digits). */
export function isContractHash(value: string | null | undefined): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

/** Estimated hold for one worker on one shift, as the server computes it at hire (floor, integer fen). */
export function estimateHoldFen(
  job: Pick<Job, 'wageKind' | 'wageFen' | 'expectedPieces'>,
  shift: { startsAt: string; endsAt: string; breakMinutes: number },
): number {
  switch (job.wageKind) {
    case 'hour':
      return Math.floor((paidMinutes(shift) * job.wageFen) / 60);
    case 'day':
      return job.wageFen;
    case 'piece':
      return job.wageFen * (job.expectedPieces ?? 1);
    default:
      return job.wageKind satisfies never;
  }
}

/** What hiring the whole headcount will hold from the employer's account. */
export function estimateJobFundsFen(
  job: Pick<Job, 'wageKind' | 'wageFen' | 'expectedPieces'>,
  shifts: readonly { startsAt: string; endsAt: string; breakMinutes: number }[],
  headcount: number,
): number {
  return sumFen(shifts.map((shift) => estimateHoldFen(job, shift))) * Math.max(0, Math.trunc(headcount));
}

export type WorkerApplicationAction = 'accept' | 'decline' | 'withdraw';
export type EmployerApplicationAction = 'offer' | 'reject' | 'confirm';

/** What the worker may do with an application in each state. */
export function workerApplicationActions(state: ApplicationState): WorkerApplicationAction[] {
  switch (state) {
    case 'applied':
      return ['withdraw'];
    case 'offered':
      return ['accept', 'decline'];
    case 'accepted':
      return ['withdraw'];
    case 'hired':
    case 'declined':
    case 'withdrawn':
    case 'rejected':
    case 'cancelled':
      return [];
    default:
      return state satisfies never;
  }
}

/** What the employer may do with an application in each state (confirm: countersign what the worker accepted). */
export function employerApplicationActions(state: ApplicationState): EmployerApplicationAction[] {
  switch (state) {
    case 'applied':
      return ['offer', 'reject'];
    case 'offered':
      return ['reject'];
    case 'accepted':
      return ['confirm', 'reject'];
    case 'hired':
    case 'declined':
    case 'withdrawn':
    case 'rejected':
    case 'cancelled':
      return [];
    default:
      return state satisfies never;
  }
}

export type WorkerAssignmentAction = 'clockIn' | 'clockOut' | 'cancel' | 'dispute' | 'rate';
export type EmployerAssignmentAction = 'confirm' | 'dispute' | 'rate' | 'cancel';

function rateable(assignment: Pick<Assignment, 'state' | 'myRating'>): boolean {
  return (
    assignment.myRating === null &&
    (assignment.state === 'awaiting_confirmation' || assignment.state === 'paid')
  );
}

export function workerAssignmentActions(
  assignment: Pick<Assignment, 'state' | 'myRating' | 'openDispute'>,
): WorkerAssignmentAction[] {
  const state: AssignmentState = assignment.state;
  const actions: WorkerAssignmentAction[] = [];
  switch (state) {
    case 'scheduled':
      actions.push('clockIn', 'cancel');
      break;
    case 'on_shift':
      actions.push('clockOut');
      break;
    case 'awaiting_confirmation':
    case 'paid':
    case 'no_show':
      if (!assignment.openDispute) actions.push('dispute');
      break;
    case 'disputed':
    case 'cancelled':
      break;
    default:
      return state satisfies never;
  }
  if (rateable(assignment)) actions.push('rate');
  return actions;
}

export function employerAssignmentActions(
  assignment: Pick<Assignment, 'state' | 'myRating' | 'openDispute'>,
): EmployerAssignmentAction[] {
  const state: AssignmentState = assignment.state;
  const actions: EmployerAssignmentAction[] = [];
  switch (state) {
    case 'awaiting_confirmation':
      actions.push('confirm');
      if (!assignment.openDispute) actions.push('dispute');
      break;
    case 'no_show':
    case 'paid':
      if (!assignment.openDispute) actions.push('dispute');
      break;
    case 'scheduled':
      actions.push('cancel');
      break;
    case 'on_shift':
    case 'disputed':
    case 'cancelled':
      break;
    default:
      return state satisfies never;
  }
  if (rateable(assignment)) actions.push('rate');
  return actions;
}

/** The application's terms and hash when it can be signed now (an offer the worker has not answered). */
export function signable(application: Application): { terms: ContractTerms; hash: string } | null {
  if (!application.terms || !isContractHash(application.contractHash)) return null;
  return { terms: application.terms, hash: application.contractHash };
}

const APPLICATION_ORDER: Record<ApplicationState, number> = {
  offered: 0,
  accepted: 1,
  applied: 2,
  hired: 3,
  declined: 4,
  withdrawn: 4,
  rejected: 4,
  cancelled: 4,
};

/** Offers first (they wait for the worker), then accepted, applied, hired, the closed ones; newest first within. */
export function sortApplications(list: readonly Application[]): Application[] {
  return [...list].sort(
    (a, b) =>
      APPLICATION_ORDER[a.state] - APPLICATION_ORDER[b.state] ||
      Date.parse(b.updatedAt) - Date.parse(a.updatedAt),
  );
}

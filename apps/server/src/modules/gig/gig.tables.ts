import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** jsonb: read as the parsed value, written as a JSON string. */
type Json<T> = ColumnType<T, string, string>;

export type SettlementCycle = 'daily' | 'weekly' | 'monthly';
export type WageKind = 'hour' | 'day' | 'piece';
export type ApplicationState =
  'applied' | 'offered' | 'accepted' | 'hired' | 'declined' | 'withdrawn' | 'rejected' | 'cancelled';
export type AssignmentState =
  'scheduled' | 'on_shift' | 'awaiting_confirmation' | 'disputed' | 'paid' | 'no_show' | 'cancelled';

export interface GigWorkerTable {
  tenantId: string;
  id: string;
  personId: string;
  accountId: string;
  categories: string[];
  skills: Generated<string[]>;
  homeLng: number;
  homeLat: number;
  currentLng: number | null;
  currentLat: number | null;
  locatedAt: NullableTimestamp;
  radiusKm: number;
  weekHours: number[];
  settlementCycle: SettlementCycle;
  /** The payout account (name + number), AES-GCM; only the last four digits are shown. */
  payoutEnc: string | null;
  payoutLast4: string | null;
  reliability: Generated<number>;
  ratingSum: Generated<number>;
  ratingCount: Generated<number>;
  shiftsDone: Generated<number>;
  noShows: Generated<number>;
  walletAccountId: string;
  status: Generated<'active' | 'suspended'>;
  registeredVia: 'self' | 'desk';
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

export interface GigEmployerTable {
  tenantId: string;
  id: string;
  kind: 'person' | 'business';
  name: string;
  uscc: string | null;
  personId: string;
  accountId: string;
  fundsAccountId: string;
  guaranteeAccountId: string;
  status: Generated<'active' | 'suspended'>;
  createdAt: Generated<Date>;
}

export interface GigSiteTable {
  tenantId: string;
  id: string;
  employerId: string;
  name: string;
  address: string;
  lng: number;
  lat: number;
  radiusM: Generated<number>;
  createdAt: Generated<Date>;
}

export interface GigJobTable {
  tenantId: string;
  id: string;
  employerId: string;
  siteId: string;
  title: string;
  category: string;
  skills: Generated<string[]>;
  headcount: number;
  wageKind: WageKind;
  wageFen: number;
  expectedPieces: number | null;
  settlementCycle: SettlementCycle;
  requirements: Generated<string>;
  injuryCover: Generated<boolean>;
  status: Generated<'open' | 'filled' | 'closed' | 'cancelled'>;
  postedBy: string;
  postedVia: 'employer' | 'desk';
  hiredCount: Generated<number>;
  wavesSent: Generated<number>;
  lastWaveAt: NullableTimestamp;
  pushedCount: Generated<number>;
  openedAt: Timestamp;
  filledAt: NullableTimestamp;
  closedAt: NullableTimestamp;
}

export interface GigShiftTable {
  tenantId: string;
  id: string;
  jobId: string;
  startsAt: Date;
  endsAt: Date;
  breakMinutes: Generated<number>;
}

/** The terms both sides confirm; its SHA-256 (canonical JSON) is the contract hash. */
export interface ContractTerms {
  jobId: string;
  title: string;
  employer: { id: string; name: string; uscc: string | null };
  workerId: string;
  site: { name: string; address: string };
  wageKind: WageKind;
  wageFen: number;
  expectedPieces: number | null;
  settlementCycle: SettlementCycle;
  injuryCover: boolean;
  shifts: Array<{ id: string; startsAt: string; endsAt: string; breakMinutes: number; holdFen: number }>;
  totalFen: number;
  requirements: string;
}

export interface GigApplicationTable {
  tenantId: string;
  id: string;
  jobId: string;
  workerId: string;
  origin: 'apply' | 'invite';
  state: ApplicationState;
  note: string | null;
  terms: Json<ContractTerms | null> | null;
  contractHash: string | null;
  offeredAt: NullableTimestamp;
  workerConfirmedAt: NullableTimestamp;
  employerConfirmedAt: NullableTimestamp;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

export interface GigAssignmentTable {
  tenantId: string;
  id: string;
  applicationId: string;
  jobId: string;
  shiftId: string;
  workerId: string;
  employerId: string;
  holdTransferId: string;
  holdFen: number;
  state: Generated<AssignmentState>;
  clockInAt: NullableTimestamp;
  clockInDistanceM: number | null;
  lateMinutes: Generated<number>;
  clockOutAt: NullableTimestamp;
  clockOutDistanceM: number | null;
  earlyLeaveMinutes: Generated<number>;
  flags: Generated<string[]>;
  pieces: number | null;
  workedMinutes: number | null;
  earnedFen: number | null;
  confirmDueAt: NullableTimestamp;
  confirmedAt: NullableTimestamp;
  confirmedBy: 'employer' | 'auto' | 'operator' | null;
  paidFen: number | null;
  payoutId: ColumnType<string | null, string | null | undefined, string | null>;
  cancelledBy: string | null;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

export interface GigLocationFixTable {
  tenantId: string;
  id: string;
  workerId: string;
  assignmentId: string | null;
  purpose: 'clock_in' | 'clock_out' | 'refused';
  lng: number;
  lat: number;
  accuracyM: number;
  mocked: Generated<boolean>;
  at: Date;
  flags: Generated<string[]>;
}

export interface GigDisputeTable {
  tenantId: string;
  id: string;
  assignmentId: string;
  raisedBy: 'worker' | 'employer';
  raisedByAccount: string;
  reason: string;
  claimedFen: number | null;
  state: Generated<'open' | 'resolved'>;
  resolution: 'pay' | 'refund' | 'dismiss' | null;
  amountFen: number | null;
  fromGuarantee: Generated<boolean>;
  resolutionNote: string | null;
  resolvedBy: string | null;
  resolvedAt: NullableTimestamp;
  createdAt: Generated<Date>;
}

export interface GigRatingTable {
  tenantId: string;
  assignmentId: string;
  rater: 'worker' | 'employer';
  stars: number;
  comment: Generated<string>;
  createdAt: Generated<Date>;
}

export interface GigInboxTable {
  tenantId: string;
  id: string;
  workerId: string;
  kind: string;
  jobId: string | null;
  title: string;
  body: string;
  readAt: NullableTimestamp;
  createdAt: Generated<Date>;
}

export interface GigTables {
  gigWorker: GigWorkerTable;
  gigEmployer: GigEmployerTable;
  gigSite: GigSiteTable;
  gigJob: GigJobTable;
  gigShift: GigShiftTable;
  gigApplication: GigApplicationTable;
  gigAssignment: GigAssignmentTable;
  gigLocationFix: GigLocationFixTable;
  gigDispute: GigDisputeTable;
  gigRating: GigRatingTable;
  gigInbox: GigInboxTable;
}

export type GigWorkerRow = Selectable<GigWorkerTable>;
export type GigEmployerRow = Selectable<GigEmployerTable>;
export type GigJobRow = Selectable<GigJobTable>;
export type GigShiftRow = Selectable<GigShiftTable>;
export type GigApplicationRow = Selectable<GigApplicationTable>;
export type GigAssignmentRow = Selectable<GigAssignmentTable>;
export type GigInboxRow = Selectable<GigInboxTable>;

import { Type, type Static } from 'typebox';
import { PageQuery, Timestamp, Uuid } from './common.js';
import {
  GIG_APPLICATION_STATES,
  GIG_ASSIGNMENT_STATES,
  GIG_CATEGORY_CODES,
  GIG_DISPUTE_RESOLUTIONS,
  GIG_JOB_STATUSES,
  GIG_LOCATION_FLAGS,
  GIG_PAYOUT_STATES,
  GIG_SKILL_CODES,
  SETTLEMENT_CYCLES,
  WAGE_KINDS,
} from './gig-taxonomy.js';
import { LngLat } from './places.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** Money: integer fen (1 yuan = 100 fen), never a float. */
const Fen = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });
const PositiveFen = Type.Integer({ minimum: 1, maximum: 100_000_000 });

export const GigCategory = Type.Enum(GIG_CATEGORY_CODES);
export const GigSkill = Type.Enum(GIG_SKILL_CODES);
export const SettlementCycle = Type.Enum(SETTLEMENT_CYCLES);
export const WageKind = Type.Enum(WAGE_KINDS);
export const GigJobStatus = Type.Enum(GIG_JOB_STATUSES);
export const GigApplicationState = Type.Enum(GIG_APPLICATION_STATES);
export const GigAssignmentState = Type.Enum(GIG_ASSIGNMENT_STATES);
export const GigLocationFlag = Type.Enum(GIG_LOCATION_FLAGS);

/** Per weekday (Monday first), a 24-bit mask of the local hours the worker can work. */
const WeekHours = Type.Array(Type.Integer({ minimum: 0, maximum: 0xffffff }), { minItems: 7, maxItems: 7 });

export const PayoutAccountInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 40 }),
    accountNo: Type.String({ pattern: '^[0-9]{12,19}$', description: 'Bank card number, 12–19 digits' }),
  },
  { additionalProperties: false },
);

export const WorkerProfileInput = Type.Object(
  {
    categories: Type.Array(GigCategory, { minItems: 1, maxItems: 12, uniqueItems: true }),
    skills: Type.Array(GigSkill, { maxItems: 10, uniqueItems: true }),
    home: LngLat,
    radiusKm: Type.Number({ minimum: 0.5, maximum: 50 }),
    weekHours: WeekHours,
    settlementCycle: SettlementCycle,
    payout: Type.Optional(PayoutAccountInput),
  },
  { additionalProperties: false },
);
export type WorkerProfileInput = Static<typeof WorkerProfileInput>;

export const WorkerProfileUpdate = Type.Partial(
  Type.Object({
    categories: Type.Array(GigCategory, { minItems: 1, maxItems: 12, uniqueItems: true }),
    skills: Type.Array(GigSkill, { maxItems: 10, uniqueItems: true }),
    home: LngLat,
    current: LngLat,
    radiusKm: Type.Number({ minimum: 0.5, maximum: 50 }),
    weekHours: WeekHours,
    settlementCycle: SettlementCycle,
    payout: PayoutAccountInput,
  }),
  { additionalProperties: false, minProperties: 1 },
);
export type WorkerProfileUpdate = Static<typeof WorkerProfileUpdate>;

/** The worker's own profile; the payout account shows its last four digits only. */
export const WorkerProfile = Type.Object({
  id: Uuid,
  name: Type.String(),
  categories: Type.Array(Type.String()),
  skills: Type.Array(Type.String()),
  home: LngLat,
  current: Nullable(LngLat),
  radiusKm: Type.Number(),
  weekHours: Type.Array(Type.Integer()),
  settlementCycle: SettlementCycle,
  payoutAccount: Nullable(Type.String({ description: 'Masked: **** **** 1234' })),
  reliability: Type.Integer(),
  rating: Nullable(Type.Number()),
  ratingCount: Type.Integer(),
  shiftsDone: Type.Integer(),
  noShows: Type.Integer(),
  status: Type.String(),
  registeredVia: Type.String(),
});
export type WorkerProfile = Static<typeof WorkerProfile>;

/** A worker as an employer sees them: masked name, no contact, no location beyond the distance. */
export const WorkerCard = Type.Object({
  id: Uuid,
  name: Type.String({ description: 'Masked: 王*明' }),
  categories: Type.Array(Type.String()),
  skills: Type.Array(Type.String()),
  reliability: Type.Integer(),
  rating: Nullable(Type.Number()),
  shiftsDone: Type.Integer(),
  distanceKm: Nullable(Type.Number()),
});
export type WorkerCard = Static<typeof WorkerCard>;

export const WorkerSearchQuery = Type.Object(
  {
    category: Type.Optional(GigCategory),
    skill: Type.Optional(GigSkill),
    siteId: Type.Optional(Uuid),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);

export const EmployerInput = Type.Object(
  {
    kind: Type.Enum(['person', 'business']),
    name: Type.String({ minLength: 2, maxLength: 60 }),
    uscc: Type.Optional(Type.String({ minLength: 18, maxLength: 18, description: 'Business only' })),
  },
  { additionalProperties: false },
);
export type EmployerInput = Static<typeof EmployerInput>;

export const EmployerProfile = Type.Object({
  id: Uuid,
  kind: Type.String(),
  name: Type.String(),
  uscc: Nullable(Type.String()),
  status: Type.String(),
  balances: Type.Object({
    availableFen: Fen,
    heldFen: Fen,
    guaranteeFen: Fen,
  }),
});
export type EmployerProfile = Static<typeof EmployerProfile>;

export const SiteInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 60 }),
    address: Type.String({ minLength: 1, maxLength: 120 }),
    location: LngLat,
    radiusM: Type.Optional(Type.Integer({ minimum: 50, maximum: 2000, default: 300 })),
  },
  { additionalProperties: false },
);
export type SiteInput = Static<typeof SiteInput>;

export const Site = Type.Object({
  id: Uuid,
  name: Type.String(),
  address: Type.String(),
  location: LngLat,
  radiusM: Type.Integer(),
});
export type Site = Static<typeof Site>;

export const MoneyRequest = Type.Object({ amountFen: PositiveFen }, { additionalProperties: false });
export type MoneyRequest = Static<typeof MoneyRequest>;

export const TopUpResult = Type.Object({
  id: Uuid,
  amountFen: Fen,
  status: Type.Enum(['completed']),
  balances: EmployerProfile.properties.balances,
});
export type TopUpResult = Static<typeof TopUpResult>;

export const ShiftInput = Type.Object(
  {
    startsAt: Timestamp,
    endsAt: Timestamp,
    breakMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 240, default: 0 })),
  },
  { additionalProperties: false },
);

export const JobInput = Type.Object(
  {
    siteId: Uuid,
    title: Type.String({ minLength: 2, maxLength: 60 }),
    category: GigCategory,
    skills: Type.Optional(Type.Array(GigSkill, { maxItems: 10, uniqueItems: true })),
    headcount: Type.Integer({ minimum: 1, maximum: 500 }),
    wageKind: WageKind,
    wageFen: PositiveFen,
    expectedPieces: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    settlementCycle: SettlementCycle,
    requirements: Type.Optional(Type.String({ maxLength: 500 })),
    injuryCover: Type.Optional(Type.Boolean({ default: true })),
    shifts: Type.Array(ShiftInput, { minItems: 1, maxItems: 31 }),
  },
  { additionalProperties: false },
);
export type JobInput = Static<typeof JobInput>;

/** The offline desk posts for an employer: the same job, naming whose it is. */
export const DeskJobInput = Type.Object(
  { ...JobInput.properties, employerId: Uuid },
  { additionalProperties: false },
);
export type DeskJobInput = Static<typeof DeskJobInput>;

export const Shift = Type.Object({
  id: Uuid,
  startsAt: Timestamp,
  endsAt: Timestamp,
  breakMinutes: Type.Integer(),
  holdFen: Fen,
});
export type Shift = Static<typeof Shift>;

export const Job = Type.Object({
  id: Uuid,
  employerId: Uuid,
  employerName: Type.String(),
  site: Site,
  title: Type.String(),
  category: Type.String(),
  skills: Type.Array(Type.String()),
  headcount: Type.Integer(),
  hiredCount: Type.Integer(),
  wageKind: WageKind,
  wageFen: Fen,
  expectedPieces: Nullable(Type.Integer()),
  settlementCycle: SettlementCycle,
  requirements: Type.String(),
  injuryCover: Type.Boolean(),
  status: GigJobStatus,
  postedVia: Type.String(),
  wavesSent: Type.Integer(),
  pushedCount: Type.Integer(),
  openedAt: Timestamp,
  filledAt: Nullable(Timestamp),
  shifts: Type.Array(Shift),
});
export type Job = Static<typeof Job>;

export const JobListQuery = Type.Object(
  { status: Type.Optional(GigJobStatus), ...PageQuery },
  { additionalProperties: false },
);

export const FeedItem = Type.Object({
  job: Job,
  distanceKm: Type.Number(),
  applied: Type.Boolean(),
});
export type FeedItem = Static<typeof FeedItem>;

export const FeedQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })) },
  { additionalProperties: false },
);

export const ContractTerms = Type.Object({
  jobId: Uuid,
  title: Type.String(),
  employer: Type.Object({ id: Uuid, name: Type.String(), uscc: Nullable(Type.String()) }),
  workerId: Uuid,
  site: Type.Object({ name: Type.String(), address: Type.String() }),
  wageKind: WageKind,
  wageFen: Fen,
  expectedPieces: Nullable(Type.Integer()),
  settlementCycle: SettlementCycle,
  injuryCover: Type.Boolean(),
  shifts: Type.Array(
    Type.Object({
      id: Uuid,
      startsAt: Timestamp,
      endsAt: Timestamp,
      breakMinutes: Type.Integer(),
      holdFen: Fen,
    }),
  ),
  totalFen: Fen,
  requirements: Type.String(),
});
export type ContractTerms = Static<typeof ContractTerms>;

export const Application = Type.Object({
  id: Uuid,
  jobId: Uuid,
  jobTitle: Type.String(),
  worker: WorkerCard,
  origin: Type.Enum(['apply', 'invite']),
  state: GigApplicationState,
  note: Nullable(Type.String()),
  terms: Nullable(ContractTerms),
  contractHash: Nullable(Type.String({ description: 'SHA-256 of the canonical terms, hex' })),
  offeredAt: Nullable(Timestamp),
  workerConfirmedAt: Nullable(Timestamp),
  employerConfirmedAt: Nullable(Timestamp),
  updatedAt: Timestamp,
});
export type Application = Static<typeof Application>;

export const ApplyRequest = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: false },
);
export const InviteRequest = Type.Object(
  { workerId: Uuid, note: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: false },
);
export const ContractConfirmation = Type.Object(
  { contractHash: Type.String({ pattern: '^[0-9a-f]{64}$' }) },
  { additionalProperties: false },
);
export type ContractConfirmation = Static<typeof ContractConfirmation>;

export const Assignment = Type.Object({
  id: Uuid,
  applicationId: Uuid,
  job: Type.Object({ id: Uuid, title: Type.String(), wageKind: WageKind, wageFen: Fen }),
  site: Site,
  worker: WorkerCard,
  shift: Shift,
  state: GigAssignmentState,
  holdFen: Fen,
  clockInAt: Nullable(Timestamp),
  clockInDistanceM: Nullable(Type.Integer()),
  lateMinutes: Type.Integer(),
  clockOutAt: Nullable(Timestamp),
  clockOutDistanceM: Nullable(Type.Integer()),
  earlyLeaveMinutes: Type.Integer(),
  flags: Type.Array(GigLocationFlag),
  pieces: Nullable(Type.Integer()),
  workedMinutes: Nullable(Type.Integer()),
  earnedFen: Nullable(Fen),
  paidFen: Nullable(Fen),
  confirmDueAt: Nullable(Timestamp),
  confirmedAt: Nullable(Timestamp),
  confirmedBy: Nullable(Type.String()),
  myRating: Nullable(Type.Integer()),
  openDispute: Type.Boolean(),
});
export type Assignment = Static<typeof Assignment>;

export const AssignmentQuery = Type.Object(
  { state: Type.Optional(GigAssignmentState), ...PageQuery },
  { additionalProperties: false },
);

export const ClockRequest = Type.Object(
  {
    location: LngLat,
    accuracyM: Type.Number({ minimum: 0, maximum: 10_000 }),
    /** The device reports a mock location provider (Android's isFromMockProvider). */
    mocked: Type.Optional(Type.Boolean()),
    /** Clock-out for piece work: the pieces done. */
    pieces: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  },
  { additionalProperties: false },
);
export type ClockRequest = Static<typeof ClockRequest>;

export const DisputeRequest = Type.Object(
  {
    reason: Type.String({ minLength: 2, maxLength: 500 }),
    claimedFen: Type.Optional(Fen),
  },
  { additionalProperties: false },
);
export type DisputeRequest = Static<typeof DisputeRequest>;

export const Dispute = Type.Object({
  id: Uuid,
  assignmentId: Uuid,
  jobTitle: Type.String(),
  employerName: Type.String(),
  workerName: Type.String({ description: 'Masked' }),
  raisedBy: Type.Enum(['worker', 'employer']),
  reason: Type.String(),
  claimedFen: Nullable(Fen),
  holdFen: Fen,
  earnedFen: Nullable(Fen),
  paidFen: Nullable(Fen),
  state: Type.Enum(['open', 'resolved']),
  resolution: Nullable(Type.Enum(GIG_DISPUTE_RESOLUTIONS)),
  amountFen: Nullable(Fen),
  fromGuarantee: Type.Boolean(),
  resolutionNote: Nullable(Type.String()),
  createdAt: Timestamp,
  resolvedAt: Nullable(Timestamp),
});
export type Dispute = Static<typeof Dispute>;

export const DisputeQuery = Type.Object(
  { state: Type.Optional(Type.Enum(['open', 'resolved'])), ...PageQuery },
  { additionalProperties: false },
);

export const ResolveDisputeRequest = Type.Object(
  {
    resolution: Type.Enum(GIG_DISPUTE_RESOLUTIONS),
    /** pay: what the worker gets for the shift in total; refund: what returns to the employer. */
    amountFen: Type.Optional(Fen),
    /** pay: take what the employer's account cannot cover from the wage guarantee (工资保证金). */
    fromGuarantee: Type.Optional(Type.Boolean()),
    note: Type.String({ minLength: 2, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type ResolveDisputeRequest = Static<typeof ResolveDisputeRequest>;

export const RatingRequest = Type.Object(
  {
    stars: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type RatingRequest = Static<typeof RatingRequest>;

export const WalletEntry = Type.Object({
  transferId: Uuid,
  amountFen: Type.Integer({ description: 'Signed: + into the wallet, − out of it' }),
  code: Type.String(),
  memo: Nullable(Type.String()),
  pending: Type.Boolean(),
  at: Timestamp,
});
export type WalletEntry = Static<typeof WalletEntry>;

export const Wallet = Type.Object({
  balanceFen: Fen,
  availableFen: Fen,
  settlementCycle: SettlementCycle,
  payoutAccount: Nullable(Type.String()),
  entries: Type.Array(WalletEntry),
});
export type Wallet = Static<typeof Wallet>;

export const Payslip = Type.Object({
  id: Uuid,
  periodKey: Type.String(),
  amountFen: Fen,
  state: Type.Enum(GIG_PAYOUT_STATES),
  payoutAccount: Type.String(),
  refusal: Nullable(Type.String()),
  requestedAt: Timestamp,
  finishedAt: Nullable(Timestamp),
  lines: Type.Array(
    Type.Object({
      assignmentId: Uuid,
      jobTitle: Type.String(),
      shiftStartsAt: Timestamp,
      workedMinutes: Nullable(Type.Integer()),
      amountFen: Fen,
    }),
  ),
});
export type Payslip = Static<typeof Payslip>;

export const InboxItem = Type.Object({
  id: Uuid,
  kind: Type.String(),
  jobId: Nullable(Uuid),
  title: Type.String(),
  body: Type.String(),
  readAt: Nullable(Timestamp),
  createdAt: Timestamp,
});
export type InboxItem = Static<typeof InboxItem>;

export const DeskWorkerInput = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 20 }),
    idNumber: Type.String({ minLength: 18, maxLength: 18 }),
    phone: Type.String({ minLength: 11, maxLength: 11 }),
    profile: WorkerProfileInput,
  },
  { additionalProperties: false },
);
export type DeskWorkerInput = Static<typeof DeskWorkerInput>;

export const DeskWorkerResult = Type.Object({
  worker: WorkerProfile,
  /** A one-time password for the worker's first sign-in, shown once to the desk. */
  initialPassword: Type.String(),
});

export const GigPayout = Type.Object({
  id: Uuid,
  workerName: Type.String({ description: 'Masked' }),
  periodKey: Type.String(),
  amountFen: Fen,
  state: Type.Enum(GIG_PAYOUT_STATES),
  payoutAccount: Type.String(),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  refusal: Nullable(Type.String()),
  requestedAt: Timestamp,
  finishedAt: Nullable(Timestamp),
});
export type GigPayout = Static<typeof GigPayout>;

export const GigPayoutQuery = Type.Object(
  { state: Type.Optional(Type.Enum(GIG_PAYOUT_STATES)), ...PageQuery },
  { additionalProperties: false },
);

export const SettlementRunResult = Type.Object({
  periodKeys: Type.Array(Type.String()),
  requested: Type.Integer(),
  existing: Type.Integer(),
  skippedNoAccount: Type.Integer(),
  amountFen: Fen,
});
export type SettlementRunResult = Static<typeof SettlementRunResult>;

export const ReconcileStatus = Type.Object({
  ok: Type.Boolean(),
  checkedAt: Timestamp,
  checks: Type.Array(Type.Object({ name: Type.String(), ok: Type.Boolean(), detail: Type.String() })),
});
export type ReconcileStatus = Static<typeof ReconcileStatus>;

export const GigKpis = Type.Object({
  day: Type.String({ description: 'YYYY-MM-DD, Asia/Shanghai' }),
  jobsPosted: Type.Integer(),
  openJobs: Type.Integer(),
  positions: Type.Integer(),
  hired: Type.Integer(),
  fillRate: Nullable(Type.Number({ description: 'hired / positions of the jobs posted that day' })),
  medianTimeToFillMinutes: Nullable(Type.Number()),
  wagesPaidTodayFen: Fen,
  shiftsToday: Type.Integer(),
  noShowsToday: Type.Integer(),
  openDisputes: Type.Integer(),
  payouts: Type.Object({
    requested: Type.Integer(),
    submitted: Type.Integer(),
    paid: Type.Integer(),
    refused: Type.Integer(),
    failingAttempts: Type.Integer({ description: 'Unfinished payouts with a last error' }),
  }),
  workers: Type.Integer(),
  employers: Type.Integer(),
  reconcile: Nullable(ReconcileStatus),
});
export type GigKpis = Static<typeof GigKpis>;

export const GigEmployerSummary = Type.Object({
  id: Uuid,
  kind: Type.String(),
  name: Type.String(),
  uscc: Nullable(Type.String()),
});
export type GigEmployerSummary = Static<typeof GigEmployerSummary>;

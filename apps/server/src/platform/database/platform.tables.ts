import type { ColumnType, Generated } from 'kysely';

/*
 * Tables of the platform engines (migrations 0002_platform and 0005_ledger): the transactional
 * outbox, durable jobs and the money ledger. They belong to no module; the engines in platform/outbox and platform/jobs are
 * their only readers and writers.
 */

type Json = ColumnType<unknown, string, string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** One domain event, written in the producer's transaction. */
export interface OutboxEventTable {
  tenantId: string;
  /** UUIDv7, so id order is (roughly) creation order. */
  id: string;
  topic: string;
  aggregateId: string | null;
  payload: Json;
  createdAt: Generated<Date>;
}

/** A named consumer, its topics, and which dispatcher process currently delivers to it. */
export interface OutboxSubscriberTable {
  name: string;
  topics: string[];
  /** The dispatcher holding the lease; only it delivers to this subscriber, keeping order. */
  leaseOwner: string | null;
  leaseUntil: NullableTimestamp;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

/**
 * An event still owed to one subscriber; written with the event (one row per matching subscriber)
 * and deleted once delivered. Parked rows stay for an operator to inspect and retry.
 */
export interface OutboxDeliveryTable {
  tenantId: string;
  eventId: string;
  subscriber: string;
  status: Generated<'pending' | 'parked'>;
  attempts: Generated<number>;
  /** Null until the first failure; a future value holds back the subscriber's later events of the tenant. */
  nextAttemptAt: NullableTimestamp;
  lastError: string | null;
  createdAt: Generated<Date>;
}

export type JobStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

/** A durable unit of deferred work: an SLA reminder, an escalation, an import. */
export interface JobTable {
  tenantId: string;
  id: string;
  kind: string;
  /** Unique per tenant and kind when set: scheduling the same key again reschedules that job. */
  key: string | null;
  runAt: Timestamp;
  payload: Json;
  status: Generated<JobStatus>;
  /** Claims so far; also the fencing token that lets only the latest claim finish the job. */
  attempts: Generated<number>;
  maxAttempts: Generated<number>;
  /** The lease of a running job; once past, another runner may claim it again. */
  lockedUntil: NullableTimestamp;
  lastError: string | null;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

export type LedgerAccountKind = 'asset' | 'liability' | 'equity' | 'revenue' | 'expense';
export type LedgerTransferType = 'single' | 'pending' | 'post' | 'void' | 'expire';
export type LedgerPendingState = 'pending' | 'posted' | 'voided' | 'expired';

/** A ledger account with its running totals in fen (migration 0005; only platform/ledger writes it). */
export interface LedgerAccountTable {
  tenantId: string;
  id: string;
  code: string;
  name: string;
  kind: LedgerAccountKind;
  /** May never go below zero on its normal side, pending debits (credits) included. */
  guarded: boolean;
  debitsPosted: Generated<number>;
  creditsPosted: Generated<number>;
  debitsPending: Generated<number>;
  creditsPending: Generated<number>;
  createdAt: Generated<Date>;
}

/** One movement of money between two accounts; never updated except a pending one's state. */
export interface LedgerTransferTable {
  tenantId: string;
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: number;
  type: LedgerTransferType;
  pendingId: string | null;
  state: LedgerPendingState | null;
  postedAmount: number | null;
  timeoutAt: NullableTimestamp;
  code: string;
  reference: string | null;
  memo: string | null;
  createdAt: Generated<Date>;
}

export type PayoutState = 'requested' | 'submitted' | 'paid' | 'refused';

/** Money leaving through the payout rail (migration 0006; only platform/payouts writes it). */
export interface PayoutTable {
  tenantId: string;
  id: string;
  sourceAccountId: string;
  clearingAccountId: string;
  bankAccountId: string;
  periodKey: string;
  amount: number;
  /** `{ name, accountNo }`, encrypted (context `payout.payee`). */
  payeeEnc: string;
  payeeAccountLast4: string;
  memo: string | null;
  state: Generated<PayoutState>;
  railReference: string | null;
  refusal: string | null;
  attempts: Generated<number>;
  nextAttemptAt: Generated<Date>;
  lastError: string | null;
  requestedAt: Generated<Date>;
  submittedAt: NullableTimestamp;
  finishedAt: NullableTimestamp;
}

export interface PlatformTables {
  outboxEvent: OutboxEventTable;
  outboxSubscriber: OutboxSubscriberTable;
  outboxDelivery: OutboxDeliveryTable;
  job: JobTable;
  ledgerAccount: LedgerAccountTable;
  ledgerTransfer: LedgerTransferTable;
  payout: PayoutTable;
}

import type { Transaction } from 'kysely';
import type { Actor } from '../../platform/auth/actor.js';
import { assertRole, hasRole } from '../../platform/auth/actor.js';
import type { AppContext } from '../../platform/context.js';
import type { Database } from '../../platform/database/schema.js';
import { AppError } from '../../platform/errors.js';
import { openAccounts, type LedgerAccount } from '../../platform/ledger/index.js';
import type { RealtimeHub } from '../../platform/realtime/realtime-hub.js';
import type { GigEmployerRow, GigWorkerRow } from './gig.tables.js';
import { GigMatcher } from './gig-matcher.js';

export type Trx = Transaction<Database>;

/** Staff of the market: the operator console, the offline desk, disputes and settlement. */
export const OPERATOR_ROLES = ['market_operator', 'tenant_admin'] as const;

export interface GigOptions {
  /** Workers per push wave, as a multiple of the positions still open (at least 10). */
  waveFactor: number;
  /** Time between waves while a job is not full, ms. */
  waveIntervalMs: number;
  /** At most this many waves per job. */
  maxWaves: number;
  /** A hold at hire outlives its shift by this long before the ledger returns it by itself, ms. */
  holdGraceMs: number;
}

export const DEFAULT_GIG_OPTIONS: GigOptions = {
  waveFactor: 3,
  waveIntervalMs: 10 * 60_000,
  maxWaves: 5,
  holdGraceMs: 30 * 24 * 3600_000,
};

/** The gig module at run time: the app's context, the live hub, the matcher and the clock. */
export interface Gig {
  ctx: AppContext;
  hub: RealtimeHub;
  matcher: GigMatcher;
  options: GigOptions;
  now: () => Date;
}

export function createGig(
  ctx: AppContext,
  hub: RealtimeHub,
  options: Partial<GigOptions> = {},
  now: () => Date = () => new Date(),
): Gig {
  return {
    ctx,
    hub,
    matcher: new GigMatcher(ctx.db, now),
    options: { ...DEFAULT_GIG_OPTIONS, ...options },
    now,
  };
}

/** The market's own accounts in a subdistrict: the bank (asset) and payouts in flight. */
export interface MarketAccounts {
  bank: LedgerAccount;
  clearing: LedgerAccount;
}

export async function marketAccounts(trx: Trx, tenantId: string): Promise<MarketAccounts> {
  const [bank, clearing] = await openAccounts(trx, [
    { tenantId, code: 'gig.bank', name: '零工市场银行存款', kind: 'asset', guarded: false },
    { tenantId, code: 'gig.payout_clearing', name: '零工工资代发在途', kind: 'liability', guarded: true },
  ]);
  return { bank: bank!, clearing: clearing! };
}

export function isOperator(actor: Actor): boolean {
  return hasRole(actor, OPERATOR_ROLES);
}

export function assertOperator(actor: Actor): void {
  assertRole(actor, OPERATOR_ROLES);
}

/** The caller's worker profile, locked when `forUpdate`. */
export async function workerOf(trx: Trx, actor: Actor, forUpdate = false): Promise<GigWorkerRow> {
  const row = await trx
    .selectFrom('gigWorker')
    .selectAll()
    .where('tenantId', '=', actor.tenantId)
    .where('accountId', '=', actor.accountId)
    .$if(forUpdate, (query) => query.forUpdate())
    .executeTakeFirst();
  if (!row)
    throw new AppError('not_found', 'No worker profile: register as a worker first', {
      messageZh: '您还没有零工档案，请先登记',
    });
  return row;
}

export async function employerOf(trx: Trx, actor: Actor): Promise<GigEmployerRow> {
  const row = await trx
    .selectFrom('gigEmployer')
    .selectAll()
    .where('tenantId', '=', actor.tenantId)
    .where('accountId', '=', actor.accountId)
    .executeTakeFirst();
  if (!row)
    throw new AppError('not_found', 'No employer profile: register as an employer first', {
      messageZh: '您还没有用工方档案，请先登记',
    });
  return row;
}

export async function findEmployer(
  trx: Trx,
  tenantId: string,
  id: string,
): Promise<GigEmployerRow | undefined> {
  return trx
    .selectFrom('gigEmployer')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * Live streams: the gig hub is partitioned per worker and per employer (the hub's partition key),
 * so each hears only their own events and replays only their own after a reconnect.
 */
export const workerChannel = (tenantId: string, workerId: string) => `${tenantId}:worker:${workerId}`;
export const employerChannel = (tenantId: string, employerId: string) => `${tenantId}:employer:${employerId}`;

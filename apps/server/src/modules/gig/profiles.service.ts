import type {
  DeskWorkerInput,
  EmployerInput,
  EmployerProfile,
  SiteInput,
  Site,
  TopUpResult,
  WorkerCard,
  WorkerProfile,
  WorkerProfileInput,
  WorkerProfileUpdate,
  GigEmployerSummary,
} from '@jiedao/contracts';
import { randomInt } from 'node:crypto';
import type { Actor } from '../../platform/auth/actor.js';
import { AppError, invalidField, notFound } from '../../platform/errors.js';
import { haversineMeters } from '../../platform/geo/geojson.js';
import { derivedId, newId } from '../../platform/ids.js';
import { applyTransfers, availableBalance, openAccounts } from '../../platform/ledger/index.js';
import { checkUscc, createAccountUnchecked, grantRoleUnchecked } from '../identity/index.js';
import { BankKeyReusedError, BankUnavailableError, type BankGateway } from './bank-simulator.js';
import {
  assertOperator,
  employerOf,
  findEmployer,
  marketAccounts,
  workerOf,
  type Gig,
  type Trx,
} from './gig.js';
import { workersWithPerson } from './gig.repository.js';
import type { GigEmployerRow, GigWorkerRow } from './gig.tables.js';
import { toSite, toWorkerCard, toWorkerProfile } from './views.js';

/** Encryption context of a worker's sealed payout account (`gig_worker.payout_enc`). */
export const PAYOUT_CONTEXT = 'gig.payout_account';

function sealPayout(g: Gig, payout: { name: string; accountNo: string }) {
  return {
    payoutEnc: g.ctx.cipher.encrypt(JSON.stringify(payout), PAYOUT_CONTEXT),
    payoutLast4: payout.accountNo.slice(-4),
  };
}

/** The payee of a worker's payouts, decrypted for the rail only. */
export function openPayout(g: Gig, payoutEnc: string): { name: string; accountNo: string } {
  return JSON.parse(g.ctx.cipher.decrypt(payoutEnc, PAYOUT_CONTEXT)) as { name: string; accountNo: string };
}

async function personOf(trx: Trx, tenantId: string, personId: string) {
  const person = await trx
    .selectFrom('person')
    .select(['id', 'name', 'realNameStatus'])
    .where('tenantId', '=', tenantId)
    .where('id', '=', personId)
    .executeTakeFirst();
  if (!person) throw notFound('Person');
  return person;
}

function requireVerified(person: { realNameStatus: string }): void {
  if (person.realNameStatus !== 'verified')
    throw new AppError('real_name_required', 'Verify your real name (name and ID number) first', {
      messageZh: '请先完成实名认证（姓名和身份证号）',
    });
}

async function insertWorker(
  g: Gig,
  trx: Trx,
  tenantId: string,
  owner: { personId: string; accountId: string },
  input: WorkerProfileInput,
  via: 'self' | 'desk',
): Promise<GigWorkerRow> {
  const taken = await trx
    .selectFrom('gigWorker')
    .select('id')
    .where('tenantId', '=', tenantId)
    .where((eb) => eb.or([eb('personId', '=', owner.personId), eb('accountId', '=', owner.accountId)]))
    .executeTakeFirst();
  if (taken)
    throw new AppError('conflict', 'This person already has a worker profile', { messageZh: '已有零工档案' });
  const id = newId();
  const [wallet] = await openAccounts(trx, [
    { tenantId, code: `gig.worker.${id}.wallet`, name: '零工钱包', kind: 'liability', guarded: true },
  ]);
  const row = await trx
    .insertInto('gigWorker')
    .values({
      tenantId,
      id,
      personId: owner.personId,
      accountId: owner.accountId,
      categories: input.categories,
      skills: input.skills,
      homeLng: input.home.lng,
      homeLat: input.home.lat,
      radiusKm: input.radiusKm,
      weekHours: input.weekHours,
      settlementCycle: input.settlementCycle,
      ...(input.payout ? sealPayout(g, input.payout) : { payoutEnc: null, payoutLast4: null }),
      walletAccountId: wallet!.id,
      registeredVia: via,
      currentLng: null,
      currentLat: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await grantRoleUnchecked(trx, tenantId, owner.accountId, 'worker');
  return row;
}

/** A real-name verified person registers as a gig worker: profile, wallet and the `worker` role. */
export async function registerWorker(
  g: Gig,
  actor: Actor,
  input: WorkerProfileInput,
): Promise<WorkerProfile> {
  const { row, name } = await g.ctx.db.transaction().execute(async (trx) => {
    const person = await personOf(trx, actor.tenantId, actor.personId);
    requireVerified(person);
    const row = await insertWorker(
      g,
      trx,
      actor.tenantId,
      { personId: actor.personId, accountId: actor.accountId },
      input,
      'self',
    );
    return { row, name: person.name };
  });
  await g.matcher.upsertWorker(actor.tenantId, row);
  return toWorkerProfile(row, name);
}

export async function myWorkerProfile(g: Gig, actor: Actor): Promise<WorkerProfile> {
  return g.ctx.db.transaction().execute(async (trx) => {
    const row = await workerOf(trx, actor);
    const person = await personOf(trx, actor.tenantId, row.personId);
    return toWorkerProfile(row, person.name);
  });
}

export async function updateWorkerProfile(
  g: Gig,
  actor: Actor,
  input: WorkerProfileUpdate,
): Promise<WorkerProfile> {
  const { row, name } = await g.ctx.db.transaction().execute(async (trx) => {
    const current = await workerOf(trx, actor, true);
    const row = await trx
      .updateTable('gigWorker')
      .set({
        ...(input.categories ? { categories: input.categories } : {}),
        ...(input.skills ? { skills: input.skills } : {}),
        ...(input.home ? { homeLng: input.home.lng, homeLat: input.home.lat } : {}),
        ...(input.current
          ? { currentLng: input.current.lng, currentLat: input.current.lat, locatedAt: g.now() }
          : {}),
        ...(input.radiusKm !== undefined ? { radiusKm: input.radiusKm } : {}),
        ...(input.weekHours ? { weekHours: input.weekHours } : {}),
        ...(input.settlementCycle ? { settlementCycle: input.settlementCycle } : {}),
        ...(input.payout ? sealPayout(g, input.payout) : {}),
        updatedAt: g.now(),
      })
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const person = await personOf(trx, actor.tenantId, row.personId);
    return { row, name: person.name };
  });
  await g.matcher.upsertWorker(actor.tenantId, row);
  return toWorkerProfile(row, name);
}

/**
 * The offline desk registers a walk-in worker: the operator has seen the ID card, so the person is
 * recorded as verified; the worker signs in with a one-time password the desk hands over.
 */
export async function registerWalkInWorker(
  g: Gig,
  actor: Actor,
  input: DeskWorkerInput,
): Promise<{ worker: WorkerProfile; initialPassword: string }> {
  assertOperator(actor);
  const initialPassword = `Gig${randomInt(10_000_000, 99_999_999)}!`;
  const { accountId, personId } = await createAccountUnchecked(g.ctx, actor.tenantId, {
    name: input.name,
    phone: input.phone,
    password: initialPassword,
    roles: [{ role: 'worker' }],
    verifiedIdNumber: input.idNumber,
  });
  const row = await g.ctx.db
    .transaction()
    .execute((trx) => insertWorker(g, trx, actor.tenantId, { personId, accountId }, input.profile, 'desk'));
  await g.matcher.upsertWorker(actor.tenantId, row);
  return { worker: toWorkerProfile(row, input.name.trim()), initialPassword };
}

// ——— employers ———

async function balancesOf(trx: Trx, tenantId: string, employer: GigEmployerRow) {
  const accounts = await trx
    .selectFrom('ledgerAccount')
    .select(['id', 'kind', 'guarded', 'debitsPosted', 'creditsPosted', 'debitsPending', 'creditsPending'])
    .where('tenantId', '=', tenantId)
    .where('id', 'in', [employer.fundsAccountId, employer.guaranteeAccountId])
    .execute();
  const funds = accounts.find((a) => a.id === employer.fundsAccountId)!;
  const guarantee = accounts.find((a) => a.id === employer.guaranteeAccountId)!;
  return {
    availableFen: availableBalance(funds),
    heldFen: funds.debitsPending,
    guaranteeFen: availableBalance(guarantee),
  };
}

async function toEmployerProfile(trx: Trx, employer: GigEmployerRow): Promise<EmployerProfile> {
  return {
    id: employer.id,
    kind: employer.kind,
    name: employer.name,
    uscc: employer.uscc,
    status: employer.status,
    balances: await balancesOf(trx, employer.tenantId, employer),
  };
}

export async function registerEmployer(g: Gig, actor: Actor, input: EmployerInput): Promise<EmployerProfile> {
  let uscc: string | null = null;
  if (input.kind === 'business') {
    if (!input.uscc)
      throw invalidField('/uscc', 'a business needs its unified social credit code', 'invalid_uscc');
    const check = checkUscc(input.uscc);
    if (!check.ok)
      throw new AppError('invalid_uscc', `/uscc: ${check.message}`, {
        errors: [{ field: '/uscc', message: check.message }],
        messageZh: `统一社会信用代码有误：${check.messageZh}`,
      });
    uscc = check.code;
  } else if (input.uscc) throw invalidField('/uscc', 'only a business has a unified social credit code');
  return g.ctx.db.transaction().execute(async (trx) => {
    const person = await personOf(trx, actor.tenantId, actor.personId);
    requireVerified(person);
    const taken = await trx
      .selectFrom('gigEmployer')
      .select(['id', 'accountId'])
      .where('tenantId', '=', actor.tenantId)
      .where((eb) => eb.or([eb('accountId', '=', actor.accountId), ...(uscc ? [eb('uscc', '=', uscc)] : [])]))
      .executeTakeFirst();
    if (taken)
      throw new AppError(
        'conflict',
        taken.accountId === actor.accountId
          ? 'You already have an employer profile'
          : 'This unified social credit code is registered already',
        {
          messageZh: taken.accountId === actor.accountId ? '已有用工方档案' : '该统一社会信用代码已登记',
          ...(taken.accountId === actor.accountId
            ? {}
            : { errors: [{ field: '/uscc', message: 'is registered already' }] }),
        },
      );
    const id = newId();
    const [funds, guarantee] = await openAccounts(trx, [
      {
        tenantId: actor.tenantId,
        code: `gig.employer.${id}.funds`,
        name: '用工方账户',
        kind: 'liability',
        guarded: true,
      },
      {
        tenantId: actor.tenantId,
        code: `gig.employer.${id}.guarantee`,
        name: '工资保证金',
        kind: 'liability',
        guarded: true,
      },
    ]);
    const row = await trx
      .insertInto('gigEmployer')
      .values({
        tenantId: actor.tenantId,
        id,
        kind: input.kind,
        name: input.name.trim(),
        uscc,
        personId: actor.personId,
        accountId: actor.accountId,
        fundsAccountId: funds!.id,
        guaranteeAccountId: guarantee!.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await grantRoleUnchecked(trx, actor.tenantId, actor.accountId, 'employer');
    return toEmployerProfile(trx, row);
  });
}

export async function myEmployerProfile(g: Gig, actor: Actor): Promise<EmployerProfile> {
  return g.ctx.db.transaction().execute(async (trx) => toEmployerProfile(trx, await employerOf(trx, actor)));
}

export async function listEmployers(g: Gig, actor: Actor): Promise<GigEmployerSummary[]> {
  assertOperator(actor);
  return g.ctx.db
    .selectFrom('gigEmployer')
    .select(['id', 'kind', 'name', 'uscc'])
    .where('tenantId', '=', actor.tenantId)
    .orderBy('name')
    .limit(1000)
    .execute();
}

export async function addSite(g: Gig, actor: Actor, input: SiteInput): Promise<Site> {
  return g.ctx.db.transaction().execute(async (trx) => {
    const employer = await employerOf(trx, actor);
    const row = await trx
      .insertInto('gigSite')
      .values({
        tenantId: actor.tenantId,
        id: newId(),
        employerId: employer.id,
        name: input.name.trim(),
        address: input.address.trim(),
        lng: input.location.lng,
        lat: input.location.lat,
        radiusM: input.radiusM ?? 300,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSite(row);
  });
}

/** An employer's sites: their own, or any employer's for the offline desk (operators). */
export async function listSites(g: Gig, actor: Actor, employerId?: string): Promise<Site[]> {
  return g.ctx.db.transaction().execute(async (trx) => {
    let employer: { id: string };
    if (employerId === undefined) employer = await employerOf(trx, actor);
    else {
      assertOperator(actor);
      const found = await findEmployer(trx, actor.tenantId, employerId);
      if (!found) throw notFound('Employer');
      employer = found;
    }
    const rows = await trx
      .selectFrom('gigSite')
      .selectAll()
      .where('tenantId', '=', actor.tenantId)
      .where('employerId', '=', employer.id)
      .orderBy('createdAt')
      .execute();
    return rows.map(toSite);
  });
}

function requireKey(key: string | undefined): string {
  if (!key || key.length < 8)
    throw invalidField('/headers/idempotency-key', 'is required (8–100 characters) for a payment');
  return key;
}

/**
 * An employer tops up through the bank: the bank is charged first under a key derived from the
 * Idempotency-Key, then the money is booked bank → the employer's account under an id derived from
 * the same key. A retry (after a lost answer, a crash between charge and booking, or a double tap)
 * charges nothing more and books nothing twice.
 */
export async function topUp(
  g: Gig & { bank: BankGateway },
  actor: Actor,
  amountFen: number,
  idempotencyKey: string | undefined,
): Promise<TopUpResult> {
  const key = requireKey(idempotencyKey);
  const employer = await g.ctx.db.transaction().execute((trx) => employerOf(trx, actor));
  const transferId = derivedId(`${actor.tenantId}:gig.topup:${employer.id}:${key}`);
  try {
    await g.bank.charge({ key: transferId, amountFen, payerName: employer.name });
  } catch (error) {
    if (error instanceof BankUnavailableError)
      throw new AppError(
        'bank_unavailable',
        'The bank did not answer; try again with the same Idempotency-Key',
        {
          messageZh: '银行暂未响应，请稍后用同一请求重试（不会重复扣款）',
          retryAfterSeconds: 5,
        },
      );
    if (error instanceof BankKeyReusedError)
      throw new AppError('idempotency_conflict', 'This Idempotency-Key was used for another amount');
    throw error;
  }
  return g.ctx.db.transaction().execute(async (trx) => {
    const { bank } = await marketAccounts(trx, actor.tenantId);
    const [result] = await applyTransfers(trx, actor.tenantId, [
      {
        type: 'transfer',
        id: transferId,
        debitAccountId: bank.id,
        creditAccountId: employer.fundsAccountId,
        amount: amountFen,
        code: 'gig.topup',
        reference: employer.id,
        memo: '银行充值',
      },
    ]);
    if (result!.status === 'rejected')
      throw new AppError('idempotency_conflict', 'This Idempotency-Key was used for another top-up');
    return {
      id: transferId,
      amountFen: result!.transfer.amount,
      status: 'completed' as const,
      balances: await balancesOf(trx, actor.tenantId, employer),
    };
  });
}

/** Funds → the wage guarantee deposit (工资保证金), from which an operator pays adjudicated wages. */
export async function depositGuarantee(
  g: Gig,
  actor: Actor,
  amountFen: number,
  idempotencyKey: string | undefined,
): Promise<EmployerProfile> {
  const key = requireKey(idempotencyKey);
  return g.ctx.db.transaction().execute(async (trx) => {
    const employer = await employerOf(trx, actor);
    const [result] = await applyTransfers(trx, actor.tenantId, [
      {
        type: 'transfer',
        id: derivedId(`${actor.tenantId}:gig.guarantee:${employer.id}:${key}`),
        debitAccountId: employer.fundsAccountId,
        creditAccountId: employer.guaranteeAccountId,
        amount: amountFen,
        code: 'gig.guarantee_deposit',
        reference: employer.id,
        memo: '缴纳工资保证金',
      },
    ]);
    if (result!.status === 'rejected') throw ledgerProblem(result!, 'guarantee');
    return toEmployerProfile(trx, employer);
  });
}

/** A ledger refusal as the caller should read it: a shortfall names the amount missing. */
export function ledgerProblem(
  result: { reason: string; shortfall?: number },
  purpose: 'hire' | 'guarantee' | 'dispute',
): AppError {
  if (result.reason === 'exceeds_balance') {
    const shortfall = result.shortfall ?? 0;
    const yuan = (shortfall / 100).toFixed(2);
    const what =
      purpose === 'hire'
        ? 'to hold the wages of this hire'
        : purpose === 'guarantee'
          ? 'for this deposit'
          : 'for this payment';
    return new AppError(
      'insufficient_funds',
      `The employer's account is short by ${shortfall} fen (¥${yuan}) ${what}`,
      {
        shortfallFen: shortfall,
        messageZh: `账户余额不足，还差 ¥${yuan}`,
      },
    );
  }
  if (result.reason === 'exists_with_different_fields')
    return new AppError('idempotency_conflict', 'This Idempotency-Key was used for a different request');
  return new AppError('conflict', `The ledger refused the transfer: ${result.reason}`);
}

// ——— employers searching workers ———

export async function searchWorkers(
  g: Gig,
  actor: Actor,
  query: { category?: string; skill?: string; siteId?: string; limit?: number },
): Promise<WorkerCard[]> {
  return g.ctx.db.transaction().execute(async (trx) => {
    const employer = await employerOf(trx, actor);
    let site: { lng: number; lat: number } | undefined;
    if (query.siteId) {
      site = await trx
        .selectFrom('gigSite')
        .select(['lng', 'lat'])
        .where('tenantId', '=', actor.tenantId)
        .where('id', '=', query.siteId)
        .where('employerId', '=', employer.id)
        .executeTakeFirst();
      if (!site) throw notFound('Site');
    }
    const rows = await workersWithPerson(trx)
      .selectAll('w')
      .select('p.name')
      .where('w.tenantId', '=', actor.tenantId)
      .where('w.status', '=', 'active')
      .$if(query.category !== undefined, (q) =>
        q.where((eb) => eb(eb.val(query.category!), '=', eb.fn.any('w.categories'))),
      )
      .$if(query.skill !== undefined, (q) =>
        q.where((eb) => eb(eb.val(query.skill!), '=', eb.fn.any('w.skills'))),
      )
      .orderBy('w.reliability', 'desc')
      .orderBy('w.id')
      .limit(site ? 2000 : (query.limit ?? 20))
      .execute();
    const cards = rows.map((row) => {
      const distanceKm = site
        ? haversineMeters(
            [site.lng, site.lat],
            [row.currentLng ?? row.homeLng, row.currentLat ?? row.homeLat],
          ) / 1000
        : null;
      return toWorkerCard(row, row.name, distanceKm);
    });
    if (site) cards.sort((a, b) => a.distanceKm! - b.distanceKm! || b.reliability - a.reliability);
    return cards.slice(0, query.limit ?? 20);
  });
}

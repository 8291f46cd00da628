import type {
  Assignment,
  ClockRequest,
  Dispute,
  DisputeRequest,
  RatingRequest,
  ResolveDisputeRequest,
} from '@jiedao/contracts';
import { sql } from 'kysely';
import type { Actor } from '../../platform/auth/actor.js';
import { AppError, notFound } from '../../platform/errors.js';
import { pageWindow } from '../../platform/http/paging.js';
import { derivedId, newId } from '../../platform/ids.js';
import { applyTransfers, type LedgerRequest, type RequestResult } from '../../platform/ledger/index.js';
import { maskName } from '../../platform/privacy/index.js';
import {
  ATTENDANCE_DEFAULTS,
  checkClockIn,
  checkClockOut,
  confirmDeadline,
  earnedFen,
  isLateCancel,
  nextReliability,
  type Fix,
  type ReliabilityEvent,
} from './attendance-rules.js';
import {
  assertOperator,
  employerChannel,
  employerOf,
  isOperator,
  workerChannel,
  workerOf,
  type Gig,
  type Trx,
} from './gig.js';
import type { AssignmentState, GigAssignmentRow } from './gig.tables.js';
import { assignmentsInFull, assignmentsWithShift } from './gig.repository.js';
import { addInboxItem, smsWorker } from './jobs.service.js';
import { ledgerProblem } from './profiles.service.js';
import { iso, isoOrNull, toSite, toWorkerCard } from './views.js';

/** A shift still not clocked out this long after its end is closed at its end, for the employer to check. */
const MISSING_CLOCK_OUT_MS = 2 * 3600_000;

interface Locked {
  assignment: GigAssignmentRow;
  shift: { startsAt: Date; endsAt: Date; breakMinutes: number };
  job: { title: string; wageKind: 'hour' | 'day' | 'piece'; wageFen: number; expectedPieces: number | null };
  site: { lng: number; lat: number; radiusM: number };
  walletAccountId: string;
  fundsAccountId: string;
  guaranteeAccountId: string;
}

async function lockAssignment(trx: Trx, tenantId: string, assignmentId: string): Promise<Locked | undefined> {
  // One round trip: the assignment row locked (only it: `of a`), with what acting on it needs.
  const row = await assignmentsInFull(trx)
    .selectAll('a')
    .select([
      'sh.startsAt',
      'sh.endsAt',
      'sh.breakMinutes',
      'j.title',
      'j.wageKind',
      'j.wageFen',
      'j.expectedPieces',
      's.lng',
      's.lat',
      's.radiusM',
      'w.walletAccountId',
      'e.fundsAccountId',
      'e.guaranteeAccountId',
    ])
    .where('a.tenantId', '=', tenantId)
    .where('a.id', '=', assignmentId)
    .forUpdate('a')
    .executeTakeFirst();
  if (!row) return undefined;
  const {
    startsAt,
    endsAt,
    breakMinutes,
    title,
    wageKind,
    wageFen,
    expectedPieces,
    lng,
    lat,
    radiusM,
    walletAccountId,
    fundsAccountId,
    guaranteeAccountId,
    ...assignment
  } = row;
  return {
    assignment,
    shift: { startsAt, endsAt, breakMinutes },
    job: { title, wageKind, wageFen, expectedPieces },
    site: { lng, lat, radiusM },
    walletAccountId,
    fundsAccountId,
    guaranteeAccountId,
  };
}

/** Locks a shift the caller may act on as `side`; anyone else's is "not found". */
async function lockFor(
  trx: Trx,
  actor: Actor,
  assignmentId: string,
  side: 'worker' | 'employer',
): Promise<Locked> {
  const party = await lockParty(trx, actor, assignmentId);
  if (party.side !== side) throw notFound('Assignment');
  return party.locked;
}

/** Which side of a shift the caller is on — its employer (first, for one who is both) or its worker. */
async function partyOf(
  trx: Trx,
  actor: Actor,
  assignment: Pick<GigAssignmentRow, 'workerId' | 'employerId'>,
): Promise<'worker' | 'employer' | undefined> {
  const mine = (table: 'gigWorker' | 'gigEmployer') =>
    trx
      .selectFrom(table)
      .select('id')
      .where('tenantId', '=', actor.tenantId)
      .where('accountId', '=', actor.accountId)
      .executeTakeFirst();
  if ((await mine('gigEmployer'))?.id === assignment.employerId) return 'employer';
  if ((await mine('gigWorker'))?.id === assignment.workerId) return 'worker';
  return undefined;
}

/** Locks a shift the caller is a party to, and says which side they are on; anyone else's is "not found". */
async function lockParty(
  trx: Trx,
  actor: Actor,
  assignmentId: string,
): Promise<{ locked: Locked; side: 'worker' | 'employer' }> {
  const locked = await lockAssignment(trx, actor.tenantId, assignmentId);
  const side = locked ? await partyOf(trx, actor, locked.assignment) : undefined;
  if (!locked || !side) throw notFound('Assignment');
  return { locked, side };
}

async function update(
  trx: Trx,
  g: Gig,
  assignment: GigAssignmentRow,
  values: Partial<Omit<GigAssignmentRow, 'tenantId' | 'id'>>,
) {
  await trx
    .updateTable('gigAssignment')
    .set({ ...values, updatedAt: g.now() })
    .where('tenantId', '=', assignment.tenantId)
    .where('id', '=', assignment.id)
    .execute();
}

async function adjustWorker(
  trx: Trx,
  tenantId: string,
  workerId: string,
  events: ReliabilityEvent[],
  extra: { shiftsDone?: number; noShows?: number } = {},
) {
  const worker = await trx
    .selectFrom('gigWorker')
    .select(['reliability'])
    .where('tenantId', '=', tenantId)
    .where('id', '=', workerId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const reliability = events.reduce((value, event) => nextReliability(value, event), worker.reliability);
  await trx
    .updateTable('gigWorker')
    .set((eb) => ({
      reliability,
      shiftsDone: eb('shiftsDone', '+', extra.shiftsDone ?? 0),
      noShows: eb('noShows', '+', extra.noShows ?? 0),
    }))
    .where('tenantId', '=', tenantId)
    .where('id', '=', workerId)
    .execute();
}

async function previousFixes(trx: Trx, tenantId: string, workerId: string): Promise<Fix[]> {
  const rows = await trx
    .selectFrom('gigLocationFix')
    .select(['lng', 'lat', 'accuracyM', 'at', 'mocked'])
    .where('tenantId', '=', tenantId)
    .where('workerId', '=', workerId)
    .orderBy('at', 'desc')
    .limit(20)
    .execute();
  return rows.reverse();
}

async function recordFix(
  trx: Trx,
  locked: Locked,
  purpose: 'clock_in' | 'clock_out' | 'refused',
  fix: Fix,
  flags: string[],
): Promise<void> {
  await trx
    .insertInto('gigLocationFix')
    .values({
      tenantId: locked.assignment.tenantId,
      id: newId(),
      workerId: locked.assignment.workerId,
      assignmentId: locked.assignment.id,
      purpose,
      lng: fix.lng,
      lat: fix.lat,
      accuracyM: fix.accuracyM,
      mocked: fix.mocked ?? false,
      at: fix.at,
      flags,
    })
    .execute();
}

function clockRefused(result: {
  reason: string;
  distanceM: number;
  radiusM: number;
  message: string;
  messageZh: string;
  earliestAt?: Date;
}) {
  return new AppError('clock_refused', result.message, {
    reason: result.reason,
    distanceM: Number.isFinite(result.distanceM) ? Math.ceil(result.distanceM) : null,
    radiusM: result.radiusM,
    messageZh: result.messageZh,
    ...(result.earliestAt ? { earliestAt: result.earliestAt.toISOString() } : {}),
  });
}

/** What a shift earned between two moments, at its job's terms (the hold caps it). */
function earnedFor(locked: Locked, clockInAt: Date, clockOutAt: Date, pieces: number | undefined) {
  return earnedFen({
    wageKind: locked.job.wageKind,
    wageFen: locked.job.wageFen,
    ...(locked.job.expectedPieces ? { expectedPieces: locked.job.expectedPieces } : {}),
    shift: locked.shift,
    clockInAt,
    clockOutAt,
    ...(pieces !== undefined ? { pieces } : {}),
    holdFen: locked.assignment.holdFen,
  });
}

/** What one clock reading did: nothing (the first stands), refused with a reason, or a new state. */
type ClockMove =
  | { kind: 'repeat' }
  | { kind: 'refused'; refusal: Parameters<typeof clockRefused>[0] }
  | { kind: 'moved'; state: AssignmentState };

/**
 * One clock reading by the shift's worker: the move decides, inside the transaction that locks the
 * assignment. A refused reading is kept as a location fix too, in its own transaction (the answer is
 * a 422, and the reading still counts for the fake-location heuristics).
 */
async function clock(
  g: Gig,
  actor: Actor,
  assignmentId: string,
  input: ClockRequest,
  move: (trx: Trx, locked: Locked, fix: Fix, previous: () => Promise<Fix[]>) => Promise<ClockMove>,
): Promise<Assignment> {
  const fix: Fix = {
    lng: input.location.lng,
    lat: input.location.lat,
    accuracyM: input.accuracyM,
    at: g.now(),
    mocked: input.mocked ?? false,
  };
  const { locked, result } = await g.ctx.db.transaction().execute(async (trx) => {
    const locked = await lockFor(trx, actor, assignmentId, 'worker');
    const previous = () => previousFixes(trx, actor.tenantId, locked.assignment.workerId);
    return { locked, result: await move(trx, locked, fix, previous) };
  });
  if (result.kind === 'refused') {
    await g.ctx.db.transaction().execute((trx) => recordFix(trx, locked, 'refused', fix, []));
    throw clockRefused(result.refusal);
  }
  if (result.kind === 'moved')
    notify(
      g,
      actor.tenantId,
      locked.assignment.workerId,
      locked.assignment.employerId,
      assignmentId,
      result.state,
    );
  return assignmentAs(g, actor.tenantId, assignmentId, 'worker');
}

/** Clock-in inside the site's geofence; a repeated clock-in answers the first one (it stands). */
export function clockIn(
  g: Gig,
  actor: Actor,
  assignmentId: string,
  input: ClockRequest,
): Promise<Assignment> {
  return clock(g, actor, assignmentId, input, async (trx, locked, fix, previous) => {
    const { assignment } = locked;
    if (assignment.clockInAt) return { kind: 'repeat' };
    if (assignment.state !== 'scheduled')
      throw new AppError('conflict', `This shift is ${assignment.state}: no clock-in`, {
        messageZh:
          assignment.state === 'no_show' ? '已超过到岗时限，记为缺勤；如有异议请申诉' : '该班次不能打卡',
      });
    const result = checkClockIn({ site: locked.site, fix, shift: locked.shift, previous: await previous() });
    if (!result.ok) return { kind: 'refused', refusal: result };
    await recordFix(trx, locked, 'clock_in', fix, result.flags);
    await update(trx, g, assignment, {
      state: 'on_shift',
      clockInAt: fix.at,
      clockInDistanceM: Math.round(result.distanceM),
      lateMinutes: result.lateMinutes,
      flags: result.flags,
    });
    if (result.lateMinutes > 0) await adjustWorker(trx, actor.tenantId, assignment.workerId, ['late']);
    return { kind: 'moved', state: 'on_shift' };
  });
}

/** Clock-out (with the pieces done, for piece work): what was earned waits for the employer's confirmation. */
export function clockOut(
  g: Gig,
  actor: Actor,
  assignmentId: string,
  input: ClockRequest,
): Promise<Assignment> {
  return clock(g, actor, assignmentId, input, async (trx, locked, fix, previous) => {
    const { assignment } = locked;
    if (assignment.clockOutAt) return { kind: 'repeat' };
    if (assignment.state !== 'on_shift' || !assignment.clockInAt)
      throw new AppError('conflict', 'Clock in before clocking out', { messageZh: '请先上班打卡' });
    if (locked.job.wageKind === 'piece' && input.pieces === undefined)
      throw new AppError('validation_failed', '/pieces: is required when clocking out of piece-rate work', {
        errors: [{ field: '/pieces', message: 'is required for piece-rate work' }],
        messageZh: '计件工作下班时请填写完成件数',
      });
    const result = checkClockOut({
      site: locked.site,
      fix,
      shift: locked.shift,
      clockInAt: assignment.clockInAt,
      previous: await previous(),
    });
    if (!result.ok) return { kind: 'refused', refusal: result };
    await recordFix(trx, locked, 'clock_out', fix, result.flags);
    const earned = earnedFor(locked, assignment.clockInAt, fix.at, input.pieces);
    await update(trx, g, assignment, {
      state: 'awaiting_confirmation',
      clockOutAt: fix.at,
      clockOutDistanceM: Math.round(result.distanceM),
      earlyLeaveMinutes: result.earlyLeaveMinutes,
      flags: [...new Set([...assignment.flags, ...result.flags])],
      pieces: input.pieces ?? null,
      workedMinutes: earned.workedMinutes,
      earnedFen: earned.earnedFen,
      confirmDueAt: confirmDeadline(fix.at),
    });
    if (result.earlyLeaveMinutes > 0)
      await adjustWorker(trx, actor.tenantId, assignment.workerId, ['early_leave']);
    return { kind: 'moved', state: 'awaiting_confirmation' };
  });
}

function notify(
  g: Gig,
  tenantId: string,
  workerId: string,
  employerId: string,
  id: string,
  state: AssignmentState,
) {
  g.hub.publish(workerChannel(tenantId, workerId), 'gig.assignment', { id, state });
  g.hub.publish(employerChannel(tenantId, employerId), 'gig.assignment', { id, state });
}

/**
 * Pays a shift: the hold posts `amount` to the worker's wallet at once and the rest returns to the
 * employer (nothing earned: the hold is voided). Ids derive from the assignment, so a retry, a
 * sweep racing the employer, or a crash and restart cannot pay twice.
 */
async function payShift(
  g: Gig,
  trx: Trx,
  locked: Locked,
  amount: number,
  by: 'employer' | 'auto' | 'operator',
): Promise<{ inbox?: Awaited<ReturnType<typeof addInboxItem>> }> {
  const { assignment } = locked;
  const tenantId = assignment.tenantId;
  const request = settleHold(assignment, amount, locked.job.title);
  const [result] = await applyTransfers(trx, tenantId, [request], g.now());
  assertApplied(result!);
  await update(trx, g, assignment, {
    state: 'paid',
    confirmedAt: g.now(),
    confirmedBy: by,
    paidFen: amount,
  });
  const events: ReliabilityEvent[] = assignment.clockInAt ? ['completed'] : [];
  await adjustWorker(trx, tenantId, assignment.workerId, events, {
    shiftsDone: assignment.clockInAt ? 1 : 0,
  });
  if (amount <= 0) return {};
  const yuan = (amount / 100).toFixed(2);
  const inbox = await addInboxItem(trx, {
    tenantId,
    workerId: assignment.workerId,
    kind: 'paid',
    jobId: assignment.jobId,
    title: `工资到账 ¥${yuan}`,
    body: `${locked.job.title} · 已存入您的零工钱包`,
    at: g.now(),
  });
  await smsWorker(g, trx, tenantId, assignment.workerId, `gig.paid:${assignment.id}`, 'gig_paid', {
    amount: yuan,
    title: locked.job.title,
  });
  return { inbox };
}

/**
 * The one settling request of a shift's hold: post `amount` (the rest returns to the employer), or
 * void it when nothing is owed. Its id derives from the assignment, so whoever settles the hold —
 * the employer, the sweep, an operator, a retry after a crash — settles it once.
 */
function settleHold(
  assignment: Pick<GigAssignmentRow, 'tenantId' | 'id' | 'holdTransferId'>,
  amount: number,
  memo: string | null = null,
): LedgerRequest {
  const common = {
    id: derivedId(`${assignment.tenantId}:gig.wage:${assignment.id}`),
    pendingId: assignment.holdTransferId,
    reference: assignment.id,
  };
  return amount > 0 ? { type: 'post', ...common, amount, memo } : { type: 'void', ...common };
}

/** A ledger answer that is neither created nor already there is a fault of ours: never swallow it. */
function assertApplied(result: RequestResult): void {
  if (result.status === 'rejected' && result.reason !== 'pending_already_resolved')
    throw new Error(`ledger refused ${result.id}: ${result.reason}`);
}

/** The employer confirms the attendance: the earned wage reaches the worker's wallet now. */
export async function confirmAttendance(g: Gig, actor: Actor, assignmentId: string): Promise<Assignment> {
  const outcome = await g.ctx.db.transaction().execute(async (trx) => {
    const locked = await lockFor(trx, actor, assignmentId, 'employer');
    const { assignment } = locked;
    if (assignment.state === 'paid') return undefined;
    if (assignment.state !== 'awaiting_confirmation')
      throw new AppError('conflict', `This shift is ${assignment.state}: nothing to confirm`, {
        messageZh: '该班次当前不能确认',
      });
    const { inbox } = await payShift(g, trx, locked, assignment.earnedFen ?? 0, 'employer');
    return { workerId: assignment.workerId, employerId: assignment.employerId, inbox };
  });
  if (outcome) {
    notify(g, actor.tenantId, outcome.workerId, outcome.employerId, assignmentId, 'paid');
    if (outcome.inbox)
      g.hub.publish(workerChannel(actor.tenantId, outcome.workerId), 'gig.inbox', { item: outcome.inbox });
  }
  return assignmentAs(g, actor.tenantId, assignmentId, 'employer');
}

/**
 * The sweeps' part of attendance, each in small transactions:
 * - confirmations not given within the window are given by the platform (`auto`);
 * - a shift with no clock-in 30 minutes after its start is a no-show: the hold returns to the employer;
 * - a shift still open two hours after its end is closed at its end and waits for the employer.
 */
export async function sweepAttendance(
  g: Gig,
  limit = 200,
): Promise<{ confirmed: number; noShows: number; closed: number }> {
  const now = g.now();
  const counts = { confirmed: 0, noShows: 0, closed: 0 };
  const due = await g.ctx.db
    .selectFrom('gigAssignment')
    .select(['tenantId', 'id'])
    .where('state', '=', 'awaiting_confirmation')
    .where('confirmDueAt', '<=', now)
    .orderBy('confirmDueAt')
    .limit(limit)
    .execute();
  for (const row of due) {
    const done = await g.ctx.db.transaction().execute(async (trx) => {
      const locked = await lockAssignment(trx, row.tenantId, row.id);
      if (!locked || locked.assignment.state !== 'awaiting_confirmation') return undefined;
      const { inbox } = await payShift(g, trx, locked, locked.assignment.earnedFen ?? 0, 'auto');
      return { workerId: locked.assignment.workerId, employerId: locked.assignment.employerId, inbox };
    });
    if (!done) continue;
    counts.confirmed += 1;
    notify(g, row.tenantId, done.workerId, done.employerId, row.id, 'paid');
    if (done.inbox)
      g.hub.publish(workerChannel(row.tenantId, done.workerId), 'gig.inbox', { item: done.inbox });
  }

  const absent = await assignmentsWithShift(g.ctx.db)
    .select(['a.tenantId', 'a.id'])
    .where('a.state', '=', 'scheduled')
    .where('sh.startsAt', '<=', new Date(now.getTime() - ATTENDANCE_DEFAULTS.noShowAfterMinutes * 60_000))
    .limit(limit)
    .execute();
  for (const row of absent) {
    const done = await g.ctx.db.transaction().execute(async (trx) => {
      const locked = await lockAssignment(trx, row.tenantId, row.id);
      if (!locked || locked.assignment.state !== 'scheduled') return undefined;
      const [result] = await applyTransfers(trx, row.tenantId, [settleHold(locked.assignment, 0)], now);
      assertApplied(result!);
      await update(trx, g, locked.assignment, { state: 'no_show', paidFen: 0 });
      await adjustWorker(trx, row.tenantId, locked.assignment.workerId, ['no_show'], { noShows: 1 });
      return locked.assignment;
    });
    if (!done) continue;
    counts.noShows += 1;
    notify(g, row.tenantId, done.workerId, done.employerId, row.id, 'no_show');
  }

  const open = await assignmentsWithShift(g.ctx.db)
    .select(['a.tenantId', 'a.id'])
    .where('a.state', '=', 'on_shift')
    .where('sh.endsAt', '<=', new Date(now.getTime() - MISSING_CLOCK_OUT_MS))
    .limit(limit)
    .execute();
  for (const row of open) {
    const done = await g.ctx.db.transaction().execute(async (trx) => {
      const locked = await lockAssignment(trx, row.tenantId, row.id);
      if (!locked || locked.assignment.state !== 'on_shift' || !locked.assignment.clockInAt) return undefined;
      // Piece work without a count: nothing is assumed; the employer confirms or disputes.
      const earned = earnedFor(locked, locked.assignment.clockInAt, locked.shift.endsAt, 0);
      await update(trx, g, locked.assignment, {
        state: 'awaiting_confirmation',
        workedMinutes: earned.workedMinutes,
        earnedFen: earned.earnedFen,
        confirmDueAt: confirmDeadline(now),
      });
      return locked.assignment;
    });
    if (!done) continue;
    counts.closed += 1;
    notify(g, row.tenantId, done.workerId, done.employerId, row.id, 'awaiting_confirmation');
  }
  return counts;
}

/** Either side calls off a hire's shift before it starts: the hold returns; a worker's late cancel costs reliability. */
export async function cancelAssignment(g: Gig, actor: Actor, assignmentId: string): Promise<Assignment> {
  const { side, cancelled } = await g.ctx.db.transaction().execute(async (trx) => {
    const { locked, side } = await lockParty(trx, actor, assignmentId);
    const { assignment } = locked;
    if (assignment.state === 'cancelled') return { side, cancelled: undefined };
    if (assignment.state !== 'scheduled' || locked.shift.startsAt <= g.now())
      throw new AppError('conflict', 'Only a shift that has not started can be cancelled', {
        messageZh: '班次开始后不能取消',
      });
    const [result] = await applyTransfers(trx, actor.tenantId, [settleHold(assignment, 0)], g.now());
    assertApplied(result!);
    await update(trx, g, assignment, { state: 'cancelled', paidFen: 0, cancelledBy: side });
    if (side === 'worker')
      await adjustWorker(trx, actor.tenantId, assignment.workerId, [
        isLateCancel(locked.shift.startsAt, g.now()) ? 'late_cancel' : 'cancel',
      ]);
    return { side, cancelled: assignment };
  });
  if (cancelled)
    notify(g, actor.tenantId, cancelled.workerId, cancelled.employerId, assignmentId, 'cancelled');
  return assignmentAs(g, actor.tenantId, assignmentId, side);
}

// ——— disputes ———

export async function raiseDispute(
  g: Gig,
  actor: Actor,
  assignmentId: string,
  input: DisputeRequest,
): Promise<Dispute> {
  const id = await g.ctx.db.transaction().execute(async (trx) => {
    const { locked, side } = await lockParty(trx, actor, assignmentId);
    const { assignment } = locked;
    const open = await trx
      .selectFrom('gigDispute')
      .select('id')
      .where('tenantId', '=', actor.tenantId)
      .where('assignmentId', '=', assignmentId)
      .where('state', '=', 'open')
      .executeTakeFirst();
    if (open) return open.id;
    const allowed: AssignmentState[] =
      side === 'employer'
        ? ['awaiting_confirmation', 'on_shift']
        : ['awaiting_confirmation', 'paid', 'no_show', 'on_shift'];
    if (!allowed.includes(assignment.state))
      throw new AppError('conflict', `A ${assignment.state} shift cannot be disputed by the ${side}`, {
        messageZh: side === 'employer' ? '只能在确认时限内对考勤提出异议' : '该班次当前不能申诉',
      });
    if (side === 'employer' && assignment.confirmDueAt && assignment.confirmDueAt <= g.now())
      throw new AppError('conflict', 'The confirmation window has passed', { messageZh: '已超过确认时限' });
    const id = newId();
    await trx
      .insertInto('gigDispute')
      .values({
        tenantId: actor.tenantId,
        id,
        assignmentId,
        raisedBy: side,
        raisedByAccount: actor.accountId,
        reason: input.reason.trim(),
        claimedFen: input.claimedFen ?? null,
        createdAt: g.now(),
      })
      .execute();
    await update(trx, g, assignment, { state: 'disputed' });
    return id;
  });
  return (await loadDisputes(g, actor.tenantId, [id]))[0]!;
}

/**
 * An operator settles a dispute with a reason; all money moves as ledger transfers under ids derived
 * from the dispute. `pay` sets what the worker gets for the shift in total (from the hold first, then
 * the employer's account, or the wage guarantee when the operator says so or the account is short);
 * `refund` returns `amountFen` of what the worker was paid to the employer; `dismiss` lets the
 * attendance stand as recorded.
 */
export async function resolveDispute(
  g: Gig,
  actor: Actor,
  disputeId: string,
  input: ResolveDisputeRequest,
): Promise<Dispute> {
  assertOperator(actor);
  await g.ctx.db.transaction().execute(async (trx) => {
    const dispute = await trx
      .selectFrom('gigDispute')
      .selectAll()
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', disputeId)
      .forUpdate()
      .executeTakeFirst();
    if (!dispute) throw notFound('Dispute');
    if (dispute.state === 'resolved') return;
    const locked = (await lockAssignment(trx, actor.tenantId, dispute.assignmentId))!;
    const { assignment } = locked;
    const tenantId = actor.tenantId;
    const idFor = (what: string) => derivedId(`${tenantId}:gig.dispute:${disputeId}:${what}`);
    const holdId = assignment.holdTransferId;
    const holdPending =
      (
        await trx
          .selectFrom('ledgerTransfer')
          .select('state')
          .where('tenantId', '=', tenantId)
          .where('id', '=', holdId)
          .executeTakeFirstOrThrow()
      ).state === 'pending';
    const alreadyPaid = assignment.paidFen ?? 0;
    let paid = alreadyPaid;
    let fromGuarantee = false;
    const requests: LedgerRequest[] = [];
    if (input.resolution === 'pay') {
      if (input.amountFen === undefined)
        throw new AppError('validation_failed', '/amountFen: is required to pay', {
          errors: [{ field: '/amountFen', message: 'is required to pay' }],
        });
      const total = input.amountFen;
      let extra: number;
      if (holdPending) {
        const fromHold = Math.min(total, assignment.holdFen);
        requests.push(settleHold(assignment, fromHold, 'dispute'));
        extra = total - fromHold;
      } else extra = total - alreadyPaid;
      if (extra < 0)
        throw new AppError(
          'validation_failed',
          `/amountFen: the worker was paid ${alreadyPaid} fen already; use refund to take money back`,
          {
            errors: [{ field: '/amountFen', message: 'is below what was paid; use refund' }],
          },
        );
      if (extra > 0) {
        fromGuarantee = input.fromGuarantee ?? false;
        requests.push({
          type: 'transfer',
          id: idFor('pay'),
          debitAccountId: fromGuarantee ? locked.guaranteeAccountId : locked.fundsAccountId,
          creditAccountId: locked.walletAccountId,
          amount: extra,
          code: fromGuarantee ? 'gig.guarantee_pay' : 'gig.dispute_pay',
          reference: disputeId,
          memo: input.note,
        });
      }
      paid = total;
    } else if (input.resolution === 'refund') {
      const amount = input.amountFen ?? 0;
      if (holdPending) {
        // Nothing reached the worker yet: the refund is what the hold does not post.
        const post = Math.max(0, (assignment.earnedFen ?? 0) - amount);
        requests.push(settleHold(assignment, post, 'dispute'));
        paid = post;
      } else {
        if (amount > alreadyPaid)
          throw new AppError(
            'validation_failed',
            `/amountFen: at most the ${alreadyPaid} fen paid can be refunded`,
            {
              errors: [{ field: '/amountFen', message: `exceeds the ${alreadyPaid} fen paid` }],
            },
          );
        if (amount > 0)
          requests.push({
            type: 'transfer',
            id: idFor('refund'),
            debitAccountId: locked.walletAccountId,
            creditAccountId: locked.fundsAccountId,
            amount,
            code: 'gig.dispute_refund',
            reference: disputeId,
            memo: input.note,
          });
        paid = alreadyPaid - amount;
      }
    } else if (holdPending) {
      const amount = assignment.clockInAt ? (assignment.earnedFen ?? 0) : 0;
      requests.push(settleHold(assignment, amount));
      paid = amount;
    }
    const chained = requests.map((request, index) => ({ ...request, linked: index < requests.length - 1 }));
    const results = await applyTransfers(trx, tenantId, chained, g.now());
    const refused = results.find(
      (result) => result.status === 'rejected' && result.reason !== 'linked_transfer_failed',
    );
    if (refused && refused.status === 'rejected') {
      if (refused.reason === 'exceeds_balance' && refused.accountId === locked.walletAccountId)
        throw new AppError(
          'insufficient_funds',
          `The worker's wallet is short by ${refused.shortfall} fen: the wage was paid out already`,
          {
            shortfallFen: refused.shortfall,
            messageZh: `工人钱包余额不足（已提现），还差 ¥${((refused.shortfall ?? 0) / 100).toFixed(2)}`,
          },
        );
      throw ledgerProblem(refused, 'dispute');
    }
    await trx
      .updateTable('gigDispute')
      .set({
        state: 'resolved',
        resolution: input.resolution,
        amountFen: input.amountFen ?? null,
        fromGuarantee,
        resolutionNote: input.note.trim(),
        resolvedBy: actor.accountId,
        resolvedAt: g.now(),
      })
      .where('tenantId', '=', tenantId)
      .where('id', '=', disputeId)
      .execute();
    const finalState: AssignmentState = assignment.clockInAt || paid > 0 ? 'paid' : 'no_show';
    await update(trx, g, assignment, {
      state: finalState,
      paidFen: paid,
      ...(assignment.confirmedAt ? {} : { confirmedAt: g.now(), confirmedBy: 'operator' as const }),
    });
  });
  return (await loadDisputes(g, actor.tenantId, [disputeId]))[0]!;
}

async function loadDisputes(g: Gig, tenantId: string, ids: string[]): Promise<Dispute[]> {
  if (ids.length === 0) return [];
  const rows = await assignmentsInFull(g.ctx.db)
    .innerJoin('gigDispute as d', (join) =>
      join.onRef('d.tenantId', '=', 'a.tenantId').onRef('d.assignmentId', '=', 'a.id'),
    )
    .selectAll('d')
    .select([
      'j.title',
      'e.name as employerName',
      'p.name as workerName',
      'a.holdFen',
      'a.earnedFen',
      'a.paidFen',
    ])
    .where('d.tenantId', '=', tenantId)
    .where('d.id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    return [
      {
        id: row.id,
        assignmentId: row.assignmentId,
        jobTitle: row.title,
        employerName: row.employerName,
        workerName: maskName(row.workerName),
        raisedBy: row.raisedBy,
        reason: row.reason,
        claimedFen: row.claimedFen,
        holdFen: row.holdFen,
        earnedFen: row.earnedFen,
        paidFen: row.paidFen,
        state: row.state,
        resolution: row.resolution,
        amountFen: row.amountFen,
        fromGuarantee: row.fromGuarantee,
        resolutionNote: row.resolutionNote,
        createdAt: iso(row.createdAt),
        resolvedAt: isoOrNull(row.resolvedAt),
      },
    ];
  });
}

export async function listDisputes(
  g: Gig,
  actor: Actor,
  query: { state?: 'open' | 'resolved'; page?: number; pageSize?: number },
) {
  assertOperator(actor);
  const { page, pageSize, limit, offset } = pageWindow(query);
  const base = g.ctx.db
    .selectFrom('gigDispute')
    .where('tenantId', '=', actor.tenantId)
    .$if(query.state !== undefined, (q) => q.where('state', '=', query.state!));
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const ids = await base
    .select('id')
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  return {
    items: await loadDisputes(
      g,
      actor.tenantId,
      ids.map((row) => row.id),
    ),
    total: Number(total),
    page,
    pageSize,
  };
}

// ——— ratings ———

export async function rate(
  g: Gig,
  actor: Actor,
  assignmentId: string,
  input: RatingRequest,
): Promise<Assignment> {
  const side = await g.ctx.db.transaction().execute(async (trx) => {
    const {
      locked: { assignment },
      side,
    } = await lockParty(trx, actor, assignmentId);
    if (!['paid', 'awaiting_confirmation', 'disputed', 'no_show'].includes(assignment.state))
      throw new AppError('conflict', 'Rate a shift after it ends', { messageZh: '班次结束后才能评价' });
    const inserted = await trx
      .insertInto('gigRating')
      .values({
        tenantId: actor.tenantId,
        assignmentId,
        rater: side,
        stars: input.stars,
        comment: input.comment?.trim() ?? '',
        createdAt: g.now(),
      })
      .onConflict((conflict) => conflict.columns(['tenantId', 'assignmentId', 'rater']).doNothing())
      .returning('stars')
      .executeTakeFirst();
    // The employer's rating of the worker feeds the worker's average; the first rating stands.
    if (inserted && side === 'employer')
      await trx
        .updateTable('gigWorker')
        .set((eb) => ({
          ratingSum: eb('ratingSum', '+', input.stars),
          ratingCount: eb('ratingCount', '+', 1),
        }))
        .where('tenantId', '=', actor.tenantId)
        .where('id', '=', assignment.workerId)
        .execute();
    return side;
  });
  return assignmentAs(g, actor.tenantId, assignmentId, side);
}

// ——— reading ———

/** One shift as `side` sees it, for a caller whose side the write just established. */
async function assignmentAs(
  g: Gig,
  tenantId: string,
  assignmentId: string,
  side: 'worker' | 'employer',
): Promise<Assignment> {
  return (await loadAssignments(g, tenantId, [assignmentId], side))[0]!;
}

async function loadAssignments(
  g: Gig,
  tenantId: string,
  ids: string[],
  rater: 'worker' | 'employer' | null,
): Promise<Assignment[]> {
  if (ids.length === 0) return [];
  const rows = await assignmentsInFull(g.ctx.db)
    .selectAll('a')
    .select([
      'sh.startsAt',
      'sh.endsAt',
      'sh.breakMinutes',
      'j.title',
      'j.wageKind',
      'j.wageFen',
      's.id as siteId',
      's.name as siteName',
      's.address as siteAddress',
      's.lng as siteLng',
      's.lat as siteLat',
      's.radiusM as siteRadiusM',
      'p.name as workerName',
      'w.categories',
      'w.skills',
      'w.reliability',
      'w.ratingSum',
      'w.ratingCount',
      'w.shiftsDone',
      sql<boolean>`exists (select 1 from gig_dispute d where d.tenant_id = a.tenant_id and d.assignment_id = a.id and d.state = 'open')`.as(
        'openDispute',
      ),
      rater
        ? sql<
            number | null
          >`(select r.stars from gig_rating r where r.tenant_id = a.tenant_id and r.assignment_id = a.id and r.rater = ${rater})`.as(
            'myRating',
          )
        : sql<number | null>`null::int`.as('myRating'),
    ])
    .where('a.tenantId', '=', tenantId)
    .where('a.id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    return [
      {
        id: row.id,
        applicationId: row.applicationId,
        job: { id: row.jobId, title: row.title, wageKind: row.wageKind, wageFen: row.wageFen },
        site: toSite({
          id: row.siteId,
          name: row.siteName,
          address: row.siteAddress,
          lng: row.siteLng,
          lat: row.siteLat,
          radiusM: row.siteRadiusM,
        }),
        worker: toWorkerCard({ ...row, id: row.workerId }, row.workerName, null),
        shift: {
          id: row.shiftId,
          startsAt: iso(row.startsAt),
          endsAt: iso(row.endsAt),
          breakMinutes: row.breakMinutes,
          holdFen: row.holdFen,
        },
        state: row.state,
        holdFen: row.holdFen,
        clockInAt: isoOrNull(row.clockInAt),
        clockInDistanceM: row.clockInDistanceM,
        lateMinutes: row.lateMinutes,
        clockOutAt: isoOrNull(row.clockOutAt),
        clockOutDistanceM: row.clockOutDistanceM,
        earlyLeaveMinutes: row.earlyLeaveMinutes,
        flags: row.flags as Assignment['flags'],
        pieces: row.pieces,
        workedMinutes: row.workedMinutes,
        earnedFen: row.earnedFen,
        paidFen: row.paidFen,
        confirmDueAt: isoOrNull(row.confirmDueAt),
        confirmedAt: isoOrNull(row.confirmedAt),
        confirmedBy: row.confirmedBy,
        myRating: row.myRating,
        openDispute: row.openDispute,
      },
    ];
  });
}

/** One assignment, for its worker, its employer or an operator; anyone else gets "not found". */
export async function getAssignment(g: Gig, actor: Actor, assignmentId: string): Promise<Assignment> {
  const side = await g.ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('gigAssignment')
      .select(['workerId', 'employerId'])
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', assignmentId)
      .executeTakeFirst();
    if (!row) return undefined;
    return (await partyOf(trx, actor, row)) ?? (isOperator(actor) ? null : undefined);
  });
  if (side === undefined) throw notFound('Assignment');
  return (await loadAssignments(g, actor.tenantId, [assignmentId], side))[0]!;
}

export async function listAssignments(
  g: Gig,
  actor: Actor,
  side: 'worker' | 'employer',
  query: { state?: AssignmentState; page?: number; pageSize?: number },
) {
  const { page, pageSize, limit, offset } = pageWindow(query);
  const ownerId = await g.ctx.db
    .transaction()
    .execute(async (trx) =>
      side === 'worker' ? (await workerOf(trx, actor)).id : (await employerOf(trx, actor)).id,
    );
  const base = assignmentsWithShift(g.ctx.db)
    .where('a.tenantId', '=', actor.tenantId)
    .where(side === 'worker' ? 'a.workerId' : 'a.employerId', '=', ownerId)
    .$if(query.state !== undefined, (q) => q.where('a.state', '=', query.state!));
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const ids = await base
    .select('a.id')
    .orderBy('sh.startsAt', 'desc')
    .orderBy('a.id')
    .limit(limit)
    .offset(offset)
    .execute();
  return {
    items: await loadAssignments(
      g,
      actor.tenantId,
      ids.map((row) => row.id),
      side,
    ),
    total: Number(total),
    page,
    pageSize,
  };
}

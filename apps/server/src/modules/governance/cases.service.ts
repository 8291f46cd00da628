import type {
  CaseDetail,
  CaseMoveRequest,
  CaseQuery,
  CaseSummary,
  DispatchOptions,
  DuplicateSuggestion,
  GovEvent,
  TaskActionRequest,
} from '@jiedao/contracts';
import {
  categoryOf,
  isActiveCaseStage,
  type CaseMove,
  type CaseStage,
  type Role,
  type UnitType,
} from '@jiedao/contracts/constants';
import { sql, type Transaction } from 'kysely';
import { hasRole, type Actor } from '../../platform/auth/actor.js';
import type { Database } from '../../platform/database/schema.js';
import { AppError, forbidden, notFound } from '../../platform/errors.js';
import { pageWindow } from '../../platform/http/paging.js';
import { newId } from '../../platform/ids.js';
import { enqueueOutbox } from '../../platform/outbox/outbox.js';
import { maskName, maskPhone } from '../../platform/privacy/index.js';
import { addTimeline } from './case-records.js';
import { caseMovesFor, decideCaseMove, type CaseActorRole } from './case-workflow.js';
import * as repo from './cases.repository.js';
import type { Governance } from './governance.js';
import { CASE_CLOSED_TOPIC } from './intake.js';
import { dueAt } from './sla.js';

export const COMMAND_ROLES: Role[] = ['dispatcher', 'tenant_admin'];
const HANDLER_ROLES: Role[] = ['grid_worker', 'department_staff'];

const iso = (value: Date | null | undefined) => (value ? value.toISOString() : null);

export function toCaseSummary(row: repo.CaseSummaryRow, now = new Date()): CaseSummary {
  const overdue =
    (!row.respondedAt && !!row.responseDueAt && row.responseDueAt < now && isActiveCaseStage(row.stage)) ||
    (!row.closedAt && !!row.resolveDueAt && row.resolveDueAt < now && isActiveCaseStage(row.stage));
  return {
    id: row.id,
    number: row.number,
    title: row.title,
    category: row.category as CaseSummary['category'],
    linkage: row.linkage as CaseSummary['linkage'],
    severity: row.severity as CaseSummary['severity'],
    stage: row.stage as CaseStage,
    sourceName: row.sourceName ?? null,
    gridId: row.gridId,
    gridName: row.gridName ?? null,
    communityId: row.communityId,
    communityName: row.communityName ?? null,
    address: row.address,
    location: row.lng !== null && row.lat !== null ? { lng: row.lng, lat: row.lat } : null,
    createdAt: row.createdAt.toISOString(),
    slaClock: row.slaClock as CaseSummary['slaClock'],
    responseDueAt: iso(row.responseDueAt),
    resolveDueAt: iso(row.resolveDueAt),
    respondedAt: iso(row.respondedAt),
    closedAt: iso(row.closedAt),
    escalationLevel: row.escalationLevel,
    overdue,
    eventCount: row.eventCount ?? 1,
    version: row.version,
  };
}

/** The machine roles of an actor: account roles, as the workflow table names them. */
function rolesOf(actor: Actor): CaseActorRole[] {
  return actor.roles.map((assignment) => assignment.role);
}

function organisationsOf(actor: Actor): string[] {
  return actor.roles
    .filter((assignment) => assignment.role === 'department_staff' && assignment.organisationId)
    .map((assignment) => assignment.organisationId!);
}

type TaskRow = Awaited<ReturnType<typeof repo.listTasks>>[number];

/** Whether the task is the actor's: assigned to them, or to a unit they work for. */
function isMyTask(actor: Actor, task: Pick<TaskRow, 'assigneeAccountId' | 'organisationId'>): boolean {
  if (task.assigneeAccountId === actor.accountId) return true;
  return !!task.organisationId && organisationsOf(actor).includes(task.organisationId);
}

type CaseRow = NonNullable<Awaited<ReturnType<typeof repo.findCase>>>;

/** Who may see a case: the command center; handlers with a task on it; its reporter. */
async function assertCanSee(g: Governance, actor: Actor, row: CaseRow): Promise<TaskRow[]> {
  const tasks = await repo.listTasks(g.ctx.db, actor.tenantId, row.id);
  if (hasRole(actor, COMMAND_ROLES)) return tasks;
  if (hasRole(actor, HANDLER_ROLES) && tasks.some((task) => isMyTask(actor, task))) return tasks;
  if (row.reporterPersonId && row.reporterPersonId === actor.personId) return tasks;
  throw notFound('Case');
}

export async function listCases(g: Governance, actor: Actor, query: CaseQuery) {
  const command = hasRole(actor, COMMAND_ROLES);
  if (!command && !hasRole(actor, HANDLER_ROLES))
    throw forbidden('Only the command center and handlers list cases');
  const window = pageWindow(query);
  const now = new Date();
  const mine = !command || query.mine;
  const { rows, total } = await repo.listCases(
    g.ctx.db,
    actor.tenantId,
    mine
      ? { ...query, taskFor: { accountId: actor.accountId, organisationIds: organisationsOf(actor) } }
      : query,
    window,
    now,
  );
  return {
    items: rows.map((row) => toCaseSummary(row, now)),
    total,
    page: window.page,
    pageSize: window.pageSize,
  };
}

export async function getCase(g: Governance, actor: Actor, caseId: string): Promise<CaseDetail> {
  const row = await repo.findCase(g.ctx.db, actor.tenantId, caseId);
  if (!row) throw notFound('Case');
  const tasks = await assertCanSee(g, actor, row);
  return buildDetail(g, actor, row, tasks);
}

async function buildDetail(
  g: Governance,
  actor: Actor,
  row: CaseRow,
  tasks?: TaskRow[],
): Promise<CaseDetail> {
  const db = g.ctx.db;
  const [summary, taskRows, timeline, events, duplicateOf, duplicates] = await Promise.all([
    repo.findCaseSummary(db, actor.tenantId, row.id),
    tasks ? Promise.resolve(tasks) : repo.listTasks(db, actor.tenantId, row.id),
    repo.listTimeline(db, actor.tenantId, row.id),
    row.incidentId ? repo.listCaseEvents(db, actor.tenantId, row.incidentId) : Promise.resolve([]),
    row.duplicateOf ? repo.findCaseNumbers(db, actor.tenantId, [row.duplicateOf]) : Promise.resolve([]),
    repo.listDuplicatesOf(db, actor.tenantId, row.id),
  ]);
  const command = hasRole(actor, COMMAND_ROLES);
  const handler = taskRows.some((task) => isMyTask(actor, task));
  const reporter = !!row.reporterPersonId && row.reporterPersonId === actor.personId;
  // The machine decides by role; a handler's roles count only on a case with a task of theirs, a
  // resident's only on their own report.
  const roles = rolesOf(actor).filter(
    (role) =>
      COMMAND_ROLES.includes(role as Role) ||
      (HANDLER_ROLES.includes(role as Role) && handler) ||
      (role === 'resident' && reporter),
  );
  return {
    ...toCaseSummary(summary!),
    description: row.description,
    photos: row.photos,
    reporterName: maskName(row.reporterName) ?? null,
    reporterPhone: row.reporterPhoneEnc
      ? maskPhone(g.ctx.cipher.decrypt(row.reporterPhoneEnc, 'gov_case.reporter_phone'))
      : null,
    duplicateOf: duplicateOf[0] ? { id: duplicateOf[0].id, number: duplicateOf[0].number } : null,
    duplicates,
    incidentId: row.incidentId,
    rating: row.rating,
    ratingComment: row.ratingComment,
    tasks: taskRows.map((task) => ({
      id: task.id,
      organisationId: task.organisationId,
      organisationName: task.organisationName ?? null,
      unitType: (task.unitType ?? null) as UnitType | null,
      assigneeAccountId: task.assigneeAccountId,
      assigneeName: task.assigneeName ?? null,
      state: task.state as CaseDetail['tasks'][number]['state'],
      dueAt: iso(task.dueAt),
      instructions: task.instructions,
      result: task.result,
      photos: task.photos,
      acceptedAt: iso(task.acceptedAt),
      completedAt: iso(task.completedAt),
    })),
    timeline: timeline.map((entry) => ({
      id: entry.id,
      at: entry.at.toISOString(),
      actorName: entry.actorName,
      actorRole: entry.actorRole,
      action: entry.action,
      fromStage: entry.fromStage as CaseStage | null,
      toStage: entry.toStage as CaseStage | null,
      note: entry.note,
      data: entry.data,
    })),
    events: events.map((event): GovEvent => ({
      id: event.id,
      sourceName: event.sourceName,
      kind: event.kind as GovEvent['kind'],
      category: event.category as GovEvent['category'],
      severity: event.severity as GovEvent['severity'],
      title: event.title,
      description: event.description,
      address: event.address,
      deviceCode: event.deviceCode ?? null,
      details: (event.payload as { details?: Record<string, unknown> }).details ?? {},
      photos: (event.payload as { photos?: string[] }).photos ?? [],
      occurredAt: event.occurredAt.toISOString(),
      receivedAt: event.receivedAt.toISOString(),
    })),
    allowedMoves: command || handler || reporter ? caseMovesFor(row.stage as CaseStage, roles) : [],
  };
}

async function actorName(g: Governance, actor: Actor): Promise<string> {
  return (await repo.findPersonName(g.ctx.db, actor.tenantId, actor.personId))?.name ?? '';
}

function refuse(move: string, stage: string, allowed: string[]): AppError {
  return new AppError('conflict', `The move "${move}" is not allowed on a case in stage "${stage}"`, {
    allowed,
    messageZh: `当前环节（${stage}）不能执行该操作`,
  });
}

/**
 * Moves a case one step. The workflow table decides whether the actor's role may make the move from
 * the case's stage (a refusal is a 409 listing the allowed moves); this function applies the move's
 * effects — tasks, timestamps, deadlines — and writes the timeline, in one transaction.
 */
export async function moveCase(
  g: Governance,
  actor: Actor,
  caseId: string,
  body: CaseMoveRequest,
  system = false,
): Promise<CaseDetail> {
  const name = system ? '系统' : await actorName(g, actor);
  // Loaded before the transaction: on PGlite a query outside it would wait for the transaction itself.
  const book = body.category || body.severity ? await g.books.get(actor.tenantId) : undefined;
  const changed = await g.ctx.db.transaction().execute(async (trx) => {
    const row = await repo.lockCase(trx, actor.tenantId, caseId);
    if (!row) throw notFound('Case');
    const tasks = await repo.listTasks(trx, actor.tenantId, caseId);
    const command = hasRole(actor, COMMAND_ROLES);
    const handler = tasks.some(
      (task) => isMyTask(actor, task) && ['pending', 'accepted', 'done'].includes(task.state),
    );
    const reporter = !!row.reporterPersonId && row.reporterPersonId === actor.personId;
    if (!system && !command && !handler && !reporter) throw notFound('Case');
    if (body.version !== undefined && body.version !== row.version)
      throw new AppError(
        'conflict',
        `The case changed since you loaded it (version ${row.version}, yours ${body.version})`,
        {
          errors: [{ field: '/version', message: `current version is ${row.version}` }],
          messageZh: '案件已被他人更新，请刷新后重试',
        },
      );
    const roles: CaseActorRole[] = system
      ? ['system']
      : rolesOf(actor).filter(
          (role) =>
            COMMAND_ROLES.includes(role as Role) ||
            (HANDLER_ROLES.includes(role as Role) && handler) ||
            (role === 'resident' && reporter),
        );
    const decision = decideCaseMove(row.stage as CaseStage, body.move, roles);
    if (!decision.ok) {
      if (
        decision.reason === 'role_forbidden' &&
        decision.allowed.length === 0 &&
        !command &&
        !handler &&
        !reporter
      )
        throw forbidden();
      throw refuse(body.move, row.stage, decision.allowed);
    }
    const now = new Date();
    let to: CaseStage = decision.to;
    let closedNow = false;
    const patch: Record<string, unknown> = {};
    const data: Record<string, unknown> = {};
    switch (body.move) {
      case 'accept': {
        patch.acceptedAt = now;
        if (book) {
          const category = body.category ?? row.category;
          const severity = body.severity ?? row.severity;
          const terms = book.terms(category, severity as CaseSummary['severity']);
          Object.assign(patch, {
            category,
            severity,
            linkage: categoryOf(category)?.linkage ?? row.linkage,
            slaClock: terms.clock,
            responseDueAt: dueAt(row.createdAt, terms.responseMinutes, terms.clock, book.calendar),
            resolveDueAt: dueAt(row.createdAt, terms.resolveMinutes, terms.clock, book.calendar),
          });
          data.reclassified = { category, severity };
        }
        break;
      }
      case 'dispatch':
      case 'transfer': {
        if (!body.targets || body.targets.length === 0)
          throw new AppError('validation_failed', 'Name at least one unit or person to dispatch to', {
            errors: [{ field: '/targets', message: 'required for dispatch and transfer' }],
          });
        if (body.move === 'transfer')
          await trx
            .updateTable('caseTask')
            .set({ state: 'cancelled', completedAt: now })
            .where('tenantId', '=', actor.tenantId)
            .where('caseId', '=', caseId)
            .where('state', 'in', ['pending', 'accepted'])
            .execute();
        data.targets = await createTasks(g, trx, actor.tenantId, row, body.targets, now);
        patch.dispatchedAt = row.dispatchedAt ?? now;
        break;
      }
      case 'start': {
        const mine = tasks.filter((task) => isMyTask(actor, task) && task.state === 'pending');
        await markTasks(
          trx,
          actor.tenantId,
          mine.map((task) => task.id),
          { state: 'accepted', acceptedAt: now },
        );
        patch.respondedAt = row.respondedAt ?? now;
        break;
      }
      case 'submit_feedback': {
        const open = tasks.filter((task) => task.state === 'pending' || task.state === 'accepted');
        if (open.length > 0)
          throw new AppError('conflict', `${open.length} task(s) are not finished yet`, {
            allowed: caseMovesFor(row.stage as CaseStage, roles),
            messageZh: `还有 ${open.length} 个子任务未办结`,
          });
        patch.feedbackAt = now;
        break;
      }
      case 'close': {
        patch.closedAt = now;
        await enqueueOutbox(trx, {
          tenantId: actor.tenantId,
          topic: CASE_CLOSED_TOPIC,
          aggregateId: caseId,
          payload: {
            caseId,
            number: row.number,
            category: row.category,
            incidentId: row.incidentId,
            closedAt: now.toISOString(),
          },
        });
        closedNow = true;
        if (row.incidentId) {
          await trx
            .updateTable('incident')
            .set({ status: 'resolved', resolvedAt: now })
            .where('tenantId', '=', actor.tenantId)
            .where('id', '=', row.incidentId)
            .where('status', '=', 'open')
            .execute();
          g.intake.forgetIncident(row.incidentId);
        }
        break;
      }
      case 'evaluate': {
        if (!system && body.rating === undefined)
          throw new AppError('validation_failed', 'A rating from 1 to 5 is required', {
            errors: [{ field: '/rating', message: 'required to evaluate' }],
          });
        Object.assign(patch, {
          evaluatedAt: now,
          rating: body.rating ?? null,
          ratingComment: body.note ?? null,
        });
        data.rating = body.rating ?? null;
        break;
      }
      case 'return': {
        if (row.stage === 'dispatch' || row.stage === 'handling') {
          // A unit returns its own task; the command center calls every task back.
          const returned = command
            ? tasks.filter((task) => ['pending', 'accepted'].includes(task.state))
            : tasks.filter((task) => isMyTask(actor, task) && ['pending', 'accepted'].includes(task.state));
          await markTasks(
            trx,
            actor.tenantId,
            returned.map((task) => task.id),
            { state: 'returned', completedAt: now, result: body.note ?? null },
          );
          const remaining = tasks.filter(
            (task) => ['pending', 'accepted'].includes(task.state) && !returned.includes(task),
          );
          if (remaining.length > 0) to = row.stage; // the other units carry on
        } else {
          // The result did not pass: the finished tasks are open again.
          await trx
            .updateTable('caseTask')
            .set({ state: 'accepted', completedAt: null })
            .where('tenantId', '=', actor.tenantId)
            .where('caseId', '=', caseId)
            .where('state', '=', 'done')
            .execute();
          patch.feedbackAt = null;
        }
        break;
      }
      case 'suspend':
        patch.suspendedFrom = row.stage;
        break;
      case 'resume':
        to = (row.suspendedFrom ?? 'triage') as CaseStage;
        patch.suspendedFrom = null;
        break;
      case 'reopen':
        Object.assign(patch, {
          closedAt: null,
          evaluatedAt: null,
          rating: null,
          ratingComment: null,
          feedbackAt: null,
        });
        break;
      case 'mark_duplicate': {
        if (!body.duplicateOf)
          throw new AppError('validation_failed', 'Name the case this one repeats', {
            errors: [{ field: '/duplicateOf', message: 'required to mark a duplicate' }],
          });
        if (body.duplicateOf === caseId)
          throw new AppError('validation_failed', 'A case cannot repeat itself', {
            errors: [{ field: '/duplicateOf', message: 'must be another case' }],
          });
        const target = await repo.findCase(trx, actor.tenantId, body.duplicateOf);
        if (!target)
          throw new AppError('validation_failed', 'The case to merge into does not exist', {
            errors: [{ field: '/duplicateOf', message: 'no such case in this subdistrict' }],
          });
        // Always point at the surviving case, never at another duplicate.
        const rootId = target.stage === 'duplicate' && target.duplicateOf ? target.duplicateOf : target.id;
        if (rootId === caseId)
          throw new AppError('validation_failed', 'That case is already a duplicate of this one', {
            errors: [{ field: '/duplicateOf', message: 'would merge the case into itself' }],
          });
        const root = rootId === target.id ? target : await repo.findCase(trx, actor.tenantId, rootId);
        patch.duplicateOf = rootId;
        data.duplicateOf = { id: rootId, number: root?.number };
        if (row.incidentId && root?.incidentId && row.incidentId !== root.incidentId) {
          await trx
            .updateTable('incident')
            .set({ status: 'merged', mergedInto: root.incidentId, resolvedAt: now })
            .where('tenantId', '=', actor.tenantId)
            .where('id', '=', row.incidentId)
            .execute();
          g.intake.forgetIncident(row.incidentId);
        }
        await addTimeline(trx, [
          {
            tenantId: actor.tenantId,
            caseId: rootId,
            at: now,
            actorAccountId: actor.accountId,
            actorName: name,
            actorRole: roles[0] ?? null,
            action: 'duplicate_merged',
            note: `并入重复件 ${row.number}`,
            data: { duplicateId: caseId, duplicateNumber: row.number },
          },
        ]);
        // Repeats of this case now repeat the surviving one.
        await trx
          .updateTable('govCase')
          .set({ duplicateOf: rootId })
          .where('tenantId', '=', actor.tenantId)
          .where('duplicateOf', '=', caseId)
          .execute();
        break;
      }
    }
    await trx
      .updateTable('govCase')
      .set({ ...patch, stage: to, updatedAt: now, version: sql`version + 1` })
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', caseId)
      .execute();
    await addTimeline(trx, [
      {
        tenantId: actor.tenantId,
        caseId,
        at: now,
        actorAccountId: system ? null : actor.accountId,
        actorName: name,
        actorRole: roles[0] ?? null,
        action: body.move,
        fromStage: row.stage,
        toStage: to,
        note: body.note ?? null,
        data,
      },
    ]);
    return { number: row.number, stage: to, closedNow };
  });
  if (changed.closedNow) g.ctx.outbox.poke();
  g.realtime?.publish(actor.tenantId, 'case.updated', {
    id: caseId,
    number: changed.number,
    stage: changed.stage,
    move: body.move,
  });
  if (system) {
    const row = await repo.findCase(g.ctx.db, actor.tenantId, caseId);
    return buildDetail(g, actor, row!);
  }
  return getCase(g, actor, caseId);
}

async function markTasks(
  trx: Transaction<Database>,
  tenantId: string,
  ids: string[],
  set: Record<string, unknown>,
) {
  if (ids.length === 0) return;
  await trx
    .updateTable('caseTask')
    .set(set)
    .where('tenantId', '=', tenantId)
    .where('id', 'in', ids)
    .execute();
}

/** Sub-tasks of a (joint) dispatch; every target must be a unit or a handler of this subdistrict. */
async function createTasks(
  g: Governance,
  trx: Transaction<Database>,
  tenantId: string,
  row: CaseRow,
  targets: NonNullable<CaseMoveRequest['targets']>,
  now: Date,
) {
  const units = new Map(
    (await repo.listDispatchUnits(trx, tenantId)).map((unit) => [unit.organisationId, unit]),
  );
  const handlers = new Map(
    (await repo.listAccountsWithRole(trx, tenantId, HANDLER_ROLES)).map((account) => [
      account.accountId,
      account,
    ]),
  );
  const errors: Array<{ field: string; message: string }> = [];
  targets.forEach((target, index) => {
    if (!target.organisationId && !target.assigneeAccountId)
      errors.push({ field: `/targets/${index}`, message: 'name an organisationId or an assigneeAccountId' });
    if (target.organisationId && !units.has(target.organisationId))
      errors.push({
        field: `/targets/${index}/organisationId`,
        message: 'not a dispatch unit of this subdistrict',
      });
    if (target.assigneeAccountId && !handlers.has(target.assigneeAccountId))
      errors.push({
        field: `/targets/${index}/assigneeAccountId`,
        message: 'not a grid worker or department staff member here',
      });
    if (target.dueAt && new Date(target.dueAt) <= now)
      errors.push({ field: `/targets/${index}/dueAt`, message: 'must be in the future' });
  });
  if (errors.length > 0)
    throw new AppError('validation_failed', 'Some dispatch targets are not valid', { errors });
  const rows = targets.map((target) => ({
    tenantId,
    id: newId(),
    caseId: row.id,
    organisationId: target.organisationId ?? null,
    assigneeAccountId: target.assigneeAccountId ?? null,
    dueAt: target.dueAt ? new Date(target.dueAt) : row.resolveDueAt,
    instructions: target.instructions ?? null,
    createdAt: now,
  }));
  await trx.insertInto('caseTask').values(rows).execute();
  return targets.map((target) => ({
    organisation: target.organisationId ? units.get(target.organisationId)!.name : null,
    assignee: target.assigneeAccountId ? handlers.get(target.assigneeAccountId)!.name : null,
  }));
}

/**
 * A handler's action on their own sub-task. Accepting the first task starts handling (the unit
 * responded); completing the last open one moves the case to feedback; returning the last one sends
 * the case back to triage.
 */
export async function actOnTask(
  g: Governance,
  actor: Actor,
  caseId: string,
  taskId: string,
  body: TaskActionRequest,
): Promise<CaseDetail> {
  if (!hasRole(actor, HANDLER_ROLES)) throw forbidden('Only grid workers and department staff act on tasks');
  const photos = body.photos ? await checkAttachments(g, actor.tenantId, body.photos, '/photos') : undefined;
  const name = await actorName(g, actor);
  const outcome = await g.ctx.db.transaction().execute(async (trx) => {
    const row = await repo.lockCase(trx, actor.tenantId, caseId);
    if (!row) throw notFound('Case');
    const tasks = await repo.listTasks(trx, actor.tenantId, caseId);
    const task = tasks.find((candidate) => candidate.id === taskId);
    if (!task || !isMyTask(actor, task)) throw notFound('Task');
    const now = new Date();
    const expected = { accept: ['pending'], complete: ['accepted'], return: ['pending', 'accepted'] }[
      body.action
    ];
    if (!expected.includes(task.state))
      throw new AppError('conflict', `A task that is ${task.state} cannot be ${body.action}ed`, {
        allowed:
          ({ pending: ['accept', 'return'], accepted: ['complete', 'return'] } as Record<string, string[]>)[
            task.state
          ] ?? [],
        messageZh: '该子任务当前状态不能执行此操作',
      });
    const role = actor.roles.find((assignment) => HANDLER_ROLES.includes(assignment.role))!.role;
    let stage = row.stage as CaseStage;
    const patch: Record<string, unknown> = {};
    if (body.action === 'accept') {
      await markTasks(trx, actor.tenantId, [taskId], { state: 'accepted', acceptedAt: now });
      if (!row.respondedAt) patch.respondedAt = now;
      if (stage === 'dispatch') stage = 'handling';
    } else if (body.action === 'complete') {
      if (!body.result)
        throw new AppError('validation_failed', 'Describe what was done', {
          errors: [{ field: '/result', message: 'required to complete a task' }],
        });
      await markTasks(trx, actor.tenantId, [taskId], {
        state: 'done',
        completedAt: now,
        result: body.result,
        photos: JSON.stringify(photos ?? []),
      });
      const open = tasks.filter(
        (other) => other.id !== taskId && ['pending', 'accepted'].includes(other.state),
      );
      if (open.length === 0 && stage === 'handling') {
        stage = 'feedback';
        patch.feedbackAt = now;
      }
    } else {
      await markTasks(trx, actor.tenantId, [taskId], {
        state: 'returned',
        completedAt: now,
        result: body.note ?? null,
      });
      const open = tasks.filter(
        (other) => other.id !== taskId && ['pending', 'accepted'].includes(other.state),
      );
      const done = tasks.filter((other) => other.id !== taskId && other.state === 'done');
      if (open.length === 0 && (stage === 'dispatch' || stage === 'handling'))
        stage = done.length > 0 ? 'feedback' : 'triage';
    }
    await trx
      .updateTable('govCase')
      .set({ ...patch, stage, updatedAt: now, version: sql`version + 1` })
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', caseId)
      .execute();
    await addTimeline(trx, [
      {
        tenantId: actor.tenantId,
        caseId,
        at: now,
        actorAccountId: actor.accountId,
        actorName: name,
        actorRole: role,
        action: `task_${body.action}`,
        fromStage: row.stage,
        toStage: stage,
        note: body.action === 'complete' ? body.result! : (body.note ?? null),
        data: { taskId, organisation: task.organisationName ?? null, photos: photos ?? [] },
      },
    ]);
    return { number: row.number, stage };
  });
  g.realtime?.publish(actor.tenantId, 'case.updated', {
    id: caseId,
    number: outcome.number,
    stage: outcome.stage,
    move: `task_${body.action}`,
  });
  return getCase(g, actor, caseId);
}

export async function addNote(
  g: Governance,
  actor: Actor,
  caseId: string,
  note: string,
): Promise<CaseDetail> {
  const row = await repo.findCase(g.ctx.db, actor.tenantId, caseId);
  if (!row) throw notFound('Case');
  const tasks = await assertCanSee(g, actor, row);
  if (!hasRole(actor, COMMAND_ROLES) && !tasks.some((task) => isMyTask(actor, task)))
    throw forbidden('Only staff add notes');
  const name = await actorName(g, actor);
  await g.ctx.db.transaction().execute((trx) =>
    addTimeline(trx, [
      {
        tenantId: actor.tenantId,
        caseId,
        at: new Date(),
        actorAccountId: actor.accountId,
        actorName: name,
        actorRole: actor.roles[0]?.role ?? null,
        action: 'note',
        note,
      },
    ]),
  );
  return getCase(g, actor, caseId);
}

const EARTH_RADIUS_M = 6_371_008.8;
export function distanceM(a: { lng: number; lat: number }, b: { lng: number; lat: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Reports of the same category within the category's radius and time window, nearest first. */
export async function suggestDuplicates(
  g: Governance,
  actor: Actor,
  caseId: string,
): Promise<DuplicateSuggestion[]> {
  if (!hasRole(actor, COMMAND_ROLES)) throw forbidden('Only the command center merges duplicates');
  const row = await repo.findCase(g.ctx.db, actor.tenantId, caseId);
  if (!row) throw notFound('Case');
  const definition = categoryOf(row.category);
  if (!definition || row.lng === null || row.lat === null || definition.duplicateRadiusM === 0) return [];
  const windowMs = definition.duplicateWindowMinutes * 60_000;
  const origin = { lng: row.lng, lat: row.lat };
  const rows = await repo.findNearbyCases(g.ctx.db, actor.tenantId, {
    category: row.category,
    excludeId: row.id,
    lng: row.lng,
    lat: row.lat,
    radiusM: definition.duplicateRadiusM,
    since: new Date(row.createdAt.getTime() - windowMs),
    until: new Date(row.createdAt.getTime() + windowMs),
  });
  return rows
    .map((candidate) => ({
      case: toCaseSummary(candidate),
      distanceM: Math.round(distanceM(origin, { lng: candidate.lng!, lat: candidate.lat! })),
      minutesApart: Math.round(Math.abs(candidate.createdAt.getTime() - row.createdAt.getTime()) / 60_000),
    }))
    .filter((suggestion) => suggestion.distanceM <= definition.duplicateRadiusM)
    .sort((a, b) => a.distanceM - b.distanceM || a.minutesApart - b.minutesApart);
}

export async function dispatchOptions(g: Governance, actor: Actor, caseId: string): Promise<DispatchOptions> {
  if (!hasRole(actor, COMMAND_ROLES)) throw forbidden('Only the command center dispatches');
  const row = await repo.findCase(g.ctx.db, actor.tenantId, caseId);
  if (!row) throw notFound('Case');
  const suggested = [...(categoryOf(row.category)?.units ?? [])];
  const units = (await repo.listDispatchUnits(g.ctx.db, actor.tenantId)).map((unit) => ({
    organisationId: unit.organisationId,
    name: unit.name,
    unitType: unit.unitType as UnitType,
    openTasks: Number(unit.openTasks ?? 0),
  }));
  const rank = (type: UnitType) => (suggested.includes(type) ? suggested.indexOf(type) : suggested.length);
  units.sort((a, b) => rank(a.unitType) - rank(b.unitType) || a.name.localeCompare(b.name, 'zh-CN'));
  const workers = (await repo.listAccountsWithRole(g.ctx.db, actor.tenantId, ['grid_worker']))
    .map((worker) => ({
      accountId: worker.accountId,
      name: worker.name,
      communityId: worker.communityId,
      openTasks: Number(worker.openTasks ?? 0),
    }))
    // The case's own community first.
    .sort((a, b) => Number(b.communityId === row.communityId) - Number(a.communityId === row.communityId));
  return { units, gridWorkers: workers, suggestedUnitTypes: suggested };
}

/** Attachment ids must be this tenant's; returns their URLs. */
export async function checkAttachments(
  g: Governance,
  tenantId: string,
  ids: string[],
  field: string,
): Promise<string[]> {
  if (ids.length === 0) return [];
  const found = await g.ctx.db
    .selectFrom('attachment')
    .select('id')
    .where('tenantId', '=', tenantId)
    .where('id', 'in', ids)
    .execute();
  const known = new Set(found.map((row) => row.id));
  const errors = ids
    .map((id, index) =>
      known.has(id) ? undefined : { field: `${field}/${index}`, message: 'no such uploaded photo' },
    )
    .filter((error): error is { field: string; message: string } => !!error);
  if (errors.length > 0)
    throw new AppError('validation_failed', 'Some photos were not uploaded here', { errors });
  return ids.map((id) => `/api/attachments/${id}`);
}

export type { CaseMove };

import type { EvaluateRequest, MyReport, ReportAccepted, ReportRequest } from '@jiedao/contracts';
import type { CaseStage } from '@jiedao/contracts/constants';
import { hasRole, type Actor } from '../../platform/auth/actor.js';
import { AppError, forbidden, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { normalizePhone } from '../../platform/privacy/index.js';
import { checkAttachments, COMMAND_ROLES, moveCase } from './cases.service.js';
import * as repo from './cases.repository.js';
import type { Governance } from './governance.js';
import type { IntakeOutcome } from './intake.js';

/**
 * Reports from people: a resident's own (民呼我为 on the mobile page), a grid worker's patrol report,
 * or a dispatcher's entry for a caller at the desk or on the phone. All go through the intake like
 * any other source, so routing, duplicates and deadlines are the same. An Idempotency-Key makes a
 * retried submission return the case the first one opened.
 */
export async function submitReport(
  g: Governance,
  actor: Actor,
  body: ReportRequest,
  idempotencyKey: string | undefined,
): Promise<ReportAccepted> {
  const command = hasRole(actor, COMMAND_ROLES);
  const patrol = hasRole(actor, ['grid_worker']);
  if (!command && !patrol && !hasRole(actor, ['resident']))
    throw forbidden('Residents, grid workers and dispatchers file reports');
  if (!body.location && !body.address)
    throw new AppError('validation_failed', 'Say where: a location or an address', {
      errors: [{ field: '/location', message: 'a location or an address is required' }],
      messageZh: '请提供位置或地址',
    });
  if (body.reporterPhone !== undefined && !normalizePhone(body.reporterPhone))
    throw new AppError('validation_failed', 'The caller’s phone number is not a valid number', {
      errors: [{ field: '/reporterPhone', message: 'not a mainland mobile or landline number' }],
    });
  if ((body.reporterName || body.reporterPhone) && !command)
    throw new AppError('validation_failed', 'Only a dispatcher records a report on behalf of a caller', {
      errors: [{ field: '/reporterName', message: 'not allowed for your role' }],
    });
  const photos = await checkAttachments(g, actor.tenantId, body.photos ?? [], '/photos');
  const sourceCode = command ? 'desk' : patrol ? 'patrol' : 'minhu';
  const source = await g.directory.source(actor.tenantId, sourceCode);
  if (!source || !source.enabled)
    throw new AppError('conflict', `The source "${sourceCode}" is not set up or disabled`);
  const person = await repo.findPersonName(g.ctx.db, actor.tenantId, actor.personId);
  const id = idempotencyKey ? `${actor.accountId}:${idempotencyKey}` : newId();
  const payload = {
    id,
    category: body.category,
    title: body.title,
    description: body.description,
    location: body.location,
    address: body.address,
    photos,
    reporter: command
      ? body.reporterName || body.reporterPhone
        ? { name: body.reporterName, phone: body.reporterPhone }
        : undefined
      : { name: person?.name },
    gridWorker: patrol ? person?.name : undefined,
    // Only the command center grades a report; a resident's grade is the category's.
    severity: command ? body.severity : undefined,
  };
  const outcome: IntakeOutcome = await g.intake.submitOne({
    tenantId: actor.tenantId,
    source,
    payload,
    rawText: JSON.stringify(payload),
    contentType: 'application/json',
    receivedAt: new Date(),
    reporterPersonId: command ? undefined : actor.personId,
    actor:
      command || patrol
        ? {
            accountId: actor.accountId,
            name: person?.name ?? '',
            role: command ? 'dispatcher' : 'grid_worker',
          }
        : undefined,
  });
  if (outcome.status === 'dead_letter')
    throw new AppError('validation_failed', outcome.reason, {
      errors: [{ field: '/', message: outcome.reason }],
    });
  // A new report names its case; a retried one (same Idempotency-Key) finds it through its incident.
  let caseId = outcome.status === 'accepted' ? outcome.caseId : null;
  if (!caseId && outcome.status === 'duplicate' && outcome.incidentId)
    caseId =
      (
        await g.ctx.db
          .selectFrom('incident')
          .select('caseId')
          .where('tenantId', '=', actor.tenantId)
          .where('id', '=', outcome.incidentId)
          .executeTakeFirst()
      )?.caseId ?? null;
  const row = caseId ? await repo.findCase(g.ctx.db, actor.tenantId, caseId) : undefined;
  if (!row) throw new AppError('internal_error', 'The report was stored but no case was opened');
  return { caseId: row.id, caseNumber: row.number, stage: row.stage as CaseStage };
}

export async function listMyReports(g: Governance, actor: Actor): Promise<MyReport[]> {
  const rows = await g.ctx.db
    .selectFrom('govCase')
    .select(['id', 'number', 'title', 'category', 'stage', 'createdAt', 'closedAt', 'rating', 'duplicateOf'])
    .where('tenantId', '=', actor.tenantId)
    .where('reporterPersonId', '=', actor.personId)
    .orderBy('createdAt', 'desc')
    .limit(100)
    .execute();
  const roots = await repo.findCaseNumbers(
    g.ctx.db,
    actor.tenantId,
    rows.flatMap((row) => (row.duplicateOf ? [row.duplicateOf] : [])),
  );
  const rootById = new Map(roots.map((root) => [root.id, root]));
  const updates =
    rows.length === 0
      ? []
      : await g.ctx.db
          .selectFrom('caseTimeline')
          .select(['caseId', 'at', 'action', 'note'])
          .distinctOn('caseId')
          .where('tenantId', '=', actor.tenantId)
          .where(
            'caseId',
            'in',
            rows.map((row) => row.duplicateOf ?? row.id),
          )
          // Notes of the command center are internal; residents see the moves.
          .where('action', '<>', 'note')
          .orderBy('caseId')
          .orderBy('at', 'desc')
          .execute();
  const lastByCase = new Map(updates.map((update) => [update.caseId, update]));
  return rows.map((row) => {
    const root = row.duplicateOf ? rootById.get(row.duplicateOf) : undefined;
    const last = lastByCase.get(row.duplicateOf ?? row.id);
    return {
      id: row.id,
      number: row.number,
      title: row.title,
      category: row.category as MyReport['category'],
      stage: row.stage as CaseStage,
      createdAt: row.createdAt.toISOString(),
      closedAt: row.closedAt?.toISOString() ?? null,
      rating: row.rating,
      canRate: row.stage === 'evaluation',
      duplicateOf: root ? { id: root.id, number: root.number, stage: root.stage as CaseStage } : null,
      lastUpdate: last ? { at: last.at.toISOString(), action: last.action, note: last.note } : null,
    };
  });
}

/** The reporter rates the result of their own report. */
export async function evaluateMyReport(
  g: Governance,
  actor: Actor,
  caseId: string,
  body: EvaluateRequest,
): Promise<MyReport> {
  const row = await repo.findCase(g.ctx.db, actor.tenantId, caseId);
  if (!row || row.reporterPersonId !== actor.personId) throw notFound('Report');
  await moveCase(g, actor, caseId, { move: 'evaluate', rating: body.rating, note: body.comment });
  const mine = await listMyReports(g, actor);
  return mine.find((report) => report.id === caseId)!;
}

import { createHash } from 'node:crypto';
import {
  Attachment,
  CaseDetail,
  CaseMoveRequest,
  CaseNoteRequest,
  CaseQuery,
  CaseSummary,
  Category,
  CreateSourceRequest,
  Device,
  DeviceImportResult,
  DeviceQuery,
  DeviceStats,
  DeadLetter,
  DeadLetterQuery,
  DispatchOptions,
  DuplicateSuggestion,
  EvaluateRequest,
  EventSource,
  IdParams,
  Incident,
  IncidentQuery,
  IntakeAccepted,
  KpiQuery,
  KpiReport,
  MyReport,
  Overview,
  Paged,
  ReplayRequest,
  ReplayResult,
  ReportAccepted,
  ReportRequest,
  SourceSecret,
  TaskActionRequest,
  UnknownDevice,
  Uuid,
} from '@jiedao/contracts';
import { CATEGORIES } from '@jiedao/contracts/constants';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { assertRole, hasRole } from '../../platform/auth/actor.js';
import { actorOf, authenticated } from '../../platform/auth/auth-plugin.js';
import { AppError, forbidden, notFound } from '../../platform/errors.js';
import { attachmentHeader, XLSX_CONTENT_TYPE as XLSX } from '../../platform/export/xlsx.js';
import { PROBLEM_RESPONSES, typed } from '../../platform/http/route-helpers.js';
import { newId } from '../../platform/ids.js';
import type { RealtimeHub } from '../../platform/realtime/realtime-hub.js';
import * as cases from './cases.service.js';
import { MAX_IMPORT_BYTES } from './device-import.js';
import * as devices from './devices.service.js';
import type { Governance } from './governance.js';
import { kpiReport, kpiWorkbook, listIncidents, overview } from './kpis.service.js';
import * as reports from './reports.service.js';
import { checkSignature, SIGNATURE_HEADER, sourceSecret, TIMESTAMP_HEADER } from './sources.js';
import * as sources from './sources.service.js';
import type { BrokerStatus } from './sources.service.js';

export interface GovernanceRouteOptions {
  hub: RealtimeHub;
  brokerStatus: () => BrokerStatus;
}

/** What a webhook message may weigh; bigger ones are refused (400) and kept as dead letters. */
export const MAX_WEBHOOK_BYTES = 64 * 1024;
const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
const IMAGE_TYPES: Record<string, (bytes: Buffer) => boolean> = {
  'image/jpeg': (bytes) => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff,
  'image/png': (bytes) =>
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (bytes) =>
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP',
};

/** Topics a role's stream carries: the command center sees everything, handlers their case changes. */
function topicsFor(request: FastifyRequest): ((topic: string) => boolean) | undefined {
  const actor = actorOf(request);
  if (hasRole(actor, cases.COMMAND_ROLES)) return () => true;
  if (hasRole(actor, ['grid_worker', 'department_staff'])) return (topic) => topic.startsWith('case.');
  return undefined;
}

export function registerGovernanceRoutes(
  fastify: FastifyInstance,
  g: Governance,
  options: GovernanceRouteOptions,
): void {
  const app = typed(fastify);
  const tags = ['governance'];
  const base = '/api/governance';

  app.get(
    `${base}/categories`,
    {
      schema: {
        tags,
        summary: 'The event taxonomy with the six linkages',
        response: { 200: Type.Array(Category), ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    () => CATEGORIES.map(({ code, zh, en, linkage, severity }) => ({ code, zh, en, linkage, severity })),
  );

  app.get(
    `${base}/overview`,
    {
      schema: {
        tags,
        summary: 'Figures of the command-center screen',
        response: { 200: Overview, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => overview(g, actorOf(request), options.brokerStatus()),
  );

  app.get(
    `${base}/stream`,
    {
      schema: {
        tags,
        summary:
          'Live events (Server-Sent Events): incident.created, incident.updated, case.created, case.updated, device.state',
        produces: ['text/event-stream'],
      },
      onRequest: authenticated,
    },
    (request, reply) => {
      const topics = topicsFor(request);
      if (!topics) throw forbidden('The live stream is for the command center and handlers');
      options.hub.openStream(request, reply, { tenantId: actorOf(request).tenantId, topics });
    },
  );

  app.get(
    `${base}/cases`,
    {
      schema: {
        tags,
        summary: 'The case queue, most urgent first',
        querystring: CaseQuery,
        response: { 200: Paged(CaseSummary), ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => cases.listCases(g, actorOf(request), request.query),
  );

  app.get(
    `${base}/cases/:id`,
    {
      schema: {
        tags,
        summary: 'A case with its tasks, events, timeline and the moves you may make',
        params: IdParams,
        response: { 200: CaseDetail, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => cases.getCase(g, actorOf(request), request.params.id),
  );

  app.get(
    `${base}/cases/:id/duplicates`,
    {
      schema: {
        tags,
        summary: 'Possible duplicates: same category, nearby, close in time',
        params: IdParams,
        response: { 200: Type.Array(DuplicateSuggestion), ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => cases.suggestDuplicates(g, actorOf(request), request.params.id),
  );

  app.get(
    `${base}/cases/:id/dispatch-options`,
    {
      schema: {
        tags,
        summary: 'Units and grid workers to dispatch to, suggested first',
        params: IdParams,
        response: { 200: DispatchOptions, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => cases.dispatchOptions(g, actorOf(request), request.params.id),
  );

  app.post(
    `${base}/cases/:id/moves`,
    {
      schema: {
        tags,
        summary: 'Move a case (accept, dispatch, return, close …); 409 lists the allowed moves',
        params: IdParams,
        body: CaseMoveRequest,
        response: { 200: CaseDetail, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => cases.moveCase(g, actorOf(request), request.params.id, request.body),
  );

  app.post(
    `${base}/cases/:id/notes`,
    {
      schema: {
        tags,
        summary: 'Add a note to the timeline',
        params: IdParams,
        body: CaseNoteRequest,
        response: { 200: CaseDetail, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => cases.addNote(g, actorOf(request), request.params.id, request.body.note),
  );

  app.post(
    `${base}/cases/:id/tasks/:taskId`,
    {
      schema: {
        tags,
        summary: 'Accept, complete or return your sub-task',
        params: Type.Object({ id: Uuid, taskId: Uuid }, { additionalProperties: false }),
        body: TaskActionRequest,
        response: { 200: CaseDetail, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => cases.actOnTask(g, actorOf(request), request.params.id, request.params.taskId, request.body),
  );

  app.post(
    `${base}/reports`,
    {
      schema: {
        tags,
        summary:
          'Report a problem (residents), a patrol finding (grid workers) or a caller’s report (dispatchers); Idempotency-Key makes retries safe',
        body: ReportRequest,
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 100 })),
        }),
        response: { 201: ReportAccepted, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await reports.submitReport(g, actorOf(request), request.body, request.headers['idempotency-key']),
        ),
  );

  app.get(
    `${base}/my-reports`,
    {
      schema: {
        tags,
        summary: 'My reports and how far they are',
        response: { 200: Type.Array(MyReport), ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => reports.listMyReports(g, actorOf(request)),
  );

  app.post(
    `${base}/my-reports/:id/evaluation`,
    {
      schema: {
        tags,
        summary: 'Rate the result of my report',
        params: IdParams,
        body: EvaluateRequest,
        response: { 200: MyReport, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => reports.evaluateMyReport(g, actorOf(request), request.params.id, request.body),
  );

  app.get(
    `${base}/incidents`,
    {
      schema: {
        tags,
        summary: 'Incidents of devices, cameras and offline findings, most severe and most recent first',
        querystring: IncidentQuery,
        response: { 200: Paged(Incident), ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => listIncidents(g, actorOf(request), request.query),
  );

  app.get(
    `${base}/kpis`,
    {
      schema: {
        tags,
        summary: '三率 and times per community, grid or unit; format=xlsx for Excel',
        querystring: KpiQuery,
        response: { 200: KpiReport, ...PROBLEM_RESPONSES },
        produces: ['application/json', XLSX],
      },
      onRequest: authenticated,
    },
    async (request, reply) => {
      const report = await kpiReport(g, actorOf(request), request.query);
      if (request.query.format !== 'xlsx') return report;
      return (
        reply
          .type(XLSX)
          .header(
            'content-disposition',
            attachmentHeader(
              `考核-${report.from}-${report.to}.xlsx`,
              `kpis-${report.from}-${report.to}.xlsx`,
            ),
          )
          // A Buffer is sent as is; the JSON response schema does not apply to it.
          .send((await kpiWorkbook(report)) as never)
      );
    },
  );

  app.get(
    `${base}/sources`,
    {
      schema: {
        tags,
        summary: 'Event sources with their health',
        response: { 200: Type.Array(EventSource), ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => sources.listSources(g, actorOf(request), options.brokerStatus()),
  );

  app.post(
    `${base}/sources`,
    {
      schema: {
        tags,
        summary: 'Register a source; the secret (and Open311 API key) is shown once',
        body: CreateSourceRequest,
        response: { 201: SourceSecret, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await sources.createSource(g, actorOf(request), request.body, options.brokerStatus())),
  );

  app.post(
    `${base}/sources/:id/rotate`,
    {
      schema: {
        tags,
        summary: 'Issue a new secret (and API key); the old one stops working',
        params: IdParams,
        response: { 200: SourceSecret, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => sources.rotateSourceSecret(g, actorOf(request), request.params.id, options.brokerStatus()),
  );

  app.get(
    `${base}/dead-letters`,
    {
      schema: {
        tags,
        summary: 'Messages that could not be used, with the reason',
        querystring: DeadLetterQuery,
        response: { 200: Paged(DeadLetter), ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => sources.listDeadLetters(g, actorOf(request), request.query),
  );

  app.get(
    `${base}/dead-letters/:id`,
    {
      schema: {
        tags,
        summary: 'A dead letter with the message as received',
        params: IdParams,
        response: { 200: DeadLetter, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => sources.getDeadLetter(g, actorOf(request), request.params.id),
  );

  app.post(
    `${base}/dead-letters/:id/replay`,
    {
      schema: {
        tags,
        summary: 'Send a dead letter through the intake again, as stored or corrected',
        params: IdParams,
        body: ReplayRequest,
        response: { 200: ReplayResult, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => sources.replayDeadLetter(g, actorOf(request), request.params.id, request.body.payload),
  );

  app.post(
    `${base}/dead-letters/:id/discard`,
    {
      schema: {
        tags,
        summary: 'Discard a dead letter',
        params: IdParams,
        response: { 200: DeadLetter, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => sources.discardDeadLetter(g, actorOf(request), request.params.id),
  );

  app.get(
    `${base}/unknown-devices`,
    {
      schema: {
        tags,
        summary: 'Device codes that sent messages but are not registered',
        response: { 200: Type.Array(UnknownDevice), ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => sources.listUnknownDevices(g, actorOf(request)),
  );

  app.get(
    `${base}/devices`,
    {
      schema: {
        tags,
        summary:
          'Devices and cameras with filters and paging; format=xlsx for the whole filtered list in Excel',
        querystring: DeviceQuery,
        response: { 200: Paged(Device), ...PROBLEM_RESPONSES },
        produces: ['application/json', XLSX],
      },
      onRequest: authenticated,
    },
    async (request, reply) => {
      if (request.query.format !== 'xlsx') return devices.listDevices(g, actorOf(request), request.query);
      const buffer = await devices.exportDevices(g, actorOf(request), request.query);
      const date = new Date().toISOString().slice(0, 10);
      return reply
        .type(XLSX)
        .header('content-disposition', attachmentHeader(`设备-${date}.xlsx`, `devices-${date}.xlsx`))
        .send(buffer as never);
    },
  );

  app.get(
    `${base}/devices/stats`,
    {
      schema: {
        tags,
        summary: 'Devices by state and type',
        response: { 200: DeviceStats, ...PROBLEM_RESPONSES },
      },
      onRequest: authenticated,
    },
    (request) => devices.deviceStats(g, actorOf(request)),
  );

  registerDeviceImport(fastify, g);
  registerAttachmentRoutes(fastify, g);
  registerWebhookIntake(fastify, g);
}

const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain'];

/** Device registers arrive as the raw bytes of an .xlsx or .csv file (up to 20 MB). */
function registerDeviceImport(fastify: FastifyInstance, g: Governance): void {
  fastify.register(async (scope) => {
    scope.addContentTypeParser(
      [XLSX, ...CSV_TYPES],
      { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES + 1 },
      (_request, body, done) => done(null, body),
    );
    const app = typed(scope);
    app.post(
      '/api/governance/devices/import',
      {
        schema: {
          tags: ['governance'],
          summary: 'Import devices from an Excel or CSV register; any bad row imports nothing and is named',
          consumes: [XLSX, ...CSV_TYPES],
          response: { 200: DeviceImportResult, ...PROBLEM_RESPONSES },
        },
        onRequest: authenticated,
      },
      async (request) => {
        const actor = actorOf(request);
        assertRole(actor, ['tenant_admin', 'dispatcher']);
        const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        const bytes = request.body as Buffer;
        if (!Buffer.isBuffer(bytes) || bytes.length === 0)
          throw new AppError('validation_failed', 'The body must be the bytes of an .xlsx or .csv file', {
            errors: [{ field: '/body', message: 'empty' }],
          });
        return devices.importDevices(g, actor.tenantId, { bytes, contentType });
      },
    );
  });
}

function registerAttachmentRoutes(fastify: FastifyInstance, g: Governance): void {
  fastify.register(async (scope) => {
    // Photos arrive as the raw bytes of the image (no multipart): phones upload one picture a request.
    scope.addContentTypeParser(
      Object.keys(IMAGE_TYPES),
      { parseAs: 'buffer', bodyLimit: MAX_ATTACHMENT_BYTES },
      (_request, body, done) => done(null, body),
    );
    const app = typed(scope);
    app.post(
      '/api/attachments',
      {
        schema: {
          tags: ['attachments'],
          summary: 'Upload a photo (raw JPEG, PNG or WebP body, up to 5 MB)',
          consumes: Object.keys(IMAGE_TYPES),
          response: { 201: Attachment, ...PROBLEM_RESPONSES },
        },
        onRequest: authenticated,
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        const bytes = request.body as Buffer;
        const check = IMAGE_TYPES[contentType];
        if (!check || !Buffer.isBuffer(bytes) || bytes.length === 0 || !check(bytes))
          throw new AppError('validation_failed', `The body is not a ${contentType || 'supported'} image`, {
            errors: [
              {
                field: '/body',
                message: 'must be the bytes of a JPEG, PNG or WebP image matching Content-Type',
              },
            ],
          });
        const id = newId();
        await g.ctx.db
          .insertInto('attachment')
          .values({
            tenantId: actor.tenantId,
            id,
            contentType,
            sizeBytes: bytes.length,
            sha256: createHash('sha256').update(bytes).digest('hex'),
            bytes,
            uploadedBy: actor.accountId,
          })
          .execute();
        return reply
          .status(201)
          .send({ id, contentType, sizeBytes: bytes.length, url: `/api/attachments/${id}` });
      },
    );
    app.get(
      '/api/attachments/:id',
      {
        schema: {
          tags: ['attachments'],
          summary: 'A photo of this subdistrict',
          params: IdParams,
          produces: Object.keys(IMAGE_TYPES),
        },
        onRequest: authenticated,
      },
      async (request, reply) => {
        const row = await g.ctx.db
          .selectFrom('attachment')
          .select(['contentType', 'bytes'])
          .where('tenantId', '=', actorOf(request).tenantId)
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (!row) throw notFound('Attachment');
        return reply
          .type(row.contentType)
          .header('cache-control', 'private, max-age=86400, immutable')
          .send(Buffer.from(row.bytes));
      },
    );
  });
}

/**
 * Signed webhooks from other platforms (12345, 110, 119, the district platform, camera analytics).
 * The body is read raw (the HMAC covers its exact bytes), verified, then parsed; 202 is sent only
 * after the event is committed. Unknown tenant, source or a bad signature: 401, counted per source.
 */
function registerWebhookIntake(fastify: FastifyInstance, g: Governance): void {
  fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // Read every body as bytes, a little over the limit so an oversized one can still be kept.
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_request, body, done) =>
      done(null, body),
    );
    const app = typed(scope);
    app.post(
      '/api/intake/:tenant/:source',
      {
        schema: {
          tags: ['intake'],
          summary: `Signed webhook: ${SIGNATURE_HEADER} = sha256=HMAC-SHA256(secret, "<${TIMESTAMP_HEADER}>.<body>")`,
          params: Type.Object(
            { tenant: Type.String({ maxLength: 40 }), source: Type.String({ maxLength: 40 }) },
            { additionalProperties: false },
          ),
          response: { 202: IntakeAccepted, ...PROBLEM_RESPONSES },
        },
      },
      async (
        request: FastifyRequest<{ Params: { tenant: string; source: string } }>,
        reply: FastifyReply,
      ) => {
        const unauthorized = (detail: string) => new AppError('unauthenticated', detail);
        const tenantId = (await g.directory.tenantByCode(request.params.tenant))?.id;
        if (!tenantId) throw unauthorized('Unknown source key');
        const source = await g.directory.source(tenantId, request.params.source);
        const secret = source ? sourceSecret(g.ctx.cipher, source) : undefined;
        if (!source || !secret || source.channel !== 'webhook') throw unauthorized('Unknown source key');
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const header = (name: string) => {
          const value = request.headers[name];
          return typeof value === 'string' ? value : undefined;
        };
        const check = checkSignature(
          secret,
          header(TIMESTAMP_HEADER),
          header(SIGNATURE_HEADER),
          body,
          Date.now(),
        );
        if (!check.ok) {
          await sources.recordAuthFailure(g, tenantId, source.id);
          throw unauthorized(`Signature refused: ${check.reason}`);
        }
        if (!source.enabled) throw forbidden('This source is disabled');
        const rawText = body.toString('utf8');
        const contentType = header('content-type');
        let payload: unknown;
        let rejectReason: string | undefined;
        if (body.length > MAX_WEBHOOK_BYTES)
          rejectReason = `payload of ${body.length} bytes is over the ${MAX_WEBHOOK_BYTES}-byte limit`;
        else if (contentType && !/^application\/(.+\+)?json\b/i.test(contentType))
          rejectReason = `content type "${contentType}" is not JSON`;
        else
          try {
            payload = JSON.parse(rawText);
          } catch (error) {
            rejectReason = `body is not valid JSON: ${error instanceof Error ? error.message : 'parse error'}`;
          }
        const outcome = await g.intake.submitOne({
          tenantId,
          source,
          payload,
          rawText,
          contentType,
          receivedAt: new Date(),
          rejectReason,
        });
        if (outcome.status === 'dead_letter')
          throw new AppError(
            'validation_failed',
            `The message was kept as a dead letter: ${outcome.reason}`,
            {
              errors: [{ field: '/body', message: outcome.reason }],
              deadLetterId: outcome.deadLetterId,
            },
          );
        return reply.status(202).send({
          status: outcome.status,
          eventId: 'eventId' in outcome ? outcome.eventId : null,
          incidentId: 'incidentId' in outcome ? outcome.incidentId : null,
          caseId: outcome.status === 'accepted' ? outcome.caseId : null,
          caseNumber: outcome.status === 'accepted' ? outcome.caseNumber : null,
        });
      },
    );
  });
}

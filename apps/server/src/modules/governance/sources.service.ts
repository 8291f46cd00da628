import type {
  CreateSourceRequest,
  DeadLetter,
  EventSource,
  ReplayResult,
  SourceSecret,
  UnknownDevice,
} from '@jiedao/contracts';
import type { SourceChannel, SourceMapping } from '@jiedao/contracts/constants';
import { sql } from 'kysely';
import { assertRole, type Actor } from '../../platform/auth/actor.js';
import { AppError, notFound } from '../../platform/errors.js';
import { pageWindow } from '../../platform/http/paging.js';
import { newId } from '../../platform/ids.js';
import { localDate, localMidnight } from '../../platform/local-date.js';
import { placesRepository } from '../places/index.js';
import { COMMAND_ROLES } from './cases.service.js';
import type { Governance } from './governance.js';
import { hashApiKey, newSecret } from './sources.js';

/** What the console shows about the MQTT connection; `disabled` when no broker is configured. */
export interface BrokerStatus {
  state: 'connecting' | 'connected' | 'disconnected' | 'stopped' | 'disabled';
  since: Date | null;
  lastError: string | null;
}

const ADMIN: Actor['roles'][number]['role'][] = ['tenant_admin'];
const IDLE_AFTER_MS = 24 * 3600_000;

type SourceRow = {
  id: string;
  code: string;
  name: string;
  channel: string;
  mapping: string;
  enabled: boolean;
  authFailures: number;
  lastAuthFailureAt: Date | null;
  lastMessageAt: Date | null;
  eventsToday: number | string | null;
  deadLettersOpen: number | string | null;
};

export function sourceHealth(row: SourceRow, broker: BrokerStatus, now = Date.now()): EventSource['health'] {
  if (!row.enabled) return 'disabled';
  if (row.channel === 'mqtt' && broker.state !== 'connected' && broker.state !== 'disabled')
    return 'disconnected';
  // Refused signatures more recent than the last accepted message: the sender's key or clock is wrong.
  if (
    row.lastAuthFailureAt &&
    (!row.lastMessageAt || row.lastAuthFailureAt > row.lastMessageAt) &&
    now - row.lastAuthFailureAt.getTime() < 3600_000
  )
    return 'failing';
  if (!row.lastMessageAt || now - row.lastMessageAt.getTime() > IDLE_AFTER_MS) return 'idle';
  return 'ok';
}

function endpointOf(tenantCode: string, row: { code: string; channel: string }): string {
  switch (row.channel as SourceChannel) {
    case 'webhook':
      return `/api/intake/${tenantCode}/${row.code}`;
    case 'mqtt':
      return `jiedao/${tenantCode}/devices/+/+`;
    case 'open311':
      return '/open311/v2';
    case 'mobile':
    case 'staff':
      return '/api/governance/reports';
    default:
      return '';
  }
}

export async function listSources(g: Governance, actor: Actor, broker: BrokerStatus): Promise<EventSource[]> {
  assertRole(actor, COMMAND_ROLES);
  const tenant = await placesRepository.findTenant(g.ctx.db, actor.tenantId);
  if (!tenant) throw notFound('Tenant');
  const today = localMidnight(localDate(new Date()));
  const rows = await g.ctx.db
    .selectFrom('eventSource as s')
    .where('s.tenantId', '=', actor.tenantId)
    .select([
      's.id',
      's.code',
      's.name',
      's.channel',
      's.mapping',
      's.enabled',
      's.authFailures',
      's.lastAuthFailureAt',
      's.lastMessageAt',
      (eb) =>
        eb
          .selectFrom('govEvent as e')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('e.tenantId', '=', 's.tenantId')
          .whereRef('e.sourceId', '=', 's.id')
          .where('e.receivedAt', '>=', today)
          .as('eventsToday'),
      (eb) =>
        eb
          .selectFrom('deadLetter as d')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('d.tenantId', '=', 's.tenantId')
          .whereRef('d.sourceId', '=', 's.id')
          .where('d.status', '=', 'open')
          .as('deadLettersOpen'),
    ])
    .orderBy('s.createdAt')
    .orderBy('s.code')
    .execute();
  return rows.map((row) => toSource(tenant.code, row, broker));
}

function toSource(tenantCode: string, row: SourceRow, broker: BrokerStatus): EventSource {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    channel: row.channel as SourceChannel,
    mapping: row.mapping as SourceMapping,
    enabled: row.enabled,
    authFailures: row.authFailures,
    lastAuthFailureAt: row.lastAuthFailureAt?.toISOString() ?? null,
    lastMessageAt: row.lastMessageAt?.toISOString() ?? null,
    eventsToday: Number(row.eventsToday ?? 0),
    deadLettersOpen: Number(row.deadLettersOpen ?? 0),
    health: sourceHealth(row, broker),
    endpoint: endpointOf(tenantCode, row),
  };
}

export async function createSource(
  g: Governance,
  actor: Actor,
  body: CreateSourceRequest,
  broker: BrokerStatus,
): Promise<SourceSecret> {
  assertRole(actor, ADMIN);
  const secret = newSecret();
  const apiKey = body.channel === 'open311' ? newSecret() : undefined;
  const inserted = await g.ctx.db
    .insertInto('eventSource')
    .values({
      tenantId: actor.tenantId,
      id: newId(),
      code: body.code,
      name: body.name,
      channel: body.channel,
      mapping: body.mapping,
      secretEnc: g.ctx.cipher.encrypt(secret, 'event_source.secret'),
      apiKeyHash: apiKey ? hashApiKey(apiKey) : null,
    })
    .onConflict((conflict) => conflict.columns(['tenantId', 'code']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted)
    throw new AppError('conflict', `A source with code "${body.code}" exists`, {
      errors: [{ field: '/code', message: 'already used in this subdistrict' }],
    });
  g.directory.invalidateSources(actor.tenantId);
  const source = (await listSources(g, actor, broker)).find((candidate) => candidate.id === inserted.id)!;
  return { source, secret, apiKey };
}

export async function rotateSourceSecret(
  g: Governance,
  actor: Actor,
  sourceId: string,
  broker: BrokerStatus,
): Promise<SourceSecret> {
  assertRole(actor, ADMIN);
  const row = await g.ctx.db
    .selectFrom('eventSource')
    .select(['id', 'channel'])
    .where('tenantId', '=', actor.tenantId)
    .where('id', '=', sourceId)
    .executeTakeFirst();
  if (!row) throw notFound('Source');
  const secret = newSecret();
  const apiKey = row.channel === 'open311' ? newSecret() : undefined;
  await g.ctx.db
    .updateTable('eventSource')
    .set({
      secretEnc: g.ctx.cipher.encrypt(secret, 'event_source.secret'),
      ...(apiKey ? { apiKeyHash: hashApiKey(apiKey) } : {}),
    })
    .where('tenantId', '=', actor.tenantId)
    .where('id', '=', sourceId)
    .execute();
  g.directory.invalidateSources(actor.tenantId);
  const source = (await listSources(g, actor, broker)).find((candidate) => candidate.id === sourceId)!;
  return { source, secret, apiKey };
}

/** A refused webhook signature or API key, counted on the source (rare, so one update each). */
export async function recordAuthFailure(g: Governance, tenantId: string, sourceId: string): Promise<void> {
  await g.ctx.db
    .updateTable('eventSource')
    .set({ authFailures: sql`auth_failures + 1`, lastAuthFailureAt: new Date() })
    .where('tenantId', '=', tenantId)
    .where('id', '=', sourceId)
    .execute();
}

type DeadLetterRow = {
  id: string;
  sourceId: string | null;
  sourceName: string | null;
  channel: string;
  reason: string;
  topic: string | null;
  contentType: string | null;
  status: string;
  receivedAt: Date;
  replayedAt: Date | null;
  replayResult: string | null;
};

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    sourceId: row.sourceId,
    sourceName: row.sourceName,
    channel: row.channel,
    reason: row.reason,
    topic: row.topic,
    contentType: row.contentType,
    status: row.status as DeadLetter['status'],
    receivedAt: row.receivedAt.toISOString(),
    replayedAt: row.replayedAt?.toISOString() ?? null,
    replayResult: row.replayResult,
  };
}

function deadLetters(g: Governance, tenantId: string) {
  return g.ctx.db
    .selectFrom('deadLetter as d')
    .leftJoin('eventSource as s', (join) =>
      join.onRef('s.tenantId', '=', 'd.tenantId').onRef('s.id', '=', 'd.sourceId'),
    )
    .where('d.tenantId', '=', tenantId)
    .select([
      'd.id',
      'd.sourceId',
      's.name as sourceName',
      'd.channel',
      'd.reason',
      'd.topic',
      'd.contentType',
      'd.status',
      'd.receivedAt',
      'd.replayedAt',
      'd.replayResult',
      'd.payloadEnc',
    ]);
}

export async function listDeadLetters(
  g: Governance,
  actor: Actor,
  query: { status?: 'open' | 'replayed' | 'discarded'; page?: number; pageSize?: number },
) {
  assertRole(actor, COMMAND_ROLES);
  const window = pageWindow(query);
  let base = g.ctx.db.selectFrom('deadLetter').where('tenantId', '=', actor.tenantId);
  if (query.status) base = base.where('status', '=', query.status);
  let rows = deadLetters(g, actor.tenantId);
  if (query.status) rows = rows.where('d.status', '=', query.status);
  const [items, count] = await Promise.all([
    rows.orderBy('d.receivedAt', 'desc').limit(window.limit).offset(window.offset).execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: items.map(toDeadLetter),
    total: Number(count.n),
    page: window.page,
    pageSize: window.pageSize,
  };
}

export async function getDeadLetter(g: Governance, actor: Actor, id: string): Promise<DeadLetter> {
  assertRole(actor, COMMAND_ROLES);
  const row = await deadLetters(g, actor.tenantId).where('d.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Dead letter');
  return { ...toDeadLetter(row), payload: g.ctx.cipher.decrypt(row.payloadEnc, 'dead_letter.payload') };
}

/**
 * Sends a dead letter through the intake again — as stored (after the mapping was fixed) or as
 * corrected by the dispatcher. The dead letter is marked replayed only if the message was accepted.
 */
export async function replayDeadLetter(
  g: Governance,
  actor: Actor,
  id: string,
  corrected: string | undefined,
): Promise<ReplayResult> {
  assertRole(actor, COMMAND_ROLES);
  const row = await deadLetters(g, actor.tenantId).where('d.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Dead letter');
  if (row.status !== 'open')
    throw new AppError('conflict', `This dead letter was already ${row.status}`, { allowed: [] });
  const source = (
    await g.ctx.db
      .selectFrom('eventSource')
      .select('code')
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', row.sourceId ?? '')
      .executeTakeFirst()
  )?.code;
  const info = source ? await g.directory.source(actor.tenantId, source) : undefined;
  if (!info) throw new AppError('conflict', 'The source of this message no longer exists');
  const rawText = corrected ?? g.ctx.cipher.decrypt(row.payloadEnc, 'dead_letter.payload');
  let payload: unknown;
  let rejectReason: string | undefined;
  try {
    payload = rawText.trim() === '' ? undefined : JSON.parse(rawText);
  } catch (error) {
    if (corrected !== undefined)
      throw new AppError('validation_failed', 'The corrected payload is not valid JSON', {
        errors: [{ field: '/payload', message: error instanceof Error ? error.message : 'invalid JSON' }],
      });
    rejectReason = 'payload is not valid JSON';
  }
  if (rejectReason) return { status: 'dead_letter', reason: rejectReason, caseNumber: null };
  // Replay into a fresh dead letter would duplicate this one; map first and answer without storing.
  const outcome = await g.intake.submitOne({
    tenantId: actor.tenantId,
    source: info,
    topic: row.topic ?? undefined,
    payload,
    rawText,
    contentType: row.contentType ?? undefined,
    receivedAt: new Date(),
  });
  if (outcome.status === 'dead_letter') {
    // The intake kept the failed replay as a new dead letter; fold it back into this one.
    await g.ctx.db
      .deleteFrom('deadLetter')
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', outcome.deadLetterId)
      .execute();
    await g.ctx.db
      .updateTable('deadLetter')
      .set({ reason: outcome.reason.slice(0, 500) })
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', id)
      .execute();
    return { status: 'dead_letter', reason: outcome.reason, caseNumber: null };
  }
  const caseNumber = outcome.status === 'accepted' ? outcome.caseNumber : null;
  await g.ctx.db
    .updateTable('deadLetter')
    .set({
      status: 'replayed',
      replayedAt: new Date(),
      replayResult: `${outcome.status}${caseNumber ? ` ${caseNumber}` : ''}`,
    })
    .where('tenantId', '=', actor.tenantId)
    .where('id', '=', id)
    .execute();
  return { status: outcome.status, reason: null, caseNumber };
}

export async function discardDeadLetter(g: Governance, actor: Actor, id: string): Promise<DeadLetter> {
  assertRole(actor, COMMAND_ROLES);
  const updated = await g.ctx.db
    .updateTable('deadLetter')
    .set({ status: 'discarded', replayedAt: new Date(), replayResult: 'discarded' })
    .where('tenantId', '=', actor.tenantId)
    .where('id', '=', id)
    .where('status', '=', 'open')
    .returning('id')
    .executeTakeFirst();
  if (!updated) {
    const exists = await deadLetters(g, actor.tenantId).where('d.id', '=', id).executeTakeFirst();
    if (!exists) throw notFound('Dead letter');
    throw new AppError('conflict', `This dead letter was already ${exists.status}`);
  }
  const row = await deadLetters(g, actor.tenantId).where('d.id', '=', id).executeTakeFirstOrThrow();
  return toDeadLetter(row);
}

export async function listUnknownDevices(g: Governance, actor: Actor): Promise<UnknownDevice[]> {
  assertRole(actor, COMMAND_ROLES);
  const rows = await g.ctx.db
    .selectFrom('unknownDevice as u')
    .innerJoin('eventSource as s', (join) =>
      join.onRef('s.tenantId', '=', 'u.tenantId').onRef('s.id', '=', 'u.sourceId'),
    )
    .where('u.tenantId', '=', actor.tenantId)
    .select([
      's.name as sourceName',
      'u.deviceCode',
      'u.messageCount',
      'u.firstSeenAt',
      'u.lastSeenAt',
      'u.lastPayload',
    ])
    .orderBy('u.lastSeenAt', 'desc')
    .limit(500)
    .execute();
  return rows.map((row) => ({
    sourceName: row.sourceName,
    deviceCode: row.deviceCode,
    messageCount: row.messageCount,
    firstSeenAt: row.firstSeenAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    lastPayload: row.lastPayload,
  }));
}

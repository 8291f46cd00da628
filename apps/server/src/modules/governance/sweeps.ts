import { ACTIVE_CASE_STAGES } from '@jiedao/contracts/constants';
import { sql } from 'kysely';
import type { Actor } from '../../platform/auth/actor.js';
import { newId } from '../../platform/ids.js';
import { moveCase } from './cases.service.js';
import type { Governance } from './governance.js';
import type { IntakeSubmission } from './intake.js';

/**
 * Periodic work of the command center, each step a set-based statement that is safe to run in
 * several processes at once (each case is reminded or escalated once; RETURNING says by whom):
 * - reminders when 80 % of the response time has passed without a response;
 * - 督办 (escalation) when a response or resolution deadline has passed;
 * - automatic evaluation of cases nobody rated within the evaluation period (默认评价);
 * - devices that stopped reporting go offline, through the intake, so the fault is an incident.
 *
 * Sweeps instead of one timer per case: a city has hundreds of thousands of open deadlines and the
 * index on (stage, due) answers "what is due now" in one query; nothing is lost across restarts.
 */
export interface SweepOptions {
  now?: Date;
  /** A device silent this long is offline (default 24 h: NB-IoT smoke detectors report daily). */
  offlineAfterMs?: number;
  /** Cases nobody rated this long after closing are closed without a rating. */
  evaluationPeriodMs?: number;
}

export interface SweepResult {
  reminded: number;
  escalated: number;
  evaluated: number;
  offline: number;
}

const ACTIVE = sql`(${sql.join(ACTIVE_CASE_STAGES)})`;

function systemActor(tenantId: string): Actor {
  return {
    tenantId,
    accountId: '00000000-0000-0000-0000-000000000000',
    personId: '',
    sessionId: '',
    roles: [],
  };
}

export async function runSweeps(g: Governance, options: SweepOptions = {}): Promise<SweepResult> {
  const now = options.now ?? new Date();
  const db = g.ctx.db;

  const reminded = await sql<{ tenantId: string; id: string; number: string }>`
    update gov_case set reminded = true, updated_at = ${now}
    where stage in ${ACTIVE} and not reminded and responded_at is null and response_due_at is not null
      and ${now} >= response_due_at - (response_due_at - created_at) * 0.2 and ${now} < response_due_at
    returning tenant_id, id, number`.execute(db);

  const escalated = await sql<{
    tenantId: string;
    id: string;
    number: string;
    escalationLevel: number;
    stage: string;
  }>`
    update gov_case set escalation_level = case
        when closed_at is null and resolve_due_at < ${now} then 2 else 1 end,
      updated_at = ${now}, version = version + 1
    where stage in ${ACTIVE} and (
      (escalation_level < 1 and responded_at is null and response_due_at < ${now}) or
      (escalation_level < 2 and closed_at is null and resolve_due_at < ${now}))
    returning tenant_id, id, number, escalation_level, stage`.execute(db);

  const timeline = [
    ...reminded.rows.map((row) => ({
      ...row,
      action: 'reminder',
      note: '即将超过响应时限，请尽快处置',
      level: 0,
    })),
    ...escalated.rows.map((row) => ({
      ...row,
      action: 'escalated',
      note: row.escalationLevel >= 2 ? '办理超时，指挥中心督办' : '响应超时，指挥中心督办',
      level: row.escalationLevel,
    })),
  ];
  if (timeline.length > 0)
    await db
      .insertInto('caseTimeline')
      .values(
        timeline.map((entry) => ({
          tenantId: entry.tenantId,
          id: newId(),
          caseId: entry.id,
          at: now,
          actorAccountId: null,
          actorName: '系统',
          actorRole: 'system',
          action: entry.action,
          note: entry.note,
          data: JSON.stringify({ escalationLevel: entry.level }),
        })),
      )
      .execute();
  for (const entry of timeline)
    g.realtime?.publish(entry.tenantId, 'case.updated', {
      id: entry.id,
      number: entry.number,
      move: entry.action,
      escalationLevel: entry.level,
    });

  // Cases waiting for a rating past the period close without one.
  const evaluationPeriodMs = options.evaluationPeriodMs ?? 7 * 86_400_000;
  const unrated = await db
    .selectFrom('govCase')
    .select(['tenantId', 'id'])
    .where('stage', '=', 'evaluation')
    .where('closedAt', '<', new Date(now.getTime() - evaluationPeriodMs))
    .limit(500)
    .execute();
  let evaluated = 0;
  for (const row of unrated) {
    try {
      await moveCase(
        g,
        systemActor(row.tenantId),
        row.id,
        { move: 'evaluate', note: '逾期未评价，系统默认办结' },
        true,
      );
      evaluated++;
    } catch (error) {
      // Another process moved it first; the next sweep sees the truth.
      g.ctx.log.debug({ err: error, caseId: row.id }, 'auto-evaluation skipped');
    }
  }

  // Devices silent for too long: mark offline through the intake (a fault incident, a device state).
  const offlineAfterMs = options.offlineAfterMs ?? 24 * 3600_000;
  const silent = await db
    .selectFrom('device')
    .select(['tenantId', 'id', 'code', 'lastSeenAt', 'createdAt'])
    .where('state', 'in', ['online', 'alarm', 'fault'])
    .where(sql<boolean>`coalesce(last_seen_at, created_at) < ${new Date(now.getTime() - offlineAfterMs)}`)
    .limit(5000)
    .execute();
  const byTenant = new Map<string, typeof silent>();
  for (const device of silent)
    byTenant.set(device.tenantId, [...(byTenant.get(device.tenantId) ?? []), device]);
  let offline = 0;
  for (const [tenantId, devices] of byTenant) {
    const source = await g.directory.source(tenantId, 'system');
    if (!source) continue;
    const submissions: IntakeSubmission[] = devices.map((device) => {
      const lastSeen = (device.lastSeenAt ?? device.createdAt).toISOString();
      const payload = {
        id: `offline:${device.id}:${lastSeen}`,
        deviceCode: device.code,
        reason: `no message since ${lastSeen}`,
      };
      return { tenantId, source, payload, rawText: JSON.stringify(payload), receivedAt: now };
    });
    const outcomes = await g.intake.submit(submissions);
    offline += outcomes.filter((outcome) => outcome.status === 'accepted').length;
  }
  return { reminded: reminded.rows.length, escalated: escalated.rows.length, evaluated, offline };
}

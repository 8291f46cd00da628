import type { AccessAuditEntry, PersonDetail, PersonSummary, Role } from '@jiedao/contracts';
import { assertRole, firstRole, type Actor } from '../../platform/auth/actor.js';
import type { AppContext } from '../../platform/context.js';
import { forbidden, invalidField, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { PII_CONTEXT, toPersonSummary } from './identity-mappers.js';
import { pageWindow } from '../../platform/http/paging.js';
import * as repo from './identity.repository.js';

/** Staff who may look people up (masked). */
export const PEOPLE_READERS: readonly Role[] = [
  'tenant_admin',
  'platform_admin',
  'grid_worker',
  'dispatcher',
  'service_staff',
  'station_staff',
  'housing_staff',
  'market_operator',
  'insurer_agent',
];

/**
 * Who may see which field unmasked, and only with a stated purpose: contact staff need the phone,
 * registration and claims staff need the ID number. Everything revealed is audited.
 */
export const REVEAL_RULES: Record<'phone' | 'idNumber', readonly Role[]> = {
  phone: [
    'tenant_admin',
    'grid_worker',
    'dispatcher',
    'service_staff',
    'station_staff',
    'housing_staff',
    'insurer_agent',
  ],
  idNumber: ['tenant_admin', 'station_staff', 'housing_staff', 'insurer_agent'],
};

export async function listPeople(
  ctx: AppContext,
  actor: Actor,
  query: { q?: string | undefined; page?: number | undefined; pageSize?: number | undefined },
): Promise<{ items: PersonSummary[]; total: number; page: number; pageSize: number }> {
  assertRole(actor, PEOPLE_READERS);
  const { page, pageSize, limit, offset } = pageWindow(query);
  const [rows, count] = await repo.listPeople(ctx.db, actor.tenantId, { q: query.q, limit, offset });
  return { items: rows.map((row) => toPersonSummary(ctx.cipher, row)), total: count.count, page, pageSize };
}

/**
 * One person, masked; `reveal` asks for fields in clear. The audit record is written before the
 * answer leaves: if it cannot be written, nothing is shown.
 */
export async function getPerson(
  ctx: AppContext,
  actor: Actor,
  personId: string,
  options: {
    reveal: Array<'phone' | 'idNumber'>;
    purpose?: string | undefined;
    requestId: string;
    ip: string | null;
  },
): Promise<PersonDetail> {
  const isSelf = actor.personId === personId;
  if (!isSelf) assertRole(actor, PEOPLE_READERS);
  const person = await repo.findPerson(ctx.db, actor.tenantId, personId);
  if (!person) throw notFound('Person');
  const detail: PersonDetail = {
    ...toPersonSummary(ctx.cipher, person),
    birthDate: person.birthDate,
    sex: person.sex,
  };
  const reveal = [...new Set(options.reveal)];
  if (reveal.length === 0) return detail;

  const roles = new Set<Role>();
  for (const field of reveal) {
    const role = firstRole(actor, REVEAL_RULES[field]);
    if (!role) throw forbidden(`Your role may not see ${field} unmasked`);
    roles.add(role);
  }
  if (!options.purpose) throw invalidField('query/purpose', 'is required when revealing personal data');
  if (reveal.includes('phone') && person.phoneEnc)
    detail.phone = ctx.cipher.decrypt(person.phoneEnc, PII_CONTEXT.phone);
  if (reveal.includes('idNumber') && person.idNumberEnc)
    detail.idNumber = ctx.cipher.decrypt(person.idNumberEnc, PII_CONTEXT.idNumber);
  await repo.insertAccessAudit(ctx.db, {
    tenantId: actor.tenantId,
    id: newId(),
    actorAccountId: actor.accountId,
    actorRole: [...roles].join(','),
    subjectPersonId: person.id,
    fields: JSON.stringify(reveal),
    purpose: options.purpose,
    requestId: options.requestId,
    ip: options.ip,
  });
  return detail;
}

export async function listAccessAudit(
  ctx: AppContext,
  actor: Actor,
  query: {
    from?: string | undefined;
    to?: string | undefined;
    actorAccountId?: string | undefined;
    subjectPersonId?: string | undefined;
    page?: number | undefined;
    pageSize?: number | undefined;
  },
): Promise<{ items: AccessAuditEntry[]; total: number; page: number; pageSize: number }> {
  assertRole(actor, ['tenant_admin', 'platform_admin']);
  const { page, pageSize, limit, offset } = pageWindow(query);
  const [rows, count] = await repo.listAccessAudit(ctx.db, actor.tenantId, { ...query, limit, offset });
  return {
    items: rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })),
    total: count.count,
    page,
    pageSize,
  };
}

import type { Consent, GrantConsentRequest } from '@jiedao/contracts';
import type { Actor } from '../../platform/auth/actor.js';
import type { AppContext } from '../../platform/context.js';
import { notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import * as repo from './identity.repository.js';

type ConsentRow = Awaited<ReturnType<typeof repo.listConsents>>[number];

function toConsent(row: ConsentRow): Consent {
  return {
    id: row.id,
    purpose: row.purpose,
    scope: row.scope,
    policyVersion: row.policyVersion,
    grantedAt: row.grantedAt.toISOString(),
    withdrawnAt: row.withdrawnAt ? row.withdrawnAt.toISOString() : null,
  };
}

/** PIPL consent records of the signed-in person: what was agreed, for what, when, and when withdrawn. */
export async function listMyConsents(ctx: AppContext, actor: Actor): Promise<Consent[]> {
  return (await repo.listConsents(ctx.db, actor.tenantId, actor.personId)).map(toConsent);
}

export async function grantConsent(
  ctx: AppContext,
  actor: Actor,
  input: GrantConsentRequest,
): Promise<Consent> {
  const row = await repo.insertConsent(ctx.db, {
    tenantId: actor.tenantId,
    id: newId(),
    personId: actor.personId,
    purpose: input.purpose,
    scope: JSON.stringify([...new Set(input.scope)]),
    policyVersion: input.policyVersion,
  });
  return toConsent(row);
}

/** Withdrawing twice keeps the first withdrawal time; someone else's consent is "not found". */
export async function withdrawConsent(ctx: AppContext, actor: Actor, consentId: string): Promise<Consent> {
  const row = await repo.withdrawConsent(ctx.db, actor.tenantId, actor.personId, consentId);
  if (!row) throw notFound('Consent');
  return toConsent(row);
}

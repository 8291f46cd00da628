import type { Me, VerifyRealNameRequest } from '@jiedao/contracts';
import type { Actor } from '../../platform/auth/actor.js';
import type { AppContext } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { normalizeIdNumber } from '../../platform/privacy/index.js';
import { getMe } from './auth.service.js';
import { checkResidentIdNumber } from './id-number.js';
import { verifiedPersonFields } from './identity-mappers.js';
import * as repo from './identity.repository.js';
import { VerificationUnavailableError, type RealNameVerificationProvider } from './verification-provider.js';

/**
 * Real-name verification of the signed-in person: the ID number is checked locally first (cheap,
 * and tells the user exactly what is wrong), then name + ID go to the provider. Birth date and sex
 * are taken from the verified ID, never typed in. Every attempt is recorded.
 */
export async function verifyRealName(
  ctx: AppContext,
  provider: RealNameVerificationProvider,
  actor: Actor,
  input: VerifyRealNameRequest,
): Promise<Me> {
  const person = await repo.findPerson(ctx.db, actor.tenantId, actor.personId);
  if (!person) throw notFound('Person');
  if (person.realNameStatus === 'verified')
    throw new AppError('already_verified', 'Your real name is already verified');

  const name = input.name.trim();
  const check = checkResidentIdNumber(normalizeIdNumber(input.idNumber));
  const attempt = { tenantId: actor.tenantId, personId: person.id, providerReference: null, latencyMs: null };
  if (!check.ok) {
    await repo.insertVerificationAttempt(ctx.db, {
      ...attempt,
      id: newId(),
      outcome: 'invalid',
      detail: check.check,
    });
    throw new AppError('invalid_id_number', `ID number failed the ${check.check} check: ${check.message}`, {
      errors: [{ field: '/idNumber', message: check.message }],
      check: check.check,
      messageZh: check.messageZh,
    });
  }
  const idNumberHash = ctx.cipher.blindIndex('id_number', check.idNumber);
  const holder = await repo.findPersonByIdNumberHash(ctx.db, actor.tenantId, idNumberHash);
  if (holder && holder.id !== person.id) {
    throw new AppError(
      'conflict',
      'This ID number is already verified for another account; contact the service desk',
    );
  }

  let result: Awaited<ReturnType<RealNameVerificationProvider['verify']>>;
  try {
    result = await provider.verify({ name, idNumber: check.idNumber });
  } catch (error) {
    if (error instanceof VerificationUnavailableError) {
      await repo.insertVerificationAttempt(ctx.db, {
        ...attempt,
        id: newId(),
        outcome: error.reason,
        detail: error.message,
      });
      throw new AppError(
        'verification_unavailable',
        'The verification service is unavailable; please try again shortly',
        {
          retryAfterSeconds: 30,
        },
      );
    }
    throw error;
  }
  if (result.outcome === 'no_match') {
    await repo.insertVerificationAttempt(ctx.db, {
      ...attempt,
      id: newId(),
      outcome: 'no_match',
      detail: null,
      providerReference: result.reference,
      latencyMs: result.latencyMs,
    });
    throw new AppError(
      'verification_no_match',
      'The name and ID number do not match the authority’s records',
    );
  }
  await ctx.db.transaction().execute(async (trx) => {
    await repo.insertVerificationAttempt(trx, {
      ...attempt,
      id: newId(),
      outcome: 'match',
      detail: null,
      providerReference: result.reference,
      latencyMs: result.latencyMs,
    });
    const updated = await repo.markPersonVerified(
      trx,
      actor.tenantId,
      person.id,
      verifiedPersonFields(ctx.cipher, name, check),
    );
    if (Number(updated.numUpdatedRows) !== 1)
      throw new AppError('already_verified', 'Your real name is already verified');
  });
  return getMe(ctx, actor);
}

/**
 * Marks a person verified from an ID confirmed elsewhere (the service desk's card reader, demo
 * data). The ID is still checked locally; birth date and sex come from it.
 */
export async function recordVerifiedIdentityUnchecked(
  ctx: AppContext,
  tenantId: string,
  personId: string,
  input: { name: string; idNumber: string },
): Promise<void> {
  const check = checkResidentIdNumber(normalizeIdNumber(input.idNumber));
  if (!check.ok)
    throw new AppError('invalid_id_number', `ID number failed the ${check.check} check: ${check.message}`);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.markPersonVerified(
      trx,
      tenantId,
      personId,
      verifiedPersonFields(ctx.cipher, input.name.trim(), check),
    );
  });
}

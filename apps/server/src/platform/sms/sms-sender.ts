import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../database/schema.js';
import { RetryLaterError, type Job, type JobRunner } from '../jobs/job-runner.js';
import { newId } from '../ids.js';
import { maskPhone, normalizePhone, type PiiCipher } from '../privacy/index.js';
import { type SmsGateway, type SmsSendAnswer } from './sms-gateway.js';
import {
  isSmsTemplate,
  renderSms,
  SmsRenderError,
  type SmsParams,
  type SmsTemplate,
} from './sms-templates.js';

/** The job kind that sends one SMS. */
export const SMS_JOB_KIND = 'sms.send';

/** Encryption context of the sealed part of a job's payload; binds the token to this use. */
const SEALED_CONTEXT = 'sms.job';

export interface QueueSmsInput<T extends SmsTemplate = SmsTemplate> {
  tenantId: string;
  /**
   * The caller's dedupe key, e.g. `gig.push:<jobId>:<workerId>`: one SMS per key and tenant, ever
   * (while the job row is kept). Stored in the clear, so it must not contain the phone number.
   */
  key: string;
  /** Plain; stored only encrypted. A `+86` prefix and separators are dropped. */
  phone: string;
  template: T;
  params: SmsParams<T>;
  /** When to send; default now. */
  runAt?: Date;
  /** Attempts before giving up (gateway down, rate limited); default the jobs' default, 5. */
  maxAttempts?: number;
}

export interface QueueSmsResult {
  jobId: string;
  /** False when an SMS with this key already existed (in any state): nothing new was queued. */
  queued: boolean;
}

/** What the job row holds: enough to recognise the message, nothing personal in the clear. */
interface SmsJobPayload {
  template: string;
  /** `138****5678`, for whoever reads the job table or the logs. */
  phoneMasked: string;
  /** {@link SealedSms}, encrypted: params can be as sensitive as the phone (verification codes, sites). */
  sealed: string;
}

interface SealedSms {
  phone: string;
  params: Record<string, string>;
}

/**
 * Queues an SMS as a durable job; pass the caller's transaction so the message exists exactly when
 * its cause commits. Checks the params against the template now, so a bad call fails its caller
 * instead of a job later. One message of {@link queueSmsBatch}.
 */
export async function queueSms<T extends SmsTemplate>(
  db: Kysely<Database>,
  cipher: PiiCipher,
  input: QueueSmsInput<T>,
): Promise<QueueSmsResult> {
  const [result] = await queueSmsBatch(db, cipher, [input]);
  if (!result) throw new Error('queueSmsBatch answered nothing for one message');
  return result;
}

/**
 * Queues many SMS in one statement (a push wave's, say), answering in the order asked. Every
 * message is checked against its template before anything is written, so one bad message fails the
 * whole call and queues none.
 *
 * A key that was queued before is left alone, whatever its state: `scheduleJob` would move a keyed
 * job back to pending, and a message already sent must not be sent again. The insert skips keys
 * that exist (`ON CONFLICT DO NOTHING` on the job's unique key, which also makes a concurrent
 * caller wait for the first one's commit), and one look-up finds the ids of those it skipped. A key
 * repeated within the batch is queued once; its later copies answer `queued: false`.
 */
export async function queueSmsBatch(
  db: Kysely<Database>,
  cipher: PiiCipher,
  inputs: readonly QueueSmsInput[],
): Promise<QueueSmsResult[]> {
  if (inputs.length === 0) return [];
  const now = new Date();
  const rows = inputs.map((input) => {
    if (input.key === '') throw new TypeError('An SMS needs a non-empty dedupe key');
    const maxAttempts = input.maxAttempts ?? 5;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
      throw new TypeError('maxAttempts must be a positive integer');
    const runAt = input.runAt ?? now;
    if (Number.isNaN(runAt.getTime())) throw new TypeError('runAt must be a valid date');
    const params: Record<string, string> = { ...(input.params as Record<string, string>) };
    renderSms(input.template, params);
    const phone = normalizePhone(input.phone) ?? input.phone.trim();
    const sealed: SealedSms = { phone, params };
    const payload: SmsJobPayload = {
      template: input.template,
      phoneMasked: maskPhone(phone),
      sealed: cipher.encrypt(JSON.stringify(sealed), SEALED_CONTEXT),
    };
    return {
      tenantId: input.tenantId,
      id: newId(),
      kind: SMS_JOB_KIND,
      key: input.key,
      runAt,
      payload: JSON.stringify(payload),
      maxAttempts,
    };
  });
  const slot = (tenantId: string, key: string) => `${tenantId}\n${key}`;
  const seen = new Set<string>();
  const unique = rows.filter((row) => {
    const at = slot(row.tenantId, row.key);
    if (seen.has(at)) return false;
    seen.add(at);
    return true;
  });
  const inserted = await db
    .insertInto('job')
    .values(unique)
    .onConflict((conflict) => conflict.columns(['tenantId', 'kind', 'key']).doNothing())
    .returning(['id', 'tenantId', 'key'])
    .execute();
  const queued = new Map(inserted.map((row) => [slot(row.tenantId, row.key ?? ''), row.id]));
  const skipped = unique.filter((row) => !queued.has(slot(row.tenantId, row.key)));
  const existing = new Map<string, string>();
  if (skipped.length > 0) {
    const found = await db
      .selectFrom('job')
      .select(['id', 'tenantId', 'key'])
      .where('kind', '=', SMS_JOB_KIND)
      .where((eb) =>
        eb.or(skipped.map((row) => eb.and([eb('tenantId', '=', row.tenantId), eb('key', '=', row.key)]))),
      )
      .execute();
    for (const row of found) existing.set(slot(row.tenantId, row.key ?? ''), row.id);
  }
  const answered = new Set<string>();
  return rows.map((row) => {
    const at = slot(row.tenantId, row.key);
    const jobId = queued.get(at);
    if (jobId !== undefined && !answered.has(at)) {
      answered.add(at);
      return { jobId, queued: true };
    }
    const id = jobId ?? existing.get(at);
    // Skipped by the insert, so the row existed; gone again only if pruned in between.
    if (id === undefined) throw new Error(`SMS job ${row.key} vanished while being queued`);
    return { jobId: id, queued: false };
  });
}

/**
 * The gateway's `outId` for a queued SMS: stable across retries (so a retried lost answer is not a
 * second message) and qualified by tenant, because one gateway account serves every tenant while
 * keys are unique only per tenant.
 */
export function smsOutId(tenantId: string, key: string): string {
  return `${tenantId}:${key}`;
}

/** Flow control allows a phone one SMS a minute: a rate-limited message waits that long. */
const RATE_LIMIT_DELAY_MS = 60_000;
/**
 * Runs of a rate-limited message before waiting stops being free (an hour of minutes; a phone past
 * its daily allowance stays limited until midnight): then it counts as a failed attempt.
 */
const RATE_LIMIT_DEFERRALS = 60;

/**
 * Thrown by the handler on `rate_limited`: the job runs again in a minute without using up an
 * attempt (flow control is not a failure: several pushes to one phone in a minute must all arrive).
 */
export class SmsRateLimitedError extends RetryLaterError {
  override readonly name = 'SmsRateLimitedError';
  constructor() {
    super('SMS gateway rate-limited this phone; sending in a minute', RATE_LIMIT_DELAY_MS);
  }
}

export interface SmsSenderOptions {
  gateway: SmsGateway;
  cipher: PiiCipher;
  log: Pick<FastifyBaseLogger, 'warn' | 'error'>;
  /** How long to wait for the gateway before counting the answer as lost (and retrying); default 10 s. */
  timeoutMs?: number;
}

/**
 * Registers the handler of {@link SMS_JOB_KIND}. A refusal is final (logged; the job is done) except
 * `rate_limited`, which defers the job a minute without using an attempt (up to an hour); no answer
 * (`SmsGatewayUnavailableError`) throws, so the runner retries with backoff — always with the same
 * `outId`, so the gateway never sends a message twice.
 */
export function registerSmsSender(jobs: JobRunner, options: SmsSenderOptions): void {
  const timeoutMs = options.timeoutMs ?? 10_000;
  jobs.register<unknown>(SMS_JOB_KIND, async (job) => {
    const payload = parsePayload(job);
    const context = {
      jobId: job.id,
      tenantId: job.tenantId,
      key: job.key,
      template: payload.template,
      phone: payload.phoneMasked,
      attempt: job.attempt,
    };
    // A template withdrawn since the job was queued: the gateway would refuse it for good.
    if (!isSmsTemplate(payload.template)) {
      options.log.warn({ ...context, reason: 'unknown_template' }, 'sms: refused; not sent');
      return;
    }
    const sealed = unseal(options.cipher, payload.sealed);
    let answer: SmsSendAnswer;
    try {
      answer = await options.gateway.send(
        {
          outId: smsOutId(job.tenantId, job.key ?? job.id),
          phone: sealed.phone,
          template: payload.template,
          params: sealed.params,
        },
        { signal: AbortSignal.timeout(timeoutMs) },
      );
    } catch (error) {
      // The template gained a placeholder since the job was queued: no retry can fill it.
      if (error instanceof SmsRenderError) {
        options.log.error({ ...context, err: error }, 'sms: cannot be rendered; not sent');
        return;
      }
      throw error;
    }
    if (answer.status === 'accepted') return;
    switch (answer.reason) {
      case 'rate_limited':
        if (job.attempt <= RATE_LIMIT_DEFERRALS) throw new SmsRateLimitedError();
        throw new Error(`SMS gateway rate-limited this phone for ${job.attempt} runs`);
      case 'invalid_phone':
      case 'unknown_template':
      case 'blacklisted':
        options.log.warn({ ...context, reason: answer.reason }, 'sms: refused; not sent');
        return;
      default:
        return answer.reason satisfies never;
    }
  });
}

function parsePayload(job: Job<unknown>): SmsJobPayload {
  const payload = job.payload;
  if (
    typeof payload === 'object' &&
    payload !== null &&
    'template' in payload &&
    typeof payload.template === 'string' &&
    'phoneMasked' in payload &&
    typeof payload.phoneMasked === 'string' &&
    'sealed' in payload &&
    typeof payload.sealed === 'string'
  )
    return { template: payload.template, phoneMasked: payload.phoneMasked, sealed: payload.sealed };
  throw new Error(`SMS job ${job.id} has a malformed payload`);
}

function unseal(cipher: PiiCipher, token: string): SealedSms {
  const value: unknown = JSON.parse(cipher.decrypt(token, SEALED_CONTEXT));
  if (
    typeof value === 'object' &&
    value !== null &&
    'phone' in value &&
    typeof value.phone === 'string' &&
    'params' in value &&
    typeof value.params === 'object' &&
    value.params !== null
  ) {
    const params: Record<string, string> = {};
    for (const [name, param] of Object.entries(value.params))
      if (typeof param === 'string') params[name] = param;
    return { phone: value.phone, params };
  }
  throw new Error('SMS job sealed content is malformed');
}

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SourceChannel, SourceMapping } from '@jiedao/contracts/constants';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/database/schema.js';
import { newId } from '../../platform/ids.js';
import type { PiiCipher } from '../../platform/privacy/index.js';
import type { SourceInfo } from './directory.js';

/** The sources every subdistrict starts with; administrators add more (another camera vendor …). */
export const DEFAULT_SOURCES: ReadonlyArray<{
  code: string;
  name: string;
  channel: SourceChannel;
  mapping: SourceMapping;
}> = [
  { code: 'minhu', name: '民呼我为', channel: 'mobile', mapping: 'resident_report' },
  { code: 'hotline-12345', name: '12345政务服务热线', channel: 'webhook', mapping: 'hotline_12345' },
  { code: 'police-110', name: '110警情联动', channel: 'webhook', mapping: 'police_110' },
  { code: 'fire-119', name: '119火警', channel: 'webhook', mapping: 'fire_119' },
  { code: 'district', name: '区社会治理平台', channel: 'webhook', mapping: 'district_platform' },
  { code: 'iot', name: '物联感知设备', channel: 'mqtt', mapping: 'iot_mqtt' },
  { code: 'camera', name: '视频智能分析', channel: 'webhook', mapping: 'camera_alarm' },
  { code: 'patrol', name: '网格员巡查', channel: 'staff', mapping: 'patrol_report' },
  { code: 'desk', name: '窗口及电话登记', channel: 'staff', mapping: 'resident_report' },
  { code: 'open311', name: 'Open311 接口', channel: 'open311', mapping: 'open311' },
  { code: 'system', name: '系统监测', channel: 'system', mapping: 'system' },
];

export const SIGNATURE_HEADER = 'x-jiedao-signature';
export const TIMESTAMP_HEADER = 'x-jiedao-timestamp';
/** A signed request older or newer than this is refused: a captured request cannot be replayed later. */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` — what a source sends. */
export function signBody(secret: string, timestamp: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function checkSignature(
  secret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  body: Buffer,
  now: number,
): SignatureCheck {
  if (!timestamp || !signature)
    return { ok: false, reason: `missing ${!timestamp ? TIMESTAMP_HEADER : SIGNATURE_HEADER} header` };
  const seconds = Number(timestamp);
  if (!Number.isFinite(seconds)) return { ok: false, reason: `${TIMESTAMP_HEADER} must be Unix seconds` };
  if (Math.abs(now - seconds * 1000) > SIGNATURE_TOLERANCE_MS)
    return { ok: false, reason: `${TIMESTAMP_HEADER} is more than 5 minutes away from the server's clock` };
  const expected = Buffer.from(signBody(secret, timestamp, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'signature does not match the body' };
  return { ok: true };
}

/** Creates the default sources a tenant lacks; returns the secrets of those it created (shown once). */
export async function ensureDefaultSources(
  db: Kysely<Database>,
  cipher: PiiCipher,
  tenantId: string,
): Promise<Array<{ code: string; secret: string; apiKey?: string }>> {
  const existing = new Set(
    (await db.selectFrom('eventSource').select('code').where('tenantId', '=', tenantId).execute()).map(
      (row) => row.code,
    ),
  );
  const created: Array<{ code: string; secret: string; apiKey?: string }> = [];
  for (const source of DEFAULT_SOURCES) {
    if (existing.has(source.code)) continue;
    const secret = newSecret();
    const apiKey = source.channel === 'open311' ? newSecret() : undefined;
    await db
      .insertInto('eventSource')
      .values({
        tenantId,
        id: newId(),
        code: source.code,
        name: source.name,
        channel: source.channel,
        mapping: source.mapping,
        secretEnc: cipher.encrypt(secret, 'event_source.secret'),
        apiKeyHash: apiKey ? hashApiKey(apiKey) : null,
      })
      .onConflict((conflict) => conflict.columns(['tenantId', 'code']).doNothing())
      .execute();
    created.push({ code: source.code, secret, apiKey });
  }
  return created;
}

export function sourceSecret(cipher: PiiCipher, source: SourceInfo): string | undefined {
  return source.secretEnc ? cipher.decrypt(source.secretEnc, 'event_source.secret') : undefined;
}
